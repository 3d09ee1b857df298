"""Specificities across the values of a variable, and correspondence analysis.

The correspondence analysis reproduces Greenacre's smoking example, as the R package
``ca`` prints it (``ca(smoke)``: principal inertias 0.074759, 0.010017, 0.000414;
87.8 %, 11.8 %, 0.5 %). Greenacre, M. (2017). *Correspondence Analysis in Practice*,
3rd ed., Chapman & Hall/CRC, Exhibit 4.2 and ch. 11.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from research_kit import measures
from research_kit.ca import CorrespondenceAnalysis, correspondence_analysis, specificities
from research_kit.corpus import build_corpus
from research_kit.errors import ParameterError
from tests.helpers import block_tokens
from tests.helpers import make_item_tokens

SMOKE = pd.DataFrame([[4, 2, 3, 2], [4, 3, 7, 4], [25, 10, 12, 4], [18, 24, 33, 13], [10, 6, 7, 2]],
                     index=["SM", "JM", "SE", "JE", "SC"], columns=["none", "light", "medium", "heavy"])


def test_ca_reproduces_greenacre_smoking_example():
    ca = correspondence_analysis(SMOKE)
    assert isinstance(ca, CorrespondenceAnalysis)
    ev = ca.eigenvalues
    assert ev["axis"].tolist() == [1, 2, 3]
    assert ev["eigenvalue"].tolist() == pytest.approx([0.074759, 0.010017, 0.000414], abs=2e-6)
    assert ev["percent"].round(1).tolist() == [87.8, 11.8, 0.5]
    assert ev["cumulative"].iloc[-1] == pytest.approx(100)
    # total inertia = chi-square / N (computed independently by scipy)
    chi2 = chi2_contingency(SMOKE.to_numpy(), correction=False)[0]
    assert ev["eigenvalue"].sum() == pytest.approx(chi2 / SMOKE.to_numpy().sum())
    # principal coordinates (ca's, up to the sign of each axis)
    rows = ca.rows.set_index("term")
    assert abs(rows.loc["SM", "dim_1"]) == pytest.approx(0.0658, abs=1e-4)
    assert abs(rows.loc["SM", "dim_2"]) == pytest.approx(0.1937, abs=1e-4)
    assert abs(rows.loc["SE", "dim_1"]) == pytest.approx(0.3806, abs=1e-4)
    cols = ca.columns.set_index("value")
    assert abs(cols.loc["none", "dim_1"]) == pytest.approx(0.3933, abs=1e-4)
    assert abs(cols.loc["heavy", "dim_2"]) == pytest.approx(0.1978, abs=1e-4)
    # SE and "none" lie on the same side of axis 1; JE with the smokers
    assert np.sign(rows.loc["SE", "dim_1"]) == np.sign(cols.loc["none", "dim_1"])
    assert np.sign(rows.loc["JE", "dim_1"]) == np.sign(cols.loc["medium", "dim_1"])
    # contributions sum to 100 per axis; cos2 at most 1
    for frame in (ca.rows, ca.columns):
        assert frame[["contrib_1", "contrib_2"]].sum().tolist() == pytest.approx([100, 100])
        assert ((frame["cos2_1"] + frame["cos2_2"]) <= 1 + 1e-12).all()
    assert ca.rows["mass"].sum() == pytest.approx(1)


def test_ca_more_components_and_sign_convention():
    ca = correspondence_analysis(SMOKE, n_components=5)
    assert [c for c in ca.rows.columns if c.startswith("dim_")] == ["dim_1", "dim_2", "dim_3"]
    # each axis: the row farthest out is positive
    for j in (1, 2, 3):
        d = ca.rows[f"dim_{j}"].to_numpy()
        assert d[np.argmax(np.abs(d))] > 0
    # all axes together: cos2 sum to 1
    assert (ca.rows[["cos2_1", "cos2_2", "cos2_3"]].sum(axis=1)).tolist() == pytest.approx([1] * 5)


def test_ca_errors():
    with pytest.raises(ParameterError, match="RK-P73"):
        correspondence_analysis(SMOKE[["none"]])
    with pytest.raises(ParameterError, match="RK-P73"):
        correspondence_analysis(SMOKE - 10)
    with pytest.raises(ParameterError, match="RK-P73"):
        correspondence_analysis([1, 2, 3])
    with pytest.raises(ParameterError, match="RK-P73"):
        correspondence_analysis(make_item_tokens({"d": ["a", "b"]}))


# ---------------------------------------------------------------------------
# specificities

# d1 (site Montréal): parc parc parc budget le      -> 5 words
# d2 (site Bruxelles): budget budget parc le le .    -> 5 words (the full stop is not a word)
# d3 (site Bruxelles): budget budget                 -> 2 words
DOCS = {
    "d1": ["parc", "parc", "parc", "budget", ("le", "DET", True)],
    "d2": ["budget", "budget", "parc", ("le", "DET", True), ("le", "DET", True), "."],
    "d3": ["budget", "budget"],
}


@pytest.fixture
def tokens():
    return make_item_tokens(DOCS)


@pytest.fixture
def corpus():
    documents = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "site": ["Montréal", "Bruxelles", "Bruxelles"]})
    turns = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "speaker": ["Marie", "Ahmed", "Ahmed"],
                          "role": ["animatrice", "habitant·e", "habitant·e"],
                          "text": ["parc parc parc budget le", "budget budget parc le le.", "budget budget"]})
    return build_corpus(documents, turns)


def test_specificities_by_a_document_variable(tokens, corpus):
    spec = specificities(tokens, by="site", corpus=corpus, min_frequency=1)
    assert list(spec.columns) == ["variable", "value", "term", "count", "total", "size", "expected", "lafon"]
    assert spec["variable"].unique().tolist() == ["site"]
    assert spec["value"].tolist() == ["Bruxelles", "Bruxelles", "Montréal", "Montréal"]
    row = spec.set_index(["value", "term"])
    # Montréal: parc f = 3 of F = 4, part t = 5 words of T = 12
    m = row.loc[("Montréal", "parc")]
    assert (m["count"], m["total"], m["size"]) == (3, 4, 5)
    assert m["expected"] == pytest.approx(5 * 4 / 12)
    assert m["lafon"] == pytest.approx(float(measures.lafon_specificity(3, 1, 5, 7)))
    b = row.loc[("Bruxelles", "budget")]
    assert (b["count"], b["total"], b["size"]) == (4, 5, 7)
    assert b["lafon"] == pytest.approx(float(measures.lafon_specificity(4, 1, 7, 5)))
    assert row.loc[("Bruxelles", "parc"), "lafon"] < 0
    # sorted by value then lafon descending
    assert spec.groupby("value", sort=False)["lafon"].apply(lambda s: s.is_monotonic_decreasing).all()


def test_specificities_by_a_turn_column_and_wide(tokens, corpus):
    wide = specificities(tokens, by="role", corpus=corpus, min_frequency=1, wide=True)
    assert wide.columns.name == "role"
    assert sorted(wide.columns) == ["animatrice", "habitant·e"]
    assert wide.loc["parc", "animatrice"] == pytest.approx(float(measures.lafon_specificity(3, 1, 5, 7)))


def test_specificities_stop_words_and_min_frequency(tokens):
    spec = specificities(tokens, by="doc_id", min_frequency=1, drop_stop=False)
    assert "le" in set(spec["term"])
    spec = specificities(tokens, by="doc_id", min_frequency=5)
    assert set(spec["term"]) == {"budget"}


def test_specificities_errors(tokens):
    with pytest.raises(ParameterError, match="RK-P20"):
        specificities(tokens, by="site")
    with pytest.raises(ParameterError, match="RK-P22"):
        specificities(tokens, by=["site", "role"])
    with pytest.raises(ParameterError, match="RK-P01"):
        specificities(tokens, by="doc_id", of="stem")


def test_ca_of_tokens_by_a_variable(tokens, corpus):
    ca = correspondence_analysis(tokens, by="doc_id", min_frequency=1)
    assert ca.variable == "doc_id"
    assert sorted(ca.columns["value"]) == ["d1", "d2", "d3"]
    assert set(ca.rows["term"]) == {"parc", "budget"}
    assert len(ca.eigenvalues) == 1  # two forms: one axis


def test_ca_of_a_classification_and_factor_map():
    from matplotlib.figure import Figure

    from research_kit.chd import reinert
    from research_kit.plots.chd import plot_correspondence

    result = reinert(block_tokens([8, 7, 6]), k=3, min_class_size=2, min_frequency=1)
    ca = correspondence_analysis(result)
    assert ca.variable == "cls"
    assert sorted(ca.columns["value"]) == [1, 2, 3]
    assert "cls" in ca.rows.columns
    # each block's forms are characteristic of that block's class
    f0 = ca.rows.set_index("term").loc["f0", "cls"]
    assert f0 == result.segments["cls"].iloc[0]
    assert isinstance(plot_correspondence(ca), Figure)
    assert isinstance(plot_correspondence(correspondence_analysis(SMOKE), lang="en", n_rows=3), Figure)
    with pytest.raises(ParameterError, match="RK-P01"):
        plot_correspondence(ca, axes=(1, 4))
    import matplotlib.pyplot as plt

    plt.close("all")
