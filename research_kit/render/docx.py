"""A brief as an editable Word document: real headings, lists, tables, pictures and captions.

The page is A4 with 2.5 cm margins; the language is declared on the Normal style so
Word checks spelling in it, and so is the body font (Calibri, no wider than the DejaVu Sans
the table layout measures with); question lists are numbered from 1 each time.

Tables are laid out by content as in the PDF (:func:`~research_kit.render.layout.table_layout`,
measured with :func:`~research_kit.render.pdf.text_width`): fixed column widths written in
the table grid and on every cell (Word and LibreOffice honour both), summing to the text
width, so that no cell breaks inside a word, a number or a date and an excerpt column
gets the room; numbers right-aligned; the heading row repeated on each page and kept
with the first row; short rows never split across pages. A table too wide for the page
goes into a landscape section (long tables) or is stacked, one block per record.
Headings, captions and pictures are kept with what follows them; quotes are kept whole;
guillemets are tied to their words (the rest of the text is stored as written).
"""

from __future__ import annotations

import datetime as _dt
import io
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .._io import atomic_write_bytes
from ..palette import HEADER_FILL, MUTED
from .layout import (Brief, TableLayout, clean, column_kinds, column_widths, guard, heading_colour, level,
                     metric_items, plain, prepare, property_text, runs, table_grid, table_layout, tie, wrapped_lines)
from .pdf import text_width

__all__ = ["to_docx", "docx_bytes", "BODY_FONT"]

#: The font of the body text, tables included (see :func:`_body_font`).
BODY_FONT = "Calibri"
_CODE_FONT = "Consolas"
_PAGE = (210.0, 297.0)                  # A4, mm
_MARGIN = 25.0                          # page margins, mm
_TEXT_WIDTH = {False: _PAGE[0] - 2 * _MARGIN, True: _PAGE[1] - 2 * _MARGIN}   # landscape → text width, mm
_CELL_MARGIN = 1.905                    # Word's left and right cell margins (108 twips), mm
_CELL_PAD = 2 * _CELL_MARGIN + 0.6      # what a cell adds to its text's width, borders and rounding included
_BODY_SIZE = 11.0                       # the Normal style's size, pt
_KEEP_ROW_LINES = 12                    # a row of at most this many lines is never split across pages


def _tie(text: str, lang: str) -> str:
    """Guillemets tied to their words; the rest is stored as written, editable and searchable."""
    return tie(text, lang, punctuation=False)


def to_docx(blocks: Iterable[Mapping[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Write the brief as an editable Word document at ``path``; see :func:`research_kit.render.render`."""
    brief = prepare(blocks)
    with guard("docx", path):
        return atomic_write_bytes(path, docx_bytes(brief))


def _add_runs(paragraph: Any, text: str, *, bold: bool | None = None, italic: bool | None = None,
              size: Any = None, lang: str = "fr") -> None:
    from docx.shared import Pt

    for chunk, b, i, code in runs(clean(text)):
        lines = (chunk if code else _tie(chunk, lang)).split("\n")
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


def _heading(doc: Any, block: Mapping[str, Any], lang: str) -> None:
    from docx.shared import RGBColor

    text, colour = _tie(plain(clean(block["text"])), lang), heading_colour(block)
    if colour is None:
        heading = doc.add_heading(text, level=level(block))
    else:
        heading = doc.add_heading(level=level(block))
        swatch = heading.add_run("■ ")
        swatch.font.color.rgb = RGBColor.from_string(colour[1:])
        heading.add_run(text)
    heading.paragraph_format.keep_with_next = True      # never the last line of a page


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
    section.left_margin = section.right_margin = Mm(_MARGIN)
    section.top_margin = section.bottom_margin = Mm(_MARGIN)
    text_width_emu = section.page_width - section.left_margin - section.right_margin   # 16 cm
    max_height = Cm(20)

    _language(doc, brief.lang_tag, OxmlElement, qn)
    _body_font(doc, qn)
    _properties(doc, brief)

    grey = RGBColor.from_string(MUTED[1:])
    lang = brief.lang
    title = doc.add_heading(_tie(brief.title, lang), level=0)
    title.paragraph_format.keep_with_next = True
    subtitle = clean(brief.meta.get("subtitle")).strip()
    if subtitle:
        _add_runs(doc.add_paragraph(style="Subtitle"), subtitle, lang=lang)
    line = brief.meta_line()
    if line:
        run = doc.add_paragraph().add_run(_tie(line, lang))
        run.font.size, run.font.color.rgb = Pt(9), grey
    notice = clean(brief.meta.get("notice")).strip()
    if notice:
        p = doc.add_paragraph()
        _add_runs(p, notice, italic=True, size=Pt(9), lang=lang)

    layouts = {i: _layout(brief, brief.body[i]) for i in brief.tables}
    landscape = False
    for i, block in enumerate(brief.body):
        kind = block["kind"]
        target = i
        while brief.kind(target) == "heading":       # a heading goes where what it heads goes
            target += 1
        wanted = brief.kind(target) == "table" and layouts[target].landscape
        if wanted != landscape:
            _new_section(doc, landscape=wanted)
            landscape = wanted
        if kind == "heading":
            _heading(doc, block, lang)
        elif kind == "paragraph":
            _add_runs(doc.add_paragraph(), block["text"], lang=lang)
        elif kind == "bullets":
            for item in block["items"]:
                _add_runs(doc.add_paragraph(style="List Bullet"), item, lang=lang)
        elif kind == "metrics":
            _metrics(doc, brief, metric_items(block))
            doc.add_paragraph()
        elif kind == "table":
            caption = doc.add_paragraph(_tie(brief.table_caption(i), lang), style="Caption")
            caption.paragraph_format.keep_with_next = True
            columns, rows = _table_cells(brief, block)
            if layouts[i].form == "stacked":
                _stacked(doc, columns, rows, layouts[i], landscape)
            else:
                _grid(doc, columns, rows, layouts[i])
            doc.add_paragraph()
        elif kind == "figure":
            fig = brief.figures[i]
            width = text_width_emu
            if width * fig.height_px / fig.width_px > max_height:
                width = int(max_height * fig.width_px / fig.height_px)
            shape = doc.add_picture(io.BytesIO(fig.png), width=width)
            doc_pr = shape._inline.docPr
            doc_pr.set("descr", fig.alt)
            doc_pr.set("name", f"{brief.label('figure')} {fig.number}")
            picture_paragraph = doc.paragraphs[-1]
            picture_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture_paragraph.paragraph_format.keep_with_next = True
            doc.add_paragraph(_tie(brief.figure_caption(fig), lang), style="Caption")
        elif kind == "quote":
            p = doc.add_paragraph(style="Quote")
            lines = _tie(clean(block["text"]).strip(), lang).split("\n")
            for k, text in enumerate(lines):
                run = p.add_run(text)
                if k < len(lines) - 1:
                    run.add_break()
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.keep_together = True
            who = doc.add_paragraph(style="Quote")
            run = who.add_run(_tie(brief.attribution(block), lang))
            run.italic, run.font.size = False, Pt(9)
            who.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            who.paragraph_format.keep_together = True
        elif kind == "questions":
            if brief.kind(i - 1) != "heading":
                label = doc.add_paragraph()
                label.add_run(brief.label("questions")).bold = True
                label.paragraph_format.keep_with_next = True
            num_id = None
            for item in block["items"]:
                p = doc.add_paragraph(style="List Number")
                num_id = _restart_numbering(doc, p, num_id)
                _add_runs(p, item, lang=lang)
        elif kind == "note":
            p = doc.add_paragraph()
            _add_runs(p, block["text"], size=Pt(8), lang=lang)
            for run in p.runs:
                run.font.color.rgb = grey
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- tables


def _table_cells(brief: Brief, block: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    columns, rows = table_grid(block)
    return ([_tie(plain(c), brief.lang) for c in columns],
            [[_tie(plain(c), brief.lang) for c in r] for r in rows])


def _layout(brief: Brief, block: Mapping[str, Any]) -> TableLayout:
    columns, rows = _table_cells(brief, block)
    return table_layout(columns, rows, measure=text_width, portrait=_TEXT_WIDTH[False],
                        landscape=_TEXT_WIDTH[True], pad=_CELL_PAD,
                        heights=(_PAGE[1] - 2 * _MARGIN, _PAGE[0] - 2 * _MARGIN))


def _twips(widths_mm: Iterable[float]) -> list[int]:
    """Widths in twips whose sum is the rounded sum of ``widths_mm`` (rounded at each edge, not each width)."""
    edges, total = [0], 0.0
    for w in widths_mm:
        total += w
        edges.append(round(total * 1440 / 25.4))
    return [b - a for a, b in zip(edges, edges[1:])]


def _fix_widths(table: Any, widths_mm: Iterable[float]) -> None:
    """Fixed column widths: the table's layout, width and grid, and every cell's width."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Twips

    widths = _twips(widths_mm)
    table.autofit = False                               # <w:tblLayout w:type="fixed"/>
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(widths)))
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(width))
    for tr in table._tbl.tr_lst:                        # a merged cell is as wide as the columns it spans
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Twips(sum(widths[col:col + span]))
            col += span


def _cell_margins(table: Any) -> None:
    """Word's left and right cell margins, and a little room above and below the text of each cell."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 34), ("left", 108), ("bottom", 34), ("right", 108)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)                       # the schema's order: tblCellMar before tblLook
    else:
        tbl_pr.append(margins)


def _shade(cell: Any, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), colour.lstrip("#").upper())
    cell._tc.get_or_add_tcPr().append(shade)


def _row_flag(row: Any, name: str) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement(name))


def _cell_text(cell: Any, text: str, *, bold: bool = False, right: bool = False, size: float = 9.0) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    lines = text.split("\n")
    for k, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.font.size = Pt(size)
        if bold:
            run.bold = True
        if k < len(lines) - 1:
            run.add_break()
    paragraph.paragraph_format.space_after = Pt(0)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return paragraph


def _grid(doc: Any, columns: list[str], rows: list[list[str]], layout: TableLayout) -> None:
    """A table of fixed, content-fitted columns; numbers right-aligned; the heading row repeated."""
    table = doc.add_table(rows=1 + len(rows), cols=max(len(columns), 1))
    table.style = "Table Grid"
    _fix_widths(table, layout.widths)
    _cell_margins(table)
    header = table.rows[0]
    _row_flag(header, "w:tblHeader")                    # repeats on each page
    _row_flag(header, "w:cantSplit")
    for cell, text, kind in zip(header.cells, columns, layout.kinds):
        _shade(cell, HEADER_FILL)
        _cell_text(cell, text, bold=True, right=kind == "number", size=layout.size).paragraph_format \
            .keep_with_next = True                      # the heading row stays with the first row
    for row, values in zip(table.rows[1:], rows):
        tallest = max((wrapped_lines(v, w - _CELL_PAD, measure=text_width, size=layout.size, kind=kind)
                       for v, w, kind in zip(values, layout.widths, layout.kinds)), default=1)
        if tallest <= _KEEP_ROW_LINES:
            _row_flag(row, "w:cantSplit")
        for cell, text, kind in zip(row.cells, values, layout.kinds):
            _cell_text(cell, text, right=kind == "number", size=layout.size)


def _stacked(doc: Any, columns: list[str], rows: list[list[str]], layout: TableLayout, landscape: bool) -> None:
    """One block per record, in a two-column table: a shaded title row, then one row per other column."""
    total = _TEXT_WIDTH[landscape]
    widest = max((text_width(w, layout.size, True) for c in columns[1:] for w in c.split()), default=0.0)
    natural = max((text_width(c, layout.size, True) for c in columns[1:]), default=0.0)
    label = max(min(natural, total / 3), widest) + _CELL_PAD
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    _cell_margins(table)
    for values in rows:
        title = table.add_row()
        _row_flag(title, "w:cantSplit")
        merged = title.cells[0].merge(title.cells[1])
        _shade(merged, HEADER_FILL)
        _cell_text(merged, values[0] if values[0].strip() else columns[0], bold=True,
                   size=layout.size).paragraph_format.keep_with_next = True
        fields = list(zip(columns[1:], values[1:]))
        for k, (name, value) in enumerate(fields):
            row = table.add_row()
            _row_flag(row, "w:cantSplit")
            keep = k < len(fields) - 1                  # a record stays on one page
            _cell_text(row.cells[0], name, bold=True, size=layout.size).paragraph_format.keep_with_next = keep
            _cell_text(row.cells[1], value or "–", size=layout.size).paragraph_format.keep_with_next = keep
    _fix_widths(table, [label, total - label])


def _metrics(doc: Any, brief: Brief, items: list[dict[str, str]]) -> None:
    """Key figures as a two-column table: label, value in bold (right-aligned when every value is a number)."""
    labels = [_tie(plain(m["label"]), brief.lang) for m in items]
    values = [_tie(plain(m["value"]), brief.lang) for m in items]
    grid = [[a, b] for a, b in zip(labels, values)]
    kinds = column_kinds(["", ""], grid)
    widths = column_widths(["", ""], grid, total=_TEXT_WIDTH[False], measure=text_width, size=_BODY_SIZE,
                           pad=_CELL_PAD, kinds=kinds) or (_TEXT_WIDTH[False] / 2,) * 2
    table = doc.add_table(rows=len(items), cols=2)
    table.style = "Table Grid"
    _fix_widths(table, widths)
    _cell_margins(table)
    for row, item in zip(table.rows, items):
        _row_flag(row, "w:cantSplit")
        _add_runs(row.cells[0].paragraphs[0], item["label"], lang=brief.lang)
        _add_runs(row.cells[1].paragraphs[0], item["value"], bold=True, lang=brief.lang)
        if kinds[1] == "number":
            from docx.enum.text import WD_ALIGN_PARAGRAPH

            row.cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _new_section(doc: Any, *, landscape: bool) -> None:
    """Go on in a new section, on a new page, landscape or portrait, with the same margins."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Mm

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (_PAGE[1], _PAGE[0]) if landscape else _PAGE
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.left_margin = section.right_margin = Mm(_MARGIN)
    section.top_margin = section.bottom_margin = Mm(_MARGIN)


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


def _body_font(doc: Any, qn: Any) -> None:
    """Body text in :data:`BODY_FONT`, named on the Normal style rather than left to the theme.

    python-docx's template sets the body in the theme's minor font, Cambria, a serif that
    LibreOffice draws in a wider stand-in where Cambria is missing, so that cells measured
    for the table layout broke ("Médiateur·rice" over "4"). Calibri is narrower than the
    DejaVu Sans the layout measures with, and LibreOffice draws it in Carlito (same widths)
    or in DejaVu Sans itself: the columns hold their content in Word and in LibreOffice.
    """
    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), BODY_FONT)


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
