"""What every figure shares: a clean look, and the colours of :mod:`research_kit.palette`.

The palette is Okabe & Ito's (2008) eight colours, distinguishable with the common
colour-vision deficiencies (re-exported here from :mod:`research_kit.palette`); labels
come from :mod:`research_kit.i18n` (``plot.<module>.<key>``). Figures carry only their
data: no logo, no corpus path, no speaker's name that the frame did not hold.
"""

from __future__ import annotations

from typing import Literal

from ..palette import NEGATIVE, NEUTRAL, PALETTE, POSITIVE

__all__ = ["PALETTE", "POSITIVE", "NEGATIVE", "NEUTRAL", "Lang", "new_axes", "tidy"]

Lang = Literal["fr", "en"]


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
