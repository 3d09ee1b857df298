"""Every colour Research Kit draws with: figures, briefs, slides and cards.

Figures use Okabe & Ito's (2008) eight colours, distinguishable with the common
colour-vision deficiencies. Documents (HTML, DOCX, PDF, PPTX, cards) use a few quiet
house colours: dark ink, a muted grey for small print, one blue accent. Colours are
``#RRGGBB`` strings; :func:`rgb` gives the ``(r, g, b)`` triple that fpdf2 and
python-pptx take, and :data:`CSS` the values the HTML templates' ``$names`` stand for.

References
----------
Okabe, M., & Ito, K. (2008). *Color Universal Design (CUD): how to make figures and
presentations that are friendly to colorblind people*. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import re

from .errors import ParameterError

__all__ = [
    "PALETTE", "CODE_COLOURS", "POSITIVE", "NEGATIVE", "NEUTRAL", "CLASS_EXTRA", "WHITE", "DARK_GREY", "MID_GREY",
    "INK", "BLACK", "MUTED", "ACCENT", "RULE", "SOFT", "PRINT_MUTED", "CUT_LINE", "CUT_LINE_PRINT",
    "BOX_LINE", "HEADER_FILL", "FOOTER_GREY", "CARD_LINE", "CSS", "rgb",
]

# --------------------------------------------------------------------------- figures

#: Okabe-Ito palette (black last, for text-like marks).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
#: The colours a codebook code may take: Okabe-Ito's in their published order, grey for black
#: (a code's colour marks text, where black would not show).
CODE_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")
#: For diverging values (over- vs under-represented): blue vs vermillion; grey for neither.
POSITIVE, NEGATIVE, NEUTRAL = "#0072B2", "#D55E00", "#999999"
#: After Okabe-Ito's first six, for up to ten Reinert classes: three of Paul Tol's muted
#: colours and a dark yellow.
CLASS_EXTRA = ("#882255", "#44AA99", "#999933", "#B59F00")
#: The empty end of heat maps.
WHITE = "#FFFFFF"
#: Dendrogram branches.
DARK_GREY = "#444444"
#: Words of no class on a factor map.
MID_GREY = "#555555"

# --------------------------------------------------------------------------- documents

#: Body text on screen (HTML).
INK = "#1D2329"
#: Body text on paper (PDF, cards) and in print.
BLACK = "#000000"
#: Small print: meta line, captions, attributions, notes.
MUTED = "#56606B"
#: The one accent: level-2 headings, rules, quote bars, card labels.
ACCENT = "#275D8B"
#: Hairlines between table rows and around boxes (HTML).
RULE = "#D5DBE1"
#: Background of metrics and quotes (HTML).
SOFT = "#F2F5F8"
#: Small print when printed from a browser.
PRINT_MUTED = "#333333"
#: The dashed cutting line of HTML cards, on screen and in print.
CUT_LINE, CUT_LINE_PRINT = "#8A939C", "#555555"
#: Borders of the metric boxes (PDF).
BOX_LINE = "#C8CFD6"
#: Header row of tables (PDF).
HEADER_FILL = "#E8EDF2"
#: Page numbers (PDF).
FOOTER_GREY = "#6E6E6E"
#: The dashed cutting line of PDF cards.
CARD_LINE = "#787878"

#: What each ``$name`` of the templates' stylesheets stands for.
CSS: dict[str, str] = {
    "ink": INK, "muted": MUTED, "accent": ACCENT, "rule": RULE, "soft": SOFT, "paper": WHITE,
    "black": BLACK, "print_muted": PRINT_MUTED, "cut_line": CUT_LINE, "cut_line_print": CUT_LINE_PRINT,
}

_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


def rgb(colour: str) -> tuple[int, int, int]:
    """The ``(red, green, blue)`` triple, 0–255, of a ``#RRGGBB`` colour.

    Raises
    ------
    ParameterError
        ``RK-P01`` when ``colour`` is not written ``#RRGGBB``.

    Examples
    --------
    >>> rgb(ACCENT)
    (39, 93, 139)
    """
    if not isinstance(colour, str) or not _HEX.fullmatch(colour):
        raise ParameterError("RK-P01", f"the 'colour' parameter of rgb() must be written #RRGGBB; got {colour!r} instead.")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
