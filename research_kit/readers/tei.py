"""TEI XML transcripts (``.xml``, ``.tei``): ParlaMint sessions, spoken corpora, plays.

What is read
------------
The root is ``<TEI>`` (one document) or ``<teiCorpus>`` (one document per ``<TEI>`` in
it, with the suffix of its ``xml:id``, else its number ``001``, ``002``…), in the TEI
namespace or none (TEI P4's ``<TEI.2>`` too). Speech is, in document order:

- ``<u who="#id">`` utterances (TEI's chapter 8 and ParlaMint), also inside an
  ``<annotationBlock who= start= end=>`` (ISO 24624: EXMARaLDA, TEI-CORPO), whose
  ``<spanGrp>`` annotations are skipped;
- ``<sp who="#id"><speaker>M. Dupont.</speaker><p>…</p></sp>`` speeches (plays,
  verbatim records, TXM).

A turn's text is that of its ``<seg>``, ``<p>``, ``<ab>`` and ``<l>`` children, one
paragraph each, joined by ``"\\n"``; text directly inside the ``<u>`` is a paragraph of
its own. XML whitespace runs become one space (a no-break space is kept). Inline markup
(``<hi>``, ``<name>``, ``<unclear>``, ``<del>``, ``<foreign>``…) keeps its text; in
linguistically annotated files (ParlaMint ``.ana.xml``) ``<w>`` and ``<pc>`` tokens are
joined as their ``join="right"``/``"left"`` say; in ``<choice>`` the ``<corr>``, ``<reg>``
or ``<expan>`` is read. Text after an event inside a turn is speech. Section ``<head>``\\ s,
``<note type="speaker">`` (the printed label before an utterance), ``<front>``,
``<back>``, ``<castList>`` and the ``<teiHeader>`` are not speech and not events.

Speakers
--------
``who="#DupontMarie"`` names a ``<person xml:id="DupontMarie">`` (or ``<personGrp>``) of
a ``<listPerson>``: in the file's header (or its ``<teiCorpus>``'s), else in a
``*listPerson*.xml`` file beside it or in a folder above it within the corpus (as
ParlaMint ships them), else in the corpus root file named after the ``xml:id``'s prefix
(``ParlaMint-FR.xml``, ParlaMint 2's inline lists). Parties come from a ``<listOrg>``
found the same way (``*listOrg*.xml``). The label is the person's name (``Forename
Surname``, the one current at the document's date); two persons of one name are told
apart by their id (``Luc Martin [MartinLuc2]``: brackets, as a parenthesised note is
ignored when labels are compared); an unknown id is kept as the label
(without ``#``); several ids (a chorus) are joined with ``" & "``. An ``<sp>`` whose
``who`` names no person is labelled by its ``<speaker>`` (final ``.`` and ``:``
dropped), else by the id. A ``<u>`` without ``who`` has no speaker.

Speakers' attributes: ``name``, ``person_id``, ``gender`` (``<sex value="F">``,
``M``/``F``/``1``/``2``/``male``/``female`` → ``female``/``male``), ``birth``, ``age``
(``<age>``, else worked out from a full birth date and the document's date), ``party``
and ``party_abbr`` (the ``<affiliation>`` in force at the document's date that points to
an ``<org role="politicalParty">``, else ``role="parliamentaryGroup"``; without a list of
organisations, the reference itself, one that reads like a party or group first, never
the parliament or government), and ``role``: the utterances' ``ana`` (``#chair`` →
``chair``, ``#regular``, ``#guest``; the speaker's most frequent one), else the
``<sp role=>`` or ``<person role=>``. The lists beside a file are read only when an id
is not in the file itself, and once for a folder of sessions; a symbolic link, a file
outside the corpus folder, or a list that cannot be parsed is not read.

Times and events
----------------
``start="#T1" end="#T2"`` point at ``<when xml:id="T1" interval="12.3" since="#T0"/>`` of
a ``<timeline unit="s" origin="#T0">`` (units ``ms``, ``s``, ``min``, ``h``, ``d``;
``absolute="10:00:03"`` times count from the origin's, or the timeline's first); an
``<anchor synch=>`` pointed at is followed; a bare number is read as seconds. Events:
``<note>`` (``comment``), ``<incident>`` (``incident``), ``<kinesic>`` (``applause``
when its type is applause, else ``gesture``), ``<vocal>`` (``laughter``,
``interruption``, ``noise``, else ``vocal``), ``<stage>`` (by its type, else
``comment``), ``<gap>`` (``event``, its ``<desc>`` or reason), ``<pause>`` (``pause``),
``<writing>`` (``comment``); a note or stage direction reading ``Applaudissements`` or
``Rires`` is ``applause`` or ``laughter``. Their ``who`` is the event's speaker.

Variables: ``title`` (the ``<title type="main">`` in the document's language), ``date``
(``<setting><date when=>``, else ``<sourceDesc><bibl><date when=>``, as YYYY-MM-DD),
``language`` (``xml:lang`` of ``<text>``, ``<TEI>``, or ``<langUsage>``, as ISO 639-1),
and ParlaMint's ``<meeting>``\\ s: ``term``, ``session``, ``sitting`` (their ``n``), and
``meeting`` for any other. ``options`` is not used.

Error codes
-----------
``RK-R35`` to ``RK-R37``
    Not well-formed XML (or elements nested hundreds of levels deep), entity
    declarations, not a TEI root (see :mod:`research_kit.readers._xml`); a ParlaMint list
    of persons or organisations, or any XML file that is not TEI, is told to be excluded.
``RK-R56``
    No ``<u>`` or ``<sp>`` in the file (a corpus root file of ``<xi:include>``\\ s, a
    TEI text of prose).
``RK-R57``
    A ``start`` or ``end`` pointer naming no ``<when>`` of the timeline (directly or through
    an ``<anchor synch=>``), or a bare time that is negative or too large.
``RK-R58``
    A ``<when>`` whose time cannot be worked out (``interval`` or ``absolute`` not a
    time, ``since`` naming nothing, a loop of ``since``, an unknown unit, a time before
    the origin).
``RK-R59``
    An utterance that ends before it starts.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import InputFileError
from ..language import iso639_1
from . import ParsedDocument, ParsedEvent, ParsedTurn
from ._xml import MAX_XML_BYTES, parse_xml

__all__ = ["parse_tei"]

TEI_NS = "http://www.tei-c.org/ns/1.0"
_XML = "{http://www.w3.org/XML/1998/namespace}"
_ID, _LANG = _XML + "id", _XML + "lang"
_XI_NS = "http://www.w3.org/2001/XInclude"

_ROOTS = ("TEI", "teiCorpus", "TEI.2", "teiCorpus.2")
#: root elements of other transcript formats, for the hint of a file given the .xml extension
_OTHER_FORMATS = {"Trans": ("trs", ".trs", "Transcriber"), "ANNOTATION_DOCUMENT": ("eaf", ".eaf", "ELAN")}
_SPEECH = frozenset({"u", "sp", "annotationBlock"})
_EVENTS = frozenset({"note", "incident", "kinesic", "vocal", "stage", "gap", "pause", "writing", "event"})
#: neither speech nor event, inside or outside turns
_SKIP = frozenset({"teiHeader", "head", "front", "back", "castList", "timeline", "when", "anchor", "spanGrp",
                   "span", "interp", "interpGrp", "link", "linkGrp", "fs", "f", "certainty", "milestone",
                   "index", "fw", "figure", "speaker", "shift", "ptr", "listPerson", "listOrg", "trailer",
                   "include", "desc"})
_BLOCKS = frozenset({"seg", "p", "ab", "l"})
_BREAKS = frozenset({"lb", "pb", "cb"})
_CHOSEN = ("corr", "reg", "expan")
_GLUE = "\x00"  # no space here (a token's join); XML text never holds NUL
_GLUE_RE = re.compile("[ \t\n\r]*\x00[ \t\n\r]*")
_WS_RE = re.compile("[ \t\n\r]+")
_DATE_RE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
_DMY_RE = re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\s*$")
_CLOCK_RE = re.compile(r"^\s*(?:(\d{4})-(\d{2})-(\d{2})T)?(\d{1,2}):(\d{2})(?::(\d{2}(?:[.,]\d+)?))?"
                       r"\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$")
_NUMBER_RE = re.compile(r"^\s*[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)\s*$")
_APPLAUSE_RE = re.compile(r"applaudi|applause|applaud|clapping|\bbravos?\b", re.IGNORECASE)
_LAUGHTER_RE = re.compile(r"\brires?\b|hilarit|laugh|\brit\b|\brient\b", re.IGNORECASE)
_PARTY_ID_RE = re.compile(r"(?i)part[iy]|group|fract|faction|klub|club")
_HOUSE_RE = re.compile(r"(?i)(?:^|[-_.])(?:lower|upper|gov|government|parliament|parl)(?:$|[-_.\d])")
_UNITS = {"s": 1.0, "sec": 1.0, "ms": 0.001, "min": 60.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_ROLES = {"chair": "chair", "regular": "regular", "guest": "guest"}
_GENDERS = {"m": "male", "male": "male", "1": "male", "man": "male", "homme": "male", "h": "male",
            "f": "female", "female": "female", "2": "female", "woman": "female", "femme": "female",
            "u": None, "0": None, "9": None, "unknown": None, "": None}

_LOCAL: dict[Any, str] = {}


def _local(tag: Any) -> str:
    """An element's local name, cached ("" for comments and processing instructions)."""
    name = _LOCAL.get(tag)
    if name is None:
        name = tag[tag.rfind("}") + 1:] if isinstance(tag, str) else ""
        if len(_LOCAL) < 4096:  # a file of a million made-up element names does not fill memory
            _LOCAL[tag] = name
    return name


def _kids(el: Any, *names: str) -> Iterator[Any]:
    for child in el:
        if _local(child.tag) in names:
            yield child


def _first(el: Any, *path: str) -> Any:
    """The first element down ``path`` (local names), ``None`` when there is none."""
    for step in path:
        if el is None:
            return None
        el = next(_kids(el, step), None)
    return el


def _all(el: Any, *names: str) -> Iterator[Any]:
    """``el`` and its descendants with one of these names (in the TEI namespace or none), in
    document order."""
    return el.iter(*[f"{{{TEI_NS}}}{n}" for n in names], *names)


def _clean(text: str) -> str:
    if _GLUE in text:
        text = _GLUE_RE.sub("", text)
    return _WS_RE.sub(" ", text).strip(" ")


def _plain(el: Any) -> str:
    """An element's whole text, whitespace collapsed."""
    return _clean("".join(el.itertext()))


def _id_of(el: Any) -> str | None:
    return el.get(_ID) or el.get("id")


def _lang_of(el: Any) -> str | None:
    return el.get(_LANG) or el.get("lang")


def _fragment(pointer: str) -> str:
    """``"#T1"``, ``"file.xml#T1"`` and ``"T1"`` all name ``T1``."""
    return pointer.strip().rsplit("#", 1)[-1]


def _language_code(value: str | None) -> str | None:
    """``xml:lang`` as ISO 639-1; a code that has none (``oc-gascon``, ``grc``) is kept as written."""
    if not value or not value.strip():
        return None
    return iso639_1(value) or re.split(r"[-_]", value.strip())[0].lower() or None


def _in_lang(elements: list[Any], lang: str | None) -> Any:
    """The element in the language ``lang`` (ISO 639-1), else the first; ``None`` if none."""
    if not elements:
        return None
    if lang:
        for el in elements:
            if _language_code(_lang_of(el)) == lang:
                return el
    return elements[0]


def _iso_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` from a TEI date value (``when``, or text ``16/01/2019``), else ``None``."""
    if not value:
        return None
    m = _DATE_RE.match(value)
    if m:
        return m.group(1)
    m = _DMY_RE.match(value)
    if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(1)) <= 31:
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return None


def _date_bound(value: str | None, *, end: bool) -> str | None:
    """A ``from``/``to`` date padded to a full day, so that ISO strings compare."""
    if not value or not re.match(r"^\d{4}", value.strip()):
        return None
    value = value.strip()[:10]
    if len(value) == 4:
        return value + ("-12-31" if end else "-01-01")
    if len(value) == 7:
        return value + ("-31" if end else "-01")
    return value


def _current(items: list[tuple[str | None, str | None, Any]], date: str | None) -> list[Any]:
    """The values of ``(from, to, value)`` items in force at ``date`` (all when no date)."""
    if date is None:
        return [v for _, _, v in items]
    out = []
    for start, stop, value in items:
        lo, hi = _date_bound(start, end=False), _date_bound(stop, end=True)
        if (lo is None or lo <= date) and (hi is None or date <= hi):
            out.append(value)
    return out


# ---------------------------------------------------------------------------
# persons and organisations


class _People:
    """Persons and organisations by id, from one or more ``<listPerson>``/``<listOrg>``."""

    def __init__(self) -> None:
        self.persons: dict[str, Any] = {}
        self.orgs: dict[str, Any] = {}

    def add_from(self, el: Any, *, override: bool) -> None:
        for sub in _all(el, "person", "personGrp", "org"):
            pid = _id_of(sub)
            if not pid:
                continue
            table = self.orgs if _local(sub.tag) == "org" else self.persons
            if override or pid not in table:
                table[pid] = sub

    def merged(self, other: _People) -> _People:
        out = _People()
        out.persons = {**other.persons, **self.persons}
        out.orgs = {**other.orgs, **self.orgs}
        return out

    # -- one person -------------------------------------------------------
    def name(self, pid: str, date: str | None) -> str | None:
        person = self.persons.get(pid)
        if person is None:
            return None
        names = list(_kids(person, "persName")) or list(_kids(person, "name"))
        if names:
            dated = [(n.get("from") or n.get("notBefore"), n.get("to") or n.get("notAfter"), n) for n in names]
            current = _current(dated, date) or names
            name = _person_name(current[-1] if date else current[0])
            if name:
                return name
        n = (person.get("n") or "").strip()
        return n or None

    def attributes(self, pid: str, date: str | None, lang: str | None) -> dict[str, str]:
        person = self.persons.get(pid)
        if person is None:
            return {}
        out: dict[str, str] = {"person_id": pid}
        name = self.name(pid, date)
        if name:
            out["name"] = name
        sex = next(_kids(person, "sex", "gender"), None)
        value = (sex.get("value") or _plain(sex)) if sex is not None else (person.get("sex") or person.get("gender"))
        if value is not None and value.strip():
            gender = _GENDERS.get(value.strip().lower(), value.strip())
            if gender:
                out["gender"] = gender
        birth = next(_kids(person, "birth"), None)
        born = None
        if birth is not None:
            born = birth.get("when") or birth.get("notBefore") or (_iso_date(_plain(birth)) if len(birth) == 0
                                                                    else None)
            if born:
                out["birth"] = born.strip()
        age = next(_kids(person, "age"), None)
        years = (age.get("value") or _plain(age)) if age is not None else person.get("age")
        if years and years.strip():
            out["age"] = years.strip()
        elif born and date and re.match(r"^\d{4}-\d{2}-\d{2}$", born.strip()):
            b = born.strip()
            out["age"] = str(int(date[:4]) - int(b[:4]) - ((date[5:10]) < b[5:10]))
        party = self._party(person, date, lang)
        if party:
            out.update(party)
        role = (person.get("role") or "").strip()
        if role:
            out["role"] = role
        return out

    def _party(self, person: Any, date: str | None, lang: str | None) -> dict[str, str]:
        ranked: list[tuple[int, str, str]] = []  # (rank, from, ref): lowest rank, latest start wins
        for aff in _current([(a.get("from"), a.get("to"), a) for a in _kids(person, "affiliation")], date):
            role = (aff.get("role") or "").strip()
            for ref in (aff.get("ref") or "").split():
                rid = _fragment(ref)
                org = self.orgs.get(rid)
                if org is not None:
                    kind = (org.get("role") or "").strip()
                    rank = {"politicalParty": 0, "party": 0, "parliamentaryGroup": 1}.get(kind)
                    if rank is None:
                        continue
                elif role in ("party", "politicalParty", "parliamentaryGroup"):
                    rank = 2
                elif role in ("member", "") and _PARTY_ID_RE.search(rid):
                    rank = 3
                elif role in ("member", "") and not _HOUSE_RE.search(rid):
                    rank = 4
                else:
                    continue
                ranked.append((rank, _date_bound(aff.get("from"), end=False) or "", rid))
        if not ranked:
            return {}
        best = min(r[0] for r in ranked)
        rid = max((r for r in ranked if r[0] == best), key=lambda r: r[1])[2]
        org = self.orgs.get(rid)
        if org is None:
            return {"party": rid}
        names = list(_kids(org, "orgName"))
        full = _in_lang([n for n in names if n.get("full", "yes") == "yes"], lang)
        abbr = next((n for n in names if n.get("full") == "abb"), None)
        out = {"party": _plain(full) if full is not None else (_plain(abbr) if abbr is not None else rid)}
        if abbr is not None and _plain(abbr):
            out["party_abbr"] = _plain(abbr)
        return out


def _person_name(pers: Any) -> str | None:
    """``Forename Surname`` (with a ``<nameLink>``: ``Jan van Dijk``), whatever their order in the
    file; the whole text of a ``<persName>`` that has no parts."""
    forenames = [_plain(f) for f in _kids(pers, "forename")]
    rest = [_plain(s) for s in _kids(pers, "nameLink", "surname", "genName")]
    if forenames or any(_local(c.tag) == "surname" for c in pers):
        return " ".join(p for p in forenames + rest if p) or None
    return _plain(pers) or None


#: parsed lists of persons beside transcripts, by (file, mtime, size): a folder of 1,000
#: sessions parses its listPerson.xml once
_LIST_CACHE: dict[tuple[str, int, int], _People] = {}
_LIST_CACHE_SIZE = 8
_DIR_CACHE: dict[tuple[str, int], list[str]] = {}


def _listing(folder: Path) -> list[str]:
    try:
        key = (str(folder), folder.stat().st_mtime_ns)
    except OSError:
        return []
    names = _DIR_CACHE.get(key)
    if names is None:
        try:
            with os.scandir(folder) as it:
                names = sorted(e.name for e in it if e.name.lower().endswith(".xml"))
        except OSError:
            names = []
        if len(_DIR_CACHE) > 64:
            _DIR_CACHE.clear()
        _DIR_CACHE[key] = names
    return names


def _load_list(file: Path, shown: str) -> _People | None:
    try:
        st = file.stat()
    except OSError:
        return None
    key = (str(file), st.st_mtime_ns, st.st_size)
    people = _LIST_CACHE.get(key)
    if people is not None:
        return people
    if st.st_size > MAX_XML_BYTES:
        return None
    try:
        root = parse_xml(file, path=shown, kind="TEI list of persons")
    except InputFileError:  # reading it as a transcript says what is wrong with it
        return None
    people = _People()
    if _local(root.tag) in ("teiCorpus", "teiCorpus.2", "TEI", "TEI.2"):
        header = _first(root, "teiHeader")
        if header is not None:
            people.add_from(header, override=False)
    else:
        people.add_from(root, override=False)
    if len(_LIST_CACHE) >= _LIST_CACHE_SIZE:
        _LIST_CACHE.pop(next(iter(_LIST_CACHE)))
    _LIST_CACHE[key] = people
    return people


def _nearby_lists(file: Path, rel: str, prefixes: set[str]) -> _People:
    """The persons and organisations of the list files beside ``file`` and in the folders above
    it up to the corpus folder (which ``rel``, the path shown, tells): nearest first."""
    parts = PurePosixPath(rel.replace("\\", "/")).parts
    depth = 0
    if parts and ".." not in parts and not PurePosixPath(rel).is_absolute() and \
            tuple(file.parts[-len(parts):]) == tuple(parts):
        depth = len(parts) - 1
    try:
        corpus_root = file.parents[depth].resolve() if depth < len(file.parents) else file.parent.resolve()
    except OSError:
        return _People()
    people = _People()
    own = file.name
    folder = file.parent
    shown_folder = PurePosixPath(*parts[:-1]) if len(parts) > 1 else PurePosixPath()
    for _ in range(depth + 1):
        names = _listing(folder)
        wanted = [n for n in names if "listperson" in n.lower() or "listorg" in n.lower()]
        wanted.sort(key=lambda n: (not any(n.startswith(p + "-") for p in prefixes), n))
        wanted += [n for n in names if n[:-4] in prefixes or (n.endswith(".ana.xml") and n[:-8] in prefixes)]
        for name in wanted:
            if name == own and folder == file.parent:
                continue
            candidate = folder / name
            try:
                if candidate.is_symlink() or not candidate.is_file():
                    continue
                if not candidate.resolve().is_relative_to(corpus_root):
                    continue
            except OSError:
                continue
            found = _load_list(candidate, str(shown_folder / name))
            if found is not None:
                people = people.merged(found)  # the nearer list wins
        folder = folder.parent
        shown_folder = shown_folder.parent
    return people


# ---------------------------------------------------------------------------
# times


class _Timeline:
    """Seconds of the ``<when>``\\ s of a TEI text, from its ``<timeline>``\\ s."""

    def __init__(self, tei: Any, *, path: str) -> None:
        self.path = path
        self.whens: dict[str, tuple[Any, Any]] = {}
        self.anchors: dict[str, Any] = {}
        self.memo: dict[str, float | None] = {}
        self.base: dict[int, float | None] = {}
        for timeline in _all(tei, "timeline"):
            for when in _kids(timeline, "when"):
                wid = _id_of(when)
                if wid:
                    self.whens[wid] = (when, timeline)
        for anchor in _all(tei, "anchor"):
            aid = _id_of(anchor)
            if aid and anchor.get("synch"):
                self.anchors[aid] = anchor

    def _error(self, message: str, el: Any, hint: str | None = None) -> InputFileError:
        return InputFileError("RK-R58", message, path=self.path, line=el.sourceline,
                              hint=hint or "Each <when> needs interval= (a number, in the timeline's unit) and "
                              "since= (the #id of an earlier <when>), or absolute= (HH:MM:SS); fix it or export "
                              "the file again.")

    def _unit(self, timeline: Any, when: Any) -> float:
        unit = (when.get("unit") or timeline.get("unit") or "s").strip()
        factor = _UNITS.get(unit)
        if factor is None:
            raise self._error(f'timeline unit "{unit}" is not one of ms, s, min, h, d.', timeline)
        return factor

    def _origin(self, timeline: Any) -> str | None:
        origin = timeline.get("origin")
        return _fragment(origin) if origin else None

    def _clock(self, value: str, el: Any) -> float:
        m = _CLOCK_RE.match(value)
        if not m:
            raise self._error(f'<when absolute="{value}"> is not a time (HH:MM:SS).', el)
        days = 0
        if m.group(1):
            from datetime import date

            try:
                # days since 1970, not since year 1: seconds small enough for float to keep µs
                days = date(int(m.group(1)), int(m.group(2)), int(m.group(3))).toordinal() - 719163
            except ValueError:
                raise self._error(f'<when absolute="{value}"> is not a date and time.', el) from None
        return days * 86400.0 + int(m.group(4)) * 3600 + int(m.group(5)) * 60 + float((m.group(6) or "0")
                                                                                       .replace(",", "."))

    def _base(self, timeline: Any) -> float | None:
        key = id(timeline)
        if key not in self.base:
            origin = self._origin(timeline)
            found = None
            if origin and origin in self.whens and self.whens[origin][0].get("absolute"):
                when = self.whens[origin][0]
                found = self._clock(when.get("absolute"), when)
            else:
                for when in _kids(timeline, "when"):
                    if when.get("absolute"):
                        found = self._clock(when.get("absolute"), when)
                        break
            self.base[key] = found
        return self.base[key]

    def _interval(self, when: Any) -> float | None:
        value = when.get("interval")
        if value is None or value.strip() in ("", "unknown", "regular", "irregular"):
            return None
        number = float(value.strip().replace(",", ".")) if _NUMBER_RE.match(value) else math.inf
        if math.isinf(number):
            raise self._error(f'<when interval="{value}"> is not a number.', when)
        return number

    def _direct(self, wid: str) -> tuple[bool, float | None, str | None]:
        """``(known, seconds, since)``: a time that needs no other ``<when>``, or the one it needs."""
        when, timeline = self.whens[wid]
        interval = self._interval(when)
        if interval is not None:
            since = when.get("since") or timeline.get("origin")
            sid = _fragment(since) if since else None
            step = interval * self._unit(timeline, when)
            if sid is None or sid == wid:
                return True, step, None
            if sid not in self.whens:
                raise self._error(f'<when since="{since}"> names no <when> of the timeline.', when)
            return False, step, sid
        absolute = when.get("absolute")
        if absolute:
            base = self._base(timeline)
            # a difference of two clock times: round off the float error, to the µs
            return True, round(self._clock(absolute, when) - (base or 0.0), 6), None
        origin = self._origin(timeline)
        first = next(_kids(timeline, "when"), None)
        if origin == wid or (origin is None and first is when):
            return True, 0.0, None
        return True, None, None

    def seconds(self, wid: str) -> float | None:
        if wid in self.memo:
            return self.memo[wid]
        chain: list[tuple[str, float]] = []
        seen: set[str] = set()
        cur = wid
        while True:
            if cur in self.memo:
                base = self.memo[cur]
                break
            if cur in seen:
                raise self._error(f'<when xml:id="{cur}"> is measured from itself (a loop of since=).',
                                  self.whens[cur][0])
            seen.add(cur)
            known, value, since = self._direct(cur)
            if known:
                self.memo[cur] = base = value
                break
            chain.append((cur, value or 0.0))
            cur = since  # type: ignore[assignment]
        for node, step in reversed(chain):
            base = None if base is None else base + step
            self.memo[node] = base
        result = self.memo[wid]
        if result is not None and result < -1e-9:
            raise self._error(f'<when xml:id="{wid}"> comes {-result:g} s before the timeline\'s origin.',
                              self.whens[wid][0])
        return result

    def pointer(self, value: str | None, el: Any, what: str) -> float | None:
        """The seconds a ``start``/``end`` attribute points at (``None`` when absent)."""
        if value is None or not value.strip():
            return None
        value = value.strip()
        if "#" not in value and _NUMBER_RE.match(value):
            number = float(value.replace(",", "."))
            if math.isinf(number) or number < 0:
                raise InputFileError("RK-R57", f'{what}="{value}" of <{_local(el.tag)}> is not a time.',
                                     path=self.path, line=el.sourceline,
                                     hint='Point it at a <when xml:id="…"> of the timeline, or give seconds.')
            return number
        ref = _fragment(value)
        seen = set()
        while ref in self.anchors and ref not in seen:  # an anchor synchronised with a <when>
            seen.add(ref)
            ref = _fragment(self.anchors[ref].get("synch").split()[0])
        if ref not in self.whens:
            raise InputFileError("RK-R57", f'{what}="{value}" of <{_local(el.tag)}> names no <when> of the '
                                 "timeline.", path=self.path, line=el.sourceline,
                                 hint='Point it at a <when xml:id="…"> of the file\'s <timeline> (start="#T1"), '
                                 "or export the file again.")
        return self.seconds(ref)


# ---------------------------------------------------------------------------
# one TEI text


class _Text:
    """Turns and events of one ``<TEI>``, with temporary speaker keys resolved at the end."""

    def __init__(self, tei: Any, *, path: str, lang: str | None, known: Callable[[Any], bool]) -> None:
        self.path = path
        self.lang = lang
        self.known = known  # does this speaker key name persons of a list?
        self.kinds: Counter = Counter()  # "u", "sp"
        self.timeline = _Timeline(tei, path=path)
        self.turns: list[list[Any]] = []  # [key, text, start, end]
        self.events: list[ParsedEvent] = []
        self.event_keys: list[Any] = []  # speaker key of each event
        self.roles: dict[Any, Counter] = {}
        self.sp_roles: dict[Any, str] = {}

    # -- walking ----------------------------------------------------------
    def walk(self, el: Any) -> None:
        for child in el:
            name = _local(child.tag)
            if name == "u":
                self.utterance(child, None)
            elif name == "annotationBlock":
                self.block(child)
            elif name == "sp":
                self.drama(child)
            elif name in _EVENTS:
                self.event(child, name, None)
            elif name and name not in _SKIP:
                self.walk(child)

    def _key(self, who: str | None) -> Any:
        if not who or not who.strip():
            return None
        ids = tuple(dict.fromkeys(_fragment(w) for w in who.split() if _fragment(w)))
        return ("p", ids) if ids else None

    def _times(self, el: Any, fallback: Any = None) -> tuple[float | None, float | None]:
        start_el = el if el.get("start") else fallback
        end_el = el if el.get("end") else fallback
        start = self.timeline.pointer(start_el.get("start"), start_el, "start") if start_el is not None else None
        end = self.timeline.pointer(end_el.get("end"), end_el, "end") if end_el is not None else None
        if start is not None and end is not None and end < start:
            raise InputFileError("RK-R59", f"<{_local(el.tag)}> ends ({end:g} s) before it starts ({start:g} s).",
                                 path=self.path, line=el.sourceline,
                                 hint="Swap its start and end pointers, or fix the <when>s they point at.")
        return start, end

    def _role(self, key: Any, ana: str | None) -> None:
        if key is None or not ana:
            return
        for token in ana.split():
            word = _fragment(token)
            role = _ROLES.get(word)
            if role is None and word and "." not in word and ":" not in word and not word.startswith("parla"):
                role = word
            if role:
                self.roles.setdefault(key, Counter())[role] += 1
                return

    def _close(self, key: Any, paragraphs: list[str], start: float | None, end: float | None,
                pending: list[tuple[ParsedEvent, Any]]) -> None:
        text = "\n".join(p for p in paragraphs if p)
        if text:
            self.turns.append([key, text, start, end])
        for event, who in pending:
            event.position = len(self.turns)
            self.events.append(event)
            self.event_keys.append(who)

    def utterance(self, u: Any, block: Any) -> None:
        self.kinds["u"] += 1
        who = u.get("who") or (block.get("who") if block is not None else None)
        key = self._key(who)
        self._role(key, u.get("ana") or (block.get("ana") if block is not None else None))
        start, end = self._times(u, block)
        pending: list[tuple[ParsedEvent, Any]] = []
        paragraphs: list[str] = []
        self._content(u, paragraphs, pending)
        self._close(key, paragraphs, start, end, pending)

    def block(self, block: Any) -> None:
        """An ISO 24624 ``<annotationBlock>``: its ``<u>``\\ s, with its speaker and times."""
        for child in block:
            name = _local(child.tag)
            if name == "u":
                self.utterance(child, block)
            elif name in _EVENTS:
                self.event(child, name, None)

    def drama(self, sp: Any) -> None:
        self.kinds["sp"] += 1
        key = self._key(sp.get("who"))
        speaker = next(_kids(sp, "speaker"), None)
        label = _plain(speaker).rstrip(" .:") if speaker is not None else ""
        if label and (key is None or not self.known(key)):
            key = ("t", label)
        role = (sp.get("role") or "").strip()
        if key is not None and role:
            self.sp_roles.setdefault(key, role)
        self._role(key, sp.get("ana"))
        start, end = self._times(sp)
        pending: list[tuple[ParsedEvent, Any]] = []
        paragraphs: list[str] = []
        self._content(sp, paragraphs, pending)
        self._close(key, paragraphs, start, end, pending)

    def _content(self, el: Any, paragraphs: list[str], pending: list) -> None:
        """The paragraphs of a turn: its blocks (``<seg>``, ``<p>``…) and the text between them."""
        parts: list[str] = []
        if el.text:
            parts.append(el.text)
        for child in el:
            tag = child.tag
            name = _local(tag)
            if name in _BLOCKS:
                paragraphs.append(_clean("".join(parts)))
                parts = []
                sub: list[str] = []
                self._inline(child, sub, pending)
                paragraphs.append(_clean("".join(sub)))
            elif name == "lg":
                paragraphs.append(_clean("".join(parts)))
                parts = []
                self._content(child, paragraphs, pending)
            else:
                self._one(child, name, parts, pending)
            if child.tail:
                parts.append(child.tail)
        paragraphs.append(_clean("".join(parts)))

    def _inline(self, el: Any, parts: list[str], pending: list) -> None:
        if el.text:
            parts.append(el.text)
        local = _LOCAL
        for child in el:
            name = local.get(child.tag) or _local(child.tag)
            if name == "w" or name == "pc":  # tokens of annotated files: a million of them
                _token(child, parts)
            else:
                self._one(child, name, parts, pending)
            if child.tail:
                parts.append(child.tail)

    def _one(self, child: Any, name: str, parts: list[str], pending: list) -> None:
        """One child inside a turn's text, not a token (its tail is the caller's)."""
        if not name:  # comment, processing instruction
            return
        if name == "w" or name == "pc":
            _token(child, parts)
        elif name in _EVENTS:
            self.event(child, name, pending)
            parts.append(" ")  # an event between words separates them: Oui<pause/>non
        elif name in _SKIP:
            return
        elif name in _BREAKS:
            parts.append(_GLUE if child.get("break") == "no" else " ")
        elif name == "choice":
            options = list(child)
            pick = next((c for c in options if _local(c.tag) in _CHOSEN), options[0] if options else None)
            if pick is not None:
                self._inline(pick, parts, pending)
        else:  # inline markup, and speech nested in speech: its text
            self._inline(child, parts, pending)

    # -- events -----------------------------------------------------------
    def _desc(self, el: Any) -> str:
        descs = list(_kids(el, "desc"))
        chosen = _in_lang(descs, self.lang)
        if chosen is not None:
            return _plain(chosen)
        return (el.get("desc") or "").strip()

    def event(self, el: Any, name: str, pending: list | None) -> None:
        kind, text = self._classify(el, name)
        if kind is None:
            return
        start, end = self._times(el)
        event = ParsedEvent(kind, text, len(self.turns), start, end, None, el.sourceline)
        who = self._key(el.get("who"))
        if pending is None:
            self.events.append(event)
            self.event_keys.append(who)
        else:
            pending.append((event, who))

    def _classify(self, el: Any, name: str) -> tuple[str | None, str]:
        kind_attr = (el.get("type") or "").strip()
        low = kind_attr.lower()
        if name == "note":
            if low == "speaker":
                return None, ""
            text = _plain(el)
            return _by_words(text, "comment"), text
        if name == "stage":
            text = _plain(el)
            kind = {"applause": "applause", "laughter": "laughter", "interruption": "interruption",
                    "interjection": "interruption", "business": "gesture", "action": "gesture",
                    "gesture": "gesture", "movement": "gesture", "noise": "noise", "sound": "noise",
                    "pause": "pause"}.get(low)
            return kind or _by_words(text, "comment"), text
        if name == "writing":
            return "comment", _plain(el)
        desc = self._desc(el)
        if name == "kinesic":
            kind = "applause" if low in ("applause", "clapping") or (not low and _APPLAUSE_RE.search(desc)) \
                else "gesture"
            return kind, desc or kind_attr or kind
        if name == "vocal":
            if low in ("laughter", "laugh", "laughing", "laughs", "rire", "rires"):
                kind = "laughter"
            elif low in ("interruption", "interjection"):
                kind = "interruption"
            elif low in ("noise", "applause"):
                kind = low
            else:
                kind = _by_words(desc, "vocal") if not low else "vocal"
            return kind, desc or kind_attr or kind
        if name == "incident":
            kind = "noise" if low in ("sound", "noise") else "incident"
            return kind, desc or kind_attr or "incident"
        if name == "gap":
            return "event", desc or (el.get("reason") or "").strip() or "gap"
        if name == "pause":
            return "pause", desc or kind_attr or (el.get("dur") or "").strip() or "pause"
        return "event", desc or kind_attr or _plain(el) or name  # the old <event>


def _token(w: Any, parts: list[str]) -> None:
    """A ``<w>`` or ``<pc>``: its text, then a space unless it joins the next (``join="right"``)."""
    join = w.get("join")
    if join is not None and join != "right":
        if join in ("left", "both"):
            parts.append(_GLUE)
        join = "right" if join == "both" else None
    parts.append("".join(w.itertext()) if len(w) else (w.text or ""))  # <w>du<w norm="de"/>…</w>
    parts.append(_GLUE if join == "right" else " ")


def _by_words(text: str, default: str) -> str:
    if _APPLAUSE_RE.search(text):
        return "applause"
    if _LAUGHTER_RE.search(text):
        return "laughter"
    return default


# ---------------------------------------------------------------------------
# headers


def _title(header: Any, lang: str | None) -> str | None:
    """The main title of a ``<teiHeader>``, in the language ``lang`` when it has several."""
    title_stmt = _first(header, "fileDesc", "titleStmt") if header is not None else None
    if title_stmt is None:
        return None
    titles = list(_kids(title_stmt, "title"))
    main = [t for t in titles if t.get("type") == "main"] or [t for t in titles if not t.get("type")] or titles
    chosen = _in_lang(main, lang)
    return (_plain(chosen) or None) if chosen is not None else None


def _header_values(header: Any) -> dict[str, Any]:
    """Date and meetings of a ``<teiHeader>`` (missing keys are absent; ``_lang_usage`` is private)."""
    out: dict[str, Any] = {}
    if header is None:
        return out
    title_stmt = _first(header, "fileDesc", "titleStmt")
    if title_stmt is not None:
        meetings: dict[str, list[str]] = {}
        for meeting in _kids(title_stmt, "meeting"):
            ana = {_fragment(a) for a in (meeting.get("ana") or "").split()}
            field = next((f for f, marks in (("term", ("parla.term",)), ("session", ("parla.session",)),
                                             ("sitting", ("parla.sitting",)))
                          if ana.intersection(marks)), "meeting")
            value = (meeting.get("n") or "").strip() or _plain(meeting)
            if value:
                meetings.setdefault(field, []).append(value)
        for field, values in meetings.items():
            out[field] = "; ".join(dict.fromkeys(values))
    dates = [_first(header, "profileDesc", "settingDesc", "setting", "date"),
             _first(header, "fileDesc", "sourceDesc", "bibl", "date")]
    setting_desc = _first(header, "profileDesc", "settingDesc")
    if setting_desc is not None:
        dates.extend(_all(setting_desc, "date"))
    source_desc = _first(header, "fileDesc", "sourceDesc")
    if source_desc is not None:
        dates.extend(_all(source_desc, "date"))
    for date in dates:
        if date is None:
            continue
        value = _iso_date(date.get("when") or date.get("from") or date.get("notBefore")) or _iso_date(_plain(date))
        if value:
            out["date"] = value
            break
    lang_usage = _first(header, "profileDesc", "langUsage", "language")
    if lang_usage is not None:
        code = _language_code(lang_usage.get("ident"))
        if code:
            out["_lang_usage"] = code
    return out


def _language(tei: Any, inherited: str | None, header: dict[str, Any]) -> str | None:
    text = _first(tei, "text")
    for value in (_lang_of(text) if text is not None else None, _lang_of(tei)):
        code = _language_code(value)
        if code:
            return code
    return header.get("_lang_usage") or inherited


# ---------------------------------------------------------------------------
# the reader


def parse_tei(source: Path | bytes, *, path: str, options: Mapping[str, Any] | None = None) -> list[ParsedDocument]:
    """Read a TEI transcript: one document per ``<TEI>`` (see the module's docstring).

    Parameters
    ----------
    source
        The file (lists of persons beside it are looked for), or its bytes.
    path
        How messages name the file: its path relative to the corpus folder, which bounds
        where lists of persons are looked for.
    options
        The document's settings from ``corpus.yml``; none is used.

    Returns
    -------
    list of ParsedDocument
        One per ``<TEI>``; a ``<teiCorpus>``'s have a ``suffix``.

    Raises
    ------
    InputFileError
        ``RK-R35`` to ``RK-R37`` (not TEI XML), ``RK-R56`` to ``RK-R59`` (see the module's docstring).

    Examples
    --------
    >>> xml = (b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>'
    ...        b'<u who="#ana">Bonjour <vocal type="laughter"><desc>rires</desc></vocal> !</u>'
    ...        b'</body></text></TEI>')
    >>> doc, = parse_tei(xml, path="a.xml")
    >>> [(t.speaker, t.text) for t in doc.turns]
    [('ana', 'Bonjour !')]
    >>> doc.events[0].kind, doc.events[0].position
    ('laughter', 1)
    """
    root = parse_xml(source, path=path, kind="TEI file")
    _check_root(root, path)
    file = source if isinstance(source, Path) else None
    texts: list[tuple[Any, dict[str, Any], _People, str | None]] = []
    _collect(root, {}, _People(), None, texts)
    if not any(True for tei, *_ in texts for _ in _all(tei, *_SPEECH)):
        if file is not None and _index_of_files_beside(root, file):
            return []  # a corpus root file (ParlaMint-XX.xml): its sessions are read on their own
        raise _no_speech(root, path)
    prefixes = {(_id_of(tei) or "").split("_")[0] for tei, *_ in texts} - {""}
    nearby: list[_People] = []  # loaded once, when an id is not in the file

    def lists() -> _People:
        if not nearby:
            nearby.append(_nearby_lists(file, path, prefixes) if file is not None else _People())
        return nearby[0]

    docs = []
    seen_suffixes: set[str] = set()
    multi = _local(root.tag) in ("teiCorpus", "teiCorpus.2")
    for index, (tei, header, people, lang) in enumerate(texts, start=1):
        suffix = None
        if multi:
            suffix = _id_of(tei) or f"{index:03d}"
            if suffix in seen_suffixes:
                suffix = f"{suffix}-{index:03d}"
            seen_suffixes.add(suffix)
        try:
            docs.append(_document(tei, header, people, lang, path=path, suffix=suffix, lists=lists))
        except RecursionError:  # the parser allows 2,048 levels; no transcript nests a few hundred
            raise InputFileError("RK-R35", "has elements nested hundreds of levels deep, which no transcript "
                                 "has.", path=path, line=tei.sourceline,
                                 hint="The file is damaged or was not made as a transcript: export it again "
                                 "from the program that made it.") from None
    return docs


def _check_root(root: Any, path: str) -> None:
    from lxml import etree

    name = _local(root.tag)
    namespace = etree.QName(root).namespace
    if name in _ROOTS and namespace in (None, TEI_NS):
        return
    if namespace == TEI_NS and name in ("listPerson", "listOrg", "taxonomy", "classDecl", "listPlace",
                                        "listRelation", "person", "org"):
        hint = ("It is a list of persons, organisations or categories that TEI sessions use (ParlaMint ships "
                "them beside the sessions, which read it themselves): list it under `exclude:` in corpus.yml "
                '(exclude: ["**/*-list*.xml", "**/*taxonomy*.xml"]).')
    elif name in _OTHER_FORMATS:
        fmt, suffix, tool = _OTHER_FORMATS[name]
        hint = (f"It looks like a {tool} file: give it the {suffix} extension, or set `format: {fmt}` for it "
                "in corpus.yml.")
    else:
        hint = ("Files ending in .xml are read as TEI transcripts: list this one under `exclude:` in corpus.yml, "
                "or set its `format:` (trs, eaf) if it is a transcript of another kind.")
    where = f" in namespace {namespace}" if namespace else ""
    raise InputFileError("RK-R37", f"is not a TEI file: its root element is <{name}>{where}, not <TEI> or "
                         f"<teiCorpus> (in the TEI namespace, {TEI_NS}, or in none).", path=path,
                         line=root.sourceline, hint=hint)


def _index_of_files_beside(root: Any, file: Path) -> bool:
    """Whether the file only includes other TEI files (``<xi:include href=…>``), all of which
    are in its folder or below it: a corpus root file, whose texts are read on their own."""
    include = f"{{{_XI_NS}}}include"
    hrefs = [el.get("href") or "" for el in root.iter(include)]
    if not hrefs:
        return False
    folder = file.parent
    for href in hrefs:
        parts = PurePosixPath(href).parts
        if not href or ".." in parts or PurePosixPath(href).is_absolute() or ":" in href:
            return False
        if not (folder / Path(*parts)).is_file():
            return False
    return True


def _no_speech(root: Any, path: str) -> InputFileError:
    include = f"{{{_XI_NS}}}include"
    includes = [el for el in root if el.tag == include] or [el for el in root.iter(include)]
    if includes:
        hint = ("It is a corpus root file: its texts are other files, named by <xi:include href=…> "
                f'(first: "{includes[0].get("href")}"); some of them are not in the corpus folder. Put them '
                "there (they are read on their own, and this file is then skipped), or list this one under "
                "`exclude:` in corpus.yml.")
    else:
        hint = ("TEI transcripts put each utterance in <u who=\"#id\"> (or <sp> in plays and verbatim records); "
                "this file has none, so it is not a transcript of speech: exclude it, or convert its text to "
                "NAME: lines in a .txt file.")
    return InputFileError("RK-R56", "has no speech: no <u> (utterance) or <sp> (speech) element.",
                          path=path, line=root.sourceline, hint=hint)


def _collect(el: Any, inherited: dict[str, Any], people: _People, lang: str | None,
             out: list[tuple[Any, dict[str, Any], _People, str | None]]) -> None:
    """Every ``<TEI>`` under ``el`` (itself, or a ``<teiCorpus>``'s), with its header's values
    over those of the corpora it is in, its persons (its own over theirs), and its language."""
    header_el = _first(el, "teiHeader")
    header = _header_values(header_el)
    merged = {**inherited, **header}
    here = _People()
    if header_el is not None:
        here.add_from(header_el, override=True)
    here = here.merged(people)
    if _local(el.tag) in ("teiCorpus", "teiCorpus.2"):
        corpus_lang = _language_code(_lang_of(el)) or header.get("_lang_usage") or lang
        for child in el:
            if _local(child.tag) in _ROOTS:
                _collect(child, merged, here, corpus_lang, out)
        return
    language = _language(el, lang, header)
    merged["title"] = _title(header_el, language)
    out.append((el, merged, here, language))


def _document(tei: Any, header: dict[str, Any], people: _People, lang: str | None, *, path: str,
              suffix: str | None, lists: Any) -> ParsedDocument:
    date = header.get("date")
    known = people
    looked = False  # for the lists beside the file

    def look_beside() -> None:
        nonlocal known, looked
        if not looked:
            looked = True
            extra = lists()
            if extra.persons or extra.orgs:
                known = known.merged(extra)

    def resolve(key: Any) -> bool:
        if key[0] != "p":
            return False
        if any(i not in known.persons for i in key[1]):
            look_beside()
        return all(i in known.persons for i in key[1])

    reader = _Text(tei, path=path, lang=lang, known=resolve)
    text = _first(tei, "text")
    if text is not None:
        reader.walk(text)
    keys = [t[0] for t in reader.turns] + reader.event_keys + list(reader.roles)
    person_ids = {i for k in keys if k is not None and k[0] == "p" for i in k[1]}
    if any(i not in known.persons for i in person_ids) or (person_ids and not known.orgs):
        look_beside()
    names = {i: known.name(i, date) for i in person_ids}
    by_name: dict[str, set[str]] = {}
    for i, n in names.items():
        if n:
            by_name.setdefault(n, set()).add(i)

    def id_label(i: str) -> str:
        n = names.get(i)
        if not n:
            return i
        return n if len(by_name[n]) == 1 else f"{n} [{i}]"  # not "(…)", which speaker_key drops

    def label(key: Any) -> str | None:
        if key is None:
            return None
        if key[0] == "t":
            return key[1]
        return " & ".join(id_label(i) for i in key[1])

    turns = [ParsedTurn(label(k), text_, start, end) for k, text_, start, end in reader.turns]
    for event, key in zip(reader.events, reader.event_keys):
        event.speaker = label(key)
    speakers: dict[str, dict[str, str]] = {}
    roles: dict[str, Counter] = {}
    for key in dict.fromkeys(t[0] for t in reader.turns):
        name = label(key)
        if name is None:
            continue
        attrs = speakers.setdefault(name, {})
        if key[0] == "p" and len(key[1]) == 1 and key[1][0] in known.persons:
            for k, v in known.attributes(key[1][0], date, lang).items():
                attrs.setdefault(k, v)
        if key in reader.roles:
            roles.setdefault(name, Counter()).update(reader.roles[key])
        elif key in reader.sp_roles:
            attrs["role"] = reader.sp_roles[key]
    for name, counts in roles.items():
        speakers[name]["role"] = counts.most_common(1)[0][0]
    variables: dict[str, Any] = {k: v for k, v in header.items() if not k.startswith("_") and k != "title"}
    if lang:
        variables["language"] = lang
    layout = "+".join(k for k in ("u", "sp") if reader.kinds[k]) or None
    return ParsedDocument(turns=turns, variables=variables, title=header.get("title"), suffix=suffix,
                          speakers=speakers, events=reader.events, layout=layout)
