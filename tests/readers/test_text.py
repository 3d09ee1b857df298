import pytest

from research_kit.errors import InputFileError
from research_kit.readers._labels import parse_time, split_label
from research_kit.readers.text import parse_text
from tests.helpers import DATA, read


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Marie-Ève: bon, ben", ("Marie-Ève", None, "bon, ben")),
        ("Marie-Ève : bon", ("Marie-Ève", None, "bon")),
        ("[00:12:03] Marie-Ève : bon", ("Marie-Ève", 723.0, "bon")),
        ("(00:12:03) Karim B.: oui", ("Karim B.", 723.0, "oui")),
        ("00:01:02 Luc: salut", ("Luc", 62.0, "salut")),
        ("Marie-Ève Tremblay (00:12): oui", ("Marie-Ève Tremblay", 12.0, "oui")),
        ("Luc [1:00:02.5]: salut", ("Luc", 3602.5, "salut")),
        ("**Jean:** texte", ("Jean", None, "texte")),
        ("**Jean** : texte", ("Jean", None, "texte")),
        ("Jean-François de la Salle: x", ("Jean-François de la Salle", None, "x")),
        ("Louis d'Amours: oui", ("Louis d'Amours", None, "oui")),
        ("Résident·e 5 : oui", ("Résident·e 5", None, "oui")),
        ("ANIMATRICE : on commence", ("ANIMATRICE", None, "on commence")),
        ("il faut dire: non", None),
        ("Bon, je pense: oui", None),
        ("https://exemple.org: lien", None),
    ],
)
def test_split_label(line, expected):
    assert split_label(line) == expected


def test_parse_time_rejects_out_of_range_minutes():
    assert parse_time("1:02:03,250") == pytest.approx(3723.25)
    with pytest.raises(ValueError):
        parse_time("00:61:00")


def test_plain_text_turns_front_matter_and_continuations():
    [doc] = parse_text(read(DATA / "text/labels.txt"), path="labels.txt")
    assert doc.variables == {"title": "Rencontre de l'équipe Nord", "date": __import__("datetime").date(2025, 3, 12),
                             "site": "Montréal"}
    speakers = [t.speaker for t in doc.turns]
    # the transcriber's note before the first label is kept, as an unnamed turn
    assert speakers == [None, "Isabelle Roy", "Karim B.", "Isabelle Roy", "Karim B.", "Karim B."]
    assert doc.turns[0].text == "Transcription : Lucie Gendron, relue le 14 mars."
    # a wrapped line joins with a space, a new paragraph with a newline
    assert doc.turns[3].text == "Parfait. Ce matin on parle de la surcharge.\nEt aussi du retour aux familles."
    assert doc.turns[4].start_s == 723.0
    assert doc.turns[5].start_s == 760.0
    # a lower-case "x: y" is speech, not a label
    assert doc.turns[5].text.endswith("il faut dire: ceci n'est pas un nom de locuteur.")


def test_markdown_bold_names_title_and_headings():
    [doc] = parse_text(read(DATA / "text/bold.md"), path="bold.md", markdown=True)
    assert doc.title == "Atelier 3 — restitution"
    assert [(t.speaker, t.text) for t in doc.turns] == [
        ("Sophie", "Bonjour à toutes et à tous."),
        ("Ahmed", "Bonjour. Une fois qu'on aura fini, on mange?"),
        ("Sophie", "Oui, dis, ça va aller. Suite du tour de parole de Sophie."),
    ]


def test_otter_header_lines():
    [doc] = parse_text(read(DATA / "text/otter.txt"), path="otter.txt")
    assert [(t.speaker, t.start_s) for t in doc.turns] == [("Speaker 1", 3.0), ("Speaker 2", 75.0)]
    assert doc.turns[0].text == "Welcome everyone, thanks for coming tonight. We will start with a short round."


def test_no_labels_is_one_unnamed_turn():
    [doc] = parse_text(read(DATA / "text/nolabels.txt"), path="nolabels.txt")
    assert len(doc.turns) == 1 and doc.turns[0].speaker is None
    assert doc.turns[0].text.count("\n") == 1


def test_unclosed_front_matter_names_line():
    with pytest.raises(InputFileError, match="RK-R06") as err:
        parse_text("---\ntitle: x\nMarie: bonjour\n", path="open.txt")
    assert err.value.line == 1 and err.value.path == "open.txt"


def test_front_matter_yaml_error_names_line():
    with pytest.raises(InputFileError, match="RK-C01") as err:
        parse_text("---\ntitle: x\ndate: [2025\n---\nMarie: bonjour\n", path="bad.txt")
    assert err.value.line in (3, 4)


@pytest.mark.parametrize("line, speaker", [
    ("Donc : on vote", None), ("THE AGENDA: ITEM ONE", None), ("Date : 12 mars", None),
    ("THE CHAIR: ITEM ONE", "THE CHAIR"), ("La Présidente : oui", "La Présidente"),
])
def test_sentence_openers_and_header_words_are_not_speakers(line, speaker):
    found = split_label(line)
    assert (found[0] if found else None) == speaker


@pytest.mark.parametrize("line, expected", [
    # display names as Zoom and Otter write them
    ("Marie-Ève (elle) : Bonjour.", ("Marie-Ève (elle)", None, "Bonjour.")),
    ("O'Brien, Patrick: Hello.", ("O'Brien, Patrick", None, "Hello.")),
    ("Chloé (iPad): test", ("Chloé (iPad)", None, "test")),
    ("Ben: Salut.", ("Ben", None, "Salut.")),
    # a bare time after the name; a time at the start of a line is not a name
    ("Marie 12:03 : x", ("Marie", 723.0, "x")),
    ("12:03 on commence", None),
    ("00:01:02 Bonjour tout le monde", None),
    ("À 10:30 : tout le monde revient.", None),
    # headings of notes, and roles with their article
    ("Question : qui veut commencer ?", None),
    ("Question 2 : le budget ?", None),
    ("La présidente : on commence", ("La présidente", None, "on commence")),
    ("*Marie* : italique", ("Marie", None, "italique")),
])
def test_labels_as_real_transcripts_write_them(line, expected):
    assert split_label(line) == expected


def test_a_divider_around_speech_is_not_front_matter():
    [doc] = parse_text("---\nMarie : Bonjour.\n---\nJean : Salut.\n", path="d.txt")
    assert doc.variables == {}
    assert [(t.speaker, t.text) for t in doc.turns] == [("Marie", "Bonjour."), ("Jean", "Salut.")]


def test_markdown_quotes_and_lists_lose_their_markers_and_otter_credit_line_is_dropped():
    [doc] = parse_text("**Marie :** Bonjour.\n> Et une citation.\n- **Jean** : point un\n", path="m.md", markdown=True)
    assert [(t.speaker, t.text) for t in doc.turns] == [("Marie", "Bonjour. Et une citation."), ("Jean", "point un")]
    [doc] = parse_text("Marie: Fin.\n\nTranscribed by https://otter.ai\n", path="o.txt")
    assert doc.turns[-1].text == "Fin."
