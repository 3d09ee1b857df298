"""The position codec: programs' selection positions <-> offsets in the document text."""

import doctest
import itertools

import numpy as np
import pytest

from research_kit.qda import positions
from research_kit.qda.positions import CONVENTIONS, PositionError, export_positions, export_text, normalise_source

# A BOM, CRLF line ends, a blank line, an emoji (outside the BMP: 2 UTF-16 units, 1 code
# point) before the selection, spaces around a paragraph.
RAW = "\ufeffBonjour 👋 à tous.\r\nOn commence.\r\n\r\n   Moi, je suis épuisée.  \r\n"
OURS = "Bonjour 👋 à tous.\nOn commence.\n\nMoi, je suis épuisée."


def test_normalisation_removes_bom_crlf_and_paragraph_padding():
    src = normalise_source(RAW)
    assert src.text == OURS
    assert src.raw == RAW[1:]  # the stored text, without the BOM


@pytest.mark.parametrize(("convention", "start", "end"), [
    # "épuisée" is raw code points 51..58 after the BOM (3 CRLFs and 3 padding spaces before it)
    ("codepoints", 51, 58),
    ("utf16", 52, 59),             # + 1 for the emoji before it
    ("codepoints-crlf1", 48, 55),  # - 3: each CRLF counts one
    ("utf16-crlf1", 49, 56),
])
def test_every_convention_lands_on_the_same_word(convention, start, end):
    src = normalise_source(RAW)
    s, e = src.locate(start, end, convention)
    assert (s, e) == (45, 52)
    assert src.text[s:e] == "épuisée"


def test_a_selection_holding_the_emoji_keeps_it_whole():
    src = normalise_source(RAW)
    assert src.text[slice(*src.locate(8, 11, "utf16"))] == "👋 "
    assert src.text[slice(*src.locate(8, 10, "codepoints"))] == "👋 "


def test_a_position_inside_an_emoji_is_refused_not_moved():
    src = normalise_source(RAW)
    with pytest.raises(PositionError, match="inside a character"):
        src.locate(9, 12, "utf16")  # 9 is between the emoji's two UTF-16 units


def test_positions_beyond_the_end_reversed_or_empty_are_refused():
    src = normalise_source(RAW)
    with pytest.raises(PositionError, match="beyond the end"):
        src.locate(0, src.length("utf16") + 1, "utf16")
    with pytest.raises(PositionError, match="before start"):
        src.locate(10, 5, "codepoints")
    with pytest.raises(PositionError, match="empty"):
        src.locate(5, 5, "codepoints")
    with pytest.raises(PositionError, match="negative"):
        src.locate(-1, 5, "codepoints")


def test_lengths_per_convention():
    src = normalise_source(RAW)
    n = len(RAW) - 1  # without the BOM
    assert src.length("codepoints") == n
    assert src.length("utf16") == n + 1
    assert src.length("codepoints-crlf1") == n - 4  # four CRLFs


def test_selection_in_removed_white_space_shrinks_to_the_words():
    src = normalise_source(RAW)
    # from the three padding spaces before "Moi" to inside the two trailing spaces
    start = RAW[1:].index("   Moi")
    end = RAW[1:].index("  \r\n")
    s, e = src.locate(start, end + 2, "codepoints")  # ends inside the trailing spaces
    assert src.text[s:e] == "Moi, je suis épuisée."
    with pytest.raises(PositionError, match="white space"):
        src.locate(start, start + 3, "codepoints")  # only the padding


def test_a_selection_across_the_blank_line_keeps_the_separator():
    src = normalise_source(RAW)
    start = RAW[1:].index("commence")
    end = RAW[1:].index(", je")
    assert src.text[slice(*src.locate(start, end, "codepoints"))] == "commence.\n\nMoi"


def test_decomposed_accents_are_composed_and_offsets_follow():
    raw = "Cafe\u0301 noir, the\u0301 vert."  # e + combining acute, twice
    src = normalise_source(raw)
    assert src.text == "Café noir, thé vert."
    start = raw.index("vert")
    assert src.locate(start, start + 4, "codepoints") == (15, 19)
    assert src.text[15:19] == "vert"
    # a selection ending between "e" and its accent keeps the whole composed letter out
    assert src.text[slice(*src.locate(0, 3, "codepoints"))] == "Caf"


def test_hangul_jamo_compose_like_nfc():
    src = normalise_source("\u1100\u1161 x")
    assert src.text == "\uac00 x"
    assert src.locate(3, 4, "codepoints") == (2, 3)


def test_lone_cr_line_ends():
    src = normalise_source("un\rdeux\r\rtrois")
    assert src.text == "un\ndeux\n\ntrois"
    assert src.text[slice(*src.locate(9, 14, "codepoints"))] == "trois"


TEXTS = [
    "Bonjour 👋 à tous.\nOn commence 🙂.\n\nMoi, je suis épuisée 😩.",
    "a",
    "😩😩\n\n😩 x\ny",
    "Ligne une\nLigne deux\n\nTroisième paragraphe, « guillemets » et œ.",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize(("utf16", "crlf", "bom", "count_crlf_as_one"), [
    (False, False, False, False), (True, True, True, False), (False, True, True, True), (True, True, False, True),
    (True, False, False, False),
])
def test_export_then_locate_gives_every_offset_back(text, utf16, crlf, bom, count_crlf_as_one):
    written = ("\ufeff" if bom else "") + export_text(text, crlf=crlf)
    # positions as a program using this convention would count them on the written text
    units = export_positions(text, range(len(text) + 1), utf16=utf16, crlf=crlf and not count_crlf_as_one)
    convention = ("utf16" if utf16 else "codepoints") + ("-crlf1" if count_crlf_as_one else "")
    src = normalise_source(written)
    assert src.text == text
    assert src.length(convention) == units[-1]
    for s, e in itertools.combinations(range(len(text) + 1), 2):
        if text[s:e].strip() != text[s:e] or not text[s:e].strip():
            continue  # selections starting or ending in white space may shrink; tested above
        assert src.locate(int(units[s]), int(units[e]), convention) == (s, e)


def test_export_positions_counts_units():
    text = "a😩\nb"
    assert export_positions(text, [0, 1, 2, 3, 4], utf16=False, crlf=False).tolist() == [0, 1, 2, 3, 4]
    assert export_positions(text, [0, 1, 2, 3, 4], utf16=True, crlf=False).tolist() == [0, 1, 3, 4, 5]
    assert export_positions(text, [0, 1, 2, 3, 4], utf16=True, crlf=True).tolist() == [0, 1, 3, 5, 6]
    assert isinstance(export_positions(text, [0], utf16=False, crlf=False), np.ndarray)


def test_every_convention_is_known_and_unknown_ones_refused():
    assert CONVENTIONS == ("codepoints", "utf16", "codepoints-crlf1", "utf16-crlf1")
    with pytest.raises(ValueError, match="unknown position convention"):
        normalise_source("abc").locate(0, 1, "bytes")


def test_module_examples():
    result = doctest.testmod(positions)
    assert result.failed == 0 and result.attempted >= 3
