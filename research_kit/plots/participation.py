"""Figures of participation: who held the floor, how equal voice was, who spoke after whom.

Each function draws exactly the frame that a function of
:mod:`research_kit.participation` returned and computes nothing: no share, no total,
no Gini. Labels come from :mod:`research_kit.i18n`
(``plot.participation.<key>``), in French (``lang="fr"``, the default) or
English; a missing role is shown as "(sans rôle)" / "(no role)". Every function
accepts ``ax=`` to draw into existing axes and returns the matplotlib ``Figure``.

Error codes: ``RK-P01`` (an option not among its allowed values), ``RK-P52`` (a frame
that holds several documents where the figure shows one), ``RK-S01``/``RK-S02`` (a
frame that is not the one the figure draws).
"""

from __future__ import annotations

import numbers
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import ParameterError, SchemaError, check_option
from ..i18n import t
from ..palette import NEUTRAL, PALETTE, WHITE
from ._style import date_axis, localised, new_axes

__all__ = ["plot_participation", "plot_floor", "plot_turn_taking"]

PARTICIPATION_MEASURES = ("share_words", "share_turns", "share_time", "words", "turns", "speaking_time_s",
                          "mean_turn_words", "longest_turn_words")
FLOOR_MEASURES = ("gini_words", "gini_turns", "gini_time", "participants_gini_words", "evenness_words",
                  "top_share_words", "facilitator_share_words", "facilitator_share_turns", "unnamed_share_words",
                  "timed_share_turns", "n_speakers", "n_roles", "n_turns", "n_words")
_SHARES = {"share_words", "share_turns", "share_time", "top_share_words", "facilitator_share_words",
           "facilitator_share_turns", "unnamed_share_words", "timed_share_turns"}
_UNIT_RANGE = {"gini_words", "gini_turns", "gini_time", "participants_gini_words", "evenness_words"}


def _require(frame: object, columns: list[str], function: str, source: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError("RK-S02", f"{function}() draws the frame that {source} returns; "
                                    f"got {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError("RK-S01", f"the frame passed to {function}() lacks the column(s) {', '.join(missing)}.",
                          hint=f"Pass the frame that {source} returns.")
    return frame


def _name(value: object, lang: str) -> str:
    return t("plot.participation.no_role", lang) if pd.isna(value) else str(value)


def _no_data(ax, lang: str) -> None:
    ax.text(0.5, 0.5, t("plot.participation.no_data", lang), ha="center", va="center", transform=ax.transAxes,
            color=NEUTRAL)


@localised
def plot_participation(
    frame: pd.DataFrame,
    *,
    measure: str = "share_words",
    lang: Literal["fr", "en"] = "fr",
    top: int | None = 15,
    ax=None,
):
    """Horizontal bars of one column of :func:`research_kit.participation.participation`.

    Bars are sorted, largest at the top; rows whose value is NaN (time without
    timestamps) are left out. The unnamed speaker ``?`` is drawn in grey. When the frame
    holds several documents, each bar is labelled ``name · doc_id``.

    Parameters
    ----------
    frame
        What ``participation(corpus, ...)`` returned (any ``by`` and ``over``).
    measure
        The column to draw: ``share_words``, ``share_turns``, ``share_time``, ``words``,
        ``turns``, ``speaking_time_s``, ``mean_turn_words`` or ``longest_turn_words``.
    lang
        Language of the labels, ``"fr"`` or ``"en"``.
    top
        Draw the ``top`` largest values only; ``None`` for all.
    ax
        Matplotlib axes to draw into; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_participation(participation(corpus), lang="en")  # doctest: +SKIP
    """
    check_option("measure", measure, PARTICIPATION_MEASURES, function="plot_participation")
    check_option("lang", lang, ("fr", "en"), function="plot_participation")
    if top is not None and (isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1):
        raise ParameterError("RK-P50", f"the 'top' parameter of plot_participation() must be a whole number "
                                       f">= 1 or None; got {top!r} instead.")
    _require(frame, [measure], "plot_participation", "participation()")
    name = "speaker" if "speaker" in frame.columns else "role"
    _require(frame, [name], "plot_participation", "participation()")

    rows = frame[frame[measure].notna()]
    rows = rows.sort_values(measure, ascending=False, kind="stable")
    if top is not None:
        rows = rows.head(int(top))
    several = "doc_id" in rows.columns and rows["doc_id"].nunique() > 1
    names = [_name(v, lang) for v in rows[name]]
    if several:
        names = [f"{n} · {d}" for n, d in zip(names, rows["doc_id"])]
    unnamed = ~rows["named"].to_numpy(dtype=bool) if "named" in rows else np.zeros(len(rows), dtype=bool)

    fig, ax = new_axes(ax, figsize=(7.0, max(2.5, 0.35 * len(rows) + 1.2)))
    positions = np.arange(len(rows))[::-1]  # largest on top
    colours = [NEUTRAL if u else PALETTE[0] for u in unnamed]
    ax.barh(positions, rows[measure].to_numpy(dtype=float), color=colours, height=0.7)
    ax.set_yticks(positions, names)
    ax.set_xlabel(t(f"plot.participation.{measure}", lang))
    ax.set_title(t(f"plot.participation.{measure}", lang))
    if measure in _SHARES:
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    if unnamed.any():
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=PALETTE[0], label=t("plot.participation.named", lang)),
                           Patch(color=NEUTRAL, label=t("plot.participation.unnamed", lang))],
                  loc="lower right", frameon=False)
    if rows.empty:
        _no_data(ax, lang)
    return fig


@localised
def plot_floor(
    frame: pd.DataFrame,
    *,
    measure: str = "gini_words",
    lang: Literal["fr", "en"] = "fr",
    ax=None,
):
    """One indicator of :func:`research_kit.participation.floor` per session, over time.

    Sessions are placed at their dates when every document has one, else in corpus
    order (labelled by ``doc_id``); points joined by a line. The corpus row
    (``over="corpus"``, ``doc_id`` NA) is drawn as a dashed horizontal line.

    Parameters
    ----------
    frame
        What ``floor(corpus, ...)`` returned.
    measure
        The column to draw, e.g. ``gini_words`` (default), ``participants_gini_words``,
        ``facilitator_share_words``, ``evenness_words``, ``top_share_words``.
    lang
        Language of the labels, ``"fr"`` or ``"en"``.
    ax
        Matplotlib axes to draw into; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_floor(floor(corpus, over="corpus"), measure="participants_gini_words")  # doctest: +SKIP
    """
    check_option("measure", measure, FLOOR_MEASURES, function="plot_floor")
    check_option("lang", lang, ("fr", "en"), function="plot_floor")
    _require(frame, ["doc_id", "date", measure], "plot_floor", "floor()")

    docs = frame[frame["doc_id"].notna()]
    whole = frame[frame["doc_id"].isna()]
    fig, ax = new_axes(ax)
    dated = len(docs) > 0 and bool(docs["date"].notna().all())
    if dated:
        docs = docs.sort_values("date", kind="stable")
        x = pd.to_datetime(docs["date"]).to_numpy()
        ax.set_xlabel(t("plot.participation.date", lang))
    else:
        x = np.arange(len(docs))
        ax.set_xticks(x, [str(d) for d in docs["doc_id"]], rotation=30, ha="right")
        ax.set_xlabel(t("plot.participation.order", lang))
    ax.plot(x, docs[measure].to_numpy(dtype=float), marker="o", color=PALETTE[0], linewidth=1.5)
    if dated:
        date_axis(ax)
    for value in whole[measure].to_numpy(dtype=float):
        if not np.isnan(value):
            ax.axhline(value, linestyle="--", color=PALETTE[1], linewidth=1.2, label=t("plot.participation.corpus", lang))
    if len(whole) and whole[measure].notna().any():
        ax.legend(frameon=False)
    if measure in _SHARES:
        from matplotlib.ticker import PercentFormatter

        ax.set_ylim(-0.02, 1.02)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    elif measure in _UNIT_RANGE:
        ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel(t(f"plot.participation.{measure}", lang))
    ax.set_title(t(f"plot.participation.{measure}", lang))
    if docs[measure].isna().all() and (whole.empty or whole[measure].isna().all()):
        _no_data(ax, lang)
    return fig


@localised
def plot_turn_taking(frame: pd.DataFrame, *, lang: Literal["fr", "en"] = "fr", ax=None):
    """Heatmap of :func:`research_kit.participation.turn_taking`: rows before, columns after.

    Each cell's colour and annotation is the frame's ``count``; pairs absent from the
    frame are empty (0) cells without annotation. The figure shows one matrix: pass a
    frame of one document (``frame[frame["doc_id"] == "..."]``) or the one that
    ``turn_taking(corpus, over="corpus")`` returns.

    Parameters
    ----------
    frame
        What ``turn_taking(corpus, ...)`` returned, for one document or the corpus.
    lang
        Language of the labels, ``"fr"`` or ``"en"``.
    ax
        Matplotlib axes to draw into; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ParameterError
        ``RK-P52`` when the frame holds several documents.

    Examples
    --------
    >>> fig = plot_turn_taking(turn_taking(corpus, by="role", over="corpus"))  # doctest: +SKIP
    """
    check_option("lang", lang, ("fr", "en"), function="plot_turn_taking")
    _require(frame, ["from", "to", "count"], "plot_turn_taking", "turn_taking()")
    if "doc_id" in frame.columns and frame["doc_id"].nunique() > 1:
        ids = frame["doc_id"].drop_duplicates().tolist()
        raise ParameterError(
            "RK-P52",
            f"plot_turn_taking() draws one matrix, but the frame holds {len(ids)} documents ({', '.join(map(str, ids[:3]))}"
            f"{', …' if len(ids) > 3 else ''}).",
            hint=f'Pass frame[frame["doc_id"] == "{ids[0]}"], or turn_taking(corpus, over="corpus").',
        )
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.ticker import MaxNLocator

    keys = [_name(v, lang) for v in pd.concat([frame["from"], frame["to"]], ignore_index=True)]
    names = list(dict.fromkeys(sorted(k for k in keys if k != t("plot.participation.no_role", lang))))
    if t("plot.participation.no_role", lang) in keys:
        names.append(t("plot.participation.no_role", lang))
    where = {n: i for i, n in enumerate(names)}
    matrix = np.zeros((len(names), len(names)))
    cells = [(where[_name(f, lang)], where[_name(t, lang)], int(c))
             for f, t, c in zip(frame["from"], frame["to"], frame["count"])]
    for i, j, c in cells:
        matrix[i, j] = c

    size = max(3.5, 0.55 * len(names) + 2.0)
    fig, ax = new_axes(ax, figsize=(size + 1.0, size))
    ax.set_title(t("plot.participation.turn_taking", lang))
    if not cells:
        _no_data(ax, lang)
        return fig
    cmap = LinearSegmentedColormap.from_list("rk_blue", [WHITE, PALETTE[0]])
    top = matrix.max() if matrix.size else 1.0
    image = ax.imshow(matrix, cmap=cmap, vmin=0, vmax=max(top, 1.0), aspect="equal")
    for i, j, c in cells:
        ax.text(j, i, str(c), ha="center", va="center", fontsize=9,
                color="white" if c > 0.6 * top else "black")
    ax.set_xticks(np.arange(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(np.arange(len(names)), names)
    ax.set_xlabel(t("plot.participation.to", lang))
    ax.set_ylabel(t("plot.participation.from", lang))
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    colorbar = fig.colorbar(image, ax=ax, shrink=0.8)
    colorbar.set_label(t("plot.participation.count", lang))
    colorbar.locator = MaxNLocator(integer=True)
    colorbar.update_ticks()
    return fig
