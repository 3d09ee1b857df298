"""Reading REFI-QDA exchange files leniently and safely.

A ``.qdpx`` project is a zip holding one XML project file (``project.qde``, or
``<ProjectName>.qde`` as some programs write it) and a ``sources/`` folder (or
``Sources/``) with the sources' plain texts. A ``.qdc`` codebook is a lone XML file.
This module opens them defensively and turns them into the workbench's frames; the
public functions are in :mod:`research_kit.qda`.

Defences
--------
- Member names are checked before anything is read: absolute paths, drive letters
  and ``..`` segments refuse the archive (``RK-Q03``), as do encrypted members.
- The archive may not expand beyond ``max_size`` bytes, nor a member beyond what its
  header declares, nor hold more than 10,000 members (``RK-Q04``); a member over 1 MiB
  compressed more than ``max_ratio`` times is refused as a zip bomb (``RK-Q05``).
- XML with a document type declaration (``<!DOCTYPE``) or entity declarations is
  refused before parsing (``RK-Q06``); the parser never resolves entities nor touches
  the network. Broken XML gives ``RK-Q07`` with the line and the parser's words,
  which name the element.

Leniency
--------
Elements are matched by local name whatever their namespace (``urn:QDA-XML:project:1.0``,
``urn:QDA-XML:codebook:1:0``, ``…:0:4``); GUIDs compare without braces and case;
``plainTextPath`` is looked up in ``sources/`` or ``Sources/`` with or without the
``internal://`` scheme; text files may carry a BOM and CRLF line ends, in any
encoding :func:`research_kit._io.decode` recognises. Whatever is not carried over is
listed in the *dropped* report (one row per element, with the reason and the
``.qde`` line), never silently lost.
"""

from __future__ import annotations

import dataclasses
import html
import re
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

import numpy as np
import pandas as pd

from .. import schemas
from .._io import decode, normalise_text
from .._positions import CONVENTIONS, PositionError, SourceText, normalise_source
from ..errors import QdaError, ResearchKitError

__all__ = [
    "DEFAULT_MAX_SIZE",
    "DEFAULT_MAX_RATIO",
    "NOTES",
    "DROPPED",
    "Archive",
    "parse_xml",
    "stable_guid",
    "origin_convention",
    "import_project",
    "codebook_from_xml",
    "format_times",
    "parse_times",
]

#: Largest total uncompressed size of an archive, in bytes.
DEFAULT_MAX_SIZE = 500 * 2**20
#: Largest compression ratio of a member over 1 MiB.
DEFAULT_MAX_RATIO = 200.0
_MAX_MEMBERS = 10_000
_RATIO_FLOOR = 2**20

#: Namespace of the GUIDs Research Kit derives (uuid5), so that re-exports are identical.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/research-kit/research-kit/refi-qda")

#: Name of the code folder that carries speaker turns.
SPEAKERS_FOLDER = "Speakers"
#: Member of an archive written by Research Kit that keeps the full codebook.
CODEBOOK_MEMBER = "research-kit/codebook.yml"

NOTES, DROPPED = schemas.NOTES, schemas.DROPPED




def stable_guid(kind: str, *parts: object) -> str:
    """A GUID derived from stable keys, identical on every export (uuid5)."""
    key = "\x1f".join([kind, *(str(p) for p in parts)])
    return str(uuid.uuid5(GUID_NAMESPACE, key))


def _guid(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().strip("{}").strip().lower()
    return value or None


# --------------------------------------------------------------------------- the archive


class Archive:
    """A ``.qdpx`` zip opened defensively; members are read into memory, never extracted.

    Raises
    ------
    QdaError
        ``RK-Q01`` not a zip, ``RK-Q02`` no project file, ``RK-Q03`` unsafe member name
        or encrypted member, ``RK-Q04`` too large, ``RK-Q05`` suspicious compression ratio.
    """

    def __init__(self, path: str | Path, *, max_size: int = DEFAULT_MAX_SIZE,
                 max_ratio: float = DEFAULT_MAX_RATIO) -> None:
        self.path = Path(path)
        self.shown = str(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError as e:
            raise QdaError("RK-Q01", "no such file.", path=self.shown, hint="Check the path of the .qdpx file.") from e
        except (zipfile.BadZipFile, OSError) as e:
            raise QdaError("RK-Q01", f"is not a REFI-QDA project archive (not a zip file: {e}).", path=self.shown,
                           hint="Export the project from the QDA program as a REFI-QDA project (.qdpx).") from e
        infos = self._zip.infolist()
        if len(infos) > _MAX_MEMBERS:
            raise QdaError("RK-Q04", f"holds {len(infos)} members, more than the {_MAX_MEMBERS} a project may have.",
                           path=self.shown, hint="This is not a project an importer should open.")
        total = 0
        for info in infos:
            if _unsafe_name(info.filename):
                raise QdaError("RK-Q03", f'has a member named "{info.filename}", which points outside the archive.',
                               path=self.shown, hint="The archive was tampered with or badly made; nothing was read.")
            if info.flag_bits & 0x1:
                raise QdaError("RK-Q03", f'has an encrypted member "{info.filename}".', path=self.shown,
                               hint="Export the project again without a password.")
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > max_ratio:
                raise QdaError("RK-Q05", f'member "{info.filename}" expands {ratio:.0f} times '
                               f"({info.file_size} bytes from {info.compress_size}); refusing a likely zip bomb.",
                               path=self.shown, hint=f"If the file is genuine, pass max_ratio= above {ratio:.0f}.")
        if total > max_size:
            raise QdaError("RK-Q04", f"expands to {total} bytes, more than the limit of {max_size}.", path=self.shown,
                           hint="If the project is genuine, pass a larger max_size=.")
        self._budget = max_size
        self._infos = {i.filename: i for i in infos if not i.is_dir()}
        self._lower = {name.lower(): name for name in self._infos}
        self.qde = self._find_qde()
        self.base = self.qde.rsplit("/", 1)[0] + "/" if "/" in self.qde else ""

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _find_qde(self) -> str:
        found = [n for n in self._infos if n.lower().endswith(".qde")]
        if not found:
            raise QdaError("RK-Q02", "holds no project file (.qde).", path=self.shown,
                           hint="A REFI-QDA project archive holds project.qde and a sources/ folder; "
                                "a codebook alone is a .qdc file, read with read_qdc().")
        top = min(n.count("/") for n in found)
        shallow = sorted(n for n in found if n.count("/") == top)
        named = [n for n in shallow if PurePosixPath(n).name.lower() == "project.qde"]
        if named:
            return named[0]
        if len(shallow) > 1:
            raise QdaError("RK-Q02", f"holds several project files ({', '.join(shallow)}) and none is project.qde.",
                           path=self.shown, hint="Export one project per .qdpx file.")
        return shallow[0]

    def has(self, name: str) -> str | None:
        """The member's real name, looked up without regard to case, or ``None``."""
        return self._lower.get(name.lower())

    def read(self, name: str) -> bytes:
        """A member's bytes, within the size budget and its declared size."""
        info = self._infos[name]
        limit = min(info.file_size, self._budget)
        with self._zip.open(info) as fh:
            data = fh.read(limit + 1)
        if len(data) > info.file_size:
            raise QdaError("RK-Q04", f'member "{name}" expands beyond the size its header declares.', path=self.shown,
                           hint="The archive was tampered with; nothing more was read.")
        if len(data) > limit:
            raise QdaError("RK-Q04", "expands beyond the size limit.", path=self.shown,
                           hint="If the project is genuine, pass a larger max_size=.")
        self._budget -= len(data)
        return data

    def resolve(self, path_attr: str) -> str | None:
        """The member a ``plainTextPath``/``path`` attribute names, or ``None``."""
        value = path_attr.strip().replace("\\", "/")
        match = re.match(r"^([A-Za-z][\w+.-]*)://(.*)$", value)
        scheme, rest = (match.group(1).lower(), match.group(2)) if match else ("", value)
        rest = rest.lstrip("/")
        name = PurePosixPath(rest).name
        if scheme in ("", "internal"):
            candidates = [f"sources/{rest}", rest, f"sources/{name}"]
        elif scheme == "relative":
            candidates = [f"sources/{rest}", rest, f"sources/{name}"]
        else:  # absolute://, file://: the file lived on the author's disk; a copy may be in sources/
            candidates = [f"sources/{name}"]
        for candidate in candidates:
            for variant in dict.fromkeys((candidate, unquote(candidate))):
                if ".." in variant.split("/"):
                    continue
                real = self.has(self.base + variant)
                if real:
                    return real
        return None


def _unsafe_name(name: str) -> bool:
    n = name.replace("\\", "/")
    return (n.startswith("/") or re.match(r"^[A-Za-z]:", n) is not None or "\x00" in n
            or any(part == ".." for part in n.split("/")))


# --------------------------------------------------------------------------- XML


_DECLARATIONS = tuple(
    marker.encode(enc) for marker in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")
)


def parse_xml(data: bytes, *, shown: str) -> Any:
    """Parse XML with a hardened parser and return the root element (lxml).

    Raises
    ------
    QdaError
        ``RK-Q06`` for a document type or entity declaration, ``RK-Q07`` for XML
        that is not well formed (with the line).
    """
    from lxml import etree

    for marker in _DECLARATIONS:
        at = data.find(marker)
        if at >= 0:
            line = data[:at].count(b"\n") + 1 if marker.startswith(b"<") else None
            raise QdaError("RK-Q06", "declares a document type or entities (<!DOCTYPE …>/<!ENTITY …>); "
                           "refusing to read it, as entities can expand without bound or read local files.",
                           path=shown, line=line,
                           hint="REFI-QDA files never need a DOCTYPE; export the project again from the QDA program.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise QdaError("RK-Q07", f"is not well-formed XML: {e.msg}.", path=shown, line=e.lineno,
                       hint="The file is damaged or was edited by hand; fix the element named above "
                            "or export the project again.") from e
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.doctype:
        raise QdaError("RK-Q06", "declares a document type; refusing to read it.", path=shown, line=1,
                       hint="REFI-QDA files never need a DOCTYPE; export the project again from the QDA program.")
    return root


def _local(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _kids(el: Any, *names: str) -> list[Any]:
    return [c for c in el if _local(c) and (not names or _local(c) in names)]


def _kid(el: Any, name: str) -> Any | None:
    for c in el:
        if _local(c) == name:
            return c
    return None


def _text(el: Any | None) -> str | None:
    """An element's text; HTML markup that tools put in descriptions is reduced to its text."""
    if el is None:
        return None
    text = "".join(el.itertext())
    if "<" in text and _TAG_RE.search(text):
        text = _TAG_RE.sub(" ", re.sub(r"(?i)<br\s*/?>|</p>", "\n", text))
        text = "\n".join(" ".join(line.split()) for line in html.unescape(text).split("\n")).strip()
    return text


_TAG_RE = re.compile(r"</?[A-Za-z][^<>]{0,200}>")


def _section(root: Any, holder: str, child: str) -> list[Any]:
    """The ``child`` elements of ``root``'s ``holder`` element (none when it is absent)."""
    el = _kid(root, holder)
    return [] if el is None else _kids(el, child)


def _refs(el: Any, name: str) -> list[str]:
    return [g for g in (_guid(r.get("targetGUID")) for r in _kids(el, name)) if g]


# --------------------------------------------------------------------------- raw model


@dataclass
class _Report:
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, element: str, el_id: str | None, name: str | None, code: str, reason: str,
            line: int | None) -> None:
        self.rows.append({"element": element, "id": el_id, "name": name, "code": code, "reason": reason,
                          "line": line})

    def frame(self) -> pd.DataFrame:
        if not self.rows:
            return schemas.empty_frame(DROPPED)
        return pd.DataFrame(self.rows, columns=DROPPED.names).astype(DROPPED.dtypes)


@dataclass
class _Code:
    guid: str
    name: str
    codable: bool
    color: str | None
    description: str | None
    parent: str | None
    notes: list[str]
    line: int | None


@dataclass
class _Coding:
    guid: str | None
    code: str | None
    user: str | None
    created: str | None
    notes: list[str]
    line: int | None


@dataclass
class _Selection:
    guid: str | None
    name: str | None
    start: str | None
    end: str | None
    user: str | None
    created: str | None
    description: str | None
    codings: list[_Coding]
    notes: list[str]
    line: int | None
    span: tuple[int, int] | None = None  # placed in the document text


@dataclass
class _Source:
    guid: str | None
    name: str
    path: str | None
    content: str | None
    description: str | None
    user: str | None
    selections: list[_Selection]
    codings: list[_Coding]
    notes: list[str]
    values: dict[str, str]
    line: int | None


@dataclass
class _Note:
    guid: str
    name: str | None
    content: str | None
    path: str | None
    user: str | None
    created: str | None
    n_selections: int
    line: int | None


@dataclass
class _Case:
    guid: str | None
    name: str
    description: str | None
    values: dict[str, str]
    sources: list[str]
    selections: list[str]
    codes: list[str]
    line: int | None


_TRUE = {"true", "1"}


def _color(value: str | None) -> str | None:
    if not value:
        return None
    m = re.fullmatch(r"#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})", value.strip())
    if not m:
        return None
    hexa = m.group(1)
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    return "#" + hexa.upper()


def _codes(parent_el: Any, parent: str | None, report: _Report, seen: set[str], out: list[_Code],
           counter: list[int]) -> None:
    for el in _kids(parent_el, "Code"):
        guid = _guid(el.get("guid"))
        name = (el.get("name") or "").strip()
        if guid is None:
            counter[0] += 1
            guid = f"(code without guid {counter[0]})"
        if guid in seen:
            n = len(el.findall(".//{*}Code"))
            report.add("Code", guid, name or None, "RK-Q19",
                       "a second code with the same GUID; it was left out" + (f" with its {n} sub-codes" if n else "")
                       + ". Codings refer to the first one.", el.sourceline)
            continue
        seen.add(guid)
        raw_color = el.get("color")
        color = _color(raw_color)
        if raw_color and color is None:
            report.add("Code", guid, name or None, "RK-Q17", f'colour "{raw_color}" is not #RRGGBB; the code was '
                       "kept without it.", el.sourceline)
        if not name:
            name = f"code {len(out) + 1}"
            report.add("Code", guid, None, "RK-Q09", f'a code without a name; kept as "{name}": rename it in the '
                       "codebook.", el.sourceline)
        out.append(_Code(guid, name, (el.get("isCodable") or "true").strip().lower() in _TRUE, color,
                         _text(_kid(el, "Description")), parent, _refs(el, "NoteRef"), el.sourceline))
        _codes(el, guid, report, seen, out, counter)


def _codings(el: Any) -> list[_Coding]:
    out = []
    for c in _kids(el, "Coding"):
        ref = _kid(c, "CodeRef")
        out.append(_Coding(_guid(c.get("guid")), _guid(ref.get("targetGUID")) if ref is not None else None,
                           _guid(c.get("creatingUser")), c.get("creationDateTime"), _refs(c, "NoteRef"), c.sourceline))
    return out


def _value(el: Any, variables: dict[str, tuple[str, str]], report: _Report, owner: str) -> tuple[str, str] | None:
    ref = _kid(el, "VariableRef")
    var = _guid(ref.get("targetGUID")) if ref is not None else None
    if var is None or var not in variables:
        report.add("VariableValue", var, None, "RK-Q18", f"a value of {owner} refers to no declared variable; "
                   "it was left out.", el.sourceline)
        return None
    name, _ = variables[var]
    for kind in ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue"):
        child = _kid(el, kind)
        if child is not None:
            text = (_text(child) or "").strip()
            return (name, text) if text else None
    return None


def _values(el: Any, variables: dict[str, tuple[str, str]], report: _Report, owner: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in _kids(el, "VariableValue"):
        got = _value(v, variables, report, owner)
        if got:
            out[got[0]] = got[1]
    return out


def _selection(el: Any) -> _Selection:
    return _Selection(_guid(el.get("guid")), el.get("name"), el.get("startPosition"), el.get("endPosition"),
                      _guid(el.get("creatingUser")), el.get("creationDateTime"), _text(_kid(el, "Description")),
                      _codings(el), _refs(el, "NoteRef"), el.sourceline)


_OTHER_SOURCES = {"PDFSource": "PDF", "PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}
_SELECTIONS = ("PlainTextSelection", "PDFSelection", "PictureSelection", "AudioSelection", "VideoSelection",
               "TranscriptSelection")


@dataclass
class _Project:
    name: str
    origin: str
    description: str | None
    creator: str | None
    notes: list[str]
    users: dict[str, str]
    codes: list[_Code]
    variables: dict[str, tuple[str, str]]
    cases: list[_Case]
    sources: list[_Source]
    all_notes: dict[str, _Note]


def _parse_project(root: Any, report: _Report) -> _Project:
    users: dict[str, str] = {}
    for u in _section(root, "Users", "User"):
        g = _guid(u.get("guid"))
        if g:
            name = (u.get("name") or u.get("id") or g).strip() or g
            taken, n = set(users.values()), 2
            while name in taken:  # two users called "Ana" stay two coders
                name = f"{(u.get('name') or '').strip() or g} ({n})"
                n += 1
            users[g] = name
    codes: list[_Code] = []
    book = _kid(root, "CodeBook")
    if book is not None:
        codes_el = _kid(book, "Codes")
        if codes_el is not None:
            _codes(codes_el, None, report, set(), codes, [0])
        for sets in _kids(book, "Sets"):
            for s in _kids(sets, "Set"):
                report.add("Set", _guid(s.get("guid")), s.get("name"), "RK-Q16",
                           "sets (groups of codes) are not carried over; their codes are.", s.sourceline)
    variables: dict[str, tuple[str, str]] = {}
    for v in _section(root, "Variables", "Variable"):
        g, name, kind = _guid(v.get("guid")), (v.get("name") or "").strip(), (v.get("typeOfVariable") or "Text")
        if not g or not name:
            report.add("Variable", g, name or None, "RK-Q09", "a variable without guid or name; left out.",
                       v.sourceline)
            continue
        if kind not in ("Text", "Boolean", "Integer", "Float", "Date", "DateTime"):
            report.add("Variable", g, name, "RK-Q17", f'variable type "{kind}" is not one of the standard\'s; its '
                       "values were left out.", v.sourceline)
            continue
        variables[g] = (name, kind)
    cases = []
    for c in _section(root, "Cases", "Case"):
        cases.append(_Case(_guid(c.get("guid")), (c.get("name") or "").strip(), _text(_kid(c, "Description")),
                           _values(c, variables, report, f'case "{c.get("name")}"'),
                           _refs(c, "SourceRef") + _refs(c, "MemberSource"),  # QualCoder's name for it
                           _refs(c, "SelectionRef"), _refs(c, "CodeRef"), c.sourceline))
    sources: list[_Source] = []
    sources_el = _kid(root, "Sources")
    for el in _kids(sources_el) if sources_el is not None else []:
        kind = _local(el)
        guid, name = _guid(el.get("guid")), (el.get("name") or "").strip()
        if kind in _OTHER_SOURCES:
            n_sel = sum(1 for x in el.iter() if _local(x) in _SELECTIONS)
            n_cod = sum(1 for x in el.iter() if _local(x) == "Coding")
            report.add(kind, guid, name or None, "RK-Q15",
                       f"{_OTHER_SOURCES[kind]} sources are not imported (with {n_sel} selection(s) and "
                       f"{n_cod} coding(s)). Export a transcript of it as a text source to analyse it here.",
                       el.sourceline)
            continue
        if kind != "TextSource":
            report.add(kind, guid, name or None, "RK-Q16", f"unknown kind of source <{kind}>; left out.", el.sourceline)
            continue
        content = _kid(el, "PlainTextContent")
        sources.append(_Source(guid, name, el.get("plainTextPath"), _text(content) if content is not None else None,
                               _text(_kid(el, "Description")), _guid(el.get("creatingUser")),
                               [_selection(s) for s in _kids(el, "PlainTextSelection")], _codings(el),
                               _refs(el, "NoteRef"), _values(el, variables, report, f'source "{name}"'),
                               el.sourceline))
    notes: dict[str, _Note] = {}
    for n in _section(root, "Notes", "Note"):
        g = _guid(n.get("guid"))
        if not g:
            report.add("Note", None, n.get("name"), "RK-Q09", "a note without guid; left out.", n.sourceline)
            continue
        content = _kid(n, "PlainTextContent")
        notes[g] = _Note(g, n.get("name"), _text(content) if content is not None else None, n.get("plainTextPath"),
                         _guid(n.get("creatingUser")), n.get("creationDateTime"),
                         len(_kids(n, "PlainTextSelection")), n.sourceline)
    for section, child in (("Links", "Link"), ("Sets", "Set"), ("Graphs", "Graph")):
        for el in _section(root, section, child):
            what = {"Link": "links between elements", "Set": "sets", "Graph": "graphs (networks)"}[child]
            report.add(child, _guid(el.get("guid")), el.get("name"), "RK-Q16", f"{what} are not carried over.",
                       el.sourceline)
    return _Project(
        name=(root.get("name") or "").strip(), origin=(root.get("origin") or "").strip(),
        description=_text(_kid(root, "Description")), creator=_guid(root.get("creatingUserGUID")),
        notes=_refs(root, "NoteRef"), users=users, codes=codes, variables=variables, cases=cases, sources=sources,
        all_notes=notes)


# --------------------------------------------------------------------------- helpers


def origin_convention(origin: str) -> str:
    """The position convention a program's ``origin`` suggests (see :mod:`research_kit._positions`)."""
    o = origin.lower()
    if "nvivo" in o or "maxqda" in o:
        return "utf16"
    if "atlas" in o:
        return "codepoints-crlf1"
    return "codepoints"


_WS = re.compile(r"\s+")
_ELLIPSES = ("…", "...")


def _squash(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _quote(name: str | None, squashed_text: str) -> tuple[str, bool] | None:
    """The selection's name as a quote of the text, if it is one: ``(quote, truncated)``."""
    if not name:
        return None
    q = _squash(name)
    truncated = False
    for e in _ELLIPSES:
        if q.endswith(e):
            q, truncated = q[: -len(e)].rstrip(), True
    if not q or q not in squashed_text:
        return None
    return q, truncated


def _matches(quote: tuple[str, bool], text: str) -> bool:
    q, truncated = quote
    t = _squash(text)
    return t == q or ((truncated or len(q) >= 20) and t.startswith(q))


_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")


def _timestamp(value: str | None) -> pd.Timestamp:
    if not value:
        return pd.NaT
    value = value.strip()
    if not _ISO_RE.match(value):  # "04/05/2023" is ambiguous: the standard writes ISO 8601
        return pd.NaT
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        return pd.NaT
    if ts is pd.NaT:
        return pd.NaT
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


_TIME_RE = re.compile(r"^\s*(\?|[\d:.]+)\s*-->\s*(\?|[\d:.]+)\s*$")


def format_times(start: float, end: float) -> str | None:
    """A turn's times as ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` (``?`` when unknown); exact for any float."""
    if np.isnan(start) and np.isnan(end):
        return None

    def one(t: float) -> str:
        if np.isnan(t):
            return "?"
        d = Decimal(repr(float(t)))
        sign = "-" if d < 0 else ""
        d = abs(d)
        h, rest = divmod(d, 3600)
        m, s = divmod(rest, 60)
        whole, frac = divmod(s, 1)
        digits = format(frac, "f")[2:] if frac else ""
        digits = (digits + "000")[: max(3, len(digits))]
        return f"{sign}{int(h):02d}:{int(m):02d}:{int(whole):02d}.{digits}"

    return f"{one(start)} --> {one(end)}"


def parse_times(text: str | None) -> tuple[float, float] | None:
    """Inverse of :func:`format_times`; ``None`` when ``text`` is not a time range."""
    if not text:
        return None
    m = _TIME_RE.match(text)
    if not m:
        return None

    def one(value: str) -> float:
        if value == "?":
            return float("nan")
        parts = value.split(":")
        total = Decimal(0)
        for p in parts:
            total = total * 60 + Decimal(p)
        return float(total)

    try:
        return one(m.group(1)), one(m.group(2))
    except (InvalidOperation, ValueError):
        return None


def _slug(name: str) -> str:
    s = re.sub(r"[^\w\-]+", "_", unicodedata.normalize("NFC", name)).strip("_-")
    return s or "code"


def _unique(value: str, taken: set[str], sep: str = "_") -> str:
    out, k = value, 2
    while out in taken:
        out, k = f"{value}{sep}{k}", k + 1
    taken.add(out)
    return out


_TEXT_SUFFIXES = (".txt", ".text", ".docx", ".doc", ".rtf", ".odt", ".md", ".htm", ".html")


# --------------------------------------------------------------------------- codebook


def _build_codebook(codes: list[_Code], *, keep: Callable[[_Code], bool], title: str, language: str,
                    given: Any, sidecar: Any) -> tuple[Any, dict[str, str]]:
    """A :class:`Codebook` and the map GUID -> code id."""
    from ..codebook import Codebook, CodeEntry

    kept = [c for c in codes if keep(c)]
    if sidecar is not None:
        by_guid = {stable_guid("code", e.code): e.code for e in sidecar.entries}
        return sidecar, {c.guid: by_guid[c.guid] for c in kept}
    given_guid = {stable_guid("code", e.code): e for e in given.entries} if given is not None else {}
    ids: dict[str, str] = {}
    taken: set[str] = set()
    entries = []
    for c in kept:
        parent = ids.get(c.parent) if c.parent else None
        match = given_guid.get(c.guid)
        if match is None and given is not None:
            match = next((e for e in given.entries if (e.parent == parent) and (c.name == e.code or c.name in
                          e.label.values()) and e.code not in taken), None)
        if match is not None and match.code not in taken:
            ids[c.guid] = match.code
            taken.add(match.code)
            entries.append(dataclasses.replace(match, parent=parent))
            continue
        base = _slug(c.name) if parent is None else f"{parent}.{_slug(c.name)}"
        ids[c.guid] = _unique(base, taken)
        definition = (c.description or "").strip()
        entries.append(CodeEntry(code=ids[c.guid], parent=parent, label={language: c.name},
                                 definition={language: definition} if definition else {}, color=c.color,
                                 codable=c.codable))
    languages = tuple(given.languages) if given is not None else (language,)
    return Codebook(tuple(entries), title=title, languages=languages), ids


def codebook_from_xml(root: Any, *, language: str, codebook: Any, report: _Report) -> Any:
    """A :class:`Codebook` from a ``<CodeBook>`` element (.qdc) of any namespace."""
    codes: list[_Code] = []
    codes_el = _kid(root, "Codes")
    if codes_el is not None:
        _codes(codes_el, None, report, set(), codes, [0])
    for sets in _kids(root, "Sets"):
        for s in _kids(sets, "Set"):
            report.add("Set", _guid(s.get("guid")), s.get("name"), "RK-Q16",
                       "sets (groups of codes) are not carried over; their codes are.", s.sourceline)
    book, _ = _build_codebook(codes, keep=lambda c: True, title="", language=language, given=codebook, sidecar=None)
    return book


# --------------------------------------------------------------------------- import


@dataclass
class Imported:
    name: str
    origin: str
    corpus: Any
    codebook: Any
    codings: pd.DataFrame
    notes: pd.DataFrame
    dropped: pd.DataFrame


def _read_sidecar(archive: Archive, report: _Report) -> Any:
    from ..codebook import read_codebook

    member = archive.has(archive.base + CODEBOOK_MEMBER)
    if member is None:
        return None
    try:
        data = archive.read(member)
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / "codebook.yml"
            file.write_bytes(data)
            book = read_codebook(file)
        return book.__class__(book.entries, title=book.title, languages=book.languages, description=book.description)
    except ResearchKitError as e:
        report.add(member, None, None, "RK-Q27", f"the Research Kit codebook kept in the archive cannot be read "
                   f"({e}); codes were taken from the project instead.", None)
        return None


def _source_text(src: _Source, archive: Archive, report: _Report,
                 n_codings: int) -> tuple[SourceText, str | None] | None:
    lost = f" Its {len(src.selections)} selection(s) and {n_codings} coding(s) were left out." \
        if src.selections or src.codings else ""
    if src.content is not None:
        return normalise_source(src.content), None
    if not src.path:
        report.add("TextSource", src.guid, src.name, "RK-Q10", "has neither plainTextPath nor PlainTextContent, so "
                   "its text is unknown." + lost, src.line)
        return None
    member = archive.resolve(src.path)
    if member is None:
        report.add("TextSource", src.guid, src.name, "RK-Q10", f'its text file "{src.path}" is not in the archive.'
                   + lost + " Export the project again with its sources included.", src.line)
        return None
    data = archive.read(member)
    if not data.strip():
        return normalise_source(""), member
    try:
        raw, _ = decode(data, path=member)
    except ResearchKitError as e:
        report.add("TextSource", src.guid, src.name, "RK-Q11", f'its text file "{member}" cannot be read as text '
                   f"({e.message})." + lost, src.line)
        return None
    return normalise_source(raw), member


def _place(src: _Source, text: SourceText, default: str, report: _Report) -> None:
    """Give each selection its span in the document text, or report it."""
    squashed = _squash(text.text)
    parsed: list[tuple[_Selection, int, int, tuple[str, bool] | None]] = []
    for sel in src.selections:
        try:
            start, end = int(str(sel.start).strip()), int(str(sel.end).strip())
        except (TypeError, ValueError):
            report.add("PlainTextSelection", sel.guid, sel.name, "RK-Q20",
                       f'startPosition "{sel.start}" / endPosition "{sel.end}" are not whole numbers; left out.',
                       sel.line)
            continue
        if start == end:
            report.add("PlainTextSelection", sel.guid, sel.name, "RK-Q16",
                       f"an empty selection (startPosition = endPosition = {start}); left out.", sel.line)
            continue
        parsed.append((sel, start, end, _quote(sel.name, squashed)))
    votes = {c: 0 for c in CONVENTIONS}
    for sel, start, end, quote in parsed:
        if quote is None:
            continue
        for conv in CONVENTIONS:
            try:
                s, e = text.locate(start, end, conv)
            except PositionError:
                continue
            votes[conv] += _matches(quote, text.text[s:e])
    order = sorted(CONVENTIONS, key=lambda c: (-votes[c], c != default, CONVENTIONS.index(c)))
    best = order[0] if any(votes.values()) else default
    tries = [best] + [c for c in CONVENTIONS if c != best]
    for sel, start, end, quote in parsed:
        error: str | None = None
        placed_elsewhere = False
        for conv in tries if quote is not None else [best]:
            try:
                s, e = text.locate(start, end, conv)
            except PositionError as err:
                error = error or err.reason
                continue
            if quote is None or _matches(quote, text.text[s:e]):
                sel.span = (s, e)
                break
            placed_elsewhere = True
        if sel.span is not None:
            continue
        n = len(sel.codings)
        lost = f" Its {n} coding(s) were left out." if n else ""
        if placed_elsewhere:
            report.add("PlainTextSelection", sel.guid, sel.name, "RK-Q13",
                       f"positions {start}–{end} do not hold the text its name quotes in any counting convention "
                       f"({', '.join(CONVENTIONS)}); it was not moved." + lost, sel.line)
        else:
            report.add("PlainTextSelection", sel.guid, sel.name, "RK-Q12",
                       f"positions {start}–{end} cannot be placed: {error} ({best} convention; the text has "
                       f"{text.length(best)} units)." + lost, sel.line)


def _tile(doc: str, selections: list[tuple[_Selection, str]]) -> list[tuple[_Selection, str]] | None:
    """The turn selections if they cover the text exactly, turns apart by one blank line."""
    spans = sorted(selections, key=lambda x: x[0].span)
    at = 0
    for k, (sel, _) in enumerate(spans):
        s, e = sel.span
        if k and doc[at:s] != schemas.TURN_SEPARATOR:
            return None
        if not k and s != 0:
            return None
        piece = doc[s:e]
        if not piece or piece != piece.strip():
            return None
        at = e
    if at != len(doc):
        return None
    return spans


def _doc_ids(sources: list[_Source], own: bool) -> list[str]:
    taken: set[str] = set()
    out = []
    for k, src in enumerate(sources):
        name = src.name or f"source-{k + 1}"
        if not own:
            stem, dot, suffix = name.rpartition(".")
            if dot and stem and f".{suffix.lower()}" in _TEXT_SUFFIXES:
                name = stem
        out.append(_unique(name, taken, sep="-"))
    return out


def import_project(path: str | Path, *, language: str | None = None, codebook: Any = None,
                   max_size: int = DEFAULT_MAX_SIZE, max_ratio: float = DEFAULT_MAX_RATIO) -> Imported:
    """Read a ``.qdpx`` into frames; see :func:`research_kit.qda.read_qdpx`."""
    from ..corpus import build_corpus

    report = _Report()
    with Archive(path, max_size=max_size, max_ratio=max_ratio) as archive:
        shown = f"{archive.shown}:{archive.qde}"
        root = parse_xml(archive.read(archive.qde), shown=shown)
        if _local(root) != "Project":
            raise QdaError("RK-Q08", f"the root element is <{_local(root)}>, not <Project>.", path=shown,
                           line=root.sourceline, hint="A .qdc codebook is read with read_qdc().")
        project = _parse_project(root, report)
        own = project.origin.lower().startswith("research kit")
        sidecar = _read_sidecar(archive, report) if own else None
        default = origin_convention(project.origin)
        sources, texts = [], []
        for src in project.sources:
            n_cod = len(src.codings) + sum(len(s.codings) for s in src.selections)
            got = _source_text(src, archive, report, n_cod)
            if got is not None:
                _place(src, got[0], default, report)
                sources.append(src)
                texts.append(got)
        note_text = _note_texts(project, archive, report)

    job = _Assembly(project, sources, texts, note_text, own, report)
    job.speaker_turns()
    book, job.code_ids = job.codebook(language, given=codebook, sidecar=sidecar)
    job.cases()
    job.codings_and_notes()
    manifest: dict[str, Any] = {"title": project.name or Path(path).stem}
    if project.description and project.description.strip():
        manifest["description"] = normalise_text(project.description).strip()
    corpus = build_corpus(job.documents(), job.turns(), manifest=manifest)
    return Imported(project.name, project.origin, corpus, book, _codings_frame(job.coding_rows),
                    _notes_frame(job.note_rows), report.frame())


def _note_texts(project: _Project, archive: Archive, report: _Report) -> dict[str, str]:
    out: dict[str, str] = {}
    for g, note in project.all_notes.items():
        if note.content is not None:
            out[g] = normalise_text(note.content)
        elif note.path and (member := archive.resolve(note.path)):
            try:
                out[g] = normalise_text(decode(archive.read(member), path=member)[0])
            except ResearchKitError as e:
                report.add("Note", g, note.name, "RK-Q11", f"its text cannot be read ({e.message}).", note.line)
        else:
            report.add("Note", g, note.name, "RK-Q10", "its text is neither in the project nor in the archive "
                       "(a note with rich text only?).", note.line)
        if note.n_selections:
            report.add("Note", g, note.name, "RK-Q16", f"{note.n_selections} selection(s) inside the note are "
                       "not carried over; its text is.", note.line)
    return out


class _Assembly:
    """Turns the parsed project and its placed selections into the workbench's rows."""

    def __init__(self, project: _Project, sources: list[_Source], texts: list[tuple[SourceText, str | None]],
                 note_text: dict[str, str], own: bool, report: _Report) -> None:
        self.project, self.sources, self.texts, self.note_text = project, sources, texts, note_text
        self.own, self.report = own, report
        self.doc_ids = _doc_ids(sources, own)
        self.users = project.users
        self.creator = project.users.get(project.creator) if project.creator else None
        self.doc_turns: list[list[dict[str, Any]]] = []
        self.turn_selections: dict[str, tuple[int, int]] = {}  # selection guid -> (document, turn)
        self.consumed: set[int] = set()  # id() of the codings that became turns
        self.hidden: set[str] = set()  # GUIDs of the speaker codes that became turns
        self.doc_values: list[dict[str, list[str]]] = [{} for _ in sources]
        self.code_ids: dict[str, str] = {}
        self.coding_rows: list[dict[str, Any]] = []
        self.note_rows: list[dict[str, Any]] = []
        self.memo_notes: set[str] = set()

    # -- turns
    def speaker_turns(self) -> None:
        """Turns from a ``Speakers`` code folder whose codings tile a document, else paragraphs."""
        codes = self.project.codes
        folders = {c.guid for c in codes if c.parent is None and
                   (c.name == SPEAKERS_FOLDER or c.guid == stable_guid("speakers"))}
        speaker_codes = {c.guid: c.name for c in codes if c.parent in folders}
        for d, (src, (text, _)) in enumerate(zip(self.sources, self.texts)):
            doc = text.text
            candidates = [(sel, speaker_codes[c.code]) for sel in src.selections if sel.span
                          for c in sel.codings if c.code in speaker_codes]
            one_each = len({id(s) for s, _ in candidates}) == len(candidates)
            tiled = _tile(doc, candidates) if candidates and one_each else None
            turns: list[dict[str, Any]] = []
            for t, (sel, speaker) in enumerate(tiled or []):
                times = parse_times(sel.description)
                turns.append({"speaker": speaker, "text": doc[sel.span[0]:sel.span[1]], "role": None,
                              "start_s": times[0] if times else np.nan, "end_s": times[1] if times else np.nan})
                self.consumed.update(id(c) for c in sel.codings if c.code in speaker_codes)
                if times:
                    sel.description = None
                if sel.guid:
                    self.turn_selections[sel.guid] = (d, t)
            if not tiled:
                turns = [{"speaker": schemas.UNKNOWN_SPEAKER, "text": doc[s:e], "role": None, "start_s": np.nan,
                          "end_s": np.nan} for s, e in _paragraph_spans(doc)]
            self.doc_turns.append(turns)
        left = any(c.code in speaker_codes and id(c) not in self.consumed for src in self.sources
                   for c in [*src.codings, *(c for sel in src.selections for c in sel.codings)])
        self.hidden = set() if left else folders | set(speaker_codes)

    def turns(self) -> pd.DataFrame:
        rows = [{"doc_id": self.doc_ids[d], **t} for d, turns in enumerate(self.doc_turns) for t in turns]
        return pd.DataFrame(rows, columns=["doc_id", "speaker", "text", "role", "start_s", "end_s"])

    # -- codebook
    def codebook(self, language: str | None, *, given: Any, sidecar: Any) -> tuple[Any, dict[str, str]]:
        from ..language import detect_language

        codes = self.project.codes
        lang = language or _main_language([t.text for t, _ in self.texts], detect_language) or "fr"
        shown = {c.guid for c in codes if c.guid not in self.hidden}
        if sidecar is not None and {stable_guid("code", e.code) for e in sidecar.entries} != shown:
            self.report.add(CODEBOOK_MEMBER, None, None, "RK-Q27", "the Research Kit codebook kept in the archive "
                            "does not match the project's codes (edited in another program?); codes were taken "
                            "from the project instead.", None)
            sidecar = None
        return _build_codebook(codes, keep=lambda c: c.guid in shown, title=self.project.name, language=lang,
                               given=given, sidecar=sidecar)

    # -- cases
    def cases(self) -> None:
        """Roles of speakers from speaker cases; document variables from sources and other cases."""
        report, sources = self.report, self.sources
        doc_of_source = {src.guid: d for d, src in enumerate(sources) if src.guid}
        for d, src in enumerate(sources):
            for name, value in src.values.items():
                self.doc_values[d].setdefault(name, []).append(value)
        for case in self.project.cases:
            if case.selections and all(g in self.turn_selections for g in case.selections):
                role = next((v for k, v in case.values.items() if k.lower() == "role"), None)
                for g in case.selections:
                    d, t = self.turn_selections[g]
                    self.doc_turns[d][t]["role"] = role
                for k in case.values:
                    if k.lower() != "role":
                        report.add("Case", case.guid, case.name, "RK-Q16", f'variable "{k}" of a speaker case is '
                                   "not carried over (turns carry a speaker and a role).", case.line)
                continue
            targets = [doc_of_source[g] for g in case.sources if g in doc_of_source]
            for d in targets:
                for name, value in case.values.items():
                    self.doc_values[d].setdefault(name, []).append(value)
                if case.name and case.name not in (sources[d].name, self.doc_ids[d]):
                    self.doc_values[d].setdefault("case", []).append(case.name)
            if case.values and not targets:
                report.add("Case", case.guid, case.name, "RK-Q16", "refers to no imported text source; its "
                           "variables are not carried over.", case.line)
            if case.selections:
                report.add("Case", case.guid, case.name, "RK-Q16", f"its {len(case.selections)} reference(s) to "
                           "selections (case coding of passages) are not carried over.", case.line)
            if case.codes:
                report.add("Case", case.guid, case.name, "RK-Q16", f"its {len(case.codes)} reference(s) to codes "
                           "are not carried over.", case.line)
            if case.description and case.description.strip():
                self.note_rows.append({"note_id": f"{case.guid}:description", "kind": "memo", "author": None,
                                       "created": pd.NaT, "title": f"Case: {case.name}",
                                       "text": normalise_text(case.description).strip()})

    # -- codings and notes
    def _notes(self, refs: Iterable[str], kind: str, where: str, **at: Any) -> None:
        for g in refs:
            if g not in self.project.all_notes:
                self.report.add("NoteRef", g, None, "RK-Q18", f"{where} refers to a note that is not in the "
                                "project.", None)
            elif g in self.note_text:
                n = self.project.all_notes[g]
                self.note_rows.append({"note_id": g, "kind": kind, "author": self.users.get(n.user or ""),
                                       "created": _timestamp(n.created), "title": n.name,
                                       "text": self.note_text[g], **at})

    def _memo(self, refs: list[str]) -> list[str]:
        out = []
        for g in refs:
            if g in self.note_text:
                self.memo_notes.add(g)
                out.append(self.note_text[g])
            elif g not in self.project.all_notes:
                self.report.add("NoteRef", g, None, "RK-Q18", "a coding refers to a note that is not in the "
                                "project.", None)
        return out

    def _codings(self, codings: list[_Coding], d: int, span: tuple[int, int], sel: _Selection | None) -> None:
        src = self.sources[d]
        for c in codings:
            if c.code is None or c.code not in self.code_ids:
                self.report.add("Coding", c.guid, None, "RK-Q14", f'refers to code "{c.code}", which is not in the '
                                "codebook; left out.", c.line)
                continue
            who = c.user or (sel.user if sel else None) or src.user
            coder = self.users.get(who, who) if who else (self.creator or "unknown")
            memo = self._memo(c.notes)
            if sel is not None and sel.description and sel.description.strip():
                memo.append(normalise_text(sel.description).strip())
            self.coding_rows.append({
                "doc_id": self.doc_ids[d], "start_char": span[0], "end_char": span[1],
                "code": self.code_ids[c.code], "coder": coder, "memo": "\n\n".join(memo) if memo else None,
                "coded_at": _timestamp(c.created or (sel.created if sel else None))})

    def codings_and_notes(self) -> None:
        project = self.project
        for d, (src, (text, _)) in enumerate(zip(self.sources, self.texts)):
            doc_id = self.doc_ids[d]
            if src.codings and text.text:
                self._codings(src.codings, d, (0, len(text.text)), None)
            for sel in src.selections:
                if sel.span is None:
                    continue
                live = [c for c in sel.codings if id(c) not in self.consumed]
                self._codings(live, d, sel.span, sel)
                has_desc = bool(sel.description and sel.description.strip())
                if not live and has_desc:  # a comment on a passage, or on a turn
                    self.note_rows.append({
                        "note_id": sel.guid or f"annotation-{len(self.note_rows)}", "kind": "annotation",
                        "doc_id": doc_id, "start_char": sel.span[0], "end_char": sel.span[1],
                        "author": self.users.get(sel.user or ""), "created": _timestamp(sel.created), "title": None,
                        "text": normalise_text(sel.description).strip()})
                self._notes(sel.notes, "selection", "a selection", doc_id=doc_id, start_char=sel.span[0],
                            end_char=sel.span[1])
                if not sel.codings and not has_desc and not sel.notes:
                    self.report.add("PlainTextSelection", sel.guid, sel.name, "RK-Q16", "has no coding, comment or "
                                    "note; there is nothing to carry over.", sel.line)
            self._notes(src.notes, "document", "a source", doc_id=doc_id)
            if src.description and src.description.strip() and not self.own:
                self.note_rows.append({"note_id": f"{src.guid}:description", "kind": "document", "doc_id": doc_id,
                                       "author": self.users.get(src.user or ""), "created": pd.NaT,
                                       "title": "Description", "text": normalise_text(src.description).strip()})
        self._notes(project.notes, "project", "the project")
        for c in project.codes:
            if c.guid in self.code_ids:
                self._notes(c.notes, "code", f'code "{c.name}"', code=self.code_ids[c.guid])
        attached = {r["note_id"] for r in self.note_rows} | self.memo_notes
        referenced = set(project.notes) | {g for src in self.sources for g in src.notes} | {
            g for src in self.sources for s in src.selections for g in s.notes} | {
            g for c in project.codes for g in c.notes}
        for g, n in project.all_notes.items():
            if g not in attached and g not in referenced and g in self.note_text:
                self.note_rows.append({"note_id": g, "kind": "memo", "author": self.users.get(n.user or ""),
                                       "created": _timestamp(n.created), "title": n.name, "text": self.note_text[g]})

    # -- documents
    def documents(self) -> pd.DataFrame:
        from ..language import detect_language

        order = [name for name, _ in self.project.variables.values()]
        rows, extra = [], []
        for d, src in enumerate(self.sources):
            doc_id = self.doc_ids[d]
            values = {k: "; ".join(dict.fromkeys(v)) for k, v in self.doc_values[d].items()}
            for key in [k for k in values if k.lower() in ("title", "date", "language") and k != k.lower()]:
                values.setdefault(key.lower(), values.pop(key))  # NVivo writes "Date", "Title"
            title = values.pop("title", None) or (doc_id if self.own else (src.name or doc_id))
            date_value = values.pop("date", None)
            date = pd.NaT
            if date_value:
                date = pd.to_datetime(date_value.split(";")[0].strip(), errors="coerce", format="ISO8601")
                if pd.isna(date):
                    self.report.add("VariableValue", None, "date", "RK-Q17", f'date "{date_value}" of "{doc_id}" '
                                    "is not a date; left out.", src.line)
                elif date.tzinfo is not None:
                    date = date.tz_convert(None)
            text, member = self.texts[d]
            language = values.pop("language", None) or detect_language(text.text[:20000]) or None
            extra += [k for k in values if k not in extra]
            rows.append({"doc_id": doc_id, "title": title, "path": member, "format": "qdpx", "language": language,
                         "date": date, **values})
        extra.sort(key=lambda k: (order.index(k) if k in order else len(order), k == "case"))
        frame = pd.DataFrame(rows, columns=["doc_id", "title", "path", "format", "language", "date", *extra])
        return frame if rows else frame.astype({"doc_id": "string"})


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for piece in text.split(schemas.TURN_SEPARATOR) if text else []:
        spans.append((at, at + len(piece)))
        at += len(piece) + len(schemas.TURN_SEPARATOR)
    return spans


def _main_language(texts: list[str], detect: Callable[..., str | None]) -> str | None:
    found = [detect(t[:20000]) for t in texts if t]
    found = [f for f in found if f]
    return max(set(found), key=found.count) if found else None


def _codings_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return schemas.empty_frame(schemas.CODINGS)
    frame = pd.DataFrame(rows, columns=schemas.CODINGS.names)
    frame["coded_at"] = pd.to_datetime(frame["coded_at"], utc=True).astype("datetime64[ns, UTC]")
    frame = frame.astype({k: v for k, v in schemas.CODINGS.dtypes.items() if k != "coded_at"})
    order = ["doc_id", "start_char", "end_char", "code", "coder"]
    return frame.sort_values(order, kind="stable").reset_index(drop=True)


def _notes_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    if not rows:
        return schemas.empty_frame(NOTES)
    frame = pd.DataFrame(rows, columns=NOTES.names)
    frame["created"] = pd.to_datetime(frame["created"], utc=True).astype("datetime64[ns, UTC]")
    return frame.astype({k: v for k, v in NOTES.dtypes.items() if k != "created"})
