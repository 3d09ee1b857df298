"""What every figure shares: a clean look, and the colours of :mod:`research_kit.palette`.

The palette is Okabe & Ito's (2008) eight colours, distinguishable with the common
colour-vision deficiencies (re-exported here from :mod:`research_kit.palette`); labels
come from :mod:`research_kit.i18n` (``plot.<module>.<key>``). Figures carry only their
data: no logo, no corpus path, no speaker's name that the frame did not hold.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Literal

from ..i18n import month, number
from ..palette import NEGATIVE, NEUTRAL, PALETTE, POSITIVE

__all__ = ["PALETTE", "POSITIVE", "NEGATIVE", "NEUTRAL", "Lang", "new_axes", "tidy", "localise", "localised"]

Lang = Literal["fr", "en"]


def new_axes(ax=None, *, figsize=(7.0, 4.0)):
    """Return ``(fig, ax)``: the given axes' figure, or a new figure with the house style."""
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    tidy(ax)
    return fig, ax


def date_axis(ax, *, most: int = 6) -> None:
    """Dates on the x axis: at most ``most`` ticks (whole months over a season), labels apart.

    Matplotlib's default locator wants five ticks at least, so three months of sessions
    get a tick every fortnight and their labels run into each other ("15 févr.1 mars").
    :func:`localise` then writes the labels in the figure's language.
    """
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=most)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def tidy(ax) -> None:
    """Remove chart junk: top/right spines, heavy ticks."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=3)


# ---------------------------------------------------------------------------
# tick labels in the figure's language, whatever the system locale


def _decimals(values, most: int = 4) -> int:
    """The fewest decimals that write every value exactly (ticks 0, 0.25, 0.5 need 2)."""
    for d in range(most + 1):
        if all(abs(v - round(v, d)) <= 1e-9 * max(1.0, abs(v)) for v in values):
            return d
    return most


def _formatter_classes():
    from matplotlib.ticker import Formatter

    class NumberFormatter(Formatter):
        """Numbers as the language writes them: ``0,25`` and ``1 000`` in French, ``0.25`` and ``1,000`` in English."""

        def __init__(self, lang: str, scale: float = 1.0, percent: bool = False):
            self.lang, self.scale, self.percent = lang, scale, percent

        def _text(self, value: float, decimals: int) -> str:
            text = number(value * self.scale, self.lang, decimals=decimals)
            if self.percent:
                text += "\u00a0%" if self.lang == "fr" else "%"
            return text

        def format_ticks(self, values):
            scaled = [v * self.scale for v in values]
            d = _decimals(scaled)
            return [self._text(v, d) for v in values]

        def __call__(self, x, pos=None):
            return self._text(x, _decimals([x * self.scale]))

    class DateFormatter(Formatter):
        """Dates with the language's month names: ``15 mars`` / ``Mar 15``; months, then years, as ticks grow apart."""

        def __init__(self, lang: str):
            self.lang = lang

        def _day(self, d) -> str:
            return f"{d.day} {month(d.month, self.lang)}" if self.lang == "fr" else f"{month(d.month, self.lang)} {d.day}"

        def format_ticks(self, values):
            import matplotlib.dates as mdates

            dates = [mdates.num2date(v) for v in values]
            if not dates:
                return []
            step = min((b - a for a, b in zip(values, values[1:])), default=0.0)  # in days
            out = []
            for i, d in enumerate(dates):
                new_year = i == 0 or d.year != dates[i - 1].year
                if step >= 360:
                    out.append(str(d.year))
                elif step >= 27:
                    out.append(month(d.month, self.lang) + (f"\n{d.year}" if new_year else ""))
                elif step >= 1 or len(dates) == 1:
                    out.append(self._day(d) + (f"\n{d.year}" if new_year else ""))
                else:
                    out.append(f"{d.hour:02d}:{d.minute:02d}" + (f"\n{self._day(d)}" if i == 0 else ""))
            return out

        def __call__(self, x, pos=None):
            import matplotlib.dates as mdates

            d = mdates.num2date(x)
            return f"{self._day(d)} {d.year}"

    return NumberFormatter, DateFormatter


def localise(fig: Any, lang: str) -> Any:
    """Write the tick labels of every axes of ``fig`` in ``lang``, without the system locale.

    Numeric axes get the language's decimal mark and digit grouping (``0,4``,
    ``1\u202f000`` in French), percentages ``40\u00a0%``, date axes the language's month
    names (``janv.``, ``févr.``…). Axes whose ticks are words (names, codes) are left
    alone. Returns ``fig``.
    """
    import matplotlib.dates as mdates
    from matplotlib.ticker import PercentFormatter, ScalarFormatter

    NumberFormatter, DateFormatter = _formatter_classes()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            current = axis.get_major_formatter()
            if isinstance(current, (mdates.ConciseDateFormatter, mdates.AutoDateFormatter, mdates.DateFormatter)):
                axis.set_major_formatter(DateFormatter(lang))
            elif isinstance(current, PercentFormatter):
                axis.set_major_formatter(NumberFormatter(lang, scale=100.0 / current.xmax, percent=True))
            elif isinstance(current, ScalarFormatter):
                axis.set_major_formatter(NumberFormatter(lang))
    return fig


def localised(function: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a ``plot_*`` function so that the figure it returns is :func:`localise`-d in its ``lang``."""
    default = inspect.signature(function).parameters["lang"].default

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        fig = function(*args, **kwargs)
        lang = kwargs.get("lang", default)
        return localise(fig, lang if lang in ("fr", "en") else "en")

    return wrapper
