"""KWIC: phrases, contexts cut by character offsets, turn boundaries, regex queries."""

from __future__ import annotations

import pandas as pd
import pytest

from research_kit.errors import ParameterError
from research_kit.kwic import kwic, split_query
from tests.helpers import make_corpus, make_tokens, p, w

ROWS = [
    # d1 turn 0 (Marie, animatrice): "Bon, ben il faudrait qu'on se reparle."
    w("d1", 0, 0, "Bon", "bon", stop=True), p("d1", 0, 0, ","), w("d1", 0, 0, "ben", stop=True),
    w("d1", 0, 0, "il", stop=True), w("d1", 0, 0, "faudrait", "falloir"), w("d1", 0, 0, "qu'", "que", stop=True),
    w("d1", 0, 0, "on", stop=True), w("d1", 0, 0, "se", "soi", stop=True), w("d1", 0, 0, "reparle", "reparler"),
    p("d1", 0, 0, "."),
    # d1 turn 1 (Ahmed, habitant·e): "Oui il faudrait."
    w("d1", 1, 1, "Oui", "oui"), w("d1", 1, 1, "il", stop=True), w("d1", 1, 1, "faudrait", "falloir"),
    p("d1", 1, 1, "."),
    # d1 turn 2 (Marie): "Il faut voir."
    w("d1", 2, 2, "Il", "il", stop=True), w("d1", 2, 2, "faut", "falloir"), w("d1", 2, 2, "voir"),
    p("d1", 2, 2, "."),
    # d0 turn 0 (Karim, invité): "Qu’on avance." (typographic apostrophe)
    w("d0", 0, 0, "Qu’", "que", stop=True), w("d0", 0, 0, "on", stop=True), w("d0", 0, 0, "avance", "avancer"),
    p("d0", 0, 0, "."),
]
SPEAKERS = {("d1", 0): ("Marie", "animatrice"), ("d1", 1): ("Ahmed", "habitant·e"),
            ("d1", 2): ("Marie", "animatrice"), ("d0", 0): ("Karim", "invité")}
COLUMNS = ["doc_id", "turn", "speaker", "role", "left", "match", "right", "start_char", "end_char"]


@pytest.fixture
def tokens():
    return make_tokens(ROWS)


@pytest.fixture
def corpus():
    return make_corpus(ROWS, SPEAKERS)


def test_phrase_with_exact_contexts_within_turns(tokens, corpus):
    out = kwic(tokens, "il faudrait", corpus=corpus)
    assert list(out.columns) == COLUMNS
    assert len(out) == 2
    first, second = out.iloc[0], out.iloc[1]
    assert (first["left"], first["match"], first["right"]) == ("Bon, ben", "il faudrait", "qu'on se reparle.")
    assert (first["speaker"], first["role"], first["turn"]) == ("Marie", "animatrice", 0)
    # "Bon, ben " is 9 characters: the match starts at 9 and "il faudrait" ends at 20
    assert (first["start_char"], first["end_char"]) == (9, 20)
    # turn 1 alone: nothing from turn 0 on the left, nothing from turn 2 on the right
    assert (second["left"], second["match"], second["right"]) == ("Oui", "il faudrait", ".")
    assert (second["speaker"], second["role"]) == ("Ahmed", "habitant·e")
    for row in out.itertuples():
        assert corpus.text(row.doc_id)[row.start_char:row.end_char] == row.match


def test_window_counts_tokens_punctuation_included(tokens, corpus):
    out = kwic(tokens, "il faudrait", corpus=corpus, window=2)
    # two tokens each side: "," + "ben" on the left, "qu'" + "on" on the right
    assert (out.loc[0, "left"], out.loc[0, "right"]) == (", ben", "qu'on")
    none = kwic(tokens, "il faudrait", corpus=corpus, window=0)
    assert none["left"].tolist() == ["", ""] and none["right"].tolist() == ["", ""]


def test_elision_apostrophes_and_case(tokens, corpus):
    out = kwic(tokens, "qu'on", corpus=corpus, window=1)
    # d0 sorts before d1; "Qu’on" with a typographic apostrophe matches "qu'on", case folded
    assert out["doc_id"].tolist() == ["d0", "d1"]
    assert out["match"].tolist() == ["Qu’on", "qu'on"]
    assert out["left"].tolist() == ["", "faudrait"] and out["right"].tolist() == ["avance", "se"]
    assert kwic(tokens, "qu'on", corpus=corpus, case_sensitive=True)["doc_id"].tolist() == ["d1"]
    assert kwic(tokens, "Il", corpus=corpus, case_sensitive=True)["turn"].tolist() == [2]


def test_lemma_and_regex_queries(tokens, corpus):
    lemma = kwic(tokens, "falloir", corpus=corpus, of="lemma", window=1)
    assert lemma["match"].tolist() == ["faudrait", "faudrait", "faut"]
    assert lemma["right"].tolist() == ["qu'", ".", "voir"]
    regex = kwic(tokens, "fa(u|ud).*", corpus=corpus, regex=True, window=1)
    assert regex["match"].tolist() == ["faudrait", "faudrait", "faut"]
    assert kwic(tokens, "aud", corpus=corpus, regex=True).empty  # the whole token must match
    with pytest.raises(ParameterError, match="RK-P29"):
        kwic(tokens, "fa(u", corpus=corpus, regex=True)


def test_no_match_and_errors(tokens, corpus):
    out = kwic(tokens, "jamais dit", corpus=corpus)
    assert out.empty and list(out.columns) == COLUMNS
    # "faudrait qu'" spans turns 0 -> no; "faudrait ." at the end of turn 1 is a match, "." + "Il" is not
    assert kwic(tokens, ". Il", corpus=corpus).empty
    with pytest.raises(ParameterError, match="RK-P28"):
        kwic(tokens, "  ", corpus=corpus)
    with pytest.raises(ParameterError, match="RK-P23"):
        kwic(tokens, "il", corpus=corpus, window=-1)
    with pytest.raises(ParameterError, match="RK-P27.*'d1'"):
        kwic(tokens, "il", corpus=make_corpus(ROWS[-4:], SPEAKERS))


def test_split_query_like_spacy():
    assert split_query("qu'on se dise") == ["qu'", "on", "se", "dise"]
    assert split_query("jusqu’à l'équipe") == ["jusqu'", "à", "l'", "équipe"]
    assert split_query("aujourd'hui quelqu'un") == ["aujourd'hui", "quelqu'un"]
    assert split_query("we don't know it's") == ["we", "do", "n't", "know", "it", "'s"]


def test_row_order_of_the_tokens_does_not_matter(tokens, corpus):
    shuffled = tokens.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(kwic(shuffled, "il faudrait", corpus=corpus),
                                  kwic(tokens, "il faudrait", corpus=corpus))


def test_a_concordancer_answers_as_kwic_does(tokens, corpus):
    from research_kit.kwic import Concordancer

    prepared = Concordancer(tokens, corpus=corpus)
    for query, options in (("il faudrait", {}), ("falloir", {"of": "lemma"}), ("qu'on", {"window": 2}),
                           ("Il", {"case_sensitive": True}), ("f.*", {"regex": True}), ("absent", {})):
        pd.testing.assert_frame_equal(prepared.kwic(query, **options), kwic(tokens, query, corpus=corpus, **options))
    with pytest.raises(ParameterError, match="RK-P28"):
        prepared.kwic(" ")


def test_sort_by_left_or_right_context():
    from research_kit.kwic import sort_kwic

    hits = pd.DataFrame({"doc_id": ["d1", "d1", "d2", "d2"], "start_char": [10, 40, 5, 30],
                         "left": ["Bon, il", "Oui, mais il", "Alors", "et puis il"],
                         "match": ["faut", "faut", "Faut", "faut"],
                         "right": ["voir.", "attendre", "Voir", "partir"]})
    # left: the nearest word first, read leftwards: "alors" < "il bon" < "il mais oui" < "il puis et"
    assert sort_kwic(hits, by="left")["left"].tolist() == ["Alors", "Bon, il", "Oui, mais il", "et puis il"]
    # right: case folded, punctuation left out; "voir." and "Voir" tie and keep their position order
    assert sort_kwic(hits, by="right")["right"].tolist() == ["attendre", "partir", "voir.", "Voir"]
    assert sort_kwic(hits.iloc[::-1], by="position")["start_char"].tolist() == [10, 40, 5, 30]
    with pytest.raises(ParameterError, match="RK-P01"):
        sort_kwic(hits, by="gauche")
