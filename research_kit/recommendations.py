"""Recommendations, needs and open questions voiced in a meeting.

Participatory processes are evaluated on what participants asked for. A sentence is a
*recommendation* when it carries a marker such as "il faudrait", "on devrait",
"je propose", "we should"; a *need* with "on a besoin", "il nous manque", "we need";
a *question* when it ends with a question mark. Codings of the codebook's
recommendation and need codes count too: a sentence inside such a coded segment is
kept even without a marker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .corpus import Corpus

__all__ = ["recommendations", "MARKERS", "sentences"]

MARKERS: dict[str, dict[str, Sequence[str]]] = {
    "recommendation": {
        "fr": (r"il faudrait", r"faudrait", r"on devrait", r"vous devriez", r"ils devraient", r"la commune devrait",
               r"ce serait (?:bien|bon|important|intéressant)", r"ça serait (?:bien|bon|le fun|important)",
               r"je (?:propose|recommande|suggère)", r"nous (?:proposons|recommandons)", r"on pourrait",
               r"pourquoi (?:pas|ne pas)", r"il (?:faut|faudra) (?:que|qu'on|absolument|vraiment)", r"ma proposition"),
        "en": (r"we should", r"you should", r"they should", r"the city should", r"(?:it|that) would be (?:good|great|helpful|important)",
               r"i (?:recommend|suggest|propose)", r"we could", r"why not", r"let's", r"my recommendation"),
    },
    "need": {
        "fr": (r"on a besoin", r"nous avons besoin", r"j'ai besoin", r"ils ont besoin", r"il (?:nous|leur) manque",
               r"il manque", r"ça prend", r"ça nous prendrait", r"on manque de"),
        "en": (r"we need", r"i need", r"they need", r"what'?s missing", r"we lack", r"we're missing"),
    },
}
_COMPILED = {kind: {lang: re.compile(r"(?<!\w)(?:" + "|".join(p) + r")(?!\w)", re.IGNORECASE)
                    for lang, p in by_lang.items()} for kind, by_lang in MARKERS.items()}
_SUGGESTING_QUESTIONS = {"pourquoi pas", "pourquoi ne pas", "on pourrait", "why not", "we could", "ce serait bien",
                         "ça serait bien", "ce serait bon", "it would be good"}
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?…])|(?<=[.!?…][»\"”])|(?<=[.!?…] [»\"”])|(?<=[.!?…]\u00a0[»\"”]))"  # after a closing quote too
    r"\s+(?=[«\"“(\[]?[A-ZÀ-ÖØ-Þ0-9])|\n+")


def sentences(corpus: Corpus, *, tokens: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sentences with their turn, speaker and role: from ``tokens`` when given, else split on punctuation.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, turn, speaker, role, start_char, end_char, text``.
    """
    turns = corpus.turns
    if tokens is not None and len(tokens):
        words = tokens[~tokens["is_space"]]
        spans = (words.groupby(["doc_id", "sentence"], sort=False)
                 .agg(turn=("turn", "first"), start_char=("start_char", "min"), end_char=("end_char", "max"))
                 .reset_index(drop=False).drop(columns="sentence"))
    else:
        rows = []
        for doc_id, turn, start, text in zip(turns["doc_id"], turns["turn"], turns["start_char"], turns["text"]):
            pos = 0
            for m in list(_SENTENCE_END.finditer(text)) + [None]:
                end = m.start() if m else len(text)
                if m is not None and text.count("«", pos, end) > text.count("»", pos, end):
                    continue  # inside « … »: a quoted question does not end the sentence
                if text[pos:end].strip():
                    lead = len(text[pos:end]) - len(text[pos:end].lstrip())
                    rows.append((doc_id, turn, start + pos + lead, start + len(text[:end].rstrip())))
                pos = m.end() if m else len(text)
        spans = pd.DataFrame(rows, columns=["doc_id", "turn", "start_char", "end_char"])
    spans = spans.merge(turns[["doc_id", "turn", "speaker", "role"]], on=["doc_id", "turn"], how="left")
    spans["text"] = [corpus.text(d)[s:e] for d, s, e in zip(spans["doc_id"], spans["start_char"], spans["end_char"])]
    return spans[["doc_id", "turn", "speaker", "role", "start_char", "end_char", "text"]].reset_index(drop=True)


def recommendations(corpus: Corpus, *, tokens: pd.DataFrame | None = None, codings: pd.DataFrame | None = None,
                    codes: Mapping[str, Iterable[str]] | None = None, min_words: int = 5) -> pd.DataFrame:
    """The recommendations, needs and questions voiced, one row per sentence.

    Parameters
    ----------
    tokens
        From ``annotate(corpus)``, for its sentence boundaries (else punctuation).
    codings, codes
        Coded segments, and which codes mean what: ``{"recommendation": [...], "need": [...]}``
        (codes with their children); a sentence that holds most of such a segment is kept.
    min_words
        Shorter sentences are dropped (a bare "Pourquoi pas?" says little out of context).

    Returns
    -------
    pandas.DataFrame
        ``doc_id, turn, speaker, role, kind, marker, text, start_char, end_char`` with
        ``kind`` one of recommendation, need, question; ``marker`` is the words that
        matched, or ``code:<code>`` when a coding put it there.
    """
    from .corpus import count_words

    sents = sentences(corpus, tokens=tokens)
    lang_of = dict(zip(corpus.documents["doc_id"], corpus.documents["language"].fillna("fr")))
    kinds, marks = [], []
    for doc_id, text in zip(sents["doc_id"], sents["text"]):
        lang = lang_of.get(doc_id, "fr")
        found = None
        asks = text.rstrip().endswith("?")
        for kind in ("recommendation", "need"):
            for lg in (lang, "en" if lang == "fr" else "fr"):
                m = _COMPILED[kind].get(lg, _COMPILED[kind]["fr"]).search(text)
                if m:
                    found = (kind, m.group(0).lower())
                    break
            if found:
                break
        # "Qu'est-ce qu'il faudrait… ?" asks; "Pourquoi pas des bancs ?" suggests.
        if asks and (found is None or found[1] not in _SUGGESTING_QUESTIONS):
            found = ("question", "?")
        kinds.append(found[0] if found else None)
        marks.append(found[1] if found else None)
    sents["kind"], sents["marker"] = kinds, marks
    if codings is not None and codes and len(codings):
        for kind, code_list in codes.items():
            segs = codings[codings["code"].isin(list(code_list))]
            for doc_id, group in segs.groupby("doc_id"):
                rows = np.flatnonzero((sents["doc_id"] == doc_id).to_numpy())
                s, e = sents["start_char"].to_numpy()[rows], sents["end_char"].to_numpy()[rows]
                for gs, ge, code in zip(group["start_char"], group["end_char"], group["code"]):
                    # the sentence must hold most of the coded segment: a segment coding a whole
                    # turn does not make each of its sentences a recommendation
                    overlap = np.minimum(e, ge) - np.maximum(s, gs)
                    hit = rows[overlap >= 0.5 * (ge - gs)]
                    empty = sents.loc[hit, "kind"].isna() | (sents.loc[hit, "kind"] == "question")
                    sents.loc[hit[empty.to_numpy()], "kind"] = kind
                    sents.loc[hit[empty.to_numpy()], "marker"] = f"code:{code}"
    out = sents[sents["kind"].notna()]
    out = out[out["text"].map(count_words) >= min_words]
    cols = ["doc_id", "turn", "speaker", "role", "kind", "marker", "text", "start_char", "end_char"]
    return out[cols].reset_index(drop=True)
