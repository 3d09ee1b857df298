"""ELAN (``.eaf``) transcripts: files as ELAN 2.8 and 3.0 save them, and small hand-made ones."""

import os
import warnings
from pathlib import Path

import pytest

from research_kit.corpus import read_transcript
from research_kit.errors import InputFileError
from research_kit.readers import EVENT_KINDS, ParsedTurn
from research_kit.readers.eaf import parse_eaf

DATA = Path(__file__).parent.parent / "data" / "eaf"

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-05-02T14:31:07+02:00" FORMAT="3.0" VERSION="3.0" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">\n'
        '    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">\n'
        '        <PROPERTY NAME="lastUsedAnnotationId">40</PROPERTY>\n'
        "    </HEADER>\n")
TYPES = "".join(
    f'    <LINGUISTIC_TYPE {constraint}GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="{ident}" '
    f'TIME_ALIGNABLE="{alignable}"/>\n'
    for ident, constraint, alignable in (
        ("default-lt", "", "true"),
        ("mots", 'CONSTRAINTS="Symbolic_Subdivision" ', "false"),
        ("assoc", 'CONSTRAINTS="Symbolic_Association" ', "false"),
        ("temps", 'CONSTRAINTS="Time_Subdivision" ', "true"),
        ("inclus", 'CONSTRAINTS="Included_In" ', "true"),
    ))


def read(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a file as ELAN writes it warns nothing
        (doc,) = parse_eaf(DATA / name, path=name)
    return doc


def slots(*values) -> str:
    """<TIME_ORDER> of slots ts1, ts2… with these milliseconds (None: an unaligned slot)."""
    rows = [f'        <TIME_SLOT TIME_SLOT_ID="ts{i}"' + ("" if v is None else f' TIME_VALUE="{v}"') + "/>\n"
            for i, v in enumerate(values, 1)]
    return "    <TIME_ORDER>\n" + "".join(rows) + "    </TIME_ORDER>\n"


def tier(tier_id, *annotations, participant="", parent=None, type="default-lt", extra=""):
    parent_ref = f' PARENT_REF="{parent}"' if parent else ""
    return (f'    <TIER{extra} LINGUISTIC_TYPE_REF="{type}"{parent_ref} PARTICIPANT="{participant}" '
            f'TIER_ID="{tier_id}">\n' + "".join(annotations) + "    </TIER>\n")


def aligned(aid, ts1, ts2, value=""):
    return (f'        <ANNOTATION>\n            <ALIGNABLE_ANNOTATION ANNOTATION_ID="{aid}" TIME_SLOT_REF1="{ts1}" '
            f'TIME_SLOT_REF2="{ts2}">\n                <ANNOTATION_VALUE>{value}</ANNOTATION_VALUE>\n'
            "            </ALIGNABLE_ANNOTATION>\n        </ANNOTATION>\n")


def ref(aid, to, value, previous=None):
    prev = f' PREVIOUS_ANNOTATION="{previous}"' if previous else ""
    return (f'        <ANNOTATION>\n            <REF_ANNOTATION ANNOTATION_ID="{aid}" ANNOTATION_REF="{to}"{prev}>\n'
            f"                <ANNOTATION_VALUE>{value}</ANNOTATION_VALUE>\n"
            "            </REF_ANNOTATION>\n        </ANNOTATION>\n")


def eaf(time_order, *tiers, types=TYPES, head=HEAD, after="") -> bytes:
    return (head + time_order + "".join(tiers) + types + after + "</ANNOTATION_DOCUMENT>\n").encode("utf-8")


def one(time_order, *tiers, options=None, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (doc,) = parse_eaf(eaf(time_order, *tiers, **kwargs), path="x.eaf", options=options)
    return doc


def line_of(data: bytes, needle: str) -> int:
    return data[:data.index(needle.encode("utf-8"))].count(b"\n") + 1


def eaf_error(code, data, *, needle=None):
    """The error of reading ``data``; with ``needle``, check that it names the line holding it."""
    with pytest.raises(InputFileError, match=code) as info:
        parse_eaf(data, path="x.eaf")
    e = info.value
    assert e.path == "x.eaf" and e.hint
    if needle is not None:
        assert e.line == line_of(data, needle)
    return e


def file_error(name, code):
    with pytest.raises(InputFileError, match=code) as info:
        parse_eaf(DATA / name, path=name)
    e = info.value
    assert e.path == name and e.hint
    return e


def events(doc):
    return [(e.kind, e.text, e.position, e.start_s, e.end_s, e.speaker) for e in doc.events]


TWO = slots(0, 1500)
UTTERANCE = aligned("a1", "ts1", "ts2")  # an empty utterance, its words on a dependent tier


# ---------------------------------------------------------------------------
# an interview as ELAN 3.0 saves it: an interviewer, two participants, tokens,
# a translation, notes and comments, time slots out of order


def test_interview_turns():
    doc = read("entretien.eaf")
    assert doc.turns == [
        ParsedTurn("Sophie", "Bonjour à tous les deux. Alors, on commence : vous êtes arrivés quand dans le quartier ?",
                   0.0, 3.2),
        # an empty utterance: its words (Symbolic_Subdivision), in PREVIOUS_ANNOTATION order, not file order
        ParsedTurn("Karim", "On est arrivés en 2012 je crois.", 3.5, 8.0),
        # Lucie's tier has no PARTICIPANT: the tier's id; she and Karim speak at once
        ParsedTurn("Lucie", "Moi un peu après, en 2013… ben oui.", 8.5, 12.5),
        # an utterance with its own value keeps it (its words are not added)
        ParsedTurn("Karim", "Oui, c'est ça, avec les enfants.", 9.0, 12.0),
        ParsedTurn("Sophie", "hm", 11.0, 11.0),  # starts and ends at once
        # Sophie's empty annotation at 15.5 is no turn; Lucie's "(rires)" is an event
        ParsedTurn("Lucie", "Le marché du samedi, la rue piétonne [rires] et puis les voisins.", 18.0, 20.5),
        ParsedTurn("Sophie", "Et aujourd'hui, qu'est-ce qui a changé ?", 21.0, 24.5),
        ParsedTurn("Karim", "Les loyers ont augmenté, ça c'est sûr.", 22.0, 26.0),
    ]
    # the English translation (Symbolic_Association) is neither text nor turn
    assert not any("children" in t.text or "2012, I" in t.text for t in doc.turns)


def test_interview_speakers():
    doc = read("entretien.eaf")
    # "(ENQ)" in the PARTICIPANT: the role, out of the label; LANG_REF="fra" -> fr
    assert doc.speakers == {"Sophie": {"role": "interviewer", "annotator": "CL", "language": "fr"},
                            "Karim": {"language": "fr"}, "Lucie": {"language": "fr"}}


def test_interview_events():
    doc = read("entretien.eaf")
    assert events(doc) == [
        ("laughter", "rires", 5, 13.0, 14.0, "Lucie"),  # a speaker's annotation that is only "(rires)"
        ("noise", "porte qui claque", 5, 15.0, 15.4, None),  # the "Événements" tier (values from a vocabulary)
        ("comment", "l'enquêtrice consulte ses notes", 5, 16.0, 16.8, None),  # the "Commentaires" tier
        ("comment", "parle plus bas", 8, 22.0, 26.0, None),  # "Notes-Karim", with the times of Karim's annotation
        ("event", "arrivée du chat", 8, 27.0, 27.5, None),
    ]
    assert all(e.kind in EVENT_KINDS for e in doc.events)
    assert [e.line for e in doc.events] == [82, 167, 160, 153, 172]


def test_interview_variables():
    doc = read("entretien.eaf")
    # the speakers' tiers are in French; the media's path (with the participants' names) is not kept
    assert doc.variables == {"language": "fr"}
    assert doc.layout == "eaf" and doc.title is None and doc.suffix is None


# ---------------------------------------------------------------------------
# a meeting as ELAN 2.8 saved it: unaligned time slots, a time subdivision,
# an Included_In tier, a "default" tier, accents written decomposed


def test_meeting_turns():
    doc = read("reunion.eaf")
    assert doc.turns == [
        # the words of a Time_Subdivision whose inner boundaries are unaligned, in time order
        ParsedTurn("Hélène Côté", "Bonsoir à toutes et tous.", 0.0, 4.0),
        # lines kept, spaces squeezed, "e" + combining grave is "è" (NFC)
        ParsedTurn("Hélène Côté", "Premier point :\nle procès-verbal de la dernière séance.", 4.2, 8.0),
        ParsedTurn("Karim Benali", "Je propose qu'on l'adopte tel quel, ça me va.", 5.0, 9.0),
        ParsedTurn(None, "oui oui", 9.5, 10.0),  # ELAN's "default" tier names nobody
        ParsedTurn("Hélène Côté", "Adopté à l'unanimité. On passe à l'œuvre de Mme Lefèvre.", 11.0, 14.0),
    ]
    assert "\u0300" not in doc.turns[1].text


def test_meeting_events_speakers_and_variables():
    doc = read("reunion.eaf")
    assert events(doc) == [
        ("laughter", "rire", 3, 6.2, 6.8, "Karim Benali"),  # "Rires-Karim", Included_In Karim's tier
        ("comment", "inaudible", 4, 10.0, 10.5, None),
    ]
    # the "Sections" tier is neither turns nor events; DEFAULT_LOCALE="en" (ELAN's default) is not a language
    assert doc.speakers == {"Hélène Côté": {}, "Karim Benali": {}}
    assert doc.variables == {}


@pytest.mark.parametrize("name", ["entretien.eaf", "reunion.eaf"])
def test_file_is_never_written(name):
    path = DATA / name
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    parse_eaf(path, path=name)
    parse_eaf(str(path), path=name)  # a str path too
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


# ---------------------------------------------------------------------------
# the details, on small files


def test_eaf_2_7_root():
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<ANNOTATION_DOCUMENT AUTHOR="unspecified" '
            'DATE="2006-06-13T15:09:43+01:00" FORMAT="2.7" VERSION="2.7" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv2.7.xsd">\n'
            '    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>\n')
    doc = one(TWO, tier("Ana", aligned("a1", "ts1", "ts2", "oui")), head=head)
    assert doc.turns == [ParsedTurn("Ana", "oui", 0.0, 1.5)] and doc.variables == {}


def test_namespaced_document():
    head = HEAD.replace("<ANNOTATION_DOCUMENT ", '<ANNOTATION_DOCUMENT xmlns="http://www.mpi.nl/tools/elan/EAF" ')
    doc = one(TWO, tier("Ana", aligned("a1", "ts1", "ts2", "oui")), head=head)
    assert doc.turns == [ParsedTurn("Ana", "oui", 0.0, 1.5)]


def test_unaligned_slots_of_a_top_level_tier_are_placed_between_their_neighbours():
    doc = one(slots(1000, None, None, 4000), tier("Ana", aligned("a1", "ts1", "ts2", "un"),
                                                  aligned("a2", "ts3", "ts4", "deux")))
    assert [(t.start_s, t.end_s) for t in doc.turns] == [(1.0, 2.0), (3.0, 4.0)]


def test_unaligned_slot_between_slots_out_of_order_takes_the_one_before():
    doc = one(slots(5000, None, 2000, 9000), tier("Ana", aligned("a1", "ts1", "ts2", "un"),
                                                  aligned("a2", "ts3", "ts4", "deux")))
    assert [(t.start_s, t.end_s) for t in doc.turns] == [(2.0, 9.0), (5.0, 5.0)]


def test_file_without_any_time_value():
    doc = one(slots(None, None), tier("Ana", aligned("a1", "ts1", "ts2", "oui")))
    assert doc.turns == [ParsedTurn("Ana", "oui", None, None)]


def test_turns_of_several_tiers_at_one_start_keep_the_tiers_order():
    doc = one(slots(0, 2000, 1000), tier("Ben", aligned("a1", "ts1", "ts2", "b")),
              tier("Ana", aligned("a2", "ts1", "ts3", "a")))
    assert [(t.speaker, t.start_s, t.end_s) for t in doc.turns] == [("Ben", 0.0, 2.0), ("Ana", 0.0, 1.0)]


def test_pal_frames():
    head = HEAD.replace('TIME_UNITS="milliseconds"', 'TIME_UNITS="PAL-frames"')
    doc = one(slots(25, 75), tier("Ana", aligned("a1", "ts1", "ts2", "oui")), head=head)
    assert (doc.turns[0].start_s, doc.turns[0].end_s) == (1.0, 3.0)


def test_words_follow_their_links_when_the_file_lists_them_otherwise():
    doc = one(TWO, tier("Ana", UTTERANCE),
              tier("mots", ref("w3", "a1", "trois", "w2"), ref("w1", "a1", "un"), ref("w2", "a1", "deux", "w1"),
                   parent="Ana", type="mots"))
    assert doc.turns == [ParsedTurn("Ana", "un deux trois", 0.0, 1.5)]


def test_words_whose_links_break_keep_the_file_order():
    doc = one(TWO, tier("Ana", UTTERANCE),
              tier("mots", ref("w2", "a1", "deux", "w9"), ref("w1", "a1", "un"), ref("w3", "a1", "trois", "w2"),
                   parent="Ana", type="mots"))
    assert doc.turns[0].text == "un deux trois"  # w1 has no link; w2 names no part; w3 follows w2


def test_words_of_words_and_phones_left_aside():
    doc = one(TWO, tier("Ana", UTTERANCE),
              tier("phones", ref("p1", "a1", "w i"), parent="Ana", type="mots"),
              tier("groupes", ref("g1", "a1", ""), ref("g2", "a1", "", "g1"), parent="Ana", type="mots"),
              tier("mots", ref("w1", "g1", "bon"), ref("w2", "g1", "ben", "w1"), ref("w3", "g2", "voilà"),
                   parent="groupes", type="mots"))
    assert doc.turns[0].text == "bon ben voilà"


def test_included_in_words_in_time_order():
    doc = one(slots(0, 3000, 200, 900, 1000, 2500), tier("Ana", aligned("a1", "ts1", "ts2")),
              tier("mots", aligned("w2", "ts5", "ts6", "voilà"), aligned("w1", "ts3", "ts4", "bon"),
                   parent="Ana", type="inclus"))
    assert doc.turns == [ParsedTurn("Ana", "bon voilà", 0.0, 3.0)]


def test_an_association_is_not_joined_into_an_empty_utterance():
    doc = one(TWO, tier("Ana", UTTERANCE), tier("Traduction", ref("t1", "a1", "hello"), parent="Ana", type="assoc"))
    assert doc.turns == [] and doc.events == []


def test_comment_of_an_included_in_tier_with_unaligned_end():
    doc = one(slots(0, 4000, 1000, None, 3000), tier("Ana", aligned("a1", "ts1", "ts2", "bon")),
              tier("Ana-commentaires", aligned("c1", "ts3", "ts4", "hésite"), parent="Ana", type="inclus"))
    assert events(doc) == [("comment", "hésite", 1, 1.0, 2.0, None)]


def test_dependent_annotation_is_kept_inside_its_parent():
    # the unaligned end (ts4) is placed between 1000 and 9000 ms: 5 s, after the utterance's end
    doc = one(slots(0, 2000, 1000, None, 9000), tier("Ana", aligned("a1", "ts1", "ts2", "bon")),
              tier("Ana-notes", aligned("c1", "ts3", "ts4", "hésite"), parent="Ana", type="inclus"))
    assert events(doc) == [("comment", "hésite", 1, 1.0, 2.0, None)]


def test_dependent_annotation_outside_every_parent_is_left_out():
    doc = one(slots(0, 1000, 3000, 4000), tier("Ana", aligned("a1", "ts1", "ts2", "bon")),
              tier("Ana-notes", aligned("c1", "ts3", "ts4", "hors de tout"), parent="Ana", type="inclus"))
    assert doc.events == []


def test_speaker_names_in_dependent_tiers_are_not_read_as_kinds():
    # "McLaughlin" holds "laugh", "Soundarya" "sound": their translations are not events
    doc = one(TWO, tier("McLaughlin", aligned("a1", "ts1", "ts2", "yes")),
              tier("Traduction-McLaughlin", ref("t1", "a1", "oui"), parent="McLaughlin", type="assoc"),
              tier("Soundarya", aligned("a2", "ts1", "ts2", "no")),
              tier("Soundarya_tr", ref("t2", "a2", "non"), parent="Soundarya", type="assoc"))
    assert doc.events == [] and [t.speaker for t in doc.turns] == ["McLaughlin", "Soundarya"]


def test_laughter_tier_of_a_speaker():
    doc = one(TWO, tier("Ana", aligned("a1", "ts1", "ts2", "oui")),
              tier("Ana-rires", ref("r1", "a1", "rire bref"), parent="Ana", type="assoc"))
    assert events(doc) == [("laughter", "rire bref", 1, 0.0, 1.5, "Ana")]


@pytest.mark.parametrize("value, expected", [
    ("[toux] [rire]", [("vocal", "toux"), ("laughter", "rire")]),
    ("(applaudissements)", [("applause", "applaudissements")]),
    ("&lt;bruit&gt;", [("noise", "bruit")]),
    ("(...)", [("pause", "...")]),
])
def test_annotations_of_notes_only_are_events(value, expected):
    doc = one(TWO, tier("Ana", aligned("a1", "ts1", "ts2", value)))
    assert doc.turns == [] and [(e.kind, e.text, e.speaker) for e in doc.events] == [(k, t, "Ana") for k, t in expected]


def test_a_doubtful_hearing_in_parentheses_is_speech():
    doc = one(TWO, tier("Ana", aligned("a1", "ts1", "ts2", "(oui)")))
    assert doc.turns == [ParsedTurn("Ana", "(oui)", 0.0, 1.5)] and doc.events == []


def test_events_tier_values_say_their_kind():
    doc = one(slots(0, 1000, 2000), tier("Ana", aligned("a1", "ts1", "ts2", "oui")),
              tier("Bruits", aligned("b1", "ts1", "ts2", "applaudissements"), aligned("b2", "ts2", "ts3", "moteur")))
    assert [(e.kind, e.text) for e in doc.events] == [("applause", "applaudissements"), ("noise", "moteur")]


@pytest.mark.parametrize("participant, tier_id, label, role", [
    ("Sophie (ENQ)", "S", "Sophie", "interviewer"),
    ("", "Enq. Martin", "Martin", "interviewer"),
    ("Marc", "Enquêteur", "Marc", "interviewer"),  # the mark in the tier's id, the name in PARTICIPANT
    ("", "Interviewer", "Interviewer", "interviewer"),
    ("", "Interviewer 2", "Interviewer 2", "interviewer"),
    ("", "ENQ", "ENQ", "interviewer"),
    ("", "INT", "INT", "interviewer"),
    ("Paul", "Paul", "Paul", None),
    ("", "default", None, None),
    ("Ana", "default", "Ana", None),
])
def test_speaker_labels_and_roles(participant, tier_id, label, role):
    doc = one(TWO, tier(tier_id, aligned("a1", "ts1", "ts2", "oui"), participant=participant))
    assert doc.turns[0].speaker == label
    assert doc.speakers == ({} if label is None else {label: {"role": role} if role else {}})


def test_two_tiers_of_one_participant_are_one_speaker():
    doc = one(slots(0, 1000, 2000), tier("Ana-1", aligned("a1", "ts1", "ts2", "un"), participant="Ana"),
              tier("Ana-2", aligned("a2", "ts2", "ts3", "deux"), participant="Ana", extra=' ANNOTATOR="JB"'))
    assert [t.speaker for t in doc.turns] == ["Ana", "Ana"] and doc.speakers == {"Ana": {"annotator": "JB"}}


@pytest.mark.parametrize("tier_id, type_id", [
    ("Commentaires", "default-lt"), ("Translation", "default-lt"), ("Topics", "default-lt"),
    ("Ana - words", "default-lt"), ("words@Ana", "default-lt"), ("C1", "Notes"),
])
def test_tiers_that_are_not_speakers(tier_id, type_id):
    types = TYPES + '    <LINGUISTIC_TYPE GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="Notes" TIME_ALIGNABLE="true"/>\n'
    doc = one(TWO, tier(tier_id, aligned("a1", "ts1", "ts2", "texte"), type=type_id), types=types)
    assert doc.turns == [] and doc.speakers == {}


def test_non_speaker_tiers_option_replaces_the_defaults():
    xml = (TWO, tier("Marie", aligned("a1", "ts1", "ts2", "oui")), tier("Commentaires", aligned("a2", "ts1", "ts2",
                                                                                                  "bruit")))
    doc = one(*xml, options={"non_speaker_tiers": ["marie"]})
    # Marie is not a speaker; "Commentaires" no longer in the list: a speaker
    assert [t.speaker for t in doc.turns] == ["Commentaires"] and doc.events == []
    doc = one(*xml, options={"non_speaker_tiers": "Commentaires"})
    assert [t.speaker for t in doc.turns] == ["Marie"] and [e.kind for e in doc.events] == ["comment"]


@pytest.mark.parametrize("languages, refs, expected", [
    (["fra"], ["", ""], "fr"),  # one language declared, no tier names one
    (["fra", "eng"], ["fra", "fra"], "fr"),
    (["fra", "eng"], ["fra", "eng"], None),  # a bilingual exchange: detect it
    (["fra", "eng"], ["", ""], None),
    (["und"], ["", ""], None),
])
def test_language_variable(languages, refs, expected):
    after = "".join(f'    <LANGUAGE LANG_ID="{lang}" LANG_LABEL="{lang}"/>\n' for lang in languages)
    tiers = [tier(name, aligned(f"a{i}", "ts1", "ts2", "oui"), extra=f' LANG_REF="{r}"' if r else "")
             for i, (name, r) in enumerate(zip(("Ana", "Ben"), refs))]
    doc = one(TWO, *tiers, after=after)
    assert doc.variables.get("language") == expected


def test_tiers_that_are_not_read_are_not_checked():
    # the translation refers to nothing: it is not read
    doc = one(TWO, tier("Ana", aligned("a1", "ts1", "ts2", "oui")),
              tier("Traduction", ref("t1", "a99", "yes"), parent="Ana", type="assoc"))
    assert doc.turns == [ParsedTurn("Ana", "oui", 0.0, 1.5)]


# ---------------------------------------------------------------------------
# malformed files


def test_missing_time_slot():
    e = file_error("bad_missing_slot.eaf", "RK-R49")
    assert e.line == 19
    assert all(s in e.message for s in ('"ts5"', '"a2"', '"Marie"', "TIME_SLOT_REF2"))
    assert 'TIME_SLOT_ID="ts5"' in e.hint


def test_unknown_reference():
    e = file_error("bad_unknown_ref.eaf", "RK-R50")
    assert e.line == 26
    assert all(s in e.message for s in ('"a3"', '"Marie-mots"', '"a9"', '"Marie"'))


def test_end_before_start():
    e = file_error("bad_end_before_start.eaf", "RK-R51")
    assert e.line == 19 and "5.1 s" in e.message and "8.3 s" in e.message and '"a2"' in e.message


def test_no_tiers():
    e = file_error("bad_no_tiers.eaf", "RK-R48")
    assert e.line == 2 and "<TIER>" in e.message


def test_broken_xml():
    e = file_error("bad_broken.eaf", "RK-R35")
    assert e.line == 21


def test_not_an_elan_file():
    e = file_error("bad_not_elan.eaf", "RK-R37")
    assert "<preferences>" in e.message and "<ANNOTATION_DOCUMENT>" in e.message


def test_missing_time_slot_reference():
    data = eaf(TWO, tier("Ana", aligned("a1", "ts1", "ts2", "oui").replace(' TIME_SLOT_REF2="ts2"', "")))
    e = eaf_error("RK-R49", data, needle='ANNOTATION_ID="a1"')
    assert "no TIME_SLOT_REF2" in e.message


def test_time_slot_declared_twice():
    data = eaf(slots(0, 1500).replace('"ts2"', '"ts1"'), tier("Ana", aligned("a1", "ts1", "ts1", "oui")))
    e = eaf_error("RK-R49", data)
    assert e.line == line_of(data, 'TIME_VALUE="1500"') and '"ts1"' in e.message


def test_unknown_time_units():
    data = eaf(TWO, tier("Ana", aligned("a1", "ts1", "ts2", "oui")),
               head=HEAD.replace('TIME_UNITS="milliseconds"', 'TIME_UNITS="seconds"'))
    e = eaf_error("RK-R49", data, needle="<HEADER")
    assert '"seconds"' in e.message


@pytest.mark.parametrize("value", ["1.2.3", "-40", "douze", "inf"])
def test_time_value_that_is_not_a_time(value):
    data = eaf(slots(0, value), tier("Ana", aligned("a1", "ts1", "ts2", "oui")))
    e = eaf_error("RK-R35", data, needle=f'TIME_VALUE="{value}"')
    assert f'"{value}"' in e.message and '"ts2"' in e.message


def test_time_value_in_fractions_of_milliseconds():
    doc = one(slots(0, "1500.5"), tier("Ana", aligned("a1", "ts1", "ts2", "oui")))
    assert doc.turns[0].end_s == pytest.approx(1.5005)


def test_tier_without_id():
    data = eaf(TWO, tier("", aligned("a1", "ts1", "ts2", "oui")))
    eaf_error("RK-R48", data, needle="<TIER ")


def test_two_tiers_with_one_id():
    data = eaf(TWO, tier("Ana", aligned("a1", "ts1", "ts2", "oui")), tier("Ana", aligned("a2", "ts1", "ts2", "non")))
    e = eaf_error("RK-R48", data)
    first = line_of(data, "<TIER ")
    assert e.line == line_of(data[data.index(b"</TIER>"):], "<TIER ") + data[:data.index(b"</TIER>")].count(b"\n")
    assert e.line > first and f"line {first}" in e.message


def test_parent_that_does_not_exist():
    data = eaf(TWO, tier("Anna", UTTERANCE), tier("mots", ref("w1", "a1", "oui"), parent="Ana", type="mots"))
    e = eaf_error("RK-R50", data, needle='TIER_ID="mots"')
    assert 'PARENT_REF="Ana"' in e.message and 'Did you mean "Anna"?' in e.message


def test_tiers_that_are_each_others_parent():
    data = eaf(TWO, tier("A", ref("r1", "r2", "x"), parent="B", type="mots"),
               tier("B", ref("r2", "r1", "y"), parent="A", type="mots"))
    e = eaf_error("RK-R50", data, needle='TIER_ID="A"')
    assert '"A" → "B" → "A"' in e.message


@pytest.mark.parametrize("annotation, says", [
    (ref("w1", "w1", "oui"), "refers to itself"),
    (ref("w1", "a2", "oui"), 'parent tier "Ana" does not have (it is on tier "Ben")'),
    (ref("w1", "a1", "oui").replace(' ANNOTATION_REF="a1"', ""), "no ANNOTATION_REF"),
])
def test_reference_that_leads_elsewhere(annotation, says):
    data = eaf(TWO, tier("Ana", UTTERANCE), tier("Ben", aligned("a2", "ts1", "ts2", "non"),
                                                 aligned("a3", "ts1", "ts2", "non")),
               tier("Ben-mots", ref("w9", "a3", "non"), parent="Ben", type="mots"),
               tier("mots", annotation, parent="Ana", type="mots"))
    e = eaf_error("RK-R50", data, needle='ANNOTATION_ID="w1"')
    assert says in e.message and '"w1"' in e.message


def test_reference_annotation_on_a_tier_without_parent():
    data = eaf(TWO, tier("Ana", ref("w1", "a1", "oui")))
    e = eaf_error("RK-R50", data, needle='ANNOTATION_ID="w1"')
    assert "no parent tier" in e.message


def test_annotation_id_used_twice():
    # both tiers have dependent tiers that refer to their annotations: "a1" would be either
    data = eaf(TWO, tier("Ana", aligned("a1", "ts1", "ts2", "oui")), tier("Ben", aligned("a1", "ts1", "ts2", "non")),
               tier("mots", ref("w1", "a1", "x"), parent="Ana", type="mots"),
               tier("Ben-mots", ref("w2", "a1", "y"), parent="Ben", type="mots"))
    e = eaf_error("RK-R50", data)
    assert e.line == line_of(data, "non") - 1 and '"a1"' in e.message
    assert f"line {line_of(data, 'oui') - 1}" in e.message


def test_entities_are_refused():
    xml = b'<?xml version="1.0"?>\n<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY a "aaaa">]>\n<ANNOTATION_DOCUMENT/>'
    with pytest.raises(InputFileError, match="RK-R36"):
        parse_eaf(xml, path="x.eaf")


# ---------------------------------------------------------------------------
# through the corpus builder


def test_file_through_the_corpus_builder():
    path = DATA / "entretien.eaf"
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    corpus = read_transcript(path)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
    turns = corpus.turns
    assert turns["speaker"].tolist() == ["Sophie", "Karim", "Lucie", "Karim", "Sophie", "Lucie", "Sophie", "Karim"]
    assert turns["start_s"].tolist() == [0.0, 3.5, 8.5, 9.0, 11.0, 18.0, 21.0, 22.0]
    assert turns["end_s"].tolist() == [3.2, 8.0, 12.5, 12.0, 11.0, 20.5, 24.5, 26.0]
    assert turns["role"].fillna("-").tolist() == ["interviewer", "-", "-", "-", "interviewer", "-", "interviewer", "-"]
    assert turns["annotator"].iloc[0] == "CL" and turns["language"].tolist() == ["fr"] * 8
    speakers = corpus.speakers.set_index("speaker")
    assert speakers.loc["Sophie", "role"] == "interviewer" and speakers.loc["Lucie", "language"] == "fr"
    events = corpus.events
    assert events["kind"].tolist() == ["laughter", "noise", "comment", "comment", "event"]
    assert events["turn"].tolist() == [4, 4, 4, 7, 7]
    documents = corpus.documents
    assert documents["format"].tolist() == ["eaf"] and documents["language"].tolist() == ["fr"]
    assert documents["layout"].tolist() == ["eaf"]
    assert documents["duration_s"].iloc[0] == pytest.approx(26.0)


def test_malformed_file_is_a_problem_row_when_collecting():
    corpus = read_transcript(DATA / "bad_missing_slot.eaf", errors="collect")
    problems = corpus.problems
    assert problems["code"].tolist() == ["RK-R49"]
    assert problems["line"].tolist() == [19] and problems["path"].tolist() == ["bad_missing_slot.eaf"]
    assert corpus.turns.empty
