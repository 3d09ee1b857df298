"""TEI XML transcripts: ParlaMint sessions, spoken-language TEI (timelines, ISO 24624), plays."""

import hashlib
import math
import os
import shutil
from pathlib import Path

import pytest

from research_kit.corpus import read_transcript
from research_kit.errors import InputFileError
from research_kit.readers import EVENT_KINDS, ParsedTurn
from research_kit.readers.tei import parse_tei

DATA = Path(__file__).parent.parent / "data" / "tei"
PARLAMINT = DATA / "parlamint"
SESSION = PARLAMINT / "ParlaMint-BE_2021-01-12-c42.xml"
TEI = b'<TEI xmlns="http://www.tei-c.org/ns/1.0">'


def read(name, shown=None):
    path = DATA / name
    return parse_tei(path, path=shown or path.name)


def one(xml: bytes, path="x.xml"):
    (doc,) = parse_tei(xml, path=path)
    return doc


def body(inner: str, head: str = "", text_attrs: str = "") -> bytes:
    return (TEI + f"<teiHeader>{head}</teiHeader><text{text_attrs}>{inner}</text></TEI>".encode())


def tei_error(xml: bytes, code: str) -> InputFileError:
    with pytest.raises(InputFileError, match=code) as info:
        parse_tei(xml, path="x.xml")
    return info.value


# ---------------------------------------------------------------------------
# ParlaMint: a session, with the lists of persons and organisations beside it


def test_parlamint_turns():
    (doc,) = parse_tei(SESSION, path=SESSION.name)
    assert doc.turns == [
        ParsedTurn("Marie Dupont", "La séance est ouverte à 14 h 05.\nLa parole est à M. Peeters-Claes."),
        # the inline note is an event; the text around it is speech, its line break a space
        ParsedTurn("Jan Peeters-Claes", "Madame la présidente, chers collègues, le budget n'est pas bouclé.\n"
                   "Nous demandons des comptes."),
        ParsedTurn("Sophie Lambert", "Je vais vous répondre, monsieur le député."),
        ParsedTurn("Marie Dupont", "Je me permets une remarque personnelle."),
        ParsedTurn("Marie Dupont", "La séance est reprise."),
        # two persons of one name in one session: told apart by their ids
        ParsedTurn("Luc Martin [MartinLuc1]", "Merci."),
        ParsedTurn("Luc Martin [MartinLuc2]", "Je partage l'avis de mon homonyme. Voilà."),
        ParsedTurn("InconnuX", "Une voix venue des bancs."),  # not in the list: the id
        ParsedTurn(None, "Qui parle ?"),  # no who
        # Peeters' last <u> holds only laughter: no turn
        ParsedTurn("Marie Dupont", "La séance est levée."),
    ]
    assert doc.layout == "u"


def test_parlamint_events():
    (doc,) = parse_tei(SESSION, path=SESSION.name)
    got = [(e.kind, e.text, e.position) for e in doc.events]
    assert got == [
        ("comment", "(en néerlandais)", 2),  # inside turn 1
        ("applause", "Applaudissements sur les bancs du groupe Horizon", 2),
        ("comment", "(Exclamations sur les bancs de l'Alliance citoyenne)", 2),  # after turn 1
        ("interruption", "M. Luc Martin : C'est faux !", 3),
        ("incident", "La séance est suspendue à 14 h 20.", 4),
        ("event", "inaudible", 7),  # <gap reason="inaudible"/> in turn 6
        ("laughter", "Rires", 9),  # in a <u> that has no words: after the 9 turns before it
    ]
    assert all(e.kind in EVENT_KINDS for e in doc.events)
    assert doc.events[0].line == 53
    assert not any("présidente." in e.text for e in doc.events)  # <note type="speaker"> is a label


def test_parlamint_speakers_from_the_lists_beside_the_session():
    (doc,) = parse_tei(SESSION, path=SESSION.name)
    assert doc.speakers["Marie Dupont"] == {
        "person_id": "DupontMarie", "name": "Marie Dupont", "gender": "female", "birth": "1971-05-20",
        "age": "49",  # on 2021-01-12, before her birthday
        "party": "Parti des Bleuets", "party_abbr": "PdB",  # the French name; not the Chamber, nor a committee
        "role": "chair",  # #chair three times, #regular once
    }
    # the name and the group in force on the session's date (not the earlier name and party)
    assert doc.speakers["Jan Peeters-Claes"] == {
        "person_id": "PeetersJan", "name": "Jan Peeters-Claes", "gender": "male", "birth": "1985",
        "party": "Groupe Horizon", "role": "regular"}
    assert doc.speakers["Sophie Lambert"] == {  # a minister: the government is not a party
        "person_id": "LambertSophie", "name": "Sophie Lambert", "gender": "female", "role": "guest"}
    assert doc.speakers["Luc Martin [MartinLuc1]"]["party"] == "Alliance citoyenne"
    assert doc.speakers["Luc Martin [MartinLuc1]"]["age"] == "60"
    assert "gender" not in doc.speakers["Luc Martin [MartinLuc2]"]  # <sex value="U"/>
    assert doc.speakers["Luc Martin [MartinLuc2]"]["party_abbr"] == "PdB"
    assert doc.speakers["InconnuX"] == {"role": "regular"}
    assert set(doc.speakers) == {t.speaker for t in doc.turns} - {None}


def test_parlamint_header():
    (doc,) = parse_tei(SESSION, path=SESSION.name)
    assert doc.title == "Corpus parlementaire belge ParlaMint-BE, commission du 12/01/2021 (42)"  # not the nl one
    assert doc.variables == {"date": "2021-01-12", "language": "fr", "term": "55", "session": "2020-2021",
                             "sitting": "42"}
    assert doc.suffix is None


def test_lists_are_looked_for_in_the_folders_above_up_to_the_corpus_folder():
    file = PARLAMINT / "2021" / "ParlaMint-BE_2021-02-02-c43.xml"
    (doc,) = parse_tei(file, path="2021/ParlaMint-BE_2021-02-02-c43.xml")  # the corpus is parlamint/
    assert [t.speaker for t in doc.turns] == ["Jan Peeters-Claes", "Luc Martin"]  # one Luc Martin here
    assert doc.speakers["Jan Peeters-Claes"]["role"] == "chair"
    assert doc.speakers["Luc Martin"]["person_id"] == "MartinLuc2"
    assert doc.variables == {"date": "2021-02-02", "sitting": "43", "language": "fr"}
    # the corpus is 2021/ itself: the folder above is outside it and is not read
    (doc,) = parse_tei(file, path=file.name)
    assert [t.speaker for t in doc.turns] == ["PeetersJan", "MartinLuc2"]
    assert doc.speakers == {"PeetersJan": {"role": "chair"}, "MartinLuc2": {"role": "regular"}}


def test_a_broken_list_beside_the_session_is_skipped(tmp_path):
    shutil.copy(SESSION, tmp_path / SESSION.name)
    shutil.copy(PARLAMINT / "ParlaMint-BE-listPerson.xml", tmp_path / "ParlaMint-BE-listPerson.xml")
    (tmp_path / "ParlaMint-BE-listOrg.xml").write_text("<listOrg><org", encoding="utf-8")
    (doc,) = parse_tei(tmp_path / SESSION.name, path=SESSION.name)
    assert doc.turns[0].speaker == "Marie Dupont"
    assert doc.speakers["Marie Dupont"]["party"] == "party.PdB"  # no organisations: the reference


def test_a_list_linked_from_outside_the_corpus_is_not_read(tmp_path):
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    corpus.mkdir()
    outside.mkdir()
    shutil.copy(SESSION, corpus / SESSION.name)
    shutil.copy(PARLAMINT / "ParlaMint-BE-listPerson.xml", outside / "ParlaMint-BE-listPerson.xml")
    try:
        os.symlink(outside / "ParlaMint-BE-listPerson.xml", corpus / "ParlaMint-BE-listPerson.xml")
    except OSError:
        pytest.skip("this system cannot make symbolic links")
    (doc,) = parse_tei(corpus / SESSION.name, path=SESSION.name)
    assert doc.turns[0].speaker == "DupontMarie"
    assert doc.speakers["DupontMarie"] == {"role": "chair"}


def test_persons_in_the_file_win_over_the_lists_beside_it(tmp_path):
    xml = SESSION.read_bytes().replace(
        b"<profileDesc>", b'<profileDesc><particDesc><listPerson><person xml:id="DupontMarie"><persName>'
        b"<forename>Marie</forename><surname>Dupont-Lemaire</surname></persName></person></listPerson>"
        b"</particDesc>")
    for name in ("ParlaMint-BE-listPerson.xml", "ParlaMint-BE-listOrg.xml"):
        shutil.copy(PARLAMINT / name, tmp_path / name)
    (tmp_path / "s.xml").write_bytes(xml)
    (doc,) = parse_tei(tmp_path / "s.xml", path="s.xml")
    assert doc.turns[0].speaker == "Marie Dupont-Lemaire"
    assert doc.turns[1].speaker == "Jan Peeters-Claes"  # the others from the list beside it
    assert "gender" not in doc.speakers["Marie Dupont-Lemaire"]


def test_annotated_parlamint_tokens_are_joined():
    (doc,) = read("ana.xml")
    # join="right" glues the next token; the syntactic links are not text
    assert doc.turns == [ParsedTurn("PeetersJan", "Madame la présidente, l'État du Brabant.\nMerci !")]
    assert [(e.kind, e.text, e.position) for e in doc.events] == [("comment", "(en néerlandais)", 1)]
    assert doc.speakers == {"PeetersJan": {"role": "regular"}}


# ---------------------------------------------------------------------------
# TEI with its persons inside; plays; timelines


def test_inline_persons_bom_crlf_doctype_and_model():
    raw = (DATA / "inline_crlf.xml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"<!DOCTYPE TEI" in raw
    (doc,) = read("inline_crlf.xml")
    assert doc.turns == [
        ParsedTurn("Geneviève Tremblay", "Bonsoir tout le monde, merci d'être là on va commencer."),
        ParsedTurn("Karim Benali", "Moi j'ai une question sur les arbres."),  # <unclear> is speech
        ParsedTurn("La salle", "Oui\u00a0!"),  # the no-break space before "!" is kept
        ParsedTurn("Denis Gagnon", "Je vais répondre tout de suite."),  # <lb/> is a space
    ]
    assert [(e.kind, e.text, e.position, e.speaker) for e in doc.events] == [
        ("pause", "pause", 1, None), ("laughter", "rires", 2, "La salle")]
    assert doc.speakers == {
        "Geneviève Tremblay": {"person_id": "anim", "name": "Geneviève Tremblay", "gender": "female", "age": "42",
                               "role": "animatrice"},
        "Karim Benali": {"person_id": "cit1", "name": "Karim Benali", "gender": "male"},
        "La salle": {"person_id": "salle", "name": "La salle", "role": "public"},
        "Denis Gagnon": {"person_id": "elu", "name": "Denis Gagnon", "gender": "male", "party": "Équipe Lafontaine"},
    }
    assert doc.title == "Consultation publique sur le réaménagement du parc Lafontaine"
    assert doc.variables == {"date": "2024-11-05", "language": "fr"}  # <text xml:lang="fr-CA">


def test_play():
    (doc,) = read("theatre.xml")
    assert doc.turns == [
        ParsedTurn("Lucie", "Bonsoir. On commence ?"),  # the person's name, not "LUCIE."
        ParsedTurn("Bernard", "Pas encore.\nVoilà, j'ai trouvé."),
        ParsedTurn("LE GREFFIER", "Silence, s'il vous plaît."),  # who names nobody: the <speaker>
        ParsedTurn("TOUS", "Nous voulons un parc,\net des bancs !"),  # verse lines are lines
        ParsedTurn("fantome", "…"),
    ]
    assert [(e.kind, e.text, e.position) for e in doc.events] == [
        ("comment", "La salle du conseil. Une table, des chaises.", 0),
        ("comment", "(Elle sourit.)", 1),
        ("gesture", "Il fouille dans ses papiers.", 2),
        ("applause", "Applaudissements.", 4),
    ]  # the notes of <front> and <back> are not events
    assert doc.speakers["Lucie"] == {"person_id": "lucie", "name": "Lucie", "gender": "female"}
    assert doc.speakers["LE GREFFIER"] == {}
    assert doc.title == "Le Conseil de quartier"
    assert doc.variables == {"language": "fr"}  # a year is not a date
    assert doc.layout == "sp"


def test_timeline():
    (doc,) = read("timeline.xml")
    assert doc.turns == [
        ParsedTurn("Amélie", "Bon, on commence par le bilan.", 1.5, 6.25),
        ParsedTurn("Bruno", "Oui d'accord.", 5.75, 8.75),  # overlaps Amélie's
        ParsedTurn("Amélie", "Bon.", 10.0, 12.5),  # absolute 14:00:10 from the origin's 14:00:00; 2500 ms
        ParsedTurn("Bruno", "Encore un mot.", 12.5, None),  # interval="unknown"
    ]
    assert [(e.kind, e.text, e.position, e.start_s, e.end_s) for e in doc.events] == [
        ("incident", "Une porte claque.", 2, 6.25, None),  # start="#a1", an anchor synchronised with T3
        ("pause", "pause", 2, 8.75, 10.0),
        ("laughter", "rit", 3, None, None),
    ]
    assert doc.variables == {"date": "2023-03-14", "language": "fr"}


def test_iso_annotation_blocks():
    (doc,) = read("annotation_blocks.xml")
    assert doc.turns == [
        ParsedTurn("ENQ", "vous habitez où", 0.0, 1.2),  # milliseconds; the phonetic tier is not read
        ParsedTurn("CH", "euh à Orléans depuis toujours", 1.2, 5.1005),
    ]
    assert [(e.kind, e.text, e.position) for e in doc.events] == [("incident", "bruit de fond", 2)]
    assert doc.speakers["CH"] == {"person_id": "SPK1", "name": "CH", "gender": "male", "age": "34"}


def test_tei_corpus():
    docs = read("corpus.xml")
    assert [d.suffix for d in docs] == ["atelier-1", "002", "atelier-3"]
    assert [d.title for d in docs] == ["Atelier 1 : mobilité", "Atelier 2 : logement", "Atelier 3 : compte rendu"]
    # the corpus's header gives what a text's does not: persons, date, language
    assert docs[0].turns == [ParsedTurn("Nadia Lemaire", "On parle des vélos."),
                             ParsedTurn("Olivier Renard", "Et des bus.")]
    assert docs[0].variables == {"date": "2022-05-03", "language": "fr"}
    assert docs[1].turns == [ParsedTurn("Pauline Ngoma", "Over huisvesting."), ParsedTurn("Nadia Lemaire", "Oui.")]
    assert docs[1].variables == {"date": "2022-05-01", "language": "nl"}
    assert docs[1].speakers["Nadia Lemaire"] == {"person_id": "N", "name": "Nadia Lemaire", "gender": "female"}
    assert docs[2].turns == []  # a text without speech in a corpus that has some: kept, empty


# ---------------------------------------------------------------------------
# smaller cases


def test_text_inside_utterances():
    doc = one(body('<body><note type="speaker">M. X.</note><u who="#a #b" ana="#regular">On <choice><sic>et</sic>'
                   "<corr>est</corr></choice> <del>d'acc</del> d'accord <hi rend='italic'>vraiment</hi> "
                   "<foreign xml:lang='en'>okay</foreign><!-- note --><lb break='no'/>là.</u></body>"))
    assert doc.turns == [ParsedTurn("a & b", "On est d'acc d'accord vraiment okaylà.")]
    assert doc.events == []


def test_text_directly_in_u_and_between_segs_are_paragraphs():
    doc = one(body('<body><u who="#a">Avant <seg>un</seg> entre <seg>deux</seg> après</u></body>'))
    assert doc.turns[0].text == "Avant\nun\nentre\ndeux\naprès"


@pytest.mark.parametrize("head, attrs, language", [
    ('<profileDesc><langUsage><language ident="fra"/></langUsage></profileDesc>', "", "fr"),
    ('<profileDesc><langUsage><language ident="eng"/></langUsage></profileDesc>', "", "en"),
    ("", ' xml:lang="nl-BE"', "nl"),
    ("", "", None),
])
def test_language(head, attrs, language):
    doc = one(body('<body><u who="#a">Bonjour.</u></body>', head, attrs))
    assert doc.variables.get("language") == language


@pytest.mark.parametrize("sex, gender", [("M", "male"), ("f", "female"), ("1", "male"), ("2", "female"),
                                         ("0", None), ("U", None), ("non-binary", "non-binary")])
def test_gender(sex, gender):
    head = (f'<profileDesc><particDesc><listPerson><person xml:id="a"><persName>Ana</persName>'
            f'<sex value="{sex}"/></person></listPerson></particDesc></profileDesc>')
    doc = one(body('<body><u who="#a">Bonjour.</u></body>', head))
    assert doc.speakers["Ana"].get("gender") == gender


def test_party_without_a_list_of_organisations():
    head = ('<profileDesc><particDesc><listPerson><person xml:id="a"><persName>Ana</persName>'
            '<affiliation role="member" ref="#ParlaMint-XX-LOWER"/><affiliation role="member" ref="#party.Verts"/>'
            "</person></listPerson></particDesc></profileDesc>")
    doc = one(body('<body><u who="#a">Bonjour.</u></body>', head))
    assert doc.speakers["Ana"]["party"] == "party.Verts"  # the reference itself, not the parliament


def test_tei_p4_without_namespace():
    (doc,) = parse_tei(b'<TEI.2 lang="fr"><text><body><u who="A">Bonjour.</u><sp><speaker>B</speaker>'
                       b"<p>Salut.</p></sp></body></text></TEI.2>", path="p4.xml")
    assert doc.turns == [ParsedTurn("A", "Bonjour."), ParsedTurn("B", "Salut.")]
    assert doc.variables == {"language": "fr"}
    assert doc.layout == "u+sp"


@pytest.mark.parametrize("timeline, start, end", [
    # absolute times and no origin: from the timeline's first
    ('<timeline><when xml:id="T0" absolute="09:59:58"/><when xml:id="T1" absolute="10:00:00"/>'
    '<when xml:id="T2" absolute="10:00:03.5"/></timeline>', 2.0, 5.5),
    # minutes, since the origin when since= is not given
    ('<timeline unit="min" origin="#T0"><when xml:id="T0"/><when xml:id="T1" interval="0.5"/>'
     '<when xml:id="T2" interval="1"/></timeline>', 30.0, 60.0),
    # dates and times, across midnight
    ('<timeline origin="#T0"><when xml:id="T0" absolute="2023-03-14T23:59:59"/>'
     '<when xml:id="T1" absolute="2023-03-15T00:00:01"/><when xml:id="T2" absolute="2023-03-15T00:00:02+01:00"/>'
     "</timeline>", 2.0, 3.0),
])
def test_timeline_forms(timeline, start, end):
    doc = one(body(timeline + '<body><u who="#a" start="#T1" end="#T2">Oui.</u></body>'))
    assert (doc.turns[0].start_s, doc.turns[0].end_s) == (start, end)


def test_bare_numbers_are_seconds():
    doc = one(body('<body><u who="#a" start="1.5" end="2,25">Oui.</u></body>'))
    assert (doc.turns[0].start_s, doc.turns[0].end_s) == (1.5, 2.25)


@pytest.mark.parametrize("timeline, message", [
    ('<when xml:id="T0"/><when xml:id="T1" interval="2" since="#T5"/>', 'since="#T5"'),
    ('<when xml:id="T0"/><when xml:id="T1" interval="2" since="#T2"/>'
     '<when xml:id="T2" interval="1" since="#T1"/>', "loop"),
    ('<when xml:id="T0" absolute="10:00"/><when xml:id="T1" absolute="dix heures"/>', "not a time"),
    ('<when xml:id="T0"/><when xml:id="T1" interval="-3" since="#T0"/>', "before the timeline's origin"),
])
def test_when_that_cannot_be_timed(timeline, message):
    e = tei_error(body(f'<timeline unit="s">{timeline}</timeline><body><u who="#a" start="#T1">Oui.</u></body>'),
                  "RK-R58")
    assert message in e.message
    assert e.hint


def test_unknown_unit():
    e = tei_error(body('<timeline unit="furlongs"><when xml:id="T0"/><when xml:id="T1" interval="2"/></timeline>'
                       '<body><u who="#a" start="#T1">Oui.</u></body>'), "RK-R58")
    assert '"furlongs"' in e.message


# ---------------------------------------------------------------------------
# files that are wrong


@pytest.mark.parametrize("name, code, line, said", [
    ("backwards.xml", "RK-R59", 18, "ends (2 s) before it starts (5 s)"),
    ("bad_interval.xml", "RK-R58", 13, 'interval="douze"'),
    ("broken_pointer.xml", "RK-R57", 17, 'end="#T9"'),
    ("malformed.xml", "RK-R35", 10, "not well-formed"),
    ("no_speech.xml", "RK-R56", 2, "no <u>"),
    ("other_namespace.xml", "RK-R37", 2, "http://example.org/not-tei"),
    ("transcriber.xml", "RK-R37", 3, "<Trans>"),
])
def test_bad_files(name, code, line, said):
    path = DATA / "bad" / name
    with pytest.raises(InputFileError, match=code) as info:
        parse_tei(path, path=f"bad/{name}")
    e = info.value
    assert (e.code, e.line) == (code, line)
    assert said in e.message
    assert e.path == f"bad/{name}"
    assert e.hint


def test_hints_say_what_to_do():
    with pytest.raises(InputFileError, match="RK-R37") as info:
        parse_tei(DATA / "bad" / "transcriber.xml", path="transcriber.xml")
    assert ".trs" in info.value.hint and "format: trs" in info.value.hint
    with pytest.raises(InputFileError, match="RK-R37") as info:
        parse_tei(PARLAMINT / "ParlaMint-BE-listPerson.xml", path="ParlaMint-BE-listPerson.xml")
    assert "exclude:" in info.value.hint and "<listPerson>" in info.value.message
    with pytest.raises(InputFileError, match="RK-R56") as info:
        parse_tei(DATA / "bad" / "root_corpus.xml", path="ParlaMint-BE.xml")
    assert '"2021/ParlaMint-BE_2021-01-12-c42.xml"' in info.value.hint and "exclude:" in info.value.hint


def test_entities_are_refused():
    e = tei_error(b'<!DOCTYPE TEI [<!ENTITY x "y">]>' + TEI + b"<text><body><u>&x;</u></body></text></TEI>",
                  "RK-R36")
    assert e.line == 1


def test_reading_changes_no_file():
    files = sorted(p for p in DATA.rglob("*.xml") if p.is_file())
    before = {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files}
    parse_tei(SESSION, path=SESSION.name)
    parse_tei(PARLAMINT / "2021" / "ParlaMint-BE_2021-02-02-c43.xml", path="2021/ParlaMint-BE_2021-02-02-c43.xml")
    read_transcript(DATA / "timeline.xml")
    assert {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files} == before


# ---------------------------------------------------------------------------
# through the corpus builder


def test_corpus_of_a_parlamint_session():
    corpus = read_transcript(SESSION)
    turns = corpus.turns
    assert list(turns["speaker"]) == [
        "Marie Dupont", "Jan Peeters-Claes", "Sophie Lambert", "Marie Dupont", "Marie Dupont",
        "Luc Martin [MartinLuc1]", "Luc Martin [MartinLuc2]", "InconnuX", "?", "Marie Dupont"]
    assert list(turns["role"].fillna("-")) == ["chair", "regular", "guest", "chair", "chair", "regular", "regular",
                                               "regular", "-", "chair"]
    assert list(turns["party"].fillna("-")) == ["Parti des Bleuets", "Groupe Horizon", "-", "Parti des Bleuets",
                                                "Parti des Bleuets", "Alliance citoyenne", "Parti des Bleuets", "-",
                                                "-", "Parti des Bleuets"]
    speakers = corpus.speakers.set_index("speaker")
    assert speakers.loc["Luc Martin [MartinLuc1]", "person_id"] == "MartinLuc1"  # two speakers, not one
    assert speakers.loc["Luc Martin [MartinLuc2]", "person_id"] == "MartinLuc2"
    assert speakers.loc["Marie Dupont", "gender"] == "female"
    events = corpus.events
    assert list(zip(events["kind"], events["turn"])) == [
        ("comment", 1), ("applause", 1), ("comment", 1), ("interruption", 2), ("incident", 3), ("event", 6),
        ("laughter", 8)]
    doc = corpus.documents.iloc[0]
    assert doc["doc_id"] == "ParlaMint-BE_2021-01-12-c42"
    assert (doc["format"], doc["language"], str(doc["date"].date())) == ("tei", "fr", "2021-01-12")
    assert (doc["term"], doc["sitting"]) == ("55", "42")
    assert doc["title"].startswith("Corpus parlementaire belge")
    assert math.isnan(doc["duration_s"])


def test_corpus_with_times():
    corpus = read_transcript(DATA / "timeline.xml")
    assert list(corpus.turns["start_s"]) == [1.5, 5.75, 10.0, 12.5]
    assert corpus.documents["duration_s"].iloc[0] == pytest.approx(11.0)  # 12.5 - 1.5
    assert list(corpus.events["kind"]) == ["incident", "pause", "laughter"]


def test_corpus_of_a_tei_corpus():
    corpus = read_transcript(DATA / "corpus.xml")
    assert list(corpus.documents["doc_id"]) == ["corpus-atelier-1", "corpus-002", "corpus-atelier-3"]
    assert list(corpus.documents["n_turns"]) == [2, 2, 0]
    assert list(corpus.documents["language"]) == ["fr", "nl", "fr"]


@pytest.mark.parametrize("name, code", [("bad/broken_pointer.xml", "RK-R57"), ("bad/no_speech.xml", "RK-R56"),
                                        ("parlamint/ParlaMint-BE-listOrg.xml", "RK-R37")])
def test_collected_problems(name, code):
    corpus = read_transcript(DATA / name, errors="collect")
    assert list(corpus.problems["code"]) == [code]
    assert corpus.problems["path"].iloc[0] == Path(name).name
    assert len(corpus.turns) == 0


def test_role_is_the_speakers_most_frequent():
    doc = one(body('<body><u who="#a" ana="#regular">Un.</u><u who="#a" ana="#chair">Deux.</u>'
                   '<u who="#a" ana="#chair #topic.budget">Trois.</u><u who="#b" ana="#parla.x #guest">Oui.</u>'
                   "</body>"))
    assert doc.speakers == {"a": {"role": "chair"}, "b": {"role": "guest"}}


@pytest.mark.parametrize("open_, close", [(b"<hi>", b"</hi>"), (b"<div>", b"</div>")])
def test_elements_nested_beyond_reason(open_, close):
    n = 1500  # the XML parser takes up to 2,048 levels
    inner = b'<u who="#a">x</u>' if open_ == b"<div>" else b"x"
    xml = TEI + b"<text><body>" + (b'<u who="#a">' if open_ == b"<hi>" else b"") + open_ * n + inner + close * n
    xml += (b"</u>" if open_ == b"<hi>" else b"") + b"</body></text></TEI>"
    assert tei_error(xml, "RK-R35").line == 1


def test_numbers_too_large_to_be_times():
    nines = "9" * 400
    e = tei_error(body(f'<timeline><when xml:id="T0"/><when xml:id="T1" interval="{nines}"/></timeline>'
                       '<body><u who="#a" start="#T1">Oui.</u></body>'), "RK-R58")
    assert "is not a number" in e.message
    assert tei_error(body(f'<body><u who="#a" start="{nines}">Oui.</u></body>'), "RK-R57").line == 1


def test_the_tei_extension(tmp_path):
    shutil.copy(DATA / "theatre.xml", tmp_path / "piece.tei")
    corpus = read_transcript(tmp_path / "piece.tei")
    assert list(corpus.turns["speaker"]) == ["Lucie", "Bernard", "LE GREFFIER", "TOUS", "fantome"]
    assert corpus.documents["format"].iloc[0] == "tei"


def test_event_between_two_words_separates_them():
    doc = one(body('<body><u who="#a">Oui<pause/>non <vocal><desc>rires</desc></vocal>merci.</u></body>'))
    assert doc.turns[0].text == "Oui non merci."
    assert [e.kind for e in doc.events] == ["pause", "laughter"]


def test_absolute_times_are_exact_to_the_millisecond():
    timeline = ('<timeline unit="ms" origin="#T0"><when xml:id="T0" absolute="2025-03-12T19:00:00"/>'
                '<when xml:id="T1" interval="3200" since="#T0"/><when xml:id="T2" absolute="2025-03-12T19:00:07.4"/>'
                '</timeline>')
    doc = one(body(f'<body>{timeline}<u who="#d" start="#T1" end="#T2">Oui bon.</u></body>'))
    assert (doc.turns[0].start_s, doc.turns[0].end_s) == (3.2, 7.4)  # exactly: 19:00:07.4 - 19:00:00


def test_a_parlamint_folder_reads_as_distributed(tmp_path):
    # ParlaMint ships its sessions with the lists of persons and organisations and a corpus
    # root file of <xi:include>s: the lists are read beside the sessions, the root file is
    # an index whose sessions are in the folder; neither is a transcript
    root = tmp_path / "ParlaMint-BE"
    shutil.copytree(DATA / "parlamint", root)
    sessions = sorted(p.relative_to(root).as_posix() for p in root.rglob("ParlaMint-BE_*.xml"))
    includes = "".join(f'<xi:include href="{s}"/>' for s in sessions)
    (root / "ParlaMint-BE.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<teiCorpus xmlns="http://www.tei-c.org/ns/1.0" '
        'xmlns:xi="http://www.w3.org/2001/XInclude" xml:id="ParlaMint-BE" xml:lang="fr"><teiHeader/>'
        f"{includes}</teiCorpus>\n", encoding="utf-8")
    from research_kit import read_corpus

    corpus = read_corpus(root)  # errors="raise": nothing in the folder is refused
    assert sorted(corpus.documents["path"]) == sessions
    # a root file whose sessions are missing is still an error that says so
    (root / sessions[0]).unlink()
    with pytest.raises(InputFileError, match="RK-R56") as info:
        read_corpus(root)
    assert "not in the corpus folder" in info.value.hint
