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

__all__ = ["units", "snap", "overlap_pairs", "Unit"]

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
        pair that share at least one character, in segment order, then by the unit's
        start. A segment inside one unit gives one row.

    Examples
    --------
    >>> import pandas as pd
    >>> turns = pd.DataFrame({"doc_id": ["a", "a"], "unit": [0, 1], "turn": [0, 1],
    ...                       "start_char": [0, 10], "end_char": [8, 20]})
    >>> codings = pd.DataFrame({"doc_id": ["a"], "start_char": [5], "end_char": [12], "code": ["x"]})
    >>> snap(codings, turns)[["code", "segment_start", "unit", "start_char"]].values.tolist()
    [['x', 5, 0, 0], ['x', 5, 1, 10]]
    """
    seg = segments.reset_index(drop=True)
    doc_names = pd.unique(unit_frame["doc_id"].astype(object))
    seg_doc = pd.Index(doc_names).get_indexer(seg["doc_id"].astype(object))
    if not (seg_doc >= 0).any():
        cols = [c for c in seg.columns if c not in ("start_char", "end_char", "_seg")]
        return pd.DataFrame(columns=cols + ["segment_start", "segment_end", "unit", "turn", "start_char", "end_char"])
    unit_doc = pd.Index(doc_names).get_indexer(unit_frame["doc_id"].astype(object))
    seg_rows, unit_rows = overlap_pairs(
        seg_doc, seg["start_char"].to_numpy(dtype="int64"), seg["end_char"].to_numpy(dtype="int64"),
        unit_doc, unit_frame["start_char"].to_numpy(dtype="int64"), unit_frame["end_char"].to_numpy(dtype="int64"))
    out = seg.iloc[seg_rows].reset_index(drop=True)
    out = out.rename(columns={"start_char": "segment_start", "end_char": "segment_end"})
    for col in ("unit", "turn", "start_char", "end_char"):
        out[col] = unit_frame[col].to_numpy()[unit_rows]
    return out


#: document code * _SHIFT + offset: one sortable key for (document, character)
_SHIFT = 1 << 40


def overlap_pairs(seg_doc: np.ndarray, seg_start: np.ndarray, seg_end: np.ndarray, unit_doc: np.ndarray,
                  unit_start: np.ndarray, unit_end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (segment, unit) pair of one document that share a character, over every document at once.

    Documents are integer codes (the same numbering for segments and units); each
    (document, offset) becomes one sortable integer, so that two binary searches find the
    units of every segment, instead of a pass over the units per document.

    Parameters
    ----------
    seg_doc, seg_start, seg_end
        The segments' document codes (negative: a document without units, paired with
        nothing) and character offsets.
    unit_doc, unit_start, unit_end
        The units' document codes and offsets, in any order.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The segments' and the units' row positions, one entry per pair: by segment, and
        for one segment by the unit's start (units starting together in their row order).

    Examples
    --------
    >>> import numpy as np
    >>> seg, unit = overlap_pairs(np.array([0, 1, -1]), np.array([5, 0, 0]), np.array([12, 3, 9]),
    ...                           np.array([0, 0, 1]), np.array([0, 10, 0]), np.array([8, 20, 4]))
    >>> seg.tolist(), unit.tolist()
    ([0, 0, 1], [0, 1, 2])
    """
    known = seg_doc >= 0
    seg_index = np.flatnonzero(known)
    order = np.lexsort((unit_start, unit_doc))  # by document, then start (stable)
    keyed_start = unit_doc[order] * _SHIFT + unit_start[order]
    keyed_end = unit_doc[order] * _SHIFT + unit_end[order]
    reach = np.maximum.accumulate(keyed_end) if len(keyed_end) else keyed_end
    s = seg_doc[known] * _SHIFT + seg_start[known]
    e = seg_doc[known] * _SHIFT + seg_end[known]
    # first unit that ends after the segment starts, last unit that starts before it ends
    first = np.searchsorted(reach, s, side="right")
    last = np.searchsorted(keyed_start, e, side="left")
    counts = np.maximum(last - first, 0)
    total = int(counts.sum())
    rep = np.repeat(np.arange(len(s)), counts)
    pos = np.repeat(first, counts) + (np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts))
    keep = keyed_end[pos] > s[rep]
    return seg_index[rep[keep]], order[pos[keep]]
