"""The tokens-frame toolkit (research_kit.tokens) on frames of a few rows built by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research_kit.corpus import build_corpus
from research_kit.errors import ParameterError, SchemaError
from research_kit.textstats import frequencies
from research_kit.tokens import (
    OF, as_term, bool_column, check_columns, check_documents, check_tokens, doc_codes, empty_result, group_codes,
    grouped_result, in_order, run_starts, term_codes, terms, with_context, word_mask,
)


@pytest.fixture(scope="module")
def corpus():
    # d1: turn 0 Marie (animatrice), turn 1 Karim (no role); d2: turn 0 Lou (habitante)
    docs = pd.DataFrame({"doc_id": ["d1", "d2"], "site": ["Forest", "Verdun"]})
    turns = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "speaker": ["Marie", "Karim", "Lou"],
                          "role": ["animatrice", pd.NA, "habitante"], "text": ["Bon.", "Oui.", "Non."]})
    return build_corpus(docs, turns)


def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


# ---------------------------------------------------------------------------
# checks


def test_check_tokens_returns_the_frame_itself_and_names_what_is_missing():
    tokens = frame(doc_id=["d1"], text=["oui"])
    assert check_tokens(tokens, ["doc_id", "text"], function="f") is tokens
    with pytest.raises(SchemaError, match=r"RK-S01.*f\(\).*lemma, is_punct"):
        check_tokens(tokens, ["doc_id", "lemma", "is_punct"], function="f")
    with pytest.raises(SchemaError, match=r"RK-S02.*got list"):
        check_tokens([1, 2], ["doc_id"], function="f")


def test_check_columns():
    assert check_columns(None, "by", function="f") == []
    assert check_columns("role", "by", function="f") == ["role"]
    assert check_columns(("doc_id", "role"), "by", function="f") == ["doc_id", "role"]
    with pytest.raises(ParameterError, match="RK-P22.*names a column twice"):
        check_columns(["role", "role"], "by", function="f")
    with pytest.raises(ParameterError, match=r"RK-P22.*'across' parameter of f\(\) must be a column name or a list "
                                             r"of column names; got None"):
        check_columns(None, "across", function="f", allow_none=False)
    for bad in (3, [], ["role", 1]):
        with pytest.raises(ParameterError, match="RK-P22"):
            check_columns(bad, "by", function="f")


def test_check_documents_names_the_stray_document(corpus):
    check_documents(frame(doc_id=["d1", "d2", "d1"]), corpus, function="f")
    with pytest.raises(ParameterError, match=r"RK-P27.*f\(\).*'d3'"):
        check_documents(frame(doc_id=["d1", "d3"]), corpus, function="f")


# ---------------------------------------------------------------------------
# context columns


def test_with_context_looks_up_turn_and_document_columns(corpus):
    tokens = frame(doc_id=["d2", "d1", "d1", "d1"], turn=[0, 1, 0, 5], text=["non", "oui", "bon", "x"],
                   extra=[1, 2, 3, 4])
    tokens.index = [10, 11, 12, 13]
    before = tokens.copy()
    out = with_context(tokens, ["speaker", "role", "site"], corpus, function="f")
    pd.testing.assert_frame_equal(tokens, before)  # the input is not modified
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out["speaker"].tolist()[:3] == ["Lou", "Karim", "Marie"]
    assert out["role"].isna().tolist() == [False, True, False, True]  # no role, and a turn the corpus lacks
    assert out["speaker"].isna().tolist() == [False, False, False, True]
    assert out["site"].tolist() == ["Verdun", "Forest", "Forest", "Forest"]
    kept = with_context(tokens, ["site"], corpus, function="f", keep=["doc_id"])
    assert kept.columns.tolist() == ["doc_id", "site"]


def test_with_context_returns_the_tokens_when_nothing_is_missing():
    tokens = frame(doc_id=["d1"], role=["élu"])
    assert with_context(tokens, ["role"], None, function="f") is tokens


def test_with_context_errors(corpus):
    tokens = frame(doc_id=["d1"], turn=[0])
    with pytest.raises(ParameterError, match=r"RK-P20.*'role' \(across=\)"):
        with_context(tokens, ["role"], None, function="f", parameter="across")
    with pytest.raises(ParameterError, match='RK-P21.*\'sites\'.*Did you mean "site"'):
        with_context(tokens, ["sites"], corpus, function="f")
    with pytest.raises(ParameterError, match="RK-P27.*'zz'"):
        with_context(frame(doc_id=["zz"], turn=[0]), ["speaker"], corpus, function="f")


# ---------------------------------------------------------------------------
# columns as arrays, order


def test_bool_column_and_word_mask_read_a_missing_flag_as_false():
    tokens = frame(is_punct=pd.array([False, True, None, False], dtype="boolean"),
                   is_space=pd.array([False, False, False, True], dtype="boolean"))
    assert bool_column(tokens, "is_punct").tolist() == [False, True, False, False]
    assert word_mask(tokens).tolist() == [True, False, True, False]


def test_in_order_keeps_an_ordered_frame_and_sorts_by_first_appearance_then_token():
    ordered = frame(doc_id=["b", "b", "a"], token=[0, 1, 0])
    assert in_order(ordered) is ordered
    shuffled = frame(doc_id=["b", "a", "b", "a"], token=[3, 1, 2, 0])
    assert in_order(shuffled).index.tolist() == [2, 0, 3, 1]


def test_doc_codes_and_run_starts():
    codes = doc_codes(frame(doc_id=["b", "b", "a", "b"]))
    assert codes.dtype == np.int64 and codes.tolist() == [0, 0, 1, 0]
    assert run_starts(codes).tolist() == [True, False, True, True]
    turn = np.array([0, 1, 1, 1])
    assert run_starts(codes, turn).tolist() == [True, True, True, True]
    assert run_starts(np.array([], dtype=np.int64)).tolist() == []


# ---------------------------------------------------------------------------
# terms


@pytest.mark.parametrize("of", OF)
def test_term_codes_index_the_terms(of):
    tokens = frame(text=["Projet", "projet", "Là", "là"],
                   lemma=pd.array(["projet", "projet", None, "là"], dtype="string"))
    codes, names = term_codes(tokens, of)
    assert codes.dtype == np.int64 and (codes >= 0).all()
    assert names[codes].tolist() == terms(tokens, of).tolist()
    assert len(names) == len(set(names.tolist()))  # one code per distinct term


def test_terms_and_as_term():
    tokens = frame(text=["Projet", "Là"], lemma=pd.array(["projet", None], dtype="string"))
    assert terms(tokens, "lemma").tolist() == ["projet", "là"]  # a missing lemma: the lower-cased text
    assert terms(tokens, "text").tolist() == ["Projet", "Là"]
    assert terms(tokens, "lower").tolist() == ["projet", "là"]
    assert [as_term("Projet", of) for of in OF] == ["projet", "Projet", "projet"]


# ---------------------------------------------------------------------------
# groups


def test_group_codes_sort_keys_with_missing_values_last():
    tokens = frame(doc_id=pd.array(["d2", "d1", "d2", "d1"], dtype="string"),
                   role=pd.array(["élu", None, "élu", "élu"], dtype="string"))
    codes, keys = group_codes(tokens, ["doc_id", "role"])
    # only the combinations present: (d1, élu), (d1, NA), (d2, élu)
    assert keys["doc_id"].tolist() == ["d1", "d1", "d2"]
    assert keys["role"].isna().tolist() == [False, True, False]
    assert codes.tolist() == [2, 1, 2, 0]
    assert keys["role"].dtype == "string"
    codes, keys = group_codes(tokens, [])
    assert codes.tolist() == [0, 0, 0, 0] and keys.shape == (1, 0)


def test_grouped_result_and_empty_result():
    _, keys = group_codes(frame(role=["b", "a"]), ["role"])
    out = grouped_result(keys, np.array([1, 0, 1]), {"count": [3, 2, 1]})
    assert out.to_dict("list") == {"role": ["b", "a", "b"], "count": [3, 2, 1]}
    _, no_keys = group_codes(frame(role=["b"]), [])
    assert grouped_result(no_keys, np.array([0, 0]), {"count": [1, 2]}).columns.tolist() == ["count"]
    empty = empty_result({"term": "string", "count": "int64"})
    assert len(empty) == 0 and empty.dtypes.astype(str).tolist() == ["string", "int64"]


# ---------------------------------------------------------------------------
# whole numbers go through errors.check_int


def test_whole_number_parameters_keep_their_message():
    tokens = frame(doc_id=["d1"], text=["oui"], lemma=["oui"], is_stop=[False], is_punct=[False], is_space=[False])
    with pytest.raises(ParameterError, match=r"^\[RK-P23\] the 'min_count' parameter of frequencies\(\) must be a "
                                             r"whole number >= 1; got 0 instead\.$"):
        frequencies(tokens, min_count=0)
    with pytest.raises(ParameterError, match="RK-P23.*got True"):
        frequencies(tokens, min_count=True)
