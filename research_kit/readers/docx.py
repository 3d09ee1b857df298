"""DOCX transcripts: paragraphs and tables, in document order.

A paragraph opens a turn when it starts with a speaker label (``NAME: text``), or with
a bold name followed by text (``**NAME** text`` without a colon, as some transcribers
write). Tables are read row by row: with a header naming the speaker and text columns
(``Intervenant | Propos``, ``Speaker | Text``, optionally a time column), else two
columns (speaker, text) or three (time, speaker, text). The first Title/Heading 1 is
the title; other headings are structure, not speech.

How the file is read
--------------------
A ``.docx`` is a zip of XML parts, written by Word, LibreOffice, a transcription service
or someone who means harm. It is opened through :mod:`research_kit._zip` under
:data:`DOCX_RULES`, and only the parts the reader needs are read, each within bounds and
through the hardened XML parser: the package's relationships, the main document
(``word/document.xml``, found through ``_rels/.rels``), its styles and the core
properties (for the title). python-docx never sees the file. Limits: 200 MiB once
unzipped (:data:`DOCX_MAX_SIZE`), 10,000 members, and an XML part over 1 MiB may not be
compressed more than 200 times (:data:`DOCX_MAX_RATIO`). One paragraph may hold a whole
transcript pasted in one piece: the document part is parsed without libxml2's 10 MB
limit on one text node (its size is bounded by the limit above).

The text of a paragraph is that of its runs: text, tabs, line breaks (line, page and
column breaks: each starts a line), non-breaking hyphens; runs inside hyperlinks, fields, smart
tags and content controls, and tracked insertions, are read; tracked deletions are not.
Paragraphs and tables inside content controls are read in their place; a cell's text
includes the paragraphs of tables nested in it.

Codes
-----
``RK-R02`` the file is empty; ``RK-R07`` the file is not a readable DOCX (a renamed
.doc, PDF, RTF or web page, a zip cut short or damaged, a zip without a Word document);
``RK-R30`` a member name pointing outside the archive (or odd, or used twice), or an
encrypted member; ``RK-R31`` over the size or member limits, or a member holding more
than its header declares; ``RK-R32`` a compression ratio of a zip bomb; ``RK-R33`` a
part declaring a DOCTYPE or entities; ``RK-R34`` a part that is not well-formed XML.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .._io import normalise_text
from .._zip import MAX_MEMBERS, GuardedZip, ZipRules, local_name
from ..errors import InputFileError
from . import ParsedDocument
from ._builder import TurnBuilder
from ._labels import TIME_RE, parse_time

__all__ = ["DOCX_MAX_SIZE", "DOCX_MAX_RATIO", "DOCX_RULES", "parse_docx"]

#: Largest total uncompressed size of a ``.docx`` file, in bytes (every member counts).
DOCX_MAX_SIZE = 200 * 2**20
#: Largest compression ratio of an XML part over 1 MiB (text compresses 3 to 10 times).
DOCX_MAX_RATIO = 200.0

#: How a ``.docx`` zip is guarded (:mod:`research_kit._zip`), and its codes.
DOCX_RULES = ZipRules(
    kind="Word .docx file", error=InputFileError,
    unreadable="RK-R07", empty="RK-R02", unsafe="RK-R30", too_large="RK-R31", bomb="RK-R32", doctype="RK-R33",
    malformed="RK-R34",
    redo="Open it in Word or LibreOffice and save it again as .docx.",
    locked="Open the original in Word or LibreOffice and save it as .docx without a password.",
    bigger="Split the transcript into several .docx files, or save a copy without pictures, or as .txt "
           f"(the limit is {DOCX_MAX_SIZE // 2**20} MiB once unzipped).",
    denser="A transcript does not compress {ratio:.0f} times; open it in Word or LibreOffice and save it again "
           "as .docx or .txt.",
    max_size=DOCX_MAX_SIZE, max_ratio=DOCX_MAX_RATIO, max_members=MAX_MEMBERS, ratio_suffixes=(".xml", ".rels"),
)

_SPEAKER_HEADERS = {"speaker", "locuteur", "locutrice", "intervenant", "intervenante", "intervenant·e",
                    "participant", "nom", "name", "qui", "who", "personne", "orateur"}
_TEXT_HEADERS = {"text", "texte", "propos", "verbatim", "transcription", "transcript", "intervention",
                 "utterance", "contenu", "content", "dialogue", "paroles"}
_TIME_HEADERS = {"time", "temps", "heure", "debut", "start", "timestamp", "horodatage", "minutage"}
_NAME_ONLY_RE = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w'’.·\- ]{0,50}$")

# WordprocessingML, transitional (what Word writes) and strict.
_W = frozenset({"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                "http://purl.oclc.org/ooxml/wordprocessingml/main"})
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
# Elements whose runs are the paragraph's text (w:del and w:moveFrom, deleted text, are not).
_RUN_HOLDERS = frozenset({"hyperlink", "ins", "moveTo", "smartTag", "customXml", "fldSimple", "dir", "bdo"})
_MAX_SPAN = 64  # Word tables have at most 63 columns; a larger gridSpan is not a real table


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.strip().lower())
    return "".join(c for c in s if not unicodedata.combining(c)).rstrip(" :")


def parse_docx(path: str | Path, *, display_path: str | None = None) -> list[ParsedDocument]:
    """Read a ``.docx`` transcript into one document.

    Raises
    ------
    InputFileError
        With a code of the module's list (``RK-R02``, ``RK-R07``, ``RK-R30``–``RK-R34``).
    """
    shown = display_path or str(path)
    with GuardedZip(path, DOCX_RULES, shown=shown) as z:
        main = _main_part(z)
        root = z.xml(main, huge=True)
        if _w(root) != "document":
            raise _not_word(z, f"its main part {main} holds <{local_name(root)}>, not a Word document")
        body = _child(root, "body")
        if body is None:
            raise _not_word(z, f"its main part {main} has no body")
        styles, default_style = _styles(z, main)
        core_title = _core_title(z)

    title = None
    builder = TurnBuilder()
    for block in _walk(body, {"p", "tbl"}, {"customXml"}):
        if _w(block) == "p":
            runs = _runs(block)
            style = _style(block, styles, default_style)
            text = normalise_text("".join(t for t, _ in runs))
            if style == "Title" or style.startswith("Heading"):
                if title is None and not builder.turns and text.strip():
                    title = text.strip()
                builder.paragraph_break()
                continue
            _paragraph(runs, text, builder)
            builder.paragraph_break()
        else:
            _table(_table_rows(block), builder)
    return [ParsedDocument(builder.finish(), {}, title or core_title or None)]


# --------------------------------------------------------------------------- the package


def _relationships(z: GuardedZip, source: str) -> list[tuple[str, str]]:
    """``(type, member)`` of the internal relationships of part ``source`` (``""``: the package)."""
    folder, _, file = source.rpartition("/")
    real = z.has(f"{folder}/_rels/{file}.rels" if folder else f"_rels/{file}.rels")
    if real is None:
        return []
    found = []
    for rel in z.xml(real):
        if local_name(rel) != "Relationship" or (rel.get("TargetMode") or "").lower() == "external":
            continue
        target = unquote((rel.get("Target") or "").replace("\\", "/"))
        member = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))
        if member not in (".", "..") and not member.startswith("../"):
            found.append((rel.get("Type") or "", member))
    return found


def _main_part(z: GuardedZip) -> str:
    for kind, member in _relationships(z, ""):
        if kind.endswith("/officeDocument") and (real := z.has(member)):
            return real
    real = z.has("word/document.xml")
    if real is None:
        raise _not_word(z, "it holds no Word document (word/document.xml)")
    return real


def _not_word(z: GuardedZip, why: str) -> InputFileError:
    has = z.has
    if has("mimetype") or has("content.xml"):
        what = "; it looks like an OpenDocument file (.odt) renamed .docx"
    elif has("xl/workbook.xml"):
        what = "; it looks like an Excel workbook renamed .docx"
    elif has("ppt/presentation.xml"):
        what = "; it looks like a PowerPoint presentation renamed .docx"
    else:
        what = ""
    return InputFileError("RK-R07", f"is not a readable Word .docx file: {why}{what}.", path=z.shown,
                          hint=DOCX_RULES.redo)


def _styles(z: GuardedZip, main: str) -> tuple[dict[str, str], str]:
    """Paragraph style names by style id, and the default paragraph style's name."""
    names: dict[str, str] = {}
    default = ""
    for kind, member in _relationships(z, main):
        if kind.endswith("/styles") and (real := z.has(member)):
            for style in z.xml(real):
                if _w(style) != "style" or (_val(style, "type") or "paragraph") != "paragraph":
                    continue
                named = _child(style, "name")
                name = _ui_name(_val(named) or "") if named is not None else ""
                sid = _val(style, "styleId")
                if sid is not None:
                    names.setdefault(sid, name)
                if (_val(style, "default") or "").lower() in ("1", "true", "on"):
                    default = name
            break
    return names, default


def _ui_name(name: str) -> str:
    """Built-in style names as Word shows them: ``heading 1`` is ``Heading 1``, ``title`` is ``Title``."""
    low = name.strip().lower()
    if low == "title":
        return "Title"
    heading = re.fullmatch(r"heading ([1-9])", low)
    return f"Heading {heading.group(1)}" if heading else name


def _core_title(z: GuardedZip) -> str:
    for kind, member in _relationships(z, ""):
        if kind.endswith("/metadata/core-properties") and (real := z.has(member)):
            found = z.xml(real).find(_DC_TITLE)
            return normalise_text(found.text or "").strip() if found is not None else ""
    return ""


# --------------------------------------------------------------------------- WordprocessingML


def _w(el: Any) -> str:
    """The local name of a WordprocessingML element; ``""`` for anything else."""
    tag = el.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return ""
    ns, _, local = tag[1:].partition("}")
    return local if ns in _W else ""


def _val(el: Any, name: str = "val") -> str | None:
    """An attribute in the element's own namespace (``w:val``)."""
    return el.get(f"{{{el.tag[1:].partition('}')[0]}}}{name}")


def _child(el: Any, name: str) -> Any:
    if el is None:
        return None
    return next((c for c in el if _w(c) == name), None)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _walk(el: Any, wanted: set[str], through: set[str] | frozenset[str]) -> Iterator[Any]:
    """The descendants named ``wanted``, in document order, inside ``el`` and the elements named
    ``through`` and content controls (``w:sdt``); a loop, not a recursion (nesting may be deep)."""
    stack = [iter(el)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        name = _w(child)
        if name in wanted:
            yield child
        elif name == "sdt":
            content = _child(child, "sdtContent")
            if content is not None:
                stack.append(iter(content))
        elif name in through:
            stack.append(iter(child))


def _runs(p: Any) -> list[tuple[str, bool]]:
    """The paragraph's runs as ``(text, bold)``."""
    return [(_run_text(r), _bold(r)) for r in _walk(p, {"r"}, _RUN_HOLDERS)]


def _run_text(r: Any) -> str:
    parts = []
    for c in r:
        name = _w(c)
        if name == "t":
            parts.append(c.text or "")
        elif name in ("tab", "ptab"):
            parts.append("\t")
        elif name in ("br", "cr"):  # a page or column break too: the words on either side stay two words
            parts.append("\n")
        elif name == "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _bold(r: Any) -> bool:
    b = _child(_child(r, "rPr"), "b")
    return b is not None and (_val(b) or "true").lower() not in ("0", "false", "off")


def _style(p: Any, styles: dict[str, str], default: str) -> str:
    sid = _val(style) if (style := _child(_child(p, "pPr"), "pStyle")) is not None else None
    return styles.get(sid, default) if sid is not None else default


def _cell_text(tc: Any) -> str:
    """The cell's paragraphs, one a line (those of tables nested in it too)."""
    return "\n".join("".join(t for t, _ in _runs(p)) for p in _walk(tc, {"p"}, {"tbl", "tr", "tc", "customXml"}))


def _table_rows(tbl: Any) -> list[list[str]]:
    """The table's rows, each the texts of its cells: a merged cell once, a vertically merged
    one with the text of the cell it continues."""
    rows = []
    above: dict[int, tuple[int, str]] = {}  # grid column -> (cell, text) in the row above
    serial = 0
    for tr in _walk(tbl, {"tr"}, {"customXml"}):
        here: dict[int, tuple[int, str]] = {}
        cells, seen = [], set()
        column = max(0, _int(_val(g) if (g := _child(_child(tr, "trPr"), "gridBefore")) is not None else None, 0))
        for tc in _walk(tr, {"tc"}, {"customXml"}):
            props = _child(tc, "tcPr")
            span_el = _child(props, "gridSpan")
            span = min(max(1, _int(_val(span_el) if span_el is not None else None, 1)), _MAX_SPAN)
            merge = _child(props, "vMerge")
            if merge is not None and (_val(merge) or "continue") == "continue" and column in above:
                cell = above[column]
            else:
                serial += 1
                cell = (serial, _cell_text(tc))
            for g in range(column, column + span):
                here[g] = cell
            if cell[0] not in seen:
                seen.add(cell[0])
                cells.append(normalise_text(cell[1]).strip())
            column += span
        above = here
        rows.append(cells)
    return rows


# --------------------------------------------------------------------------- turns


def _paragraph(runs: list[tuple[str, bool]], text: str, builder: TurnBuilder) -> None:
    lines = text.split("\n")  # soft line breaks inside a paragraph
    first = lines[0]
    bold = ""
    for run_text, run_bold in runs:
        if not run_text.strip() and not bold:
            continue
        if run_bold:
            bold += run_text
        else:
            break
    bold = normalise_text(bold).strip()
    rest = first[first.find(bold) + len(bold):].strip() if bold else ""
    if bold and ":" not in bold and not rest.startswith(":") and _NAME_ONLY_RE.match(bold) and rest:
        builder.start(bold.strip(), None, rest)
    else:
        builder.line(first)
    for line in lines[1:]:
        builder.line(line)


def _table(rows: list[list[str]], builder: TurnBuilder) -> None:
    rows = [r for r in rows if any(r)]
    if not rows:
        return
    header = [_fold(c) for c in rows[0]]
    speaker_col = next((i for i, h in enumerate(header) if h in _SPEAKER_HEADERS), None)
    text_col = next((i for i, h in enumerate(header) if h in _TEXT_HEADERS), None)
    time_col = next((i for i, h in enumerate(header) if h in _TIME_HEADERS), None)
    if speaker_col is not None and text_col is not None:
        rows = rows[1:]
    else:
        width = len(rows[0])
        if width == 2:
            speaker_col, text_col, time_col = 0, 1, None
        elif width >= 3 and TIME_RE.match(rows[0][0].strip("[]()")):
            time_col, speaker_col, text_col = 0, 1, 2
        else:  # a layout table: read its cells as lines
            for row in rows:
                for cell in dict.fromkeys(row):  # merged cells repeat their text
                    for line in cell.split("\n"):
                        builder.line(line)
                    builder.paragraph_break()
            return
    for row in rows:
        if len(row) == 1 or len(row) < max(speaker_col, text_col) + 1:  # merged across the row: read as a line
            for line in " ".join(row).split("\n"):
                builder.line(line)
            builder.paragraph_break()
            continue
        speaker = row[speaker_col].rstrip(" :：") if speaker_col < len(row) else ""
        text = row[text_col] if text_col < len(row) else ""
        start = None
        stamp = row[time_col].strip("[]() ") if time_col is not None and time_col < len(row) else ""
        if TIME_RE.match(stamp):
            start = parse_time(stamp)
        if speaker:
            builder.start(speaker, start)
        for line in text.split("\n"):
            builder.add(line) if line.strip() else builder.paragraph_break()
        builder.paragraph_break()
