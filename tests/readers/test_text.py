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


# --- Layouts, recognised per file from evidence ---------------------------------------


@pytest.mark.parametrize("name, layout", [
    ("labels.txt", "label"), ("descript.txt", "label"), ("parlement-inline.txt", "label"),
    ("otter.txt", "header"), ("rev.txt", "header"), ("teams.txt", "header"), ("teams-stream.txt", "header"),
    ("entretien.txt", "speaker-line"), ("verbatim-parlement.txt", "speaker-line"),
    ("nolabels.txt", "none"), ("headings.txt", "none"),
])
def test_the_layout_recognised_is_reported(name, layout):
    [doc] = parse_text(read(DATA / "text" / name), path=name)
    assert doc.layout == layout


def test_markdown_layout_is_reported_too():
    [doc] = parse_text(read(DATA / "text/bold.md"), path="bold.md", markdown=True)
    assert doc.layout == "label"


def test_rev_names_with_times_open_turns_at_those_times():
    [doc] = parse_text(read(DATA / "text/rev.txt"), path="rev.txt")
    # (00:00:02), (00:00:09), (01:02:14) = 3600 + 120 + 14 s
    assert [(t.speaker, t.start_s) for t in doc.turns] == [("Speaker 1", 2.0), ("Karine Lavoie", 9.0),
                                                            ("Speaker 1", 3734.0)]
    assert doc.turns[1].text == ("Oui. J'ai commencé comme éducatrice en 2009, puis je suis devenue coordonnatrice "
                                 "du centre de la petite enfance.")


def test_teams_names_and_times_and_what_the_software_says_is_not_speech():
    [doc] = parse_text(read(DATA / "text/teams.txt"), path="teams.txt")
    assert [(t.speaker, t.start_s) for t in doc.turns] == [
        (None, None), ("Marie Dupont", 3.0), ("Jean Martin", 9.0), ("Marie Dupont", 3723.0)]
    # the meeting's title, date and length stay, unnamed: nothing in the file is lost
    assert doc.turns[0].text == ("Réunion de coordination-20240312_140012-Enregistrement de la réunion "
                                 "12 mars 2024, 02:00PM 42 min 10 s")
    assert [(e.kind, e.text, e.position, e.line) for e in doc.events] == [
        ("event", "Marie Dupont a démarré la transcription", 1, 5),
        ("event", "Marie Dupont a arrêté la transcription", 4, 16)]


def test_stream_cues_give_start_and_end_and_one_speakers_cues_make_one_turn():
    [doc] = parse_text(read(DATA / "text/teams-stream.txt"), path="teams-stream.txt")
    assert [(t.speaker, t.start_s, t.end_s, t.text) for t in doc.turns] == [
        ("Dupont, Marie", 0.0, 9.12, "Bonjour à toutes et à tous. On commence par le tour de table."),
        ("Martin, Jean", 10.2, 14.8, "Oui, je suis là, je vous entends bien."),
        ("Dupont, Marie", 15.0, 16.5, "Merci Jean."),
    ]


def test_descript_stamped_labels():
    [doc] = parse_text(read(DATA / "text/descript.txt"), path="descript.txt")
    assert [(t.speaker, t.start_s) for t in doc.turns] == [("Sophie Tremblay", 0.0), ("Ahmed Benali", 7.0),
                                                            ("Sophie Tremblay", 75.0)]


def test_an_interview_with_names_on_their_own_lines():
    [doc] = parse_text(read(DATA / "text/entretien.txt"), path="entretien.txt")
    assert [t.speaker for t in doc.turns] == [None, "ENQUÊTRICE", "MARIE", "ENQUÊTRICE", "MARIE", "ENQUÊTRICE",
                                             "MARIE"]
    # a short answer under a name is speech, not a speaker; wrapped lines join with a space
    assert doc.turns[3].text == "D'accord."
    assert doc.turns[4].text == "Oui. Enfin, je veux dire, on s'y sent bien, les gens sont gentils."
    assert doc.turns[2].text == ("Depuis deux ans, à peu près. Au début c'était pour l'aide aux devoirs "
                                 "de ma fille, et puis je suis restée.")
    assert [(e.kind, e.text, e.position, e.line) for e in doc.events] == [("laughter", "rires", 5, 17)]


def test_a_parliamentary_verbatim_with_names_in_capitals_and_stage_directions():
    [doc] = parse_text(read(DATA / "text/verbatim-parlement.txt"), path="verbatim-parlement.txt")
    assert [t.speaker for t in doc.turns] == [None, "M. LE PRÉSIDENT", "M. PAUL LEFÈVRE", "MME LA MINISTRE",
                                             "M. LE PRÉSIDENT", "MME SOPHIE GARNIER", "M. LE PRÉSIDENT"]
    # the heading of the record is not a speaker ("COMPTE RENDU INTÉGRAL", "PRÉSIDENCE DE …")
    assert doc.turns[0].text == "COMPTE RENDU INTÉGRAL Séance du jeudi 14 mars 2024\nPRÉSIDENCE DE MME CLAIRE MARTIN"
    # (Rires.) inside the minister's paragraph is an event; the paragraph runs on around it
    assert doc.turns[3].text == ("Monsieur le député, nous avons ouvert deux mille places cette année. "
                                 "Et nous en ouvrirons autant l'an prochain.")
    assert doc.turns[5].text == "Merci."  # a member who speaks once, shortly, is still a speaker
    assert [(e.kind, e.position, e.line) for e in doc.events] == [
        ("applause", 2, 10), ("interruption", 3, 16), ("laughter", 4, 20), ("pause", 7, 32)]
    assert doc.events[1].text == "Exclamations sur les bancs du groupe Horizons."


def test_inline_parliamentary_names():
    [doc] = parse_text(read(DATA / "text/parlement-inline.txt"), path="parlement-inline.txt")
    assert [(t.speaker, t.text) for t in doc.turns] == [
        (None, "Séance plénière du vendredi 15 mars 2024"),
        ("M. le président", "La séance est ouverte à 9 h 30.\nLa parole est à Mme Sophie Garnier pour sa question."),
        ("Mme Sophie Garnier (Ecolo)", "Merci, monsieur le président. Les familles attendent toujours les places "
                                       "promises en crèche."),
        ("M. Paul Lefèvre", "Je vous remercie pour cette question."),  # ", ministre" is his function
        ("M. le président", "L'incident est clos."),
    ]
    assert [(e.kind, e.position, e.line) for e in doc.events] == [("applause", 3, 10)]


def test_a_headed_document_lists_and_short_answers_give_no_speaker():
    [doc] = parse_text(read(DATA / "text/headings.txt"), path="headings.txt")
    assert [t.speaker for t in doc.turns] == [None]
    assert doc.events == []  # without speakers, "(voir l'annexe)" is text
    for kept in ("Introduction Cette année", "Nos actions - ateliers de cuisine", "Oui. D'accord Les réponses",
                 "(voir l'annexe)", "Perspectives Nous voulons"):
        assert kept in doc.turns[0].text


@pytest.mark.parametrize("text, layout, speakers", [
    # one name once, or two headings once each: no evidence
    ("Marie\nBonjour à tous, on commence la réunion par un tour de table.\n", "none", [None]),
    ("Perspectives\nNous voulons ouvrir un second local l'an prochain.\n\n"
     "Financement\nLa ville a voté une subvention de fonctionnement pour trois ans.\n", "none", [None]),
    # two names once each, in a shape no heading has (a civility, capitals and a final dot)
    ("M. DUPONT.\nJe demande la parole pour un rappel au règlement.\n\n"
     "MME MARTIN.\nVous l'avez, monsieur le député, pour deux minutes.\n", "speaker-line", ["M. DUPONT", "MME MARTIN"]),
    # one such name once is not enough
    ("M. DUPONT.\nJe demande la parole pour un rappel au règlement.\n", "none", [None]),
    # the same plain name twice, each before longer speech
    ("Paul\nJe crois qu'il faut recommencer depuis le début.\n\nLéa\nOui.\n\n"
     "Paul\nAlors reprenons la liste des familles une par une.\n", "speaker-line", ["Paul", "Léa", "Paul"]),
    # the line under a name is speech, even a name ("Léa" is called, she does not speak yet)
    ("Paul\nJe crois qu'il faut recommencer depuis le début.\n\nLéa\nD'accord, je reprends la liste des familles.\n\n"
     "Paul\nLéa\nTu peux m'envoyer le fichier ce soir ?\n\nLéa\nOui, je te l'envoie tout de suite après la réunion.\n\n"
     "Paul\nMerci beaucoup pour ton aide, vraiment.\n", "speaker-line", ["Paul", "Léa", "Paul", "Léa", "Paul"]),
    # an inline "M. Dupont. …" once is a sentence, not a label
    ("M. Dupont. Il est arrivé en retard, comme toujours.\nPersonne ne l'attendait plus.\n", "none", [None]),
    # Belgian separators, the name's group kept
    ("Mme Dupont (PS).— Merci.\nM. Martin (MR).— Je vous en prie.\n", "label", ["Mme Dupont (PS)", "M. Martin (MR)"]),
])
def test_speaker_lines_need_evidence(text, layout, speakers):
    [doc] = parse_text(text, path="t.txt")
    assert doc.layout == layout
    assert [t.speaker for t in doc.turns] == speakers


def test_speaker_lines_keep_front_matter_and_the_files_line_numbers():
    text = ("---\ntitle: Séance du 14 mars\nsite: Bruxelles\n---\nM. LE PRÉSIDENT.\nLa séance est ouverte.\n\n"
            "(Applaudissements.)\n\nMME MARTIN.\nJe vous remercie, monsieur le président.\n\nM. LE PRÉSIDENT.\n"
            "La parole est à M. Dupont.\n")
    [doc] = parse_text(text, path="t.txt")
    assert doc.variables == {"title": "Séance du 14 mars", "site": "Bruxelles"}
    assert doc.layout == "speaker-line"
    assert [t.speaker for t in doc.turns] == ["M. LE PRÉSIDENT", "MME MARTIN", "M. LE PRÉSIDENT"]
    assert [(e.kind, e.line) for e in doc.events] == [("applause", 8)]  # line 8 of the file, front matter counted


def test_markdown_names_in_bold_on_their_own_lines():
    text = ("# Entretien\n\n**ENQUÊTRICE**\n\nVous venez souvent ici ?\n\n**MARIE**\n\nOui, tous les mardis depuis "
            "deux ans.\n\n**ENQUÊTRICE**\n\nEt pourquoi le mardi ?\n\n**MARIE**\n\nParce que c'est le jour de "
            "l'atelier cuisine.\n")
    [doc] = parse_text(text, path="e.md", markdown=True)
    assert doc.title == "Entretien" and doc.layout == "speaker-line"
    assert [t.speaker for t in doc.turns] == ["ENQUÊTRICE", "MARIE", "ENQUÊTRICE", "MARIE"]


def test_layout_and_events_reach_the_corpus(tmp_path):
    from research_kit.corpus import read_transcript

    corpus = read_transcript(DATA / "text/verbatim-parlement.txt")
    assert corpus.documents["layout"].tolist() == ["speaker-line"]
    assert corpus.events["kind"].tolist() == ["applause", "interruption", "laughter", "pause"]
    assert corpus.events["turn"].tolist() == [1, 2, 3, 6]  # the turn each happened in or after
