"""The XML of a project (``.qde``) or a codebook (``.qdc``) read leniently into plain records.

Elements are matched by local name whatever their namespace (``urn:QDA-XML:project:1.0``,
``urn:QDA-XML:codebook:1:0``, ``…:0:4``, or none); GUIDs compare without braces and
case; HTML markup that tools put in descriptions is reduced to its text. Nothing is
interpreted yet: positions stay as written, texts stay in the archive. Whatever
cannot be kept even as a record (a code without a name, sets, links, PDF sources…)
is a row of the :class:`Report`, the *dropped* report, with the reason and the line.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import schemas
from .archive import local_name
from .mapping import hex_color

__all__ = [
    "Report",
    "Code",
    "Coding",
    "Selection",
    "Source",
    "Note",
    "Case",
    "Project",
    "parse_project",
    "parse_codebook",
]


def _guid(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().strip("{}").strip().lower()
    return value or None


def _kids(el: Any, *names: str) -> list[Any]:
    return [c for c in el if local_name(c) and (not names or local_name(c) in names)]


def _kid(el: Any, name: str) -> Any | None:
    for c in el:
        if local_name(c) == name:
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


# --------------------------------------------------------------------------- records


@dataclass
class Report:
    """The *dropped* report: one row per element not carried over (:data:`~research_kit.schemas.DROPPED`)."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, element: str, el_id: str | None, name: str | None, code: str, reason: str,
            line: int | None) -> None:
        self.rows.append({"element": element, "id": el_id, "name": name, "code": code, "reason": reason,
                          "line": line})

    def frame(self) -> pd.DataFrame:
        if not self.rows:
            return schemas.empty_frame(schemas.DROPPED)
        return pd.DataFrame(self.rows, columns=schemas.DROPPED.names).astype(schemas.DROPPED.dtypes)


@dataclass
class Code:
    guid: str
    name: str
    codable: bool
    color: str | None
    description: str | None
    parent: str | None
    notes: list[str]
    line: int | None


@dataclass
class Coding:
    guid: str | None
    code: str | None
    user: str | None
    created: str | None
    notes: list[str]
    line: int | None


@dataclass
class Selection:
    guid: str | None
    name: str | None
    start: str | None
    end: str | None
    user: str | None
    created: str | None
    description: str | None
    codings: list[Coding]
    notes: list[str]
    line: int | None
    span: tuple[int, int] | None = None  # placed in the document text


@dataclass
class Source:
    guid: str | None
    name: str
    path: str | None
    content: str | None
    description: str | None
    user: str | None
    selections: list[Selection]
    codings: list[Coding]
    notes: list[str]
    values: dict[str, str]
    line: int | None


@dataclass
class Note:
    guid: str
    name: str | None
    content: str | None
    path: str | None
    user: str | None
    created: str | None
    n_selections: int
    line: int | None


@dataclass
class Case:
    guid: str | None
    name: str
    description: str | None
    values: dict[str, str]
    sources: list[str]
    selections: list[str]
    codes: list[str]
    line: int | None


_TRUE = {"true", "1"}


def _codes(codes_el: Any, report: Report) -> list[Code]:
    """The ``Code`` elements under ``codes_el``, depth-first, parents first; without recursion, for any depth."""
    out: list[Code] = []
    seen: set[str] = set()
    n_unnamed = 0
    stack: list[tuple[Any, str | None]] = [(el, None) for el in reversed(_kids(codes_el, "Code"))]
    while stack:
        el, parent = stack.pop()
        guid = _guid(el.get("guid"))
        name = (el.get("name") or "").strip()
        if guid is None:
            n_unnamed += 1
            guid = f"(code without guid {n_unnamed})"
        if guid in seen:
            n = len(el.findall(".//{*}Code"))
            report.add("Code", guid, name or None, "RK-Q19",
                       "a second code with the same GUID; it was left out" + (f" with its {n} sub-codes" if n else "")
                       + ". Codings refer to the first one.", el.sourceline)
            continue
        seen.add(guid)
        raw_color = el.get("color")
        color = hex_color(raw_color)
        if raw_color and color is None:
            report.add("Code", guid, name or None, "RK-Q17", f'colour "{raw_color}" is not #RRGGBB; the code was '
                       "kept without it.", el.sourceline)
        if not name:
            name = f"code {len(out) + 1}"
            report.add("Code", guid, None, "RK-Q09", f'a code without a name; kept as "{name}": rename it in the '
                       "codebook.", el.sourceline)
        out.append(Code(guid, name, (el.get("isCodable") or "true").strip().lower() in _TRUE, color,
                         _text(_kid(el, "Description")), parent, _refs(el, "NoteRef"), el.sourceline))
        stack.extend((child, guid) for child in reversed(_kids(el, "Code")))
    return out


def _codings(el: Any) -> list[Coding]:
    out = []
    for c in _kids(el, "Coding"):
        ref = _kid(c, "CodeRef")
        out.append(Coding(_guid(c.get("guid")), _guid(ref.get("targetGUID")) if ref is not None else None,
                           _guid(c.get("creatingUser")), c.get("creationDateTime"), _refs(c, "NoteRef"), c.sourceline))
    return out


def _value(el: Any, variables: dict[str, tuple[str, str]], report: Report, owner: str) -> tuple[str, str] | None:
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


def _values(el: Any, variables: dict[str, tuple[str, str]], report: Report, owner: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in _kids(el, "VariableValue"):
        got = _value(v, variables, report, owner)
        if got:
            out[got[0]] = got[1]
    return out


def _selection(el: Any) -> Selection:
    return Selection(_guid(el.get("guid")), el.get("name"), el.get("startPosition"), el.get("endPosition"),
                      _guid(el.get("creatingUser")), el.get("creationDateTime"), _text(_kid(el, "Description")),
                      _codings(el), _refs(el, "NoteRef"), el.sourceline)


_OTHER_SOURCES = {"PDFSource": "PDF", "PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video"}
_SELECTIONS = ("PlainTextSelection", "PDFSelection", "PictureSelection", "AudioSelection", "VideoSelection",
               "TranscriptSelection")


@dataclass
class Project:
    name: str
    origin: str
    description: str | None
    creator: str | None
    notes: list[str]
    users: dict[str, str]
    codes: list[Code]
    variables: dict[str, tuple[str, str]]
    cases: list[Case]
    sources: list[Source]
    all_notes: dict[str, Note]


def parse_project(root: Any, report: Report) -> Project:
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
    book = _kid(root, "CodeBook")
    codes = parse_codebook(book, report) if book is not None else []
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
        cases.append(Case(_guid(c.get("guid")), (c.get("name") or "").strip(), _text(_kid(c, "Description")),
                           _values(c, variables, report, f'case "{c.get("name")}"'),
                           _refs(c, "SourceRef") + _refs(c, "MemberSource"),  # QualCoder's name for it
                           _refs(c, "SelectionRef"), _refs(c, "CodeRef"), c.sourceline))
    sources: list[Source] = []
    sources_el = _kid(root, "Sources")
    for el in _kids(sources_el) if sources_el is not None else []:
        kind = local_name(el)
        guid, name = _guid(el.get("guid")), (el.get("name") or "").strip()
        if kind in _OTHER_SOURCES:
            n_sel = sum(1 for x in el.iter() if local_name(x) in _SELECTIONS)
            n_cod = sum(1 for x in el.iter() if local_name(x) == "Coding")
            report.add(kind, guid, name or None, "RK-Q15",
                       f"{_OTHER_SOURCES[kind]} sources are not imported (with {n_sel} selection(s) and "
                       f"{n_cod} coding(s)). Export a transcript of it as a text source to analyse it here.",
                       el.sourceline)
            continue
        if kind != "TextSource":
            report.add(kind, guid, name or None, "RK-Q16", f"unknown kind of source <{kind}>; left out.", el.sourceline)
            continue
        content = _kid(el, "PlainTextContent")
        sources.append(Source(guid, name, el.get("plainTextPath"), _text(content) if content is not None else None,
                               _text(_kid(el, "Description")), _guid(el.get("creatingUser")),
                               [_selection(s) for s in _kids(el, "PlainTextSelection")], _codings(el),
                               _refs(el, "NoteRef"), _values(el, variables, report, f'source "{name}"'),
                               el.sourceline))
    notes: dict[str, Note] = {}
    for n in _section(root, "Notes", "Note"):
        g = _guid(n.get("guid"))
        if not g:
            report.add("Note", None, n.get("name"), "RK-Q09", "a note without guid; left out.", n.sourceline)
            continue
        content = _kid(n, "PlainTextContent")
        notes[g] = Note(g, n.get("name"), _text(content) if content is not None else None, n.get("plainTextPath"),
                         _guid(n.get("creatingUser")), n.get("creationDateTime"),
                         len(_kids(n, "PlainTextSelection")), n.sourceline)
    for section, child in (("Links", "Link"), ("Sets", "Set"), ("Graphs", "Graph")):
        for el in _section(root, section, child):
            what = {"Link": "links between elements", "Set": "sets", "Graph": "graphs (networks)"}[child]
            report.add(child, _guid(el.get("guid")), el.get("name"), "RK-Q16", f"{what} are not carried over.",
                       el.sourceline)
    return Project(
        name=(root.get("name") or "").strip(), origin=(root.get("origin") or "").strip(),
        description=_text(_kid(root, "Description")), creator=_guid(root.get("creatingUserGUID")),
        notes=_refs(root, "NoteRef"), users=users, codes=codes, variables=variables, cases=cases, sources=sources,
        all_notes=notes)


def parse_codebook(root: Any, report: Report) -> list[Code]:
    """The codes of a ``<CodeBook>`` element (a ``.qdc``, or a project's), parents first; its sets are reported."""
    codes_el = _kid(root, "Codes")
    codes = _codes(codes_el, report) if codes_el is not None else []
    for sets in _kids(root, "Sets"):
        for s in _kids(sets, "Set"):
            report.add("Set", _guid(s.get("guid")), s.get("name"), "RK-Q16",
                       "sets (groups of codes) are not carried over; their codes are.", s.sourceline)
    return codes
