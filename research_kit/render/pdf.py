"""A brief as an A4 PDF, with bookmarks for its headings and page numbers.

fpdf2 draws it in DejaVu Sans, found in matplotlib's data folder; the same helpers
(:func:`new_pdf`, :func:`pdf_text`, :func:`pdf_lines`) draw the quote cards.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .._io import atomic_write_bytes
from ..errors import ResearchKitError
from ..palette import ACCENT, BLACK, BOX_LINE, FOOTER_GREY, HEADER_FILL, MUTED, rgb
from .layout import Brief, Figure, clean, guard, level, metric_items, plain, prepare, runs, table_grid

__all__ = ["to_pdf", "pdf_bytes", "new_pdf", "pdf_text", "pdf_lines", "FONT"]

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


def _room(pdf: Any) -> float:
    return pdf.page_break_trigger - pdf.y


def _need(pdf: Any, height: float) -> None:
    """Start a new page unless ``height`` mm fit below the cursor."""
    if _room(pdf) < height and pdf.y > pdf.t_margin + 1:
        pdf.add_page()


def _write_runs(pdf: Any, text: str, *, size: float, line: float, style: str = "",
                color: tuple[int, int, int] = rgb(BLACK)) -> None:
    pdf.set_text_color(*color)
    for chunk, bold, italic, _code in runs(pdf_text(text)):
        extra = ("B" if bold else "") + ("I" if italic else "")
        pdf.set_font(FONT, "".join(sorted(set(style + extra))), size)
        pdf.write(line, chunk)
    pdf.ln(line)
    pdf.set_font(FONT, "", 10.5)
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
    pdf.multi_cell(0, 9.5, pdf_text(brief.title), new_x="LMARGIN", new_y="NEXT")
    subtitle = pdf_text(brief.meta.get("subtitle")).strip()
    if subtitle:
        pdf.ln(1)
        pdf.set_font(FONT, "", 13)
        pdf.set_text_color(*grey)
        pdf.multi_cell(0, 6.5, plain(subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    for text, style in ((brief.meta_line(), ""), (clean(brief.meta.get("notice")).strip(), "I")):
        if text:
            pdf.set_font(FONT, style, 9)
            pdf.set_text_color(*grey)
            pdf.multi_cell(0, 4.6, pdf_text(plain(text)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*rgb(BLACK))
    pdf.ln(2)
    pdf.set_draw_color(*rgb(ACCENT))
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*rgb(BLACK))
    pdf.ln(5)


def pdf_bytes(brief: Brief) -> bytes:
    """The PDF file of a prepared brief."""
    from fpdf.fonts import FontFace

    pdf = new_pdf(brief, footer=True)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    grey = rgb(MUTED)
    line = 5.4
    _header(pdf, brief)

    open_levels: list[int] = []          # heading levels of the open sections, for the outline
    for i, block in enumerate(brief.body):
        kind = block["kind"]
        pdf.set_font(FONT, "", 10.5)
        if kind == "heading":
            n = level(block)
            size = {1: 17.0, 2: 14.5, 3: 12.0}[n]
            text = pdf_text(plain(clean(block["text"])))
            pdf.ln({1: 5, 2: 4, 3: 2.5}[n])
            _need(pdf, 30)
            while open_levels and open_levels[-1] >= n:
                open_levels.pop()
            pdf.start_section(text, level=len(open_levels) + 1, strict=False)
            open_levels.append(n)
            pdf.set_font(FONT, "B", size)
            if n == 2:
                pdf.set_text_color(*rgb(ACCENT))
            pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(*rgb(BLACK))
            pdf.ln(2)
        elif kind == "paragraph":
            _write_runs(pdf, block["text"], size=10.5, line=line)
            pdf.ln(2.5)
        elif kind == "bullets":
            for item in block["items"]:
                _need(pdf, line)
                pdf.set_font(FONT, "", 10.5)
                pdf.set_x(pdf.l_margin + 1.5)
                pdf.cell(4, line, "•")
                with _indent(pdf, 6):
                    _bullet_text(pdf, item, line)
                pdf.ln(0.8)
            pdf.ln(2)
        elif kind == "metrics":
            _metrics(pdf, metric_items(block))
        elif kind == "table":
            columns, rows = table_grid(block)
            pdf.set_font(FONT, "I", 9)
            pdf.set_text_color(*grey)
            _need(pdf, 25)
            pdf.multi_cell(0, 4.6, pdf_text(brief.table_caption(i)), new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(*rgb(BLACK))
            pdf.ln(1)
            pdf.set_font(FONT, "", 9)
            with pdf.table(col_widths=_fitted_widths(pdf, columns, rows), line_height=4.6, text_align="LEFT",
                           padding=(1.2, 1.6), v_align="TOP", align="LEFT", width=pdf.epw,
                           headings_style=FontFace(emphasis="BOLD", fill_color=rgb(HEADER_FILL)),
                           repeat_headings=1) as table:
                for values in [columns, *rows]:
                    row = table.row()
                    for value in values:
                        row.cell(pdf_text(plain(value)))
            pdf.ln(4)
        elif kind == "figure":
            _figure(pdf, brief, brief.figures[i])
        elif kind == "quote":
            _quote(pdf, brief, block)
        elif kind == "questions":
            if brief.kind(i - 1) != "heading":
                _need(pdf, 20)
                pdf.set_font(FONT, "B", 11)
                pdf.multi_cell(0, 6, pdf_text(brief.label("questions")), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            for number, item in enumerate(block["items"], start=1):
                _need(pdf, line * 2)
                pdf.set_font(FONT, "B", 10.5)
                pdf.set_x(pdf.l_margin)
                pdf.cell(7, line, f"{number}.", align="R")
                with _indent(pdf, 9):
                    _bullet_text(pdf, item, line)
                pdf.ln(1.2)
            pdf.ln(2)
        elif kind == "note":
            _need(pdf, 10)
            _write_runs(pdf, block["text"], size=8, line=3.9, color=grey)
            pdf.ln(2)
    return bytes(pdf.output())


def _bullet_text(pdf: Any, text: str, line: float) -> None:
    """Write ``text`` from the cursor, wrapped lines aligned on the current left margin."""
    for chunk, bold, italic, _code in runs(pdf_text(text)):
        pdf.set_font(FONT, ("B" if bold else "") + ("I" if italic else ""), 10.5)
        pdf.write(line, chunk)
    pdf.ln(line)
    pdf.set_font(FONT, "", 10.5)


def _col_widths(columns: list[str], rows: list[list[str]]) -> tuple[float, ...]:
    """Column shares from the longest word and the typical cell length of each column."""
    shares = []
    for k in range(len(columns)):
        cells = [columns[k]] + [r[k] for r in rows]
        longest_word = max((len(w) for c in cells for w in c.split()), default=1)
        typical = max((len(c) for c in cells), default=1)
        shares.append(max(longest_word, min(typical, 40), 4))
    return tuple(float(s) for s in shares) or (1.0,)


def _fitted_widths(pdf: Any, columns: list[str], rows: list[list[str]]) -> tuple[float, ...]:
    """Column widths (mm) from :func:`_col_widths`' shares, widened so that no column is narrower
    than its longest word (the heading's in bold) and its padding: a heading such as
    "segments" is never cut in the middle of the word."""
    shares = _col_widths(columns, rows)
    if not columns:
        return shares
    pad = 2 * 1.6 + 1.0
    pdf.set_font(FONT, "B", 9)
    need = [max((pdf.get_string_width(pdf_text(w)) for w in c.split()), default=0.0) + pad for c in columns]
    pdf.set_font(FONT, "", 9)
    for k in range(len(columns)):
        words = [w for r in rows for w in r[k].split()]
        longest = max(words, key=len, default="")
        need[k] = max(need[k], min(pdf.get_string_width(pdf_text(longest)) + pad, pdf.epw / 2))
    total = pdf.epw
    if sum(need) >= total:
        return tuple(need)
    widths = [total * s / sum(shares) for s in shares]
    for _ in range(len(widths)):  # raise the narrow columns, take the room from the others
        short = [k for k in range(len(widths)) if widths[k] < need[k] - 1e-9]
        if not short:
            break
        for k in short:
            widths[k] = need[k]
        fixed = {k for k in range(len(widths)) if widths[k] <= need[k] + 1e-9}
        free = [k for k in range(len(widths)) if k not in fixed]
        room = total - sum(widths[k] for k in fixed)
        weight = sum(shares[k] for k in free)
        for k in free:
            widths[k] = room * shares[k] / weight
    return tuple(widths)


def _metrics(pdf: Any, items: list[dict[str, str]]) -> None:
    per_row, gap = 3, 4.0
    width = (pdf.epw - gap * (per_row - 1)) / per_row
    for start in range(0, len(items), per_row):
        chunk = items[start:start + per_row]
        pdf.set_font(FONT, "", 8.5)
        label_lines = max(pdf_lines(pdf, width - 6, 4, pdf_text(plain(m["label"]))) for m in chunk)
        pdf.set_font(FONT, "B", 15)
        value_lines = max(pdf_lines(pdf, width - 6, 7, pdf_text(plain(m["value"])) or " ") for m in chunk)
        height = 4 + label_lines * 4 + value_lines * 7 + 3
        _need(pdf, height + 2)
        top = pdf.y
        for k, item in enumerate(chunk):
            x = pdf.l_margin + k * (width + gap)
            pdf.set_draw_color(*rgb(BOX_LINE))
            pdf.rect(x, top, width, height)
            pdf.set_xy(x + 3, top + 3)
            pdf.set_font(FONT, "", 8.5)
            pdf.set_text_color(*rgb(MUTED))
            pdf.multi_cell(width - 6, 4, pdf_text(plain(item["label"])), new_x="LEFT", new_y="NEXT")
            pdf.set_font(FONT, "B", 15)
            pdf.set_text_color(*rgb(BLACK))
            pdf.set_x(x + 3)
            pdf.multi_cell(width - 6, 7, pdf_text(plain(item["value"])), new_x="LEFT", new_y="NEXT")
        pdf.set_draw_color(*rgb(BLACK))
        pdf.set_xy(pdf.l_margin, top + height + gap)
    pdf.ln(2)


def _figure(pdf: Any, brief: Brief, fig: Figure) -> None:
    caption = pdf_text(brief.figure_caption(fig))
    pdf.set_font(FONT, "I", 9)
    caption_h = pdf_lines(pdf, pdf.epw, 4.6, caption, align="C") * 4.6 + 3
    width = pdf.epw
    height = width * fig.height_px / fig.width_px
    tallest = pdf.eph - caption_h - 6
    if height > tallest:
        height = tallest
        width = height * fig.width_px / fig.height_px
    _need(pdf, height + caption_h + 2)
    top = pdf.y
    pdf.image(io.BytesIO(fig.png), x=pdf.l_margin + (pdf.epw - width) / 2, y=top, w=width, h=height,
              alt_text=pdf_text(fig.alt) or None)
    pdf.set_xy(pdf.l_margin, top + height + 2)
    pdf.set_text_color(*rgb(MUTED))
    pdf.multi_cell(0, 4.6, caption, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*rgb(BLACK))
    pdf.ln(5)


def _quote(pdf: Any, brief: Brief, block: Mapping[str, Any]) -> None:
    text = pdf_text(block["text"]).strip()
    attribution = pdf_text(brief.attribution(block))
    with _indent(pdf, 10, 6):
        pdf.set_font(FONT, "I", 10.5)
        text_h = pdf_lines(pdf, pdf.epw, 5.4, text) * 5.4
        pdf.set_font(FONT, "", 8.5)
        attr_h = pdf_lines(pdf, pdf.epw, 4.4, attribution, align="R") * 4.4
        if text_h + attr_h + 4 < pdf.eph:
            _need(pdf, text_h + attr_h + 4)
        top, page = pdf.y, pdf.page
        theme = pdf_text(block.get("theme")).strip()
        if theme:
            pdf.set_font(FONT, "B", 7.5)
            pdf.set_text_color(*rgb(ACCENT))
            pdf.multi_cell(0, 4, theme.upper(), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "I", 10.5)
        pdf.set_text_color(*rgb(BLACK))
        pdf.multi_cell(0, 5.4, text, new_x="LMARGIN", new_y="NEXT")
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
