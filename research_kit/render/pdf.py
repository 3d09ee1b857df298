"""A brief as an A4 PDF, with bookmarks for its headings and page numbers.

fpdf2 draws it in DejaVu Sans, found in matplotlib's data folder; the same helpers
(:func:`new_pdf`, :func:`pdf_text`, :func:`pdf_lines`) draw the quote cards, and
:func:`text_width` measures text for the other formats' tables.

The page is laid out by content. A table's columns are as wide as their content asks
(:func:`~research_kit.render.layout.table_layout`): no cell breaks inside a word, a number
or a date, numbers are right-aligned, an excerpt column gets the room; a table too wide
for the page goes on landscape pages (long tables) or is stacked, one block per record.
A heading is never the last thing on a page: it moves to the next page with the start of
what follows it (two lines of a paragraph, a table's first row, a whole quote or figure;
a note under a heading goes with the start of the block it introduces); a note that
follows a quote or a figure ("3 of 8 quotes; all in appendix A") stays on its page;
a figure that almost fits is shrunk a little rather than leave most of a page empty.
Titles and text are left-aligned, never justified; guillemets and French punctuation are
tied to their words (:func:`~research_kit.render.layout.tie`).
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .._io import atomic_write_bytes
from ..errors import ResearchKitError
from ..palette import ACCENT, BLACK, BOX_LINE, FOOTER_GREY, HEADER_FILL, MUTED, WHITE, rgb
from .layout import (Brief, Figure, TableLayout, clean, guard, level, metric_items, plain, prepare, runs, table_grid,
                     table_layout, tie, wrapped_lines)

__all__ = ["to_pdf", "pdf_bytes", "new_pdf", "pdf_text", "pdf_lines", "text_width", "FONT"]

#: The font family every PDF is drawn in.
FONT = "DejaVu"
_PAGE_ALIAS = "\ue000nb\ue000"          # private-use characters, stripped from the brief's text
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def to_pdf(blocks: Iterable[Mapping[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Write the brief as an A4 PDF at ``path``; see :func:`research_kit.render.render`."""
    brief = prepare(blocks)
    with guard("pdf", path):
        return atomic_write_bytes(path, pdf_bytes(brief))


def _font_files() -> dict[str, Path]:
    """DejaVu Sans from matplotlib's data folder (found without importing matplotlib)."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    folders = list(spec.submodule_search_locations or []) if spec else []
    names = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
             "BI": "DejaVuSans-BoldOblique.ttf"}
    for folder in folders:
        ttf = Path(folder) / "mpl-data" / "fonts" / "ttf"
        if all((ttf / n).is_file() for n in names.values()):
            return {style: ttf / n for style, n in names.items()}
    raise ResearchKitError("RK-B16", "the DejaVu Sans fonts that PDF output needs were not found in matplotlib's data folder.",
                           hint="Reinstall matplotlib: pip install --force-reinstall matplotlib")


def pdf_text(text: Any) -> str:
    """A block text as fpdf2 may write it: clean, no private-use character, tabs as spaces."""
    return _PRIVATE_USE.sub("", clean(text)).replace("\t", "    ")


def new_pdf(brief: Brief, *, footer: bool) -> Any:
    """An A4 fpdf2 document in DejaVu Sans with the brief's language, title and date; page numbers if ``footer``."""
    from fpdf import FPDF

    page_label = brief.label("page")

    class _PDF(FPDF):
        def footer(self) -> None:  # noqa: D401 - fpdf2 hook
            if not footer:
                return
            self.set_y(-14)
            self.set_font(FONT, "", 8)
            self.set_text_color(*rgb(FOOTER_GREY))
            self.cell(0, 6, f"{page_label} {self.page_no()} / {_PAGE_ALIAS}", align="C")
            self.set_text_color(*rgb(BLACK))

    pdf = _PDF(orientation="portrait", unit="mm", format="A4")
    pdf.alias_nb_pages(_PAGE_ALIAS)
    for style, path in _font_files().items():
        pdf.add_font(FONT, style, str(path))
    pdf.set_font(FONT, "", 10.5)
    pdf.set_lang(brief.lang_tag)
    pdf.set_title(brief.title)
    subtitle = plain(clean(brief.meta.get("subtitle")))
    if subtitle:
        pdf.set_subject(subtitle)
    pdf.set_creator("Research Kit")
    pdf.set_author("Research Kit")
    when = brief.date()
    if when is not None:
        pdf.set_creation_date(when)
    return pdf


def pdf_lines(pdf: Any, width: float, height: float, text: str, align: str = "L") -> int:
    """How many lines ``text`` takes in a box ``width`` mm wide, in the current font."""
    from fpdf.enums import MethodReturnValue

    lines = pdf.multi_cell(width, height, text, align=align, dry_run=True, output=MethodReturnValue.LINES)
    return max(len(lines), 1)


# --------------------------------------------------------------------------- measures

_BODY, _LINE = 10.5, 5.4                # body text: size (pt) and line height (mm)
_CELL_PAD_X, _CELL_PAD_Y = 1.3, 1.2     # a table cell's padding (mm)
_CELL_PAD = 2 * _CELL_PAD_X + 0.6       # what a cell adds to its text's width, borders and rounding included
_MARGIN = 20.0                          # page margins (mm)
_A4 = (210.0, 297.0)
_PORTRAIT_WIDTH = _A4[0] - 2 * _MARGIN
_LANDSCAPE_WIDTH = _A4[1] - 2 * _MARGIN
_PAGE_HEIGHT = _A4[1] - 2 * _MARGIN     # text height of a portrait page
_SHRINK = 0.7                           # a figure may shrink to this share to stay below its text
_WIDOW = 0.2                            # a table's last page holding less than this share of a page is avoided
_TABLE_SIZES = (9.0, 8.0, 7.5)          # the type sizes of a table, largest first
_LANDSCAPE_LEAD = 20.0                  # mm above a landscape table on its first page: heading and caption
_HEADING = {1: (17.0, 5.0), 2: (14.5, 4.0), 3: (12.0, 2.5)}   # level → size (pt), space above (mm)


@functools.lru_cache(maxsize=1)
def _measurer() -> Any:
    from fpdf import FPDF

    pdf = FPDF(unit="mm")
    files = _font_files()
    for style in ("", "B"):
        pdf.add_font(FONT, style, str(files[style]))
    pdf.add_page()                      # fpdf2 measures lines (multi_cell dry runs) on a page
    return pdf


@functools.lru_cache(maxsize=65536)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width in mm of ``text`` on one line, in DejaVu Sans at ``size`` points (bold if asked).

    Every format measures its tables with it, so a PDF and a Word file break the same words.
    """
    pdf = _measurer()
    pdf.set_font(FONT, "B" if bold else "", size)
    return float(pdf.get_string_width(pdf_text(text)))


def _line_height(size: float) -> float:
    return size * 0.51                  # 4.6 mm at 9 pt


def _room(pdf: Any) -> float:
    return pdf.page_break_trigger - pdf.y


def _at_top(pdf: Any) -> bool:
    return pdf.y <= pdf.t_margin + 1


def _need(pdf: Any, height: float) -> None:
    """Start a new page unless ``height`` mm fit below the cursor."""
    if _room(pdf) < height and not _at_top(pdf):
        pdf.add_page()


def _landscape(pdf: Any) -> bool:
    return pdf.w > pdf.h


def _orient(pdf: Any, landscape: bool) -> None:
    """Go on to a page of the asked orientation (a new page only if the current one is not)."""
    if _landscape(pdf) != landscape:
        pdf.add_page(orientation="L" if landscape else "P")


def _tied(brief: Brief, text: Any) -> str:
    """A text without inline marks, as drawn: clean, tied (:func:`tie`)."""
    return tie(pdf_text(plain(clean(text))), brief.lang)


def _write_runs(pdf: Any, brief: Brief, text: str, *, size: float, line: float, style: str = "",
                color: tuple[int, int, int] = rgb(BLACK)) -> None:
    pdf.set_text_color(*color)
    for chunk, bold, italic, code in runs(pdf_text(text)):
        extra = ("B" if bold else "") + ("I" if italic else "")
        pdf.set_font(FONT, "".join(sorted(set(style + extra))), size)
        pdf.write(line, chunk if code else tie(chunk, brief.lang))
    pdf.ln(line)
    pdf.set_font(FONT, "", _BODY)
    pdf.set_text_color(*rgb(BLACK))


@contextlib.contextmanager
def _indent(pdf: Any, left: float, right: float = 0) -> Iterator[None]:
    old = pdf.l_margin, pdf.r_margin
    pdf.set_left_margin(old[0] + left)
    pdf.set_right_margin(old[1] + right)
    pdf.set_x(pdf.l_margin)
    try:
        yield
    finally:
        pdf.set_left_margin(old[0])
        pdf.set_right_margin(old[1])
        pdf.set_x(pdf.l_margin)


def _header(pdf: Any, brief: Brief) -> None:
    grey = rgb(MUTED)
    pdf.start_section(brief.title, level=0)
    pdf.set_font(FONT, "B", 21)
    pdf.multi_cell(0, 9.5, tie(pdf_text(brief.title), brief.lang), align="L", new_x="LMARGIN", new_y="NEXT")
    subtitle = pdf_text(brief.meta.get("subtitle")).strip()
    if subtitle:
        pdf.ln(1)
        pdf.set_font(FONT, "", 13)
        pdf.set_text_color(*grey)
        pdf.multi_cell(0, 6.5, _tied(brief, subtitle), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    for text, style in ((brief.meta_line(), ""), (clean(brief.meta.get("notice")).strip(), "I")):
        if text:
            pdf.set_font(FONT, style, 9)
            pdf.set_text_color(*grey)
            pdf.multi_cell(0, 4.6, _tied(brief, text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*rgb(BLACK))
    pdf.ln(2)
    pdf.set_draw_color(*rgb(ACCENT))
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*rgb(BLACK))
    pdf.ln(5)


# --------------------------------------------------------------------------- tables


def _table_cells(brief: Brief, block: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    columns, rows = table_grid(block)
    return [_tied(brief, c) for c in columns], [[_tied(brief, c) for c in r] for r in rows]


def _grid_layout(columns: list[str], rows: list[list[str]], **options: Any) -> TableLayout:
    """:func:`~research_kit.render.layout.table_layout` on this module's A4 pages, margins and cell padding."""
    return table_layout(columns, rows, measure=text_width, portrait=_PORTRAIT_WIDTH, landscape=_LANDSCAPE_WIDTH,
                        pad=_CELL_PAD, heights=(_PAGE_HEIGHT, _A4[0] - 2 * _MARGIN), **options)


def _layout(brief: Brief, block: Mapping[str, Any]) -> TableLayout:
    """How a table is drawn; stacked too when one of its rows would not fit on a page."""
    columns, rows = _table_cells(brief, block)
    found = _grid_layout(columns, rows)
    if found.form == "grid":
        page = (_A4[0] if found.landscape else _A4[1]) - 2 * _MARGIN
        pdf = _measurer()
        heights = [_row_height(pdf, r, found, bold=False) for r in rows]
        if heights and max(heights) + _row_height(pdf, columns, found, bold=True) > page - 12:
            return TableLayout("stacked", False, found.size, (), found.kinds)
        if found.landscape:
            return _without_widow_page(pdf, columns, rows, found, page - _LANDSCAPE_LEAD)
    return found


def _table_height(pdf: Any, columns: list[str], rows: list[list[str]], layout: TableLayout) -> float:
    """The height (mm) of a grid table drawn on one page: its heading row and every row."""
    return _row_height(pdf, columns, layout, bold=True) + sum(_row_height(pdf, r, layout, bold=False) for r in rows)


def _without_widow_page(pdf: Any, columns: list[str], rows: list[list[str]], found: TableLayout,
                        room: float) -> TableLayout:
    """A landscape table in a smaller type when that keeps its last rows off a page of their own.

    A landscape table starts a page, under its heading; one that overflows ``room`` by less
    than :data:`_WIDOW` of a page would leave a row or two alone on a further page (the
    demo explorer's equality table left one). At the next smaller size it may fit the
    landscape page, or the portrait width, where it flows with the text.
    """
    over = _table_height(pdf, columns, rows, found) - room
    if not 0 < over < _WIDOW * room:
        return found
    for size in (s for s in _TABLE_SIZES if s < found.size):
        smaller = _grid_layout(columns, rows, sizes=(size,))
        if smaller.form != "grid":
            continue
        if not smaller.landscape or _table_height(pdf, columns, rows, smaller) <= room:
            return smaller          # on portrait pages it flows with the text: no landscape page at all
    return found


def _cell_lines(pdf: Any, width: float, line: float, text: str) -> int:
    """How many lines ``text`` takes in a cell ``width`` mm wide, padding included, in the current font."""
    bold = "B" in pdf.font_style
    return wrapped_lines(text, width - 2 * _CELL_PAD_X, measure=text_width, size=pdf.font_size_pt, bold=bold)


def _row_height(pdf: Any, values: list[str], layout: TableLayout, *, bold: bool) -> float:
    """A row's height as fpdf2 draws it; the heading row (``bold``) wraps at its spaces, whatever its column."""
    line = _line_height(layout.size)
    lines = [wrapped_lines(v, w - 2 * _CELL_PAD_X, measure=text_width, size=layout.size, bold=bold,
                           kind="text" if bold else kind)
             for w, v, kind in zip(layout.widths, values, layout.kinds)]
    return max(lines, default=1) * line + 2 * _CELL_PAD_Y


def _caption_height(pdf: Any, text: str) -> float:
    pdf.set_font(FONT, "I", 9)
    return pdf_lines(pdf, pdf.epw, 4.6, text) * 4.6 + 1


_LEAD_ROWS = 2                          # a table starts a page foot with at least this many rows


def _table_lead(pdf: Any, brief: Brief, i: int, layout: TableLayout) -> float:
    """The height of a table's caption, heading row and first :data:`_LEAD_ROWS` records (its first record, stacked).

    One row alone under its heading at the foot of a page reads as a table of one row.
    """
    columns, rows = _table_cells(brief, brief.body[i])
    head = _caption_height(pdf, pdf_text(brief.table_caption(i)))
    if not rows:
        return head + (_row_height(pdf, columns, layout, bold=True) if layout.form == "grid" else 0)
    if layout.form == "stacked":
        return head + _record_height(pdf, columns, rows[0], layout)
    return head + _row_height(pdf, columns, layout, bold=True) + sum(
        _row_height(pdf, r, layout, bold=False) for r in rows[:_LEAD_ROWS])


def _table(pdf: Any, brief: Brief, i: int, layout: TableLayout) -> None:
    from fpdf.fonts import FontFace

    columns, rows = _table_cells(brief, brief.body[i])
    if layout.landscape:
        _orient(pdf, True)
    _need(pdf, _table_lead(pdf, brief, i, layout))
    pdf.set_font(FONT, "I", 9)
    pdf.set_text_color(*rgb(MUTED))
    pdf.multi_cell(0, 4.6, pdf_text(brief.table_caption(i)), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*rgb(BLACK))
    pdf.ln(1)
    if layout.form == "stacked":
        _stacked(pdf, columns, rows, layout)
    else:
        layout, parts = _paginate(pdf, columns, rows, layout)
        align = tuple("RIGHT" if kind == "number" else "LEFT" for kind in layout.kinds)
        at = 0
        for k, count in enumerate(parts):
            if k:
                pdf.add_page(orientation="L" if layout.landscape else "P")
            pdf.set_font(FONT, "", layout.size)
            with pdf.table(col_widths=layout.widths, width=min(sum(layout.widths), pdf.epw),
                           line_height=_line_height(layout.size), text_align=align,
                           padding=(_CELL_PAD_Y, _CELL_PAD_X), v_align="TOP", align="LEFT",
                           headings_style=FontFace(emphasis="BOLD", fill_color=rgb(HEADER_FILL)),
                           repeat_headings=1) as table:
                for values in [columns, *rows[at:at + count]]:
                    row = table.row()
                    for value in values:
                        row.cell(value)
            at += count
    pdf.ln(4)


_LAST_ROWS = 3                          # a table that goes on over a page takes at least this many rows there


def _pages(pdf: Any, columns: list[str], rows: list[list[str]], layout: TableLayout) -> list[int]:
    """How many rows of a grid table each page takes, from the cursor on (each page repeats the heading row)."""
    head = _row_height(pdf, columns, layout, bold=True)
    full = pdf.page_break_trigger - pdf.t_margin             # a page of its own
    room, used, counts = _room(pdf), head, [0]
    for r in rows:
        height = _row_height(pdf, r, layout, bold=False)
        if used + height > room and counts[-1]:
            counts.append(0)
            room, used = full, head
        used += height
        counts[-1] += 1
    return counts


def _paginate(pdf: Any, columns: list[str], rows: list[list[str]], layout: TableLayout) -> tuple[TableLayout, list[int]]:
    """A portrait grid table's layout and its rows per page, no page holding fewer than :data:`_LAST_ROWS`.

    A table whose last page would hold one or two rows is set a size smaller when that
    leaves none alone; else rows move from the page before to its last page. The pages
    are cut here, each drawn as a table of its own under the heading row.
    """
    counts = _pages(pdf, columns, rows, layout)
    if layout.landscape or len(counts) == 1 or counts[-1] >= _LAST_ROWS:
        return layout, counts
    for size in (s for s in _TABLE_SIZES if s < layout.size):
        smaller = _grid_layout(columns, rows, sizes=(size,), landscape_rows=len(rows))
        if smaller.form == "grid":
            again = _pages(pdf, columns, rows, smaller)
            if len(again) == 1 or again[-1] >= _LAST_ROWS:
                return smaller, again
    moved = min(_LAST_ROWS - counts[-1], counts[-2] - _LAST_ROWS if len(counts) > 2 else counts[-2] - 1)
    if moved > 0:
        counts[-2] -= moved
        counts[-1] += moved
    return layout, counts


def _label_width(pdf: Any, columns: list[str], size: float) -> float:
    """The label column of a stacked table: its longest heading on one line, within a third of the page."""
    pdf.set_font(FONT, "B", size)
    widest = max((pdf.get_string_width(w) for c in columns[1:] for w in c.split()), default=0.0)
    natural = max((pdf.get_string_width(c) for c in columns[1:]), default=0.0)
    return max(min(natural, pdf.epw / 3), widest) + _CELL_PAD


def _field_height(pdf: Any, name: str, value: str, label: float, line: float, size: float) -> float:
    pdf.set_font(FONT, "B", size)
    rows = _cell_lines(pdf, label, line, name)
    pdf.set_font(FONT, "", size)
    return max(rows, _cell_lines(pdf, pdf.epw - label, line, value or "–")) * line + 0.8


def _record_height(pdf: Any, columns: list[str], values: list[str], layout: TableLayout) -> float:
    line, size = _line_height(layout.size), layout.size
    label = _label_width(pdf, columns, size)
    pdf.set_font(FONT, "B", size)
    height = _cell_lines(pdf, pdf.epw, line, values[0]) * line + 2 * _CELL_PAD_Y + 0.8
    for name, value in zip(columns[1:], values[1:]):
        height += _field_height(pdf, name, value, label, line, size)
    return height + 3


def _stacked(pdf: Any, columns: list[str], rows: list[list[str]], layout: TableLayout) -> None:
    """One block per record: its first cell as a shaded title, then one line per other column."""
    line, size = _line_height(layout.size), layout.size
    label = _label_width(pdf, columns, size)
    for values in rows:
        _need(pdf, min(_record_height(pdf, columns, values, layout), pdf.eph))
        pdf.set_fill_color(*rgb(HEADER_FILL))
        pdf.set_font(FONT, "B", size)
        title = values[0] if values[0].strip() else columns[0]
        pdf.multi_cell(0, line, title, align="L", fill=True, padding=(_CELL_PAD_Y, _CELL_PAD_X),
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_fill_color(*rgb(WHITE))
        pdf.ln(0.8)
        for name, value in zip(columns[1:], values[1:]):
            _need(pdf, _field_height(pdf, name, value, label, line, size))
            top, page = pdf.y, pdf.page
            pdf.set_font(FONT, "B", size)
            pdf.set_text_color(*rgb(MUTED))
            label_bottom = top + _cell_lines(pdf, label, line, name) * line
            pdf.multi_cell(label, line, name, align="L", padding=(0, _CELL_PAD_X), new_x="RIGHT", new_y="TOP")
            pdf.set_text_color(*rgb(BLACK))
            pdf.set_font(FONT, "", size)
            pdf.set_xy(pdf.l_margin + label, top)
            pdf.multi_cell(pdf.epw - label, line, value or "–", align="L", padding=(0, _CELL_PAD_X),
                           new_x="LMARGIN", new_y="NEXT")
            if pdf.page == page:
                pdf.set_y(max(pdf.y, label_bottom))
            pdf.ln(0.8)
        pdf.set_draw_color(*rgb(BOX_LINE))
        pdf.line(pdf.l_margin, pdf.y + 0.5, pdf.w - pdf.r_margin, pdf.y + 0.5)
        pdf.set_draw_color(*rgb(BLACK))
        pdf.ln(2.5)


# --------------------------------------------------------------------------- what a heading keeps with it


def _heading_height(pdf: Any, brief: Brief, block: Mapping[str, Any]) -> float:
    size, above = _HEADING[level(block)]
    pdf.set_font(FONT, "B", size)
    return above + pdf_lines(pdf, pdf.epw, size * 0.5, _tied(brief, block["text"])) * size * 0.5 + 2


def _text_lines(pdf: Any, brief: Brief, text: str, width: float, size: float, line: float) -> int:
    pdf.set_font(FONT, "", size)
    return pdf_lines(pdf, width, line, _tied(brief, text))


def _lead(pdf: Any, brief: Brief, j: int, layouts: Mapping[int, TableLayout]) -> float:
    """The height of what block ``j`` must show on the page of the heading above it."""
    kind = brief.kind(j)
    if kind is None:
        return 0.0
    block = brief.body[j]
    if kind == "paragraph":
        return min(_text_lines(pdf, brief, block["text"], pdf.epw, _BODY, _LINE), 2) * _LINE + 1
    if kind == "bullets":
        return min(_text_lines(pdf, brief, block["items"][0], pdf.epw - 6, _BODY, _LINE), 2) * _LINE + 1
    if kind == "questions":
        label = 0.0 if brief.kind(j - 1) == "heading" else 7.0
        return label + min(_text_lines(pdf, brief, block["items"][0], pdf.epw - 9, _BODY, _LINE), 2) * _LINE + 1
    if kind == "note":
        return min(_text_lines(pdf, brief, block["text"], pdf.epw, 8, 3.9), 2) * 3.9
    if kind == "metrics":
        return _metrics_height(pdf, metric_items(block)[:3]) + 2
    if kind == "table":
        return _table_lead(pdf, brief, j, layouts[j])
    if kind == "figure":
        width, height, caption_h = _figure_size(pdf, brief, brief.figures[j])
        return height * _SHRINK + caption_h + 2
    if kind == "quote":
        return min(_quote_height(pdf, brief, block), 3 * _LINE)
    return 0.0


def _note_height(pdf: Any, brief: Brief, j: int) -> float:
    """The height of note ``j`` as drawn, the space after it included."""
    return _text_lines(pdf, brief, brief.body[j]["text"], pdf.epw, 8, 3.9) * 3.9 + 2


def _heading_lead(pdf: Any, brief: Brief, j: int, layouts: Mapping[int, TableLayout]) -> float:
    """What the heading above block ``j`` keeps on its page: the start of ``j``, or of the block a note introduces.

    A note right under a heading ("Themes coded by the team.") says what follows it; on its
    own at the foot of a page it would leave the heading without its content, so the note
    goes with the heading and the first lines of the block after it.
    """
    if brief.kind(j) == "note" and brief.kind(j + 1) not in (None, "heading", "note"):
        return _note_height(pdf, brief, j) + _lead(pdf, brief, j + 1, layouts)
    return _lead(pdf, brief, j, layouts)


def _note_after(pdf: Any, brief: Brief, i: int) -> float:
    """The height of the note that follows block ``i`` (its caption, such as "3 of 8 quotes"), or 0."""
    return _note_height(pdf, brief, i + 1) if brief.kind(i + 1) == "note" else 0.0


def _chain_end(brief: Brief, i: int) -> int:
    """The first block after the run of headings that starts at ``i``."""
    while brief.kind(i) == "heading":
        i += 1
    return i


def _heading(pdf: Any, brief: Brief, i: int, layouts: Mapping[int, TableLayout], open_levels: list[int]) -> None:
    block = brief.body[i]
    n = level(block)
    size, above = _HEADING[n]
    end = _chain_end(brief, i)
    if brief.kind(end) == "table" and layouts[end].landscape:
        _orient(pdf, True)               # the heading goes with its table onto the landscape page
    else:
        _orient(pdf, False)
    if not _at_top(pdf):
        pdf.ln(above)
    chain = sum(_heading_height(pdf, brief, brief.body[k]) for k in range(i, end)) - above
    _need(pdf, chain + _heading_lead(pdf, brief, end, layouts))
    text = _tied(brief, block["text"])
    while open_levels and open_levels[-1] >= n:
        open_levels.pop()
    pdf.start_section(pdf_text(plain(clean(block["text"]))), level=len(open_levels) + 1, strict=False)
    open_levels.append(n)
    pdf.set_font(FONT, "B", size)
    if n == 2:
        pdf.set_text_color(*rgb(ACCENT))
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*rgb(BLACK))
    pdf.ln(2)


# --------------------------------------------------------------------------- the document


def pdf_bytes(brief: Brief) -> bytes:
    """The PDF file of a prepared brief."""
    pdf = new_pdf(brief, footer=True)
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(True, margin=_MARGIN)
    pdf.add_page()
    grey = rgb(MUTED)
    _header(pdf, brief)
    layouts = {i: _layout(brief, brief.body[i]) for i in brief.tables}

    open_levels: list[int] = []          # heading levels of the open sections, for the outline
    for i, block in enumerate(brief.body):
        kind = block["kind"]
        pdf.set_font(FONT, "", _BODY)
        if kind == "heading":
            _heading(pdf, brief, i, layouts, open_levels)
            continue
        _orient(pdf, kind == "table" and layouts[i].landscape)
        if kind == "paragraph":
            _need(pdf, _lead(pdf, brief, i, layouts))
            _write_runs(pdf, brief, block["text"], size=_BODY, line=_LINE)
            pdf.ln(2.5)
        elif kind == "bullets":
            for item in block["items"]:
                _need(pdf, min(_text_lines(pdf, brief, item, pdf.epw - 6, _BODY, _LINE), 2) * _LINE)
                pdf.set_font(FONT, "", _BODY)
                pdf.set_x(pdf.l_margin + 1.5)
                pdf.cell(4, _LINE, "•")
                with _indent(pdf, 6):
                    _bullet_text(pdf, brief, item, _LINE)
                pdf.ln(0.8)
            pdf.ln(2)
        elif kind == "metrics":
            _metrics(pdf, brief, metric_items(block))
        elif kind == "table":
            _table(pdf, brief, i, layouts[i])
        elif kind == "figure":
            _figure(pdf, brief, brief.figures[i], after=_note_after(pdf, brief, i))
        elif kind == "quote":
            _quote(pdf, brief, block, after=_note_after(pdf, brief, i))
        elif kind == "questions":
            if brief.kind(i - 1) != "heading":
                _need(pdf, 7 + _lead(pdf, brief, i, layouts))
                pdf.set_font(FONT, "B", 11)
                pdf.multi_cell(0, 6, pdf_text(brief.label("questions")), align="L", new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            for number, item in enumerate(block["items"], start=1):
                _need(pdf, min(_text_lines(pdf, brief, item, pdf.epw - 9, _BODY, _LINE), 2) * _LINE)
                pdf.set_font(FONT, "B", _BODY)
                pdf.set_x(pdf.l_margin)
                pdf.cell(7, _LINE, f"{number}.", align="R")
                with _indent(pdf, 9):
                    _bullet_text(pdf, brief, item, _LINE)
                pdf.ln(1.2)
            pdf.ln(2)
        elif kind == "note":
            _need(pdf, _lead(pdf, brief, i, layouts))
            _write_runs(pdf, brief, block["text"], size=8, line=3.9, color=grey)
            pdf.ln(2)
    return bytes(pdf.output())


def _bullet_text(pdf: Any, brief: Brief, text: str, line: float) -> None:
    """Write ``text`` from the cursor, wrapped lines aligned on the current left margin."""
    for chunk, bold, italic, code in runs(pdf_text(text)):
        pdf.set_font(FONT, ("B" if bold else "") + ("I" if italic else ""), _BODY)
        pdf.write(line, chunk if code else tie(chunk, brief.lang))
    pdf.ln(line)
    pdf.set_font(FONT, "", _BODY)


def _metrics_height(pdf: Any, chunk: list[dict[str, str]], width: float | None = None) -> float:
    width = width if width is not None else (pdf.epw - 4.0 * 2) / 3
    pdf.set_font(FONT, "", 8.5)
    label_lines = max((pdf_lines(pdf, width - 6, 4, pdf_text(plain(m["label"]))) for m in chunk), default=1)
    pdf.set_font(FONT, "B", 15)
    value_lines = max((pdf_lines(pdf, width - 6, 7, pdf_text(plain(m["value"])) or " ") for m in chunk), default=1)
    return 4 + label_lines * 4 + value_lines * 7 + 3


def _metrics(pdf: Any, brief: Brief, items: list[dict[str, str]]) -> None:
    per_row, gap = 3, 4.0
    width = (pdf.epw - gap * (per_row - 1)) / per_row
    for start in range(0, len(items), per_row):
        chunk = items[start:start + per_row]
        height = _metrics_height(pdf, chunk, width)
        _need(pdf, height + 2)
        top = pdf.y
        for k, item in enumerate(chunk):
            x = pdf.l_margin + k * (width + gap)
            pdf.set_draw_color(*rgb(BOX_LINE))
            pdf.rect(x, top, width, height)
            pdf.set_xy(x + 3, top + 3)
            pdf.set_font(FONT, "", 8.5)
            pdf.set_text_color(*rgb(MUTED))
            pdf.multi_cell(width - 6, 4, _tied(brief, item["label"]), align="L", new_x="LEFT", new_y="NEXT")
            pdf.set_font(FONT, "B", 15)
            pdf.set_text_color(*rgb(BLACK))
            pdf.set_x(x + 3)
            pdf.multi_cell(width - 6, 7, _tied(brief, item["value"]), align="L", new_x="LEFT", new_y="NEXT")
        pdf.set_draw_color(*rgb(BLACK))
        pdf.set_xy(pdf.l_margin, top + height + gap)
    pdf.ln(2)


def _figure_size(pdf: Any, brief: Brief, fig: Figure) -> tuple[float, float, float]:
    """Width and height (mm) of a figure at full size on a page, and its caption's height."""
    pdf.set_font(FONT, "I", 9)
    caption_h = pdf_lines(pdf, pdf.epw, 4.6, pdf_text(brief.figure_caption(fig)), align="C") * 4.6 + 3
    width = pdf.epw
    height = width * fig.height_px / fig.width_px
    tallest = pdf.eph - caption_h - 6
    if height > tallest:
        height = tallest
        width = height * fig.width_px / fig.height_px
    return width, height, caption_h


def _figure(pdf: Any, brief: Brief, fig: Figure, *, after: float = 0.0) -> None:
    """Draw ``fig`` and its caption, with room below for the ``after`` mm of a note that goes with it."""
    caption = pdf_text(brief.figure_caption(fig))
    width, height, caption_h = _figure_size(pdf, brief, fig)
    after = after if height + caption_h + 2 + after <= pdf.eph else 0.0
    room = _room(pdf) - caption_h - 2 - after
    if height > room and height * _SHRINK <= room and not _at_top(pdf):
        width, height = width * room / height, room      # a little smaller rather than a page left empty
    _need(pdf, height + caption_h + 2 + after)
    top = pdf.y
    pdf.image(io.BytesIO(fig.png), x=pdf.l_margin + (pdf.epw - width) / 2, y=top, w=width, h=height,
              alt_text=pdf_text(fig.alt) or None)
    pdf.set_xy(pdf.l_margin, top + height + 2)
    pdf.set_font(FONT, "I", 9)
    pdf.set_text_color(*rgb(MUTED))
    pdf.multi_cell(0, 4.6, tie(caption, brief.lang), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*rgb(BLACK))
    pdf.ln(5)


def _quote_height(pdf: Any, brief: Brief, block: Mapping[str, Any]) -> float:
    with _indent(pdf, 10, 6):
        pdf.set_font(FONT, "I", _BODY)
        text_h = pdf_lines(pdf, pdf.epw, _LINE, tie(pdf_text(block["text"]).strip(), brief.lang)) * _LINE
        pdf.set_font(FONT, "", 8.5)
        attr_h = pdf_lines(pdf, pdf.epw, 4.4, tie(pdf_text(brief.attribution(block)), brief.lang), align="R") * 4.4
        theme_h = 4.0 if pdf_text(block.get("theme")).strip() else 0.0
    return theme_h + text_h + 1 + attr_h + 4


def _quote(pdf: Any, brief: Brief, block: Mapping[str, Any], *, after: float = 0.0) -> None:
    """Draw a quote whole on one page, with room below for the ``after`` mm of a note that goes with it."""
    text = tie(pdf_text(block["text"]).strip(), brief.lang)
    attribution = tie(pdf_text(brief.attribution(block)), brief.lang)
    height = _quote_height(pdf, brief, block)
    if height + after < pdf.eph:
        _need(pdf, height + after)
    elif height < pdf.eph:
        _need(pdf, height)
    with _indent(pdf, 10, 6):
        top, page = pdf.y, pdf.page
        theme = pdf_text(block.get("theme")).strip()
        if theme:
            pdf.set_font(FONT, "B", 7.5)
            pdf.set_text_color(*rgb(ACCENT))
            pdf.multi_cell(0, 4, theme.upper(), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "I", _BODY)
        pdf.set_text_color(*rgb(BLACK))
        pdf.multi_cell(0, _LINE, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(*rgb(MUTED))
        pdf.multi_cell(0, 4.4, attribution, align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*rgb(BLACK))
        if pdf.page == page:
            pdf.set_draw_color(*rgb(ACCENT))
            pdf.set_line_width(1.0)
            pdf.line(pdf.l_margin - 4, top, pdf.l_margin - 4, pdf.y)
            pdf.set_line_width(0.2)
            pdf.set_draw_color(*rgb(BLACK))
    pdf.ln(4)
