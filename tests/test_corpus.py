import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit.corpus import build_corpus, count_words
from research_kit.errors import InputFileError, ManifestError, ParameterError
from research_kit.schemas import DOCUMENTS, PROBLEMS, TURN_SEPARATOR, TURNS
from tests.helpers import DATA

SMALL = DATA / "corpus_small"


@pytest.fixture(scope="module")
def small():
    return read_corpus(SMALL)


def copy_small(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SMALL, tmp_path / "corpus"))


def test_frames_follow_their_schemas(small):
    assert list(small.documents.columns[: len(DOCUMENTS.names)]) == DOCUMENTS.names
    assert list(small.turns.columns) == TURNS.names
    assert small.variables == ["site", "session_type"]
    for col, dtype in TURNS.dtypes.items():
        assert str(small.turns[col].dtype) == dtype, col


def test_documents_from_manifest_front_matter_and_files(small):
    docs = small.documents.set_index("doc_id")
    assert sorted(docs.index) == ["atelier-2", "atelier-3", "equipe-nord", "retraite", "vieux-fichier"]
    assert docs.loc["atelier-2", "format"] == "csv" and docs.loc["atelier-2", "title"] == "Atelier 2"
    assert docs.loc["atelier-3", "title"] == "Atelier 3 — restitution"  # Markdown heading
    assert docs.loc["retraite", "title"] == "Retraite — jour 1"  # DOCX title
    assert docs.loc["equipe-nord", "title"] == "Rencontre de l'équipe Nord"  # front matter
    assert docs.loc["equipe-nord", "site"] == "Montréal"  # front-matter variable
    assert docs.loc["equipe-nord", "date"] == pd.Timestamp("2025-03-12")
    assert docs.loc["atelier-2", "date"] == pd.Timestamp("2025-02-20")
    assert pd.isna(docs.loc["vieux-fichier", "date"])
    assert docs.loc["atelier-2", "path"] == "transcripts/atelier-2.csv"
    assert set(docs["language"]) == {"fr"}


def test_roles_corpus_wide_and_per_document(small):
    t = small.turns
    assert set(t.loc[t["speaker"] == "Isabelle Roy", "role"]) == {"conseillère"}
    assert set(t.loc[(t["doc_id"] == "atelier-3") & (t["speaker"] == "Ahmed"), "role"]) == {"habitant·e"}
    assert set(t.loc[(t["doc_id"] == "atelier-2") & (t["speaker"] == "Ahmed"), "role"]) == {"habitant"}
    assert t.loc[t["speaker"] == "?", "role"].isna().all()


def test_offsets_point_into_the_document_text(small):
    for row in small.turns.itertuples():
        assert small.text(row.doc_id)[row.start_char:row.end_char] == row.text
    text = small.text("atelier-3")
    assert text == TURN_SEPARATOR.join(small.turns.loc[small.turns["doc_id"] == "atelier-3", "text"])
    docs = small.documents.set_index("doc_id")
    assert docs.loc["atelier-3", "n_chars"] == len(text)


def test_counts(small):
    docs = small.documents.set_index("doc_id")
    assert docs.loc["atelier-2", "n_turns"] == 3
    assert docs.loc["atelier-2", "n_speakers"] == 2
    assert docs.loc["atelier-2", "duration_s"] == 25.0  # 00:00:05 to 00:00:30
    assert docs.loc["atelier-3", "n_words"] == small.turns.loc[small.turns["doc_id"] == "atelier-3", "n_words"].sum()
    # Bon | ben | l | équipe | est | peut-être | épuisée
    assert count_words("Bon, ben… l'équipe est peut-être épuisée.") == 7


def test_end_times_filled_from_next_turn_start(small):
    t = small.turns[small.turns["doc_id"] == "equipe-nord"].set_index("turn")
    assert t.loc[4, "start_s"] == 723.0 and t.loc[4, "end_s"] == 760.0
    assert pd.isna(t.loc[5, "end_s"])


def test_reading_never_modifies_sources(tmp_path):
    root = copy_small(tmp_path)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}
    read_corpus(root)
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}
    assert before == after


def test_single_file_and_no_manifest(tmp_path):
    c = read_corpus(DATA / "text/otter.txt")
    assert c.doc_ids == ["otter"] and c.documents.loc[0, "language"] == "en"
    assert c.turns["speaker"].tolist() == ["Speaker 1", "Speaker 2"]


def test_unlabelled_file_takes_the_manifest_speaker(tmp_path):
    (tmp_path / "recit.txt").write_text("Un récit sans nom de locuteur, écrit par une médiatrice.\n")
    (tmp_path / "corpus.yml").write_text("documents:\n  recit.txt:\n    speaker: Narratrice\n")
    c = read_corpus(tmp_path)
    assert c.turns["speaker"].tolist() == ["Narratrice"]
    (tmp_path / "corpus.yml").unlink()
    assert read_corpus(tmp_path).turns["speaker"].tolist() == ["?"]


def test_stems_that_clash_use_the_relative_path(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "seance.txt").write_text("Marie: bonjour\n")
    assert sorted(read_corpus(tmp_path).doc_ids) == ["a/seance", "b/seance"]


def test_language_detected_when_not_given(tmp_path):
    (tmp_path / "en.txt").write_text("Ann: I think we should report back to the residents, and they should know it.\n")
    (tmp_path / "fr.txt").write_text("Anne: Je pense qu'on devrait faire un retour aux habitants, et que c'est pas fini.\n")
    (tmp_path / "corpus.yml").write_text("language: fr\n")
    langs = read_corpus(tmp_path).documents.set_index("doc_id")["language"]
    assert langs.to_dict() == {"en": "en", "fr": "fr"}


# -- bad input -----------------------------------------------------------------


def test_unknown_extension(tmp_path):
    root = copy_small(tmp_path)
    shutil.copy(DATA / "bad/slides.pdf", root / "transcripts/slides.pdf")
    with pytest.raises(InputFileError, match="RK-R03") as err:
        read_corpus(root)
    assert "transcripts/slides.pdf" in str(err.value) and "Export the transcript" in str(err.value)


def test_manifest_naming_a_missing_file(tmp_path):
    root = copy_small(tmp_path)
    (root / "transcripts/atelier-3.md").unlink()
    with pytest.raises(ManifestError, match="RK-C05") as err:
        read_corpus(root)
    assert err.value.line == 24 and "transcripts/atelier-3.md" in str(err.value)


def test_manifest_unknown_field_names_line_and_suggests(tmp_path):
    root = copy_small(tmp_path)
    text = (root / "corpus.yml").read_text().replace("    session_type: retraite", "    sesion_type: retraite")
    (root / "corpus.yml").write_text(text)
    with pytest.raises(ManifestError, match="RK-C04") as err:
        read_corpus(root)
    assert err.value.line == 32 and 'Did you mean "session_type"' in str(err.value)


def test_manifest_unknown_top_level_field(tmp_path):
    root = copy_small(tmp_path)
    (root / "corpus.yml").write_text("titre: x\n" + (root / "corpus.yml").read_text())
    with pytest.raises(ManifestError, match="RK-C04") as err:
        read_corpus(root)
    assert err.value.line == 1 and 'Did you mean "title"' in str(err.value)


def test_manifest_bad_date(tmp_path):
    root = copy_small(tmp_path)
    text = (root / "corpus.yml").read_text().replace("date: 2025-05-02", "date: le 2 mai")
    (root / "corpus.yml").write_text(text)
    with pytest.raises(ManifestError, match="RK-C08") as err:
        read_corpus(root)
    assert err.value.line == 31


def test_collect_reads_what_it_can_and_lists_problems(tmp_path):
    root = copy_small(tmp_path)
    for name in ("empty.txt", "binary.txt", "slides.pdf"):
        shutil.copy(DATA / "bad" / name, root / "transcripts" / name)
    shutil.copy(DATA / "bad/renamed.docx", root / "transcripts/renamed.docx")
    c = read_corpus(root, errors="collect")
    assert len(c.documents) == 5
    assert list(c.problems.columns) == PROBLEMS.names
    assert sorted(zip(c.problems["path"], c.problems["code"])) == [
        ("transcripts/binary.txt", "RK-R04"), ("transcripts/empty.txt", "RK-R02"),
        ("transcripts/renamed.docx", "RK-R07"), ("transcripts/slides.pdf", "RK-R03")]
    with pytest.raises(InputFileError):
        read_corpus(root)


def test_errors_option_is_checked():
    with pytest.raises(ParameterError, match="RK-P01"):
        read_corpus(SMALL, errors="ignore")


def test_missing_corpus_folder(tmp_path):
    with pytest.raises(InputFileError, match="RK-C02"):
        read_corpus(tmp_path / "nowhere")


def test_build_corpus_recomputes_offsets():
    docs = pd.DataFrame({"doc_id": ["d"], "title": ["D"]})
    turns = pd.DataFrame({"doc_id": ["d", "d", "d"], "speaker": ["A", None, "A"], "text": ["un deux", " ", "trois"]})
    c = build_corpus(docs, turns)
    assert c.text("d") == "un deux" + TURN_SEPARATOR + "trois"  # the blank turn is dropped
    assert c.turns["start_char"].tolist() == [0, 9] and c.turns["turn"].tolist() == [0, 1]
    assert c.documents.loc[0, "n_words"] == 3


def test_write_corpus_reads_back_identically(tmp_path, small):
    from research_kit.project import write_corpus

    out = write_corpus(small, tmp_path / "copy", manifest_extra={"pseudonymised": True})
    again = read_corpus(out)
    pd.testing.assert_frame_equal(again.turns, small.turns)
    cols = ["doc_id", "title", "date", "language", "n_turns", "n_words", "n_chars", "site", "session_type"]
    pd.testing.assert_frame_equal(again.documents[cols], small.documents[cols])
    assert again.manifest.pseudonymised is True
    for d in small.doc_ids:
        assert again.text(d) == small.text(d)
    with pytest.raises(InputFileError, match="RK-C09"):
        write_corpus(small, out)


def test_roles_match_labels_with_a_parenthesised_note(tmp_path):
    (tmp_path / "z.txt").write_text("Marie-Ève (elle) : Bonjour à toutes et à tous.\n", encoding="utf-8")
    (tmp_path / "corpus.yml").write_text("roles:\n  Marie-Ève: médiatrice\n", encoding="utf-8")
    assert read_corpus(tmp_path).turns["role"].tolist() == ["médiatrice"]
