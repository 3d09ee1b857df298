import pytest

from research_kit.errors import InputFileError
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


def test_bad_star_word():
    with pytest.raises(InputFileError, match="RK-R16") as err:
        parse_iramuteq("**** *a_b c\ntexte\n", path="s.txt")
    assert err.value.line == 1 and '"c"' in str(err.value)
