import pytest

from research_kit.errors import InputFileError
from research_kit.readers.docx import parse_docx
from tests.helpers import DATA

# tests/data/docx/*.docx were made with python-docx; see tests/data/README.md.


def test_paragraphs_tables_and_bold_names_in_order():
    [doc] = parse_docx(DATA / "docx/retreat.docx")
    assert doc.title == "Retraite — jour 1"
    assert [(t.speaker, t.text) for t in doc.turns] == [
        (None, "Tour de table"),
        ("Isabelle", "Bienvenue à la retraite."),
        ("Karim", "Merci, je suis content d'être là."),
        ("Isabelle", "On commence par la météo intérieure."),
        # a bold name without a colon opens a turn; the next plain paragraph continues it
        ("Geneviève", "Je suis fatiguée, honnêtement.\nEt je pense qu'on devrait prendre soin de nous."),
        ("Karim", "On reprend."),
    ]


def test_teams_docx_header_lines_and_headerless_time_table():
    [doc] = parse_docx(DATA / "docx/teams.docx")
    assert doc.title == "Teams transcript"
    assert [(t.speaker, t.start_s, t.text) for t in doc.turns] == [
        ("Sophie Lambert", 3.0, "Bonjour tout le monde."),
        ("Ahmed Benali", 15.0, "Bonjour. Il nous manque une garderie."),
        ("Sophie Lambert", 30.0, "On note."),
        ("Ahmed Benali", 41.0, "Merci."),
    ]


def test_not_a_docx_is_a_clear_error():
    with pytest.raises(InputFileError, match="RK-R07") as err:
        parse_docx(DATA / "bad/renamed.docx", display_path="renamed.docx")
    assert "renamed.docx" in str(err.value) and "save it again" in str(err.value)
