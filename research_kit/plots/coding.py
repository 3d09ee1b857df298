"""Figures of coding: code matrices, co-occurrences, trends, frequencies and agreement.

Each function draws exactly the frame that a function of :mod:`research_kit.coding`
or :mod:`research_kit.agreement` returned (``code_matrix``, ``cooccurrence``,
``code_trends``, ``agreement``) and computes nothing: no total, no share, no mean.
Labels come from :mod:`research_kit.i18n` (``plot.coding.<key>``), in French
(``lang="fr"``, the default) or English; with ``codebook=`` the codes are shown by
their label in that language and in the codebook's order, and the trend lines take the
codebook's colours. Every function accepts ``ax=`` and returns the matplotlib ``Figure``.

Error codes: ``RK-P01`` (an option not among its allowed values), ``RK-S01``/``RK-S02``
(a frame that is not the one the figure draws).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import SchemaError, check_option
from ..i18n import MESSAGES, number, t
from ..palette import NEUTRAL, PALETTE, WHITE
from ._style import date_axis, localised, new_axes

__all__ = ["plot_code_matrix", "plot_cooccurrence", "plot_code_trends", "plot_code_frequencies", "plot_agreement",
           "ALPHA_THRESHOLDS"]

#: Krippendorff's (2004, p. 241) thresholds: rely on alpha >= 0.8, draw tentative conclusions >= 0.667.
ALPHA_THRESHOLDS = (0.667, 0.8)


_COUNTS = ("segments", "documents", "words")
_MEASURES = ("krippendorff_alpha", "cohen_kappa", "fleiss_kappa", "percent_agreement")


# ---------------------------------------------------------------------------
# helpers


def _require(frame: object, columns: Sequence[str], function: str, source: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise SchemaError("RK-S02", f"{function}() draws the frame that {source} returns; got {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError("RK-S01", f"the frame passed to {function}() lacks the column(s) {', '.join(missing)}.",
                          hint=f"Pass the frame that {source} returns.")
    return frame


def _check(function: str, lang: str, codebook: Any) -> None:
    check_option("lang", lang, ("fr", "en"), function=function)
    if codebook is not None and not (hasattr(codebook, "label") and hasattr(codebook, "codes")):
        raise SchemaError("RK-S02", f"the 'codebook' parameter of {function}() must be a Codebook "
                                    f"(from read_codebook); got {type(codebook).__name__}.")


def _code_name(code: object, codebook: Any, lang: str) -> str:
    code = str(code)
    if codebook is None or code not in codebook:
        return code
    return codebook.label(code, lang if lang in codebook.languages else None)


def _order(codes: Iterable[object], codebook: Any) -> list[str]:
    """Codes in codebook order (unknown codes last, sorted), else sorted."""
    codes = list(dict.fromkeys(str(c) for c in codes))
    if codebook is None:
        return sorted(codes)
    rank = {c: i for i, c in enumerate(codebook.codes["code"])}
    return sorted(codes, key=lambda c: (rank.get(c, len(rank)), c))


def _no_data(ax, lang: str) -> None:
    ax.text(0.5, 0.5, t("plot.coding.no_data", lang), ha="center", va="center", transform=ax.transAxes, color=NEUTRAL)


def _by_name(by: str, lang: str) -> str:
    return t(f"plot.coding.by_{by}", lang) if f"plot.coding.by_{by}" in MESSAGES else str(by)


def _heatmap(ax, fig, matrix: np.ndarray, rows: list[str], columns: list[str], colour_label: str,
             lang: str = "fr") -> None:
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.ticker import MaxNLocator

    cmap = LinearSegmentedColormap.from_list("rk_blue", [WHITE, PALETTE[0]]).with_extremes(bad=WHITE)
    top = float(np.nanmax(matrix)) if np.isfinite(matrix).any() else 1.0
    image = ax.imshow(np.ma.masked_invalid(matrix), cmap=cmap, vmin=0, vmax=max(top, 1.0), aspect="auto")
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            value = matrix[i, j]
            if np.isfinite(value) and value != 0:
                shown = number(value, lang, decimals=0 if float(value).is_integer() else 2)
                ax.text(j, i, shown, ha="center", va="center", fontsize=8,
                        color="white" if value > 0.6 * top else "black")
    ax.set_xticks(np.arange(len(columns)), columns, rotation=45, ha="right")
    ax.set_yticks(np.arange(len(rows)), rows)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    colorbar = fig.colorbar(image, ax=ax, shrink=0.8)
    colorbar.set_label(colour_label)
    colorbar.locator = MaxNLocator(integer=True)
    colorbar.update_ticks()


# ---------------------------------------------------------------------------
# figures


@localised
def plot_code_matrix(frame: pd.DataFrame, *, lang: Literal["fr", "en"] = "fr", codebook: Any = None, ax=None):
    """Heatmap of :func:`research_kit.coding.code_matrix`: codes in rows, groups in columns.

    Each cell shows the frame's count (``segments``, ``documents`` or ``words``, whichever
    the frame has); a (code, group) pair absent from the frame is an empty cell.

    Parameters
    ----------
    frame
        What ``code_matrix(codings, corpus, by=...)`` returned: ``code``, the ``by``
        column and one count column.
    lang
        Language of the labels, ``"fr"`` or ``"en"``.
    codebook
        Show codes by their label in ``lang``, in the codebook's order.
    ax
        Matplotlib axes to draw into; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_code_matrix(code_matrix(codings, corpus, by="site"), codebook=codebook)  # doctest: +SKIP
    """
    fn = "plot_code_matrix"
    _check(fn, lang, codebook)
    _require(frame, ["code"], fn, "code_matrix()")
    count = next((c for c in _COUNTS if c in frame.columns), None)
    others = [c for c in frame.columns if c not in ("code", count)]
    if count is None or len(others) != 1:
        raise SchemaError("RK-S01", f"the frame passed to {fn}() must have the columns code, one grouping column and "
                                    f"one of {', '.join(_COUNTS)}; got {', '.join(map(str, frame.columns))}.",
                          hint="Pass the frame that code_matrix() returns.")
    by = others[0]
    codes = _order(frame["code"], codebook)
    groups = list(dict.fromkeys(frame[by].astype("string").fillna("–")))
    groups = sorted(groups)
    matrix = np.full((len(codes), len(groups)), np.nan)
    row, col = {c: i for i, c in enumerate(codes)}, {g: j for j, g in enumerate(groups)}
    for code, group, value in zip(frame["code"].astype(str), frame[by].astype("string").fillna("–"), frame[count]):
        matrix[row[code], col[group]] = float(value)
    fig, ax = new_axes(ax, figsize=(max(5.0, 0.6 * len(groups) + 4.0), max(3.0, 0.38 * len(codes) + 1.6)))
    ax.set_title(t("plot.coding.matrix", lang).format(by=_by_name(by, lang)))
    if not len(codes):
        _no_data(ax, lang)
        return fig
    _heatmap(ax, fig, matrix, [_code_name(c, codebook, lang) for c in codes], groups, t(f"plot.coding.{count}", lang),
             lang)
    return fig


@localised
def plot_cooccurrence(frame: pd.DataFrame, *, lang: Literal["fr", "en"] = "fr", codebook: Any = None, ax=None):
    """Symmetric heatmap of :func:`research_kit.coding.cooccurrence`.

    Each pair ``(code_a, code_b, count)`` fills two mirrored cells; the diagonal (a code
    with itself) stays empty.

    Parameters
    ----------
    frame
        What ``cooccurrence(codings, ...)`` returned.
    lang
        Language of the labels, ``"fr"`` or ``"en"``.
    codebook
        Show codes by their label in ``lang``, in the codebook's order.
    ax
        Matplotlib axes to draw into; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fn = "plot_cooccurrence"
    _check(fn, lang, codebook)
    _require(frame, ["code_a", "code_b", "count"], fn, "cooccurrence()")
    codes = _order(pd.concat([frame["code_a"], frame["code_b"]], ignore_index=True), codebook)
    where = {c: i for i, c in enumerate(codes)}
    matrix = np.full((len(codes), len(codes)), np.nan)
    for a, b, n in zip(frame["code_a"].astype(str), frame["code_b"].astype(str), frame["count"]):
        matrix[where[a], where[b]] = matrix[where[b], where[a]] = float(n)
    size = max(3.5, 0.45 * len(codes) + 2.5)
    fig, ax = new_axes(ax, figsize=(size + 1.0, size))
    ax.set_title(t("plot.coding.cooccurrence", lang))
    if not len(codes):
        _no_data(ax, lang)
        return fig
    names = [_code_name(c, codebook, lang) for c in codes]
    _heatmap(ax, fig, matrix, names, names, t("plot.coding.cooccurrence_count", lang), lang)
    ax.set_aspect("equal")
    return fig


def _colours(codes: Sequence[str], codebook: Any) -> dict[str, str]:
    """A code's own codebook colour when no other drawn code has it; the palette otherwise."""
    own: dict[str, str] = {}
    if codebook is not None:
        given = {c: codebook.entry(c).color for c in codes if c in codebook and codebook.entry(c).color}
        taken = pd.Series(list(given.values()), dtype=object).value_counts()
        own = {c: col for c, col in given.items() if taken[col] == 1}
    spare = [p for p in PALETTE if p.upper() not in {v.upper() for v in own.values()}] or list(PALETTE)
    out, k = {}, 0
    for code in codes:
        if code in own:
            out[code] = own[code]
        else:
            out[code] = spare[k % len(spare)]
            k += 1
    return out


@localised
def plot_code_trends(frame: pd.DataFrame, *, lang: Literal["fr", "en"] = "fr", codebook: Any = None,
                     codes: Iterable[str] | None = None, ax=None):
    """One line per code: ``per_1000_words`` of :func:`research_kit.coding.code_trends` by session date.

    Parameters
    ----------
    frame
        What ``code_trends(codings, corpus)`` returned.
    lang
        Language of the labels, ``"fr"`` or ``"en"``.
    codebook
        Labels in ``lang`` and the codes' colours (a code without its own colour, or
        sharing it with another drawn code, takes the next Okabe-Ito colour).
    codes
        Draw these codes only, in this order (default: every code of the frame).
    ax
        Matplotlib axes to draw into; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fn = "plot_code_trends"
    _check(fn, lang, codebook)
    _require(frame, ["date", "code", "per_1000_words"], fn, "code_trends()")
    wanted = _order(frame["code"], codebook) if codes is None else [str(c) for c in codes]
    data = frame[frame["code"].astype(str).isin(wanted)]
    own = ax is None                     # a figure of our own: the legend goes under the axes, which keep the width
    drawn_codes = [c for c in wanted if (data["code"].astype(str) == c).any()]
    fig, ax = new_axes(ax, figsize=(7.0, 3.8 + 0.2 * ((len(drawn_codes) + 1) // 2)))
    colours = _colours(wanted, codebook)
    styles = ("-", "--", ":", "-.")
    drawn = 0
    for k, code in enumerate(wanted):
        rows = data[data["code"].astype(str) == code].sort_values("date", kind="stable")
        if rows.empty:
            continue
        ax.plot(pd.to_datetime(rows["date"]).to_numpy(), rows["per_1000_words"].to_numpy(dtype=float), marker="o",
                markersize=4, linewidth=1.6, color=colours[code], linestyle=styles[(k // len(PALETTE)) % len(styles)],
                label=_code_name(code, codebook, lang))
        drawn += 1
    ax.set_xlabel(t("plot.coding.date", lang))
    ax.set_ylabel(t("plot.coding.per_1000_words", lang))
    ax.set_title(t("plot.coding.trends", lang))
    if drawn:
        date_axis(ax)
        ax.set_ylim(bottom=0)
        if own:
            fig.legend(*ax.get_legend_handles_labels(), frameon=False, fontsize=8, loc="outside lower center",
                       ncols=2)
        else:
            ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        _no_data(ax, lang)
    return fig


@localised
def plot_code_frequencies(frame: pd.DataFrame, *, lang: Literal["fr", "en"] = "fr", codebook: Any = None, ax=None):
    """Horizontal bars, one per code, of :func:`research_kit.coding.code_matrix`.

    With one group the bars show its counts; with several (``by="site"``…) each bar is
    stacked from the groups' rows, one colour per group, with a legend. A frame with
    ``code`` and ``count`` columns (``codings["code"].value_counts().reset_index()``)
    works too.

    Parameters
    ----------
    frame
        What ``code_matrix(codings, corpus, by=...)`` returned.
    lang
        Language of the labels, ``"fr"`` or ``"en"``.
    codebook
        Show codes by their label in ``lang``, in the codebook's order (first at the top).
    ax
        Matplotlib axes to draw into; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fn = "plot_code_frequencies"
    _check(fn, lang, codebook)
    _require(frame, ["code"], fn, "code_matrix()")
    count = next((c for c in (*_COUNTS, "count") if c in frame.columns), None)
    if count is None:
        raise SchemaError("RK-S01", f"the frame passed to {fn}() lacks a count column ({', '.join(_COUNTS)} or count).",
                          hint="Pass the frame that code_matrix() returns.")
    others = [c for c in frame.columns if c not in ("code", count)]
    by = others[0] if len(others) == 1 else None
    codes = _order(frame["code"], codebook)
    if codebook is None:  # most frequent first when no codebook gives an order
        first = frame.groupby("code", sort=False)[count].max() if len(frame) else pd.Series(dtype=float)
        codes = sorted(codes, key=lambda c: -float(first.get(c, 0)))
    groups = sorted(dict.fromkeys(frame[by].astype("string").fillna("–"))) if by else ["_"]
    fig, ax = new_axes(ax, figsize=(7.0, max(2.5, 0.35 * len(codes) + 1.2)))
    ax.set_title(t("plot.coding.frequencies", lang))
    ax.set_xlabel(t(f"plot.coding.{count}", lang))
    if not codes:
        _no_data(ax, lang)
        return fig
    positions = np.arange(len(codes))[::-1]
    where = {c: p for c, p in zip(codes, positions)}
    left = np.zeros(len(codes))
    keys = frame[by].astype("string").fillna("–") if by else pd.Series("_", index=frame.index)
    for k, group in enumerate(groups):
        part = frame[keys == group]
        values = np.zeros(len(codes))
        for code, value in zip(part["code"].astype(str), part[count]):
            values[codes.index(code)] = float(value)
        ax.barh([where[c] for c in codes], values, left=left, height=0.7, color=PALETTE[k % len(PALETTE)],
                label=None if by is None else str(group))
        left = left + values
    ax.set_yticks(positions, [_code_name(c, codebook, lang) for c in codes])
    if by is not None and len(groups) > 1:
        ax.legend(frameon=False, fontsize=8, title=_by_name(by, lang), loc="lower right")
    return fig


@localised
def plot_agreement(frame: pd.DataFrame, *, measure: str = "krippendorff_alpha", lang: Literal["fr", "en"] = "fr",
                   codebook: Any = None, ax=None):
    """Bars of one coefficient per code from :func:`research_kit.agreement.agreement`.

    The pooled row ``(all)`` is drawn last, in black. Dashed lines mark Krippendorff's
    thresholds (:data:`ALPHA_THRESHOLDS`): 0.8, above which data are deemed reliable,
    and 0.667, the lowest for tentative conclusions. An undefined value (a code nobody
    applied) has no bar and reads "non défini" / "undefined".

    Parameters
    ----------
    frame
        What ``agreement(codings, corpus, ...)`` returned.
    measure
        ``krippendorff_alpha`` (default), ``cohen_kappa``, ``fleiss_kappa`` or
        ``percent_agreement``.
    lang
        Language of the labels, ``"fr"`` or ``"en"``.
    codebook
        Show codes by their label in ``lang``, in the codebook's order.
    ax
        Matplotlib axes to draw into; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    Krippendorff, K. (2004). *Content Analysis: An Introduction to Its Methodology*
    (2nd ed.), p. 241.
    """
    fn = "plot_agreement"
    _check(fn, lang, codebook)
    check_option("measure", measure, _MEASURES, function=fn)
    _require(frame, ["code", measure], fn, "agreement()")
    pooled = frame[frame["code"].astype(str) == "(all)"]
    per_code = frame[frame["code"].astype(str) != "(all)"]
    codes = _order(per_code["code"], codebook)
    value_of = dict(zip(per_code["code"].astype(str), per_code[measure].astype(float)))
    names = [_code_name(c, codebook, lang) for c in codes]
    values = [value_of[c] for c in codes]
    colours = [PALETTE[0]] * len(codes)
    if len(pooled):
        names.append(t("plot.coding.all", lang))
        values.append(float(pooled[measure].iloc[0]))
        colours.append(PALETTE[7])
    fig, ax = new_axes(ax, figsize=(7.0, max(2.5, 0.35 * len(names) + 1.6)))
    ax.set_title(t("plot.coding.agreement", lang), pad=24 if measure != "percent_agreement" else 6)
    ax.set_xlabel(t(f"plot.coding.{measure}", lang))
    if not names:
        _no_data(ax, lang)
        return fig
    positions = np.arange(len(names))[::-1]
    shown = np.array([0.0 if np.isnan(v) else v for v in values])
    ax.barh(positions, shown, color=colours, height=0.7)
    for p, v in zip(positions, values):
        if np.isnan(v):
            ax.text(0.01, p, t("plot.coding.undefined", lang), va="center", ha="left", fontsize=8, color=NEUTRAL)
    ax.set_yticks(positions, names)
    low = min(0.0, float(np.nanmin(values)) if not np.isnan(values).all() else 0.0)
    ax.set_xlim(low - 0.02 if low < 0 else 0.0, 1.02)
    if low < 0:
        ax.axvline(0.0, color="black", linewidth=0.8)
    if measure != "percent_agreement":
        for threshold, key, style in ((ALPHA_THRESHOLDS[0], "tentative", ":"), (ALPHA_THRESHOLDS[1], "reliable", "--")):
            ax.axvline(threshold, color=PALETTE[3], linestyle=style, linewidth=1.2, label=t(f"plot.coding.{key}", lang))
        ax.legend(frameon=False, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2)
    return fig
