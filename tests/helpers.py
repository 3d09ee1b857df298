"""Constants and frame builders shared by the tests, defined once.

Test files import from here (or use the fixtures of ``tests/conftest.py``), never from
another test file or from conftest: tests/test_architecture.py checks it.

Two token builders, for two kinds of test:

- ``make_tokens`` (with ``w``, ``p`` and ``make_corpus``) lays words out as real text, so
  that offsets point into the corpus ``make_corpus`` builds from the same rows;
- ``make_item_tokens`` (with ``block_matrix`` and ``block_tokens``) writes documents as
  lists of words, for the Reinert classification and correspondence analysis.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# research_kit is imported inside the builders: conftest imports this module, and a package
# that fails to import must fail the tests that use it, not the collection of every test
# (tests/test_architecture.py reads the package's source and runs even then).

DATA = Path(__file__).parent / "data"
"""The small input files the tests read (one per format, one per bad input)."""

ROOT = Path(__file__).parent.parent
"""The repository's root folder."""


def read(path: Path) -> str:
    """The text of a file, decoded as the readers decode it."""
    from research_kit._io import read_text

    return read_text(path)[0]


# ---------------------------------------------------------------------------
# tokens laid out as text (test_textstats, test_keyness, test_kwic, test_collocations)

_NO_SPACE_BEFORE = {",", ".", ")", "…"}


def _layout(rows):
    """Token records with offsets, and the text of each (doc_id, turn).

    A token is preceded by one space unless it opens its turn, is one of , . ) …,
    or follows a token ending with an apostrophe (qu' + on -> "qu'on"). Turns are
    joined by the corpus's turn separator, as ``Corpus.text`` joins them.
    """
    from research_kit.schemas import TURN_SEPARATOR

    records, texts = [], {}
    state = {}  # doc_id -> (offset of the next turn, next token index, last turn)
    for doc_id, turn, sentence, text, lemma, is_stop, is_punct in rows:
        start_of_turn, index, last_turn = state.get(doc_id, (0, 0, None))
        key = (doc_id, turn)
        if key not in texts:
            if last_turn is not None:
                start_of_turn += len(texts[(doc_id, last_turn)]) + len(TURN_SEPARATOR)
            texts[key] = ""
            last_turn = turn
        current = texts[key]
        glue = "" if not current or text in _NO_SPACE_BEFORE or current.endswith(("'", "’")) else " "
        start = start_of_turn + len(current) + len(glue)
        texts[key] = current + glue + text
        records.append({
            "doc_id": doc_id, "turn": turn, "sentence": sentence, "token": index, "text": text, "lemma": lemma,
            "pos": "PUNCT" if is_punct else "X", "is_stop": is_stop, "is_punct": is_punct,
            "is_space": not text.strip(), "is_pseudonym": False, "ent_type": "", "start_char": start,
            "end_char": start + len(text),
            "language": "fr",
        })
        state[doc_id] = (start_of_turn, index + 1, last_turn)
    return records, texts


def make_tokens(rows) -> pd.DataFrame:
    """A TOKENS frame from (doc_id, turn, sentence, text, lemma, is_stop, is_punct) tuples."""
    from research_kit.schemas import TOKENS

    records, _ = _layout(rows)
    return pd.DataFrame(records, columns=TOKENS.names).astype(TOKENS.dtypes)


def make_corpus(rows, speakers, documents=None):
    """The corpus whose text those tokens point into.

    ``speakers`` maps (doc_id, turn) to (speaker, role); ``documents`` maps doc_id to
    a dict of document variables.
    """
    from research_kit.corpus import build_corpus

    _, texts = _layout(rows)
    turns = pd.DataFrame([
        {"doc_id": d, "turn": t, "speaker": speakers[(d, t)][0], "role": speakers[(d, t)][1], "text": text}
        for (d, t), text in texts.items()
    ])
    doc_ids = list(dict.fromkeys(d for d, _ in texts))
    docs = pd.DataFrame([{"doc_id": d, **((documents or {}).get(d, {}))} for d in doc_ids])
    return build_corpus(docs, turns)


def w(doc_id, turn, sentence, text, lemma=None, stop=False):
    """A word row for ``make_tokens``."""
    return (doc_id, turn, sentence, text, lemma if lemma is not None else text.lower(), stop, False)


def p(doc_id, turn, sentence, text):
    """A punctuation row for ``make_tokens``."""
    return (doc_id, turn, sentence, text, text, False, True)


# ---------------------------------------------------------------------------
# documents as lists of words (test_chd, test_ca)


def make_item_tokens(docs: dict[str, list], *, pos: str = "NOUN") -> pd.DataFrame:
    """A tokens frame from ``{doc_id: [item, ...]}``.

    An item is a word, a punctuation mark (a string of punctuation characters), the
    marker ``"|"`` (the next words start a new turn), or ``(word, pos, is_stop)``.
    """
    rows = []
    for doc_id, items in docs.items():
        offset, turn, token = 0, 0, 0
        for item in items:
            if item == "|":
                turn += 1
                offset += 2  # the turn separator
                continue
            if isinstance(item, tuple):
                text, p, stop = item
            else:
                text, p, stop = item, pos, False
            punct = all(not ch.isalnum() for ch in text)
            rows.append({"doc_id": doc_id, "turn": turn, "sentence": 0, "token": token, "text": text,
                         "lemma": text.lower(), "pos": "PUNCT" if punct else p, "is_stop": stop,
                         "is_punct": punct, "is_space": False, "ent_type": "", "start_char": offset,
                         "end_char": offset + len(text), "language": "fr"})
            offset += len(text) + 1
            token += 1
    frame = pd.DataFrame(rows)
    return frame.astype({"doc_id": "string", "text": "string", "lemma": "string", "pos": "string",
                         "ent_type": "string", "language": "string"})


def block_matrix(blocks: list[int], n_cols: int = 6, seed: int = 0) -> np.ndarray:
    """Rows of block b use only the columns of block b, each row 3 of its block's 6 forms."""
    rng = np.random.default_rng(seed)
    rows = []
    for b, n in enumerate(blocks):
        for _ in range(n):
            row = np.zeros(n_cols * len(blocks))
            row[b * n_cols + rng.choice(n_cols, 3, replace=False)] = 1.0
            rows.append(row)
    return np.array(rows)


def block_tokens(blocks: list[int], *, extra: dict[int, str] | None = None) -> pd.DataFrame:
    """One document (one segment) per row of block_matrix; ``extra`` adds a word to some documents."""
    m = block_matrix(blocks)
    docs = {}
    for i, row in enumerate(m):
        items = [f"f{j}" for j in np.flatnonzero(row)] + ["."]
        if extra and i in extra:
            items.insert(0, extra[i])
        docs[f"d{i:02d}"] = items
    return make_item_tokens(docs)


# ---------------------------------------------------------------------------
# small corpus folders written by the tests


def write_corpus(folder: Path, files: dict[str, str], manifest: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if manifest is not None:
        (folder / "corpus.yml").write_text(manifest, encoding="utf-8")
    return folder


#: Three short French transcripts (fillers, Québec markers, a person's name, a city).
FRENCH = {
    "a.txt": "Marie: Les médiatrices étaient épuisées.\n"
             "Luc: Bon, ben, euh, tsé, on a parlé avec Geneviève Lavoie hier.\n",
    "b.txt": "Marie: La garderie ouvre en septembre. Pis là, les familles attendent.\nLuc: Ouais, mettons.\n",
    "c.txt": "Marie: Le comité se réunit jeudi à Montréal.\nLuc: Faque on en reparle jeudi.\n",
}


#: A bilingual codebook with every kind of rule (lemmas, regex, phrases, spaCy patterns).
CODEBOOK = r"""
title: Test
languages: [fr, en]
codes:
  - id: fatigue
    label: {fr: Fatigue, en: Tiredness}
    rules:
      fr:
        lemmas: [Épuisement]            # as written: matched lower-cased
        regex: ['(?i)\bburn-?out\b']
      en:
        lemmas: [exhaust]
        regex: ['(?i)\bburn-?out\b']
  - id: reco
    label: {fr: Recommandation, en: Recommendation}
    rules:
      fr: {phrases: [il faudrait]}
      en: {phrases: [we should]}
  - id: soin
    label: {fr: Soin, en: Care}
    rules:
      fr:
        patterns:
          - [{LEMMA: prendre}, {LEMMA: Soin}]
  - id: voix
    label: {fr: Voix, en: Voice}
    rules:
      fr: {lemmas: [council]}           # a French rule: must not fire on the English turn
      en: {lemmas: [voice]}
"""
