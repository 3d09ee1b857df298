"""SubRip subtitle files."""

from pathlib import Path

import pytest

from research_kit._io import read_text
from research_kit.errors import InputFileError
from research_kit.readers import ParsedTurn
from research_kit.readers.srt import parse_srt

DATA = Path(__file__).parent.parent / "data" / "srt"


def read(name):
    path = DATA / name
    text, _ = read_text(path)
    return parse_srt(text, path=str(path))


def srt_error(text):
    with pytest.raises(InputFileError, match="RK-R2") as info:
        parse_srt(text, path="x.srt")
    return info.value


def test_basic():
    (doc,) = read("basic.srt")
    assert doc.turns == [
        ParsedTurn("Sophie Lambert", "Bonjour à toutes et à tous. On commence par le bilan de l'année.",
                   1.0, 6.0),
        ParsedTurn("Thomas Peeters", "Merci & bienvenue. Ça fait plaisir d'être ici.", 6.5, 11.0),
        ParsedTurn(None, "Oui.", 11.2, 13.0),
    ]


def test_block_without_timing_line():
    with pytest.raises(InputFileError, match="RK-R23") as info:
        read("broken.srt")
    e = info.value
    assert e.line == 6  # the line after the cue number "2"
    assert '"Pas de minutage ici."' in e.message
    assert e.path.endswith("broken.srt")
    assert e.hint


@pytest.mark.parametrize("timing, message", [
    ("00:00:0x,000 --> 00:00:02,000", '"00:00:0x,000" is not HH:MM:SS,mmm'),
    ("00:00:01,000 00:00:02,000", 'no "-->"'),
    ("00:60:01,000 --> 01:00:02,000", "60 minutes"),
])
def test_broken_timestamp(timing, message):
    e = srt_error(f"1\n00:00:00,000 --> 00:00:01,000\nUn.\n\n2\n{timing}\nDeux.\n")
    assert (e.code, e.line) == ("RK-R21", 6)
    assert message in e.message


def test_end_before_start():
    e = srt_error("1\n00:00:03,000 --> 00:00:01,000\nUn.\n")
    assert (e.code, e.line) == ("RK-R22", 2)


def test_number_without_anything_else():
    e = srt_error("1\n00:00:00,000 --> 00:00:01,000\nUn.\n\n2\n")
    assert (e.code, e.line) == ("RK-R23", 5)


def test_webvtt_file_given_as_srt():
    e = srt_error("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nBonjour.\n")
    assert (e.code, e.line) == ("RK-R23", 1)
    assert ".vtt" in e.hint


@pytest.mark.parametrize("text", ["", "\n", "1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n"])
def test_no_cue_with_text(text):
    assert srt_error(text).code == "RK-R24"


def test_missing_numbers_and_missing_blank_lines():
    text = ("00:00:01,000 --> 00:00:02,000\nJEAN: Oui.\n2\n00:00:02,000 --> 00:00:03,000\n"
            "MARIE: Non.\n")
    (doc,) = parse_srt(text, path="x.srt")
    assert doc.turns == [ParsedTurn("JEAN", "Oui.", 1.0, 2.0), ParsedTurn("MARIE", "Non.", 2.0, 3.0)]


def test_text_that_only_looks_like_an_arrow_stays_text():
    (doc,) = parse_srt("1\n00:00:01,000 --> 00:00:02,000\nA --> B\n", path="x.srt")
    assert doc.turns == [ParsedTurn(None, "A --> B", 1.0, 2.0)]
