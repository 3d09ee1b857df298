"""Figures of a Reinert classification and of a correspondence analysis.

- :func:`plot_reinert`: the classic IRaMuTeQ figure, the dendrogram of the classes
  with each class's share of the classified segments and its characteristic words;
- :func:`plot_class_profiles`: one bar chart per class, its forms by chi-square;
- :func:`plot_correspondence`: the factor map of a correspondence analysis.

Each function draws what :func:`research_kit.chd.reinert` or
:func:`research_kit.ca.correspondence_analysis` returned, computes no statistic (it
only picks the rows to show), labels in French (``lang="fr"``, default) or English,
and returns the matplotlib Figure.

Error codes: ``RK-P01`` (an option outside its allowed values), ``RK-P23`` (a whole
number out of range), ``RK-S02`` (not what the figure draws).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import ParameterError, SchemaError, check_option
from ..i18n import number, t
from ..palette import CLASS_EXTRA, DARK_GREY, MID_GREY, NEUTRAL, PALETTE
from ._style import localised, tidy

__all__ = ["plot_reinert", "plot_class_profiles", "plot_correspondence", "class_color"]

# Okabe-Ito without yellow and black (too pale or too dark for words), then three of Paul Tol's muted
# colours and a dark yellow, for up to ten classes.
_CLASS_COLORS = PALETTE[:6] + CLASS_EXTRA


def _figure(size: tuple[float, float]):
    """A new Figure, already closed in pyplot: a notebook shows it once, as the cell's result,
    instead of once more when the cell ends, and it does not pile up in pyplot's list."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=size, layout="constrained")
    plt.close(fig)
    return fig


def class_color(cls: int) -> str:
    """The colour of class ``cls`` (1, 2, …) in every figure."""
    return _CLASS_COLORS[(int(cls) - 1) % len(_CLASS_COLORS)]


def _reinert(result: Any, function: str):
    from ..chd import Reinert

    if not isinstance(result, Reinert):
        raise SchemaError("RK-S02", f"{function}() draws what reinert() returns; got {type(result).__name__}.",
                          hint="result = rk.reinert(tokens, corpus=corpus)")
    return result


def _check_n(value: object, name: str, function: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError("RK-P23", f"the {name!r} parameter of {function}() must be a whole number >= {minimum}; "
                                       f"got {value!r} instead.")
    return int(value)


def _leaves_left_to_right(tree: pd.DataFrame) -> list[int]:
    """The leaves of a ``tree`` frame, left child before right (IRaMuTeQ does not number them in that order)."""
    by_node = tree.set_index("node")
    roots = tree.loc[tree["parent"].isna(), "node"].tolist()
    out, stack = [], [int(r) for r in roots[:1]]
    while stack:
        node = stack.pop()
        left, right = by_node.loc[node, "left"], by_node.loc[node, "right"]
        if pd.isna(left):
            out.append(node)
        else:
            stack += [int(right), int(left)]
    return out


def _top_words(profiles: pd.DataFrame, cls: int, n: int, kind: str = "active") -> pd.DataFrame:
    rows = profiles[(profiles["cls"] == cls) & (profiles["kind"] == kind) & (profiles["chi2"] > 0)]
    return rows.sort_values(["chi2", "term"], ascending=[False, True], kind="stable").head(n)


@localised
def plot_reinert(result: Any, *, n_words: int = 10, heights: Literal["steps", "chi2"] = "steps",
                 lang: Literal["fr", "en"] = "fr"):
    """The dendrogram of the classes, with their sizes and characteristic words.

    Parameters
    ----------
    result
        What :func:`research_kit.chd.reinert` returned.
    n_words
        Words listed under each class: its active forms with the highest positive
        chi-squares, the size of each word growing with its chi-square.
    heights
        ``"steps"``: one level per split, in the order they were made, as IRaMuTeQ
        draws it; ``"chi2"``: the cumulated chi-square of the splits (``tree.height``),
        as rainette draws it.
    lang
        ``"fr"`` or ``"en"``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fn = "plot_reinert"
    result = _reinert(result, fn)
    check_option("lang", lang, ("fr", "en"), function=fn)
    check_option("heights", heights, ("steps", "chi2"), function=fn)
    n_words = _check_n(n_words, "n_words", fn)
    tree = result.tree
    leaves = tree[tree["cls"] > 0]
    leaves = leaves.set_index("node").loc[_leaves_left_to_right(tree)].reset_index()
    n_classes = len(leaves)
    width = max(6.0, 1.45 * max(n_classes, 1) + 0.6)
    height = 2.6 + 0.24 * n_words
    fig = _figure((width, height))
    ax = fig.subplots()
    ax.set_axis_off()
    if n_classes == 0:
        ax.text(0.5, 0.5, t("plot.chd.no_class", lang), ha="center", va="center")
        return fig
    # x of each node: leaves at 0..K-1 left to right, parents at their children's mean
    x = {int(node): float(i) for i, node in enumerate(leaves["node"])}
    internal = tree[tree["left"].notna()]
    steps = internal.sort_values("step")
    if heights == "steps":
        n_steps = max(len(steps), 1)
        y = {int(node): (n_steps - int(s) + 1) / n_steps for node, s in zip(steps["node"], steps["step"])}
    else:
        top = float(internal["height"].max()) if len(internal) else 1.0
        y = {int(node): float(h) / top for node, h in zip(internal["node"], internal["height"])}
    for node in leaves["node"]:
        y[int(node)] = 0.0
    by_node = tree.set_index("node")
    for node in sorted(internal["node"], key=lambda n: -int(by_node.loc[n, "step"])):
        left, right = int(by_node.loc[node, "left"]), int(by_node.loc[node, "right"])
        x[int(node)] = (x[left] + x[right]) / 2
    tree_top = 1.0  # the dendrogram occupies y in [0, 1]
    for node in internal["node"]:
        node = int(node)
        left, right = int(by_node.loc[node, "left"]), int(by_node.loc[node, "right"])
        ax.plot([x[left], x[left], x[right], x[right]], [y[left], y[node], y[node], y[right]],
                color=DARK_GREY, lw=1.2, solid_capstyle="butt")
    segs = result.segments
    total = len(segs)
    classified = int((segs["cls"] > 0).sum())
    word = t("plot.chd.class", lang)
    line = 0.16  # height of one word line, in data units
    for _, leaf in leaves.iterrows():
        c, xc = int(leaf["cls"]), x[int(leaf["node"])]
        color = class_color(c)
        share = 100.0 * float(leaf["n_segments"]) / classified if classified else 0.0
        ax.text(xc, -0.08, f"{word} {c}\n{number(share, lang, decimals=1)}\u00a0%", ha="center", va="top", fontsize=9.5, fontweight="bold",
                color="white", bbox={"boxstyle": "round,pad=0.3", "facecolor": color, "edgecolor": color})
        words = _top_words(result.profiles, c, n_words)
        if len(words):
            chi = words["chi2"].to_numpy()
            lo, hi = float(chi.min()), float(chi.max())
            sizes = 7.5 + (5.0 * (chi - lo) / (hi - lo) if hi > lo else np.full(len(chi), 2.5))
            for j, (term, size) in enumerate(zip(words["term"], sizes)):
                ax.text(xc, -0.5 - j * line, str(term), ha="center", va="top", fontsize=float(size), color=color)
    bottom = -0.5 - n_words * line - 0.05
    ax.set_xlim(-0.6, n_classes - 0.4)
    ax.set_ylim(bottom, tree_top + 0.05)
    share = number(100.0 * classified / total if total else 0.0, lang, decimals=1)
    ax.set_title(t("plot.chd.title", lang) + "\n"
                 + t("plot.chd.classified", lang, n=classified, total=total, share=share),
                 loc="left", fontsize=10)
    return fig


@localised
def plot_class_profiles(profiles: Any, *, n: int = 10, kind: Literal["active", "supplementary", "variable"] = "active",
                        classes: list[int] | None = None, lang: Literal["fr", "en"] = "fr"):
    """One bar chart per class: its forms (or modalities) with the highest chi-squares.

    Parameters
    ----------
    profiles
        A Reinert classification, or its ``profiles`` frame.
    n
        Bars per class.
    kind
        ``"active"`` or ``"supplementary"`` forms, or ``"variable"`` modalities.
    classes
        The classes to draw (all by default).
    lang
        ``"fr"`` or ``"en"``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fn = "plot_class_profiles"
    from ..chd import Reinert

    if isinstance(profiles, Reinert):
        profiles = profiles.profiles
    needed = {"cls", "term", "kind", "chi2"}
    if not isinstance(profiles, pd.DataFrame) or not needed <= set(profiles.columns):
        raise SchemaError("RK-S02", f"{fn}() draws a Reinert classification or its profiles frame "
                                    f"(columns {', '.join(sorted(needed))}); got {type(profiles).__name__}.")
    check_option("lang", lang, ("fr", "en"), function=fn)
    check_option("kind", kind, ("active", "supplementary", "variable"), function=fn)
    n = _check_n(n, "n", fn)
    shown = sorted(int(c) for c in profiles["cls"].unique()) if classes is None else [int(c) for c in classes]
    cols = min(len(shown), 3) or 1
    rows = int(np.ceil(len(shown) / cols)) or 1
    fig = _figure((3.6 * cols, 0.28 * n * rows + 1.0 * rows + 0.3))
    axes = fig.subplots(rows, cols, squeeze=False)
    word = t("plot.chd.class", lang)
    for ax in axes.ravel()[len(shown):]:
        ax.set_axis_off()
    for ax, c in zip(axes.ravel(), shown):
        tidy(ax)
        top = _top_words(profiles, c, n, kind)
        ax.barh(range(len(top)), top["chi2"].to_numpy(), color=class_color(c))
        ax.set_yticks(range(len(top)), [str(t).lstrip("*") for t in top["term"]], fontsize=8)
        ax.invert_yaxis()
        ax.set_title(f"{word} {c}", loc="left", fontsize=10, color=class_color(c), fontweight="bold")
        ax.tick_params(axis="x", labelsize=8)
    fig.supxlabel(t("plot.chd.chi2", lang), fontsize=9)
    return fig


def _place_labels(ax, labels: list[tuple[float, float, str, str, dict]]) -> list:
    """Write each label near its point without covering the labels written before it.

    ``labels`` holds ``(x, y, text, colour, text keywords)`` in data coordinates, the most
    important first. Each label goes at its point when that place is free, else at the
    nearest free place of a grid around it, inside the axes (a label with no free place
    takes the one it overlaps least). A label moved off its point gets a dot on the point
    and a thin line to the label. Greedy placement in the order given: the first labels
    are never moved for the later ones. Returns the Text artists, in the same order.
    """
    fig = ax.figure
    if not hasattr(fig.canvas, "get_renderer"):  # a figure closed in pyplot has a bare canvas
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.canvas.draw()  # settles the layout, so that data -> pixel transforms are final
    renderer = fig.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    to_pixels = ax.transData
    to_data = to_pixels.inverted()
    placed = np.empty((0, 4))  # x0, y0, x1, y1 of the labels written, in pixels
    texts = []
    for x0, y0, text, color, kw in labels:
        artist = ax.text(x0, y0, text, color=color, ha="center", va="center", **kw)
        box = artist.get_window_extent(renderer)
        grow = (0.3 * kw.get("fontsize", 8) * fig.dpi / 72) if "bbox" in kw else 1.0
        half_w, half_h = box.width / 2 + grow, box.height / 2 + grow
        px, py = to_pixels.transform((x0, y0))
        steps_x = np.arange(-3, 4) * (half_w + 2)
        steps_y = np.arange(-6, 7) * (half_h + 1)
        dx, dy = (a.ravel() for a in np.meshgrid(steps_x, steps_y))
        order = np.argsort(np.hypot(dx, 1.6 * dy), kind="stable")
        cx, cy = px + dx[order], py + dy[order]
        x_lo, x_hi, y_lo, y_hi = cx - half_w, cx + half_w, cy - half_h, cy + half_h
        fits = (x_lo >= inside.x0) & (x_hi <= inside.x1) & (y_lo >= inside.y0) & (y_hi <= inside.y1)
        if len(placed):
            w = np.clip(np.minimum(x_hi[:, None], placed[None, :, 2]) - np.maximum(x_lo[:, None], placed[None, :, 0]),
                        0, None)
            h = np.clip(np.minimum(y_hi[:, None], placed[None, :, 3]) - np.maximum(y_lo[:, None], placed[None, :, 1]),
                        0, None)
            overlap = (w * h).sum(axis=1)
        else:
            overlap = np.zeros(len(cx))
        free = np.flatnonzero(fits & (overlap == 0))
        if len(free):
            j = int(free[0])
        else:
            score = overlap + np.where(fits, 0.0, np.inf)
            j = int(np.argmin(score)) if np.isfinite(score).any() else 0
        if j:  # moved: the label goes to its new place, a dot and a line keep its point
            artist.set_position(tuple(to_data.transform((cx[j], cy[j]))))
            ddx, ddy = px - cx[j], py - cy[j]
            reach = min(half_w / abs(ddx) if ddx else np.inf, half_h / abs(ddy) if ddy else np.inf, 1.0)
            edge = to_data.transform((cx[j] + reach * ddx, cy[j] + reach * ddy))
            ax.plot([x0, edge[0]], [y0, edge[1]], color=color, lw=0.5, alpha=0.6, zorder=1)
            ax.plot([x0], [y0], marker="o", markersize=2, color=color, alpha=0.8, zorder=1)
        placed = np.vstack([placed, [x_lo[j], y_lo[j], x_hi[j], y_hi[j]]])
        texts.append(artist)
    return texts


@localised
def plot_correspondence(ca: Any, *, axes: tuple[int, int] = (1, 2), n_rows: int = 40,
                        lang: Literal["fr", "en"] = "fr", ax=None):
    """The factor map of a correspondence analysis: values and forms on two axes.

    Parameters
    ----------
    ca
        What :func:`research_kit.ca.correspondence_analysis` returned.
    axes
        The two axes to cross, from 1.
    n_rows
        Forms shown: those contributing most to the two axes. Every column (value or
        class) is shown.
    lang
        ``"fr"`` or ``"en"``.
    ax
        Axes to draw on; a new figure when ``None``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from ..ca import CorrespondenceAnalysis

    fn = "plot_correspondence"
    if not isinstance(ca, CorrespondenceAnalysis):
        raise SchemaError("RK-S02", f"{fn}() draws what correspondence_analysis() returns; got {type(ca).__name__}.")
    check_option("lang", lang, ("fr", "en"), function=fn)
    n_rows = _check_n(n_rows, "n_rows", fn, minimum=0)
    kept = sum(1 for c in ca.rows.columns if c.startswith("dim_"))
    if (not isinstance(axes, (tuple, list)) or len(axes) != 2
            or not all(isinstance(a, (int, np.integer)) and 1 <= a <= kept for a in axes)):
        raise ParameterError("RK-P01", f"the 'axes' parameter of {fn}() must be two axis numbers between 1 and {kept}; "
                                       f"got {axes!r} instead.",
                             hint="Ask correspondence_analysis(..., n_components=3) for a third axis.")
    a1, a2 = int(axes[0]), int(axes[1])
    if ax is None:
        fig = _figure((7.5, 6.5))
        ax = fig.subplots()
        tidy(ax)
    else:
        fig = ax.figure
    rows = ca.rows.assign(_c=ca.rows[f"contrib_{a1}"] + ca.rows[f"contrib_{a2}"])
    rows = rows.sort_values(["_c", "term"], ascending=[False, True], kind="stable").head(n_rows)
    ax.axhline(0, color=NEUTRAL, lw=0.8, zorder=0)
    ax.axvline(0, color=NEUTRAL, lw=0.8, zorder=0)
    labels = []  # what to write, most important first: the columns (classes), then the forms
    is_class = ca.variable == "cls"
    for value, x0, y0 in zip(ca.columns["value"], ca.columns[f"dim_{a1}"], ca.columns[f"dim_{a2}"]):
        if is_class:
            text, face, edge, ink = f"{t('plot.chd.class', lang)} {int(value)}", class_color(int(value)), \
                class_color(int(value)), "white"
        else:
            text, face, edge, ink = str(value), "white", "black", "black"
        labels.append((x0, y0, text, ink, {"fontsize": 10, "fontweight": "bold", "bbox": {
            "boxstyle": "round,pad=0.25", "facecolor": face, "edgecolor": edge, "alpha": 0.9}}))
    groups = rows["cls"] if "cls" in rows.columns else pd.Series(pd.NA, index=rows.index)
    for term, x0, y0, g in zip(rows["term"], rows[f"dim_{a1}"], rows[f"dim_{a2}"], groups):
        color = class_color(int(g)) if pd.notna(g) else MID_GREY
        labels.append((x0, y0, str(term), color, {"fontsize": 8, "alpha": 0.9}))
    xs = np.concatenate([rows[f"dim_{a1}"].to_numpy(), ca.columns[f"dim_{a1}"].to_numpy()])
    ys = np.concatenate([rows[f"dim_{a2}"].to_numpy(), ca.columns[f"dim_{a2}"].to_numpy()])
    pad_x = 0.12 * (np.ptp(xs) or 1.0)
    pad_y = 0.08 * (np.ptp(ys) or 1.0)
    ax.set_xlim(xs.min() - pad_x, xs.max() + pad_x)
    ax.set_ylim(ys.min() - pad_y, ys.max() + pad_y)
    ev = ca.eigenvalues.set_index("axis")["percent"]
    name = t("plot.chd.axis", lang)
    ax.set_xlabel(f"{name} {a1} ({number(ev.get(a1, float('nan')), lang, decimals=1)}\u00a0%)")
    ax.set_ylabel(f"{name} {a2} ({number(ev.get(a2, float('nan')), lang, decimals=1)}\u00a0%)")
    _place_labels(ax, labels)
    return fig
