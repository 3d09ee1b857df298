"""The rules' suggestions: accepted, rejected, not offered again, undone; precision and recall as the coder goes."""

from __future__ import annotations

import pandas as pd
import pytest

from research_kit.codebook import Codebook, CodeEntry
from research_kit.coding import read_codings
from research_kit.corpus import build_corpus
from research_kit.errors import CodingError
from research_kit.workbench.session import CodingSession
from research_kit.workbench.suggestions import SuggestionReview


@pytest.fixture
def corpus():
    turns = pd.DataFrame({"doc_id": "d", "speaker": ["A", "B", "A", "B"],
                          "text": ["On est épuisés.", "La fatigue revient.", "Je suis fatiguée.", "Vidée, je suis."]})
    return build_corpus(pd.DataFrame({"doc_id": ["d"]}), turns)


@pytest.fixture
def codebook():
    return Codebook((CodeEntry("fatigue", label={"fr": "Fatigue"}),), languages=("fr",))


def rules_on_turns(corpus, turns, code="fatigue"):
    t = corpus.turns.set_index("turn")
    return pd.DataFrame({"doc_id": "d", "start_char": [int(t.loc[i, "start_char"]) for i in turns],
                         "end_char": [int(t.loc[i, "end_char"]) for i in turns], "code": code, "coder": "rules",
                         "memo": [f"lemma:{i}" for i in turns],
                         "coded_at": pd.Series(pd.NaT, index=range(len(turns)), dtype="datetime64[ns, UTC]")}).astype(
        {"doc_id": "string", "code": "string", "coder": "string", "memo": "string"})


def test_accept_reject_and_precision_recall_against_the_coder(corpus, codebook, tmp_path):
    session = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    review = SuggestionReview(session, rules_on_turns(corpus, [0, 1, 2]))
    assert review.scores().empty  # the coder has done nothing yet
    first, second = review.pending()["suggestion"].tolist()[:2]
    review.accept(first)
    review.reject(second)
    session.code_turn("d", 3, ["fatigue"])  # what the rules missed
    assert review.pending()["suggestion"].tolist() == [2]
    # units: the 4 turns. Rules: turns 0, 1, 2; the coder: 0 (accepted) and 3.
    # TP = 1 (turn 0), FP = 2 (turns 1, 2), FN = 1 (turn 3): precision 1/3, recall 1/2, F1 = 2/(2+2+1)
    row = review.scores().set_index("code").loc["fatigue"]
    assert (row["true_positives"], row["false_positives"], row["false_negatives"]) == (1, 2, 1)
    assert row["precision"] == pytest.approx(1 / 3) and row["recall"] == pytest.approx(0.5)
    assert row["f1"] == pytest.approx(0.4)
    # the accepted suggestion is a coding of the coder, the decisions are kept
    mine = read_codings(tmp_path / "ana.csv")
    assert sorted(mine["start_char"]) == [0, int(corpus.turns.loc[3, "start_char"])]
    decisions = read_codings(tmp_path / "review" / "ana-suggestions.csv")
    assert decisions["decision"].tolist() == ["accepted", "rejected"]
    assert decisions["memo"].tolist() == ["lemma:0", "lemma:1"]


def test_decided_suggestions_are_not_offered_again_after_a_restart(corpus, codebook, tmp_path):
    rules = rules_on_turns(corpus, [0, 1, 2])
    review = SuggestionReview(CodingSession(corpus, codebook, coder="ana", folder=tmp_path), rules)
    review.accept(0)
    review.reject(1)
    again = SuggestionReview(CodingSession(corpus, codebook, coder="ana", folder=tmp_path), rules)
    assert again.pending()["suggestion"].tolist() == [2]
    assert again.decision(0) == "accepted" and again.decision(1) == "rejected" and again.decision(2) is None
    with pytest.raises(CodingError, match="RK-G39"):
        again.accept(1)
    with pytest.raises(CodingError, match="RK-G39"):
        again.reject(7)


def test_undo_takes_back_the_decision_and_the_coding(corpus, codebook, tmp_path):
    session = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    review = SuggestionReview(session, rules_on_turns(corpus, [0, 1]))
    review.accept(0)
    review.reject(1)
    assert session.undo() == "reject fatigue" and review.decision(1) is None
    assert session.undo() == "accept fatigue" and review.decision(0) is None
    assert read_codings(tmp_path / "ana.csv").empty
    assert read_codings(tmp_path / "review" / "ana-suggestions.csv").empty
    assert review.pending()["suggestion"].tolist() == [0, 1]


def test_a_suggestion_the_coder_already_made_is_not_offered(corpus, codebook, tmp_path):
    session = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    session.code_turn("d", 1, ["fatigue"])
    review = SuggestionReview(session, rules_on_turns(corpus, [0, 1]))
    assert review.pending()["suggestion"].tolist() == [0]
