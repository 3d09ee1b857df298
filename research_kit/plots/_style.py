"""What every figure shares: a colour-blind-safe palette, bilingual labels, a clean look.

The palette is Okabe & Ito's (2008) eight colours, distinguishable with the common
colour-vision deficiencies. Figures carry only their data: no logo, no corpus path,
no speaker's name that the frame did not hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from ..errors import check_option

Lang = Literal["fr", "en"]

#: Okabe-Ito palette (black last, for text-like marks).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
#: For diverging values (over- vs under-represented): blue vs vermillion.
POSITIVE, NEGATIVE, NEUTRAL = "#0072B2", "#D55E00", "#999999"


def label(labels: Mapping[str, Mapping[str, str]], key: str, lang: str) -> str:
    """The label ``key`` in ``lang`` from a ``{key: {"fr": …, "en": …}}`` table."""
    check_option("lang", lang, ("fr", "en"), function="plot")
    return labels[key][lang]


def new_axes(ax=None, *, figsize=(7.0, 4.0)):
    """Return ``(fig, ax)``: the given axes' figure, or a new figure with the house style."""
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    tidy(ax)
    return fig, ax


def tidy(ax) -> None:
    """Remove chart junk: top/right spines, heavy ticks."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=3)
