import re

import pandas as pd
import pytest

from research_kit.corpus import read_transcript
from research_kit.errors import InputFileError, ResearchKitWarning
from research_kit.readers.iramuteq import looks_like_iramuteq, parse_iramuteq
from tests.helpers import DATA, read


def test_star_lines_become_documents_with_variables():
    text = read(DATA / "iramuteq/corpus.txt")
    assert looks_like_iramuteq(text)
    docs = parse_iramuteq(text, path="corpus.txt")
    assert [d.suffix for d in docs] == ["001", "atelier1"]
    assert docs[0].variables == {"site": "montreal", "type": "cop", "date": "2025-01-22"}
    # the thematic line -*surcharge is structure, not text
    assert docs[0].turns[0].text == ("Bon, on parle de la fatigue de l'équipe. On a besoin de soutien.\n"
                                     "La surcharge revient souvent.")
    assert docs[1].turns[0].text == "Il faudrait une garderie pendant les ateliers, une fois."


def test_text_before_first_star_line():
    with pytest.raises(InputFileError, match="RK-R15") as err:
        parse_iramuteq(read(DATA / "iramuteq/before-stars.txt"), path="b.txt")
    assert err.value.line == 1


def test_a_stray_word_on_a_star_line_is_left_out_with_a_warning():
    # IRaMuTeQ splits the line at spaces: "*type_article scientifique" is type = "article"
    with pytest.warns(ResearchKitWarning, match="RK-R16") as caught:
        docs = parse_iramuteq("**** *a_b c\ntexte\n**** * *_x *d_e\nsuite\n", path="s.txt")
    assert [d.variables for d in docs] == [{"a": "b"}, {"d": "e"}]
    assert [d.turns[0].text for d in docs] == ["texte", "suite"]
    [warning] = [w for w in caught if "RK-R16" in str(w.message)]
    message = str(warning.message)
    assert message.startswith("[RK-R16] s.txt: 3 words on **** lines are not")
    assert '"c" (line 1), "*" (line 3), "*_x" (line 3)' in message


# mixed-endings.txt: a BOM, then CRLF and LF line ends mixed, as a file edited on two systems;
# line 6 is "**** *id_t02 *date-1970 *type_article", line 11 "**** *id_t03 *date_ *type_article
# scientifique *type_colloque" (counted by hand in the file, and again below from its bytes).
MIXED = DATA / "iramuteq/mixed-endings.txt"


def _line_of(data: bytes, needle: bytes) -> int:
    return data[:data.index(needle)].count(b"\n") + 1  # each CRLF or LF ends one line


def test_lines_named_in_warnings_are_the_files_whatever_the_line_ends():
    data = MIXED.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and re.search(rb"[^\r]\n", data)
    assert _line_of(data, b"scientifique") == 11 and _line_of(data, b"*date-1970") == 6
    with pytest.warns(ResearchKitWarning) as caught:
        corpus = read_transcript(MIXED)
    messages = {w.message.code: str(w.message) for w in caught if isinstance(w.message, ResearchKitWarning)}
    assert set(messages) == {"RK-R16", "RK-R66", "RK-R67"}
    assert '"scientifique" (line 11)' in messages["RK-R16"]
    assert "*date-1970 (line 6: " in messages["RK-R66"] and "*date_ (line 11: " in messages["RK-R66"]
    assert '"type" (line 11, kept "colloque")' in messages["RK-R67"]
    assert corpus.documents["doc_id"].tolist() == ["mixed-endings-t01", "mixed-endings-t02", "mixed-endings-t03"]


def test_a_lone_carriage_return_ends_a_line_too(tmp_path):
    # old Mac line ends, as IRaMuTeQ (Python's universal newlines), Notepad++ and VS Code count them
    path = tmp_path / "mac.txt"
    path.write_bytes("**** *a_b\rTexte un.\r\r**** *c_d mot\rTexte deux.\r".encode("utf-8"))
    with pytest.warns(ResearchKitWarning, match=r'"mot" \(line 4\)'):
        corpus = read_transcript(path)
    assert corpus.turns["text"].tolist() == ["Texte un.", "Texte deux."]


def test_variables_are_kept_as_iramuteq_gives_them():
    with pytest.warns(ResearchKitWarning):
        docs = parse_iramuteq(read(MIXED), path="mixed-endings.txt")
    assert [d.variables for d in docs] == [
        {"id": "t01", "date": "1969", "type": "article"},
        {"id": "t02", "date-1970": "1", "type": "article"},  # no "_": a variable of its own, as in IRaMuTeQ
        {"id": "t03", "date": "", "type": "colloque"},  # "*date_": an empty modality, not "1"
    ]
    assert docs[1].turns[0].text == ("Une sociologie de la littérature doit compter les lecteurs.\n"
                                     "Les enquêtes de terrain complètent les chiffres de vente.")


def test_a_year_an_empty_date_and_date_1970_do_not_stop_the_corpus():
    # A year is a date of its own precision: the document's date is its first day, so that texts
    # still sort and group by year (NaT would throw the only date the text has away).
    with pytest.warns(ResearchKitWarning):
        corpus = read_transcript(MIXED)
    docs = corpus.documents.set_index("doc_id")
    assert docs.loc["mixed-endings-t01", "date"] == pd.Timestamp("1969-01-01")
    assert pd.isna(docs.loc["mixed-endings-t02", "date"]) and pd.isna(docs.loc["mixed-endings-t03", "date"])
    assert docs.loc["mixed-endings-t02", "date-1970"] == "1"
    assert docs["type"].tolist() == ["article", "article", "colloque"]


def test_an_iramuteq_date_modality_that_is_not_a_date_is_kept_as_given(tmp_path):
    path = tmp_path / "periodes.txt"
    path.write_text("**** *id_a *date_1969\nUn.\n**** *id_b *date_1969-1970\nDeux.\n"
                    "**** *id_c *date_printemps\nTrois.\n**** *id_d *date_2025-01-22\nQuatre.\n", encoding="utf-8")
    docs = read_transcript(path).documents.set_index("doc_id")
    assert docs["date"].tolist()[0] == pd.Timestamp("1969-01-01")
    assert pd.isna(docs.loc["periodes-b", "date"]) and pd.isna(docs.loc["periodes-c", "date"])
    assert docs.loc["periodes-d", "date"] == pd.Timestamp("2025-01-22")
    assert docs["date_modality"].tolist()[:3] == ["1969", "1969-1970", "printemps"]
    assert pd.isna(docs.loc["periodes-d", "date_modality"])  # a full date needs nothing more
