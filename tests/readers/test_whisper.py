"""Whisper-family JSON (openai-whisper, WhisperX, faster-whisper, whisper.cpp): timed segments as turns."""

import json
import os
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import research_kit
from research_kit.corpus import read_transcript
from research_kit.errors import InputFileError
from research_kit.readers import EVENT_KINDS, ParsedTurn
from research_kit.readers.whisper import parse_whisper
from tests.helpers import read as decoded

DATA = Path(__file__).parent.parent / "data" / "whisper"


def read(name):
    """The document of a data file, decoded as the corpus decodes it; a file as the tools write it warns nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (doc,) = parse_whisper(decoded(DATA / name), path=name)
    return doc


def one(data):
    """The document of a small JSON value (or JSON text)."""
    (doc,) = parse_whisper(data if isinstance(data, str) else json.dumps(data), path="x.json")
    return doc


def segments(*items, **top):
    """A WhisperX-like file: (start, end, text[, speaker]) segments."""
    out = []
    for start, end, text, *speaker in items:
        segment = {"start": start, "end": end, "text": text}
        if speaker:
            segment["speaker"] = speaker[0]
        out.append(segment)
    return {"segments": out, **top}


def events(doc):
    return [(e.kind, e.text, e.position, e.start_s, e.end_s, e.speaker) for e in doc.events]


def whisper_error(name, code):
    with pytest.raises(InputFileError, match=code) as info:
        parse_whisper(decoded(DATA / name), path=name)
    e = info.value
    assert e.path == name and e.hint
    return e


def error(data, code):
    with pytest.raises(InputFileError, match=code) as info:
        one(data)
    return info.value


# ---------------------------------------------------------------------------
# each tool's file


def test_openai_whisper():
    doc = read("openai.json")  # one line, "\u00e0" escapes, word timestamps
    # no speakers: the consecutive segments of "nobody" make one turn, first start to last end
    assert doc.turns == [ParsedTurn(None, "Bonjour à tous, merci d'être venus ce soir. On va commencer par le budget "
                                          "participatif. Alors, qui veut prendre la parole ?", 0.0, 12.4)]
    assert events(doc) == [
        ("background", "Musique", 1, 6.48, 9.0, None),  # a segment of its own: its times
        ("laughter", "rires", 1, None, None, None),  # inside a segment of words: no times of its own
    ]
    assert doc.variables == {"language": "fr"} and doc.speakers == {} and doc.layout == "whisper"


def test_whisperx_after_diarisation():
    doc = read("whisperx.json")
    assert doc.turns == [
        # two segments of SPEAKER_00; the unaligned word "2024." (no start or end) changes nothing
        ParsedTurn("SPEAKER_00", "Bonjour à tous, bienvenue à l'atelier. On commence par le bilan de 2024.",
                   0.031, 5.1),
        ParsedTurn("SPEAKER_01", "Merci. Moi, j'ai une question.", 5.402, 7.02),
        ParsedTurn(None, "D'accord.", 7.5, 8.1),  # no diarisation turn overlapped it: no "speaker"
        ParsedTurn("SPEAKER_00", "Oui, allez-y.", 8.321, 10.903),
    ]
    assert doc.speakers == {"SPEAKER_00": {}, "SPEAKER_01": {}}
    assert events(doc) == [("laughter", "rires", 4, None, None, "SPEAKER_00")]
    assert doc.variables == {"language": "fr"} and doc.layout == "whisperx"


def test_faster_whisper_dump():
    doc = read("faster_whisper.json")  # {"segments": [asdict(s) ...], "info": asdict(info)}
    assert doc.turns == [ParsedTurn(None, "Ce qu'on a retenu de la dernière séance, c'est qu'il faut plus de bancs "
                                          "dans le parc. Et pour la fontaine, on attend le devis.", 0.0, 14.2)]
    assert events(doc) == [("applause", "applaudissements", 1, 8.6, 11.02, None)]
    assert doc.variables == {"language": "fr"} and doc.layout == "faster-whisper"  # the language of "info"


def test_whisper_cpp():
    doc = read("whisper_cpp.json")  # whisper-cli -oj
    # the quotes whisper-cli escaped are the text's
    assert doc.turns == [ParsedTurn(None, "Bon, on va faire un tour de table rapide. Chacun dit son prénom et ce "
                                          "qu'il attend de l'atelier. Moi c'est Inès, j'habite la cité "
                                          '"les Tilleuls".', 0.0, 11.48)]
    assert events(doc) == [("pause", "BLANK_AUDIO", 1, 6.2, 9.0, None)]
    assert doc.variables == {"language": "fr"} and doc.layout == "whisper.cpp"


def test_whisper_cpp_stereo_diarisation():
    doc = read("whisper_cpp_diarize.json")  # whisper-cli -di: "0", "1", "?" when unsure
    assert doc.turns == [
        ParsedTurn("0", "Vous êtes arrivée dans le quartier quand ? Il y a combien de temps ?", 0.0, 4.42),
        ParsedTurn(None, "Euh...", 4.42, 5.2),
        ParsedTurn("1", "En 2015, juste après la naissance de ma fille. Et depuis, je ne suis plus partie.", 5.2,
                   12.04),
    ]
    assert doc.speakers == {"0": {}, "1": {}}
    assert doc.variables == {"language": "fr"}  # the detected language ("result"), not the asked one ("auto")


def test_file_is_never_written():
    path = DATA / "whisperx.json"
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    read("whisperx.json")
    read_transcript(path)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


# ---------------------------------------------------------------------------
# the variants, on small files


def test_consecutive_segments_of_one_speaker_make_one_turn():
    doc = one(segments((0.0, 1.5, " Bon.", "SPEAKER_01"), (1.5, 3.0, " On y va.", "SPEAKER_01"),
                       (3.2, 4.0, " Oui.", "SPEAKER_00"), (4.0, 5.5, " D'accord.", "SPEAKER_01"),
                       (5.5, 6.1, " Merci.", "SPEAKER_01")))
    assert doc.turns == [ParsedTurn("SPEAKER_01", "Bon. On y va.", 0.0, 3.0),
                         ParsedTurn("SPEAKER_00", "Oui.", 3.2, 4.0),
                         ParsedTurn("SPEAKER_01", "D'accord. Merci.", 4.0, 6.1)]


def test_a_turn_ends_at_its_latest_segment_end():
    doc = one(segments((0.0, 4.0, " Long.", "A"), (1.0, 2.0, " Court.", "A"), (2.5, None, " Sans fin.", "A")))
    assert doc.turns == [ParsedTurn("A", "Long. Court. Sans fin.", 0.0, 4.0)]


def test_tinydiarize_speaker_turns():
    # whisper-cli -tdrz: "speaker_turn_next": true on the segment before a change of speaker
    doc = one({"transcription": [
        {"offsets": {"from": 0, "to": 2500}, "text": " So we start with the budget.", "speaker_turn_next": True},
        {"offsets": {"from": 2500, "to": 4000}, "text": " Sounds good.", "speaker_turn_next": False},
        {"offsets": {"from": 4000, "to": 5100}, "text": " And the parks?", "speaker_turn_next": False},
    ]})
    assert doc.turns == [ParsedTurn(None, "So we start with the budget.", 0.0, 2.5),
                         ParsedTurn(None, "Sounds good. And the parks?", 2.5, 5.1)]
    # the turn mark printed in the text, as whisper-cli prints it
    doc = one(segments((0.0, 2.5, " So we start. [SPEAKER_TURN]"), (2.5, 4.0, " Sounds good.")))
    assert doc.turns == [ParsedTurn(None, "So we start.", 0.0, 2.5), ParsedTurn(None, "Sounds good.", 2.5, 4.0)]


def test_whisper_cpp_timestamps_without_offsets():
    doc = one({"result": {"language": "fr"}, "transcription": [
        {"timestamps": {"from": "00:01:02,500", "to": "01:00:03,040"}, "text": " Oui."}]})
    assert doc.turns == [ParsedTurn(None, "Oui.", 62.5, 3603.04)]


def test_faster_whisper_segments_as_a_list():
    # faster-whisper 0.x: [s._asdict() for s in segments]; its words stay lists of (start, end, word, probability)
    doc = one([{"id": 1, "seek": 0, "start": 0.0, "end": 2.0, "text": " Bonjour.", "tokens": [50365, 25489, 13],
                "temperature": 0.0, "avg_logprob": -0.31, "compression_ratio": 0.7, "no_speech_prob": 0.02,
                "words": [[0.0, 1.9, " Bonjour.", 0.93]]},
               {"id": 2, "seek": 200, "start": 2.0, "end": 3.4, "text": " Ça va ?",
                "tokens": [50365, 38690, 2773, 2506],
                "temperature": 0.0, "avg_logprob": -0.4, "compression_ratio": 0.6, "no_speech_prob": 0.05,
                "words": None}])
    assert doc.turns == [ParsedTurn(None, "Bonjour. Ça va ?", 0.0, 3.4)]
    assert doc.layout == "faster-whisper" and doc.variables == {}


def test_openai_api_responses():
    # response_format="json": the text only
    doc = one({"text": "Bonjour à tous.", "usage": {"type": "duration", "seconds": 3}})
    assert doc.turns == [ParsedTurn(None, "Bonjour à tous.", None, None)] and doc.layout == "text"
    # response_format="verbose_json": the language in English words
    doc = one({"task": "transcribe", "language": "french", "duration": 3.0, "text": "Oui.",
               "segments": [{"id": 0, "seek": 0, "start": 0.0, "end": 3.0, "text": " Oui.", "tokens": [50364, 7242],
                             "temperature": 0.0, "avg_logprob": -0.3, "compression_ratio": 0.5,
                             "no_speech_prob": 0.01}]})
    assert doc.turns == [ParsedTurn(None, "Oui.", 0.0, 3.0)] and doc.variables == {"language": "fr"}


def test_hosted_service_wrapping():
    # a prediction as a hosted API returns it: the transcript under "output", its text as "transcription"
    doc = one({"id": "x7pq", "status": "succeeded", "output": {
        "detected_language": "french", "transcription": " Bon. Allons-y.",
        "segments": [{"id": 0, "start": 0.0, "end": 1.0, "text": " Bon."},
                     {"id": 1, "start": 1.0, "end": 2.2, "text": " Allons-y."}]}})
    assert doc.turns == [ParsedTurn(None, "Bon. Allons-y.", 0.0, 2.2)] and doc.variables == {"language": "fr"}


def test_segment_times_from_its_words():
    doc = one({"segments": [{"text": " Vingt-deux mille euros.", "speaker": "SPEAKER_00",
                             "words": [{"word": "Vingt-deux"}, {"word": "mille", "start": 0.82, "end": 1.1},
                                       {"word": "euros.", "start": 1.15, "end": 1.6}, {"word": "(fin)"}]}]})
    assert doc.turns == [ParsedTurn("SPEAKER_00", "Vingt-deux mille euros.", 0.82, 1.6)]


@pytest.mark.parametrize("mark, kind, description", [
    ("[Rires]", "laughter", "Rires"), ("(rires)", "laughter", "rires"), ("*rit*", "laughter", "rit"),
    ("(Applaudissements)", "applause", "Applaudissements"), ("[Musique]", "background", "Musique"),
    ("♪", "background", "♪"), ("♪ la la la ♪", "background", "la la la"),
    ("[BLANK_AUDIO]", "pause", "BLANK_AUDIO"), ("[silence]", "pause", "silence"), ("(toux)", "vocal", "toux"),
    ("[bruit de porte]", "noise", "bruit de porte"), ("[inaudible]", "event", "inaudible"),
    ("(inaudible)", "event", "inaudible"), ("[Sous-titres]", "event", "Sous-titres"),
])
def test_sounds_are_events(mark, kind, description):
    doc = one(segments((0.0, 2.0, f" Oui {mark} voilà.", "SPEAKER_00")))
    assert doc.turns == [ParsedTurn("SPEAKER_00", "Oui voilà.", 0.0, 2.0)]
    assert events(doc) == [(kind, description, 1, None, None, "SPEAKER_00")]
    assert kind in EVENT_KINDS


def test_words_between_brackets_are_words():
    doc = one(segments((0.0, 2.0, " Je cite (page 12) : *vraiment* important.")))
    assert doc.turns[0].text == "Je cite (page 12) : *vraiment* important." and doc.events == []


def test_event_segment_between_two_speakers():
    doc = one(segments((0.0, 1.0, " Bonjour.", "SPEAKER_00"), (1.0, 3.0, " [Applaudissements]", "SPEAKER_01"),
                       (3.0, 4.0, " Merci.", "SPEAKER_01")))
    # read while SPEAKER_00's turn is open: in it (position 1), with the segment's times and speaker
    assert events(doc) == [("applause", "Applaudissements", 1, 1.0, 3.0, "SPEAKER_01")]
    assert [t.speaker for t in doc.turns] == ["SPEAKER_00", "SPEAKER_01"]


def test_languages_written_without_spaces():
    doc = one(segments((0.0, 1.0, "会議を"), (1.0, 2.0, "始めます。"), language="ja"))
    assert doc.turns[0].text == "会議を始めます。"


@pytest.mark.parametrize("language, expected", [
    ("fr", "fr"), ("French", "fr"), ("french", "fr"), ("fr-CA", "fr"), ("pt_BR", "pt"), ("jw", "jv"), ("auto", None),
    ("", None), (None, None), ("yue", None),
])
def test_language(language, expected):
    doc = one(segments((0.0, 1.0, " Oui."), language=language))
    assert doc.variables.get("language") == expected


# ---------------------------------------------------------------------------
# malformed files


def test_file_cut_short():
    e = whisper_error("bad_truncated.json", "RK-R63")
    assert e.line == 36 and "Unterminated string" in e.message and "cut short" in e.hint


def test_json_lines():
    e = whisper_error("bad_jsonl.json", "RK-R63")
    assert e.line == 2 and "Extra data" in e.message and "JSON Lines" in e.hint


def test_json_that_is_not_a_transcript():
    e = whisper_error("bad_not_whisper.json", "RK-R64")
    assert '"titre", "date", "lieu", "participants"' in e.message
    assert "exclude:" in e.hint


@pytest.mark.parametrize("data, found", [
    ([{"nom": "Hélène", "role": "animatrice"}], 'a list of 1 item, not of Whisper segments (objects with a "text" '
                                                'and times); its first item is an object with the keys "nom", "role"'),
    (["Bonjour.", "Merci."], "its first item is a text"),
    ({"segments": {"0": {"text": " a"}}}, 'its "segments" is an object, not a list'),
    (42, "this JSON is a number, not a Whisper transcript"),
])
def test_other_json_values(data, found):
    assert found in error(data, "RK-R64").message


def test_segments_dumped_without_their_names():
    e = error([[1, 0, 0.0, 2.0, " Bonjour.", [50365], 0.0, -0.3, 0.7, 0.02, None]], "RK-R64")
    assert "of lists" in e.message and "_asdict()" in e.hint


def test_segment_that_ends_before_it_starts():
    e = whisper_error("bad_end_before_start.json", "RK-R65")
    assert "segments[2]" in e.message and "(6.48 s) before it starts (9 s)" in e.message


@pytest.mark.parametrize("segment, found", [
    ({"start": "0:03", "end": 4.0, "text": " Oui."}, 'segment segments[1]: its start "0:03" is not a number'),
    ({"start": 1.0, "end": [4.0], "text": " Oui."}, "segment segments[1]: its end [4.0] is not a number"),
    ({"start": 1.0, "end": 4.0}, 'segment segments[1] has no "text"'),
    ({"start": 1.0, "end": 4.0, "text": None}, 'segment segments[1] has no "text" (its text is null)'),
    ("Oui.", "segment segments[1] is a text, not an object"),
])
def test_malformed_segment(segment, found):
    data = {"segments": [{"start": 0.0, "end": 1.0, "text": " Bon."}, segment]}
    assert found in error(data, "RK-R65").message


def test_whisper_cpp_timestamp_that_is_not_one():
    e = error({"transcription": [{"timestamps": {"from": "00:00:3,2", "to": "00:00:04,000"}, "text": " Oui."}]},
              "RK-R65")
    assert 'segment transcription[0]: its timestamp "00:00:3,2" is not HH:MM:SS,mmm' in e.message


# ---------------------------------------------------------------------------
# through the corpus builder


def test_file_through_the_corpus_builder():
    corpus = read_transcript(DATA / "whisperx.json")
    turns = corpus.turns
    assert turns["speaker"].tolist() == ["SPEAKER_00", "SPEAKER_01", "?", "SPEAKER_00"]
    assert turns["start_s"].tolist() == [0.031, 5.402, 7.5, 8.321]
    assert turns["end_s"].tolist() == [5.1, 7.02, 8.1, 10.903]
    assert turns["text"].tolist()[1] == "Merci. Moi, j'ai une question."
    assert corpus.speakers["speaker"].tolist() == ["SPEAKER_00", "SPEAKER_01"]
    assert corpus.events[["kind", "text", "turn", "speaker"]].values.tolist() == [["laughter", "rires", 3,
                                                                                    "SPEAKER_00"]]
    documents = corpus.documents
    assert documents[["doc_id", "format", "layout", "language"]].values.tolist() == [
        ["whisperx", "whisper", "whisperx", "fr"]]
    assert documents["duration_s"].iloc[0] == pytest.approx(10.903 - 0.031)
    assert corpus.gold_tokens is None


@pytest.mark.parametrize("name, code, line", [
    ("bad_not_whisper.json", "RK-R64", None), ("bad_truncated.json", "RK-R63", 36),
    ("bad_end_before_start.json", "RK-R65", None),
])
def test_malformed_file_is_a_problem_row_when_collecting(name, code, line):
    corpus = read_transcript(DATA / name, errors="collect")
    problems = corpus.problems
    assert problems["code"].tolist() == [code] and problems["path"].tolist() == [name]
    assert [None if pd.isna(n) else n for n in problems["line"]] == [line]  # the line of JSON's own errors only
    assert corpus.turns.empty


def test_speakers_named_in_the_manifest(tmp_path):
    shutil.copy(DATA / "openai.json", tmp_path / "atelier.json")
    shutil.copy(DATA / "whisperx.json", tmp_path / "suite.json")
    (tmp_path / "corpus.yml").write_text("roles:\n  SPEAKER_00: animatrice\ndocuments:\n  atelier.json:\n"
                                         "    speaker: Hélène\n", encoding="utf-8")
    turns = research_kit.read_corpus(tmp_path).turns
    # the speaker of a file without diarisation; a role for a diarisation label
    assert turns[["doc_id", "speaker"]].values.tolist() == [["atelier", "Hélène"], ["suite", "SPEAKER_00"],
                                                            ["suite", "SPEAKER_01"], ["suite", "?"],
                                                            ["suite", "SPEAKER_00"]]
    assert turns["role"].fillna("-").tolist() == ["-", "animatrice", "-", "-", "animatrice"]


def test_other_json_of_a_corpus_folder(tmp_path):
    shutil.copy(DATA / "whisperx.json", tmp_path / "atelier.json")
    shutil.copy(DATA / "bad_not_whisper.json", tmp_path / "metadata.json")
    corpus = research_kit.read_corpus(tmp_path, errors="collect")
    assert corpus.documents["doc_id"].tolist() == ["atelier"]
    assert corpus.problems[["path", "code"]].values.tolist() == [["metadata.json", "RK-R64"]]
    with pytest.raises(InputFileError, match=r"RK-R64.*metadata\.json"):
        research_kit.read_corpus(tmp_path)
    # as the message says: list it under exclude:
    (tmp_path / "corpus.yml").write_text("exclude: [metadata.json]\n", encoding="utf-8")
    corpus = research_kit.read_corpus(tmp_path)
    assert corpus.documents["doc_id"].tolist() == ["atelier"] and corpus.problems.empty
