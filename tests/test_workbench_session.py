"""A coder's session: every action written at once, read back after a restart, undone; bad input kept safe."""

from __future__ import annotations

import pandas as pd
import pytest

from research_kit.codebook import Codebook, CodeEntry
from research_kit.coding import read_codings
from research_kit.corpus import build_corpus
from research_kit.errors import CodingError, UnknownNameError
from research_kit.workbench import store
from research_kit.workbench.session import CodingSession
from tests.helpers import DATA

TURNS = ["Bon, on commence.", "Il faudrait une garderie pour les enfants.", "On est épuisés, vraiment."]


@pytest.fixture
def corpus():
    docs = pd.DataFrame({"doc_id": ["a1", "a2"]})
    turns = pd.DataFrame({"doc_id": ["a1"] * 3 + ["a2"], "speaker": ["S", "A", "S", "B"],
                          "role": ["animatrice", "habitant·e", "animatrice", "habitant·e"],
                          "text": TURNS + ["Autre séance."]})
    return build_corpus(docs, turns)


@pytest.fixture
def codebook():
    return Codebook((CodeEntry("besoins", label={"fr": "Besoins"}, codable=False),
                     CodeEntry("besoins.garde", parent="besoins", label={"fr": "Garde d'enfants"}),
                     CodeEntry("fatigue", label={"fr": "Fatigue"})), languages=("fr",))


def offsets(corpus, doc_id, words):
    text = corpus.text(doc_id)
    start = text.index(words)
    return start, start + len(words)


def test_a_coding_is_written_at_once_with_coder_time_and_offsets(corpus, codebook, tmp_path):
    s = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    start, end = offsets(corpus, "a1", "garderie")
    added = s.code("a1", start + 2, end - 1, ["besoins.garde"])  # a selection inside the word is widened
    assert (int(added["start_char"][0]), int(added["end_char"][0])) == (start, end)
    on_disk = read_codings(tmp_path / "ana.csv", corpus=corpus, codebook=codebook)
    assert on_disk[["doc_id", "start_char", "end_char", "code", "coder"]].values.tolist() == [
        ["a1", start, end, "besoins.garde", "ana"]]
    assert on_disk["coded_at"].notna().all()
    assert corpus.text("a1")[start:end] == "garderie"


def test_a_new_session_reads_back_what_an_earlier_one_wrote(corpus, codebook, tmp_path):
    first = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    first.code_turn("a1", 2, ["fatigue"])
    first.memo("a1", *offsets(corpus, "a1", TURNS[2]), "dit en riant")
    del first  # the kernel restarts
    again = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    turn = corpus.turns.iloc[2]
    assert again.codes_at("a1", turn["start_char"], turn["end_char"]) == ["fatigue"]
    assert again.memo_at("a1", turn["start_char"], turn["end_char"]) == "dit en riant"
    assert again.undo() is None  # undo belongs to a session


def test_undo_reverses_the_last_action_and_writes_it(corpus, codebook, tmp_path):
    s = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    span = offsets(corpus, "a1", "épuisés")
    s.code("a1", *span, ["fatigue"])
    s.memo("a1", *span, "note")
    s.uncode("a1", *span, ["fatigue"])
    assert read_codings(tmp_path / "ana.csv").empty
    assert s.undo().startswith("remove")
    back = read_codings(tmp_path / "ana.csv")
    assert back["code"].tolist() == ["fatigue"] and back["memo"].tolist() == ["note"]
    assert s.undo() == "memo"
    assert read_codings(tmp_path / "ana.csv")["memo"].isna().all()
    assert s.undo() == "code fatigue"
    assert read_codings(tmp_path / "ana.csv").empty and s.undo() is None


def test_blind_mode_does_not_read_the_other_coders(corpus, codebook, tmp_path):
    ben = CodingSession(corpus, codebook, coder="ben", folder=tmp_path)
    ben.code_turn("a1", 1, ["besoins.garde"])
    seen = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    blind = CodingSession(corpus, codebook, coder="ana", folder=tmp_path, blind=True)
    assert seen.segments("a1")[["coder", "mine"]].values.tolist() == [["ben", False]]
    assert blind.segments("a1").empty and blind.others.empty


def test_codings_of_a_document_gone_from_the_corpus_are_kept(corpus, codebook, tmp_path):
    (tmp_path / "ana.csv").write_text("doc_id,start_char,end_char,code,coder,memo,coded_at\n"
                                      "retiree,0,10,fatigue,ana,,2025-01-01T00:00:00Z\n", encoding="utf-8")
    s = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    assert [m.code for m in s.messages] == ["RK-G33"] and '"retiree" (1)' in str(s.messages[0])
    s.code_turn("a1", 0, ["fatigue"])
    assert sorted(read_codings(tmp_path / "ana.csv")["doc_id"]) == ["a1", "retiree"]


def test_a_row_another_program_added_meanwhile_is_merged_not_overwritten(corpus, codebook, tmp_path):
    s = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    s.code_turn("a1", 0, ["fatigue"])
    with open(tmp_path / "ana.csv", "a", encoding="utf-8") as fh:  # a script of the same coder
        fh.write("a2,0,5,fatigue,ana,,2025-01-01T00:00:00Z\n")
    s.code_turn("a1", 1, ["besoins.garde"])
    back = read_codings(tmp_path / "ana.csv")
    assert sorted(zip(back["doc_id"], back["code"])) == [("a1", "besoins.garde"), ("a1", "fatigue"), ("a2", "fatigue")]


def test_a_file_being_edited_is_not_written_over_and_nothing_is_lost(corpus, codebook, tmp_path):
    s = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    s.code_turn("a1", 0, ["fatigue"])
    path = tmp_path / "ana.csv"
    half = 'doc_id,start_char,end_char,code,coder,memo,coded_at\na1,0,17,fatigue,ana,"not closed\n'
    path.write_text(half, encoding="utf-8")  # another program is half-way through saving it
    s.code_turn("a1", 1, ["besoins.garde"])
    assert s.message is not None and s.message.code == "RK-G32" and s.pending == 1
    assert path.read_text(encoding="utf-8") == half  # untouched
    assert (tmp_path / "review" / "ana-unsaved.csv").exists()
    assert sorted(s.codings["code"]) == ["besoins.garde", "fatigue"]  # the last version read, and the change waiting
    # the kernel restarts before the file is fixed; then the other program finishes its save
    path.write_text("doc_id,start_char,end_char,code,coder,memo,coded_at\na1,0,17,fatigue,ana,,\n", encoding="utf-8")
    again = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    assert "RK-G36" in [m.code for m in again.messages]
    assert sorted(read_codings(path)["code"]) == ["besoins.garde", "fatigue"]
    assert not (tmp_path / "review" / "ana-unsaved.csv").exists()


def test_a_lock_held_elsewhere_keeps_the_change_until_it_can_be_written(corpus, codebook, tmp_path, monkeypatch):
    from filelock import FileLock

    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.1)
    s = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)

    class Held:
        def acquire(self, *a, **k):
            from filelock import Timeout
            raise Timeout(str(s.file.lock_path))

        def release(self):
            pass

    monkeypatch.setattr("filelock.FileLock", lambda *a, **k: Held())
    s.code_turn("a1", 0, ["fatigue"])
    assert s.message.code == "RK-G31" and s.pending == 1 and not (tmp_path / "ana.csv").exists()
    monkeypatch.setattr("filelock.FileLock", FileLock)
    assert s.save() and s.pending == 0 and read_codings(tmp_path / "ana.csv")["code"].tolist() == ["fatigue"]


def test_a_codebook_that_fails_validation_opens_read_only(corpus, tmp_path):
    s = CodingSession(corpus, DATA / "codebooks" / "broken.yml", coder="ana", folder=tmp_path)
    assert not s.can_code and s.messages[0].code == "RK-G35" and "RK-K" in str(s.messages[0])
    with pytest.raises(CodingError, match="RK-G35"):
        s.code_turn("a1", 0, ["care"])
    assert not (tmp_path / "ana.csv").exists()


@pytest.mark.parametrize("call, code", [
    (lambda s: s.code("a1", 5, 5, ["fatigue"]), "RK-G34"),
    (lambda s: s.code("a1", 0, 999, ["fatigue"]), "RK-G34"),
    (lambda s: s.code("a1", 17, 19, ["fatigue"]), "RK-G34"),  # the blank line between two turns
    (lambda s: s.code("a1", 0, 3, ["fatigue.x"]), "RK-G05"),
    (lambda s: s.code("a1", 0, 3, ["besoins"]), "RK-G06"),
    (lambda s: s.code("a9", 0, 3, ["fatigue"]), "RK-G03"),
    (lambda s: s.memo("a1", 0, 3, "a memo needs a coding"), "RK-G34"),
])
def test_bad_actions_are_coded_and_write_nothing(corpus, codebook, tmp_path, call, code):
    s = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    with pytest.raises(CodingError, match=code):
        call(s)
    assert not (tmp_path / "ana.csv").exists()


def test_an_unknown_document_in_the_transcript_view(corpus, codebook, tmp_path):
    s = CodingSession(corpus, codebook, coder="ana", folder=tmp_path)
    with pytest.raises(UnknownNameError, match="RK-C10"):
        s.transcript("a9")
    assert s.transcript("a1")["text"].tolist() == TURNS
