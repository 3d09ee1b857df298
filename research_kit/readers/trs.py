"""Transcriber transcripts (``.trs``).

Transcriber (1.4, 1.5) saves an XML file declared ``ISO-8859-1`` and really written in
Latin-1, with a ``<!DOCTYPE Trans SYSTEM "trans-14.dtd">`` line (the DTD is never
loaded). Files converted by other tools are often UTF-8, and say so. A file declared
Latin-1 whose bytes are in fact UTF-8 is read as UTF-8, with a warning (``RK-R08``); one
holding Windows-1252 characters (``’``, ``œ``, ``…``) is read as Windows-1252.

What is read
------------
``<Trans>`` holds ``<Speakers>``, ``<Topics>`` and one ``<Episode>`` of ``<Section>``\\ s
(``report``, ``filler`` or ``nontrans``) of ``<Turn>``\\ s. Inside a turn, ``<Sync
time=>`` marks where a new stretch of the sound starts, and the text between the marks
is what was said.

- **Turns**: one per ``<Turn>``, with the turn's ``startTime`` and ``endTime``; its
  ``<Sync>`` segments are joined with a space (they mark the sound, not a change of
  turn, and splitting at them would count a speaker's one turn as several). A ``<Turn>``
  without ``speaker`` has no speaker. ``speaker="spk1 spk2"`` is overlapping speech:
  the text after ``<Who nb="1"/>`` is the first speaker's, after ``<Who nb="2"/>`` the
  second's, and each gets a turn with the ``<Turn>``'s times (the text before any
  ``<Who>`` is the first speaker's). Runs of XML whitespace become one space. A
  ``nontrans`` section is not speech: text in it is kept as a ``comment`` event.
- **Speakers**: labelled by their ``name``, or by their ``id`` (``spk3``) when the name is
  empty or shared with another speaker. Attributes: ``name``, ``speaker_id``, ``gender``
  (``type="male"`` or ``"female"``), ``age`` (``"child"`` for ``type="child"``),
  ``dialect`` (``native``, ``nonnative``), ``accent`` and ``scope`` (``local``,
  ``global``), each when the file gives one.
- **Events**, timed by the ``<Sync>`` before them (or the turn's start): ``<Event>``\\ s of
  type ``noise`` (the default): ``laughter`` for ``rire``/``rires``/``laugh``,
  ``applause`` for ``applaudissements``/``applause``, else ``noise`` (``b``,
  ``respiration``…); of type ``comment``: ``comment``; of an unknown type: ``event``.
  An ``extent="begin"`` event and its ``extent="end"`` (same type and description, in
  the same turn or a later one) are one event, from the start of the segment of its
  beginning to the end of the segment of its end. ``<Comment>`` is ``comment``,
  ``<Vocal>`` ``vocal``, ``<Background type=>`` ``background`` (from its ``time`` to the
  next ``<Background level="off">``). Laughter and ``<Vocal>`` are the turn's speaker's
  (in an overlap, the current ``<Who>``'s); other events have no speaker. Events of type
  ``lexical``, ``pronounce``, ``language`` and ``entities`` annotate the words around
  them: the words stay in the text and the annotation is not read.
- **Variables**: ``language`` (``xml:lang``: ``fr``, ``fre`` and ``fra`` are ``fr``,
  ``en`` and ``eng`` ``en``; a code this reader does not know is left out, so the
  language is detected), ``date`` (the ``<Episode air_date=>`` when it is a date written
  YYYY-MM-DD) and ``topic``: the ``desc`` of the topics
  the sections name, in order and joined with ``"; "`` (all the declared topics when no
  section names one). ``scribe`` and ``audio_filename`` are not read: the one names a
  transcriber, the other often a participant, and variables reach briefs and copies.
  ``options`` is not used.

Error codes
-----------
``RK-R35`` to ``RK-R37``
    Not well-formed XML (also a time that is not a number), entity declarations, a root
    other than ``<Trans>`` (see :mod:`research_kit.readers._xml`).
``RK-R44``
    A ``<Turn>`` whose ``speaker`` names an id that ``<Speakers>`` does not declare.
``RK-R45``
    A ``<Turn>`` without ``startTime`` or ``endTime``.
``RK-R46``
    A ``<Turn>`` whose ``endTime`` is before its ``startTime``.
``RK-R47``
    A ``<Who nb=>`` that names none of its turn's speakers, or a file without
    ``<Episode>``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputFileError, warn
from ..language import iso639_1
from . import ParsedDocument, ParsedEvent, ParsedTurn
from ._xml import local_name, parse_xml, read_xml_bytes, seconds

__all__ = ["parse_trs"]

_KIND = "Transcriber file"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SPACES = re.compile(r"[ \t\r\n]+")
_DECLARATION = re.compile(rb"^(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_LATIN_1 = frozenset({"iso-8859-1", "iso8859-1", "iso_8859-1", "latin-1", "latin1", "l1", "iso-latin-1"})
_WINDOWS_1252_ONLY = re.compile(rb"[\x80-\x9f]")
_UNDEFINED_IN_1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_LAUGHTER = re.compile(r"(?:rires?|laugh\w*|rit|rient)\b", re.I)
_APPLAUSE = re.compile(r"(?:applaudissements?|applause|applaudi\w*)\b", re.I)
#: event types that annotate words rather than say that something happened
_ANNOTATIONS = frozenset({"lexical", "pronounce", "language", "entities"})
_ISO_DATE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})(?:$|[T ])")


def parse_trs(source: Path | str | bytes, *, path: str, options: Mapping[str, Any] | None = None,
              ) -> list[ParsedDocument]:
    """Read a Transcriber file as one document of speaker turns, speakers and events.

    Parameters
    ----------
    source
        The file (or its bytes).
    path
        How messages name the file.
    options
        The document's settings from ``corpus.yml``; not used.

    Returns
    -------
    list of ParsedDocument
        One document; every turn has ``start_s`` and ``end_s``.

    Raises
    ------
    InputFileError
        ``RK-R35`` to ``RK-R37``, ``RK-R44`` to ``RK-R47``, naming the line (see the
        module's docstring).

    Examples
    --------
    >>> trs = (b'<?xml version="1.0" encoding="ISO-8859-1"?><Trans><Speakers>'
    ...        b'<Speaker id="spk1" name="Ana" type="female"/></Speakers><Episode>'
    ...        b'<Section type="report" startTime="0" endTime="2"><Turn speaker="spk1" '
    ...        b'startTime="0" endTime="2"><Sync time="0"/>bonjour<Event desc="rire"/></Turn>'
    ...        b'</Section></Episode></Trans>')
    >>> doc, = parse_trs(trs, path="a.trs")
    >>> [(t.speaker, t.text, t.start_s, t.end_s) for t in doc.turns]
    [('Ana', 'bonjour', 0.0, 2.0)]
    >>> [(e.kind, e.text, e.position, e.speaker) for e in doc.events]
    [('laughter', 'rire', 1, 'Ana')]
    """
    data = source if isinstance(source, bytes) else read_xml_bytes(Path(source), path=path)
    root = parse_xml(_as_declared(data, path=path), path=path, expect=("Trans",), kind=_KIND)
    labels, speakers, topics = _header(root)
    episode = next((el for el in root if local_name(el) == "Episode"), None)
    if episode is None:
        raise InputFileError("RK-R47", "has no <Episode>: there is no transcription in it.", path=path,
                             line=root.sourceline,
                             hint="Transcriber writes <Episode> around the sections; export the file again, "
                             "or exclude it in corpus.yml.")
    reading = _Reading(path, labels)
    used_topics: list[str] = []
    for el in episode:
        name = local_name(el)
        if name == "Section":
            topic = topics.get(el.get("topic") or "")
            if topic and topic not in used_topics:
                used_topics.append(topic)
            speech = (el.get("type") or "").strip() != "nontrans"
            for turn in el:
                if local_name(turn) == "Turn":
                    reading.turn(turn, speech=speech)
        elif name == "Turn":  # a turn outside any section (a hand-made file)
            reading.turn(el, speech=True)
    return [ParsedDocument(turns=reading.turns, variables=_variables(root, episode, used_topics or
                                                                     list(dict.fromkeys(topics.values()))),
                           speakers=speakers, events=reading.events)]


def _as_declared(data: bytes, *, path: str) -> bytes:
    """The bytes, with a truthful encoding declaration when a "Latin-1" file is not Latin-1."""
    declared = _DECLARATION.match(data)
    if declared is None or declared.group(2).decode("ascii").lower() not in _LATIN_1 or data.isascii():
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        # Latin-1 has no characters at 0x80-0x9F; a file that has such bytes was written in Windows-1252
        if _WINDOWS_1252_ONLY.search(data) and not _UNDEFINED_IN_1252.search(data):
            return data[:declared.start(2)] + b"windows-1252" + data[declared.end(2):]
        return data
    warn("RK-R08", f"{path}: its XML declaration says {declared.group(2).decode('ascii')}, but its bytes are "
         "UTF-8; read as UTF-8. Check its accents, and correct the declaration (encoding=\"UTF-8\").")
    return data[:declared.start(2)] + b"UTF-8" + data[declared.end(2):]


def _header(root: Any) -> tuple[dict[str, str], dict[str, dict[str, str]], dict[str, str]]:
    """Speaker id -> label, label -> attributes, topic id -> description."""
    declared: dict[str, Any] = {}
    topics: dict[str, str] = {}
    for block in root:
        name = local_name(block)
        if name not in ("Speakers", "Topics"):
            continue
        for el in block:
            ident = (el.get("id") or "").strip()
            if not ident:
                continue
            if local_name(el) == "Speaker":
                declared.setdefault(ident, el)
            elif local_name(el) == "Topic":
                topics.setdefault(ident, _clean(el.get("desc") or ""))
    names = {ident: _clean(el.get("name") or "") for ident, el in declared.items()}
    counts: dict[str, int] = {}
    for ident, name in names.items():
        for label in {name, ident}:
            if label:
                counts[label] = counts.get(label, 0) + 1
    labels = {ident: name if name and counts[name] == 1 else ident for ident, name in names.items()}
    speakers: dict[str, dict[str, str]] = {}
    for ident, el in declared.items():
        attrs = {"name": names[ident], "speaker_id": ident}
        kind = (el.get("type") or "").strip().lower()
        if kind in ("male", "female"):
            attrs["gender"] = kind
        elif kind == "child":
            attrs["age"] = "child"
        for key in ("dialect", "accent", "scope"):
            attrs[key] = _clean(el.get(key) or "")
        speakers[labels[ident]] = {k: v for k, v in attrs.items() if v}
    return labels, speakers, topics


def _variables(root: Any, episode: Any, topics: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    language = iso639_1(root.get(_XML_LANG) or root.get("lang"))
    if language:
        out["language"] = language
    date = _ISO_DATE.match(episode.get("air_date") or "")
    if date:
        out["date"] = date.group(1)
    # ``scribe`` (the transcriber's name) and ``audio_filename`` (often a participant's name
    # or the date and place of an interview) are left out: variables reach briefs and copies
    if topics:
        out["topic"] = "; ".join(t for t in topics if t)
    return out


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _event_kind(kind: str, desc: str) -> str:
    if kind == "noise":
        if _LAUGHTER.match(desc):
            return "laughter"
        if _APPLAUSE.match(desc):
            return "applause"
        return "noise"
    return "comment" if kind == "comment" else "event"


class _Reading:
    """The turns and events of one file, read turn by turn in document order."""

    def __init__(self, path: str, labels: Mapping[str, str]) -> None:
        self.path = path
        self.labels = labels
        self.turns: list[ParsedTurn] = []
        self.events: list[ParsedEvent] = []
        self.open: dict[tuple[str, str], ParsedEvent] = {}  # extent="begin" events awaiting their end
        self.background: list[ParsedEvent] = []  # awaiting level="off"

    def _time(self, turn: Any, name: str, line: int | None) -> float:
        value = seconds(turn.get(name), path=self.path, line=line, what=f"<Turn> {name}")
        if value is None:
            raise InputFileError("RK-R45", f"this <Turn> has no {name}.", path=self.path, line=line,
                                 hint="Every <Turn> needs startTime and endTime in seconds "
                                 '(<Turn speaker="spk1" startTime="12.5" endTime="20.1">); '
                                 "open the file in Transcriber and save it again, or add the time.")
        return value

    def turn(self, turn: Any, *, speech: bool) -> None:
        path, line = self.path, turn.sourceline
        ids = (turn.get("speaker") or "").split()
        for ident in ids:
            if ident not in self.labels:
                known = ", ".join(self.labels) or "none"
                raise InputFileError("RK-R44", f'this <Turn>\'s speaker "{ident}" is not declared in <Speakers> '
                                     f"(declared: {known}).", path=path, line=line,
                                     hint=f'Add <Speaker id="{ident}" name="…"/> to <Speakers>, or correct the '
                                     "turn's speaker attribute.")
        who = [self.labels[i] for i in ids] or [None]
        start = self._time(turn, "startTime", line)
        end = self._time(turn, "endTime", line)
        if end < start:
            raise InputFileError("RK-R46", f"this <Turn> ends (endTime {end:g}) before it starts "
                                 f"(startTime {start:g}).", path=path, line=line,
                                 hint="Correct the turn's times, or open the file in Transcriber and move "
                                 "the turn's boundary.")
        chunks: list[list[str]] = [[] for _ in who]
        mine: list[tuple[int, ParsedEvent]] = []  # this turn's events, by speaker, to place once turns exist
        ending: list[ParsedEvent] = []  # events that end with the current segment
        k = 0
        segment = start
        if turn.text:
            chunks[0].append(turn.text)
        for child in turn:
            tag = child.tag
            event = None
            if tag == "Sync":
                at = seconds(child.get("time"), path=path, line=child.sourceline, what="<Sync> time")
                if at is not None:
                    for e in ending:
                        e.end_s = at
                    ending.clear()
                    segment = at
            elif tag == "Who":
                k = self._who(child, len(ids))
            elif tag == "Event":
                event = self._event(child, segment, who[k], ending)
            elif tag == "Comment":
                event = ParsedEvent("comment", _clean(child.get("desc") or ""), -1, segment,
                                    line=child.sourceline)
            elif tag == "Vocal":
                event = ParsedEvent("vocal", _clean(child.get("desc") or ""), -1, segment, speaker=who[k],
                                    line=child.sourceline)
            elif tag == "Background":
                event = self._background(child)
            elif isinstance(tag, str):  # an element the DTD does not have: keep its words
                chunks[k].append(" " + "".join(child.itertext()) + " ")
            if event is not None:
                mine.append((k, event))
                self.events.append(event)
            if child.tail:
                chunks[k].append(child.tail)
        for e in ending:
            e.end_s = end
        positions = []
        for label, parts in zip(who, chunks):
            text = _clean(" ".join(parts))
            if text and speech:
                self.turns.append(ParsedTurn(label, text, start, end))
            elif text:  # words in a section that is not transcribed
                event = ParsedEvent("comment", text, -1, start, end, line=line)
                self.events.append(event)
                mine.append((len(positions), event))
            positions.append(len(self.turns))
        for k, event in mine:
            event.position = positions[k]

    def _who(self, el: Any, n: int) -> int:
        nb = (el.get("nb") or "").strip()
        if nb.isdigit() and 1 <= int(nb) <= max(n, 1):
            return int(nb) - 1
        raise InputFileError("RK-R47", f'<Who nb="{nb}"/> names none of its turn\'s '
                             f"{n} speaker{'s' if n != 1 else ''}.", path=self.path, line=el.sourceline,
                             hint='In a turn of speaker="spk1 spk2", <Who nb="1"/> starts spk1\'s words and '
                             '<Who nb="2"/> spk2\'s; correct the number or the turn\'s speakers.')

    def _event(self, el: Any, segment: float, speaker: str | None, ending: list[ParsedEvent]) -> ParsedEvent | None:
        kind = (el.get("type") or "noise").strip().lower()
        if kind in _ANNOTATIONS:
            return None
        desc = _clean(el.get("desc") or "")
        extent = (el.get("extent") or "instantaneous").strip().lower()
        key = (kind, desc.casefold())
        if extent == "end":
            begun = self.open.pop(key, None)
            if begun is not None:
                ending.append(begun)
                return None
        name = _event_kind(kind, desc)
        event = ParsedEvent(name, desc, -1, None if extent == "end" else segment,
                            speaker=speaker if name == "laughter" else None, line=el.sourceline)
        if extent == "begin":
            self.open[key] = event
        elif extent == "end":  # an end whose beginning the file does not have
            ending.append(event)
        return event

    def _background(self, el: Any) -> ParsedEvent | None:
        at = seconds(el.get("time"), path=self.path, line=el.sourceline, what="<Background> time")
        for e in self.background:
            e.end_s = at
        self.background.clear()
        if (el.get("level") or "").strip().lower() == "off":
            return None
        event = ParsedEvent("background", _clean(el.get("type") or ""), -1, at, line=el.sourceline)
        self.background.append(event)
        return event
