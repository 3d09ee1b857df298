"""Praat TextGrids (``.TextGrid``): files as Praat saves them (long and short text, UTF-16), and other tools' exports.

The interview of ``entretien_*.TextGrid`` is one TextGrid saved four ways: long text as
Praat writes it once a text holds a letter outside ASCII (UTF-16 big-endian with its
byte-order mark), the same with Praat's UTF-8 preference, the same re-saved by Windows
Notepad as "Unicode" (UTF-16 little-endian, CRLF), and Praat's short text (UTF-16 BE).
Its five tiers: "Claire (ENQ)" and "speaker#2" speak, "Comments" and "Bruits" (a point
tier) give events, "Sections" is skipped.
"""

import codecs
import os
from pathlib import Path

import pytest

from research_kit import read_corpus
from research_kit._io import read_text
from research_kit.corpus import read_transcript
from research_kit.errors import InputFileError, ManifestError
from research_kit.readers import EVENT_KINDS, FORMATS
from research_kit.readers.textgrid import DEFAULT_NON_SPEAKER_TIERS, parse_textgrid
from tests.helpers import DATA, read

TEXTGRID = DATA / "textgrid"
INTERVIEW = ["entretien_long.TextGrid", "entretien_long_utf8.TextGrid", "entretien_long_utf16le.TextGrid",
             "entretien_short.TextGrid"]
HEAD = 'File type = "ooTextFile"\nObject class = "TextGrid"\n\n'


def parse(name):
    (doc,) = parse_textgrid(read(TEXTGRID / name), path=name)
    return doc


def turns(doc):
    return [(t.speaker, t.text, t.start_s, t.end_s) for t in doc.turns]


def events(doc):
    return [(e.kind, e.text, e.position, e.start_s, e.end_s, e.speaker) for e in doc.events]


def grid(*tiers, xmax=10):
    """Praat's long text layout of ``(name, items)`` tiers, texts as written in the file (``""`` for a quote).

    Items ``(xmin, xmax, text)`` make an IntervalTier, items ``(time, mark)`` a TextTier.
    Lines: 1-8 are the header and the grid's; tier 1 starts on line 9 with ``item [1]:``,
    its interval k's ``xmin`` is on line 16 + 4 (k - 1).
    """
    out = [HEAD + "xmin = 0 ", f"xmax = {xmax} ", "tiers? <exists> ", f"size = {len(tiers)} ", "item []: "]
    for t, (name, items) in enumerate(tiers, 1):
        points = bool(items) and len(items[0]) == 2
        out += [f"    item [{t}]:", f'        class = "{"TextTier" if points else "IntervalTier"}" ',
                f'        name = "{name}" ', "        xmin = 0 ", f"        xmax = {xmax} ",
                f"        {'points' if points else 'intervals'}: size = {len(items)} "]
        for k, item in enumerate(items, 1):
            if points:
                out += [f"        points [{k}]:", f"            number = {item[0]} ", f'            mark = "{item[1]}" ']
            else:
                out += [f"        intervals [{k}]:", f"            xmin = {item[0]} ", f"            xmax = {item[1]} ",
                        f'            text = "{item[2]}" ']
    return "\n".join(out) + "\n"


def one(*tiers, options=None, xmax=10):
    (doc,) = parse_textgrid(grid(*tiers, xmax=xmax), path="x.TextGrid", options=options)
    return doc


def error(text, code):
    with pytest.raises(InputFileError, match=code) as info:
        parse_textgrid(text, path="x.TextGrid")
    e = info.value
    assert e.path == "x.TextGrid" and e.hint
    return e


def file_error(name, code):
    with pytest.raises(InputFileError, match=code) as info:
        parse_textgrid(read(TEXTGRID / name), path=name)
    e = info.value
    assert e.path == name and e.hint and str(e).startswith(f"[{code}] {name}, line {e.line}: ")
    return e


# ---------------------------------------------------------------------------
# an interview as Praat saves it


INTERVIEW_TURNS = [
    # the doubled quotes are one quote each; speaker#2 starts at 3.1, before Claire ends (3.25): both kept
    ("Claire", 'Bonjour, merci d\'être venue. On parle du "budget participatif" ?', 0.8, 3.25),
    ("speaker#2", "Oui, alors moi je suis arrivée en 2019, euh… au début", 3.1, 7.0),
    # Claire's "[rire]" interval (6.1-7.4) is an event, not a turn
    ("Claire", "D'accord. Et ensuite ?", 7.4, 9.6),
    # a note followed by speech is speech, as written
    ("speaker#2", "(rires) non mais c'est vrai", 9.5, 12.5),
]
INTERVIEW_EVENTS = [
    # the "Bruits" point tier: one noise per point, at its time; 1 turn (0.8) starts before 2.0
    ("noise", "porte", 1, 2.0, 2.0, None),
    # equal starts (6.1): in the order of the tiers, Claire's tier 1 before Comments, tier 3
    ("laughter", "rire", 2, 6.1, 7.4, "Claire"),
    ("comment", "les deux rient", 2, 6.1, 7.4, None),
    ("noise", "téléphone", 4, 10.25, 10.25, None),
]


@pytest.mark.parametrize("name", INTERVIEW)
def test_interview_turns(name):
    doc = parse(name)
    assert turns(doc) == INTERVIEW_TURNS
    # "(ENQ)" is the role, not part of the name; "speaker#2" is an anonymous speaker, kept
    assert doc.speakers == {"Claire": {"role": "interviewer"}, "speaker#2": {}}


@pytest.mark.parametrize("name, layout, lines", [
    # the line of each event's time: "number = 2" (line 96), "xmin = 6.1" of Claire's interval 4 (28)…
    ("entretien_long.TextGrid", "long", [96, 28, 72, 99]),
    ("entretien_long_utf8.TextGrid", "long", [96, 28, 72, 99]),
    ("entretien_long_utf16le.TextGrid", "long", [96, 28, 72, 99]),  # CRLF is one line end
    ("entretien_short.TextGrid", "short", [75, 22, 56, 77]),
])
def test_interview_events_and_layout(name, layout, lines):
    doc = parse(name)
    assert events(doc) == INTERVIEW_EVENTS
    assert all(e.kind in EVENT_KINDS for e in doc.events)
    assert [e.line for e in doc.events] == lines
    assert doc.layout == layout


@pytest.mark.parametrize("name, bom, encoding", [
    ("entretien_long.TextGrid", codecs.BOM_UTF16_BE, "utf-16-be"),
    ("entretien_short.TextGrid", codecs.BOM_UTF16_BE, "utf-16-be"),
    ("entretien_long_utf16le.TextGrid", codecs.BOM_UTF16_LE, "utf-16-le"),
])
def test_utf16_files_are_decoded_by_read_text(name, bom, encoding):
    path = TEXTGRID / name
    assert path.read_bytes().startswith(bom)  # the file is what Praat (or Notepad) writes
    text, found = read_text(path)
    assert found == encoding
    assert text.startswith('File type = "ooTextFile"\nObject class = "TextGrid"\n\n')
    assert "\r" not in text and "\ufeff" not in text and "\x00" not in text
    assert "téléphone" in text


def test_praat_writes_values_with_a_trailing_space():
    # the fixture keeps Praat's layout: "xmin = 0 " with its space, "item [1]:" without
    lines = read(TEXTGRID / "entretien_long_utf8.TextGrid").split("\n")
    assert lines[3:9] == ["xmin = 0 ", "xmax = 12.5 ", "tiers? <exists> ", "size = 5 ", "item []: ", "    item [1]:"]


def test_file_is_never_written():
    for name in ("entretien_long.TextGrid", "bad_overlap.TextGrid"):
        path = TEXTGRID / name
        before = (path.read_bytes(), os.stat(path).st_mtime_ns)
        try:
            parse(name)
        except InputFileError:
            pass
        read_transcript(path, errors="collect")
        assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


# ---------------------------------------------------------------------------
# other tools' exports, older Praat


def test_elan_export():
    # ELAN: UTF-8, CRLF, "item[1]:", "intervals [1]" without colon, no trailing spaces, texts over several lines
    doc = parse("elan_export.TextGrid")
    assert turns(doc) == [
        ("Enq.", "et vous êtes arrivé\nquand dans le quartier ?", 0.0, 1.2),
        # lines kept as lines, the blank one dropped, runs of spaces squeezed, "" read as "
        ("Marc", 'il y a dix ans\non disait "le Plateau" à l\'époque', 1.5, 5.25),
        ("Enq.", "d'accord", 5.0, 8.0),
    ]
    # "Enq." alone keeps its name and gives the role
    assert doc.speakers == {"Enq.": {"role": "interviewer"}, "Marc": {}}
    assert events(doc) == [("comment", "enregistrement dans un café", 2, 4.0, 8.0, None),
                           ("vocal", "toux", 3, 5.25, 8.0, "Marc")]
    assert [e.line for e in doc.events] == [59, 45]
    assert doc.layout == "long"


def test_old_praat_short_file_with_backslash_codes():
    # Praat 4: "ooTextFile short" then "TextGrid", ASCII with \e' for é, \c, for ç, \a` for à, \oe for œ
    doc = parse("praat4_short.TextGrid")
    assert turns(doc) == [("ENQ", "vous étiez déléguée ?", 0.0, 2.5),
                          ("Loc1", "oui, ça fait à peu près dix ans, j'y ai mis tout mon cœur", 2.6, 6.0)]
    assert doc.speakers == {"ENQ": {"role": "interviewer"}, "Loc1": {}}
    assert doc.layout == "short" and doc.events == []


def test_free_layout_with_comments():
    # Praat reads numbers, texts and flags and skips the rest: units after numbers, "!" comments
    text = (HEAD + "! the grid\n0s 4s <exists> 1\n"
            '"IntervalTier" "Ana" 0 4 2 ! class, name, xmin, xmax, size\n'
            '0 1.5 "oui ! bien sûr" ! a "!" inside a text is text\n1.5 4 ""\n')
    (doc,) = parse_textgrid(text, path="x.TextGrid")
    assert turns(doc) == [("Ana", "oui ! bien sûr", 0.0, 1.5)]
    assert doc.layout == "short"


def test_unnormalised_text_crlf_and_bom():
    # a caller that did not go through read_text: CRLF, a BOM
    text = "\ufeff" + grid(("Ana", [(0, 2, "bonjour"), (2, 10, "")])).replace("\n", "\r\n")
    (doc,) = parse_textgrid(text, path="x.TextGrid")
    assert turns(doc) == [("Ana", "bonjour", 0.0, 2.0)] and doc.layout == "long"


def test_no_tiers():
    (doc,) = parse_textgrid(HEAD + "xmin = 0 \nxmax = 3 \ntiers? <absent> \n", path="x.TextGrid")
    assert doc.turns == [] and doc.events == [] and doc.speakers == {}


# ---------------------------------------------------------------------------
# turns


def test_empty_intervals_are_not_turns():
    doc = one(("Ana", [(0, 1, ""), (1, 2, "   "), (2, 3, "\n  \n"), (3, 4, "oui"), (4, 10, "")]))
    assert turns(doc) == [("Ana", "oui", 3.0, 4.0)]


def test_spaces_squeezed_and_trimmed():
    doc = one(("Ana", [(0, 1, "  oui   bien\t sûr "), (1, 2, "a\n\n  b  c\n"), (2, 10, "")]))
    assert [t.text for t in doc.turns] == ["oui bien sûr", "a\nb c"]


def test_turns_of_all_tiers_in_time_order_overlaps_kept():
    doc = one(("Ana", [(0, 2, "a1"), (2, 5, ""), (5, 7, "a2"), (7, 10, "")]),
              ("Bo", [(0, 1, ""), (1, 3, "b1"), (3, 5, "b2"), (5, 9, "b3"), (9, 10, "")]))
    # Bo speaks over Ana (1-2); at 5 both start: tier order
    assert turns(doc) == [("Ana", "a1", 0.0, 2.0), ("Bo", "b1", 1.0, 3.0), ("Bo", "b2", 3.0, 5.0),
                          ("Ana", "a2", 5.0, 7.0), ("Bo", "b3", 5.0, 9.0)]


def test_quotes_in_texts_and_tier_names():
    doc = one(('Le ""Doc""', [(0, 2, '""oui""'), (2, 4, 'il a dit ""non"".'), (4, 10, '""""')]))
    assert turns(doc) == [('Le "Doc"', '"oui"', 0.0, 2.0), ('Le "Doc"', 'il a dit "non".', 2.0, 4.0),
                          ('Le "Doc"', '""', 4.0, 10.0)]


def test_times_read_as_written():
    doc = one(("Ana", [(0, 0.000125, ""), (0.000125, "1.5e1", "oui"), ("1.5e1", 20, "")]), xmax=20)
    assert turns(doc) == [("Ana", "oui", 0.000125, 15.0)]


def test_same_name_on_two_tiers_is_one_speaker():
    doc = one(("Ana", [(0, 2, "un"), (2, 10, "")]), ("Ana", [(0, 3, ""), (3, 4, "deux"), (4, 10, "")]))
    assert turns(doc) == [("Ana", "un", 0.0, 2.0), ("Ana", "deux", 3.0, 4.0)] and doc.speakers == {"Ana": {}}


# ---------------------------------------------------------------------------
# speakers and roles


@pytest.mark.parametrize("name, label, role", [
    ("Marie (ENQ)", "Marie", "interviewer"),
    ("Marie (enq.)", "Marie", "interviewer"),
    ("Enq. Marie", "Marie", "interviewer"),
    ("Marie Enq.", "Marie", "interviewer"),
    ("Marie - ENQ", "Marie", "interviewer"),
    ("Enquêtrice Marie", "Marie", "interviewer"),
    ("Paul (Enquêteur)", "Paul", "interviewer"),
    ("Sophie, interviewer", "Sophie", "interviewer"),
    ("Paul (INT)", "Paul", "interviewer"),
    # a mark alone, or with a number, is the whole name
    ("ENQ", "ENQ", "interviewer"),
    ("Enq.", "Enq.", "interviewer"),
    ("INT", "INT", "interviewer"),
    ("ENQ1", "ENQ1", "interviewer"),
    ("Enq 2", "Enq 2", "interviewer"),
    ("Interviewer", "Interviewer", "interviewer"),
    ("Interviewer 2", "Interviewer 2", "interviewer"),
    # no mark: a speaker without a role
    ("speaker#2", "speaker#2", None),
    ("SPK1", "SPK1", None),
    ("Intervenant", "Intervenant", None),
    ("Enquête publique", "Enquête publique", None),
    ("Interviewée", "Interviewée", None),
    ("Marie  Dupont", "Marie Dupont", None),  # spaces squeezed
])
def test_interviewer_marks(name, label, role):
    doc = one((name, [(0, 2, "oui"), (2, 10, "")]))
    assert turns(doc) == [(label, "oui", 0.0, 2.0)]
    assert doc.speakers == {label: {"role": role} if role else {}}


def test_interviewer_mark_kept_when_another_tier_has_the_name():
    doc = one(("Marie (ENQ)", [(0, 2, "a"), (2, 10, "")]), ("Marie", [(0, 2, ""), (2, 3, "b"), (3, 10, "")]))
    assert [t.speaker for t in doc.turns] == ["Marie (ENQ)", "Marie"]
    assert doc.speakers == {"Marie (ENQ)": {"role": "interviewer"}, "Marie": {}}


def test_unnamed_tier_is_named_by_its_number():
    doc = one(("Ana", [(0, 1, "a"), (1, 10, "")]), ("", [(0, 1, ""), (1, 2, "b"), (2, 10, "")]))
    assert [t.speaker for t in doc.turns] == ["Ana", "tier 2"]


# ---------------------------------------------------------------------------
# tiers that are not speakers


@pytest.mark.parametrize("name", ["Turns", "tours", "COMMENTS", "Commentaires", "Sections", "Events", "Événements",
                                  "Notes", "Silences", "words", "Mots", "phones", "Syllabes", "Tokens",
                                  "Marie - words", "Marie - phones"])
def test_default_non_speaker_tiers(name):
    doc = one(("Ana", [(0, 1, "oui"), (1, 10, "")]), (name, [(0, 1, "x"), (1, 10, "")]))
    assert [t.speaker for t in doc.turns] == ["Ana"]
    assert list(doc.speakers) == ["Ana"]


def test_defaults_are_the_documented_names():
    assert {"Turns", "Comments", "Sections", "Events"} <= set(DEFAULT_NON_SPEAKER_TIERS)


@pytest.mark.parametrize("name, kind", [
    ("Comments", "comment"), ("Notes", "comment"), ("Remarques", "comment"), ("Bruits", "noise"),
    ("Noise", "noise"), ("Events", "event"), ("Événements", "event"),
])
def test_non_speaker_tier_events(name, kind):
    doc = one(("Ana", [(0, 2, "oui"), (2, 10, "")]), (name, [(0, 1, ""), (1, 3, "porte qui claque"), (3, 10, "")]))
    assert events(doc) == [(kind, "porte qui claque", 1, 1.0, 3.0, None)]


@pytest.mark.parametrize("name", ["Turns", "Sections", "Silences", "words"])
def test_other_non_speaker_tiers_are_skipped(name):
    doc = one(("Ana", [(0, 2, "oui"), (2, 10, "")]), (name, [(0, 2, "accueil"), (2, 10, "")]))
    assert turns(doc) == [("Ana", "oui", 0.0, 2.0)] and doc.events == []


def test_point_tier_gives_events_never_turns():
    doc = one(("Ana", [(0, 2, "oui"), (2, 10, "")]), ("Marie", [(1, "tape sur la table"), (4, ""), (9, "fin")]))
    # a point tier named like nothing known: kind "event"; a point without mark gives nothing
    assert events(doc) == [("event", "tape sur la table", 1, 1.0, 1.0, None), ("event", "fin", 1, 9.0, 9.0, None)]
    assert list(doc.speakers) == ["Ana"]


def test_non_speaker_tiers_option_replaces_the_defaults():
    tiers = (("Ana", [(0, 2, "oui"), (2, 10, "")]), ("Interprète", [(0, 2, "yes"), (2, 10, "")]),
             ("Comments", [(0, 3, ""), (3, 4, "rires"), (4, 10, "")]))
    doc = one(*tiers, options={"non_speaker_tiers": ["interprète"]})  # compared ignoring case
    assert turns(doc) == [("Ana", "oui", 0.0, 2.0), ("Comments", "rires", 3.0, 4.0)]
    doc = one(*tiers, options={"non_speaker_tiers": "INTERPRÈTE"})  # one name
    assert [t.speaker for t in doc.turns] == ["Ana", "Comments"]
    doc = one(*tiers, options={"non_speaker_tiers": []})  # none: every interval tier speaks
    assert [t.speaker for t in doc.turns] == ["Ana", "Interprète", "Comments"]
    doc = one(*tiers, options={"non_speaker_tiers": None})  # not set: the defaults
    assert [t.speaker for t in doc.turns] == ["Ana", "Interprète"]
    assert events(doc) == [("comment", "rires", 2, 3.0, 4.0, None)]


@pytest.mark.parametrize("value", [5, True, {"a": 1}, [["Comments"]]])
def test_non_speaker_tiers_option_of_the_wrong_kind(value):
    with pytest.raises(ManifestError, match="RK-C03") as info:
        one(("Ana", [(0, 2, "oui"), (2, 10, "")]), options={"non_speaker_tiers": value})
    assert info.value.path == "x.TextGrid" and "non_speaker_tiers" in info.value.message


# ---------------------------------------------------------------------------
# events in speakers' tiers


@pytest.mark.parametrize("text, expected", [
    ("[rire]", [("laughter", "rire")]),
    ("(rires)", [("laughter", "rires")]),
    ("<rit>", [("laughter", "rit")]),
    ("[toux] [rire]", [("vocal", "toux"), ("laughter", "rire")]),
    ("[applaudissements]", [("applause", "applaudissements")]),
    ("(soupir)", [("vocal", "soupir")]),
    ("(pause)", [("pause", "pause")]),
    ("(...)", [("pause", "...")]),
    ("(2.5)", [("pause", "2.5")]),
    ("[musique]", [("background", "musique")]),
    ("<bruit de porte>", [("noise", "bruit de porte")]),
    ("[  inaudible ]", [("comment", "inaudible")]),
    ("(inaudible)", [("comment", "inaudible")]),
    ("[xxx]", [("comment", "xxx")]),
])
def test_notes_alone_are_events(text, expected):
    doc = one(("Ana", [(0, 1, "oui"), (1, 3, text), (3, 10, "")]))
    assert turns(doc) == [("Ana", "oui", 0.0, 1.0)]
    assert events(doc) == [(kind, note, 1, 1.0, 3.0, "Ana") for kind, note in expected]


@pytest.mark.parametrize("text", ["oui [rire] d'accord", "[rire] oui", "(oui)", "(d'accord) (bon)", "[rire] (oui)"])
def test_notes_with_speech_stay_in_the_text(text):
    # "(oui)" is a doubtful hearing: speech
    doc = one(("Ana", [(0, 3, text), (3, 10, "")]))
    assert turns(doc) == [("Ana", text, 0.0, 3.0)] and doc.events == []


def test_event_positions_before_and_after_the_turns():
    doc = one(("Ana", [(0, 1, "[toux]"), (1, 3, "oui"), (3, 4, "non"), (4, 6, "[rire]"), (6, 10, "")]),
              ("Bruits", [(0.5, "porte"), (3, "bip")]))
    # 0: before the first turn; an event starting with a turn (3) comes after it
    assert [(e.text, e.position) for e in doc.events] == [("toux", 0), ("porte", 0), ("bip", 2), ("rire", 2)]
    # lines: Ana's intervals 1 and 4 start on lines 16 and 28; tier 2's "item [2]:" is on line 9 + 6 + 4 * 5 = 35,
    # its points' "number =" on lines 35 + 7 and 35 + 10
    assert [e.line for e in doc.events] == [16, 42, 45, 28]


# ---------------------------------------------------------------------------
# malformed files


def test_overlap_on_one_tier():
    e = file_error("bad_overlap.TextGrid", "RK-R43")
    assert e.line == 38  # "xmin = 4" of Paul's interval 3
    assert 'tier 2 ("Paul")' in e.message and "interval 3" in e.message and "overlap" in e.message
    assert "4 s" in e.message and "5 s" in e.message


def test_intervals_out_of_order():
    e = file_error("bad_order.TextGrid", "RK-R43")
    assert e.line == 19  # the short layout's "1", start of interval 3
    assert "out of order" in e.message and "interval 3" in e.message and "1 s" in e.message and "3 s" in e.message


def test_interval_ending_before_it_starts():
    e = file_error("bad_end_before_start.TextGrid", "RK-R42")
    assert e.line == 20 and "interval 2" in e.message and "xmax = 2.5" in e.message and "xmin = 3" in e.message


def test_not_a_textgrid():
    e = file_error("bad_not_textgrid.TextGrid", "RK-R40")
    assert e.line == 1 and '"ENQ : Bonjour, on commence ?"' in e.message and 'File type = "ooTextFile"' in e.message


def test_truncated_file():
    e = file_error("bad_truncated.TextGrid", "RK-R41")
    assert e.line == 21  # the last line: "xmax = 7" of interval 2, whose text is missing
    assert '"text = …"' in e.message and "interval 2" in e.message and "end of the file" in e.message
    assert "cut short" in e.hint


def test_unterminated_quote_in_the_middle():
    # the text of line 22 lacks its closing quote: it takes the next lines, and the error is found further down
    e = file_error("bad_quote.TextGrid", "RK-R41")
    assert e.line == 22 and '"intervals [3]:"' in e.message and 'closing "' in e.message


def test_unterminated_quote_at_the_end():
    text = grid(("Ana", [(0, 2, "oui"), (2, 10, "et puis")]))
    e = error(text[:text.rindex('"')], "RK-R41")  # the file ends inside the text of interval 2, line 22
    assert e.line == 22 and "ends inside this text" in e.message


def test_unterminated_quote_in_the_short_layout():
    text = (HEAD + '0\n10\n<exists>\n1\n"IntervalTier"\n"Ana"\n0\n10\n3\n0\n2\n"oui"\n2\n4\n"et puis\n'
            '4\n10\n""\n')
    e = error(text, "RK-R41")
    assert e.line == 18 and '"4"' in e.message


def test_single_quote_inside_a_text():
    text = grid(("Ana", [(0, 2, 'il dit "non" alors'), (2, 10, "")]))
    e = error(text, "RK-R41")
    assert e.line == 18 and '"il dit"' in e.message and '"alors"' in e.message and '""' in e.hint


@pytest.mark.parametrize("text, line, said", [
    # another Praat object, or another kind of TextGrid
    ('File type = "ooTextFile"\nObject class = "Pitch 1"\n\nxmin = 0 \n', 2, '"Pitch 1"'),
    ('"Praat chronological TextGrid text file"\n0 4   ! Time domain.\n', 1, "chronological"),
    ('File type = "ooBinaryFile"\nObject class = "TextGrid"\n', 1, "binary"),
    ("\n\nWEBVTT\n\n00:00.000 --> 00:01.000\noui\n", 3, '"WEBVTT"'),
    ("  \n\n", 1, "blanks"),
])
def test_not_a_text_textgrid(text, line, said):
    e = error(text, "RK-R40")
    assert e.line == line and said in e.message


def test_missing_field_in_the_long_layout():
    text = grid(("Ana", [(0, 2, "oui"), (2, 10, "non")]))
    lines = text.split("\n")
    del lines[17]  # the text of interval 1 (line 18)
    e = error("\n".join(lines), "RK-R41")
    # found where it is missing: the next value, "xmin = 2" of interval 2, now on line 19
    assert e.line == 19 and '"text = …"' in e.message and "interval 1" in e.message and "xmin = 2" in e.message


@pytest.mark.parametrize("old, new, line, said", [
    ("xmin = 2 ", "xmin = 2,5 ", 20, "decimal comma"),  # a French decimal comma
    ("xmin = 2 ", "xmin = deux ", 20, '"xmin = deux"'),
    ("xmax = 10 \ntiers", "xmax = \ntiers", 5, '"xmax ="'),
    ('class = "IntervalTier"', 'class = "Tier"', 10, '"Tier"'),
    ("intervals: size = 2", "intervals: size = 1.5", 14, "1.5"),
    ("intervals: size = 2", "intervals: size = 1", 20, "goes on after its last tier"),  # at interval 2's xmin
])
def test_values_not_of_their_kind(old, new, line, said):
    text = grid(("Ana", [(0, 2, "oui"), (2, 10, "non")]))
    assert old in text
    e = error(text.replace(old, new, 1), "RK-R41")
    assert e.line == line and said in e.message


def test_tier_and_grid_ending_before_they_start():
    text = grid(("Ana", [(0, 2, "oui"), (2, 10, "")]))
    e = error(text.replace("        xmax = 10 ", "        xmax = -1 ", 1), "RK-R42")
    assert e.line == 12 and 'tier 1 ("Ana")' in e.message  # the tier's "xmin = 0"
    e = error(text.replace("xmin = 0 \nxmax = 10 ", "xmin = 20 \nxmax = 10 ", 1), "RK-R42")
    assert e.line == 4 and "the TextGrid ends" in e.message


def test_empty_intervals_count_in_the_order():
    # a silence overlapping the speech before it is an overlap too (interval 2's xmin on line 20)
    e = error(grid(("Ana", [(0, 5, "oui"), (4, 6, ""), (6, 10, "non")])), "RK-R43")
    assert e.line == 20 and "interval 2" in e.message
    e = error(grid(("Ana", [(0, 5, ""), (5, 6, ""), (1, 10, "non")])), "RK-R43")  # interval 3's xmin, line 24
    assert e.line == 24 and "out of order" in e.message


def test_boundaries_a_rounding_apart_are_one():
    # other tools write boundaries rounded differently: 2.0000001 after 2.0000003 is no overlap
    doc = one(("Ana", [(0, "2.0000003", "oui"), ("2.0000001", 10, "non")]))
    assert [t.text for t in doc.turns] == ["oui", "non"]


# ---------------------------------------------------------------------------
# through the corpus builder


def test_file_through_the_corpus_builder():
    path = TEXTGRID / "entretien_long.TextGrid"
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    corpus = read_transcript(path)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
    turns_ = corpus.turns
    assert turns_["speaker"].tolist() == ["Claire", "speaker#2", "Claire", "speaker#2"]
    assert turns_["role"].fillna("-").tolist() == ["interviewer", "-", "interviewer", "-"]
    assert turns_["start_s"].tolist() == [0.8, 3.1, 7.4, 9.5]
    assert turns_["end_s"].tolist() == [3.25, 7.0, 9.6, 12.5]
    assert turns_["text"].iloc[0] == 'Bonjour, merci d\'être venue. On parle du "budget participatif" ?'
    ev = corpus.events
    assert ev["kind"].tolist() == ["noise", "laughter", "comment", "noise"]
    # position p is in or after turn p - 1
    assert ev["turn"].tolist() == [0, 1, 1, 3]
    assert ev["speaker"].fillna("-").tolist() == ["-", "Claire", "-", "-"]
    documents = corpus.documents
    assert documents["format"].tolist() == ["textgrid"] and documents["layout"].tolist() == ["long"]
    assert documents["doc_id"].tolist() == ["entretien_long"]
    assert FORMATS["textgrid"].suffixes == (".textgrid",)


def test_utf16_le_crlf_file_through_the_corpus_builder():
    corpus = read_transcript(TEXTGRID / "entretien_long_utf16le.TextGrid")
    assert corpus.turns["text"].tolist() == [t[1] for t in INTERVIEW_TURNS]


def test_malformed_file_is_a_problem_row_when_collecting():
    corpus = read_transcript(TEXTGRID / "bad_overlap.TextGrid", errors="collect")
    problems = corpus.problems
    assert problems["code"].tolist() == ["RK-R43"]
    assert problems["line"].tolist() == [38] and problems["path"].tolist() == ["bad_overlap.TextGrid"]
    assert corpus.turns.empty


def test_folder_collecting_reads_the_other_files(tmp_path):
    for name in ("entretien_long.TextGrid", "bad_quote.TextGrid", "bad_truncated.TextGrid"):
        (tmp_path / name).write_bytes((TEXTGRID / name).read_bytes())
    # a document's setting reaches the reader: here the Comments tier is a speaker
    (tmp_path / "corpus.yml").write_text("documents:\n  entretien_long.TextGrid:\n    non_speaker_tiers: [Sections]\n",
                                         encoding="utf-8")
    corpus = read_corpus(tmp_path, errors="collect")
    problems = corpus.problems.sort_values("path")
    assert problems["path"].tolist() == ["bad_quote.TextGrid", "bad_truncated.TextGrid"]
    assert problems["code"].tolist() == ["RK-R41", "RK-R41"] and problems["line"].tolist() == [22, 21]
    assert corpus.turns["speaker"].tolist() == ["Claire", "speaker#2", "Comments", "Claire", "speaker#2"]
    assert corpus.documents["doc_id"].tolist() == ["entretien_long"]
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["bad_quote.TextGrid", "bad_truncated.TextGrid",
                                                                "corpus.yml", "entretien_long.TextGrid"]
