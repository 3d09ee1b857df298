"""autocode on categorical tokens, and entities recognised when a rule needs them (#19)."""

import warnings

import pandas as pd
import pytest

from research_kit import read_corpus
from research_kit.annotate import annotate
from research_kit.autocode import autocode
from research_kit.codebook import read_codebook
from tests.helpers import CODEBOOK

TEXT = ("Marie: L’épuisement des équipes est réel. Il faudrait prendre soin de nous.\n"
        "Luc: On a parlé avec Geneviève Lavoie hier, à Montréal. Il faut prendre du recul.\n")
PERSONS = CODEBOOK + r"""
  - id: personne
    label: {fr: Personne, en: Person}
    rules:
      fr:
        patterns:
          - [{ENT_TYPE: PER, OP: "+"}]
"""


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "corpus.yml").write_text("language: fr\n", encoding="utf-8")
    (tmp_path / "codebook.yml").write_text(PERSONS, encoding="utf-8")
    return read_corpus(folder)


def hits(frame, corpus):
    return sorted((r.code, corpus.text(r.doc_id)[r.start_char:r.end_char]) for r in frame.itertuples(index=False))


def test_the_same_hits_from_categorical_and_string_columns(corpus):
    codebook = read_codebook(corpus.root.parent / "codebook.yml")
    tokens = annotate(corpus, entities=True)
    assert str(tokens["doc_id"].dtype) == str(tokens["pos"].dtype) == "category"
    strings = tokens.astype({c: "string" for c in ("doc_id", "pos", "ent_type", "language")})
    coded = autocode(tokens, codebook, corpus=corpus, cache=False)
    pd.testing.assert_frame_equal(coded, autocode(strings, codebook, corpus=corpus, cache=False))
    found = hits(coded, corpus)
    # worked by hand from the text: the lemma, the phrase on lemmas (il faut), the pattern, the person
    assert ("fatigue", "épuisement") in found
    assert ("reco", "Il faudrait") in found and ("reco", "Il faut") in found
    assert ("soin", "prendre soin") in found
    assert ("personne", "Geneviève Lavoie") in found


def test_an_entity_rule_gets_the_entities_it_needs(corpus):
    codebook = read_codebook(corpus.root.parent / "codebook.yml")
    plain = annotate(corpus)  # no entities: the default
    assert (plain["ent_type"] == "").all()
    expected = autocode(annotate(corpus, entities=True), codebook, corpus=corpus, cache=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        coded = autocode(plain, codebook, corpus=corpus, cache=False)
    pd.testing.assert_frame_equal(coded, expected)
    assert ("personne", "Geneviève Lavoie") in hits(coded, corpus)


def test_tokens_that_are_not_the_corpus_annotation_get_no_entities_and_a_warning(corpus):
    codebook = read_codebook(corpus.root.parent / "codebook.yml")
    plain = annotate(corpus)
    fewer = plain[plain["token"] != 0].reset_index(drop=True)  # not what annotate() gives
    with pytest.warns(UserWarning, match="RK-G17"):
        coded = autocode(fewer, codebook, corpus=corpus, cache=False)
    assert "personne" not in set(coded["code"])
