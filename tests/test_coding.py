import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit.coding import (code_matrix, code_trends, coded_segments, cooccurrence, merge_codings, read_codings,
                                 snap_codings, write_codings)
from research_kit.corpus import build_corpus
from research_kit.errors import CodingError
from research_kit.schemas import CODINGS
from tests.helpers import DATA, ROOT


@pytest.fixture(scope="module")
def small():
    return read_corpus(DATA / "corpus_small")


def test_read_codings_follows_the_schema(small):
    c = read_codings(DATA / "codings/ana.csv", corpus=small)
    assert list(c.columns) == CODINGS.names
    assert c["coded_at"].iloc[0] == pd.Timestamp("2025-03-01T10:00:00Z")
    assert c["memo"].iloc[1] == "il faudrait" and pd.isna(c["memo"].iloc[0])


def test_codings_by_turn_take_the_turn_offsets(small):
    c = read_codings(DATA / "codings/by-turn.csv", corpus=small, coder="ben")
    turn = small.turns[(small.turns["doc_id"] == "atelier-2") & (small.turns["turn"] == 1)].iloc[0]
    assert (c.loc[0, "start_char"], c.loc[0, "end_char"]) == (turn["start_char"], turn["end_char"])
    assert set(c["coder"]) == {"ben"}


def test_every_bad_row_is_named_at_once(small):
    with pytest.raises(CodingError) as err:
        read_codings(DATA / "codings/bad-rows.csv", corpus=small)
    text = str(err.value)
    # line numbers in the CSV file (header is line 1)
    assert "line 3: no document \"atelier-9\"" in text
    assert "line 4: start_char 50 is not before end_char 40" in text
    assert "line 5: end_char 99999 is beyond the end" in text
    assert "line 6: start_char and end_char must be whole numbers" in text
    assert "line 7: the code is empty" in text
    assert "5 problem(s)" in text


def test_missing_coder_column_says_what_to_do():
    with pytest.raises(CodingError, match="RK-G01") as err:
        read_codings(DATA / "codings/no-coder.csv")
    assert "coder" in str(err.value) and "coder=" in str(err.value)
    assert set(read_codings(DATA / "codings/no-coder.csv", coder="ana")["coder"]) == {"ana"}


def test_write_then_read_round_trip(tmp_path, small):
    c = read_codings(DATA / "codings/ana.csv", corpus=small)
    path = write_codings(c, tmp_path / "out.csv")
    pd.testing.assert_frame_equal(read_codings(path), c)


def test_merge_keeps_duplicates_once(small):
    a = read_codings(DATA / "codings/ana.csv")
    merged = merge_codings(a, a, read_codings(DATA / "codings/by-turn.csv", corpus=small, coder="ben"))
    assert len(merged) == 4 and set(merged["coder"]) == {"ana", "ben"}


def tiny():
    docs = pd.DataFrame({"doc_id": ["s1", "s2"], "title": ["Séance 1", "Séance 2"],
                         "date": ["2025-01-10", "2025-02-10"], "site": ["Montréal", "Bruxelles"]})
    turns = pd.DataFrame({
        "doc_id": ["s1", "s1", "s1", "s2", "s2"],
        "speaker": ["Anne", "Ben", "Anne", "Chloé", "Ben"],
        "role": ["animatrice", "habitant", "animatrice", "habitante", "habitant"],
        "text": ["Bienvenue à tous.", "Il faudrait une garderie le soir.", "On note la garderie.",
                 "On a besoin de transport.", "Et une interprète aussi."],
    })
    return build_corpus(docs, turns)


def seg(corpus, doc, turn, code, coder="ana", start=0, end=None):
    t = corpus.turns[(corpus.turns["doc_id"] == doc) & (corpus.turns["turn"] == turn)].iloc[0]
    s = int(t["start_char"]) + start
    e = int(t["end_char"]) if end is None else int(t["start_char"]) + end
    return {"doc_id": doc, "start_char": s, "end_char": e, "code": code, "coder": coder, "memo": pd.NA,
            "coded_at": pd.NaT}


def test_coded_segments_quote_with_speaker_and_context():
    c = tiny()
    codings = pd.DataFrame([seg(c, "s1", 1, "besoins", start=12, end=32), seg(c, "s2", 0, "besoins")])
    out = coded_segments(codings, c, code="besoins", context=20)
    assert out["text"].tolist() == ["une garderie le soir", "On a besoin de transport."]
    assert out["speaker"].tolist() == ["Ben", "Chloé"]
    assert out.loc[0, "before"] == "Il faudrait "  # context stays at word boundaries
    only_bxl = coded_segments(codings, c, where={"site": "Bruxelles"})
    assert only_bxl["doc_id"].tolist() == ["s2"]
    assert coded_segments(codings, c, where={"role": "habitant"})["speaker"].tolist() == ["Ben"]


def test_code_matrix_counts_segments_documents_words():
    c = tiny()
    codings = pd.DataFrame([seg(c, "s1", 1, "besoins"), seg(c, "s2", 0, "besoins"), seg(c, "s2", 1, "besoins"),
                            seg(c, "s1", 2, "retour")])
    m = code_matrix(codings, c, by="site").set_index(["code", "site"])["segments"]
    assert m.to_dict() == {("besoins", "Bruxelles"): 2, ("besoins", "Montréal"): 1, ("retour", "Montréal"): 1}
    d = code_matrix(codings, c, by="site", count="documents").set_index(["code", "site"])["documents"]
    assert d[("besoins", "Bruxelles")] == 1
    w = code_matrix(codings, c, by="role", count="words").set_index(["code", "role"])["words"]
    # "On a besoin de transport." = 5 words (habitante); "Il faudrait une garderie le soir." 6 + "Et une interprète aussi." 4 (habitant)
    assert w[("besoins", "habitante")] == 5 and w[("besoins", "habitant")] == 10


def test_cooccurrence_overlap_turn_window():
    c = tiny()
    codings = pd.DataFrame([seg(c, "s1", 1, "besoins", end=10), seg(c, "s1", 1, "recommandations", start=3),
                            seg(c, "s1", 1, "garde", start=15), seg(c, "s2", 0, "besoins")])
    overlap = cooccurrence(codings)
    # besoins [0,10) overlaps recommandations [3, end); garde [15, end) overlaps recommandations only
    assert set(map(tuple, overlap[["code_a", "code_b"]].to_numpy())) == {("besoins", "recommandations"),
                                                                          ("garde", "recommandations")}
    turn = cooccurrence(codings, c, within="turn")
    assert len(turn) == 3 and turn["count"].tolist() == [1, 1, 1]


def test_code_trends_include_zeros_in_date_order():
    c = tiny()
    codings = pd.DataFrame([seg(c, "s2", 0, "besoins")])
    t = code_trends(codings, c)
    assert t["doc_id"].tolist() == ["s1", "s2"] and t["segments"].tolist() == [0, 1]
    # s2 has 5 + 4 = 9 words -> 1000 / 9 per 1,000 words
    assert t["per_1000_words"].iloc[1] == pytest.approx(1000 / 9)


def test_snap_to_turns():
    c = tiny()
    t0 = c.turns[(c.turns["doc_id"] == "s1")]
    # a segment from the middle of turn 0 to the middle of turn 1 becomes the two whole turns
    codings = pd.DataFrame([{**seg(c, "s1", 0, "x", start=3), "end_char": int(t0.iloc[1]["start_char"]) + 4}])
    snapped = snap_codings(codings, c)
    assert snapped[["start_char", "end_char"]].values.tolist() == t0.iloc[:2][["start_char", "end_char"]].values.tolist()


def test_offsets_must_be_whole_and_times_are_read_day_first(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("doc_id;start_char;end_char;code;coder\natelier-2;241.7;323;besoins;ana\n"
                   "atelier-2;inf;10;besoins;ana\natelier-2;-5;10;besoins;ana\n", encoding="utf-8")
    with pytest.raises(CodingError) as err:
        read_codings(bad)
    assert "3 problem(s)" in str(err.value) and "line 4" in str(err.value)
    good = tmp_path / "good.csv"
    good.write_text("doc_id;start_char;end_char;code;coder;coded_at\natelier-2;0;10;besoins;ana;01/03/2025 10:00\n"
                    "atelier-2;0;10;retour;ana;2025-03-13T09:00:00Z\n", encoding="utf-8")
    c = read_codings(good)
    assert c["coded_at"].tolist() == [pd.Timestamp("2025-03-01 10:00", tz="UTC"), pd.Timestamp("2025-03-13 09:00", tz="UTC")]
    nodate = tmp_path / "nodate.csv"
    nodate.write_text("doc_id;start_char;end_char;code;coder;coded_at\natelier-2;0;10;besoins;ana;hier\n")
    with pytest.raises(CodingError, match="coded_at"):
        read_codings(nodate)


def test_a_folder_of_the_codebook_is_not_a_code(tmp_path, small):
    from research_kit.codebook import read_codebook

    codebook = read_codebook(ROOT / "corpora/demo/codebook.yml", check_patterns=False)
    assert not codebook.codes.set_index("code").loc["conditions", "codable"]
    path = tmp_path / "c.csv"
    path.write_text("doc_id,start_char,end_char,code,coder\natelier-2,0,10,conditions,ana\n", encoding="utf-8")
    with pytest.raises(CodingError, match="RK-G06") as err:
        read_codings(path, corpus=small, codebook=codebook)
    assert "line 2" in str(err.value)
