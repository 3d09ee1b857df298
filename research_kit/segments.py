"""Units of analysis: turns, sentences, fixed windows, characters; snapping offsets to them.

A *units* frame has one row per unit: ``doc_id, unit, start_char, end_char`` (offsets
into the document text, see ``docs/frames.md``), plus ``turn`` for turn-based units.
Coding agreement, co-occurrence and rule evaluation all count on units.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from .corpus import WORD_RE, Corpus
from .errors import ParameterError, check_option
from .schemas import TOKENS, validate_frame

__all__ = ["units", "snap", "Unit"]

Unit = Literal["turn", "sentence", "window", "character"]


def units(corpus: Corpus, *, unit: Unit = "turn", tokens: pd.DataFrame | None = None,
          size: int = 50) -> pd.DataFrame:
    """The units of ``corpus`` at the given level.

    Parameters
    ----------
    corpus
        The corpus.
    unit
        ``"turn"``: speaker turns; ``"sentence"``: sentences from ``tokens`` (the frame
        ``annotate`` returns); ``"window"``: consecutive windows of ``size`` words inside
        each turn (the last window of a turn may be shorter); ``"character"``: every
        character of every turn (units of one character, as NVivo computes agreement).
    tokens
        Needed for ``unit="sentence"``.
    size
        Words per window.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, unit, turn, start_char, end_char``; ``unit`` numbers units from 0
        within each document.
    """
    check_option("unit", unit, ("turn", "sentence", "window", "character"), function="units")
    t = corpus.turns
    if unit == "turn":
        out = t[["doc_id", "turn", "start_char", "end_char"]].copy()
    elif unit == "sentence":
        if tokens is None:
            raise ParameterError("RK-P40", "units(unit='sentence') needs the tokens frame from annotate(corpus).",
                                 hint="Pass tokens=rk.annotate(corpus).")
        validate_frame(tokens, TOKENS, argument="tokens")
        words = tokens[~tokens["is_space"]]
        out = (words.groupby(["doc_id", "sentence"], sort=False)
               .agg(turn=("turn", "first"), start_char=("start_char", "min"), end_char=("end_char", "max"))
               .reset_index().drop(columns="sentence"))
    elif unit == "window":
        if size < 1:
            raise ParameterError("RK-P41", f"size must be a positive number of words; got {size}.")
        rows = []
        for doc_id, turn, start, text in zip(t["doc_id"], t["turn"], t["start_char"], t["text"]):
            spans = [m.span() for m in WORD_RE.finditer(text)]
            for i in range(0, len(spans), size):
                chunk = spans[i:i + size]
                rows.append((doc_id, turn, start + chunk[0][0], start + chunk[-1][1]))
        out = pd.DataFrame(rows, columns=["doc_id", "turn", "start_char", "end_char"])
    else:
        lengths = (t["end_char"] - t["start_char"]).to_numpy()
        idx = np.repeat(np.arange(len(t)), lengths)
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        starts = t["start_char"].to_numpy()[idx] + offsets
        out = pd.DataFrame({"doc_id": t["doc_id"].to_numpy()[idx], "turn": t["turn"].to_numpy()[idx],
                            "start_char": starts, "end_char": starts + 1})
    out = out.astype({"start_char": "int64", "end_char": "int64", "turn": "int64"})
    out["doc_id"] = out["doc_id"].astype("string")
    out.insert(1, "unit", out.groupby("doc_id", sort=False).cumcount().astype("int64"))
    return out.reset_index(drop=True)


def snap(segments: pd.DataFrame, unit_frame: pd.DataFrame) -> pd.DataFrame:
    """Map each segment to every unit it overlaps.

    Parameters
    ----------
    segments
        Any frame with ``doc_id, start_char, end_char`` (codings, matches…).
    unit_frame
        What :func:`units` returned.

    Returns
    -------
    pandas.DataFrame
        The segment's columns, its original offsets as ``segment_start``/``segment_end``,
        and the unit's ``unit, turn, start_char, end_char``: one row per (segment, unit)
        pair that share at least one character. A segment inside one unit gives one row.
    """
    seg = segments.reset_index(drop=True).copy()
    seg["_seg"] = np.arange(len(seg))
    out = []
    for doc_id, s in seg.groupby("doc_id", sort=False):
        u = unit_frame[unit_frame["doc_id"] == doc_id]
        if u.empty:
            continue
        u_start = u["start_char"].to_numpy()
        u_end = u["end_char"].to_numpy()
        order = np.argsort(u_start, kind="stable")
        u_start, u_end = u_start[order], u_end[order]
        # first unit that ends after the segment starts, last unit that starts before it ends
        first = np.searchsorted(np.maximum.accumulate(u_end), s["start_char"].to_numpy(), side="right")
        last = np.searchsorted(u_start, s["end_char"].to_numpy(), side="left")
        counts = np.maximum(last - first, 0)
        rep = np.repeat(np.arange(len(s)), counts)
        pos = np.concatenate([np.arange(a, b) for a, b in zip(first, last) if b > a]) if counts.sum() else np.array([], int)
        part = s.iloc[rep].reset_index(drop=True)
        units_part = u.iloc[order[pos]].reset_index(drop=True)
        keep = (units_part["end_char"].to_numpy() > part["start_char"].to_numpy())
        part = part.rename(columns={"start_char": "segment_start", "end_char": "segment_end"})
        for col in ("unit", "turn", "start_char", "end_char"):
            part[col] = units_part[col].to_numpy()
        out.append(part[keep])
    if not out:
        cols = [c for c in seg.columns if c not in ("start_char", "end_char", "_seg")]
        return pd.DataFrame(columns=cols + ["segment_start", "segment_end", "unit", "turn", "start_char", "end_char"])
    result = pd.concat(out, ignore_index=True).sort_values(["_seg", "start_char"]).drop(columns="_seg")
    return result.reset_index(drop=True)
