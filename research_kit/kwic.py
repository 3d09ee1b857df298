"""Keyword in context: every occurrence of a word or phrase, with what surrounds it.

:func:`kwic` finds a query in a tokens frame and cuts its context from the document
text by character offsets, so the lines read exactly as the transcript does
(apostrophes, accents, spacing), and a line never runs into the next speaker's turn.
The placeholders of pseudonymisation (``[adresse]``) stay in the context as they are in
the text; a pseudonym is never itself a match (``Personne 4`` is no occurrence of
*personne*).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import ParameterError, check_int, check_option
from .tokens import (
    OF, Of, bool_column, check_documents, check_tokens, doc_codes, in_order, pseudonym_mask, run_starts, terms,
    with_context, with_pseudonyms,
)

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus

__all__ = ["kwic"]

#: French words that keep their apostrophe inside one token.
_WHOLE = frozenset({"aujourd'hui", "quelqu'un", "quelqu'une", "presqu'île", "presqu'îles", "prud'homme",
                    "prud'hommes", "prud'homal", "entr'acte"})
#: English clitics split *before* the apostrophe ("it's" -> "it" + "'s").
_CLITICS = frozenset({"s", "re", "ve", "ll", "d", "m"})
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'"})


def kwic(
    tokens: pd.DataFrame,
    query: str,
    *,
    corpus: Corpus,
    of: Of = "text",
    window: int = 8,
    case_sensitive: bool = False,
    regex: bool = False,
    drop_pseudonyms: bool = True,
) -> pd.DataFrame:
    """Every occurrence of ``query`` with its left and right context.

    A query is a word or a phrase, matched as consecutive tokens (white-space
    tokens skipped) within one turn. The phrase is cut into tokens the way
    spaCy cuts French: at white space, and after the apostrophe of an elided
    word, so ``"qu'on dise"`` is ``qu'`` + ``on`` + ``dise`` and ``"l'équipe"``
    is ``l'`` + ``équipe`` (``aujourd'hui`` and ``quelqu'un`` stay whole).
    English clitics are cut before the apostrophe, as spaCy's English
    tokenizer does (``"it's"`` -> ``it`` + ``'s``, ``"don't"`` -> ``do`` +
    ``n't``). Typographic apostrophes (’) and straight ones (') are the same
    character for matching. Punctuation is matched only as a separate word
    (``"vraiment ?"``).

    With ``regex=True`` the query is a regular expression that a single token
    must match in full (``"particip.*"`` finds participer, participation…; use
    ``".*particip.*"`` for any token containing it).

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``) annotated from ``corpus``.
    query
        Word, phrase, or (with ``regex=True``) a regular expression.
    corpus
        The corpus the tokens come from: it supplies the document text the
        context is cut from, and each turn's speaker and role.
    of
        Match the query against the tokens as written (``"text"``, default),
        lower-cased (``"lower"``), or their lemmas (``"lemma"``: write the
        query in lemma form, ``"falloir"`` finds faut, faudrait, fallait).
    window
        Number of tokens (punctuation included) shown on each side, cut
        short at the edges of the turn; 0 for none.
    case_sensitive
        Tell ``Projet`` from ``projet`` (off by default).
    regex
        Treat ``query`` as a regular expression over single tokens.
    drop_pseudonyms
        Leave out the matches that take in a token of a pseudonym or placeholder
        (``is_pseudonym``: ``Médiateur·rice 2``, ``[adresse]``); ``False`` keeps them.
        Contexts always show the text as it is, placeholders included, and are widened
        rather than cut inside one (``[adresse]``, never ``adresse]``).

    Returns
    -------
    pandas.DataFrame
        One row per occurrence, sorted by ``doc_id`` then ``start_char``:

        - ``doc_id``, ``turn``, ``speaker``, ``role``;
        - ``left``: up to ``window`` tokens before the match, as written in the
          document, without the white space at either end;
        - ``match``: the matched text as written;
        - ``right``: up to ``window`` tokens after the match, likewise;
        - ``start_char``, ``end_char``: the match's offsets in the document text
          (``corpus.text(doc_id)[start_char:end_char] == match``).

    Raises
    ------
    ParameterError
        ``RK-P01`` for an unknown ``of``; ``RK-P23`` for a negative ``window``;
        ``RK-P27`` when the tokens come from documents the corpus lacks;
        ``RK-P28`` for an empty query; ``RK-P29`` for an invalid regular expression.

    Examples
    --------
    >>> from research_kit.kwic import kwic
    >>> kwic(tokens, "il faudrait", corpus=corpus)[["left", "match", "right"]]   # doctest: +SKIP
                left        match                  right
    0   Bon, ben     il faudrait  qu'on se reparle.
    """
    fn = "kwic"
    check_option("of", of, OF, function=fn)
    check_option("case_sensitive", case_sensitive, (True, False), function=fn)
    check_option("regex", regex, (True, False), function=fn)
    check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function=fn)
    window = check_int(window, "window", function=fn, minimum=0)
    if not isinstance(query, str) or not query.strip():
        raise ParameterError("RK-P28", f"the query of kwic() must be a non-empty string; got {query!r} instead.",
                             hint='For example kwic(tokens, "il faudrait", corpus=corpus).')
    if not hasattr(corpus, "turns") or not hasattr(corpus, "text"):
        raise ParameterError("RK-P24", f"the 'corpus' parameter of kwic() must be a Corpus; "
                                       f"got {type(corpus).__name__} instead.")
    needed = ["doc_id", "turn", "token", "text", "lemma", "is_space", "start_char", "end_char"]
    check_tokens(tokens, needed, function=fn)
    frame = in_order(tokens[with_pseudonyms(needed, tokens)])
    frame = frame[~bool_column(frame, "is_space")]
    column = terms(frame, "lemma" if of == "lemma" else "text")  # "lower": folded below, with the query
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    forms = pd.Series(uniques, dtype=object).fillna("").map(lambda s: str(s).translate(_APOSTROPHES))
    fold = not case_sensitive or of == "lower"
    if fold:
        forms = forms.str.lower()

    if regex:
        try:
            pattern = re.compile(query.translate(_APOSTROPHES), 0 if case_sensitive else re.IGNORECASE)
        except re.error as e:
            raise ParameterError("RK-P29", f"the query {query!r} of kwic() is not a valid regular expression: {e}.",
                                 hint="Escape special characters with a backslash, or pass regex=False.") from e
        pieces = [forms.map(lambda s: pattern.fullmatch(s) is not None).to_numpy(dtype=bool)]
    else:
        words = split_query(query)
        if fold:
            words = [w.lower() for w in words]
        pieces = [(forms == w).to_numpy(dtype=bool) for w in words]

    n, k = len(frame), len(pieces)
    # a run of tokens sharing document and turn; matches and contexts stay inside one
    new = run_starts(doc_codes(frame), frame["turn"].to_numpy())
    run = np.cumsum(new)
    m = n - k + 1
    if m <= 0:
        return _result(frame.iloc[:0], corpus, [], [], [])
    hit = np.ones(m, dtype=bool)
    for j, found in enumerate(pieces):
        hit &= found[codes[j:j + m]]
    hit &= run[:m] == run[k - 1:]
    if drop_pseudonyms:
        pseudo = pseudonym_mask(frame)
        for j in range(k):
            hit &= ~pseudo[j:j + m]
    first = np.nonzero(hit)[0]
    last = first + k - 1
    run_start = np.flatnonzero(new)
    run_end = np.append(run_start[1:], n) - 1
    lo = np.maximum(first - window, run_start[run[first] - 1])
    hi = np.minimum(last + window, run_end[run[first] - 1])
    if window:
        lo, hi = _whole_pseudonyms(pseudonym_mask(frame), new, lo, hi)

    starts = frame["start_char"].to_numpy(dtype=np.int64)
    ends = frame["end_char"].to_numpy(dtype=np.int64)
    matched = frame.iloc[first]
    if len(matched):
        check_documents(matched, corpus, function=fn)
    texts = {d: corpus.text(d) for d in pd.unique(matched["doc_id"].astype(object))}
    doc_ids = matched["doc_id"].astype(object).to_numpy()
    left, middle, right = [], [], []
    for i in range(len(first)):
        text = texts[doc_ids[i]]
        s, e = starts[first[i]], ends[last[i]]
        left.append(text[starts[lo[i]]:s].strip() if lo[i] < first[i] else "")
        middle.append(text[s:e])
        right.append(text[e:ends[hi[i]]].strip() if hi[i] > last[i] else "")
    out = _result(matched, corpus, left, middle, right, end=ends[last])
    return out


def _whole_pseudonyms(pseudo: np.ndarray, new: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, ...]:
    """Context edges moved out of any pseudonym or placeholder they fall in: "[adresse]", never "adresse]"."""
    if not pseudo.any():
        return lo, hi
    n = len(pseudo)
    index = np.arange(n)
    opens = pseudo & (np.r_[True, ~pseudo[:-1]] | new)  # a pseudonym starts: after a word, or a new turn
    closes = pseudo & (np.r_[~pseudo[1:], True] | np.r_[new[1:], True])
    first = np.maximum.accumulate(np.where(opens, index, 0))
    last = np.minimum.accumulate(np.where(closes, index, n - 1)[::-1])[::-1]
    return np.where(pseudo[lo], first[lo], lo), np.where(pseudo[hi], last[hi], hi)


def _result(matched: pd.DataFrame, corpus: Corpus, left: list[str], middle: list[str], right: list[str],
            end: np.ndarray | None = None) -> pd.DataFrame:
    base = matched[["doc_id", "turn", "start_char"]].reset_index(drop=True)
    base["doc_id"] = base["doc_id"].astype("string")
    base = with_context(base.drop(columns=[c for c in ("speaker", "role") if c in base]), ["speaker", "role"],
                         corpus, function="kwic")
    out = pd.DataFrame({
        "doc_id": base["doc_id"],
        "turn": base["turn"].astype("int64"),
        "speaker": base["speaker"].astype("string"),
        "role": base["role"].astype("string"),
        "left": pd.array(left, dtype="string"),
        "match": pd.array(middle, dtype="string"),
        "right": pd.array(right, dtype="string"),
        "start_char": base["start_char"].astype("int64"),
        "end_char": pd.array(end if end is not None else [], dtype="int64"),
    })
    return out.sort_values(["doc_id", "start_char"], kind="stable").reset_index(drop=True)


def split_query(query: str) -> list[str]:
    """Cut a query into the tokens spaCy would make of it (see :func:`kwic`).

    >>> split_query("qu'on se dise aujourd'hui")
    ["qu'", 'on', 'se', 'dise', "aujourd'hui"]
    >>> split_query("we don't know")
    ['we', 'do', "n't", 'know']
    """
    words: list[str] = []
    for word in query.translate(_APOSTROPHES).split():
        words.extend(_split_word(word))
    return words


def _split_word(word: str) -> list[str]:
    if word.lower() in _WHOLE:
        return [word]
    p = word.find("'", 1)
    if p < 0 or p == len(word) - 1:
        return [word]
    before, after = word[:p], word[p + 1:]
    if after.lower() == "t" and before.lower().endswith("n") and len(before) > 1:
        return [before[:-1], before[-1] + "'" + after]  # don't -> do + n't
    if after.lower() in _CLITICS:
        return [before, "'" + after]  # it's -> it + 's
    return [before + "'", *_split_word(after)]  # qu'on -> qu' + on
