"""CHAT (CLAN, TalkBank) transcripts."""

import os
import warnings
from pathlib import Path

import pytest

from research_kit._io import normalise_text
from research_kit.corpus import read_transcript
from research_kit.errors import InputFileError, ResearchKitWarning
from research_kit.readers import ParsedEvent, ParsedTurn
from research_kit.readers.chat import parse_chat

DATA = Path(__file__).parent.parent / "data" / "chat"
NAK = "\x15"
HEAD = "@UTF8\n@Begin\n@Participants:\tCHI Target_Child, MOT Marie Mother\n"


def read(name):
    # decoded here rather than with read_text, which (for now) takes a file of time bullets
    # (NAK control characters) for binary: see test_timed_file_through_the_corpus_builder
    path = DATA / name
    text = normalise_text(path.read_bytes().decode("utf-8-sig"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a complete file warns nothing
        return parse_chat(text, path=str(path))


def one(body, head=HEAD):
    """The one document of a small file made of ``head``, the lines of ``body`` and @End."""
    (doc,) = parse_chat(head + body + "\n@End\n", path="x.cha")
    return doc


def texts(body):
    return [t.text for t in one(body).turns]


def chat_error(text, code):
    with pytest.raises(InputFileError, match=code) as info:
        parse_chat(text, path="x.cha")
    assert info.value.hint
    return info.value


# ---------------------------------------------------------------------------
# a CLAN file


def test_interview_turns():
    (doc,) = read("interview.cha")
    assert doc.turns == [
        ParsedTurn("INV", "on commence?", 0.0, 2.15),
        ParsedTurn("Marie", "oui, tu veux euh le gros le gros ballon?", 2.15, 5.4),
        ParsedTurn("Léa", "ouais parce que c'est à moi!", 5.4, 7.12),
        ParsedTurn("Léa", "moi je l' veux pis toi aussi...", 7.12, 9.87),
        ParsedTurn("Marie", "bon bon on va jouer ensemble.", 9.3, 11.0),
        ParsedTurn("INV", "tu veux un cookie?", 11.0, 11.5),
        # *CHI: &=tousse . has no words: no turn
        ParsedTurn("Marie", "c'est ton tour ma chouette.", 12.0, 13.9),
        ParsedTurn("Léa", "non moi après!", 13.9, 15.3),
        ParsedTurn("Marie", "ben voyons donc, Léa, dis merci à Sophie.", 15.3, 18.1),
        ParsedTurn("INV", "c'est correct, on a tout notre temps, on peut regarder les images du livre "
                          "ensemble si tu veux.", 18.1, 23.0),
        # *CHI: 0 . has no words either
        ParsedTurn("Marie", "bonjour maman!", 24.0, 25.2),
    ]


def test_interview_events():
    (doc,) = read("interview.cha")
    assert doc.events == [
        ParsedEvent("comment", "enregistrement de 20 minutes ; la télé est ouverte", 0, line=14),
        ParsedEvent("gesture", "montre le ballon rouge", 2, speaker="Marie", line=19),
        ParsedEvent("laughter", "rit", 3, speaker="Léa", line=20),
        ParsedEvent("comment", 'dit "ouais" très fort', 3, line=22),
        # an utterance of one event only: the event has the utterance's times
        ParsedEvent("vocal", "tousse", 6, 11.5, 12.0, speaker="Léa", line=26),
        ParsedEvent("pause", "(..)", 8, speaker="Léa", line=28),
        ParsedEvent("comment", "refuse de prendre le dé", 8, line=29),
        ParsedEvent("comment", "l'intervieweuse", 9, line=30),
        ParsedEvent("gesture", "ferme le livre", 10, speaker="Léa", line=34),
        ParsedEvent("comment", "la grand-mère arrive", 10, line=35),
        ParsedEvent("interruption", "bonjour", 11, speaker="INV", line=36),
    ]


def test_interview_speakers_and_variables():
    (doc,) = read("interview.cha")
    assert doc.speakers == {
        "Léa": {"role": "Target_Child", "code": "CHI", "age": "2;06.15", "gender": "female", "group": "TD",
                "ses": "MC", "language": "fra"},
        "Marie": {"role": "Mother", "code": "MOT", "age": "34;", "gender": "female", "ses": "MC",
                  "education": "université", "language": "fra"},
        "INV": {"role": "Investigator", "code": "INV", "language": "fra"},
    }
    assert doc.variables == {"language": "fr", "date": "2024-01-12", "location": "Montréal, QC, Canada",
                             "situation": "jeu libre dans le salon après le souper"}


def test_hand_written_file_with_bom_crlf_and_spaces():
    (doc,) = read("untimed.cha")
    assert doc.turns == [
        ParsedTurn("Julie Dubois", "alors, vous habitez le quartier depuis longtemps?"),
        ParsedTurn("PAR", "oh oui, depuis septante-deux."),
        ParsedTurn("PAR", "euh ma femme et moi."),  # one speaker's utterances stay apart
        ParsedTurn("Julie Dubois", "d'accord."),
    ]
    assert [(e.kind, e.text, e.position) for e in doc.events] == [
        ("comment", "transcription faite à la main par l'équipe", 0),
        ("pause", "(..)", 3),
        ("comment", "le téléphone sonne", 4),
    ]
    assert doc.speakers["Julie Dubois"] == {"role": "Interviewer", "code": "INT", "age": "45;", "gender": "female",
                                            "language": "fra"}
    assert doc.speakers["PAR"]["group"] == "retraités" and doc.speakers["PAR"]["education"] == "primaire"
    assert doc.speakers["OBS"] == {"role": "Observer", "code": "OBS"}  # declared on the continuation line
    assert doc.variables == {"language": "fr", "date": "2023-03-03"}


# ---------------------------------------------------------------------------
# what an utterance's words are


@pytest.mark.parametrize("utterance, text", [
    ("I goed [: went] [*] home .", "I goed home."),
    ("<I want> [//] I need xxx yyy www it .", "I want I need it."),
    ("&+fr friend &~gaga .", "fr friend gaga."),
    ("I like ice+cream and Santa_Claus .", "I like ice cream and Santa Claus."),
    ("no:: (.) ⌈way⌉ ↑ ≈ .", "no way."),
    ("⌊2 bon ⌋2 ok .", "bon ok."),
    ('+" he said +"/.', "he said."),
    ("+, and then +//?", "and then?"),
    ("++ the dog +..?", "the dog...?"),
    ("we 0are going [+ bch] .", "we going."),
    ("a@l b@l c@l@q .", "a b c."),
    ("[- eng] c'est full@s:eng cool@s:eng „ hein ?", "c'est full cool, hein?"),
    ("(be)cause ˈyes ˌno (2.5) okay !", "because yes no okay!"),
    ("chus [: je suis] pas sûr [?] [!] .", "chus pas sûr."),
    ("tu viens +... pas", "tu viens... pas"),
    ("oui . \x02\x01souligné\x02\x02 .", "oui. souligné."),
    ("oui = non ; bon - ok .", "oui non; bon ok."),
])
def test_words_of_an_utterance(utterance, text):
    assert texts(f"*CHI:\t{utterance}") == [text]


@pytest.mark.parametrize("utterance", ["0 .", "xxx .", "&=rit .", "(..) .", "0 [% silence] ."])
def test_utterance_without_words_gives_no_turn(utterance):
    doc = one(f"*CHI:\tbonjour .\n*MOT:\t{utterance}\n*CHI:\tencore !")
    assert [t.text for t in doc.turns] == ["bonjour.", "encore!"]
    assert all(e.position == 1 for e in doc.events)


@pytest.mark.parametrize("code, kind, text", [
    ("&=laughs", "laughter", "laughs"),
    ("&=rit", "laughter", "rit"),
    ("&=claps", "applause", "claps"),
    ("&=nods", "gesture", "nods"),
    ("&=moves:chair", "gesture", "moves:chair"),
    ("&=coughs", "vocal", "coughs"),
    ("&=clears_throat", "vocal", "clears throat"),
    ("&=bruit:porte", "noise", "bruit:porte"),
    ("[=! whispers]", "vocal", "whispers"),
    ("[=! en riant]", "laughter", "en riant"),
    ("[=! laughing]", "laughter", "laughing"),
    ("[% pointe la porte]", "comment", "pointe la porte"),
    ("[= le chien]", "comment", "le chien"),
    ("(1:02.5)", "pause", "(1:02.5)"),
    ("(...)", "pause", "(...)"),
    ("&{l=laughs", "laughter", "laughs"),
])
def test_events_in_an_utterance(code, kind, text):
    doc = one(f"*CHI:\toui {code} d'accord &}}l=laughs . {NAK}1000_2000{NAK}")
    assert [t.text for t in doc.turns] == ["oui d'accord."]
    # in an utterance that has words, an event is not given the utterance's times
    assert doc.events == [ParsedEvent(kind, text, 1, None, None, None if kind == "comment" else "CHI", 4)]


def test_events_keep_their_order_in_the_utterance():
    doc = one("*CHI:\t&=rit oui [=! chuchote] (..) non [% bas] .")
    assert [e.text for e in doc.events] == ["rit", "chuchote", "(..)", "bas"]


def test_other_speakers_interposed_words_and_dependent_tiers():
    doc = one("*CHI:\tet puis &*MOT:mhm_mhm le loup +...\n%gpx:\tbras écartés\n%par:\ttousse\n"
              "%sit:\tle chat entre\n%add:\tMOT\n%spa:\t$DCC\n%xcod:\tA1")
    assert doc.turns == [ParsedTurn("CHI", "et puis le loup...")]
    assert [(e.kind, e.text, e.speaker) for e in doc.events] == [
        ("interruption", "mhm mhm", "Marie"),
        ("gesture", "bras écartés", "CHI"),
        ("vocal", "tousse", "CHI"),
        ("event", "le chat entre", None),
    ]


def test_comment_tiers_are_kept_as_written():
    doc = one("*CHI:\tvoilà .\n%com:\tvoir <la note> → [p. 2] ; 50°\n\t  suite")
    assert [e.text for e in doc.events] == ["voir <la note> → [p. 2] ; 50° suite"]


def test_later_situation_and_comments_are_events():
    doc = one("*CHI:\tfini .\n@Situation:\tau parc\n@Comment:\tfin de la bande\n@Bg:\tlecture\n@Eg:\tlecture",
              head=HEAD + "@Situation:\tà la maison\n@Location:\tLiège\n")
    assert doc.variables == {"situation": "à la maison", "location": "Liège"}
    assert [(e.kind, e.text, e.position) for e in doc.events] == [("event", "au parc", 1),
                                                                  ("comment", "fin de la bande", 1)]


# ---------------------------------------------------------------------------
# headers


def test_participants_who_share_a_name_are_named_by_their_codes():
    doc = one("*MOT:\tviens .\n*GRA:\tj'arrive .",
              head="@Begin\n@Participants:\tMOT Marie Mother, GRA Marie Grandmother, FAT Jean_Paul Father\n")
    assert [t.speaker for t in doc.turns] == ["MOT", "GRA"]
    assert doc.speakers["Jean Paul"] == {"role": "Father", "code": "FAT"}


def test_id_role_wins_and_an_id_declares_its_speaker():
    doc = one("*INV:\tbonjour .\n*OBS:\tallô .",
              head="@Begin\n@Participants:\tINV Sophie Investigator\n@ID:\tfra|c|INV|||||Interviewer|||\n"
                   "@ID:\tfra|c|OBS|50;||||Observer|||\n@ID:\tfra|broken\n")
    assert [t.speaker for t in doc.turns] == ["Sophie", "OBS"]
    assert doc.speakers == {"Sophie": {"role": "Interviewer", "code": "INV", "language": "fra"},
                            "OBS": {"role": "Observer", "code": "OBS", "age": "50;", "language": "fra"}}


@pytest.mark.parametrize("value, date", [
    ("12-JAN-2024", "2024-01-12"),
    ("3-mar-2023", "2023-03-03"),
    ("2024-01-12", "2024-01-12"),
    ("31-FEB-2024", None),
    ("12-JNV-2024", None),
    ("janvier 2024", None),
])
def test_date(value, date):
    assert one("*CHI:\toui .", head=HEAD + f"@Date:\t{value}\n").variables.get("date") == date


@pytest.mark.parametrize("languages, language", [("fra, eng", "fr"), ("eng", "en"), ("nld fra", "nl"),
                                                 ("qaa", None)])
def test_languages(languages, language):
    assert one("*CHI:\tok .", head=HEAD + f"@Languages:\t{languages}\n").variables.get("language") == language


# ---------------------------------------------------------------------------
# time bullets


@pytest.mark.parametrize("bullets, start, end", [
    (f"{NAK}1000_2500{NAK}", 1.0, 2.5),
    (f'{NAK}%snd:"lea-2024"_1000_2500{NAK}', 1.0, 2.5),
    ("\u20221000_2500\u2022", 1.0, 2.5),  # bullets pasted as the • CLAN shows
    (f"{NAK}1000_1800{NAK} et encore {NAK}1800_2500{NAK}", 1.0, 2.5),
    (f'{NAK}%pic:"dessin.jpg"{NAK}', None, None),
    (f"{NAK}1000_1000{NAK}", 1.0, 1.0),
])
def test_bullets(bullets, start, end):
    (turn,) = one(f"*CHI:\toui . {bullets}").turns
    assert (turn.start_s, turn.end_s) == (start, end)
    assert NAK not in turn.text and "_" not in turn.text


def test_bullet_on_a_comment_times_the_event():
    doc = one(f"*CHI:\toui .\n%com:\tle chien aboie {NAK}3000_4000{NAK}")
    assert doc.events == [ParsedEvent("comment", "le chien aboie", 1, 3.0, 4.0, None, 5)]


def test_bullet_that_ends_before_it_starts():
    with pytest.raises(InputFileError, match="RK-R54") as info:
        read("backwards.cha")
    assert info.value.line == 6
    assert "5000_4000" in info.value.message and "before it starts" in info.value.message


@pytest.mark.parametrize("bullet, message", [
    (f"{NAK}1,5_2,0{NAK}", '"1,5_2,0" is not start_end'),
    (f"{NAK}1000_2000", "never closed"),
])
def test_broken_bullet(bullet, message):
    e = chat_error(HEAD + f"*CHI:\toui .\n*MOT:\tnon . {bullet}\n@End\n", "RK-R54")
    assert e.line == 5 and message in e.message


# ---------------------------------------------------------------------------
# malformed files


def test_main_tier_without_its_star():
    with pytest.raises(InputFileError, match="RK-R52") as info:
        read("no_star.cha")
    e = info.value
    assert e.line == 6 and e.path.endswith("no_star.cha")
    assert '"MOT: oui mon chou ."' in e.message and '"*MOT:"' in e.hint


@pytest.mark.parametrize("text, line, message", [
    (HEAD + "*CHI:\toui .\n*MOT oui .\n", 5, "no colon after its speaker code"),
    ("Bonjour tout le monde.\nÇa va?\n", 1, "starts with none of @, *, % or a tab"),
    ("Marie: bonjour.\n", 1, "no @Begin header came before it"),
    ("\t@Begin\n", 1, "no line above to continue"),
])
def test_not_chat(text, line, message):
    e = chat_error(text, "RK-R52")
    assert e.line == line and message in e.message


def test_undeclared_speaker():
    with pytest.raises(InputFileError, match="RK-R53") as info:
        read("undeclared.cha")
    e = info.value
    assert e.line == 7 and '"FAT"' in e.message and "CHI, MOT" in e.message and '"FAT"' in e.hint
    e = chat_error(HEAD + "@ID:\tfra|c|CHI|||||Target_Child|||\n*GRA:\tallô .\n", "RK-R53")
    assert "(it declares CHI, MOT)" in e.message and e.line == 5


def test_missing_headers_warn_and_codes_name_the_speakers():
    path = DATA / "no_headers.cha"
    with pytest.warns(ResearchKitWarning, match="RK-R55") as caught:
        (doc,) = parse_chat(normalise_text(path.read_text(encoding="utf-8")), path="no_headers.cha")
    assert len(caught) == 1
    assert "@Begin, @End and @Participants" in str(caught[0].message)
    assert doc.turns == [ParsedTurn("MOT", "bonjour tout le monde."), ParsedTurn("FAT", "salut!")]
    assert doc.speakers == {"MOT": {"code": "MOT"}, "FAT": {"code": "FAT"}}


def test_missing_end_warns():
    with pytest.warns(ResearchKitWarning, match="no @End header"):
        (doc,) = parse_chat(HEAD + "*CHI:\tencore", path="x.cha")
    assert doc.turns == [ParsedTurn("CHI", "encore")]


# ---------------------------------------------------------------------------
# through the corpus builder


def test_file_through_the_corpus_builder():
    path = DATA / "untimed.cha"
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    corpus = read_transcript(path)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before  # the file is never written
    turns = corpus.turns
    assert turns["speaker"].tolist() == ["Julie Dubois", "PAR", "PAR", "Julie Dubois"]
    assert turns["role"].tolist() == ["Interviewer", "Participant", "Participant", "Interviewer"]
    assert turns["text"].iloc[1] == "oh oui, depuis septante-deux."
    assert turns["gender"].tolist() == ["female", "male", "male", "female"]
    events = corpus.events
    assert events["kind"].tolist() == ["comment", "pause", "comment"]
    assert events["turn"].tolist()[1:] == [2, 3] and events["turn"].isna().tolist()[0]
    assert events["speaker"].tolist()[1] == "PAR"
    speakers = corpus.speakers.set_index("speaker")
    assert speakers.loc["PAR", "age"] == "67;" and speakers.loc["Julie Dubois", "code"] == "INT"
    documents = corpus.documents
    assert documents["format"].tolist() == ["chat"] and documents["language"].tolist() == ["fr"]
    assert str(documents["date"].iloc[0].date()) == "2023-03-03"
    assert documents["duration_s"].isna().all()


def test_timed_file_through_the_corpus_builder():
    corpus = read_transcript(DATA / "interview.cha")
    assert corpus.turns["start_s"].iloc[1] == 2.15
    assert corpus.documents["duration_s"].iloc[0] == pytest.approx(25.2)
    assert corpus.events["kind"].tolist().count("comment") == 5


def test_malformed_file_is_a_problem_row_when_collecting():
    corpus = read_transcript(DATA / "no_star.cha", errors="collect")
    problems = corpus.problems
    assert problems["code"].tolist() == ["RK-R52"]
    assert problems["line"].tolist() == [6] and problems["path"].tolist() == ["no_star.cha"]
    assert corpus.turns.empty


def test_private_use_character_and_pauses_against_words():
    # U+E000 (a font's private character pasted in) is not a word; a pause written
    # against a word (là(.), (..)alors) is still a pause, not punctuation
    text = ("@UTF8\n@Begin\n@Participants:\tHEL Hélène Investigator\n"
            "*HEL:\tbonjour \ue000 à tous là(.) (..)alors (1.5) ouais .\n@End\n")
    (doc,) = parse_chat(text, path="x.cha")
    assert [t.text for t in doc.turns] == ["bonjour à tous là alors ouais."]
    assert [(e.kind, e.text) for e in doc.events] == [("pause", "(..)"), ("pause", "(1.5)")]
