"""Transcriber (``.trs``) transcripts: Latin-1 files as Transcriber saves them, and converted ones."""

import os
import warnings
from pathlib import Path

import pytest

from research_kit.corpus import read_transcript
from research_kit.errors import InputFileError, ResearchKitWarning
from research_kit.readers import EVENT_KINDS, ParsedTurn
from research_kit.readers.trs import parse_trs

DATA = Path(__file__).parent.parent / "data" / "trs"
HEAD = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE Trans SYSTEM "trans-14.dtd">\n'
SPEAKERS = (b'<Speakers>\n<Speaker id="spk1" name="Ana" check="no" type="female" dialect="native" accent="" '
            b'scope="local"/>\n<Speaker id="spk2" name="Bruno" check="no" type="male" dialect="native" accent="" '
            b'scope="local"/>\n</Speakers>\n')


def read(name):
    path = DATA / name
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a file as Transcriber writes it warns nothing
        (doc,) = parse_trs(path, path=name)
    return doc


def one(turns: bytes, section: bytes = b'type="report"', trans: bytes = b"<Trans>"):
    """The document of a small Latin-1 file holding ``turns`` in one section."""
    xml = (HEAD + trans + SPEAKERS + b"<Episode>\n<Section " + section + b' startTime="0" endTime="60">\n'
           + turns + b"</Section>\n</Episode>\n</Trans>\n")
    (doc,) = parse_trs(xml, path="x.trs")
    return doc


def trs_error(name, code):
    with pytest.raises(InputFileError, match=code) as info:
        parse_trs(DATA / name, path=name)
    e = info.value
    assert e.path == name and e.hint
    return e


def events(doc):
    return [(e.kind, e.text, e.position, e.start_s, e.end_s, e.speaker) for e in doc.events]


# ---------------------------------------------------------------------------
# a meeting as Transcriber 1.5 saves it (ISO-8859-1 bytes)


def test_meeting_turns():
    doc = read("reunion.trs")
    assert doc.turns == [
        ParsedTurn("Hélène Côté", "bonjour à tous et bienvenue on est réunis pour parler du budget participatif "
                   "de l'arrondissement", 4.25, 12.8),
        # the words of a language annotation stay in the text
        ParsedTurn("Karim Benali", "merci Hélène euh je voulais ajouter que by the way c'est ouvert à tous",
                   12.8, 17.3),
        # speaker="spk1 spk3": overlapping speech, one turn per speaker with the Turn's times
        ParsedTurn("Hélène Côté", "oui exactement vas-y", 17.3, 19.05),
        ParsedTurn("spk3", "moi aussi j'ai une question pour plus tard", 17.3, 19.05),
        # the applause turn has no words: no turn
        ParsedTurn("spk4", "est-ce que les enfants peuvent voter ? même à dix ans", 20.1, 24.0),
        ParsedTurn("Léo", "moi j'ai dix ans pis je veux voter", 24.0, 26.5),
        ParsedTurn(None, "oui oui", 26.5, 27.2),  # a Turn without speaker
        ParsedTurn("Hélène Côté", "bon on passe au point suivant", 27.2, 31.7),
    ]


def test_meeting_speakers():
    doc = read("reunion.trs")
    # two speakers named "Participante" are told apart by their ids
    assert doc.speakers == {
        "Hélène Côté": {"name": "Hélène Côté", "speaker_id": "spk1", "gender": "female", "dialect": "native",
                        "accent": "québécois", "scope": "local"},
        "Karim Benali": {"name": "Karim Benali", "speaker_id": "spk2", "gender": "male", "dialect": "nonnative",
                         "scope": "local"},
        "spk3": {"name": "Participante", "speaker_id": "spk3", "gender": "female", "dialect": "native",
                 "scope": "local"},
        "spk4": {"name": "Participante", "speaker_id": "spk4", "dialect": "native", "scope": "local"},
        "Léo": {"name": "Léo", "speaker_id": "spk5", "age": "child", "dialect": "native", "scope": "global"},
    }


def test_meeting_events():
    doc = read("reunion.trs")
    assert events(doc) == [
        # in the nontrans section, until the background's level="off" at 4.25
        ("background", "music", 0, 0.5, 4.25, None),
        ("laughter", "rire", 1, 4.25, None, "Hélène Côté"),
        ("noise", "b", 2, 12.8, None, None),
        ("comment", "bruit de chaise", 2, 12.8, None, None),
        # begin ... end in spk3's part of the overlap: spk3's turn (index 3), to the end of the turn
        ("laughter", "rire", 4, 17.3, 19.05, "spk3"),
        ("applause", "applaudissements", 4, 19.05, None, None),
        ("noise", "i", 5, 22.4, None, None),
        # begins in the segment at 27.2, ends in the one from 30.1 to the Sync at 31.2
        ("laughter", "rire", 8, 27.2, 31.2, "Hélène Côté"),
        ("comment", "fin de l'enregistrement", 8, 30.1, None, None),
    ]
    assert all(e.kind in EVENT_KINDS for e in doc.events)
    assert [e.line for e in doc.events][:3] == [20, 28, 39]


def test_meeting_variables():
    doc = read("reunion.trs")
    # to3 is declared but no section is about it
    # the transcriber's name (scribe) and the recording's file name are not variables: they
    # would reach briefs and pseudonymised copies
    assert doc.variables == {"language": "fr", "topic": "accueil; budget participatif"}
    assert doc.title is None


# ---------------------------------------------------------------------------
# a UTF-8 file from a converter: BOM, CRLF, ISO 639-2 language, missing attributes


def test_utf8_export():
    doc = read("export_utf8.trs")
    assert doc.turns == [
        ParsedTurn("Marie-Ève Tremblay", "Alors, on commence… Parlez-moi de votre cœur de métier. Vous êtes là "
                   "depuis « longtemps » ? R&D, c'est ça ?", 0.0, 6.125),
        # an empty name: the id; the no-break space is kept, other runs of spaces are one
        ParsedTurn("spk2", "ben\u00a0oui, depuis 2009 \U0001F642 c'est <vraiment> long voilà", 6.125, 15.25),
    ]
    assert doc.speakers == {"Marie-Ève Tremblay": {"name": "Marie-Ève Tremblay", "speaker_id": "spk1",
                                                   "gender": "female"},
                            "spk2": {"speaker_id": "spk2", "gender": "male"}}
    assert events(doc) == [
        ("vocal", "toux", 2, 6.125, None, "spk2"),
        ("laughter", "Laughs", 2, 6.125, None, "spk2"),  # no type: noise, the DTD's default
        ("comment", "long silence", 2, 11.0, None, None),
        # an end without its beginning: ends with its segment, start unknown
        ("noise", "porte", 2, None, 15.25, None),
    ]
    assert doc.variables == {"language": "fr", "date": "2024-04-30"}


def test_latin1_declaration_over_utf8_bytes_is_read_as_utf8():
    with pytest.warns(ResearchKitWarning, match="RK-R08"):
        (doc,) = parse_trs(DATA / "utf8_declared_latin1.trs", path="utf8_declared_latin1.trs")
    assert doc.turns[0].text == "la réunion est ouverte"


def test_windows_1252_characters_behind_a_latin1_declaration():
    doc = read("windows1252.trs")
    assert doc.turns[0].text == "l’œuvre est lancée…"


def test_utf8_declaration_over_latin1_bytes_is_read_by_detection():
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<Trans>' + SPEAKERS.decode() + '<Episode><Section type="report" '
           'startTime="0" endTime="3"><Turn speaker="spk1" startTime="0" endTime="3"><Sync time="0"/>'
           "une idée très générale</Turn></Section></Episode></Trans>")
    with pytest.warns(ResearchKitWarning, match="RK-R08"):
        (doc,) = parse_trs(xml.encode("iso-8859-1"), path="x.trs")
    assert doc.turns[0].text == "une idée très générale"


def test_file_is_never_written():
    path = DATA / "reunion.trs"
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    parse_trs(path, path="reunion.trs")
    parse_trs(str(path), path="reunion.trs")  # a str path too
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


# ---------------------------------------------------------------------------
# the details, on small files


def test_nontrans_section_is_not_speech():
    doc = one(b'<Turn speaker="spk1" startTime="0" endTime="5"><Sync time="0"/>musique d\'attente'
              b'<Event desc="b" type="noise" extent="instantaneous"/></Turn>', section=b'type="nontrans"')
    assert doc.turns == []
    assert events(doc) == [("noise", "b", 0, 0.0, None, None), ("comment", "musique d'attente", 0, 0.0, 5.0, None)]


def test_filler_section_is_speech():
    doc = one(b'<Turn speaker="spk2" startTime="1" endTime="2"><Sync time="1"/>bon</Turn>', section=b'type="filler"')
    assert doc.turns == [ParsedTurn("Bruno", "bon", 1.0, 2.0)]


def test_overlap_speaker_without_words_places_events_before_the_other():
    doc = one(b'<Turn speaker="spk2" startTime="0" endTime="1"><Sync time="0"/>oui</Turn>\n'
              b'<Turn speaker="spk1 spk2" startTime="1" endTime="3"><Sync time="1"/><Who nb="1"/>'
              b'<Event desc="rires" type="noise" extent="instantaneous"/><Who nb="2"/>non non</Turn>')
    assert doc.turns == [ParsedTurn("Bruno", "oui", 0.0, 1.0), ParsedTurn("Bruno", "non non", 1.0, 3.0)]
    # Ana laughs and says nothing: her laughter comes after the first turn, before Bruno's second
    assert events(doc) == [("laughter", "rires", 1, 1.0, None, "Ana")]


def test_laughter_over_several_turns():
    doc = one(b'<Turn speaker="spk1" startTime="0" endTime="2"><Sync time="0"/>alors'
              b'<Event desc="rire" type="noise" extent="begin"/></Turn>\n'
              b'<Turn speaker="spk2" startTime="2" endTime="4"><Sync time="2"/>voil\xe0<Sync time="3"/>'
              b'<Event desc="rire" type="noise" extent="end"/>fini</Turn>')
    assert events(doc) == [("laughter", "rire", 1, 0.0, 4.0, "Ana")]
    assert doc.turns[1].text == "voilà fini"


@pytest.mark.parametrize("attrs, kind", [
    (b'desc="applaudissements" type="noise"', "applause"),
    (b'desc="Applause"', "applause"),
    (b'desc="rire" type="noise" extent="previous"', "laughter"),
    (b'desc="respiration" type="noise" extent="next"', "noise"),
    (b'desc="inaudible" type="comment"', "comment"),
    (b'desc="x" type="other"', "event"),
])
def test_event_kinds(attrs, kind):
    doc = one(b'<Turn speaker="spk1" startTime="0" endTime="2"><Sync time="0"/>oui<Event ' + attrs + b'/></Turn>')
    assert [e.kind for e in doc.events] == [kind]


@pytest.mark.parametrize("kind", [b"lexical", b"pronounce", b"language", b"entities"])
def test_word_annotations_are_neither_text_nor_events(kind):
    doc = one(b'<Turn speaker="spk1" startTime="0" endTime="2"><Sync time="0"/>le <Event desc="pers" type="'
              + kind + b'" extent="begin"/>Plateau<Event desc="pers" type="' + kind + b'" extent="end"/> bouge</Turn>')
    assert doc.turns[0].text == "le Plateau bouge" and doc.events == []


def test_background_until_the_next_one():
    doc = one(b'<Turn speaker="spk1" startTime="0" endTime="9"><Sync time="0"/>oui'
              b'<Background time="2" type="speech" level="low"/>non<Background time="5" type="music" level="high"/>'
              b"</Turn>")
    assert events(doc) == [("background", "speech", 1, 2.0, 5.0, None), ("background", "music", 1, 5.0, None, None)]


def test_unknown_element_keeps_its_words_and_xml_comments_do_not():
    doc = one(b'<Turn speaker="spk1" startTime="0" endTime="2"><Sync time="0"/>on <i>vraiment</i> '
              b"<!-- note du codeur -->essaie</Turn>")
    assert doc.turns[0].text == "on vraiment essaie"


def test_speaker_name_equal_to_another_id():
    xml = (HEAD + b'<Trans><Speakers><Speaker id="spk1" name="spk2"/><Speaker id="spk2" name=""/></Speakers>'
           b'<Episode><Section type="report" startTime="0" endTime="2"><Turn speaker="spk1" startTime="0" '
           b'endTime="1">a</Turn><Turn speaker="spk2" startTime="1" endTime="2">b</Turn></Section></Episode>'
           b"</Trans>")
    (doc,) = parse_trs(xml, path="x.trs")
    assert [t.speaker for t in doc.turns] == ["spk1", "spk2"]
    assert doc.speakers["spk1"]["name"] == "spk2"


@pytest.mark.parametrize("lang, expected", [
    (b"fr", "fr"), (b"fra", "fr"), (b"fre", "fr"), (b"eng", "en"), (b"en-CA", "en"), (b"fr_BE", "fr"),
    (b"nld", "nl"), (b"xyz", None), (b"", None),
])
def test_language(lang, expected):
    doc = one(b"", trans=b'<Trans xml:lang="' + lang + b'">')
    assert doc.variables.get("language") == expected


@pytest.mark.parametrize("air_date, expected", [(b"2024-04-30", "2024-04-30"), (b"2024-04-30T10:00", "2024-04-30"),
                                                (b"980428:0700", None), (b"", None)])
def test_air_date(air_date, expected):
    xml = (HEAD + b"<Trans>" + SPEAKERS + b'<Episode air_date="' + air_date + b'"></Episode></Trans>')
    (doc,) = parse_trs(xml, path="x.trs")
    assert doc.variables.get("date") == expected and doc.turns == []


def test_topics_declared_but_never_named():
    xml = (HEAD + b'<Trans><Topics><Topic id="to1" desc="bilan"/><Topic id="to2" desc="suite"/></Topics>' + SPEAKERS
           + b'<Episode><Section type="report" startTime="0" endTime="1"/></Episode></Trans>')
    (doc,) = parse_trs(xml, path="x.trs")
    assert doc.variables["topic"] == "bilan; suite"


def test_comma_decimal_times():
    doc = one(b'<Turn speaker="spk1" startTime="0,5" endTime="2,25"><Sync time="0,5"/>oui</Turn>')
    assert (doc.turns[0].start_s, doc.turns[0].end_s) == (0.5, 2.25)


# ---------------------------------------------------------------------------
# malformed files


def test_undeclared_speaker():
    e = trs_error("bad_undeclared_speaker.trs", "RK-R44")
    assert e.line == 14
    assert '"spk3"' in e.message and "spk1, spk2" in e.message
    assert 'id="spk3"' in e.hint


def test_missing_end_time():
    e = trs_error("bad_missing_time.trs", "RK-R45")
    assert e.line == 14 and "endTime" in e.message


def test_end_before_start():
    e = trs_error("bad_end_before_start.trs", "RK-R46")
    assert e.line == 10 and "4.2" in e.message and "6.5" in e.message


def test_who_naming_nobody():
    e = trs_error("bad_who.trs", "RK-R47")
    assert e.line == 14 and 'nb="3"' in e.message


def test_no_episode():
    e = trs_error("bad_no_episode.trs", "RK-R47")
    assert "<Episode>" in e.message


def test_broken_xml():
    e = trs_error("bad_broken.trs", "RK-R35")
    assert e.line == 12


def test_not_a_transcriber_file():
    e = trs_error("bad_not_trans.trs", "RK-R37")
    assert "<AGSet>" in e.message


def test_time_that_is_not_a_number():
    with pytest.raises(InputFileError, match="RK-R35") as info:
        one(b'<Turn speaker="spk1" startTime="0" endTime="2"><Sync time="1.2.3"/>oui</Turn>')
    assert '"1.2.3"' in info.value.message and info.value.line == 9  # the Sync's line


def test_entities_are_refused():
    xml = (b'<?xml version="1.0"?>\n<!DOCTYPE Trans [<!ENTITY a "aaaa">]>\n<Trans>&a;</Trans>')
    with pytest.raises(InputFileError, match="RK-R36"):
        parse_trs(xml, path="x.trs")


# ---------------------------------------------------------------------------
# through the corpus builder


def test_file_through_the_corpus_builder():
    path = DATA / "reunion.trs"
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    corpus = read_transcript(path)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
    turns = corpus.turns
    assert turns["speaker"].tolist() == ["Hélène Côté", "Karim Benali", "Hélène Côté", "spk3", "spk4", "Léo", "?",
                                         "Hélène Côté"]
    assert turns["start_s"].tolist() == [4.25, 12.8, 17.3, 17.3, 20.1, 24.0, 26.5, 27.2]
    assert turns["end_s"].tolist() == [12.8, 17.3, 19.05, 19.05, 24.0, 26.5, 27.2, 31.7]
    assert turns["gender"].tolist()[:4] == ["female", "male", "female", "female"]
    speakers = corpus.speakers.set_index("speaker")
    assert speakers.loc["spk4", "name"] == "Participante" and speakers.loc["Léo", "age"] == "child"
    events = corpus.events
    assert events["kind"].tolist() == ["background", "laughter", "noise", "comment", "laughter", "applause",
                                       "noise", "laughter", "comment"]
    # position 0 is before the first turn; position p is in or after turn p - 1
    assert events["turn"].isna().tolist()[0] and events["turn"].tolist()[1:] == [0, 1, 1, 3, 3, 4, 7, 7]
    documents = corpus.documents
    assert documents["format"].tolist() == ["trs"] and documents["language"].tolist() == ["fr"]
    assert documents["duration_s"].iloc[0] == pytest.approx(31.7 - 4.25)
    assert "audio_filename" not in documents.columns and "scribe" not in documents.columns


def test_malformed_file_is_a_problem_row_when_collecting():
    corpus = read_transcript(DATA / "bad_undeclared_speaker.trs", errors="collect")
    problems = corpus.problems
    assert problems["code"].tolist() == ["RK-R44"]
    assert problems["line"].tolist() == [14] and problems["path"].tolist() == ["bad_undeclared_speaker.trs"]
    assert corpus.turns.empty
