"""Snapping segments to units (#19): every document at once gives what one document at a time gives.

``snap`` once took the units of each document by a scan of every unit (documents x
units); it now finds the units of every segment with two binary searches over all the
documents. The reference here is the definition itself: a segment and a unit of the same
document pair when the unit starts before the segment ends and ends after it starts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit.segments import overlap_pairs, snap, units
from tests.helpers import DATA


@pytest.fixture(scope="module")
def small():
    return read_corpus(DATA / "corpus_small", errors="collect")


def _segments(corpus, seed):
    """Segments anywhere: across turns, empty, inverted, past the end, before 0, in unknown documents."""
    rng = np.random.default_rng(seed)
    docs = [*corpus.doc_ids, "pas-dans-le-corpus"]
    rows = []
    for k in range(200):
        doc_id = docs[int(rng.integers(len(docs)))]
        length = len(corpus.text(doc_id)) if doc_id in corpus.doc_ids else 40
        start = int(rng.integers(-3, length + 3))
        rows.append((doc_id, start, start + int(rng.integers(-2, 300)), f"code{k % 3}", "ana"))
    frame = pd.DataFrame(rows, columns=["doc_id", "start_char", "end_char", "code", "coder"])
    frame.index = frame.index * 2 + 5  # snap must not depend on the index
    return frame.astype({"doc_id": "string", "code": "string", "coder": "string"})


def _plain(segments, unit_frame):
    """Each segment against each unit of its document, in segment order then unit start."""
    rows = []
    for k, seg in enumerate(segments.itertuples(index=False)):
        mine = unit_frame[unit_frame["doc_id"] == seg.doc_id]
        hits = mine[(mine["start_char"] < seg.end_char) & (mine["end_char"] > seg.start_char)]
        for unit in hits.sort_values("start_char", kind="stable").itertuples(index=False):
            rows.append((k, seg.doc_id, seg.code, seg.start_char, seg.end_char, unit.unit, unit.turn,
                         unit.start_char, unit.end_char))
    return rows


@pytest.mark.parametrize("unit", ["turn", "window", "character"])
@pytest.mark.parametrize("shuffled", [False, True])
def test_snap_equals_every_segment_against_every_unit(small, unit, shuffled):
    unit_frame = units(small, unit=unit, size=4)
    if shuffled:  # units in any order pair the same
        unit_frame = unit_frame.sample(frac=1.0, random_state=0)
    segments = _segments(small, seed=len(unit) + shuffled)
    out = snap(segments, unit_frame)
    got = [(r.doc_id, r.code, r.segment_start, r.segment_end, r.unit, r.turn, r.start_char, r.end_char)
           for r in out.itertuples(index=False)]
    expected = _plain(segments, unit_frame)
    assert got == [e[1:] for e in expected]
    assert len(got) > len(segments) // 2  # most segments pair with something
    assert list(out.columns) == ["doc_id", "segment_start", "segment_end", "code", "coder", "unit", "turn",
                                 "start_char", "end_char"]
    assert out["code"].dtype == "string" and out["turn"].dtype == "int64"


def test_snap_by_hand():
    unit_frame = pd.DataFrame({"doc_id": ["a", "a", "b"], "unit": [0, 1, 0], "turn": [0, 1, 0],
                               "start_char": [0, 10, 0], "end_char": [8, 20, 4]})
    segments = pd.DataFrame({"doc_id": ["a", "a", "b", "a", "c"], "start_char": [5, 8, 2, 19, 0],
                             "end_char": [12, 10, 3, 25, 5], "code": list("vwxyz")})
    out = snap(segments, unit_frame)
    # v spans the gap between a's two units; w lies in the gap; x is inside b's unit; y
    # runs past a's end; z's document has no units
    assert out[["code", "unit", "start_char", "end_char", "segment_start"]].values.tolist() == [
        ["v", 0, 0, 8, 5], ["v", 1, 10, 20, 5], ["x", 0, 0, 4, 2], ["y", 1, 10, 20, 19]]


def test_snap_without_any_known_document_is_an_empty_frame():
    unit_frame = pd.DataFrame({"doc_id": ["a"], "unit": [0], "turn": [0], "start_char": [0], "end_char": [8]})
    segments = pd.DataFrame({"doc_id": ["zz"], "start_char": [0], "end_char": [3], "code": ["x"]})
    out = snap(segments, unit_frame)
    assert out.empty
    assert list(out.columns) == ["doc_id", "code", "segment_start", "segment_end", "unit", "turn",
                                 "start_char", "end_char"]


def test_overlap_pairs_by_hand():
    # units: doc 0 [0, 8) and [10, 20), doc 1 [0, 4); segments: doc 0 (5, 12), doc 1 (0, 3), none (0, 9)
    seg, unit = overlap_pairs(np.array([0, 1, -1]), np.array([5, 0, 0]), np.array([12, 3, 9]),
                              np.array([1, 0, 0]), np.array([0, 10, 0]), np.array([4, 20, 8]))
    assert seg.tolist() == [0, 0, 1] and unit.tolist() == [2, 1, 0]
