import pytest

from research_kit.errors import InputFileError
from research_kit.readers.csv import parse_csv
from tests.helpers import DATA, read


def test_excel_french_export_with_user_columns():
    [doc] = parse_csv(read(DATA / "csv/excel-fr.csv"), path="x.csv",
                      columns={"speaker": "Locuteur", "start": "Début", "end": "Fin", "text": "Propos"})
    assert [(t.speaker, t.start_s, t.end_s) for t in doc.turns] == [
        ("Sophie Lambert", 5.0, 12.0), ("Ahmed", 13.0, 20.0), ("Sophie Lambert", 23.0, 30.0)]
    # quoted semicolons and doubled quotes survive; the empty row is skipped
    assert doc.turns[1].text == 'Oui; mais il faudrait une garderie, "vraiment".'


def test_columns_guessed_from_common_names():
    [doc] = parse_csv(read(DATA / "csv/excel-fr.csv"), path="x.csv")  # Locuteur/Début/Fin/Propos
    assert doc.turns[0].speaker == "Sophie Lambert" and doc.turns[0].end_s == 12.0
    [doc] = parse_csv(read(DATA / "csv/guessed.csv"), path="g.csv")
    assert [(t.speaker, t.text, t.start_s) for t in doc.turns] == [("A", "Hello there", 1.5),
                                                                   ("B", "Hi, we should start", 3.0)]


def test_doc_column_splits_documents():
    docs = parse_csv(read(DATA / "csv/multidoc.csv"), path="m.csv")
    assert [(d.suffix, [t.speaker for t in d.turns]) for d in docs] == [("s1", ["A", "C"]), ("s2", ["B"])]


def test_missing_text_column_lists_columns_and_says_what_to_do():
    with pytest.raises(InputFileError, match="RK-R10") as err:
        parse_csv(read(DATA / "csv/notext.csv"), path="notext.csv")
    assert "'who', 'when', 'what'" in str(err.value) and "columns:" in str(err.value)


def test_user_column_not_in_file():
    with pytest.raises(InputFileError, match="RK-R11") as err:
        parse_csv(read(DATA / "csv/excel-fr.csv"), path="x.csv", columns={"text": "Propo"})
    assert 'Did you mean "Propos"' in str(err.value)


def test_bad_time_names_the_line():
    with pytest.raises(InputFileError, match="RK-R12") as err:
        parse_csv(read(DATA / "csv/badtime.csv"), path="badtime.csv")
    assert err.value.line == 3 and "midi" in str(err.value)


def test_inclusive_headers_bracketed_times_and_unquoted_delimiters():
    text = "Début;Fin;Intervenant·e;Propos\n[00:00:01];(00:00:05);Marie-Ève;Bonjour; et la suite\n"
    [doc] = parse_csv(text, path="c.csv")
    turn = doc.turns[0]
    assert (turn.speaker, turn.start_s, turn.end_s) == ("Marie-Ève", 1.0, 5.0)
    assert turn.text == "Bonjour; et la suite"  # nothing lost
