"""WebVTT files as Zoom, Teams, Otter and live captioning write them."""

from pathlib import Path

import pytest

from research_kit._io import read_text
from research_kit.errors import InputFileError
from research_kit.readers import ParsedTurn
from research_kit.readers.vtt import parse_vtt

DATA = Path(__file__).parent.parent / "data" / "vtt"


def read(name):
    path = DATA / name
    text, _ = read_text(path)
    return parse_vtt(text, path=str(path))


def turns(name):
    (doc,) = read(name)
    return doc.turns


def error(name):
    with pytest.raises(InputFileError, match="RK-R2") as info:
        read(name)
    return info.value


def test_zoom_labels_and_merged_cues():
    assert turns("zoom.vtt") == [
        ParsedTurn("Marie-Ève Tremblay", "Bonjour tout le monde, on commence. Aujourd'hui, "
                   "on parle du jardin communautaire du quartier.", 1.0, 11.0),
        ParsedTurn("Jean Dupuis", "Merci, Marie-Ève.", 11.5, 14.0),
        ParsedTurn("Marie-Ève Tremblay", "Jean, tu veux commencer?", 14.0, 17.0),
    ]


def test_teams_voice_tags_guid_ids_notes_and_styles():
    assert turns("teams.vtt") == [
        ParsedTurn("Lucie Martin", "Bon, on va faire un tour de table. Qui veut commencer ?", 0.5, 6.2),
        ParsedTurn("Karim Benali", "Moi, je peux. Le projet avance bien.", 6.8, 9.0),
        ParsedTurn("Lucie Martin", "Super.", 9.1, 10.0),
    ]


def test_otter_header_lines_and_no_ids():
    assert turns("otter.vtt") == [
        ParsedTurn("Speaker 1", "Thanks everyone for joining the workshop. "
                   "Let's start with the survey results.", 0.0, 7.5),
        ParsedTurn("Priya Shah", "Sure. Forty people answered, which is more than last year.", 8.0, 12.0),
        ParsedTurn("Speaker 1", "Great.", 12.0, 13.5),
    ]


def test_live_captions_speaker_changes():
    assert turns("captions.vtt") == [
        ParsedTurn(None, "GOOD EVENING, EVERYONE. WELCOME TO THE COUNCIL MEETING OF MAY 14. "
                   "THE PARKS & RECREATION ITEM IS FIRST.", 1.0, 10.0),
        ParsedTurn(None, "MADAM CHAIR?", 7.5, 10.0),
        ParsedTurn(None, "YES.", 10.0, 12.0),
        ParsedTurn(None, "THANK YOU.", 10.0, 12.0),
        ParsedTurn("COUNCILLOR ROY", "I SUPPORT THE MOTION <AS AMENDED>.", 12.5, 15.0),
        # never merged across ">>", even with the same name
        ParsedTurn("COUNCILLOR ROY", "AND ONE MORE POINT.", 15.0, 16.0),
    ]


def test_no_speakers_gives_one_unnamed_turn():
    assert turns("nolabels.vtt") == [
        ParsedTurn(None, "On se retrouve au local de la rue Saint-Denis, juste après la pause.", 2.0, 10.0),
    ]


def test_tags_stripped_entities_unescaped_empty_cues_skipped():
    assert turns("tags.vtt") == [
        ParsedTurn("Nadia Roy", "On arrête tout! C'est trop bruyant.", 0.0, 6.0),
        ParsedTurn("Paul Martin", "Oui, on baisse\u00a0le son. OK, thanks.", 6.0, 10.0),
    ]


def test_one_document_without_variables():
    (doc,) = read("zoom.vtt")
    assert doc.variables == {} and doc.title is None and doc.suffix is None


def test_broken_timestamp():
    e = error("broken-timestamp.vtt")
    assert (e.code, e.line) == ("RK-R21", 8)
    assert '"00:12:3" is not HH:MM:SS.mmm' in str(e)
    assert str(e).endswith("Fix the cue or re-export the file.")
    assert e.path.endswith("broken-timestamp.vtt")


def test_no_header():
    e = error("no-header.vtt")
    assert (e.code, e.line) == ("RK-R20", 1)
    assert "WEBVTT" in e.hint


def test_end_before_start():
    e = error("end-before-start.vtt")
    assert (e.code, e.line) == ("RK-R22", 6)


def vtt_error(text):
    with pytest.raises(InputFileError, match="RK-R2") as info:
        parse_vtt(text, path="x.vtt")
    return info.value


@pytest.mark.parametrize("timing, message", [
    ("00:61:00.000 --> 00:62:00.000", "61 minutes"),
    ("00:00:75.000 --> 00:01:00.000", "75 seconds"),
    ("00:00:01.000 00:00:02.000", 'no "-->"'),
    ("00:00:01.000 -> 00:00:02.000", 'no "-->"'),
    ("00:00:01.000 -->", "no end time"),
    ("--> 00:00:02.000", "no start time"),
    ("00:00:01.000 --> 00:00:02.000align:start", '"00:00:02.000align:start"'),
    ("1 00:00:01.000 --> 00:00:02.000", '"1 00:00:01.000"'),
])
def test_broken_timing_lines(timing, message):
    e = vtt_error(f"WEBVTT\n\n1\n{timing}\nBonjour.\n")
    assert (e.code, e.line) == ("RK-R21", 4)
    assert message in e.message


def test_text_without_timing_line():
    e = vtt_error("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nBonjour\n\nla suite.\n")
    assert (e.code, e.line) == ("RK-R23", 6)


def test_no_cue_with_text():
    e = vtt_error("WEBVTT\nKind: captions\n\nNOTE rien\n")
    assert (e.code, e.line) == ("RK-R24", 4)


@pytest.mark.parametrize("text", ["", "\n\n", "webvttx\n", "1\n00:00:01,000 --> 00:00:02,000\nHi\n"])
def test_missing_header_names_first_line(text):
    e = vtt_error(text)
    assert (e.code, e.line) == ("RK-R20", 1)


def test_header_variants_short_timestamps_and_cue_under_header():
    text = "webvtt\n00:01.500 --> 01:02.250\nAna: Salut.\n00:01:02.250 --> 1:00:00.000\nAna: Ça va?\n"
    (doc,) = parse_vtt(text, path="x.vtt")
    assert doc.turns == [ParsedTurn("Ana", "Salut. Ça va?", 1.5, 3600.0)]


def test_cues_without_blank_lines_between_them():
    text = ("WEBVTT\n1\n00:00:01.000 --> 00:00:02.000\nAna: Un.\n2\n00:00:02.000 --> 00:00:03.000\n"
            "Bo: Deux.\n")
    (doc,) = parse_vtt(text, path="x.vtt")
    assert doc.turns == [ParsedTurn("Ana", "Un.", 1.0, 2.0), ParsedTurn("Bo", "Deux.", 2.0, 3.0)]


def test_style_sheet_with_blank_lines_and_region():
    text = ("WEBVTT\n\nREGION\nid:fill width:40%\n\nSTYLE\n::cue {\n  color: white;\n\n}\n\n"
            "00:00:01.000 --> 00:00:02.000 region:fill\n<v Ana>Bonjour.\n")
    (doc,) = parse_vtt(text, path="x.vtt")
    assert doc.turns == [ParsedTurn("Ana", "Bonjour.", 1.0, 2.0)]


def test_equal_start_and_end_is_accepted():
    (doc,) = parse_vtt("WEBVTT\n\n00:00:01.000 --> 00:00:01.000\nBip.\n", path="x.vtt")
    assert doc.turns == [ParsedTurn(None, "Bip.", 1.0, 1.0)]
