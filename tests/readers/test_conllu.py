"""CoNLL-U treebanks of speech (Rhapsodie, ParisStories, CEFC-Orféo): turns, times and gold tokens."""

import os
import shutil
import sys
import warnings
from pathlib import Path

import pytest

import research_kit
from research_kit.corpus import read_transcript
from research_kit.errors import InputFileError, ParameterError, ResearchKitWarning
from research_kit.readers import ParsedToken
from research_kit.readers.conllu import parse_conllu
from tests.helpers import read as decoded

DATA = Path(__file__).parent.parent / "data" / "conllu"
HEAD = "# global.columns = ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC\n"


def read(name):
    """The documents of a data file, decoded as the corpus decodes it; a file as the tools write it warns nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return parse_conllu(decoded(DATA / name), path=name)


def one(text):
    """The one document of a small file's text."""
    (doc,) = parse_conllu(text, path="x.conllu")
    return doc


def line(*cells):
    """A token line: ID FORM LEMMA UPOS, then XPOS FEATS HEAD DEPREL DEPS MISC (defaults after the fourth)."""
    cells = [str(c) for c in cells]
    defaults = ["_", "_", "_", "_", "_", "_", "0", "dep", "_", "_"]
    return "\t".join(cells + defaults[len(cells):]) + "\n"


def turns(doc):
    return [(t.speaker, t.text, t.start_s, t.end_s) for t in doc.turns]


def tokens(turn):
    return [(k.start, k.end, k.text, k.lemma, k.pos, k.sentence) for k in turn.tokens]


def conllu_error(name, code):
    with pytest.raises(InputFileError, match=code) as info:
        parse_conllu(decoded(DATA / name), path=name)
    e = info.value
    assert e.path == name and e.hint
    return e


# ---------------------------------------------------------------------------
# Rhapsodie (SUD/UD French-Rhapsodie): # speaker / # speaker_id, AlignBegin/AlignEnd in MISC


def test_rhapsodie_turns():
    (doc,) = read("rhapsodie.conllu")
    assert turns(doc) == [
        # two sentences of L1 make one turn, from the first AlignBegin (1200 ms) to the last AlignEnd (4900 ms)
        ("L1", "bon, on commence le, le tour de table. qui veut parler au groupe ?", 1.2, 4.9),
        ("L2", "moi, je veux bien…", 4.7, 5.9),  # overlaps L1's end, as aligned
        ("L1", "mh.", None, None),  # AlignBegin=0|AlignEnd=0: not aligned
        # the comma aligned 6300-6200 changes neither the earliest start nor the latest end
        ("L2", "je, je parle des parcs jusqu'aux écoles. c'est important.", 6.1, 9.2),
    ]
    # the # speaker is the label, the # speaker_id its code
    assert doc.speakers == {"L1": {"code": "§AF1"}, "L2": {"code": "§AM1"}}
    assert doc.title is None and doc.suffix is None and doc.layout is None and doc.variables == {}
    assert doc.events == []


def test_rhapsodie_gold_tokens():
    (doc,) = read("rhapsodie.conllu")
    assert tokens(doc.turns[3]) == [
        (0, 2, "je", "moi", "PRON", 4), (2, 3, ",", ",", "PUNCT", 4), (4, 6, "je", "moi", "PRON", 4),
        (7, 12, "parle", "parler", "VERB", 4),
        # 5-6 des = de + les: one token as written, the lemmas joined, the UPOS of "de" (its head is outside)
        (13, 16, "des", "de+le", "ADP", 4),
        (17, 22, "parcs", "parc", "NOUN", 4),
        (23, 29, "jusqu'", "jusque", "ADP", 4),  # SpaceAfter=No: "aux" follows without a space
        (29, 32, "aux", "à+le", "ADP", 4), (33, 39, "écoles", "école", "NOUN", 4), (39, 40, ".", ".", "PUNCT", 4),
        (41, 43, "c'", "ce", "PRON", 5), (43, 46, "est", "être", "AUX", 5),
        (47, 56, "important", "important", "ADJ", 5), (56, 57, ".", ".", "PUNCT", 5),
    ]
    assert [k.sentence for t in doc.turns for k in t.tokens][::6] == [0, 0, 1, 2, 3, 4, 5]
    assert [len(t.tokens) for t in doc.turns] == [17, 6, 2, 14]


@pytest.mark.parametrize("name", ["rhapsodie.conllu", "parisstories.conllu", "cefc.conllu", "orfeo.conllu"])
def test_gold_token_offsets_match_the_turn_text(name):
    docs = read(name)
    found = [(t.text[k.start:k.end], k.text) for doc in docs for t in doc.turns for k in t.tokens]
    assert found and all(got == expected for got, expected in found)


# ---------------------------------------------------------------------------
# ParisStories (UD French-ParisStories): # newdoc, # newpar, multiword tokens, an empty node


def test_parisstories_documents():
    first, second = read("parisstories.conllu")
    assert (first.title, first.suffix) == ("ParisStories_2024_marche", "ParisStories_2024_marche")
    assert (second.title, second.suffix) == ("ParisStories_2024_metro", "ParisStories_2024_metro")
    # no # speaker: one unnamed speaker, one turn; the # newpar before the third sentence is a new line
    assert turns(first) == [(None, "donc euh, du coup je vais au marché. j'achète des pommes et des poires.\n"
                                   "bah c'est tout.", None, None)]
    # the no-break space of "bondé !" is kept, the spaces after "!" are not
    assert turns(second) == [(None, "le métro était bondé\u00a0!", None, None)]
    assert first.speakers == second.speakers == {} and first.layout is None


def test_parisstories_gold_tokens():
    first, second = read("parisstories.conllu")
    found = tokens(first.turns[0])
    # 4-5 du (de + le, the idiom "du coup"): the head word "de" is attached outside it
    assert found[:5] == [(0, 4, "donc", "donc", "ADV", 0), (5, 8, "euh", "euh", "INTJ", 0),
                         (8, 9, ",", ",", "PUNCT", 0), (10, 12, "du", "de+le", "ADP", 0),
                         (13, 17, "coup", "coup", "NOUN", 0)]
    assert found[7] == (26, 28, "au", "à+le", "ADP", 0)
    # the second sentence has no # text: rebuilt from its forms; the empty node 5.1 (a copy of "achète") is
    # not a word of the text
    assert [f[2] for f in found if f[5] == 1] == ["j'", "achète", "des", "pommes", "et", "des", "poires", "."]
    assert found[10:12] == [(37, 39, "j'", "moi", "PRON", 1), (39, 45, "achète", "acheter", "VERB", 1)]
    assert found[-5:] == [(72, 75, "bah", "bah", "INTJ", 2), (76, 78, "c'", "ce", "PRON", 2),
                          (78, 81, "est", "être", "AUX", 2), (82, 86, "tout", "tout", "PRON", 2),
                          (86, 87, ".", ".", "PUNCT", 2)]
    # sentences count from 0 in each document
    assert tokens(second.turns[0])[3:] == [(15, 20, "bondé", "bondé", "ADJ", 0), (21, 22, "!", "!", "PUNCT", 0)]


def test_byte_order_mark_in_the_text():
    raw = (DATA / "parisstories.conllu").read_text(encoding="utf-8")
    assert raw.startswith("\ufeff# newdoc")
    with_bom, decoded_docs = parse_conllu(raw, path="p.conllu"), read("parisstories.conllu")
    assert [d.title for d in with_bom] == ["ParisStories_2024_marche", "ParisStories_2024_metro"]
    assert [turns(d) for d in with_bom] == [turns(d) for d in decoded_docs]


# ---------------------------------------------------------------------------
# CEFC (Orféo): the speaker and the times in three more columns


def test_cefc_columns():
    (doc,) = read("cefc.conllu")
    assert doc.layout == "cefc"
    assert turns(doc) == [
        # the runs of spaces of the # text are one
        ("Sophie_Tremblay", "ben euh parce que c'est pas possible", 10.12, 12.05),
        ("Karim_B", "ouais", 11.9, 12.1),
        ("Sophie_Tremblay", "voilà", 12.2, 12.6),
    ]
    assert doc.speakers == {"Sophie_Tremblay": {}, "Karim_B": {}}
    # a form of two words is one token; Orféo's own tags are the parts of speech
    assert tokens(doc.turns[0])[2:5] == [(8, 17, "parce que", "parce que", "CSU", 0), (18, 20, "c'", "ce", "CLS", 0),
                                         (20, 23, "est", "être", "VRB", 0)]


def test_orfeo_columns_named_in_conllu_plus():
    # Grew's Orféo layout: the same three columns, named ORFEO:START ORFEO:STOP ORFEO:SPEAKER
    (doc,) = read("orfeo.conllu")
    assert doc.layout == "cefc"
    assert turns(doc) == [
        ("Nadia_Belkacem", "alors on reprend le point sur les jardins", 40.740002, 42.52),
        ("Paul_Girard", "ouais c'est bon pour moi", 42.310001, 43.650002),  # two sentences of Paul
    ]
    assert tokens(doc.turns[1])[:2] == [(0, 5, "ouais", "ouais", "INT", 1), (6, 8, "c'", "ce", "CLS", 2)]


# ---------------------------------------------------------------------------
# # text that does not fit its tokens


def test_text_that_does_not_fit_is_rebuilt_with_a_warning():
    with pytest.warns(ResearchKitWarning, match="RK-R62") as record:
        (doc,) = parse_conllu(decoded(DATA / "text_mismatch.conllu"), path="text_mismatch.conllu")
    assert len(record) == 1
    message = str(record[0].message)
    assert "text_mismatch.conllu" in message and "line 1)" in message
    # "du" in the # text, "de" + "le" as tokens without a multiword line: the forms are the text
    assert turns(doc) == [("Julie", "on parle de le budget.", None, None)]
    assert tokens(doc.turns[0])[2:4] == [(9, 11, "de", "de", "ADP", 0), (12, 14, "le", "le", "DET", 0)]


def test_one_warning_names_every_sentence_that_does_not_fit():
    text = ("# text = a b\n" + line(1, "a") + line(2, "c") + "\n# text = d\n" + line(1, "e")
            + "\n# text = f\n" + line(1, "f"))
    with pytest.warns(ResearchKitWarning, match="RK-R62") as record:
        doc = one(text)
    assert len(record) == 1 and "2 sentences (starting on lines 1, 5)" in str(record[0].message)
    assert turns(doc) == [(None, "a c e f", None, None)]


def test_text_with_other_spacing_keeps_its_own():
    doc = one("# text = l'  équipe\u00a0!\n" + line(1, "l'", "le", "DET") + line(2, "équipe", "équipe", "NOUN")
              + line(3, "!", "!", "PUNCT"))
    assert turns(doc) == [(None, "l' équipe\u00a0!", None, None)]
    assert tokens(doc.turns[0]) == [(0, 2, "l'", "le", "DET", 0), (3, 9, "équipe", "équipe", "NOUN", 0),
                                    (10, 11, "!", "!", "PUNCT", 0)]


# ---------------------------------------------------------------------------
# speakers, documents, times: the details, on small files


def test_speaker_comments_as_treebanks_write_them():
    doc = one("# speaker: L1\n" + line(1, "oui") + "\n# speaker_id = spk2\n" + line(1, "non") + "\n"
              "# speaker_name = Inès\n# speaker_id = spk3\n" + line(1, "bon") + "\n" + line(1, "euh"))
    assert turns(doc) == [("L1", "oui", None, None), ("spk2", "non", None, None), ("Inès", "bon", None, None),
                          (None, "euh", None, None)]
    assert doc.speakers == {"L1": {}, "spk2": {}, "Inès": {"code": "spk3"}}


def test_a_comment_line_starts_a_sentence_without_a_blank_line():
    doc = one("# speaker = A\n" + line(1, "oui") + "# speaker = B\n" + line(1, "non") + line(2, "merci"))
    assert turns(doc) == [("A", "oui", None, None), ("B", "non merci", None, None)]
    assert [k.sentence for k in doc.turns[1].tokens] == [1, 1]


def test_documents_without_ids_and_with_the_same_id():
    doc1, doc2 = parse_conllu("# newdoc\n" + line(1, "a") + "\n# newdoc\n" + line(1, "b"), path="x.conllu")
    assert (doc1.suffix, doc1.title, doc2.suffix, doc2.title) == ("001", None, "002", None)
    doc1, doc2 = parse_conllu("# newdoc id = A\n" + line(1, "a") + "\n# newdoc id = A\n" + line(1, "b"),
                              path="x.conllu")
    assert (doc1.suffix, doc2.suffix) == ("A", "A-2")
    (doc,) = parse_conllu("# newdoc id = seance-3\n" + line(1, "a"), path="x.conllu")
    assert (doc.title, doc.suffix) == ("seance-3", None)  # one document: the file's, titled by its id


def test_align_times_in_milliseconds():
    doc = one(line(1, "eh", "eh", "INTJ", "_", "_", 2, "discourse", "_", "AlignBegin=0|AlignEnd=448")
              + line(2, "ben", "ben", "INTJ", "_", "_", 0, "root", "_", "AlignBegin=448|AlignEnd=767|SpaceAfter=No")
              + line(3, ".", ".", "PUNCT", "_", "_", 2, "punct", "_", "AlignBegin=0|AlignEnd=0") + "\n"
              + line(1, "voilà", "voilà", "INTJ", "_", "_", 0, "root", "_", "Gender[lex]=Unknown|AlignEnd=1530|"
                     "AlignBegin=1100"))
    # a recording starts at 0 ms: AlignBegin=0 with an AlignEnd is a time; 0 and 0 is "not aligned"
    assert turns(doc) == [(None, "eh ben. voilà", 0.0, 1.53)]


def test_multiword_tokens():
    doc = one("# text = auquel, du coup\n"
              "1-2\tauquel\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n"
              + line(1, "à", "à", "ADP", "_", "_", 2, "case")
              + line(2, "lequel", "lequel", "PRON", "_", "_", 5, "obl")
              + line(3, ",", ",", "PUNCT", "_", "_", 2, "punct")
              + "4-5\tdu\t_\t_\t_\t_\t_\t_\t_\t_\n"
              + line(4, "de", "de", "ADP", "_", "_", 6, "case") + line(5, "le", "le", "DET", "_", "_", 6, "det")
              + line(6, "coup", "coup", "NOUN", "_", "_", 0, "root"))
    # "auquel": "à" depends on "lequel", inside the range, so the head word is "lequel"
    assert tokens(doc.turns[0]) == [(0, 6, "auquel", "à+lequel", "PRON", 0), (6, 7, ",", ",", "PUNCT", 0),
                                    (8, 10, "du", "de+le", "ADP", 0), (11, 15, "coup", "coup", "NOUN", 0)]
    # without # text, the range line's SpaceAfter=No glues "auquel" to the comma
    assert one("1-2\tauquel\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n" + line(1, "à", "à", "ADP", "_", "_", 2)
               + line(2, "lequel", "lequel", "PRON") + line(3, ",", ",", "PUNCT")).turns[0].text == "auquel,"


def test_empty_nodes_are_not_words():
    doc = one("# text = il mange une pomme et lui une poire\n" + line(1, "il", "il", "PRON", "_", "_", 2)
              + line(2, "mange", "manger", "VERB") + line(3, "une", "un", "DET", "_", "_", 4)
              + line(4, "pomme", "pomme", "NOUN", "_", "_", 2) + line(5, "et", "et", "CCONJ", "_", "_", 6)
              + line(6, "lui", "lui", "PRON", "_", "_", 2) + "6.1\tmange\tmanger\tVERB\t_\t_\t_\t_\t2:conj\tCopyOf=2\n"
              + line(7, "une", "un", "DET", "_", "_", 8) + line(8, "poire", "poire", "NOUN", "_", "_", 6))
    assert [k.text for k in doc.turns[0].tokens] == ["il", "mange", "une", "pomme", "et", "lui", "une", "poire"]
    assert doc.turns[0].tokens[6] == ParsedToken(26, 29, "une", "un", "DET", 0)


def test_conllu_plus_with_fewer_columns():
    doc = one("# global.columns = ID FORM UPOS\n# speaker = A\n1\toui\tINTJ\n2\t!\tPUNCT\n")
    assert doc.layout == "conllu-plus"
    assert turns(doc) == [("A", "oui !", None, None)]
    assert tokens(doc.turns[0]) == [(0, 3, "oui", None, "INTJ", 0), (4, 5, "!", None, "PUNCT", 0)]


def test_underscore_is_no_lemma_and_trailing_tabs_are_read():
    doc = one(HEAD + line(1, "hm", "_", "_").rstrip("\n") + "\t\n")
    assert tokens(doc.turns[0]) == [(0, 2, "hm", None, None, 0)]


# ---------------------------------------------------------------------------
# malformed files


def test_token_line_with_spaces_instead_of_tabs():
    e = conllu_error("bad_columns.conllu", "RK-R60")
    assert e.line == 5
    assert "1 tab-separated column where 10 were expected" in e.message and '"3 maintenant' in e.message


def test_conllu_plus_line_without_its_columns():
    with pytest.raises(InputFileError, match="RK-R60") as info:
        parse_conllu("# global.columns = ID FORM UPOS\n1\toui\tINTJ\n2\t!\n", path="x.conllu")
    assert info.value.line == 3 and "2 tab-separated columns where 3 were expected" in info.value.message


def test_token_id_that_is_not_a_number():
    e = conllu_error("bad_id.conllu", "RK-R61")
    assert e.line == 9 and '"2a"' in e.message


def test_cefc_time_with_a_decimal_comma():
    e = conllu_error("bad_cefc_time.conllu", "RK-R61")
    assert e.line == 5 and '"20,360001"' in e.message


def test_cefc_time_error_counts_the_range_lines():
    text = ("# text = du coup\n1-2\tdu\t" + "\t".join(["_"] * 11) + "\n"
            "1\tde\tde\tPRE\tPRE\t_\t3\tdep\t_\t_\t1.000000\t1.100000\tA\n"
            "2\tle\tle\tDET\tDET\t_\t3\tspe\t_\t_\t1.1\tn/a\tA\n"
            "3\tcoup\tcoup\tNOM\tNOM\t_\t0\troot\t_\t_\t1.200000\t1.500000\tA\n")
    with pytest.raises(InputFileError, match="RK-R61") as info:
        parse_conllu(text, path="x.conllu")
    assert info.value.line == 4 and '"n/a"' in info.value.message


def test_file_is_never_written():
    path = DATA / "rhapsodie.conllu"
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    read("rhapsodie.conllu")
    read_transcript(path)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


# ---------------------------------------------------------------------------
# through the corpus builder: turns, speakers, gold tokens, annotate(gold=True)


def test_file_through_the_corpus_builder():
    corpus = read_transcript(DATA / "rhapsodie.conllu")
    turns_frame = corpus.turns
    assert turns_frame["speaker"].tolist() == ["L1", "L2", "L1", "L2"]
    assert turns_frame["start_s"].fillna(-1).tolist() == [1.2, 4.7, -1, 6.1]
    assert turns_frame["end_s"].fillna(-1).tolist() == [4.9, 5.9, -1, 9.2]
    assert turns_frame["code"].tolist() == ["§AF1", "§AM1", "§AF1", "§AM1"]
    assert turns_frame["start_char"].tolist() == [0, 68, 88, 93]
    assert corpus.speakers[["speaker", "code"]].values.tolist() == [["L1", "§AF1"], ["L2", "§AM1"]]
    documents = corpus.documents
    assert documents["doc_id"].tolist() == ["rhapsodie"] and documents["format"].tolist() == ["conllu"]
    assert documents["n_turns"].tolist() == [4] and documents["duration_s"].iloc[0] == pytest.approx(9.2 - 1.2)


def test_gold_tokens_of_the_corpus():
    corpus = read_transcript(DATA / "rhapsodie.conllu")
    gold = corpus.gold_tokens
    assert len(gold) == 39 and gold["token"].tolist() == list(range(39))
    assert gold["turn"].value_counts().sort_index().tolist() == [17, 6, 2, 14]
    text = corpus.text("rhapsodie")
    assert all(text[s:e] == t for s, e, t in zip(gold["start_char"], gold["end_char"], gold["text"]))
    row = gold.iloc[29]  # "des" in the last turn, which starts at character 93
    assert (row["text"], row["lemma"], row["pos"], row["start_char"], row["end_char"], row["sentence"]) == (
        "des", "de+le", "ADP", 93 + 13, 93 + 16, 4)
    assert gold["is_punct"].sum() == 10 and gold["language"].eq("fr").all()


def test_annotate_gives_the_gold_tokens_without_spacy(monkeypatch):
    corpus = read_transcript(DATA / "rhapsodie.conllu")
    monkeypatch.setitem(sys.modules, "spacy", None)  # any import of spaCy now fails
    tokens_frame = research_kit.annotate(corpus, gold=True, cache=False)
    assert tokens_frame.equals(corpus.gold_tokens)
    assert tokens_frame.loc[tokens_frame["text"] == "aux", ["lemma", "pos"]].values.tolist() == [["à+le", "ADP"]]
    with pytest.raises(ParameterError, match="RK-P01"):
        research_kit.annotate(corpus, gold="yes")


def test_several_documents_of_one_file_through_the_corpus_builder():
    corpus = read_transcript(DATA / "parisstories.conllu")
    assert corpus.documents["doc_id"].tolist() == ["parisstories-ParisStories_2024_marche",
                                                   "parisstories-ParisStories_2024_metro"]
    assert corpus.documents["title"].tolist() == ["ParisStories_2024_marche", "ParisStories_2024_metro"]
    assert corpus.turns["speaker"].tolist() == ["?", "?"]
    gold = corpus.gold_tokens
    assert gold.groupby("doc_id", sort=False)["token"].max().tolist() == [22, 4]  # counted per document


def test_cefc_file_through_the_corpus_builder():
    corpus = read_transcript(DATA / "cefc.conllu")
    assert corpus.turns["speaker"].tolist() == ["Sophie_Tremblay", "Karim_B", "Sophie_Tremblay"]
    assert corpus.documents["layout"].tolist() == ["cefc"]
    assert corpus.gold_tokens["pos"].tolist()[:3] == ["INT", "INT", "CSU"]


def test_malformed_file_is_a_problem_row_when_collecting():
    corpus = read_transcript(DATA / "bad_columns.conllu", errors="collect")
    problems = corpus.problems
    assert problems["code"].tolist() == ["RK-R60"]
    assert problems["line"].tolist() == [5] and problems["path"].tolist() == ["bad_columns.conllu"]
    assert corpus.turns.empty and corpus.gold_tokens is None


def test_bad_file_of_a_corpus_folder_is_a_problem_row(tmp_path):
    shutil.copy(DATA / "cefc.conllu", tmp_path / "reunion.conllu")
    shutil.copy(DATA / "bad_id.conllu", tmp_path / "brouillon.conllu")
    corpus = research_kit.read_corpus(tmp_path, errors="collect")
    assert corpus.documents["doc_id"].tolist() == ["reunion"]
    assert corpus.problems[["path", "line", "code"]].values.tolist() == [["brouillon.conllu", 9, "RK-R61"]]
    assert corpus.gold_tokens["doc_id"].unique().tolist() == ["reunion"]
