"""Speaker logic shared by the WebVTT and SubRip readers (``readers/_cues.py``)."""

import pytest

from research_kit.readers import ParsedTurn
from research_kit.readers.srt import parse_srt
from research_kit.readers.vtt import parse_vtt


def vtt(*cues):
    blocks = [f"00:00:{2 * i:02d}.000 --> 00:00:{2 * i + 2:02d}.000\n{cue}" for i, cue in enumerate(cues)]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


def srt(*cues):
    blocks = [f"{i + 1}\n00:00:{2 * i:02d},000 --> 00:00:{2 * i + 2:02d},000\n{cue}" for i, cue in enumerate(cues)]
    return "\n\n".join(blocks) + "\n"


@pytest.fixture(params=["vtt", "srt"])
def parse(request):
    """parse(*cues) -> turns, each cue i lasting from 2i to 2i + 2 seconds."""
    build, reader = (vtt, parse_vtt) if request.param == "vtt" else (srt, parse_srt)

    def parse(*cues):
        (doc,) = reader(build(*cues), path=f"x.{request.param}")
        return doc.turns

    return parse


def test_same_speaker_merged_other_speaker_splits(parse):
    assert parse("Ana: Un,", "Ana: deux,", "Bo: trois.", "Ana: Quatre.") == [
        ParsedTurn("Ana", "Un, deux,", 0.0, 4.0),
        ParsedTurn("Bo", "trois.", 4.0, 6.0),
        ParsedTurn("Ana", "Quatre.", 6.0, 8.0),
    ]


def test_unlabelled_cue_continues_the_turn(parse):
    assert parse("Ana: Un,", "deux,", "Bo: trois,", "quatre.") == [
        ParsedTurn("Ana", "Un, deux,", 0.0, 4.0),
        ParsedTurn("Bo", "trois, quatre.", 4.0, 8.0),
    ]


def test_text_before_the_first_label_is_unnamed(parse):
    assert parse("bonjour", "Ana: Salut.") == [
        ParsedTurn(None, "bonjour", 0.0, 2.0),
        ParsedTurn("Ana", "Salut.", 2.0, 4.0),
    ]


def test_multi_line_cue_joined_with_one_space(parse):
    assert parse("Ana:   Un,\n   deux\ttrois.") == [ParsedTurn("Ana", "Un, deux trois.", 0.0, 2.0)]


def test_two_labels_in_one_cue(parse):
    assert parse("- JEAN: Oui.\n- MARIE: Non.") == [
        ParsedTurn("JEAN", "Oui.", 0.0, 2.0),
        ParsedTurn("MARIE", "Non.", 0.0, 2.0),
    ]


def test_each_speaker_change_mark_opens_an_unnamed_turn(parse):
    assert parse(">> OUI.", "MERCI.", ">> BONSOIR. >> BONSOIR.", ">>> POINT 2.") == [
        ParsedTurn(None, "OUI. MERCI.", 0.0, 4.0),
        ParsedTurn(None, "BONSOIR.", 4.0, 6.0),
        ParsedTurn(None, "BONSOIR.", 4.0, 6.0),
        ParsedTurn(None, "POINT 2.", 6.0, 8.0),
    ]


def test_named_speaker_change_marks_never_merge(parse):
    assert parse(">> MAIRE: Bonsoir.", ">> MAIRE: Point un.", "Suite.", "MAIRE: Encore.") == [
        ParsedTurn("MAIRE", "Bonsoir.", 0.0, 2.0),
        ParsedTurn("MAIRE", "Point un. Suite. Encore.", 2.0, 8.0),
    ]


def test_mark_alone_then_name_on_next_line(parse):
    assert parse("Oui.", ">>", "CONSEILLÈRE GAGNON: Merci.") == [
        ParsedTurn(None, "Oui.", 0.0, 2.0),
        ParsedTurn("CONSEILLÈRE GAGNON", "Merci.", 2.0, 6.0),
    ]


def test_escaped_speaker_change_mark(parse):
    assert parse("OUI. &gt;&gt; NON.") == [ParsedTurn(None, "OUI.", 0.0, 2.0), ParsedTurn(None, "NON.", 0.0, 2.0)]


def test_tags_and_entities(parse):
    assert parse('<i>Ana:</i> <font color="red">R&amp;D</font> &lt;3 &#39;ok&#39; &lrm;fin{\\an8}') == [
        ParsedTurn("Ana", "R&D <3 'ok' fin", 0.0, 2.0),
    ]


def test_empty_cues_skipped(parse):
    assert parse("Ana: Un.", "<i> </i>", "&lrm;", "deux.") == [ParsedTurn("Ana", "Un. deux.", 0.0, 8.0)]


def test_voice_tags_with_classes_and_several_voices():
    text = vtt("<v.first.loud Ana Roy>Un</v> <v Bo>deux", "trois</v>", "<v Bo>quatre", "<v>cinq")
    (doc,) = parse_vtt(text, path="x.vtt")
    assert doc.turns == [
        ParsedTurn("Ana Roy", "Un", 0.0, 2.0),
        ParsedTurn("Bo", "deux trois quatre cinq", 0.0, 8.0),
    ]


def test_no_speaker_anywhere_is_one_turn(parse):
    assert parse("un", "deux", "trois") == [ParsedTurn(None, "un deux trois", 0.0, 6.0)]


def test_times_are_rounded_to_the_millisecond():
    (doc,) = parse_vtt("WEBVTT\n\n01:01:01.1 --> 01:01:01.123\nA.\n", path="x.vtt")
    assert (doc.turns[0].start_s, doc.turns[0].end_s) == (3661.1, 3661.123)
