"""CHAT transcripts (``.cha``) as CLAN and the TalkBank corpora write them.

A file is header lines (``@``), main tiers (``*``, one utterance each) and dependent
tiers (``%``) under the utterance they describe::

    @UTF8
    @Begin
    @Languages:	fra, eng
    @Participants:	CHI Léa Target_Child, MOT Marie Mother, INV Investigator
    @ID:	fra|demo|CHI|2;06.15|female|||Target_Child|||
    @Date:	12-JAN-2024
    *MOT:	tu veux &-euh <le gros> [/] le gros ballon ? \\x151250_3400\\x15
    %act:	montre le ballon
    @End

A header or tier name ends with a colon, then a tab (spaces are accepted); a line that
starts with a tab or spaces continues the line above. (``\\x15`` stands for the NAK
control character that opens and closes CLAN's time bullets.)

What is read
------------
Speakers
    ``@Participants`` gives each code, an optional name (``Marie``; underscores read as
    spaces) and a role; ``@ID`` lines (``language|corpus|code|age|sex|group|SES|role|
    education|custom|``) add attributes. A speaker is labelled by their name, else by
    their code (also when two participants share a name); the attributes are ``role``
    (as CHAT writes it, ``Target_Child``, ``Investigator``: the ``@ID`` role, else the
    ``@Participants`` one), ``code``, ``age`` (as written, ``2;06.15``), ``gender``
    (the sex field), ``group``, ``ses``, ``education``, ``language`` and ``custom``,
    when given.
Turns
    Each main tier is one turn, also when one speaker says several utterances in a row.
    The time bullet (``\\x15start_end\\x15``, milliseconds; the older
    ``\\x15%snd:"file"_start_end\\x15`` too) gives ``start_s`` and ``end_s``; with several
    bullets, the first start and the last end. The text keeps the words as said:
    fillers without their ``&-`` (``&-euh`` is ``euh``), fragments and non-words without
    ``&+`` / ``&~``, shortened words completed (``(be)cause`` is ``because``), retraced
    words, the words of an ``<overlap> [>]`` group; the terminator (``.``, ``?``,
    ``!``; ``+...`` is ``...``, ``+/.`` and the other interruption terminators their
    final ``.`` or ``?``) and commas are attached to the word before. Left out:
    bracketed codes (``[: replacement]``, ``[*]``, ``[/]``, ``[//]``, ``[<]``,
    ``[+ bch]``…; the replacement is not read in place of what was said), linkers
    (``+,``, ``++``, ``+<``, ``+"``), unintelligible and untranscribed ``xxx``
    ``yyy`` ``www``, omissions (``0``, ``0det``), word markers (``@l``, ``@s:eng``,
    ``@c``…), stress, intonation and overlap marks (``ˈ ↑ ↓ ≈ ⌈ ⌉ ⌊ ⌋``), lengthening
    colons (``no:``) and underlining.
Events
    ``&=laughs`` and ``[=! rit]`` (laughter; coughs, sighs and other sounds are
    ``vocal``; claps ``applause``; nods and points ``gesture``), ``[% comment]`` and
    ``[= explanation]`` (``comment``), pauses ``(..)``, ``(...)`` and timed ``(1.5)``
    (``pause``; the micro-pause ``(.)`` is dropped), words interposed by another
    speaker ``&*INV:mhm`` (``interruption``, with that speaker), the dependent tiers
    ``%com`` and ``%exp`` (``comment``), ``%act`` and ``%gpx`` (``gesture``, by the
    utterance's speaker), ``%par`` (``vocal``) and ``%sit`` (``event``), and ``@Comment``
    headers (``comment``). An event has the times of its own bullet, or of its
    utterance when that utterance has no words (``*CHI: &=laughs .``). Other dependent
    tiers (``%mor``, ``%gra``, ``%pho``, ``%wor``…) are not read.
Variables
    ``date`` from ``@Date`` (``12-JAN-2024`` is ``2024-01-12``; left out when it is
    not a date), ``location`` from ``@Location``, ``situation`` from the ``@Situation``
    lines before the first utterance (a later one is an ``event``), and ``language``
    from the first of ``@Languages`` when it has a two-letter code (``fra`` is ``fr``).

Error codes
-----------
``RK-R52``
    A line that is not CHAT: a main tier without ``*CODE:`` (``MOT: oui .``,
    ``*MOT oui .``), a line that starts with none of ``@``, ``*``, ``%``, or a
    continuation line with nothing to continue.
``RK-R53``
    An utterance by a speaker code that ``@Participants`` (or ``@ID``) does not declare.
``RK-R54``
    A time bullet that is not ``start_end`` in milliseconds, is not closed, or ends
    before it starts.
``RK-R55``
    *Warning*: ``@Begin``, ``@End`` or ``@Participants`` is missing (a file cut short,
    or written by hand); the file is read as it is, speakers named by their codes when
    no ``@Participants`` says more.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from ..errors import InputFileError, warn
from ..language import iso639_1
from . import ParsedDocument, ParsedEvent, ParsedTurn

__all__ = ["parse_chat"]

# -- lines ----------------------------------------------------------------------------
_MAIN_RE = re.compile(r"\*([^\s:*]+)[ \t]*:[ \t]?(.*)", re.DOTALL)
_DEPENDENT_RE = re.compile(r"%([A-Za-z][\w-]*)[ \t]*(?::[ \t]?|[ \t]+|$)(.*)", re.DOTALL)
_HEADER_RE = re.compile(r"@(\w+(?: \w+)*)[ \t]*:[ \t]?(.*)", re.DOTALL)
_LABEL_LIKE_RE = re.compile(r"[A-Za-z][\w-]{0,7}[ \t]*:")

# -- time bullets ------------------------------------------------------------------------
_BULLET_RE = re.compile("\x15([^\x15]*)\x15|\u2022(\\d+)_(\\d+)\u2022")
_TIMES_RE = re.compile(r'(?:%(?:snd|mov):"[^"]*"_)?(\d+)_(\d+)-?')
_MEDIA_ONLY_RE = re.compile(r'%(?:pic|txt):"[^"]*"')

# -- inside an utterance -------------------------------------------------------------------
_CODE_RE = re.compile(r"\[([^\[\]]*)\]")
_OVERLAP_MARK_RE = re.compile(r"[\u2308\u2309\u230a\u230b]\d*")  # ⌈⌉⌊⌋, numbered ⌈2
_PAUSE_RE = re.compile(r"\((\.{1,3}|\d+(?::\d+)?(?:\.\d*)?)\)")
_PLAIN_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*['’]?")
_LENGTHENING_RE = re.compile(r"(?<!\d):|:(?!\d)")
_PUNCTUATION = {
    ".": ".", "?": "?", "!": "!", ",": ",", ";": ";", "‡": ",", "„": ",", "…": "...",
    "+...": "...", "+..?": "...?", "+!?": "!?", "+/.": ".", "+//.": ".", "+/?": "?", "+//?": "?",
    "+/??": "?", "+\"/.": ".", "+\".": ".", "+.": ".", "+!": "!", "+?": "?", "+..": "...",
}
_CODED = "\ue000"  # stands, among the words, for the event of a bracketed code
_UNTRANSCRIBED = frozenset({"xxx", "yyy", "www", "xx", "yy"})
# marks that are not letters of the word: scope brackets, stress, CA intonation and voice
# quality, latching, group markers, blocking; C0 controls (CLAN's underlining)
_DROPPED = "<>[]\u02c8\u02cc↑↓⇗↗→↘⇘∞≋≈≡∆∇⁎⁇°▔▁☺♋Ϋ∲§∾↻Ἡ∬∮↫‹›〔〕^"
_CONTROLS = {c: None for c in range(32) if c != 9} | {9: " "}
_DROP_TABLE = {ord(c): None for c in _DROPPED} | _CONTROLS
_WORD_TABLE = {ord("("): None, ord(")"): None, ord("_"): " ", ord("+"): " ", ord("~"): None}

_EVENT_PATTERNS = (
    ("laughter", re.compile(r"laugh|giggl|chuckl|snicker|\bri(?:t|re|res|ent|ant)\b|rigol", re.I)),
    ("applause", re.compile(r"clap|applau", re.I)),
    ("gesture", re.compile(r"\bnod|shakes?_?head|head:|point|gestur|\bwav(?:e|es|ing)\b|shrug|hoche|montre"
                           r"|geste|pointe|\bmoves?\b|bouge", re.I)),
    ("noise", re.compile(r"noise|bruit|bang|knock|door|porte|phone|sonne|\brings?\b|ringing", re.I)),
)
_TIER_KINDS = {"com": "comment", "exp": "comment", "act": "gesture", "gpx": "gesture", "par": "vocal",
               "sit": "event"}
_BY_SPEAKER = frozenset({"act", "gpx", "par"})  # tiers that describe what the speaker does

_MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
                                       "NOV", "DEC"), start=1)}
_DATE_RE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

_ID_FIELDS = ("language", "corpus", "code", "age", "gender", "group", "ses", "role", "education", "custom")
_ID_ATTRIBUTES = ("age", "gender", "group", "ses", "education", "language", "custom")

_NOT_CHAT_HINT = ("In CHAT every line starts with @ (a header), * (an utterance: *MOT:<tab>text .), "
                  "% (a dependent tier) or a tab (it continues the line above). If this is not a CHAT "
                  "file, give it the extension of its format (.txt for plain text).")


def parse_chat(text: str, *, path: str, options: Mapping[str, Any] | None = None) -> list[ParsedDocument]:
    """Read a CHAT transcript's text as one document of utterances.

    Parameters
    ----------
    text
        The file's decoded, newline-normalised text (:func:`research_kit._io.read_text`).
    path
        The file's path, for messages only.
    options
        The document's settings from ``corpus.yml``; none of them changes how CHAT is read.

    Returns
    -------
    list of ParsedDocument
        One document: a turn per utterance with words, the participants and their
        ``@ID`` attributes, events and the ``@Date``, ``@Location``, ``@Situation`` and
        ``@Languages`` variables (see the module's docstring).

    Raises
    ------
    InputFileError
        ``RK-R52`` to ``RK-R54``, naming the line (see the module's docstring).

    Warns
    -----
    ResearchKitWarning
        ``RK-R55`` when ``@Begin``, ``@End`` or ``@Participants`` is missing.

    Examples
    --------
    >>> doc, = parse_chat("@Begin\\n@Participants:\\tMOT Marie Mother\\n"
    ...                   "*MOT:\\tbonjour &=rit ! \\x15500_1500\\x15\\n@End\\n", path="a.cha")
    >>> doc.turns
    [ParsedTurn(speaker='Marie', text='bonjour!', start_s=0.5, end_s=1.5)]
    >>> doc.speakers["Marie"], doc.events[0].kind
    ({'role': 'Mother', 'code': 'MOT'}, 'laughter')
    """
    return [_Reader(path).read(text)]


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.turns: list[ParsedTurn] = []
        self.events: list[ParsedEvent] = []
        self.participants: dict[str, dict[str, str]] = {}  # code -> name, role
        self.ids: dict[str, dict[str, str]] = {}  # code -> @ID fields
        self.labels: dict[str, str] = {}  # code -> speaker label
        self.variables: dict[str, Any] = {}
        self.headers: set[str] = set()
        self.situations: list[str] = []
        self.locations: list[str] = []
        self.last_speaker: str | None = None  # of the utterance the dependent tiers describe
        self.utterances = 0

    # -- the file, line by line ------------------------------------------------------------
    def read(self, text: str) -> ParsedDocument:
        for number, line in self._logical_lines(text):
            first = line[0]
            if first == "*":
                self._main(line, number)
            elif first == "%":
                self._dependent(line, number)
            elif first == "@":
                self._header(line, number)
            else:
                self._not_chat(line, number)
        self._finish()
        speakers = {self._label(code): self._attributes(code) for code in self._codes()}
        return ParsedDocument(turns=self.turns, variables=self.variables, speakers=speakers, events=self.events)

    def _logical_lines(self, text: str) -> list[tuple[int, str]]:
        """The file's lines with their continuation lines joined (by a space), numbered from 1."""
        out: list[tuple[int, str]] = []
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            if line[0] in " \t":
                if not out:
                    raise InputFileError("RK-R52", f'the file starts with an indented line, "{_show(line)}", '
                                         "which has no line above to continue.", path=self.path, line=number,
                                         hint=_NOT_CHAT_HINT)
                previous = out[-1]
                out[-1] = (previous[0], previous[1] + " " + line.strip())
            else:
                out.append((number, line.rstrip()))
        return out

    def _not_chat(self, line: str, number: int) -> None:
        label = _LABEL_LIKE_RE.match(line)
        if label is not None and not self.utterances and "begin" not in self.headers:
            found = f'"{_show(line)}" is not a CHAT line and no @Begin header came before it'
        elif label is not None:
            code = line[:line.index(":")].strip()
            raise InputFileError("RK-R52", f'"{_show(line)}" looks like an utterance but does not start with '
                                 f'"*": a main tier is "*{code}:" then a tab and the words.', path=self.path,
                                 line=number, hint=f'Write "*{code}:" at the start of the line.')
        else:
            found = f'"{_show(line)}" starts with none of @, *, % or a tab'
        raise InputFileError("RK-R52", f"{found}.", path=self.path, line=number, hint=_NOT_CHAT_HINT)

    # -- headers ---------------------------------------------------------------------------
    def _header(self, line: str, number: int) -> None:
        match = _HEADER_RE.fullmatch(line)
        if match is None:  # @Begin, @End, @UTF8, @New Episode; "@Comment   text" without its colon
            name, _, value = line[1:].partition(" ")
            name, value = name.strip(), value.strip()
        else:
            name, value = match.group(1).strip(), match.group(2).strip()
        key = name.casefold()
        self.headers.add(key)
        if key == "participants":
            self._participants(value)
        elif key == "id":
            self._id(value)
        elif key == "comment":
            start, end, value = self._bullets(value, number)
            value = " ".join(value.translate(_CONTROLS).split())
            if value:
                self.events.append(ParsedEvent("comment", value, len(self.turns), start, end, None, number))
        elif key == "date":
            date = _iso_date(value)
            if date is not None:
                self.variables["date"] = date
        elif key == "location":
            if value:
                self.locations.append(value)
        elif key == "situation":
            if not value:
                return
            if self.utterances:
                self.events.append(ParsedEvent("event", value, len(self.turns), None, None, None, number))
            else:
                self.situations.append(value)
        elif key == "languages":
            first = re.split(r"[\s,]+", value.strip(), maxsplit=1)[0].casefold()
            if iso639_1(first):
                self.variables["language"] = iso639_1(first)

    def _participants(self, value: str) -> None:
        for entry in value.split(","):
            words = entry.split()
            if not words:
                continue
            code = words[0]
            person = {"name": " ".join(words[1:-1]).replace("_", " ").strip(),
                      "role": words[-1] if len(words) > 1 else ""}
            self.participants[code] = person

    def _id(self, value: str) -> None:
        fields = [f.strip() for f in value.split("|")]
        if len(fields) < 3 or not fields[2]:
            return  # an @ID that names no participant describes nobody
        self.ids[fields[2]] = {k: v for k, v in zip(_ID_FIELDS, fields) if v}

    # -- speakers ----------------------------------------------------------------------------
    def _codes(self) -> list[str]:
        return list(dict.fromkeys([*self.participants, *self.ids, *self.labels]))

    def _label(self, code: str) -> str:
        label = self.labels.get(code)
        if label is None:
            name = (self.participants.get(code) or {}).get("name")
            if name and sum(1 for p in self.participants.values() if p.get("name") == name) == 1 \
                    and name not in self.participants:
                label = name
            else:
                label = code
            self.labels[code] = label
        return label

    def _attributes(self, code: str) -> dict[str, str]:
        given = self.ids.get(code) or {}
        role = given.get("role") or (self.participants.get(code) or {}).get("role")
        attributes = {"role": role} if role else {}
        attributes["code"] = code
        attributes.update((k, given[k]) for k in _ID_ATTRIBUTES if given.get(k))
        return attributes

    def _speaker(self, code: str, line: str, number: int) -> str:
        if code in self.labels:
            return self.labels[code]
        declared = list(dict.fromkeys([*self.participants, *self.ids]))
        if declared and code not in self.participants and code not in self.ids:
            raise InputFileError("RK-R53", f'the utterance "{_show(line)}" is by "{code}", which @Participants '
                                 f"does not declare (it declares {', '.join(declared)}).", path=self.path,
                                 line=number, hint=f'Add "{code}" and its role to @Participants (and an @ID '
                                 "line), or correct the speaker code.")
        return self._label(code)

    # -- utterances ---------------------------------------------------------------------------
    def _main(self, line: str, number: int) -> None:
        match = _MAIN_RE.fullmatch(line)
        if match is None:
            code = line[1:].split(None, 1)[0] if line[1:].strip() else ""
            raise InputFileError("RK-R52", f'the utterance line "{_show(line)}" has no colon after its speaker '
                                 f'code: a main tier is "*CODE:" then a tab and the words.', path=self.path,
                                 line=number, hint=f'Write "*{code.rstrip(":") or "CODE"}:" then a tab before '
                                 "the words.")
        code, body = match.group(1), match.group(2)
        speaker = self._speaker(code, line, number)
        self.utterances += 1
        start, end, body = self._bullets(body, number)
        words, found = _utterance(body)
        if words:
            self.turns.append(ParsedTurn(speaker, words, start, end))
        position = len(self.turns)
        timed = not words  # an utterance of events only: they take its times
        for kind, description, other in found:
            who = None if kind == "comment" else speaker  # [% …] and [= …] are the transcriber's
            if other is not None:
                who = self._label(other) if (other in self.participants or other in self.ids) else other
            self.events.append(ParsedEvent(kind, description, position, start if timed else None,
                                           end if timed else None, who, number))
        self.last_speaker = speaker

    def _dependent(self, line: str, number: int) -> None:
        match = _DEPENDENT_RE.fullmatch(line)
        if match is None:
            return
        tier = match.group(1).casefold()
        kind = _TIER_KINDS.get(tier)
        if kind is None:
            return
        start, end, value = self._bullets(match.group(2), number)
        value = " ".join(value.translate(_CONTROLS).split())
        if not value:
            return
        speaker = self.last_speaker if tier in _BY_SPEAKER else None
        self.events.append(ParsedEvent(kind, value, len(self.turns), start, end, speaker, number))

    def _bullets(self, body: str, number: int) -> tuple[float | None, float | None, str]:
        """The first start and last end of the time bullets in ``body``, and ``body`` without them."""
        if "\x15" not in body and "\u2022" not in body:
            return None, None, body
        start = end = None
        for match in _BULLET_RE.finditer(body):
            if match.group(1) is None:
                begin, finish = int(match.group(2)), int(match.group(3))
            else:
                content = match.group(1).strip()
                times = _TIMES_RE.fullmatch(content)
                if times is None:
                    if _MEDIA_ONLY_RE.fullmatch(content):
                        continue
                    raise InputFileError("RK-R54", f'the time bullet "{_show(content)}" is not start_end in '
                                         "milliseconds (such as 1250_3400).", path=self.path, line=number,
                                         hint="Correct the bullet in CLAN (or delete it), or re-export the file.")
                begin, finish = int(times.group(1)), int(times.group(2))
            if finish < begin:
                raise InputFileError("RK-R54", f"the time bullet {begin}_{finish} ends ({finish / 1000:g} s) "
                                     f"before it starts ({begin / 1000:g} s).", path=self.path, line=number,
                                     hint="Correct the bullet's times in CLAN, or re-export the file.")
            if start is None:
                start = begin / 1000
            end = finish / 1000
        body = _BULLET_RE.sub(" ", body)
        if "\x15" in body:
            raise InputFileError("RK-R54", "a time bullet is opened (\\x15) but never closed on this line.",
                                 path=self.path, line=number,
                                 hint="Correct the bullet in CLAN (or delete it), or re-export the file.")
        return start, end, body

    def _finish(self) -> None:
        if self.situations:
            self.variables["situation"] = "; ".join(self.situations)
        if self.locations:
            self.variables["location"] = "; ".join(self.locations)
        missing = [f"@{h}" for h in ("Begin", "End", "Participants") if h.casefold() not in self.headers]
        if missing:
            them = " and ".join(missing) if len(missing) < 3 else "@Begin, @End and @Participants"
            also = " Speakers are named by their codes." if "@Participants" in missing else ""
            warn("RK-R55", f"{self.path}: this CHAT file has no {them} header; it was read as it is.{also} If the "
                 "file was cut short, export it again from CLAN; otherwise add the missing header.")


def _utterance(body: str) -> tuple[str, list[tuple[str, str, str | None]]]:
    """The words of one main tier, and its events as (kind, text, other speaker's code)."""
    events: list[tuple[str, str, str | None]] = []
    coded: list[tuple[str, str, str | None]] = []  # events of bracketed codes, put back in place below
    if _CODED in body:  # a private-use character of the file's own: not a word, and not ours
        body = body.replace(_CODED, " ")
    if "(" in body:  # a pause written against a word, là(.) or (..)alors, is still a pause
        body = _PAUSE_RE.sub(r" \g<0> ", body)
    if "[" in body:
        def code(match: re.Match[str]) -> str:
            content = match.group(1).strip()
            if content[:2] == "=!":  # [=! rit]: paralinguistic
                description = _description(content[2:])
                kind = _kind(description, "vocal")
            elif content[:1] in ("=", "%") and content[:2] != "=?":  # [= explanation], [% comment]
                description, kind = " ".join(content[1:].split()), "comment"
            else:
                return " "
            if not description:
                return " "
            coded.append((kind, description, None))
            return f" {_CODED}{len(coded) - 1} "

        body = _CODE_RE.sub(code, body)
    if "\u2308" in body or "\u2309" in body or "\u230a" in body or "\u230b" in body:
        body = _OVERLAP_MARK_RE.sub("", body)
    words: list[str] = []
    for token in body.translate(_DROP_TABLE).split():
        if _PLAIN_RE.fullmatch(token) is not None:
            if token not in _UNTRANSCRIBED:
                words.append(token)
            continue
        mark = _PUNCTUATION.get(token)
        if mark is not None:
            if words:
                words[-1] += mark
            continue
        first = token[0]
        if first == _CODED and token[1:].isdigit():
            events.append(coded[int(token[1:])])
            continue
        if first == "&":
            second = token[1:2]
            if second == "=":
                description = _description(token[2:])
                if description:
                    events.append((_kind(description, "vocal"), description, None))
                continue
            if second == "{":  # &{l=laughs begins a long event, &}l=laughs ends it
                description = _description(token[2:].split("=", 1)[-1])
                if description:
                    events.append((_kind(description, "vocal"), description, None))
                continue
            if second == "}":
                continue
            if second == "*":  # &*INV:mhm, words another speaker puts in
                other, _, said = token[2:].partition(":")
                said = " ".join(w for w in (_word(w) for w in said.split("_")) if w)
                if other and said:
                    events.append(("interruption", said, other))
                continue
            token = token[2:] if second in ("-", "+", "~") else token[1:]
        elif first == "+":
            continue  # a linker (+, ++ +< +^ +") or a terminator CHAT does not list
        elif first == "(":
            pause = _PAUSE_RE.fullmatch(token)
            if pause is not None:
                if pause.group(1) != ".":
                    events.append(("pause", token, None))
                continue
        elif first == "#":
            continue  # the old pause mark
        elif first == "0":
            continue  # 0 (an action without speech), 0det (an omitted word)
        word = _word(token)
        if word and any(c.isalnum() for c in word):  # not a stray mark: = - " /
            words.append(word)
    return " ".join(words), events


def _word(token: str) -> str:
    """A CHAT word as said: without its @ marker, $ tag, parentheses and lengthening colons."""
    at = token.find("@", 1)
    if at > 0:
        token = token[:at]
    dollar = token.find("$", 1)
    if dollar > 0:
        token = token[:dollar]
    if token.casefold() in _UNTRANSCRIBED:
        return ""
    if ":" in token:
        token = _LENGTHENING_RE.sub("", token)
    token = token.translate(_WORD_TABLE)
    return " ".join(token.split())


def _description(text: str) -> str:
    return " ".join(text.replace("_", " ").split())


def _kind(description: str, default: str) -> str:
    for kind, pattern in _EVENT_PATTERNS:
        if pattern.search(description):
            return kind
    return default


def _iso_date(value: str) -> str | None:
    """A CHAT date (``12-JAN-2024``; ``2024-01-12`` is accepted) as ``YYYY-MM-DD``, or None."""
    value = value.strip()
    match = _DATE_RE.fullmatch(value)
    try:
        if match is not None:
            month = _MONTHS.get(match.group(2).upper())
            if month is None:
                return None
            day = datetime.date(int(match.group(3)), month, int(match.group(1)))
        else:
            iso = _ISO_DATE_RE.fullmatch(value)
            if iso is None:
                return None
            day = datetime.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError:  # 31-FEB-2024
        return None
    return day.isoformat()


def _show(text: str, limit: int = 60) -> str:
    text = text.replace("\t", " ").replace("\x15", "•")
    return text if len(text) <= limit else text[:limit - 1] + "…"
