"""Suggested tests for the changes proposed to files owned by others (kwic.py, autocode.py, chd/result.py, ca.py).

They pass once kwic.diff, autocode.diff, chd_result.diff and ca.diff are applied. Same pseudonymised
meeting as tests/test_pseudonym_tokens.py; expected values by hand.
"""

import pandas as pd
import pytest

from research_kit.annotate import annotate
from research_kit.autocode import autocode
from research_kit.ca import specificities
from research_kit.codebook import read_codebook
from research_kit.corpus import build_corpus
from research_kit.kwic import kwic

TURNS = [
    ("Médiateur·rice 2", "médiateur·rice",
     "Bonjour Habitant·e 5. Personne 4 a déménagé au [adresse], appelez le [téléphone] [rires]. "
     "Il n'y a personne d'autre."),
    ("Habitant·e 5", "habitant·e", "Merci. Le budget du parc, le budget de [lieu 3], c'est la priorité."),
]


@pytest.fixture(scope="module")
def meeting():
    documents = pd.DataFrame({"doc_id": ["reunion"], "language": ["fr"]})
    turns = pd.DataFrame([{"doc_id": "reunion", "speaker": s, "role": r, "text": t} for s, r, t in TURNS])
    corpus = build_corpus(documents, turns, manifest={"language": "fr", "pseudonymised": True})
    return corpus, annotate(corpus, cache=False)


def test_a_concordance_never_matches_a_pseudonym_and_shows_placeholders(meeting):
    corpus, tokens = meeting
    lines = kwic(tokens, "personne", corpus=corpus)
    assert lines["match"].tolist() == ["personne"]  # the pronoun, not "Personne 4"
    assert kwic(tokens, "personne", corpus=corpus, drop_pseudonyms=False)["match"].tolist() == ["Personne",
                                                                                                "personne"]
    assert kwic(tokens, "habitant·e", corpus=corpus).empty
    # the context is the text as it is, placeholders included
    line = kwic(tokens, "appelez", corpus=corpus, window=3).iloc[0]
    assert line["left"] == "[adresse]," and line["right"] == "le [téléphone]"


def test_rules_never_code_a_pseudonym(meeting, tmp_path):
    corpus, tokens = meeting
    (tmp_path / "codebook.yml").write_text(
        "title: Test\nlanguages: [fr]\ncodes:\n"
        "  - id: lieu\n    label: {fr: Lieu}\n    rules:\n      fr:\n        lemmas: [adresse, parc]\n"
        "        regex: ['(?i)habitant']\n", encoding="utf-8")
    book = read_codebook(tmp_path / "codebook.yml")
    text = corpus.text("reunion")
    found = autocode(tokens, book, corpus=corpus, cache=False)
    assert [text[s:e] for s, e in zip(found["start_char"], found["end_char"])] == ["parc"]
    kept = autocode(tokens, book, corpus=corpus, cache=False, drop_pseudonyms=False)
    assert [text[s:e] for s, e in zip(kept["start_char"], kept["end_char"])] == ["Habitant", "adresse", "parc"]


def test_specificities_of_a_role_are_not_its_label(meeting):
    corpus, tokens = meeting
    table = specificities(tokens, by="role", corpus=corpus, of="lower", min_frequency=1)
    assert not {"habitant·e", "adresse", "5"} & set(table["term"])
    kept = specificities(tokens, by="role", corpus=corpus, of="lower", min_frequency=1, drop_pseudonyms=False)
    assert {"habitant·e", "adresse"} <= set(kept["term"])
