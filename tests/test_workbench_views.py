"""What the panels show, as plain functions: spans snapped to words, context, filters over turns and tokens."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research_kit.corpus import build_corpus
from research_kit.errors import ParameterError
from research_kit.workbench.views import (
    TokenSelector, filter_options, filter_rows, snap_span, transcript, turn_context, turn_mask, write_view,
)


@pytest.fixture
def corpus():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "date": ["2025-01-10", "2025-02-10", None],
                         "site": ["Bruxelles", "Montréal", "Bruxelles"]})
    turns = pd.DataFrame({"doc_id": ["a", "a", "b", "b", "c"], "speaker": ["S", "H", "S", "H", "K"],
                          "role": ["animatrice", "habitant·e", "animatrice", "habitant·e", "élu·e"],
                          "text": ["Bonjour à tous.", "Il faudrait un banc.", "On reprend.", "Un banc, oui.", "Noté."]})
    return build_corpus(docs, turns)


@pytest.mark.parametrize("text, start, end, expected", [
    ("Il faudrait un banc.", 4, 7, (3, 11)),   # inside "faudrait": the whole word
    ("Il faudrait un banc.", 2, 12, (3, 11)),  # the spaces around it left out
    ("Il faudrait un banc.", 15, 20, (15, 20)),  # "banc." as selected: the full stop kept
    ("peut-être demain", 2, 3, (0, 9)),        # a hyphenated word is one word
    ("Il  a", 2, 4, None),                     # only white space
])
def test_snap_span(text, start, end, expected):
    assert snap_span(text, start, end) == expected


def test_transcript_and_context(corpus):
    rows = transcript(corpus, "a")
    assert rows["text"].tolist() == ["Bonjour à tous.", "Il faudrait un banc."]
    assert all(corpus.text("a")[s:e] == t for s, e, t in zip(rows["start_char"], rows["end_char"], rows["text"]))
    ctx = turn_context(corpus, "b", 1, before=1, after=1)
    assert ctx["turn"].tolist() == [0, 1] and ctx["is_target"].tolist() == [False, True]
    with pytest.raises(ParameterError, match="RK-P81"):
        turn_context(corpus, "b", 7)


def test_filters_by_turn_document_variable_and_dates(corpus):
    turns = corpus.turns
    assert turns[turn_mask(corpus, {"role": "habitant·e"})]["doc_id"].tolist() == ["a", "b"]
    assert turns[turn_mask(corpus, {"site": "Bruxelles"})]["doc_id"].tolist() == ["a", "a", "c"]
    # c has no date: a date bound lets it through no more than a document outside the range
    assert turns[turn_mask(corpus, {"date_from": "2025-02-01"})]["doc_id"].tolist() == ["b", "b"]
    assert turns[turn_mask(corpus, {"date_to": "2025-01-31", "speaker": ["S", "H"]})]["turn"].tolist() == [0, 1]
    assert turn_mask(corpus, {"speaker": "", "role": []}).all()  # empty values filter nothing


def test_bad_filters_say_what_to_do(corpus):
    with pytest.raises(ParameterError, match="RK-P43") as err:
        turn_mask(corpus, {"sit": "Bruxelles"})
    assert 'Did you mean "site"' in str(err.value)
    with pytest.raises(ParameterError, match="RK-P80"):
        turn_mask(corpus, {"date_from": "10 janvier"})
    with pytest.raises(ParameterError, match="RK-P80"):
        turn_mask(corpus, {"date_from": "2025-03-01", "date_to": "2025-01-01"})


def test_filter_rows_of_any_table_with_doc_id_and_turn(corpus):
    hits = pd.DataFrame({"doc_id": ["a", "b", "b"], "turn": [1, 0, 1], "match": ["banc", "On", "banc"]})
    assert filter_rows(hits, corpus, {"role": "habitant·e"})["match"].tolist() == ["banc", "banc"]
    assert filter_rows(hits, corpus, {"site": "Montréal"})["turn"].tolist() == [0, 1]
    by_doc = pd.DataFrame({"doc_id": ["a", "b"]})
    assert filter_rows(by_doc, corpus, {"site": "Montréal"})["doc_id"].tolist() == ["b"]
    with pytest.raises(ParameterError, match="RK-P43"):
        filter_rows(by_doc, corpus, {"role": "élu·e"})


def test_token_selector_follows_the_turns(corpus):
    tokens = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "x"], "turn": [0, 1, 1, 0, 0]})
    selector = TokenSelector(tokens, corpus)
    assert selector.mask().tolist() == [True, True, True, True, False]  # a turn the corpus lacks: never
    assert selector.mask({"role": "habitant·e"}).tolist() == [False, True, True, False, False]
    assert np.flatnonzero(selector.mask({"site": "Bruxelles"})).tolist() == [0, 1, 3]


def test_filter_options_list_what_the_menus_offer(corpus):
    options = filter_options(corpus)
    assert [d["doc_id"] for d in options["documents"]] == ["a", "b", "c"]
    assert options["roles"] == ["animatrice", "habitant·e", "élu·e"]
    assert options["dates"] == ["2025-01-10", "2025-02-10"]
    assert options["variables"]["site"] == ["Bruxelles", "Montréal"]


def test_write_view_neutralises_formulas(tmp_path):
    path = write_view(pd.DataFrame({"term": ["=SUM(A1)", "banc"], "count": [2, 3]}), tmp_path / "v.csv")
    assert path.read_text(encoding="utf-8").splitlines() == ["term,count", "'=SUM(A1),2", "banc,3"]
