"""A brief as an editable Word document: real headings, lists, tables, pictures and captions.

The page is A4 with 2.5 cm margins; the language is declared on the Normal style so
Word checks spelling in it; question lists are numbered from 1 each time.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .._io import atomic_write_bytes
from ..palette import MUTED
from .layout import (Brief, clean, guard, heading_colour, level, metric_items, plain, prepare, property_text, runs,
                     table_grid)

__all__ = ["to_docx", "docx_bytes"]

_CODE_FONT = "Consolas"


def to_docx(blocks: Iterable[Mapping[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Write the brief as an editable Word document at ``path``; see :func:`research_kit.render.render`."""
    brief = prepare(blocks)
    with guard("docx", path):
        return atomic_write_bytes(path, docx_bytes(brief))


def _add_runs(paragraph: Any, text: str, *, bold: bool | None = None, italic: bool | None = None,
              size: Any = None) -> None:
    from docx.shared import Pt

    for chunk, b, i, code in runs(clean(text)):
        lines = chunk.split("\n")
        for k, line in enumerate(lines):
            run = paragraph.add_run(line)
            if b or bold:
                run.bold = True
            if i or italic:
                run.italic = True
            if code:
                run.font.name = _CODE_FONT
            if size is not None:
                run.font.size = size
            elif code:
                run.font.size = Pt(9.5)
            if k < len(lines) - 1:
                run.add_break()


def _heading(doc: Any, block: Mapping[str, Any]) -> None:
    from docx.shared import RGBColor

    text, colour = plain(clean(block["text"])), heading_colour(block)
    if colour is None:
        doc.add_heading(text, level=level(block))
        return
    heading = doc.add_heading(level=level(block))
    swatch = heading.add_run("■ ")
    swatch.font.color.rgb = RGBColor.from_string(colour[1:])
    heading.add_run(text)


def _properties(doc: Any, brief: Brief) -> None:
    props = doc.core_properties
    props.title = property_text(brief.title)
    props.subject = property_text(plain(clean(brief.meta.get("subtitle"))))
    props.language = brief.lang_tag
    props.author = props.last_modified_by = "Research Kit"
    props.comments = property_text(plain(clean(brief.meta.get("notice"))))
    props.keywords = property_text(clean(brief.meta.get("corpus")))
    props.revision = 1
    when = brief.date()
    if when is not None:
        props.created = props.modified = when.astimezone(_dt.timezone.utc).replace(tzinfo=None)


def docx_bytes(brief: Brief) -> bytes:
    """The ``.docx`` file of a prepared brief."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt, RGBColor

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    text_width = section.page_width - section.left_margin - section.right_margin   # 16 cm
    max_height = Cm(20)

    _language(doc, brief.lang_tag, OxmlElement, qn)
    _properties(doc, brief)

    grey = RGBColor.from_string(MUTED[1:])
    doc.add_heading(brief.title, level=0)
    subtitle = clean(brief.meta.get("subtitle")).strip()
    if subtitle:
        _add_runs(doc.add_paragraph(style="Subtitle"), subtitle)
    line = brief.meta_line()
    if line:
        run = doc.add_paragraph().add_run(line)
        run.font.size, run.font.color.rgb = Pt(9), grey
    notice = clean(brief.meta.get("notice")).strip()
    if notice:
        p = doc.add_paragraph()
        _add_runs(p, notice, italic=True, size=Pt(9))

    for i, block in enumerate(brief.body):
        kind = block["kind"]
        if kind == "heading":
            _heading(doc, block)
        elif kind == "paragraph":
            _add_runs(doc.add_paragraph(), block["text"])
        elif kind == "bullets":
            for item in block["items"]:
                _add_runs(doc.add_paragraph(style="List Bullet"), item)
        elif kind == "metrics":
            items = metric_items(block)
            table = doc.add_table(rows=len(items), cols=2)
            table.style = "Table Grid"
            for row, item in zip(table.rows, items):
                _add_runs(row.cells[0].paragraphs[0], item["label"])
                _add_runs(row.cells[1].paragraphs[0], item["value"], bold=True)
            doc.add_paragraph()
        elif kind == "table":
            columns, rows = table_grid(block)
            caption = doc.add_paragraph(brief.table_caption(i), style="Caption")
            caption.paragraph_format.keep_with_next = True
            table = doc.add_table(rows=1 + len(rows), cols=max(len(columns), 1))
            table.style = "Table Grid"
            header = table.rows[0]
            header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))   # repeats on each page
            for cell, text in zip(header.cells, columns):
                _add_runs(cell.paragraphs[0], text, bold=True)
            for row, values in zip(table.rows[1:], rows):
                for cell, text in zip(row.cells, values):
                    _add_runs(cell.paragraphs[0], text)
            doc.add_paragraph()
        elif kind == "figure":
            fig = brief.figures[i]
            width = text_width
            if width * fig.height_px / fig.width_px > max_height:
                width = int(max_height * fig.width_px / fig.height_px)
            shape = doc.add_picture(io.BytesIO(fig.png), width=width)
            doc_pr = shape._inline.docPr
            doc_pr.set("descr", fig.alt)
            doc_pr.set("name", f"{brief.label('figure')} {fig.number}")
            picture_paragraph = doc.paragraphs[-1]
            picture_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture_paragraph.paragraph_format.keep_with_next = True
            doc.add_paragraph(brief.figure_caption(fig), style="Caption")
        elif kind == "quote":
            p = doc.add_paragraph(style="Quote")
            lines = clean(block["text"]).strip().split("\n")
            for k, text in enumerate(lines):
                run = p.add_run(text)
                if k < len(lines) - 1:
                    run.add_break()
            p.paragraph_format.keep_with_next = True
            who = doc.add_paragraph(style="Quote")
            run = who.add_run(brief.attribution(block))
            run.italic, run.font.size = False, Pt(9)
            who.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "questions":
            if brief.kind(i - 1) != "heading":
                label = doc.add_paragraph()
                label.add_run(brief.label("questions")).bold = True
                label.paragraph_format.keep_with_next = True
            num_id = None
            for item in block["items"]:
                p = doc.add_paragraph(style="List Number")
                num_id = _restart_numbering(doc, p, num_id)
                _add_runs(p, item)
        elif kind == "note":
            p = doc.add_paragraph()
            _add_runs(p, block["text"], size=Pt(8))
            for run in p.runs:
                run.font.color.rgb = grey
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _language(doc: Any, tag: str, OxmlElement: Any, qn: Any) -> None:
    """Declare the language on the Normal style, so Word checks spelling in it."""
    value = tag if "-" in tag else {"fr": "fr-FR", "en": "en-GB"}.get(tag.lower(), tag)
    for default in doc.styles.element.findall(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"):
        default.set(qn("w:val"), value)
    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), value)
    later = [child for name in ("w:eastAsianLayout", "w:specVanish", "w:oMath") for child in rpr.findall(qn(name))]
    if later:
        later[0].addprevious(lang)       # keep the schema's order of run properties
    else:
        rpr.append(lang)


def _restart_numbering(doc: Any, paragraph: Any, num_id: int | None) -> int:
    """Give ``paragraph`` its own numbering that starts at 1 (``num_id`` continues one)."""
    numbering = doc.part.numbering_part.element
    if num_id is None:
        style_num = doc.styles["List Number"].element.pPr.numPr.numId.val
        abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        num_id = num.numId
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id
    return num_id
