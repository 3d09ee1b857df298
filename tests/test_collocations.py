"""Collocations: window counts by hand, equality with NLTK's own finder, boundaries."""

from __future__ import annotations

import math

import numpy as np
import pytest
from nltk.collocations import BigramCollocationFinder
from nltk.metrics import BigramAssocMeasures

from research_kit.collocations import collocations
from research_kit.errors import ParameterError
from tests.helpers import make_corpus, make_tokens, p, w

COLUMNS = ["w1", "w2", "count", "pmi", "likelihood_ratio", "student_t"]


def one_turn(words, doc="d1", turn=0, stop=()):
    return [w(doc, turn, 0, x, stop=x in stop) for x in words]


def test_window_counts_by_hand():
    # conseil municipal vote conseil municipal, window 3 (each word and the 2 after it):
    # conseil->municipal, conseil->vote | municipal->vote, municipal->conseil | vote->conseil, vote->municipal
    # | conseil->municipal  => (conseil, municipal) 2, every other pair 1
    tokens = make_tokens(one_turn(["conseil", "municipal", "vote", "conseil", "municipal"]))
    out = collocations(tokens, window=3, min_count=1)
    assert list(out.columns) == COLUMNS
    counts = {(a, b): c for a, b, c in out[["w1", "w2", "count"]].itertuples(index=False)}
    assert counts == {("conseil", "municipal"): 2, ("conseil", "vote"): 1, ("municipal", "vote"): 1,
                      ("municipal", "conseil"): 1, ("vote", "conseil"): 1, ("vote", "municipal"): 1}


def test_pmi_by_hand_window_2():
    # adjacent pairs of conseil municipal vote conseil municipal: N = 5 words, conseil 2, municipal 2,
    # (conseil, municipal) 2 -> PMI = log2(2 * 5 / (2 * 2)) = log2(2.5)
    tokens = make_tokens(one_turn(["conseil", "municipal", "vote", "conseil", "municipal"]))
    out = collocations(tokens, window=2, min_count=2)
    assert out[["w1", "w2", "count"]].values.tolist() == [["conseil", "municipal", 2]]
    assert out.loc[0, "pmi"] == pytest.approx(math.log2(2.5))


@pytest.mark.parametrize("window", [2, 3, 5])
def test_equal_to_nltk_from_words_on_one_stream(window):
    rng = np.random.default_rng(7)
    words = [f"m{i}" for i in rng.zipf(1.5, size=400) % 25]
    tokens = make_tokens(one_turn(words))
    out = collocations(tokens, window=window, min_count=2)
    finder = BigramCollocationFinder.from_words(words, window_size=window)
    finder.apply_freq_filter(2)
    assert len(out) == len(finder.ngram_fd)
    ours = out.set_index(["w1", "w2"])
    for pair, count in finder.ngram_fd.items():
        assert ours.loc[pair, "count"] == count
    for measure in ("pmi", "likelihood_ratio", "student_t"):
        for pair, score in finder.score_ngrams(getattr(BigramAssocMeasures, measure)):
            assert ours.loc[pair, measure] == pytest.approx(score), (measure, pair)
    assert out["pmi"].is_monotonic_decreasing  # sorted by the chosen measure


def test_never_across_turns_or_documents():
    # d1 turn 0 "x y", d1 turn 1 "z u", d2 turn 0 "v t": with window 3, no pair joins two turns
    rows = one_turn(["x", "y"]) + one_turn(["z", "u"], turn=1) + one_turn(["v", "t"], doc="d2")
    out = collocations(make_tokens(rows), window=3, min_count=1)
    assert sorted(zip(out["w1"], out["w2"])) == [("v", "t"), ("x", "y"), ("z", "u")]


def test_stop_words_hold_their_place_and_punctuation_goes():
    # "budget de la ville , budget" with de/la stop words:
    # window 3: budget sees de, la (stop) -> nothing; window 4: budget -> ville once;
    # the comma is removed, so ville -> budget is adjacent
    rows = [w("d1", 0, 0, "budget"), w("d1", 0, 0, "de", stop=True), w("d1", 0, 0, "la", stop=True),
            w("d1", 0, 0, "ville"), p("d1", 0, 0, ","), w("d1", 0, 0, "budget")]
    tokens = make_tokens(rows)
    assert sorted(zip(collocations(tokens, window=3, min_count=1)["w1"],
                      collocations(tokens, window=3, min_count=1)["w2"])) == [("ville", "budget")]
    four = collocations(tokens, window=4, min_count=1)
    assert sorted(zip(four["w1"], four["w2"])) == [("budget", "ville"), ("ville", "budget")]
    kept = collocations(tokens, window=2, min_count=1, drop_stop=False)
    assert ("de", "la") in set(zip(kept["w1"], kept["w2"]))


def test_node_by_and_sorting():
    words = ["conseil", "municipal", "vote", "conseil", "municipal", "budget", "vote"]
    rows = one_turn(words) + one_turn(words[:3], doc="d2")
    tokens = make_tokens(rows)
    node = collocations(tokens, window=2, min_count=1, node="Vote")
    # adjacent pairs holding "vote": municipal vote (d1 and d2), vote conseil, budget vote
    assert sorted(zip(node["w1"], node["w2"], node["count"])) == [
        ("budget", "vote", 1), ("municipal", "vote", 2), ("vote", "conseil", 1)]
    corpus = make_corpus(rows, {("d1", 0): ("Marie", "animatrice"), ("d2", 0): ("Ahmed", "habitant·e")})
    by = collocations(tokens, window=2, min_count=1, by="speaker", corpus=corpus)
    assert list(by.columns) == ["speaker", *COLUMNS]
    ahmed = by[by["speaker"] == "Ahmed"]
    # d2 alone: conseil municipal vote -> two pairs, each once
    assert sorted(zip(ahmed["w1"], ahmed["w2"], ahmed["count"])) == [("conseil", "municipal", 1),
                                                                    ("municipal", "vote", 1)]
    t = collocations(tokens, window=2, min_count=1, measure="student_t")
    assert t["student_t"].is_monotonic_decreasing


def test_errors():
    tokens = make_tokens(one_turn(["a", "b"]))
    with pytest.raises(ParameterError, match="RK-P23.*window"):
        collocations(tokens, window=1)
    with pytest.raises(ParameterError, match="RK-P01.*measure"):
        collocations(tokens, measure="mi")
    with pytest.raises(ParameterError, match="RK-P30"):
        collocations(tokens, node=3)
    assert collocations(tokens).empty  # nothing seen 3 times
