"""Participation and equality of voice (``research_kit.participation``) and their figures.

Every expected value is worked out by hand in the comments from the definitions
(population Gini: mean absolute difference over all ordered pairs / (2 x mean),
Gini 1912; Pielou's J = H / ln n, Pielou 1966), never taken from running the package.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from research_kit.corpus import build_corpus  # noqa: E402
from research_kit.project import read_corpus  # noqa: E402
from research_kit.errors import ParameterError, SchemaError  # noqa: E402
from research_kit.participation import (  # noqa: E402
    EXCERPT_WORDS,
    FACILITATOR_PATTERN,
    floor,
    monologues,
    participation,
    turn_taking,
)
from research_kit.plots.participation import plot_floor, plot_participation, plot_turn_taking  # noqa: E402


def words(n: int, word: str = "mot") -> str:
    return " ".join([word] * n)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def workshops():
    """Two Brussels workshops.

    w1, with timestamps: Sophie (animatrice) and three residents.
        turn speaker  words  start-end  duration
        0    Sophie   30     0-20       20
        1    Ahmed    10     20-30      10
        2    Sophie   20     30-45      15
        3    Lina     10     45-50       5
        4    Sophie   20     50-60      10
        5    Marc     10     60-80      20
      Sophie 70 words, 3 turns, 45 s; Ahmed, Lina, Marc 10 words, 1 turn each,
      10 s, 5 s, 20 s. Totals: 100 words, 6 turns, 80 s.

    w2, without timestamps: two facilitators, residents, an unnamed speaker, a
    speaker without a role.
        turn speaker  role            words
        0    Sophie   animatrice      10
        1    Ahmed    habitant        15
        2    ?        (none)           5
        3    Nadia    co-animatrice   10
        4    Lina     habitante        5
        5    Paul     (none)           5
        6    Ahmed    habitant        10
      Totals: 60 words, 7 turns.
    """
    documents = pd.DataFrame({
        "doc_id": ["w1", "w2"],
        "title": ["Atelier 1", "Atelier 2"],
        "date": pd.to_datetime(["2025-01-15", "2025-02-12"]),
    })
    w1 = pd.DataFrame({
        "doc_id": "w1",
        "speaker": ["Sophie", "Ahmed", "Sophie", "Lina", "Sophie", "Marc"],
        "role": ["animatrice", "habitant", "animatrice", "habitante", "animatrice", "habitant"],
        "text": [words(30), words(10), words(20), words(10), words(20), words(10)],
        "start_s": [0.0, 20.0, 30.0, 45.0, 50.0, 60.0],
        "end_s": [20.0, 30.0, 45.0, 50.0, 60.0, 80.0],
    })
    w2 = pd.DataFrame({
        "doc_id": "w2",
        "speaker": ["Sophie", "Ahmed", "?", "Nadia", "Lina", "Paul", "Ahmed"],
        "role": ["animatrice", "habitant", None, "co-animatrice", "habitante", None, "habitant"],
        "text": [words(10), words(15), words(5), words(10), words(5), words(5), words(10)],
    })
    return build_corpus(documents, pd.concat([w1, w2], ignore_index=True))


def row(frame: pd.DataFrame, **where) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for col, value in where.items():
        mask &= (frame[col] == value).fillna(False).to_numpy(dtype=bool)
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


# ---------------------------------------------------------------------------
# participation


def test_participation_by_speaker_columns_and_dtypes(workshops):
    p = participation(workshops)
    assert list(p.columns) == ["doc_id", "speaker", "role", "named", "turns", "words", "speaking_time_s",
                               "share_turns", "share_words", "share_time", "mean_turn_words",
                               "longest_turn_words", "overlaps", "interruptions", "overlap_s"]
    assert p["named"].dtype == bool
    for col in ("turns", "words", "longest_turn_words"):
        assert p[col].dtype == "int64"
    # one row per (document, speaker): w1 has 4 speakers, w2 has 6
    assert len(p) == 10
    # document order, then most words first
    assert p["doc_id"].tolist()[:4] == ["w1"] * 4
    assert p["speaker"].tolist()[:2] == ["Sophie", "Ahmed"]
    assert p["speaker"].tolist()[4] == "Ahmed"  # 25 words, first in w2


def test_participation_shares_and_time_by_hand(workshops):
    p = participation(workshops)
    sophie = row(p, doc_id="w1", speaker="Sophie")
    # 3 of 6 turns, 70 of 100 words, 45 of 80 s
    assert sophie["turns"] == 3 and sophie["words"] == 70
    assert sophie["share_turns"] == pytest.approx(3 / 6)
    assert sophie["share_words"] == pytest.approx(70 / 100)
    assert sophie["speaking_time_s"] == pytest.approx(20 + 15 + 10)
    assert sophie["share_time"] == pytest.approx(45 / 80)
    assert sophie["mean_turn_words"] == pytest.approx(70 / 3)
    assert sophie["longest_turn_words"] == 30
    assert sophie["role"] == "animatrice"
    marc = row(p, doc_id="w1", speaker="Marc")
    assert marc["speaking_time_s"] == pytest.approx(20.0)
    assert marc["share_time"] == pytest.approx(20 / 80)
    # shares of a document add up to 1
    w1 = p[p["doc_id"] == "w1"]
    for col in ("share_turns", "share_words", "share_time"):
        assert w1[col].sum() == pytest.approx(1.0)


def test_no_timestamps_gives_nan_time_not_zero(workshops):
    p = participation(workshops)
    w2 = p[p["doc_id"] == "w2"]
    assert w2["speaking_time_s"].isna().all()
    assert w2["share_time"].isna().all()
    ahmed = row(p, doc_id="w2", speaker="Ahmed")
    # 25 of 60 words, 2 of 7 turns, longest turn 15 words
    assert ahmed["share_words"] == pytest.approx(25 / 60)
    assert ahmed["share_turns"] == pytest.approx(2 / 7)
    assert ahmed["longest_turn_words"] == 15


def test_unknown_speaker_is_kept_and_flagged(workshops):
    p = participation(workshops)
    unknown = row(p, doc_id="w2", speaker="?")
    assert not unknown["named"]
    assert unknown["words"] == 5
    assert pd.isna(unknown["role"])
    assert p.loc[p["speaker"] != "?", "named"].all()


def test_participation_by_role_keeps_missing_role_as_na(workshops):
    p = participation(workshops, by="role")
    assert list(p.columns)[:3] == ["doc_id", "role", "n_speakers"]
    assert "speaker" not in p and "named" not in p
    # w2: "?" (5 words) and Paul (5 words) have no role: one NA group of 2 speakers
    na = p[(p["doc_id"] == "w2") & p["role"].isna()]
    assert len(na) == 1
    assert na["n_speakers"].iloc[0] == 2
    assert na["words"].iloc[0] == 10
    assert na["share_words"].iloc[0] == pytest.approx(10 / 60)
    # w1: habitant = Ahmed + Marc, 20 words, 30 s of 80
    hab = row(p, doc_id="w1", role="habitant")
    assert hab["n_speakers"] == 2 and hab["words"] == 20
    assert hab["share_time"] == pytest.approx(30 / 80)


def test_participation_over_corpus(workshops):
    p = participation(workshops, over="corpus")
    assert "doc_id" not in p
    assert list(p.columns)[:4] == ["speaker", "role", "named", "documents"]
    # speakers identified by label: Sophie 70 + 10 = 80 of 160 words, in 2 documents
    sophie = row(p, speaker="Sophie")
    assert sophie["words"] == 80 and sophie["documents"] == 2 and sophie["turns"] == 4
    assert sophie["share_words"] == pytest.approx(80 / 160)
    assert sophie["share_turns"] == pytest.approx(4 / 13)
    # time is known in w1 only: 45 of 80 s
    assert sophie["speaking_time_s"] == pytest.approx(45.0)
    assert sophie["share_time"] == pytest.approx(45 / 80)
    # Nadia spoke only in w2, without timestamps: unknown, not 0
    assert pd.isna(row(p, speaker="Nadia")["speaking_time_s"])
    assert pd.isna(row(p, speaker="Nadia")["share_time"])
    assert p["speaker"].iloc[0] == "Sophie"  # most words first
    # Ahmed's roles are the same in both documents; Lina's too
    assert row(p, speaker="Ahmed")["role"] == "habitant"


def test_participation_over_corpus_joins_different_roles():
    docs = pd.DataFrame({"doc_id": ["a", "b"]})
    turns = pd.DataFrame({"doc_id": ["a", "b"], "speaker": ["Karim", "Karim"],
                          "role": ["médiateur", "invité"], "text": ["un deux", "trois"]})
    p = participation(build_corpus(docs, turns), over="corpus")
    assert p["role"].iloc[0] == "médiateur; invité"


def test_participation_accepts_the_turns_frame(workshops):
    a = participation(workshops)
    b = participation(workshops.turns)
    pd.testing.assert_frame_equal(a, b)


# ---------------------------------------------------------------------------
# floor


def test_gini_of_10_10_10_70_by_hand(workshops):
    f = floor(workshops)
    w1 = row(f, doc_id="w1")
    # words [70, 10, 10, 10], n = 4, mean = 25.
    # |x_i - x_j| over ordered pairs: 70 vs each 10 -> 60, 3 pairs x 2 orders = 360.
    # G = 360 / (2 * n^2 * mean) = 360 / (2 * 16 * 25) = 360 / 800 = 0.45
    assert w1["gini_words"] == pytest.approx(0.45)
    # turns [3, 1, 1, 1], mean 1.5: 3 x 2 x |3 - 1| = 12; G = 12 / (2 * 16 * 1.5) = 0.25
    assert w1["gini_turns"] == pytest.approx(0.25)
    # time [45, 10, 5, 20], mean 20; unordered |diffs|: 35 + 40 + 25 + 5 + 10 + 15 = 130,
    # ordered 260; G = 260 / (2 * 16 * 20) = 260 / 640 = 0.40625
    assert w1["gini_time"] == pytest.approx(0.40625)
    assert w1["timed_share_turns"] == pytest.approx(1.0)
    # Pielou: p = (.7, .1, .1, .1); H = -(.7 ln .7 + 3 x .1 ln .1) = 0.940448; J = H / ln 4
    h = -(0.7 * math.log(0.7) + 3 * 0.1 * math.log(0.1))
    assert h == pytest.approx(0.940448, abs=1e-6)
    assert w1["evenness_words"] == pytest.approx(h / math.log(4))
    assert w1["top_share_words"] == pytest.approx(0.7)
    # the animatrice holds 70 of 100 words and 3 of 6 turns
    assert w1["facilitator_share_words"] == pytest.approx(0.7)
    assert w1["facilitator_share_turns"] == pytest.approx(0.5)
    # residents [10, 10, 10]: perfectly equal among themselves
    assert w1["participants_gini_words"] == pytest.approx(0.0)
    assert (w1["n_speakers"], w1["n_turns"], w1["n_words"]) == (4, 6, 100)
    assert w1["title"] == "Atelier 1" and w1["date"] == pd.Timestamp("2025-01-15")


def test_floor_default_facilitator_pattern_and_participants_gini(workshops):
    f = floor(workshops)
    assert list(f.columns) == ["doc_id", "title", "date", "n_speakers", "n_turns", "n_words", "gini_words",
                               "gini_turns", "gini_time", "timed_share_turns", "evenness_words",
                               "top_share_words", "facilitator_share_words", "facilitator_share_turns",
                               "participants_gini_words", "unnamed_share_words"]
    w2 = row(f, doc_id="w2")
    # speakers' words [25, 10, 10, 5, 5, 5], n = 6, mean 10; unordered |diffs|:
    # 25 vs 10 (x2) 30, 25 vs 5 (x3) 60, 10 vs 5 (x6) 30 -> 120, ordered 240;
    # G = 240 / (2 * 36 * 10) = 1/3
    assert w2["gini_words"] == pytest.approx(1 / 3)
    # animatrice and co-animatrice match the default pattern: 10 + 10 of 60 words, 2 of 7 turns
    assert w2["facilitator_share_words"] == pytest.approx(20 / 60)
    assert w2["facilitator_share_turns"] == pytest.approx(2 / 7)
    # participants Ahmed 25, ? 5, Lina 5, Paul 5 (no role counts as participant), mean 10:
    # 25 vs 5 (x3) 60 unordered, 120 ordered; G = 120 / (2 * 16 * 10) = 0.375
    assert w2["participants_gini_words"] == pytest.approx(0.375)
    assert w2["unnamed_share_words"] == pytest.approx(5 / 60)
    assert w2["top_share_words"] == pytest.approx(25 / 60)
    # no timestamps: NaN, not 0
    assert pd.isna(w2["gini_time"])
    assert w2["timed_share_turns"] == 0.0


def test_floor_facilitator_roles_argument_and_manifest(workshops):
    # only the animatrice: 10 of 60 words; Nadia becomes a participant:
    # [25, 10, 5, 5, 5], mean 10; unordered: 25 vs 10 15, 25 vs 5 (x3) 60, 10 vs 5 (x3) 15
    # -> 90, ordered 180; G = 180 / (2 * 25 * 10) = 0.36
    w2 = row(floor(workshops, facilitator_roles=["ANIMATRICE"]), doc_id="w2")
    assert w2["facilitator_share_words"] == pytest.approx(10 / 60)
    assert w2["participants_gini_words"] == pytest.approx(0.36)
    # a single string is one role
    w2 = row(floor(workshops, facilitator_roles="animatrice"), doc_id="w2")
    assert w2["facilitator_share_words"] == pytest.approx(10 / 60)
    # the manifest's list wins over the default pattern
    corpus = build_corpus(workshops.documents[["doc_id", "title", "date"]], workshops.turns,
                          manifest={"facilitator_roles": ["co-animatrice"]})
    w2 = row(floor(corpus), doc_id="w2")
    assert w2["facilitator_share_words"] == pytest.approx(10 / 60)
    assert row(floor(corpus), doc_id="w1")["facilitator_share_words"] == 0.0
    # the argument wins over the manifest; [] means nobody
    w2 = row(floor(corpus, facilitator_roles=[]), doc_id="w2")
    assert w2["facilitator_share_words"] == 0.0
    assert w2["participants_gini_words"] == pytest.approx(w2["gini_words"])


def test_floor_by_role(workshops):
    w2 = row(floor(workshops, by="role"), doc_id="w2")
    # roles animatrice 10, habitant 25, NA 10 (? + Paul), co-animatrice 10, habitante 5
    assert w2["n_roles"] == 5 and w2["n_speakers"] == 6
    # [25, 10, 10, 10, 5], mean 12; unordered: 25 vs 10 (x3) 45, 25 vs 5 20, 10 vs 5 (x3) 15
    # -> 80, ordered 160; G = 160 / (2 * 25 * 12) = 160 / 600
    assert w2["gini_words"] == pytest.approx(160 / 600)
    # participants habitant 25, NA 10, habitante 5, mean 40/3; unordered 15 + 20 + 5 = 40,
    # ordered 80; G = 80 / (2 * 9 * 40/3) = 80 / 240
    assert w2["participants_gini_words"] == pytest.approx(1 / 3)


def test_floor_over_corpus_adds_one_corpus_row(workshops):
    f = floor(workshops, over="corpus")
    assert len(f) == 3
    assert f["doc_id"].iloc[:2].tolist() == ["w1", "w2"]
    whole = f.iloc[-1]
    assert pd.isna(whole["doc_id"]) and pd.isna(whole["date"])
    # labels over the corpus: Sophie 80, Ahmed 35, Lina 15, Marc 10, Nadia 10, ? 5, Paul 5
    # sorted [5, 5, 10, 10, 15, 35, 80]; unordered |diffs| from each value to the larger:
    # 5: 0+5+5+10+30+75 = 125; 5: 5+5+10+30+75 = 125; 10: 0+5+25+70 = 100;
    # 10: 5+25+70 = 100; 15: 20+65 = 85; 35: 45 -> 580, ordered 1160.
    # G = 1160 / (2 * 49 * 160/7) = 1160 / 2240
    assert whole["n_speakers"] == 7 and whole["n_words"] == 160 and whole["n_turns"] == 13
    assert whole["gini_words"] == pytest.approx(1160 / 2240)
    # facilitators: 70 (w1) + 20 (w2) of 160 words
    assert whole["facilitator_share_words"] == pytest.approx(90 / 160)
    # time only from w1, the one document with timestamps: 0.40625 as above
    assert whole["gini_time"] == pytest.approx(0.40625)
    # 6 of 13 turns have a duration
    assert whole["timed_share_turns"] == pytest.approx(6 / 13)


def test_floor_without_roles_gives_nan_facilitator_figures():
    docs = pd.DataFrame({"doc_id": ["a"]})
    turns = pd.DataFrame({"doc_id": "a", "speaker": ["X", "Y"], "text": ["un deux trois", "quatre"]})
    f = floor(build_corpus(docs, turns))
    assert f[["facilitator_share_words", "facilitator_share_turns", "participants_gini_words"]].isna().all(axis=None)
    # words [3, 1], mean 2: 2 x |3 - 1| = 4; G = 4 / (2 * 4 * 2) = 0.25
    assert f["gini_words"].iloc[0] == pytest.approx(0.25)


@pytest.mark.parametrize("role", [
    "animateur", "Animatrice", "animateur·rice", "co-animatrice", "coanimateur", "équipe d'animation",
    "facilitator", "facilitatrice", "Modératrice", "moderator", "chair", "Chairperson",
    "conseillère en développement de pratiques", "Conseiller en développement de pratique",
])
def test_facilitator_pattern_matches(role):
    assert FACILITATOR_PATTERN.search(role)


@pytest.mark.parametrize("role", ["habitant", "habitante", "médiatrice", "conseillère", "chaire de recherche",
                                  "participant", "invité"])
def test_facilitator_pattern_does_not_match(role):
    assert not FACILITATOR_PATTERN.search(role)


# ---------------------------------------------------------------------------
# turn taking


@pytest.fixture
def abacab():
    """One document with turns A B A C A B (A animatrice, B and C habitants), then a
    second document C B, which must not be chained to the first."""
    docs = pd.DataFrame({"doc_id": ["t1", "t2"]})
    roles = {"A": "animatrice", "B": "habitant", "C": "habitant"}
    seq = [("t1", s) for s in "ABACAB"] + [("t2", s) for s in "CB"]
    turns = pd.DataFrame({"doc_id": [d for d, _ in seq], "speaker": [s for _, s in seq],
                          "role": [roles[s] for _, s in seq], "text": "oui"})
    return build_corpus(docs, turns)


def pairs(frame: pd.DataFrame) -> dict:
    return {(f, t): c for f, t, c in zip(frame["from"], frame["to"], frame["count"])}


def test_turn_taking_by_speaker_abacab(abacab):
    tt = turn_taking(abacab, by="speaker")
    assert list(tt.columns) == ["doc_id", "from", "to", "count", "share_of_from"]
    t1 = tt[tt["doc_id"] == "t1"]
    # A B A C A B: A->B, B->A, A->C, C->A, A->B
    assert pairs(t1) == {("A", "B"): 2, ("B", "A"): 1, ("A", "C"): 1, ("C", "A"): 1}
    share = {(f, t): s for f, t, s in zip(t1["from"], t1["to"], t1["share_of_from"])}
    # 3 transitions from A: 2 to B, 1 to C
    assert share[("A", "B")] == pytest.approx(2 / 3)
    assert share[("A", "C")] == pytest.approx(1 / 3)
    assert share[("B", "A")] == pytest.approx(1.0)
    assert pairs(tt[tt["doc_id"] == "t2"]) == {("C", "B"): 1}


def test_turn_taking_by_role_and_over_corpus(abacab):
    tt = turn_taking(abacab)  # by="role"
    t1 = tt[tt["doc_id"] == "t1"]
    # A B A C A B as roles: anim->hab 3 times (A->B, A->C, A->B), hab->anim twice
    assert pairs(t1) == {("animatrice", "habitant"): 3, ("habitant", "animatrice"): 2}
    assert t1["share_of_from"].tolist() == [1.0, 1.0]
    whole = turn_taking(abacab, by="speaker", over="corpus")
    assert "doc_id" not in whole
    # t1 as above plus t2's C->B; t1's last B is not chained to t2's first C
    assert pairs(whole) == {("A", "B"): 2, ("B", "A"): 1, ("A", "C"): 1, ("C", "A"): 1, ("C", "B"): 1}
    c = whole[whole["from"] == "C"]
    assert c["share_of_from"].sum() == pytest.approx(1.0)
    assert ("B", "C") not in pairs(whole)
    # by role over the corpus: t2's C->B is habitant->habitant, two different speakers
    roles = pairs(turn_taking(abacab, over="corpus"))
    assert roles == {("animatrice", "habitant"): 3, ("habitant", "animatrice"): 2, ("habitant", "habitant"): 1}


def test_turn_taking_self_transitions():
    docs = pd.DataFrame({"doc_id": ["d"]})
    turns = pd.DataFrame({"doc_id": "d", "speaker": ["A", "A", "B", "?"], "role": ["x", "x", "y", None],
                          "text": "oui"})
    corpus = build_corpus(docs, turns)
    # A A B ?: the split turn A A is merged by default
    assert pairs(turn_taking(corpus, by="speaker")) == {("A", "B"): 1, ("B", "?"): 1}
    assert pairs(turn_taking(corpus, by="speaker", include_self=True)) == {("A", "A"): 1, ("A", "B"): 1,
                                                                         ("B", "?"): 1}
    by_role = turn_taking(corpus, by="role")
    # x -> y, then y -> NA ("?" has no role)
    assert by_role["to"].isna().tolist() == [False, True]
    assert by_role["from"].tolist() == ["x", "y"]


# ---------------------------------------------------------------------------
# monologues


def test_monologues_ordering(workshops):
    m = monologues(workshops, n=4)
    assert list(m.columns) == ["doc_id", "turn", "speaker", "role", "words", "duration_s", "start_char",
                               "end_char", "excerpt"]
    # words per turn: w1 30 20 20 ... (turns 0, 2, 4), then w2's 15 (turn 1); ties in corpus order
    assert list(zip(m["doc_id"], m["turn"])) == [("w1", 0), ("w1", 2), ("w1", 4), ("w2", 1)]
    assert m["words"].tolist() == [30, 20, 20, 15]
    assert m["duration_s"].iloc[0] == pytest.approx(20.0)
    assert pd.isna(m["duration_s"].iloc[3])
    # offsets point at the turn in the document text
    first = m.iloc[0]
    assert workshops.text("w1")[first["start_char"]:first["end_char"]] == words(30)
    # 30 words: the excerpt shows the first 25 and an ellipsis
    assert EXCERPT_WORDS == 25
    assert first["excerpt"] == words(25) + "…"
    assert m["excerpt"].iloc[1] == words(20)


def test_monologues_by_duration(workshops):
    m = monologues(workshops, by_words=False)
    # durations in w1: 20 10 15 5 10 20; w2 has none and is left out
    assert list(zip(m["turn"], m["duration_s"])) == [(0, 20.0), (5, 20.0), (2, 15.0), (1, 10.0), (4, 10.0),
                                                     (3, 5.0)]
    assert (m["doc_id"] == "w1").all()


# ---------------------------------------------------------------------------
# errors


@pytest.mark.parametrize("call", [
    lambda c: participation(c, by="speakers"),
    lambda c: participation(c, over="documents"),
    lambda c: floor(c, by="group"),
    lambda c: floor(c, over="all"),
    lambda c: turn_taking(c, by="speeker"),
    lambda c: turn_taking(c, include_self="no"),
    lambda c: monologues(c, by_words="yes"),
])
def test_option_errors(workshops, call):
    with pytest.raises(ParameterError, match="RK-P01"):
        call(workshops)


def test_option_error_message(workshops):
    with pytest.raises(ParameterError, match='Did you mean "speaker"'):
        participation(workshops, by="speakers")


def test_other_parameter_errors(workshops):
    with pytest.raises(ParameterError, match="RK-P50"):
        monologues(workshops, n=0)
    with pytest.raises(ParameterError, match="RK-P50"):
        monologues(workshops, n=2.5)
    with pytest.raises(ParameterError, match="RK-P51"):
        floor(workshops, facilitator_roles=3)
    with pytest.raises(ParameterError, match="RK-P51"):
        floor(workshops, facilitator_roles=["animatrice", 3])
    with pytest.raises(SchemaError, match="RK-S01"):
        participation(pd.DataFrame({"speaker": ["A"]}))
    with pytest.raises(SchemaError, match="RK-S02"):
        floor("corpora/demo")


# ---------------------------------------------------------------------------
# plots


def test_plot_participation_bars_and_labels(workshops):
    frame = participation(workshops.subset(["w1"]))
    fig = plot_participation(frame)
    ax = fig.axes[0]
    assert len(ax.patches) == 4
    assert ax.get_title() == "Part des mots"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(labels) == ["Ahmed", "Lina", "Marc", "Sophie"]
    # the largest bar is on top
    top = max(ax.patches, key=lambda p: p.get_y())
    assert top.get_width() == pytest.approx(0.7)
    fig = plot_participation(frame, measure="turns", lang="en", top=2)
    ax = fig.axes[0]
    assert len(ax.patches) == 2
    assert ax.get_title() == "Turns"


def test_plot_participation_several_documents_roles_and_unnamed(workshops):
    fig = plot_participation(participation(workshops), top=None)
    ax = fig.axes[0]
    assert len(ax.patches) == 10
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "? · w2" in labels and "Sophie · w1" in labels
    # the unnamed speaker is grey, the others blue
    grey = [p for p in ax.patches if matplotlib.colors.to_hex(p.get_facecolor()) == "#999999"]
    assert len(grey) == 1
    # roles: NA shown as "(sans rôle)" / "(no role)"
    frame = participation(workshops, by="role", over="corpus")
    labels = [t.get_text() for t in plot_participation(frame).axes[0].get_yticklabels()]
    assert "(sans rôle)" in labels
    labels = [t.get_text() for t in plot_participation(frame, lang="en").axes[0].get_yticklabels()]
    assert "(no role)" in labels
    # time without timestamps: w2's rows are not drawn
    ax = plot_participation(participation(workshops), measure="share_time", top=None).axes[0]
    assert len(ax.patches) == 4


def test_plot_floor_dates_and_corpus_line(workshops):
    fig = plot_floor(floor(workshops, over="corpus"))
    ax = fig.axes[0]
    assert ax.get_title() == "Inégalité de parole (Gini des mots)"
    assert ax.get_xlabel() == "Date de la séance"
    # the documents' line (2 points) and the dashed corpus line
    assert len(ax.lines) == 2
    assert len(ax.lines[0].get_xdata()) == 2
    assert ax.lines[0].get_ydata()[0] == pytest.approx(0.45)
    assert ax.get_legend().get_texts()[0].get_text() == "Ensemble du corpus"
    fig = plot_floor(floor(workshops.turns), measure="facilitator_share_words", lang="en")
    ax = fig.axes[0]
    assert ax.get_title() == "Facilitators' share of words"
    assert ax.get_xlabel() == "Session (corpus order)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["w1", "w2"]
    assert len(ax.lines) == 1


def test_plot_turn_taking_cells_and_labels(abacab):
    frame = turn_taking(abacab, by="speaker", over="corpus")
    fig = plot_turn_taking(frame)
    ax = fig.axes[0]
    assert ax.images[0].get_array().shape == (3, 3)  # A, B, C
    assert len(ax.texts) == len(frame)  # one annotation per observed pair
    assert sorted(t.get_text() for t in ax.texts) == sorted(str(c) for c in frame["count"])
    assert ax.get_title() == "Qui prend la parole après qui"
    assert ax.get_ylabel() == "Tour précédent"
    ax = plot_turn_taking(frame, lang="en").axes[0]
    assert ax.get_title() == "Who speaks after whom"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A", "B", "C"]
    with pytest.raises(ParameterError, match="RK-P52"):
        plot_turn_taking(turn_taking(abacab))
    one = turn_taking(abacab)
    ax = plot_turn_taking(one[one["doc_id"] == "t1"]).axes[0]
    assert ax.images[0].get_array().shape == (2, 2)


def test_plot_errors(workshops):
    with pytest.raises(ParameterError, match="RK-P01"):
        plot_participation(participation(workshops), measure="share")
    with pytest.raises(ParameterError, match="RK-P01"):
        plot_floor(floor(workshops), lang="de")
    with pytest.raises(SchemaError, match="RK-S01"):
        plot_turn_taking(participation(workshops))


def test_plots_draw_into_given_axes(workshops):
    fig, (a, b) = plt.subplots(1, 2)
    assert plot_participation(participation(workshops), ax=a) is fig
    assert plot_floor(floor(workshops), ax=b) is fig


# ---------------------------------------------------------------------------
# real reader output


def test_on_the_small_test_corpus(data):
    corpus = read_corpus(data / "corpus_small")
    p = participation(corpus)
    sums = p.groupby("doc_id")[["share_turns", "share_words"]].sum()
    assert np.allclose(sums.to_numpy(), 1.0)
    assert not p.loc[p["speaker"] == "?", "named"].any()
    for by in ("speaker", "role"):
        for over in ("document", "corpus"):
            assert len(participation(corpus, by=by, over=over))
            assert len(turn_taking(corpus, by=by, over=over))
    f = floor(corpus, over="corpus")
    assert len(f) == len(corpus.documents) + 1
    # atelier-2: the animatrice (default pattern) says 5 + 2 of 14 words
    assert row(f, doc_id="atelier-2")["facilitator_share_words"] == pytest.approx(7 / 14)
    # equipe-nord has roles but no facilitator; vieux-fichier has no role at all
    assert row(f, doc_id="equipe-nord")["facilitator_share_words"] == 0.0
    assert pd.isna(row(f, doc_id="vieux-fichier")["facilitator_share_words"])
    m = monologues(corpus, n=3)
    assert m["words"].is_monotonic_decreasing and len(m) == 3
    plot_participation(p)
    plot_floor(f, measure="participants_gini_words", lang="en")
    plot_turn_taking(turn_taking(corpus, over="corpus"))


def test_floor_is_unknown_when_speakers_are_not_identified():
    import numpy as np
    import pandas as pd

    from research_kit.corpus import build_corpus
    from research_kit.participation import floor

    # live captions: speaker changes marked by ">>" only, every turn's speaker is "?"
    c = build_corpus(pd.DataFrame({"doc_id": ["cap"]}),
                     pd.DataFrame({"doc_id": "cap", "speaker": [None, None, None], "text": ["un deux", "trois", "x"]}))
    row = floor(c).iloc[0]
    assert np.isnan(row["gini_words"]) and np.isnan(row["top_share_words"])
    assert row["unnamed_share_words"] == 1.0


# -- overlapping speech (worked by hand) --------------------------------------


def _overlapping():
    from research_kit.corpus import build_corpus

    docs = pd.DataFrame({"doc_id": ["a", "b"]})
    # a: Léo's "mm" (1.0-1.5) lies inside Ana's first turn (0-3): an overlap of 0.5 s, not an
    # interruption; Zoé starts at 5 while Ana speaks until 6 and goes on to 8: Ana stops first,
    # an interruption of 1.0 s. b has no times.
    turns = pd.DataFrame({"doc_id": ["a"] * 4 + ["b"] * 2, "speaker": ["Ana", "Léo", "Ana", "Zoé", "Ana", "Léo"],
                          "text": ["un deux trois", "mm", "quatre", "cinq six", "x", "y"],
                          "start_s": [0.0, 1.0, 4.0, 5.0, None, None], "end_s": [3.0, 1.5, 6.0, 8.0, None, None]})
    return build_corpus(docs, turns)


def test_overlaps_say_who_speaks_over_whom():
    from research_kit.participation import overlaps

    o = overlaps(_overlapping())
    got = {(r.speaker, r.over): (r.overlaps, r.interruptions, r.overlap_s) for r in o.itertuples()}
    assert got == {("Léo", "Ana"): (1, 0, 0.5), ("Zoé", "Ana"): (1, 1, 1.0)}


def test_participation_counts_overlaps_only_where_times_exist():
    p = participation(_overlapping()).set_index(["doc_id", "speaker"])
    assert p.loc[("a", "Zoé"), "interruptions"] == 1
    assert p.loc[("a", "Léo"), "overlap_s"] == 0.5
    assert p.loc[("a", "Ana"), "overlaps"] == 0
    assert pd.isna(p.loc[("b", "Ana"), "overlaps"]) and pd.isna(p.loc[("b", "Léo"), "overlap_s"])


def test_a_speaker_never_overlaps_themself():
    from research_kit.corpus import build_corpus
    from research_kit.participation import overlaps

    turns = pd.DataFrame({"doc_id": "a", "speaker": ["Ana", "Ana"], "text": ["un", "deux"],
                          "start_s": [0.0, 1.0], "end_s": [2.0, 3.0]})
    assert overlaps(build_corpus(pd.DataFrame({"doc_id": ["a"]}), turns)).empty
