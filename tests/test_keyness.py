"""Keyness: counts handed to research_kit.measures, signs, sorting, filters and errors.

The statistics themselves are tested in test_measures.py; here the four counts a, b, c, d
are counted by hand and keyness() must pass exactly those to the measures.
"""

from __future__ import annotations

import pandas as pd
import pytest

from research_kit import measures
from research_kit.errors import ParameterError
from research_kit.keyness import keyness
from tests.helpers import make_corpus, make_tokens, p, w

COLUMNS = ["term", "count_target", "count_reference", "size_target", "size_reference", "per_10k_target",
           "per_10k_reference", "log_likelihood", "p", "chi_square", "log_ratio", "percent_diff", "lafon"]

ROWS = [
    # d1 (Marie, animatrice): "le budget, le budget budget parc"
    # words 6 (le ×2 stop, budget ×3, parc ×1), the comma is not a word
    w("d1", 0, 0, "le", stop=True), w("d1", 0, 0, "budget"), p("d1", 0, 0, ","), w("d1", 0, 0, "le", stop=True),
    w("d1", 0, 0, "budget"), w("d1", 0, 0, "budget"), w("d1", 0, 0, "parc"),
    # d2 (Ahmed, habitant·e): "le parc parc. le parc vote vote budget"
    # words 8 (le ×2, parc ×3, vote ×2, budget ×1)
    w("d2", 0, 0, "le", stop=True), w("d2", 0, 0, "parc"), w("d2", 0, 0, "parc"), p("d2", 0, 0, "."),
    w("d2", 0, 1, "le", stop=True), w("d2", 0, 1, "parc"), w("d2", 0, 1, "vote"), w("d2", 0, 1, "vote"),
    w("d2", 0, 1, "budget"),
    # d3 (Ahmed, habitant·e): "vote vote budget" -> words 3
    w("d3", 0, 0, "vote"), w("d3", 0, 0, "vote"), w("d3", 0, 0, "budget"),
]
SPEAKERS = {("d1", 0): ("Marie", "animatrice"), ("d2", 0): ("Ahmed", "habitant·e"),
            ("d3", 0): ("Ahmed", "habitant·e")}
DOCS = {"d1": {"site": "Montréal"}, "d2": {"site": "Bruxelles"}, "d3": {"site": "Bruxelles"}}


@pytest.fixture
def tokens():
    return make_tokens(ROWS)


@pytest.fixture
def corpus():
    return make_corpus(ROWS, SPEAKERS, DOCS)


def expected(a, b, c, d):
    """Every column from hand-counted a, b, c, d, through research_kit.measures."""
    ll = measures.log_likelihood(a, b, c, d)
    return {
        "count_target": a, "count_reference": b, "size_target": c, "size_reference": d,
        "per_10k_target": a / c * 10_000, "per_10k_reference": b / d * 10_000,
        "log_likelihood": ll, "p": measures.p_value(ll), "chi_square": measures.chi_square(a, b, c, d),
        "log_ratio": measures.log_ratio(a, b, c, d), "percent_diff": measures.percent_diff(a, b, c, d),
        "lafon": measures.lafon_specificity(a, b, c, d),
    }


def check_row(row, a, b, c, d):
    for column, value in expected(a, b, c, d).items():
        assert row[column] == pytest.approx(float(value)), column


def test_keyness_passes_hand_counts_to_the_measures(tokens):
    out = keyness(tokens, target={"doc_id": "d1"}, reference={"doc_id": "d2"}, min_count=1)
    assert list(out.columns) == COLUMNS
    rows = out.set_index("term")
    # target d1: c = 6 words; reference d2: d = 8 words (stop words count in the sizes)
    check_row(rows.loc["budget"], 3, 1, 6, 8)
    check_row(rows.loc["parc"], 1, 3, 6, 8)
    check_row(rows.loc["vote"], 0, 2, 6, 8)
    assert "le" not in rows.index  # a stop word


def test_keyness_signs_and_sorting(tokens):
    out = keyness(tokens, target={"doc_id": "d1"}, reference={"doc_id": "d2"}, min_count=1)
    # budget 3/6 in the target vs 1/8: over-represented, first; parc 1/6 vs 3/8, vote 0/6 vs 2/8: under
    assert out.loc[0, "term"] == "budget" and out.loc[0, "log_likelihood"] > 0
    assert (out.loc[1:, "log_likelihood"] < 0).all() and (out.loc[1:, "log_ratio"] < 0).all()
    lls = {t: float(measures.log_likelihood(a, b, 6, 8)) for t, a, b in (("budget", 3, 1), ("parc", 1, 3),
                                                                          ("vote", 0, 2))}
    assert out["term"].tolist() == sorted(lls, key=lls.get, reverse=True)
    by_ratio = keyness(tokens, target={"doc_id": "d1"}, reference={"doc_id": "d2"}, min_count=1,
                       measure="log_ratio")
    # log ratios (0.5 smoothing): budget log2((3/6)/(1/8)) = 2; parc log2((1/6)/(3/8)) = -1.17;
    # vote log2((0.5/6)/(2/8)) = -1.58
    assert by_ratio["term"].tolist() == ["budget", "parc", "vote"]
    assert by_ratio["log_ratio"].tolist() == pytest.approx([2.0, -1.169925, -1.584963], abs=1e-6)


def test_keyness_one_against_the_rest(tokens):
    out = keyness(tokens, target={"doc_id": "d1"}, min_count=1).set_index("term")
    # rest = d2 + d3: d = 8 + 3 = 11 words; budget 1 + 1 = 2, parc 3, vote 2 + 2 = 4
    check_row(out.loc["budget"], 3, 2, 6, 11)
    check_row(out.loc["parc"], 1, 3, 6, 11)
    check_row(out.loc["vote"], 0, 4, 6, 11)


def test_keyness_min_count_and_stop_words(tokens):
    out = keyness(tokens, target={"doc_id": "d1"}, reference={"doc_id": "d2"})
    # min_count=3 on a + b: budget 4, parc 4 kept; vote 0 + 2 = 2 dropped
    assert sorted(out["term"]) == ["budget", "parc"]
    with_stop = keyness(tokens, target={"doc_id": "d1"}, reference={"doc_id": "d2"}, min_count=1,
                        drop_stop=False).set_index("term")
    check_row(with_stop.loc["le"], 2, 2, 6, 8)
    check_row(with_stop.loc["budget"], 3, 1, 6, 8)  # same sizes with or without stop words


def test_keyness_by_role_through_the_corpus(tokens, corpus):
    with pytest.raises(ParameterError, match=r"RK-P20.*'role'"):
        keyness(tokens, target={"role": "habitant·e"})
    out = keyness(tokens, target={"role": "habitant·e"}, corpus=corpus, min_count=1).set_index("term")
    # habitant·e = d2 + d3 (11 words), the rest = d1 (6 words)
    check_row(out.loc["vote"], 4, 0, 11, 6)
    check_row(out.loc["budget"], 2, 3, 11, 6)
    by_site = keyness(tokens, target={"site": "Bruxelles"}, corpus=corpus, min_count=1).set_index("term")
    check_row(by_site.loc["vote"], 4, 0, 11, 6)  # Bruxelles is d2 + d3 too


def test_keyness_boolean_series_and_lists(tokens):
    mask = tokens["doc_id"] == "d1"
    assert keyness(tokens, target=mask, min_count=1).equals(keyness(tokens, target={"doc_id": "d1"}, min_count=1))
    out = keyness(tokens, target={"doc_id": ["d2", "d3"]}, min_count=1).set_index("term")
    check_row(out.loc["vote"], 4, 0, 11, 6)
    with pytest.raises(ParameterError, match="RK-P24.*aligned"):
        keyness(tokens, target=mask.iloc[:-1])
    with pytest.raises(ParameterError, match="RK-P24"):
        keyness(tokens, target="d1")


def test_overlapping_target_and_reference_is_an_error(tokens):
    # d2 is in both: its 9 rows (8 words and a full stop) would be compared with themselves
    with pytest.raises(ParameterError, match=r"RK-P25.*overlap: 9 token"):
        keyness(tokens, target={"doc_id": ["d1", "d2"]}, reference={"doc_id": ["d2", "d3"]})


def test_empty_target_names_the_value(tokens):
    with pytest.raises(ParameterError, match=r"RK-P26.*never takes the value 'd9'"):
        keyness(tokens, target={"doc_id": "d9"})
    with pytest.raises(ParameterError, match="RK-P01.*measure"):
        keyness(tokens, target={"doc_id": "d1"}, measure="loglik")


def test_plot_keyness_diverging_colours_and_labels(tokens):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from research_kit.palette import NEGATIVE, POSITIVE
    from research_kit.plots.textstats import plot_keyness

    out = keyness(tokens, target={"doc_id": "d1"}, reference={"doc_id": "d2"}, min_count=1)
    fig = plot_keyness(out)
    ax = fig.axes[0]
    # budget over-represented, parc and vote under-represented
    assert [t.get_text() for t in ax.get_yticklabels()] == out["term"].tolist()
    colours = [to_hex(bar.get_facecolor()) for bar in ax.patches]
    assert colours == [POSITIVE.lower(), NEGATIVE.lower(), NEGATIVE.lower()]
    assert ax.get_xlabel() == "Log-vraisemblance (signée)"
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == "Plus fréquent dans la sélection"
    en = plot_keyness(out, top=1, measure="log_ratio", lang="en").axes[0]
    assert en.get_xlabel().startswith("Log Ratio")
    assert len(en.patches) == 2  # one bar each side
    # without measure=, the score the frame is sorted by (here log_ratio, not log_likelihood)
    by_ratio = pd.DataFrame({"term": ["a", "b", "c"], "log_likelihood": [1.0, 5.0, -3.0],
                             "log_ratio": [2.0, 1.0, -1.0]})
    assert plot_keyness(by_ratio).axes[0].get_xlabel().startswith("Log Ratio")
    with pytest.raises(ParameterError, match="RK-P01.*lang"):
        plot_keyness(out, lang="de")
    plt.close("all")
