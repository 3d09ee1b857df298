"""Hostile and malformed CSV (#12): codings, transcripts and codebooks, in and out.

Reading: every row is read or reported with its line (an unclosed quote at the line where
it OPENED), a cell may hold 16 MiB, never a raw ``_csv.Error``; rows written with another
delimiter than the header's are read with it. Writing: a text cell that a spreadsheet
would run as a formula (OWASP "CSV injection") gets a ``'`` before it, and our readers give
the original back.

The files are written as the tools that make them do: Excel (BOM, CRLF, ``;``, Alt+Enter
line breaks in quotes), a hand-edited file, an attacker's payloads.
"""

from __future__ import annotations

import csv
import io
import warnings

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from research_kit._csv import FIELD_LIMIT, CsvRow, neutralise, read_rows, unneutralise, write_csv
from research_kit.codebook import read_codebook, validate_codebook, write_codebook
from research_kit.coding import read_codings, write_codings
from research_kit.corpus import build_corpus, read_transcript
from research_kit.errors import CodebookError, CodingError, InputFileError, ResearchKitWarning
from research_kit.readers.csv import parse_csv
from research_kit.summary import write_summary
from tests.helpers import DATA, read

HOSTILE = DATA / "hostile/csv"

PAYLOADS = ['=HYPERLINK("http://evil","clic")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0",
            "=1+1", "-", "+33 2 71 00 00 00", "@", "'=déjà cité"]
LEADING = ["\t=1+1", "\r=1+1", "\n=1+1", " =1+1"]


def codings_file(tmp_path, rows, name="c.csv"):
    path = tmp_path / name
    path.write_text("doc_id,start_char,end_char,code,coder,memo\n" + "".join(r + "\n" for r in rows),
                    encoding="utf-8")
    return path


def items(text, delimiter=",", single_line=()):
    """What read_rows yields, as (line, cells) and (line, kind, column)."""
    rows = read_rows(text, delimiter=delimiter)
    out = []
    for item in rows:
        if isinstance(item, CsvRow):
            if rows.header is None:
                rows.header, rows.single_line = item.cells, set(single_line)
            out.append((item.line, item.cells))
        else:
            out.append((item.line, item.kind, item.column))
    return out


# --------------------------------------------------------------------------- the row reader


def test_an_unclosed_quote_is_named_where_it_opened_and_the_rows_after_it_are_read():
    text = "a,b\n1,x\n2,\"never closed\n3,y\n4,z\n"
    assert items(text) == [(1, ["a", "b"]), (2, ["1", "x"]), (3, "quote", 1), (4, ["3", "y"]), (5, ["4", "z"])]


def test_a_later_quote_does_not_hide_an_unclosed_one():
    # the quote opened on line 2 is "closed" by the first quote of line 4, followed by text
    text = 'a,b\n1,"open\n2,y\n3,"quoted, fine"\n'
    assert items(text) == [(1, ["a", "b"]), (2, "quote", 1), (3, ["2", "y"]), (4, ["3", "quoted, fine"])]


def test_a_line_break_in_a_single_line_column_is_a_quote_left_open():
    # the quote of line 2 closes at the end of line 4: csv reads one row of three lines
    text = 'code,memo\n"open,x\nb,y\nc,z"\nd,w\n'
    assert items(text, single_line={0}) == [(1, ["code", "memo"]), (2, "quote", 0), (3, ["b", "y"]),
                                            (4, ["c", 'z"']), (5, ["d", "w"])]
    # where a column may hold line breaks, the cell is read as written
    assert items('code,memo\na,"two\nlines"\n') == [(1, ["code", "memo"]), (2, ["a", "two\nlines"])]


def test_a_quote_followed_by_text_is_named_with_its_column():
    assert items('a,b\n1,"x"y\n2,z\n') == [(1, ["a", "b"]), (2, "stray_quote", 1), (3, ["2", "z"])]


def test_cells_up_to_the_limit_are_read_and_larger_ones_are_problems():
    big = "x" * (200 * 1024)
    assert items(f"a,b\n1,{big}\n") == [(1, ["a", "b"]), (2, ["1", big])]
    huge = "y" * (FIELD_LIMIT + 10)
    for cell in (huge, f'"{huge}"'):
        assert items(f"a,b\n1,{cell}\n2,z\n") == [(1, ["a", "b"]), (2, "too_large", 1), (3, ["2", "z"])]


def test_rows_with_another_delimiter_are_read_with_it_unless_ambiguous():
    rows = read_rows("a;b;c\n1;2;3\n4,5,6\n7|8|9\n1,2;3\n", delimiter=";")
    got = []
    for item in rows:
        rows.header = rows.header or item.cells
        got.append((item.line, item.cells))
    # "1,2;3" has the header's delimiter: it is left as it is
    assert got == [(1, ["a", "b", "c"]), (2, ["1", "2", "3"]), (3, ["4", "5", "6"]), (4, ["7", "8", "9"]),
                   (5, ["1,2", "3"])]
    assert rows.redelimited == [3, 4]


def test_excel_sep_line_sets_the_delimiter_and_crlf_counts_as_one_line():
    assert items("sep=;\r\na;b\r\n1;\"x\r\ny\"\r\n2;z\r\n", delimiter=",") == [
        (2, ["a", "b"]), (3, ["1", "x\ny"]), (5, ["2", "z"])]


def test_many_unclosed_quotes_each_reported_once():
    text = "a,b\n" + "".join(f'{i},"open {i}\n' if i % 2 else f"{i},ok\n" for i in range(200))
    got = items(text)
    assert len(got) == 201  # header + one item per line
    assert [g[0] for g in got if len(g) == 3] == [i + 2 for i in range(200) if i % 2]


# --------------------------------------------------------------------------- codings


def test_codings_unclosed_quote_on_line_3_of_10_names_line_3_and_checks_the_others(tmp_path):
    path = HOSTILE / "codings-unclosed-quote.csv"  # CRLF, as Excel writes it
    with pytest.raises(CodingError, match="RK-G07") as err:
        read_codings(path)
    text = str(err.value)
    assert "1 problem(s)" in text
    assert 'line 3: column "memo": a quote " opened on line 3 is never closed: close it or remove it.' in text
    assert "line 10" not in text and "line 11" not in text  # not where parsing stopped
    # the quote closed, the same file gives its nine rows
    fixed = tmp_path / "fixed.csv"
    fixed.write_bytes(path.read_bytes().replace(b'"il faudrait', b'"il faudrait"'))
    assert len(read_codings(fixed)) == 9


def test_codings_rows_after_an_unclosed_quote_are_each_checked(tmp_path):
    rows = [f"atelier-2,{10 * i},{10 * i + 5},besoins,ana,note {i}" for i in range(9)]
    rows[1] = 'atelier-2,10,15,besoins,ana,"il faudrait'  # line 3
    rows[6] = "atelier-2,70,60,besoins,ana,inverted"  # line 8
    with pytest.raises(CodingError) as err:
        read_codings(codings_file(tmp_path, rows))
    text = str(err.value)
    assert "2 problem(s)" in text
    assert 'line 3: column "memo": a quote " opened on line 3' in text
    assert "line 8: start_char 70 is not before end_char 60" in text
    # closed, every row is read
    rows[1], rows[6] = 'atelier-2,10,15,besoins,ana,"il faudrait"', "atelier-2,60,70,besoins,ana,fixed"
    assert len(read_codings(codings_file(tmp_path, rows))) == 9


def test_codings_quote_closed_far_away_in_a_code_is_found(tmp_path):
    rows = ['atelier-2,0,5,"besoins,ana,x', "atelier-2,5,9,besoins,ana,y", 'atelier-2,9,12,besoins",ana,z']
    with pytest.raises(CodingError, match="RK-G07") as err:
        read_codings(codings_file(tmp_path, rows))
    assert 'line 2: column "code": a quote " opened on line 2 is never closed' in str(err.value)
    assert "line 3" not in str(err.value)  # line 3 is a good row, read on its own


def test_codings_field_over_128_kib_is_read_and_over_16_mib_is_coded(tmp_path):
    memo = "m" * (200 * 1024)
    c = read_codings(codings_file(tmp_path, [f"atelier-2,0,5,besoins,ana,{memo}"]))
    assert c.loc[0, "memo"] == memo
    with pytest.raises(CodingError, match="RK-G08") as err:
        read_codings(codings_file(tmp_path, ["atelier-2,0,5,besoins,ana," + "m" * (FIELD_LIMIT + 1),
                                             "atelier-2,0,5,besoins,ana,ok", "atelier-2,9,5,besoins,ana,bad"]))
    text = str(err.value)
    assert "line 2:" in text and "16 MiB" in text and "line 4: start_char 9" in text


def test_codings_stray_quote_and_extra_cells_are_named(tmp_path):
    rows = ['atelier-2,0,5,"besoins"x,ana,', "atelier-2,0,5,besoins, suite,ana,memo", "atelier-2,0,5,besoins,ana,ok,,"]
    with pytest.raises(CodingError, match="RK-G07") as err:
        read_codings(codings_file(tmp_path, rows))
    text = str(err.value)
    assert "2 problem(s)" in text  # trailing empty cells (line 4) are fine
    assert 'line 2: column "code": a quote " closes the cell' in text
    assert 'line 3: the row has 7 cells but the header names 6 columns: the cells after "memo"' in text
    assert "suite" not in text  # messages name places, never a cell's content


def test_codings_rows_with_another_delimiter_are_read(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("doc_id,start_char,end_char,code,coder\natelier-2,0,5,besoins,ana\natelier-2;5;9;retour;ben\n",
                    encoding="utf-8")
    c = read_codings(path)
    assert c[["start_char", "end_char", "code", "coder"]].values.tolist() == [[0, 5, "besoins", "ana"],
                                                                              [5, 9, "retour", "ben"]]


def test_codings_quote_in_the_header_is_one_coded_error(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('doc_id,"start_char,end_char,code,coder\natelier-2,0,5,besoins,ana\n', encoding="utf-8")
    with pytest.raises(CodingError, match="RK-G07") as err:
        read_codings(path)
    assert "line 1:" in str(err.value)


# --------------------------------------------------------------------------- transcripts


def test_transcript_with_a_200_kib_cell_is_read():
    text = "speaker;text\nA;" + "é" * (200 * 1024) + "\nB;salut\n"
    [doc] = parse_csv(text, path="t.csv")
    assert [len(t.text) for t in doc.turns] == [200 * 1024, 5]


def test_transcript_cell_over_the_limit_is_coded_and_the_other_rows_read():
    text = "speaker;text\nA;" + "x" * (FIELD_LIMIT + 1) + "\nB;salut\n"
    with pytest.raises(InputFileError, match="RK-R14") as err:
        parse_csv(text, path="t.csv")
    assert err.value.line == 2 and 'column "text"' in str(err.value)
    found: list[InputFileError] = []
    [doc] = parse_csv(text, path="t.csv", report=found.append)
    assert [t.text for t in doc.turns] == ["salut"] and [(e.code, e.line) for e in found] == [("RK-R14", 2)]


def test_transcript_unclosed_quote_names_its_line_and_keeps_the_other_rows(tmp_path):
    text = 'speaker;text\nA;bonjour\nB;"on commence\nC;oui\nD;non\n'
    with pytest.raises(InputFileError, match="RK-R13") as err:
        parse_csv(text, path="t.csv")
    assert err.value.line == 3 and 'a quote " opened on line 3 is never closed: close it or remove it' in str(err.value)
    found: list[InputFileError] = []
    [doc] = parse_csv(text, path="t.csv", report=found.append)
    assert [t.speaker for t in doc.turns] == ["A", "C", "D"]
    assert [(e.code, e.line) for e in found] == [("RK-R13", 3)]
    # through read_transcript(errors="collect"), the problem is a row naming the line
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    problems = read_transcript(path, errors="collect").problems
    assert problems[["code", "line"]].values.tolist() == [["RK-R13", 3]]


def test_transcript_every_bad_row_is_named_when_raised_together():
    text = 'speaker;start;text\nA;1;bonjour\nB;midi;bonsoir\nC;3;"x"y\nD;4;fin\n'
    with pytest.raises(InputFileError) as err:
        parse_csv(text, path="t.csv")
    assert err.value.code == "RK-R12" and err.value.line == 3
    assert [(p.code, p.line) for p in err.value.problems] == [("RK-R12", 3), ("RK-R13", 4)]
    assert "line 4: [RK-R13]" in str(err.value)


def test_excel_export_with_a_row_written_with_commas_is_read(tmp_path):
    with pytest.warns(ResearchKitWarning, match=r"RK-R18.*line 5 uses another delimiter"):
        corpus = read_transcript(HOSTILE / "excel-mixed-delimiters.csv")
    turns = corpus.turns
    assert turns["speaker"].tolist() == ["Sophie", "Ahmed", "Chantal", "Sophie"]
    assert turns.loc[2, "text"] == "On en parle depuis des années" and turns.loc[2, "start_s"] == 21.0
    assert turns.loc[1, "text"] == "Oui; mais\nil faudrait une garderie."


def test_transcript_row_without_the_text_cell_or_with_extra_cells_is_named():
    text = "text;speaker\nbonjour;A\njuste une ligne\nsalut;B;en trop\nfin;C\n"
    found: list[InputFileError] = []
    [doc] = parse_csv(text, path="t.csv", report=found.append)
    assert [(t.text, t.speaker) for t in doc.turns] == [("bonjour", "A"), ("juste une ligne", None), ("fin", "C")]
    assert [(e.code, e.line) for e in found] == [("RK-R17", 4)]
    found.clear()
    [doc] = parse_csv("speaker;start;text\nA;1;bonjour\nsans délimiteur\n", path="t.csv", report=found.append)
    assert [(e.code, e.line) for e in found] == [("RK-R17", 3)] and 'no "text" cell' in found[0].message


def test_transcript_quote_left_open_in_the_speaker_column_is_found():
    text = 'speaker;text\n"Marie;bonjour\nB;salut\nC";re\nD;fin\n'
    found: list[InputFileError] = []
    [doc] = parse_csv(text, path="t.csv", report=found.append)
    assert [(e.code, e.line) for e in found] == [("RK-R13", 2)]
    assert [t.speaker for t in doc.turns] == ["B", 'C"', "D"]


def test_transcript_text_cell_swallowing_rows_is_warned():
    text = 'speaker;text\nA;"bonjour\nB;salut\nC;re"\nD;fin\n'
    with pytest.warns(ResearchKitWarning, match="RK-R19.*line 2"):
        [doc] = parse_csv(text, path="t.csv")
    assert len(doc.turns) == 2  # read as written, and said
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_csv('speaker;text\nA;"deux\nlignes"\n', path="t.csv")  # an ordinary multi-line cell


# --------------------------------------------------------------------------- formulas out, values back


@pytest.mark.parametrize("value", PAYLOADS + LEADING)
def test_formula_cells_are_neutralised(value):
    out = neutralise(value)
    assert out == "'" + value and unneutralise(out) == value


def test_plain_cells_are_left_alone():
    for value in ["Bonjour", "2", "3,5", "'bonjour", "", "a=b", "#1"]:
        assert neutralise(value) == value and unneutralise(value) == value


@given(st.text())
def test_neutralise_is_undone_exactly_and_never_starts_a_formula(value):
    out = neutralise(value)
    assert unneutralise(out) == value
    assert out[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_write_csv_neutralises_text_only_and_is_atomic(tmp_path):
    path = tmp_path / "t.csv"
    frame = pd.DataFrame({"n": [-2, 3], "x": [-1.5, 2.0], "t": ["-2", "=1+1"], "s": pd.array(["@a", None], "string")})
    write_csv(frame, path)
    assert path.read_text(encoding="utf-8") == "n,x,t,s\n-2,-1.5,'-2,'@a\n3,2.0,'=1+1,\n"
    write_csv(frame, path, text_columns=["t"], delimiter=";", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfn;x;t;s\n-2;-1.5;'-2;@a\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def cells_of(path, delimiter=","):
    return [c for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=delimiter)
            for c in row]


def test_codings_round_trip_keeps_formula_texts_exact(tmp_path):
    values = [v for v in PAYLOADS if v.strip() == v]
    codings = pd.DataFrame({
        "doc_id": ["=doc"] * len(values), "start_char": range(len(values)), "end_char": range(1, len(values) + 1),
        "code": values, "coder": ["@ana"] * len(values), "memo": values,
        "coded_at": pd.to_datetime(["2025-03-01T10:00:00Z"] * len(values), utc=True)})
    path = write_codings(codings, tmp_path / "c.csv")
    cells = cells_of(path)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"http://evil\",\"clic\")" in cells and "''=déjà cité" in cells and "'@ana" in cells
    back = read_codings(path)
    assert back["code"].tolist() == values and back["memo"].tolist() == values
    assert set(back["doc_id"]) == {"=doc"} and set(back["coder"]) == {"@ana"}
    assert back["start_char"].tolist() == list(range(len(values)))


def test_codebook_csv_round_trip_keeps_formula_texts_exact(tmp_path):
    codebook = validate_codebook({"languages": ["fr"], "codes": [
        {"id": "a", "label": '=HYPERLINK("http://evil","clic")', "definition": "+cmd|' /C calc'!A0",
         "examples": {"fr": ["-2+3", "@SUM(1)"]}, "rules": {"fr": {"regex": [r"-?\d+"], "lemmas": ["-ci"]}}},
        {"id": "b", "parent": "a", "label": "@b", "when_to_use": "-", "definition": "'=déjà"}]})
    for delimiter in (",", ";"):
        path = write_codebook(codebook, tmp_path / "cb.csv", delimiter=delimiter)
        cells = cells_of(path, delimiter)
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert "'=HYPERLINK(\"http://evil\",\"clic\")" in cells and "'-?\\d+" in cells
        assert read_codebook(path) == codebook


def test_codebook_csv_unclosed_quote_and_huge_cell_are_k01_at_their_line(tmp_path):
    path = tmp_path / "cb.csv"
    path.write_text('code,label_fr\na,"Aaa\nb,Bbb\nc,' + "x" * (FIELD_LIMIT + 1) + "\nd,Ddd\n", encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        read_codebook(path)
    assert [(p.code, p.line) for p in err.value.problems] == [("RK-K01", 2), ("RK-K01", 4)]
    assert 'a quote " opened on line 2 is never closed' in str(err.value)


def test_documents_csv_of_the_summary_is_neutralised(tmp_path):
    docs = pd.DataFrame({"doc_id": ["a"], "title": ['=HYPERLINK("http://evil","clic")'], "site": ["-2"]})
    turns = pd.DataFrame({"doc_id": ["a"], "speaker": ["@A"], "text": ["bonjour"]})
    write_summary(build_corpus(docs, turns), tmp_path)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "documents.csv").read_text(encoding="utf-8"))))
    assert rows[0]["title"] == "'=HYPERLINK(\"http://evil\",\"clic\")" and rows[0]["site"] == "'-2"
    assert rows[0]["n_turns"] == "1"


def test_our_transcript_csv_reads_back_as_written():
    # a turn neutralised on the way out (as write_corpus should) reads back as it was said
    [doc] = parse_csv("speaker,text\n'@Marie,'=1+1 ça fait deux\n", path="t.csv")
    assert (doc.turns[0].speaker, doc.turns[0].text) == ("@Marie", "=1+1 ça fait deux")


def test_hostile_data_files_decode_as_the_readers_do():
    assert read(HOSTILE / "excel-mixed-delimiters.csv").startswith("Locuteur;")


def test_prose_with_commas_in_a_multi_line_cell_is_not_a_swallowed_row():
    # a second paragraph whose commas happen to make as many cells as the header is prose,
    # not a row: its "speaker" cell is a sentence (as a pseudonymised copy writes long turns)
    text = ('speaker,start_s,end_s,text\n'
            'Habitant·e 11,,,"Oui. On l\'a faite mardi.\n'
            'Alors moi je pense qu\'il faudrait refaire ça, pas une fois, mais régulièrement."\n'
            'B,12.0,,fin\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        [doc] = parse_csv(text, path="t.csv")
    assert len(doc.turns) == 2
    # a line that is a row (a short name, a time) still is
    with pytest.warns(ResearchKitWarning, match="RK-R19"):
        parse_csv('speaker,start_s,text\nA,1.0,"bonjour\nB,2.5,salut"\nC,3,fin\n', path="t.csv")
