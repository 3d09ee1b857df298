"""A brief's quotes and discussion questions as printable cards: six per A4 sheet, PDF and HTML."""

from __future__ import annotations

import os
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .._io import atomic_write_bytes, atomic_write_text
from ..errors import BriefError
from ..palette import ACCENT, BLACK, CARD_LINE, MUTED, rgb
from .html import escape, stylesheet, template
from .layout import Brief, clean, guard, plain, prepare
from .pdf import FONT, new_pdf, pdf_lines, pdf_text

__all__ = ["to_cards", "write_cards", "check_cards", "CARDS_PER_PAGE"]

#: Cards per A4 sheet (2 columns × 3 rows).
CARDS_PER_PAGE = 6
_CARD_COLS, _CARD_ROWS = 2, 3


def to_cards(blocks: Iterable[Mapping[str, Any]], path_pdf: str | os.PathLike[str],
             path_html: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write the quote and question cards as a PDF and an HTML page; return both paths."""
    brief = prepare(blocks)
    check_cards(brief)
    with guard("cards", path_pdf):
        return write_cards(brief, Path(path_pdf), Path(path_html))


def check_cards(brief: Brief) -> None:
    """``RK-B12`` unless the brief has a quote or a question to put on a card."""
    if not brief.quotes() and not brief.questions():
        raise BriefError("RK-B12", "the brief shows no quote and no discussion question to put on cards.",
                         hint="Show some with research_kit.show.quotes() or .questions(), or leave cards out.")


@dataclass(frozen=True)
class _Card:
    kind: Literal["quote", "question"]
    label: str
    text: str
    who: str = ""
    source: str = ""


def _cards(brief: Brief) -> list[_Card]:
    cards = []
    for quote in brief.quotes():
        cards.append(_Card("quote", clean(quote.get("theme")).strip() or brief.label("quote"),
                           clean(quote["text"]).strip(), brief.attribution(quote, source=False),
                           clean(quote.get("source")).strip()))
    for question in brief.questions():
        cards.append(_Card("question", brief.label("question"), plain(question).strip()))
    return cards


def write_cards(brief: Brief, pdf_path: Path, html_path: Path) -> tuple[Path, Path]:
    """Write both card files, each atomically, after building both."""
    cards = _cards(brief)
    pdf_bytes = _cards_pdf(brief, cards)       # both built before anything is written
    page = _cards_html(brief, cards)
    return atomic_write_bytes(pdf_path, pdf_bytes), atomic_write_text(html_path, page)


def _fit_text(pdf: Any, text: str, width: float, height: float, sizes: Sequence[float], style: str,
              align: str = "C") -> tuple[float, float, str]:
    """The largest font size (and line height) at which ``text`` fits the box; cut it if none does."""
    for size in sizes:
        pdf.set_font(FONT, style, size)
        line = size * 0.47
        if pdf_lines(pdf, width, line, text, align) * line <= height:
            return size, line, text
    size = sizes[-1]
    pdf.set_font(FONT, style, size)
    line = size * 0.47
    words = text.split()
    while words and pdf_lines(pdf, width, line, " ".join(words) + " …", align) * line > height:
        words.pop()
    return size, line, " ".join(words) + " …"


def _cards_pdf(brief: Brief, cards: list[_Card]) -> bytes:
    pdf = new_pdf(brief, footer=False)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    margin, gap, foot = 10.0, 8.0, 8.0
    card_w = (pdf.w - 2 * margin - gap * (_CARD_COLS - 1)) / _CARD_COLS
    card_h = (pdf.h - 2 * margin - foot - gap * (_CARD_ROWS - 1)) / _CARD_ROWS
    pad = 6.0
    inner_w = card_w - 2 * pad
    grey = rgb(MUTED)
    notice = plain(clean(brief.meta.get("notice")))
    footer_text = " ".join(pdf_text(" · ".join(t for t in (brief.title, notice.strip()) if t)).split())
    for index, card in enumerate(cards):
        slot = index % CARDS_PER_PAGE
        if slot == 0:
            pdf.add_page()
            pdf.set_font(FONT, "", 7)
            pdf.set_text_color(*grey)
            pdf.set_xy(margin, pdf.h - margin - foot + 2)
            pdf.cell(pdf.w - 2 * margin, 4, footer_text[:160], align="C")
        col, row = slot % _CARD_COLS, slot // _CARD_COLS
        x = margin + col * (card_w + gap)
        y = margin + row * (card_h + gap)
        pdf.set_draw_color(*rgb(CARD_LINE))
        pdf.set_line_width(0.25)
        pdf.set_dash_pattern(dash=2, gap=1.5)
        pdf.rect(x, y, card_w, card_h)
        pdf.set_dash_pattern()
        # label
        pdf.set_font(FONT, "B", 7.5)
        pdf.set_text_color(*rgb(ACCENT))
        pdf.set_xy(x + pad, y + pad)
        pdf.multi_cell(inner_w, 3.8, pdf_text(card.label).upper(), align="L", new_x="LEFT", new_y="NEXT")
        top = pdf.get_y() + 2
        bottom = y + card_h - pad
        if card.kind == "quote":
            pdf.set_font(FONT, "", 8)
            attribution = pdf_text(card.who + ("\n" + card.source if card.source else ""))
            attr_h = pdf_lines(pdf, inner_w, 3.8, attribution, "R") * 3.8
            box_h = bottom - attr_h - 2 - top
            size, line, text = _fit_text(pdf, pdf_text(brief.quoted(card.text)), inner_w, box_h,
                                         (15, 13, 12, 11, 10, 9, 8, 7), "I")
            style = "I"
        else:
            attribution, attr_h = "", 0.0
            box_h = bottom - top
            size, line, text = _fit_text(pdf, pdf_text(card.text), inner_w, box_h,
                                         (17, 15, 13, 12, 11, 10, 9, 8), "B")
            style = "B"
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*rgb(BLACK))
        text_h = pdf_lines(pdf, inner_w, line, text, "C") * line
        pdf.set_xy(x + pad, top + max(box_h - text_h, 0) / 2)
        pdf.multi_cell(inner_w, line, text, align="C", new_x="LEFT", new_y="NEXT")
        if attribution:
            pdf.set_font(FONT, "", 8)
            pdf.set_text_color(*grey)
            pdf.set_xy(x + pad, bottom - attr_h)
            pdf.multi_cell(inner_w, 3.8, attribution, align="R", new_x="LEFT", new_y="NEXT")
        pdf.set_text_color(*rgb(BLACK))
    return bytes(pdf.output())


def _cards_html(brief: Brief, cards: list[_Card]) -> str:
    notice = plain(clean(brief.meta.get("notice"))).strip()
    sheets = []
    for start in range(0, len(cards), CARDS_PER_PAGE):
        items = []
        for card in cards[start:start + CARDS_PER_PAGE]:
            label = f'<p class="rk-card-label">{escape(card.label)}</p>'
            note = f'<p class="rk-card-notice">{escape(notice)}</p>' if notice else ""
            if card.kind == "quote":
                text = "<br>\n".join(escape(t) for t in brief.quoted(card.text).split("\n"))
                footer = escape(card.who) + (f"<cite>{escape(card.source)}</cite>" if card.source else "")
                items.append(f'<article class="rk-card rk-card-quote">\n{label}\n<blockquote><p>{text}</p></blockquote>\n'
                             f"<footer>{footer}</footer>\n{note}</article>")
            else:
                items.append(f'<article class="rk-card rk-card-q">\n{label}\n'
                             f'<p class="rk-card-question">{escape(card.text)}</p>\n{note}</article>')
        sheets.append('<section class="rk-sheet">\n' + "\n".join(items) + "\n</section>")
    page = string.Template(template("cards.html"))
    return page.substitute(lang=escape(brief.lang_tag), title=escape(f"{brief.title} · {brief.label('cards_suffix')}"),
                           css=stylesheet("cards.css"), intro=escape(brief.label("cards_intro")),
                           sheets="\n".join(sheets))
