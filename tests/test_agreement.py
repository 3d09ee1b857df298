"""Agreement on units from codings frames; reference values worked by hand in comments."""

import numpy as np
import pandas as pd
import pytest

from research_kit.agreement import agreement, disagreements
from research_kit.corpus import build_corpus
from research_kit.errors import ParameterError


def corpus_of(turn_texts, doc="d"):
    docs = pd.DataFrame({"doc_id": [doc]})
    turns = pd.DataFrame({"doc_id": doc, "speaker": ["A", "B"] * (len(turn_texts) // 2) + ["A"] * (len(turn_texts) % 2),
                          "text": turn_texts})
    return build_corpus(docs, turns)


def codings_on_turns(corpus, coder, code, turns):
    t = corpus.turns.set_index("turn")
    return pd.DataFrame({"doc_id": "d", "start_char": [int(t.loc[i, "start_char"]) + 1 for i in turns],
                         "end_char": [int(t.loc[i, "end_char"]) - 1 for i in turns], "code": code, "coder": coder,
                         "memo": pd.NA, "coded_at": pd.NaT})


@pytest.fixture
def ten_turns():
    return corpus_of([f"tour numéro {i} avec quelques mots" for i in range(10)])


def test_kappa_and_alpha_count_units_nobody_coded(ten_turns):
    a = codings_on_turns(ten_turns, "ana", "besoins", [0, 1, 2, 3])
    b = codings_on_turns(ten_turns, "ben", "besoins", [0, 1, 2, 4])
    result = agreement(pd.concat([a, b]), ten_turns, unit="turn").set_index("code")
    row = result.loc["besoins"]
    # 10 turns: both coded 3, ana only 1, ben only 1, neither 5.
    # po = 8/10 = 0.8; p(ana=1) = p(ben=1) = 0.4; pe = 0.4*0.4 + 0.6*0.6 = 0.52
    # kappa = (0.8 - 0.52) / (1 - 0.52) = 0.58333
    assert row["units"] == 10 and row["coded_units"] == 5
    assert row["percent_agreement"] == pytest.approx(0.8)
    assert row["cohen_kappa"] == pytest.approx(0.28 / 0.48)
    # Krippendorff, nominal, 2 coders, 10 units, 20 values: o(0,0) = 10, o(1,1) = 6, o(0,1) = o(1,0) = 2;
    # n0 = 12, n1 = 8; alpha = 1 - (n - 1) * o(0,1) / (n0 * n1) = 1 - 19 * 2 / 96 = 0.604167
    assert row["krippendorff_alpha"] == pytest.approx(1 - 38 / 96)
    # with two coders and no missing values, Fleiss' kappa is Scott's pi:
    # pooled p(1) = 8/20 = 0.4, pe = 0.4² + 0.6² = 0.52 -> (0.8 - 0.52) / 0.48, as kappa here (equal margins)
    assert row["fleiss_kappa"] == pytest.approx(0.28 / 0.48)


def test_overall_row_pools_codes(ten_turns):
    a = pd.concat([codings_on_turns(ten_turns, "ana", "x", [0]), codings_on_turns(ten_turns, "ana", "y", [1])])
    b = pd.concat([codings_on_turns(ten_turns, "ben", "x", [0]), codings_on_turns(ten_turns, "ben", "y", [2])])
    result = agreement(pd.concat([a, b]), ten_turns).set_index("code")
    # x: perfect; y: ana {1}, ben {2} -> 8 of 10 agree. Pooled: 20 decisions, 18 agree.
    assert result.loc["x", "percent_agreement"] == 1.0
    assert result.loc["(all)", "units"] == 20
    assert result.loc["(all)", "percent_agreement"] == pytest.approx(18 / 20)


def test_character_units_as_nvivo():
    c = corpus_of(["abcdefghijklmnopqrst"])  # one turn of 20 characters
    a = pd.DataFrame({"doc_id": ["d"], "start_char": [0], "end_char": [10], "code": ["x"], "coder": ["ana"]})
    b = pd.DataFrame({"doc_id": ["d"], "start_char": [5], "end_char": [15], "code": ["x"], "coder": ["ben"]})
    frame = pd.concat([a, b]).assign(memo=pd.NA, coded_at=pd.NaT)
    row = agreement(frame, c, unit="character").iloc[0]
    # both 5, ana only 5, ben only 5, neither 5: po = 0.5, pe = 0.5*0.5 + 0.5*0.5 = 0.5 -> kappa 0
    assert row["units"] == 20
    assert row["percent_agreement"] == pytest.approx(0.5)
    assert row["cohen_kappa"] == pytest.approx(0.0)


def test_coder_without_codings_in_a_document_is_missing_there():
    docs = pd.DataFrame({"doc_id": ["d1", "d2"]})
    turns = pd.DataFrame({"doc_id": ["d1", "d1", "d2", "d2"], "speaker": "A", "text": ["un", "deux", "trois", "quatre"]})
    c = build_corpus(docs, turns)
    frame = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "start_char": [0, 0, 0], "end_char": [2, 2, 5],
                          "code": "x", "coder": ["ana", "ben", "ana"], "memo": pd.NA, "coded_at": pd.NaT})
    row = agreement(frame, c).iloc[0]
    assert row["units"] == 4 and row["units_all_coders"] == 2  # ben did not code d2
    assert row["percent_agreement"] == 1.0
    # saying that ben coded d2 too turns d2's first turn into a disagreement
    row = agreement(frame, c, documents=["d1", "d2"]).iloc[0]
    assert row["units_all_coders"] == 4 and row["percent_agreement"] == pytest.approx(3 / 4)


def test_three_coders_fleiss_and_alpha(ten_turns):
    frames = [codings_on_turns(ten_turns, "ana", "x", [0, 1]), codings_on_turns(ten_turns, "ben", "x", [0, 1]),
              codings_on_turns(ten_turns, "cai", "x", [0])]
    row = agreement(pd.concat(frames), ten_turns).iloc[0]
    assert np.isnan(row["cohen_kappa"])
    # Fleiss by hand: unit 0: 3 ones; unit 1: 2 ones 1 zero; 8 units all zeros.
    # P_i = (sum n_ij^2 - 3) / (3*2): unit0 = (9-3)/6 = 1; unit1 = (4+1-3)/6 = 1/3; others 1 -> Pbar = (9 + 1/3)/10
    # p1 = 5/30, p0 = 25/30; Pe = (1/6)^2 + (5/6)^2 = 26/36
    p_bar, p_e = (9 + 1 / 3) / 10, 26 / 36
    assert row["fleiss_kappa"] == pytest.approx((p_bar - p_e) / (1 - p_e))
    assert row["percent_agreement"] == pytest.approx(p_bar)


def test_disagreement_table_lists_units_and_decisions(ten_turns):
    a = codings_on_turns(ten_turns, "ana", "besoins", [0, 3])
    b = codings_on_turns(ten_turns, "ben", "besoins", [0, 4])
    table = disagreements(pd.concat([a, b]), ten_turns)
    assert table["unit"].tolist() == [3, 4]
    assert table["ana"].tolist() == [True, False] and table["ben"].tolist() == [False, True]
    assert table.loc[0, "text"] == "tour numéro 3 avec quelques mots"
    assert table.loc[0, "speaker"] == "B"


def test_needs_two_coders(ten_turns):
    with pytest.raises(ParameterError, match="RK-P45"):
        agreement(codings_on_turns(ten_turns, "ana", "x", [0]), ten_turns)
    with pytest.raises(ParameterError, match="RK-P01"):
        agreement(codings_on_turns(ten_turns, "ana", "x", [0]), ten_turns, unit="paragraph")


def test_window_units(ten_turns):
    a = codings_on_turns(ten_turns, "ana", "x", [0])
    b = codings_on_turns(ten_turns, "ben", "x", [0])
    # each turn has 6 words -> windows of 4 words: 2 per turn, 20 in all
    row = agreement(pd.concat([a, b]), ten_turns, unit="window", size=4).iloc[0]
    assert row["units"] == 20 and row["percent_agreement"] == 1.0


def test_codings_outside_the_declared_documents_are_ignored():
    docs = pd.DataFrame({"doc_id": ["d1", "d2"]})
    turns = pd.DataFrame({"doc_id": ["d1", "d2"], "speaker": "A", "text": ["un deux", "trois quatre"]})
    c = build_corpus(docs, turns)
    frame = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "start_char": [0, 0, 0], "end_char": [2, 2, 5],
                          "code": "x", "coder": ["ana", "ben", "ana"], "memo": pd.NA, "coded_at": pd.NaT})
    row = agreement(frame, c, documents=["d1"]).iloc[0]
    assert row["units"] == 1 and row["percent_agreement"] == 1.0


def test_unknown_coders_codes_and_documents_are_named(ten_turns):
    frame = pd.concat([codings_on_turns(ten_turns, "ana", "x", [0]), codings_on_turns(ten_turns, "ben", "x", [0])])
    with pytest.raises(ParameterError, match="RK-P47") as err:
        agreement(frame, ten_turns, coders=["ana", "bem"])
    assert 'Did you mean "ben"' in str(err.value)
    with pytest.raises(ParameterError, match="RK-P47"):
        agreement(frame, ten_turns, codes=["nope"])
    with pytest.raises(ParameterError, match="RK-P47"):
        agreement(frame, ten_turns, documents=["nope"])


def test_consensus_lists_the_units_every_coder_present_coded(ten_turns):
    from research_kit.agreement import consensus

    a = codings_on_turns(ten_turns, "ana", "besoins", [0, 1, 2, 3])
    b = codings_on_turns(ten_turns, "ben", "besoins", [0, 1, 2, 4])
    agreed = consensus(pd.concat([a, b]), ten_turns, unit="turn")
    assert agreed["turn"].tolist() == [0, 1, 2] and set(agreed["coders"]) == {2}
    assert consensus(a.assign(code="x").pipe(lambda f: pd.concat([f, b])), ten_turns).empty


def test_alpha_counts_the_pairs_when_no_unit_has_every_coder():
    # ana and ben code document d; cy codes only document e. No unit has three values, so the kappas
    # (units that every coder coded) are undefined, but alpha takes every unit with two values: the
    # ten turns of d, exactly as with ana and ben alone.
    docs = pd.DataFrame({"doc_id": ["d", "e"]})
    turns = pd.DataFrame({"doc_id": ["d"] * 10 + ["e"], "speaker": "A",
                          "text": [f"tour numéro {i} avec quelques mots" for i in range(10)] + ["autre document"]})
    corpus = build_corpus(docs, turns)
    a = codings_on_turns(corpus.subset(["d"]), "ana", "besoins", [0, 1, 2, 3])
    b = codings_on_turns(corpus.subset(["d"]), "ben", "besoins", [0, 1, 2, 4])
    c = pd.DataFrame({"doc_id": ["e"], "start_char": [0], "end_char": [5], "code": ["besoins"], "coder": ["cy"],
                      "memo": pd.NA, "coded_at": pd.NaT})
    row = agreement(pd.concat([a, b, c]), corpus).set_index("code").loc["besoins"]
    assert np.isnan(row["cohen_kappa"]) and np.isnan(row["percent_agreement"])
    assert row["krippendorff_alpha"] == pytest.approx(1 - 38 / 96)  # as in the first test


def test_cohen_kappa_of_numbers_equals_that_of_the_same_values_as_objects():
    # the numeric fast path reads NaN as missing and the values as categories, as the object path does
    import numpy as np

    from research_kit.measures import cohen_kappa

    a = np.array([1.0, 1.0, 0.0, np.nan, 0.0, 1.0, 0.0, 0.0])
    b = np.array([1.0, 0.0, 0.0, 1.0, 0.0, 1.0, np.nan, 1.0])
    as_objects = [None if np.isnan(v) else int(v) for v in a], [None if np.isnan(v) else int(v) for v in b]
    # by hand on the 6 units both coded: observed agreement 4/6; marginals a: 3 ones, 3 zeros; b: 3 ones,
    # 3 zeros; p_e = (3*3 + 3*3) / 36 = 0.5; kappa = (2/3 - 1/2) / (1/2) = 1/3
    assert float(cohen_kappa(a, b)) == pytest.approx(1 / 3)
    assert float(cohen_kappa(*as_objects)) == pytest.approx(1 / 3)
    assert float(cohen_kappa(a, b, weights="linear")) == pytest.approx(
        float(cohen_kappa(*as_objects, weights="linear")))


def _concatenated_scores(tables):
    """The pooled row as the measures give it on the tables side by side (their values are checked by hand
    in test_measures.py)."""
    from research_kit import measures

    table = np.concatenate(tables, axis=1)
    both = ~np.isnan(table).any(axis=0)
    pairable = (~np.isnan(table)).sum(axis=0) >= 2
    full = table[:, both]
    out = {"units": table.shape[1], "units_all_coders": int(both.sum()),
           "coded_units": int((np.nan_to_num(table) > 0).any(axis=0).sum()),
           "krippendorff_alpha": measures.krippendorff_alpha(table[:, pairable]) if pairable.any() else np.nan}
    if not full.shape[1]:
        return {**out, "percent_agreement": np.nan, "cohen_kappa": np.nan, "fleiss_kappa": np.nan}
    return {**out, "percent_agreement": measures.percent_agreement(full),
            "cohen_kappa": measures.cohen_kappa(full[0], full[1]) if table.shape[0] == 2 else np.nan,
            "fleiss_kappa": measures.fleiss_kappa(full)}


@pytest.mark.parametrize("coders", [2, 3])
@pytest.mark.parametrize("case", ["mixed", "nobody coded", "everyone coded everything", "missing coder"])
def test_pooled_row_equals_the_measures_on_the_codes_side_by_side(coders, case):
    from research_kit.agreement import _pooled_scores

    rng = np.random.default_rng(coders)
    tables = []
    for k in range(4):
        table = (rng.random((coders, 30 + k)) < 0.3).astype(float)
        if case == "nobody coded":
            table[:] = 0.0
        elif case == "everyone coded everything":
            table[:] = 1.0
        table[rng.random(table.shape) < (0.2 if case == "mixed" else 0.0)] = np.nan
        if case == "missing coder":
            table[0, :] = np.nan   # the first coder coded none of these documents
        tables.append(table)
    got, want = _pooled_scores(tables), _concatenated_scores(tables)
    assert set(got) == set(want)
    for key, value in want.items():
        assert got[key] == pytest.approx(float(value), rel=1e-12, nan_ok=True), key
