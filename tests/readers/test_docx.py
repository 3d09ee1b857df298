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


def test_merged_cells_breaks_and_core_title(tmp_path):
    import docx  # python-docx, as a transcriber's script writes the file
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    d.core_properties.title = "Atelier du 3 mai"
    p = d.add_paragraph()
    p.add_run("Marie").bold = True
    p.add_run(" Bonjour à tous.")
    p = d.add_paragraph("Jean: oui")
    p.add_run().add_break()
    p.add_run("deuxième ligne")
    p.add_run().add_break(WD_BREAK.PAGE)  # a page break keeps the words apart
    p.add_run("après la page")
    t = d.add_table(rows=3, cols=3)
    for cell, text in zip(t.rows[0].cells, ["Temps", "Intervenant", "Propos"]):
        cell.text = text
    t.cell(1, 0).text, t.cell(1, 1).text, t.cell(1, 2).text = "00:01:00", "Luc", "Premier point."
    t.cell(2, 0).text, t.cell(2, 2).text = "00:02:00", "Second point."
    t.cell(1, 1).merge(t.cell(2, 1))  # one speaker cell over two rows: it speaks in both
    d.save(tmp_path / "merged.docx")
    [doc] = parse_docx(tmp_path / "merged.docx")
    assert doc.title == "Atelier du 3 mai"  # no heading: the document's own title
    assert [(t.speaker, t.start_s, t.text) for t in doc.turns] == [
        ("Marie", None, "Bonjour à tous."),
        ("Jean", None, "oui deuxième ligne après la page"),
        ("Luc", 60.0, "Premier point."),
        ("Luc", 120.0, "Second point."),
    ]
