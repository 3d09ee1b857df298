"""Compare and resolve: disagreements decided one by one, written at once, read back; the adjudicated codings."""

from __future__ import annotations

import pandas as pd
import pytest

from research_kit.coding import read_codings
from research_kit.corpus import build_corpus
from research_kit.errors import CodingError, ParameterError
from research_kit.workbench.adjudication import Adjudication


@pytest.fixture
def corpus():
    turns = pd.DataFrame({"doc_id": "d", "speaker": ["A", "B", "A", "B"],
                          "text": ["premier tour ici", "deuxième tour là", "troisième tour", "quatrième tour"]})
    return build_corpus(pd.DataFrame({"doc_id": ["d"]}), turns)


def on_turns(corpus, coder, code, turns):
    t = corpus.turns.set_index("turn")
    return pd.DataFrame({"doc_id": "d", "start_char": [int(t.loc[i, "start_char"]) + 1 for i in turns],
                         "end_char": [int(t.loc[i, "end_char"]) - 1 for i in turns], "code": code, "coder": coder,
                         "memo": pd.NA, "coded_at": pd.NaT})


@pytest.fixture
def codings(corpus):
    # ana: x on turns 0, 1; ben: x on turns 0, 2. They agree on 0 (coded) and 3 (not), disagree on 1 and 2.
    return pd.concat([on_turns(corpus, "ana", "x", [0, 1]), on_turns(corpus, "ben", "x", [0, 2])], ignore_index=True)


def test_decisions_are_written_with_who_decided_and_read_back(corpus, codings, tmp_path):
    a = Adjudication(codings, corpus, decider="sami", folder=tmp_path)
    assert a.table["turn"].tolist() == [1, 2] and a.table["decision"].isna().all()
    a.decide(0, apply=True, memo="c'est bien de la fatigue")
    a.decide(1, apply=False)
    decisions = read_codings(tmp_path / "decisions.csv", corpus=corpus)
    assert decisions["decision"].tolist() == ["apply", "reject"] and set(decisions["coder"]) == {"sami"}
    assert decisions["votes"].tolist() == ["ana=yes; ben=no", "ana=no; ben=yes"]
    adjudicated = read_codings(tmp_path / "codings.csv", corpus=corpus)
    t = corpus.turns.set_index("turn")
    assert adjudicated["start_char"].tolist() == [t.loc[0, "start_char"], t.loc[1, "start_char"]]
    assert adjudicated["basis"].tolist() == ["agreement", "decision"]
    assert adjudicated["decided_by"].fillna("").tolist() == ["", "sami"]
    assert set(adjudicated["coder"]) == {"adjudicated"}
    again = Adjudication(codings, corpus, decider="lea", folder=tmp_path)  # after a restart, by someone else
    assert again.table["decision"].tolist() == ["apply", "reject"]
    assert again.table["decided_by"].tolist() == ["sami", "sami"]


def test_agreement_per_code_and_what_remains_follow_the_decisions(corpus, codings, tmp_path):
    a = Adjudication(codings, corpus, decider="sami", folder=tmp_path)
    row = a.agreement().set_index("code").loc["x"]
    # ana [1, 1, 0, 0], ben [1, 0, 1, 0]: o(0,1) = o(1,0) = 2, n = 8, n0 = n1 = 4:
    # alpha = 1 - (n - 1) * o(0,1) / (n0 * n1) = 1 - 7 * 2 / 16 = 0.125
    assert row["krippendorff_alpha"] == pytest.approx(0.125)
    assert (row["disagreements"], row["decided"], row["remaining"]) == (2, 0, 2)
    a.decide(1, apply=False)
    assert a.agreement().set_index("code").loc["x", "remaining"] == 1
    assert a.undo() and a.agreement().set_index("code").loc["x", "remaining"] == 2
    assert read_codings(tmp_path / "decisions.csv").empty


def test_a_decision_on_what_is_not_a_disagreement_is_refused(corpus, codings, tmp_path):
    a = Adjudication(codings, corpus, decider="sami", folder=tmp_path)
    with pytest.raises(CodingError, match="RK-G37"):
        a.decide(5, apply=True)
    t = corpus.turns.set_index("turn")
    with pytest.raises(CodingError, match="RK-G37"):
        a.decide_unit("d", int(t.loc[0, "start_char"]), int(t.loc[0, "end_char"]), "x", apply=False)
    assert not (tmp_path / "decisions.csv").exists()


def test_an_unreadable_decisions_file_is_never_written_over(corpus, codings, tmp_path):
    broken = 'doc_id,start_char,end_char,code,coder\nd,0,"12,x,sami\n'
    (tmp_path / "decisions.csv").write_text(broken, encoding="utf-8")
    a = Adjudication(codings, corpus, decider="sami", folder=tmp_path)
    assert a.messages[0].code == "RK-G38"
    with pytest.raises(CodingError, match="RK-G38"):
        a.decide(0, apply=True)
    assert (tmp_path / "decisions.csv").read_text(encoding="utf-8") == broken


def test_needs_two_coders_and_decidable_units(corpus, codings, tmp_path):
    with pytest.raises(ParameterError, match="RK-P45"):
        Adjudication(codings[codings["coder"] == "ana"], corpus, decider="sami", folder=tmp_path)
    with pytest.raises(ParameterError, match="RK-P46"):
        Adjudication(codings, corpus, decider="sami", folder=tmp_path, unit="character")
    with pytest.raises(CodingError, match="RK-G30"):
        Adjudication(codings, corpus, decider="", folder=tmp_path)

