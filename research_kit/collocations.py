"""Collocations: pairs of words that occur near each other more often than chance.

:func:`collocations` counts, for every word, the words that follow it within a window,
and scores each pair with NLTK's association measures (PMI, log-likelihood ratio,
t-score), never pairing words from two different turns or documents.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .errors import ParameterError, check_int, check_option
from .tokens import (
    OF, Of, as_term, bool_column, check_columns, check_tokens, doc_codes, empty_result, group_codes, grouped_result,
    in_order, pseudonym_mask, run_starts, term_codes, with_context, with_pseudonyms, word_mask,
)

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus

__all__ = ["collocations", "COLLOCATION_MEASURES"]

#: Score columns of a collocations frame.
COLLOCATION_MEASURES = ("pmi", "likelihood_ratio", "student_t")


def collocations(
    tokens: pd.DataFrame,
    *,
    of: Of = "lemma",
    window: int = 5,
    measure: Literal["pmi", "likelihood_ratio", "student_t"] = "pmi",
    min_count: int = 3,
    drop_stop: bool = True,
    node: str | None = None,
    by: str | Sequence[str] | None = None,
    corpus: Corpus | None = None,
    drop_pseudonyms: bool = True,
) -> pd.DataFrame:
    """Word pairs that co-occur within a window, scored by association measures.

    Pairs are counted as NLTK's ``BigramCollocationFinder.from_words(words,
    window_size=window)`` counts them: each word ``w1`` is paired with each of
    the ``window - 1`` words that follow it, so pairs are *ordered* (``w1``
    comes first). The scores are NLTK's ``BigramAssocMeasures`` computed by that
    finder, which divides a pair's count by ``window - 1`` as Church & Hanks
    (1990) do.

    Boundaries: a window never reaches across a turn (and so never across a
    document). The counts are those ``from_words`` gives on one stream in which
    ``window - 1`` empty slots separate consecutive turns, the padding NLTK's
    own ``from_documents`` uses between documents; they are computed with
    array arithmetic instead of a Python loop over the words, then handed to
    the finder for scoring.

    Punctuation and white space are removed before windows are laid out.
    With ``drop_stop=True`` stop words keep their place in the window (so
    ``window`` measures the distance actually spoken) but are never counted,
    neither in pairs nor in word totals. With ``drop_pseudonyms=True`` the tokens
    of pseudonyms and placeholders (``is_pseudonym``: ``Personne 4``,
    ``[adresse]``) are treated so too, whatever ``drop_stop`` says.

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``).
    of
        ``"lemma"``, ``"text"`` or ``"lower"``.
    window
        Span in words, the first word included, as NLTK's ``window_size``:
        2 pairs adjacent words only; 5 (default) pairs a word with the next four.
    measure
        Column to sort by, descending: ``"pmi"``, ``"likelihood_ratio"`` or
        ``"student_t"``. All three are returned.
    min_count
        Keep pairs seen at least this many times (NLTK's ``apply_freq_filter``).
        PMI overrates rare pairs: keep this at 3 or more.
    drop_stop
        See above.
    node
        Keep only pairs containing this word (as ``w1`` or ``w2``), written as
        the terms are (lower-cased for ``"lemma"`` and ``"lower"``).
    by, corpus
        Compute separately per group (``"doc_id"``, ``"role"``, ``"site"``…),
        each group with its own totals; ``corpus=`` as in
        :func:`research_kit.textstats.frequencies`.
    drop_pseudonyms
        See above; ``False`` pairs the words of pseudonyms as any other.

    Returns
    -------
    pandas.DataFrame
        One row per group and ordered pair, sorted by group then ``measure``
        descending (ties by ``w1``, ``w2``):

        - the ``by`` columns;
        - ``w1``, ``w2``: the pair, ``w1`` first in the text;
        - ``count``: how many times ``w2`` occurs within ``window - 1`` words after ``w1``;
        - ``pmi``: pointwise mutual information (base 2), Church & Hanks' association ratio;
        - ``likelihood_ratio``: Dunning's log-likelihood ratio (G2), unsigned;
        - ``student_t``: the t-score.

    Raises
    ------
    ParameterError
        ``RK-P01`` for an unknown ``of``/``measure``; ``RK-P23`` for
        ``window < 2`` or ``min_count < 1``; ``RK-P30`` for a ``node`` that is
        not a string; ``RK-P20``/``RK-P21`` for ``by`` columns that cannot be found.

    References
    ----------
    Church, K. W. & Hanks, P. (1990). Word association norms, mutual
    information, and lexicography. *Computational Linguistics*, 16(1), 22-29.

    Dunning, T. (1993). Accurate methods for the statistics of surprise and
    coincidence. *Computational Linguistics*, 19(1), 61-74.

    Bird, S., Klein, E. & Loper, E. (2009). *Natural Language Processing with
    Python*. O'Reilly (NLTK's ``nltk.collocations``).

    Examples
    --------
    >>> import pandas as pd
    >>> from research_kit.collocations import collocations
    >>> words = ["conseil", "municipal", "vote", "conseil", "municipal"]
    >>> tokens = pd.DataFrame({"doc_id": "d1", "turn": 0, "sentence": 0, "token": range(5),
    ...     "text": words, "lemma": words, "is_stop": False, "is_punct": False, "is_space": False})
    >>> collocations(tokens, window=2, min_count=2)[["w1", "w2", "count"]]
            w1         w2  count
    0  conseil  municipal      2
    """
    from nltk.collocations import BigramCollocationFinder
    from nltk.metrics import BigramAssocMeasures
    from nltk.probability import FreqDist

    fn = "collocations"
    check_option("of", of, OF, function=fn)
    check_option("measure", measure, COLLOCATION_MEASURES, function=fn)
    check_option("drop_stop", drop_stop, (True, False), function=fn)
    check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function=fn)
    window = check_int(window, "window", function=fn, minimum=2)
    min_count = check_int(min_count, "min_count", function=fn, minimum=1)
    by = check_columns(by, "by", function=fn)
    if node is not None and (not isinstance(node, str) or not node.strip()):
        raise ParameterError("RK-P30", f"the 'node' parameter of collocations() must be a word or None; "
                                       f"got {node!r} instead.")
    if node is not None:
        node = as_term(node, of)
    needed = ["doc_id", "turn", "token", "text", "lemma", "is_stop", "is_punct", "is_space"]
    check_tokens(tokens, needed, function=fn)
    frame = with_context(tokens, by, corpus, function=fn, keep=with_pseudonyms(needed, tokens))
    frame = in_order(frame)
    columns = {**{c: frame[c].dtype for c in by}, "w1": "string", "w2": "string", "count": "int64",
               "pmi": "float64", "likelihood_ratio": "float64", "student_t": "float64"}
    word = word_mask(frame)  # punctuation and white space leave no slot
    if not word.any():
        return empty_result(columns)

    group, keys = group_codes(frame, by)
    term, names = term_codes(frame, of)
    if drop_stop:
        term = np.where(bool_column(frame, "is_stop"), -1, term)
    if drop_pseudonyms:
        term = np.where(pseudonym_mask(frame), -1, term)
    doc = doc_codes(frame)[word]
    turn = frame["turn"].to_numpy()[word]
    group, term = group[word], term[word]
    n = len(term)
    run = np.cumsum(run_starts(doc, turn, group))

    # every (w1, w2) with w2 at distance 1 .. window - 1 after w1 in the same turn
    n_terms = len(names)
    first_keys, second = [], []
    for k in range(1, min(window, n)):
        i = np.arange(n - k)
        ok = (run[i] == run[i + k]) & (term[i] >= 0) & (term[i + k] >= 0)
        i = i[ok]
        first_keys.append(group[i] * n_terms + term[i])
        second.append(term[i + k])
    head = np.concatenate(first_keys) if first_keys else np.zeros(0, dtype=np.int64)
    tail = np.concatenate(second) if second else np.zeros(0, dtype=np.int64)
    head_code, heads = pd.factorize(head)
    pair_code, pairs = pd.factorize(head_code.astype(np.int64) * n_terms + tail)
    count = np.bincount(pair_code, minlength=len(pairs))
    pair_head = heads[pairs // n_terms]
    p_group, p_w1, p_w2 = pair_head // n_terms, pair_head % n_terms, pairs % n_terms
    keep = count >= min_count
    if node is not None:
        hit = np.flatnonzero(names == node)
        keep &= np.isin(p_w1, hit) | np.isin(p_w2, hit)
    p_group, p_w1, p_w2, count = p_group[keep], p_w1[keep], p_w2[keep], count[keep]

    counted = term >= 0
    word_counts = pd.Series(np.ones(int(counted.sum()), dtype=np.int64)).groupby(
        [group[counted], term[counted]]).sum()
    scores = {m: np.full(len(count), np.nan) for m in COLLOCATION_MEASURES}
    functions = {m: getattr(BigramAssocMeasures, m) for m in COLLOCATION_MEASURES}
    names_list = names.tolist()
    for g in np.unique(p_group):
        rows = np.flatnonzero(p_group == g)
        in_group = word_counts.xs(g, level=0)
        word_fd = FreqDist({names_list[t]: int(c) for t, c in in_group.items()})
        bigram_fd = FreqDist({(names_list[p_w1[r]], names_list[p_w2[r]]): int(count[r]) for r in rows})
        finder = BigramCollocationFinder(word_fd, bigram_fd, window_size=window)
        for r in rows:
            w1, w2 = names_list[p_w1[r]], names_list[p_w2[r]]
            for m, score_fn in functions.items():
                scores[m][r] = _score(finder, score_fn, w1, w2)

    out = grouped_result(keys, p_group, {
        "w1": pd.array(names[p_w1], dtype="string"),
        "w2": pd.array(names[p_w2], dtype="string"),
        "count": count.astype("int64"),
        **scores,
    })
    if out.empty:
        return empty_result(columns)
    order = [*by, measure, "w1", "w2"]
    ascending = [True] * len(by) + [False, True, True]
    return out.sort_values(order, ascending=ascending, kind="stable", na_position="last").reset_index(drop=True)


def _score(finder, score_fn, w1: str, w2: str) -> float:
    """One NLTK score; NaN where NLTK's arithmetic breaks down (a log of a negative cell)."""
    try:
        value = finder.score_ngram(score_fn, w1, w2)
    except (ValueError, ZeroDivisionError):
        return math.nan
    return math.nan if value is None else float(value)
