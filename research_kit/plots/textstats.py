"""Figures for word counts: frequencies, n-grams, keyness and dispersion.

Each function draws the frame a compute function returned (``frequencies()``,
``ngrams()``, ``keyness()``, ``dispersion()``), computes no statistic, and returns the
matplotlib Figure. Labels are in French (``lang="fr"``, default) or English.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from ..errors import ParameterError, SchemaError, check_option
from ..i18n import t
from ..palette import NEGATIVE, PALETTE, POSITIVE
from ._style import localised, new_axes

__all__ = ["plot_frequencies", "plot_keyness", "plot_dispersion"]

_KEYNESS_MEASURES = ("log_likelihood", "chi_square", "log_ratio", "percent_diff", "lafon")
_FREQUENCY_COLUMNS = {"term", "ngram", "count", "share", "per_10k", "rank", "doc_freq"}


@localised
def plot_frequencies(frame: pd.DataFrame, *, top: int = 20, lang: Literal["fr", "en"] = "fr", ax=None):
    """Horizontal bars of the most frequent terms (or n-grams) of one group.

    Parameters
    ----------
    frame
        What :func:`research_kit.textstats.frequencies` or
        :func:`research_kit.textstats.ngrams` returned, for a single group: with
        ``by=``, select one group first (``freq[freq["role"] == "habitant·e"]``).
    top
        Number of bars, the most frequent first.
    lang
        ``"fr"`` or ``"en"`` for the labels.
    ax
        Axes to draw on; a new figure when ``None``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fn = "plot_frequencies"
    check_option("lang", lang, ("fr", "en"), function=fn)
    top = _check_top(top, fn)
    name = "ngram" if "ngram" in getattr(frame, "columns", ()) else "term"
    _require(frame, [name, "count"], fn, "frequencies() or ngrams()")
    title = _single_group(frame, set(frame.columns) - _FREQUENCY_COLUMNS, fn, lang)
    rows = frame.sort_values("count", ascending=False, kind="stable").head(top)
    fig, ax = new_axes(ax, figsize=(7.0, max(2.5, 0.3 * len(rows) + 1.0)))
    ax.barh(range(len(rows)), rows["count"].to_numpy(), color=PALETTE[0])
    ax.set_yticks(range(len(rows)), rows[name].astype(str).tolist())
    ax.invert_yaxis()
    ax.set_xlabel(t("plot.textstats.count", lang))
    if title:
        ax.set_title(title, loc="left")
    return fig


@localised
def plot_keyness(frame: pd.DataFrame, *, top: int = 15, measure: str | None = None,
                 lang: Literal["fr", "en"] = "fr", ax=None):
    """Diverging bars: the target's most over- and most under-represented terms.

    Over-represented terms (positive scores) are drawn to the right in
    ``palette.POSITIVE``, under-represented ones (negative scores) to the left in
    ``palette.NEGATIVE``, each side ordered by the size of its score.

    Parameters
    ----------
    frame
        What :func:`research_kit.keyness.keyness` returned.
    top
        Number of bars on each side (at most).
    measure
        The score to draw: ``"log_likelihood"``, ``"chi_square"``,
        ``"log_ratio"``, ``"percent_diff"`` or ``"lafon"``. ``None`` draws the
        one the frame is sorted by (``keyness(..., measure=…)``), else
        log-likelihood.
    lang
        ``"fr"`` or ``"en"`` for the labels.
    ax
        Axes to draw on; a new figure when ``None``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fn = "plot_keyness"
    check_option("lang", lang, ("fr", "en"), function=fn)
    check_option("measure", measure, (None, *_KEYNESS_MEASURES), function=fn)
    top = _check_top(top, fn)
    _require(frame, ["term"], fn, "keyness()")
    if measure is None:
        sorted_by = [m for m in _KEYNESS_MEASURES if m in frame.columns and frame[m].is_monotonic_decreasing]
        measure = sorted_by[0] if sorted_by else "log_likelihood"
    _require(frame, [measure], fn, "keyness()")
    scores = frame[measure]
    over = frame[scores > 0].sort_values(measure, ascending=False, kind="stable").head(top)
    under = frame[scores < 0].sort_values(measure, ascending=True, kind="stable").head(top)
    rows = pd.concat([over, under.iloc[::-1]])
    fig, ax = new_axes(ax, figsize=(7.0, max(2.5, 0.3 * len(rows) + 1.2)))
    values = rows[measure].to_numpy(dtype=float)
    colours = [POSITIVE if v > 0 else NEGATIVE for v in values]
    ax.barh(range(len(rows)), values, color=colours)
    ax.set_yticks(range(len(rows)), rows["term"].astype(str).tolist())
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(t(f"plot.textstats.{measure}", lang))
    from matplotlib.patches import Patch

    handles = [Patch(color=POSITIVE, label=t("plot.textstats.over", lang)),
               Patch(color=NEGATIVE, label=t("plot.textstats.under", lang))]
    ax.legend(handles=handles, loc="lower right", frameon=False, fontsize="small")
    return fig


@localised
def plot_dispersion(frame: pd.DataFrame, *, top: int = 20, lang: Literal["fr", "en"] = "fr", ax=None):
    """Horizontal bars of Gries' DP for the first ``top`` terms of a dispersion frame.

    Parameters
    ----------
    frame
        What :func:`research_kit.textstats.dispersion` returned (most frequent
        terms first, or the terms asked for, in that order).
    top
        Number of bars.
    lang
        ``"fr"`` or ``"en"`` for the labels.
    ax
        Axes to draw on; a new figure when ``None``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fn = "plot_dispersion"
    check_option("lang", lang, ("fr", "en"), function=fn)
    top = _check_top(top, fn)
    _require(frame, ["term", "dp"], fn, "dispersion()")
    rows = frame.head(top)
    fig, ax = new_axes(ax, figsize=(7.0, max(2.5, 0.3 * len(rows) + 1.0)))
    ax.barh(range(len(rows)), rows["dp"].to_numpy(dtype=float), color=PALETTE[2])
    ax.set_yticks(range(len(rows)), rows["term"].astype(str).tolist())
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(t("plot.textstats.dp", lang))
    return fig


def _check_top(top: object, function: str) -> int:
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ParameterError("RK-P23", f"the 'top' parameter of {function}() must be a whole number >= 1; "
                                       f"got {top!r} instead.")
    return top


def _require(frame: object, columns: list[str], function: str, source: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError("RK-S02", f"{function}() draws the DataFrame that {source} returns; "
                                    f"got {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError("RK-S01", f"the frame passed to {function}() lacks the column(s) {', '.join(missing)}.",
                          hint=f"Pass the frame that {source} returns.")


def _single_group(frame: pd.DataFrame, group_columns: set[str], function: str, lang: str) -> str:
    """The title naming the frame's one group; ``RK-P31`` when it holds several."""
    cols = [c for c in frame.columns if c in group_columns]
    if not cols or frame.empty:
        return ""
    groups = frame[cols].drop_duplicates()
    if len(groups) > 1:
        first = groups.iloc[0]
        example = " & ".join(f'(freq["{c}"] == {first[c]!r})' for c in cols)
        raise ParameterError(
            "RK-P31",
            f"{function}() draws one group, but the frame holds {len(groups)} groups of {', '.join(cols)}.",
            hint=f"Select one first, e.g. {function}(freq[{example}]).",
        )
    colon = " : " if lang == "fr" else ": "  # French typography puts a space before the colon
    return ", ".join(f"{c}{colon}{groups.iloc[0][c]}" for c in cols)
