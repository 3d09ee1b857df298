"""A brief's quotes and discussion questions as printable cards: six per A4 sheet, PDF and HTML.

Everything printed keeps :data:`PRINT_MARGIN_MM` from the edge of the sheet (printers clip
what comes closer): the cutting lines, the cards' text and the footer. A quote keeps its
quotation marks paired, held to its first and last words by no-break spaces, and a quote
too long for its card at the smallest size is cut at a word and marked ``[…]``.
"""

from __future__ import annotations

import os
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .._io import atomic_write_bytes, atomic_write_text
from ..errors import BriefError
from ..palette import ACCENT, BLACK, CARD_LINE, MUTED, rgb
from .html import escape, held, quoted, stylesheet, template
from .layout import Brief, clean, guard, plain, prepare
from .pdf import FONT, new_pdf, pdf_lines, pdf_text

__all__ = ["to_cards", "write_cards", "check_cards", "CARDS_PER_PAGE", "PRINT_MARGIN_MM"]

#: Cards per A4 sheet (2 columns × 3 rows).
CARDS_PER_PAGE = 6
#: Nothing is printed nearer than this to the edge of the sheet (mm); printers clip 3 to 6 mm.
PRINT_MARGIN_MM = 12.0
_CARD_COLS, _CARD_ROWS = 2, 3
_GAP_MM = 6.0        # between two cards
_FOOT_MM = 9.0       # under the cards: the brief's title and notice, on two lines at most
_PAD_MM = 6.0        # inside a card, between the cutting line and the text


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


def _fit_text(pdf: Any, text: str, make: Callable[[str, bool], str], width: float, height: float,
              sizes: Sequence[float], style: str) -> tuple[float, float, str]:
    """The largest font size (and line height) at which ``make(text, False)`` fits the box.

    When it fits at no size, the text is cut: the most words of ``text`` for which
    ``make(words, True)`` fits at the smallest size.
    """
    def fits(candidate: str, size: float) -> bool:
        pdf.set_font(FONT, style, size)
        return pdf_lines(pdf, width, size * 0.47, candidate, "C") * size * 0.47 <= height

    whole = make(text, False)
    for size in sizes:
        if fits(whole, size):
            return size, size * 0.47, whole
    size, words = sizes[-1], text.split()
    low, high = 1, len(words) - 1          # the most words that fit, by halves
    while low < high:
        middle = (low + high + 1) // 2
        if fits(make(" ".join(words[:middle]), True), size):
            low = middle
        else:
            high = middle - 1
    return size, size * 0.47, make(" ".join(words[:low]).rstrip(" ,;:"), True)


def _footer_text(pdf: Any, text: str, width: float) -> str:
    """``text`` on at most two lines of ``width`` at 7 pt, cut at a word with "…" if it is longer."""
    pdf.set_font(FONT, "", 7)
    words = text.split()
    if pdf_lines(pdf, width, 3.2, text, "C") <= 2:
        return text
    while len(words) > 1 and pdf_lines(pdf, width, 3.2, " ".join(words) + " …", "C") > 2:
        words.pop()
    return " ".join(words).rstrip(" ,;:·") + " …"


def _cards_pdf(brief: Brief, cards: list[_Card]) -> bytes:
    pdf = new_pdf(brief, footer=False)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    margin, gap, foot, pad = PRINT_MARGIN_MM, _GAP_MM, _FOOT_MM, _PAD_MM
    card_w = (pdf.w - 2 * margin - gap * (_CARD_COLS - 1)) / _CARD_COLS
    card_h = (pdf.h - 2 * margin - foot - gap * (_CARD_ROWS - 1)) / _CARD_ROWS
    inner_w = card_w - 2 * pad
    grey = rgb(MUTED)
    notice = plain(clean(brief.meta.get("notice")))
    footer_text = " ".join(pdf_text(" · ".join(t for t in (brief.title, notice.strip()) if t)).split())
    for index, card in enumerate(cards):
        slot = index % CARDS_PER_PAGE
        if slot == 0:
            pdf.add_page()
            if index == 0:            # fpdf2 measures text on a page
                footer_text = _footer_text(pdf, footer_text, pdf.w - 2 * margin)
            pdf.set_font(FONT, "", 7)
            pdf.set_text_color(*grey)
            lines = pdf_lines(pdf, pdf.w - 2 * margin, 3.2, footer_text, "C")
            pdf.set_xy(margin, pdf.h - margin - lines * 3.2)
            pdf.multi_cell(pdf.w - 2 * margin, 3.2, footer_text, align="C", new_x="LEFT", new_y="NEXT")
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
            size, line, text = _fit_text(pdf, pdf_text(card.text), lambda t, cut: quoted(brief, t, after=cut),
                                         inner_w, box_h, (15, 13, 12, 11, 10, 9), "I")
            style = "I"
        else:
            attribution, attr_h = "", 0.0
            box_h = bottom - top
            size, line, text = _fit_text(pdf, pdf_text(card.text), lambda t, cut: held(f"{t} …" if cut else t),
                                         inner_w, box_h, (17, 15, 13, 12, 11, 10, 9), "B")
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


_LONG_CARD, _LONGER_CARD = 220, 340     # characters: smaller type, so that the text stays on its card
_MOST_CARD = 440                         # characters: a longer quote is cut at a word, marked […]


def _card_quote(brief: Brief, text: str) -> str:
    """The quote as an HTML card shows it: quoted, cut with ``[…]`` past :data:`_MOST_CARD` characters."""
    if len(text) <= _MOST_CARD:
        return quoted(brief, text)
    cut = text[:_MOST_CARD].rsplit(None, 1)[0].rstrip(" ,;:")
    return quoted(brief, cut, after=True)


def _length_class(text: str) -> str:
    n = len(text)
    return " rk-card-longer" if n > _LONGER_CARD else " rk-card-long" if n > _LONG_CARD else ""


def _cards_html(brief: Brief, cards: list[_Card]) -> str:
    notice = plain(clean(brief.meta.get("notice"))).strip()
    sheets = []
    for start in range(0, len(cards), CARDS_PER_PAGE):
        items = []
        for card in cards[start:start + CARDS_PER_PAGE]:
            label = f'<p class="rk-card-label">{escape(card.label)}</p>'
            note = f'<p class="rk-card-notice">{escape(notice)}</p>' if notice else ""
            if card.kind == "quote":
                text = "<br>\n".join(escape(t) for t in _card_quote(brief, card.text).split("\n"))
                footer = escape(card.who) + (f"<cite>{escape(card.source)}</cite>" if card.source else "")
                items.append(f'<article class="rk-card rk-card-quote{_length_class(card.text)}">\n{label}\n'
                             f"<blockquote><p>{text}</p></blockquote>\n<footer>{footer}</footer>\n{note}</article>")
            else:
                items.append(f'<article class="rk-card rk-card-q{_length_class(card.text)}">\n{label}\n'
                             f'<p class="rk-card-question">{escape(held(card.text))}</p>\n{note}</article>')
        sheets.append('<section class="rk-sheet">\n' + "\n".join(items) + "\n</section>")
    page = string.Template(template("cards.html"))
    return page.substitute(lang=escape(brief.lang_tag), title=escape(f"{brief.title} · {brief.label('cards_suffix')}"),
                           css=stylesheet("cards.css"), intro=escape(brief.label("cards_intro")),
                           sheets="\n".join(sheets))
