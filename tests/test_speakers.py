"""Speakers as data: a speakers table in corpus.yml, joined onto turns; precedence of sources."""

import pandas as pd
import pytest

from research_kit.errors import InputFileError
from research_kit.project import Project, read_corpus


def _folder(tmp_path, table: str | None, manifest: str = "") -> Project:
    (tmp_path / "transcripts").mkdir()
    (tmp_path / "transcripts" / "s1.txt").write_text(
        "Sophie : Bonjour à toutes et à tous.\nAhmed : Merci de l'invitation.\nLéa : Moi aussi je suis là.\n",
        encoding="utf-8")
    (tmp_path / "transcripts" / "s2.txt").write_text("Sophie : On reprend.\nAhmed : D'accord.\n", encoding="utf-8")
    if table is not None:
        (tmp_path / "speakers.csv").write_text(table, encoding="utf-8")
    (tmp_path / "corpus.yml").write_text("title: t\nspeakers: speakers.csv\n" + manifest, encoding="utf-8")
    return Project.open(tmp_path)


def test_the_speakers_table_gives_roles_and_attributes_to_turns(tmp_path):
    table = "speaker;role;gender;age_group\nSophie;animatrice;F;35-49\nahmed;habitant;M;\n"
    corpus = _folder(tmp_path, table).read_corpus()
    turns = corpus.turns.set_index(["doc_id", "speaker"])
    assert turns.loc[("s1", "Sophie"), "role"] == "animatrice"
    assert turns.loc[("s2", "Ahmed"), "role"] == "habitant"  # labels matched ignoring case
    assert turns.loc[("s1", "Sophie"), "gender"] == "F"
    assert pd.isna(turns.loc[("s1", "Ahmed"), "age_group"])  # an empty cell is unknown, not ""
    assert pd.isna(turns.loc[("s1", "Léa"), "gender"])  # not in the table
    assert corpus.speaker_variables == ["gender", "age_group"]
    people = corpus.speakers.set_index(["doc_id", "speaker"])
    assert people.loc[("s2", "Sophie"), "gender"] == "F"
    assert len(people) == 5


def test_the_speakers_table_is_not_read_as_a_transcript(tmp_path):
    corpus = _folder(tmp_path, "speaker,role\nSophie,animatrice\n").read_corpus()
    assert sorted(corpus.doc_ids) == ["s1", "s2"]


def test_manifest_roles_override_the_table_and_a_document_row_overrides_the_general_one(tmp_path):
    table = "doc_id,speaker,role\n,Sophie,animatrice\ns2,Sophie,participante\n,Ahmed,habitant\n"
    corpus = _folder(tmp_path, table, "roles:\n  Ahmed: élu\n").read_corpus()
    roles = corpus.turns.drop_duplicates(["doc_id", "speaker"]).set_index(["doc_id", "speaker"])["role"]
    assert roles[("s1", "Sophie")] == "animatrice"
    assert roles[("s2", "Sophie")] == "participante"
    assert roles[("s1", "Ahmed")] == "élu"


def test_a_missing_table_is_a_coded_error_and_collect_reads_the_transcripts(tmp_path):
    project = _folder(tmp_path, None)
    with pytest.raises(InputFileError, match="RK-C15"):
        project.read_corpus()
    corpus = project.read_corpus(errors="collect")
    assert "RK-C15" in set(corpus.problems["code"])
    assert len(corpus.doc_ids) == 2


def test_a_table_without_a_speaker_column_names_its_columns(tmp_path):
    with pytest.raises(InputFileError, match="RK-C15.*'nom'") as info:
        _folder(tmp_path, "nom,role\nSophie,animatrice\n").read_corpus()
    assert info.value.line == 1


def test_a_table_outside_the_folder_is_refused(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("A : oui.\n", encoding="utf-8")
    (tmp_path / "c" / "corpus.yml").write_text("speakers: ../speakers.csv\n", encoding="utf-8")
    with pytest.raises(Exception, match="RK-C13"):
        read_corpus(tmp_path / "c")


def test_reading_never_modifies_the_table(tmp_path):
    table = "speaker;role\nSophie;animatrice\n"
    project = _folder(tmp_path, table)
    before = (tmp_path / "speakers.csv").read_bytes()
    project.read_corpus()
    assert (tmp_path / "speakers.csv").read_bytes() == before
