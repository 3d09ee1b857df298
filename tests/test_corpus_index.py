"""The corpus's per-document index (#19): texts and turn rows built in one pass, kept, rebuilt when needed.

Each test compares what the index gives with the plain computation (slicing the turns of
one document at a time) or with values worked by hand.
"""

from __future__ import annotations

import copy
import dataclasses

import cloudpickle
import numpy as np
import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit.corpus import build_corpus
from research_kit.errors import UnknownNameError
from research_kit.schemas import TURN_SEPARATOR
from tests.helpers import DATA


@pytest.fixture(scope="module")
def small():
    return read_corpus(DATA / "corpus_small", errors="collect")


def _edges():
    """Documents given out of order, turns interleaved, one document without turns."""
    docs = pd.DataFrame({"doc_id": ["b", "vide", "a"]})
    turns = pd.DataFrame({"doc_id": ["a", "b", "a", "b", "a"],
                          "speaker": ["Ana", "Léo", "Bob", "Léo", "Ana"],
                          "text": ["Un.", "Deux trois.", "Quatre.", "Cinq.", "Six sept."]})
    return build_corpus(docs, turns)


def test_document_turns_equal_a_filter_of_the_turns(small):
    # turns in document order (as build_corpus leaves them), and shuffled (rows found one by one)
    shuffled = dataclasses.replace(small, turns=small.turns.sample(frac=1.0, random_state=3))
    for corpus in (small, _edges(), shuffled):
        for doc_id in corpus.doc_ids:
            plain = corpus.turns[corpus.turns["doc_id"] == doc_id].sort_values("turn")
            pd.testing.assert_frame_equal(corpus.document_turns(doc_id), plain, check_exact=True)
            assert corpus.text(doc_id) == TURN_SEPARATOR.join(plain["text"].astype(str))


def test_document_turns_and_texts_by_hand():
    corpus = _edges()
    # "a" has turns 0, 2, 4 of the input, "b" turns 1 and 3; "vide" none
    assert corpus.document_turns("a")["text"].tolist() == ["Un.", "Quatre.", "Six sept."]
    assert corpus.document_turns("b")["turn"].tolist() == [0, 1]
    assert corpus.document_turns("vide").empty
    assert list(corpus.document_turns("vide").columns) == list(corpus.turns.columns)
    assert corpus.text("a") == "Un." + TURN_SEPARATOR + "Quatre." + TURN_SEPARATOR + "Six sept."
    assert corpus.text("b") == "Deux trois." + TURN_SEPARATOR + "Cinq."
    assert corpus.text("vide") == ""
    # offsets point into the text: "Quatre." starts after "Un." and the separator (3 + 2)
    second = corpus.document_turns("a").iloc[1]
    assert (second["start_char"], second["end_char"]) == (5, 12)


@pytest.mark.parametrize("bad", ["absent", None, 3, ["a"]])
def test_an_unknown_document_is_refused_by_code(bad):
    corpus = _edges()
    with pytest.raises(UnknownNameError, match="RK-C10"):
        corpus.document_turns(bad)
    with pytest.raises(UnknownNameError, match="RK-C10"):
        corpus.text(bad)


def test_the_index_is_built_again_for_other_turns():
    corpus = _edges()
    assert corpus.text("b") == "Deux trois." + TURN_SEPARATOR + "Cinq."
    # a row added in place (a copy of a's turn 0): the kept texts no longer describe the frame
    corpus.turns.loc[corpus.turns.index.max() + 1] = corpus.turns.iloc[corpus.document_turns("a").index[0]]
    assert corpus.text("a") == TURN_SEPARATOR.join(["Un.", "Un.", "Quatre.", "Six sept."])
    assert corpus.document_turns("a")["text"].tolist() == ["Un.", "Un.", "Quatre.", "Six sept."]
    # another frame in its place (what only object.__setattr__ can do to a frozen corpus)
    other = build_corpus(pd.DataFrame({"doc_id": ["b", "vide", "a"]}),
                         pd.DataFrame({"doc_id": ["b"], "speaker": ["Léo"], "text": ["Autre."]}))
    object.__setattr__(corpus, "turns", other.turns)
    assert corpus.text("b") == "Autre." and corpus.text("a") == ""


def test_copies_start_with_nothing_kept_and_give_the_same(small):
    small.text(small.doc_ids[0])  # build the index
    state = small.__getstate__()
    assert state["_cache"] == {} and small._cache  # what is pickled (for dask) holds no texts; the corpus keeps its own
    for other in (cloudpickle.loads(cloudpickle.dumps(small)), copy.copy(small), dataclasses.replace(small),
                  small.subset(small.doc_ids)):
        assert other._cache is not small._cache
        assert [other.text(d) for d in other.doc_ids] == [small.text(d) for d in small.doc_ids]
        for d in other.doc_ids:
            assert np.array_equal(other.document_turns(d).index, small.document_turns(d).index)


def test_texts_of_documents_in_turns_only_follow_turn_order():
    # turns given with their own numbering, out of order: the text follows "turn"
    docs = pd.DataFrame({"doc_id": ["d"]})
    turns = pd.DataFrame({"doc_id": ["d", "d", "d"], "turn": [2, 0, 1], "speaker": ["A", "B", "C"],
                          "text": ["trois", "un", "deux"]})
    corpus = build_corpus(docs, turns)
    assert corpus.text("d") == TURN_SEPARATOR.join(["un", "deux", "trois"])
    assert corpus.document_turns("d")["speaker"].tolist() == ["B", "C", "A"]
