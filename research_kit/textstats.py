"""Word counts over a tokens frame: frequencies, n-grams, lexical diversity, dispersion.

Every function takes the tokens frame that ``annotate(corpus)`` returns (see
``schemas.TOKENS``) and returns a new tidy DataFrame; the tokens are never modified.

The conventions shared by the verbs over a tokens frame (what a term is, what
counts as a word, how ``by=`` finds ``speaker``, ``role`` or a document variable
through ``corpus=``) are those of :mod:`research_kit.tokens`, whose toolkit they use.
In short: punctuation and white space are never counted, and a group's or a part's
*size* is its number of words, stop words included, so a term's share, rate per
10,000 words or keyness does not change with ``drop_stop``, which only chooses which
terms are listed. The tokens of pseudonyms and placeholders (``is_pseudonym``:
``Personne 4``, ``[adresse]``) are not words either, unless ``drop_pseudonyms=False``
counts them as any other word.

Error codes (all :class:`~research_kit.errors.ParameterError` unless noted):

- ``RK-P01``: an option is not one of its allowed values;
- ``RK-P20``: a column to group or filter by is not in the tokens and no ``corpus=`` was given;
- ``RK-P21``: that column is in neither the tokens, ``corpus.turns`` nor ``corpus.documents``;
- ``RK-P22``: ``by``/``across``/``terms`` is not a column name, a list of them, or a list of terms;
- ``RK-P23``: a whole-number parameter (``n``, ``window``, ``min_count``, ``top``) is out of range;
- ``RK-P27``: the tokens name documents that the corpus does not hold;
- ``RK-S01`` (:class:`~research_kit.errors.SchemaError`): the tokens frame lacks a column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import ParameterError, check_int, check_option
from .tokens import (
    OF, Of, as_term, bool_column, check_columns, check_tokens, doc_codes, empty_result, group_codes,
    grouped_result, in_order, pseudonym_mask, run_starts, term_codes, with_context, with_pseudonyms, word_mask,
)

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus

__all__ = ["frequencies", "ngrams", "lexical_diversity", "dispersion"]


# ---------------------------------------------------------------------------
# counting helpers of this module's verbs


def _dense_counts(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of an int64 array (in first-seen order) and how often each occurs."""
    dense, uniques = pd.factorize(codes)
    return uniques.astype(np.int64), np.bincount(dense, minlength=len(uniques))


def _doc_freq(pair: np.ndarray, doc: np.ndarray, n_docs: int, pairs: np.ndarray) -> np.ndarray:
    """For each value of ``pairs``, the number of distinct ``doc`` it occurs with in ``pair``."""
    seen, n_seen = _dense_counts(pd.unique(pair * n_docs + doc) // n_docs)
    return pd.Series(n_seen, index=seen).reindex(pairs).to_numpy()


def _words(frame: pd.DataFrame, drop_pseudonyms: bool) -> np.ndarray:
    """The words of ``frame``: no punctuation, no white space, and no pseudonym unless they are kept."""
    word = word_mask(frame)
    return word & ~pseudonym_mask(frame) if drop_pseudonyms else word


def _rank_and_sort(frame: pd.DataFrame, by: list[str], term: str) -> pd.DataFrame:
    """Add ``rank`` (1 = most frequent in its group, ties share the best rank) and sort."""
    group = frame.groupby(by, sort=False, dropna=False)["count"] if by else frame["count"]
    frame["rank"] = group.rank(method="min", ascending=False).astype("int64")
    frame = frame.sort_values([*by, "rank", term], kind="stable", na_position="last").reset_index(drop=True)
    return frame


# ---------------------------------------------------------------------------
# frequencies


def frequencies(
    tokens: pd.DataFrame,
    *,
    of: Of = "lemma",
    by: str | Sequence[str] | None = None,
    corpus: Corpus | None = None,
    drop_stop: bool = True,
    min_count: int = 1,
    drop_pseudonyms: bool = True,
) -> pd.DataFrame:
    """How often each term occurs, overall or per group.

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``).
    of
        ``"lemma"``, ``"text"`` (as written) or ``"lower"`` (lower-cased text).
    by
        Column(s) to count within: ``"doc_id"``, ``"speaker"``, ``"role"``, a
        document variable such as ``"site"``… ``None`` counts the whole frame.
    corpus
        The corpus the tokens come from; needed only when ``by`` names a column
        the tokens lack (``speaker``, ``role``, document variables).
    drop_stop
        Leave stop words (and oral fillers marked as such) out of the list. They
        still count in the group's size.
    min_count
        Keep terms occurring at least this many times in their group.
    drop_pseudonyms
        Leave out the tokens of pseudonyms and placeholders (``is_pseudonym``): they are
        neither listed nor counted in the group's size. ``False`` counts them as words.

    Returns
    -------
    pandas.DataFrame
        One row per group and term, sorted by group, then rank, then term:

        - the ``by`` columns;
        - ``term``: the lemma or form;
        - ``count``: its occurrences in the group;
        - ``share``: ``count`` / the group's number of words (punctuation,
          white space and pseudonyms excluded, stop words included);
        - ``per_10k``: occurrences per 10,000 words of the group (``share * 10_000``);
        - ``rank``: 1 for the most frequent term of the group; ties share the
          best rank (1, 2, 2, 4);
        - ``doc_freq``: number of documents of the group in which the term occurs.

    Raises
    ------
    ParameterError
        ``RK-P01`` for an unknown ``of``; ``RK-P20``/``RK-P21`` when a ``by``
        column cannot be found; ``RK-P22``/``RK-P23`` for malformed ``by`` or
        ``min_count``.

    Examples
    --------
    >>> import pandas as pd
    >>> from research_kit.textstats import frequencies
    >>> tokens = pd.DataFrame({"doc_id": "d1", "turn": 0, "sentence": 0, "token": [0, 1, 2],
    ...     "text": ["Projets", "et", "projet"], "lemma": ["projet", "et", "projet"],
    ...     "is_stop": [False, True, False], "is_punct": False, "is_space": False})
    >>> frequencies(tokens)[["term", "count", "share", "rank"]]
         term  count     share  rank
    0  projet      2  0.666667     1
    """
    fn = "frequencies"
    check_option("of", of, OF, function=fn)
    check_option("drop_stop", drop_stop, (True, False), function=fn)
    check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function=fn)
    by = check_columns(by, "by", function=fn)
    min_count = check_int(min_count, "min_count", function=fn, minimum=1)
    needed = ["doc_id", "text", "lemma", "is_stop", "is_punct", "is_space"]
    check_tokens(tokens, needed, function=fn)
    frame = with_context(tokens, by, corpus, function=fn, keep=with_pseudonyms(needed, tokens))
    word = _words(frame, drop_pseudonyms)
    if not word.any():
        return empty_result({**{c: frame[c].dtype for c in by}, "term": "string", "count": "int64", "share": "float64",
                       "per_10k": "float64", "rank": "int64", "doc_freq": "int64"})
    # codes over the whole frame, then masks on the integer arrays: selecting rows of
    # string columns would cost more than all the counting
    group, keys = group_codes(frame, by)
    size = np.bincount(group[word], minlength=len(keys))
    term, names = term_codes(frame, of)
    doc = doc_codes(frame)
    keep = word & ~bool_column(frame, "is_stop") if drop_stop else word
    group, term, doc = group[keep], term[keep], doc[keep]
    n_terms, n_docs = len(names), int(doc.max()) + 1 if len(doc) else 1
    pair = group * n_terms + term
    pairs, count = _dense_counts(pair)
    doc_freq = _doc_freq(pair, doc, n_docs, pairs)
    keep = count >= min_count
    pairs, count, doc_freq = pairs[keep], count[keep], doc_freq[keep]
    g = pairs // n_terms
    out = grouped_result(keys, g, {
        "term": pd.array(names[pairs % n_terms], dtype="string"),
        "count": count.astype("int64"),
        "share": count / size[g],
        "per_10k": count / size[g] * 10_000,
        "doc_freq": doc_freq.astype("int64"),
    })
    out = _rank_and_sort(out, by, "term")
    return out[[*by, "term", "count", "share", "per_10k", "rank", "doc_freq"]]


# ---------------------------------------------------------------------------
# n-grams


def ngrams(
    tokens: pd.DataFrame,
    *,
    n: int = 2,
    of: Of = "lemma",
    by: str | Sequence[str] | None = None,
    corpus: Corpus | None = None,
    drop_stop: bool = False,
    min_count: int = 2,
    drop_pseudonyms: bool = True,
) -> pd.DataFrame:
    """Sequences of ``n`` consecutive words and how often each occurs.

    An n-gram lies within one sentence of one turn: it never spans punctuation,
    a sentence break, a change of speaker or a document boundary. White-space
    tokens are skipped. A pseudonym or placeholder breaks a sequence as
    punctuation does (``drop_pseudonyms=False``: its tokens are words).

    Stop words: with ``drop_stop=False`` (the default) they are kept inside
    n-grams ("prise de parole"), but n-grams made *only* of stop words ("de la",
    "il y") are dropped. With ``drop_stop=True`` a stop word breaks the sequence
    as punctuation does, so every n-gram is made of content words that were
    actually adjacent (stop words are never skipped over).

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``).
    n
        Length of the sequences, 1 or more (2 = bigrams, 3 = trigrams).
    of
        ``"lemma"``, ``"text"`` or ``"lower"``.
    by, corpus
        As in :func:`frequencies`.
    drop_stop
        See above.
    min_count
        Keep n-grams occurring at least this many times in their group.
    drop_pseudonyms
        See above.

    Returns
    -------
    pandas.DataFrame
        One row per group and n-gram, sorted by group, rank, n-gram:

        - the ``by`` columns;
        - ``ngram``: the terms joined by single spaces (``"qu' on"`` for the
          French elision tokens ``qu'`` + ``on``);
        - ``count``: occurrences in the group;
        - ``share``: ``count`` / the number of n-grams counted in the group;
        - ``rank``: 1 for the most frequent n-gram of the group (ties share it);
        - ``doc_freq``: number of documents of the group in which it occurs.

    Examples
    --------
    >>> import pandas as pd
    >>> from research_kit.textstats import ngrams
    >>> tokens = pd.DataFrame({"doc_id": "d1", "turn": 0, "sentence": 0, "token": [0, 1, 2],
    ...     "text": ["prise", "de", "parole"], "lemma": ["prise", "de", "parole"],
    ...     "is_stop": [False, True, False], "is_punct": False, "is_space": False})
    >>> ngrams(tokens, n=3, min_count=1)[["ngram", "count"]]
                 ngram  count
    0  prise de parole      1
    """
    fn = "ngrams"
    check_option("of", of, OF, function=fn)
    check_option("drop_stop", drop_stop, (True, False), function=fn)
    check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function=fn)
    n = check_int(n, "n", function=fn, minimum=1)
    min_count = check_int(min_count, "min_count", function=fn, minimum=1)
    by = check_columns(by, "by", function=fn)
    needed = ["doc_id", "turn", "sentence", "token", "text", "lemma", "is_stop", "is_punct", "is_space"]
    check_tokens(tokens, needed, function=fn)
    frame = with_context(tokens, by, corpus, function=fn, keep=with_pseudonyms(needed, tokens))
    frame = in_order(frame)
    columns = {**{c: frame[c].dtype for c in by}, "ngram": "string", "count": "int64", "share": "float64",
               "rank": "int64", "doc_freq": "int64"}
    visible = ~bool_column(frame, "is_space")  # white space is skipped, as if absent
    if not visible.any():
        return empty_result(columns)
    group, keys = group_codes(frame, by)
    term, names = term_codes(frame, of)
    doc = doc_codes(frame)[visible]
    turn = frame["turn"].to_numpy()[visible]
    sentence = frame["sentence"].to_numpy()[visible]
    stop = bool_column(frame, "is_stop")[visible]
    group, term = group[visible], term[visible]
    breaker = bool_column(frame, "is_punct")[visible] | (stop if drop_stop else False)
    if drop_pseudonyms:
        breaker |= pseudonym_mask(frame)[visible]
    new = run_starts(doc, turn, sentence)
    segment = np.cumsum(new | breaker)
    # a breaker opens a segment of its own, then goes: the words on each side end up apart
    keep = ~breaker
    segment, group, term, doc, stop = segment[keep], group[keep], term[keep], doc[keep], stop[keep]
    m = len(term) - n + 1
    if m <= 0:
        return empty_result(columns)
    start = np.arange(m)
    valid = segment[start] == segment[start + n - 1]  # segments are contiguous runs
    if not drop_stop:
        all_stop = np.ones(m, dtype=bool)
        for j in range(n):
            all_stop &= stop[start + j]
        valid &= ~all_stop
    start = start[valid]
    if not len(start):
        return empty_result(columns)
    # one integer per distinct sequence, re-densified at each step so it never overflows
    key = np.zeros(len(start), dtype=np.int64)
    for j in range(n):
        key, _ = pd.factorize(key * len(names) + term[start + j])
        key = key.astype(np.int64)
    g = group[start]
    pair = key * len(keys) + g
    dense, pairs = pd.factorize(pair)
    pairs = pairs.astype(np.int64)
    count = np.bincount(dense, minlength=len(pairs))
    first = np.unique(dense, return_index=True)[1]  # first occurrence of each distinct pair
    doc_freq = _doc_freq(pair, doc[start], int(doc.max()) + 1, pairs)
    per_group = np.bincount(g, minlength=len(keys))
    gp = pairs % len(keys)
    # the words of each distinct n-gram, from its first occurrence
    words = [names[term[start[first] + j]] for j in range(n)]
    label = pd.Series(words[0], dtype=object)
    for j in range(1, n):
        label = label + " " + pd.Series(words[j], dtype=object)
    keep = count >= min_count
    out = grouped_result(keys, gp[keep], {
        "ngram": pd.array(label.to_numpy()[keep], dtype="string"),
        "count": count[keep].astype("int64"),
        "share": count[keep] / per_group[gp[keep]],
        "doc_freq": doc_freq[keep].astype("int64"),
    })
    if out.empty:
        return empty_result(columns)
    out = _rank_and_sort(out, by, "ngram")
    return out[[*by, "ngram", "count", "share", "rank", "doc_freq"]]


# ---------------------------------------------------------------------------
# lexical diversity


def lexical_diversity(
    tokens: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = "doc_id",
    window: int = 100,
    of: Of = "lower",
    corpus: Corpus | None = None,
    drop_pseudonyms: bool = True,
) -> pd.DataFrame:
    """Vocabulary richness per group: types, tokens, TTR and MATTR.

    The type-token ratio (TTR) falls as a text grows, so it cannot compare a
    speaker who said 200 words with one who said 5,000. The moving-average TTR
    (MATTR, Covington & McFall 2010) can: it slides a window of ``window`` words
    one word at a time along the group's words, takes the TTR of each window and
    averages them. Words are every token but punctuation, white space and
    pseudonyms (stop words included), in document order; a group's words are read as one
    sequence (a speaker's turns one after the other, documents in corpus order).

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``).
    by
        Column(s) defining the groups (default one row per document); ``None``
        for the whole frame.
    window
        Window length in words. Covington & McFall use 500 for long texts; 100
        suits meeting turns. Compare groups only at the same window.
    of
        What makes two words the same type: ``"lower"`` (default), ``"text"`` or
        ``"lemma"``.
    corpus
        As in :func:`frequencies`, for ``by`` columns the tokens lack.
    drop_pseudonyms
        As in :func:`frequencies`: ``False`` counts the tokens of pseudonyms as words.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by group:

        - the ``by`` columns;
        - ``tokens``: number of words;
        - ``types``: number of distinct words;
        - ``ttr``: ``types / tokens``;
        - ``mattr``: the mean TTR over the ``tokens - window + 1`` windows; NaN
          when the group has fewer words than ``window`` (its TTR is then all
          there is, and it is not comparable).

    References
    ----------
    Covington, M. A. & McFall, J. D. (2010). Cutting the Gordian knot: the
    moving-average type-token ratio (MATTR). *Journal of Quantitative
    Linguistics*, 17(2), 94-100.

    Examples
    --------
    >>> import pandas as pd
    >>> from research_kit.textstats import lexical_diversity
    >>> tokens = pd.DataFrame({"doc_id": "d1", "turn": 0, "sentence": 0, "token": [0, 1, 2],
    ...     "text": ["oui", "oui", "non"], "lemma": ["oui", "oui", "non"],
    ...     "is_stop": False, "is_punct": False, "is_space": False})
    >>> lexical_diversity(tokens, window=2)
      doc_id  tokens  types       ttr  mattr
    0     d1       3      2  0.666667   0.75
    """
    fn = "lexical_diversity"
    check_option("of", of, OF, function=fn)
    check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function=fn)
    by = check_columns(by, "by", function=fn)
    window = check_int(window, "window", function=fn, minimum=1)
    needed = ["doc_id", "token", "text", "lemma", "is_punct", "is_space"]
    check_tokens(tokens, needed, function=fn)
    frame = with_context(tokens, by, corpus, function=fn, keep=with_pseudonyms(needed, tokens))
    frame = in_order(frame)
    columns = {**{c: frame[c].dtype for c in by}, "tokens": "int64", "types": "int64", "ttr": "float64",
               "mattr": "float64"}
    word = _words(frame, drop_pseudonyms)
    if not word.any():
        return empty_result(columns)
    group, keys = group_codes(frame, by)
    term, names = term_codes(frame, of)
    group, term = group[word], term[word]
    n_groups = len(keys)
    size = np.bincount(group, minlength=n_groups)
    # position of each word within its group (stable: document order is kept)
    order = np.argsort(group, kind="stable")
    position = np.empty(len(group), dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(size)[:-1]])
    position[order] = np.arange(len(group)) - np.repeat(starts, size)
    # previous position of the same word in the same group, -1 if none
    key = group * len(names) + term
    by_key = np.lexsort((position, key))
    prev_sorted = np.full(len(key), -1, dtype=np.int64)
    same = key[by_key][1:] == key[by_key][:-1]
    prev_sorted[1:][same] = position[by_key][:-1][same]
    previous = np.empty_like(prev_sorted)
    previous[by_key] = prev_sorted
    types = np.bincount(group[previous < 0], minlength=n_groups)
    # A word counts as a new type in the windows [s, s + window) that contain it and
    # start after its previous occurrence: s in [max(i - window + 1, prev + 1), min(i, N - window)].
    n = size[group]
    lo = np.maximum(np.maximum(position - window + 1, previous + 1), 0)
    hi = np.minimum(position, n - window)
    contrib = np.maximum(hi - lo + 1, 0)
    windows = size - window + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        mattr = np.where(windows > 0, np.bincount(group, weights=contrib, minlength=n_groups) / (windows * window),
                         np.nan)
    out = keys.copy()
    out["tokens"] = size.astype("int64")
    out["types"] = types.astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ttr"] = types / size
    out["mattr"] = mattr
    return out[size > 0].reset_index(drop=True)  # a group of punctuation only has no words


# ---------------------------------------------------------------------------
# dispersion


def dispersion(
    tokens: pd.DataFrame,
    *,
    terms: str | Sequence[str] | None = None,
    of: Of = "lemma",
    across: str | Sequence[str] = "doc_id",
    corpus: Corpus | None = None,
    drop_stop: bool = True,
    min_count: int = 1,
    drop_pseudonyms: bool = True,
) -> pd.DataFrame:
    """How evenly each term is spread across the parts of the corpus.

    A term said 40 times in one meeting and a term said 4 times in each of ten
    meetings have the same frequency; dispersion tells them apart. The parts are
    the values of ``across`` (documents by default, or speakers, sites…), each
    weighted by its number of words.

    With ``n`` parts, ``s_i`` the share of the corpus's words in part ``i``,
    ``v_i`` the share of the term's occurrences in part ``i`` and ``r_i`` the
    term's relative frequency in part ``i`` (occurrences / words of the part):

    - range: the number of parts in which the term occurs;
    - Juilland's D: ``1 - (sd(r) / mean(r)) / sqrt(n - 1)``, with the
      population standard deviation; 1 = perfectly even. Relative frequencies
      make it usable with parts of unequal sizes;
    - Gries' DP: ``0.5 * sum_i |v_i - s_i|``; 0 = spread exactly as the parts'
      sizes predict, near 1 = concentrated in a small part.

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``).
    terms
        A term or list of terms to report, in that order (terms that never occur
        get a count of 0 and NaN scores), or ``None`` for every term.
    of
        ``"lemma"``, ``"text"`` or ``"lower"``; given ``terms`` are lower-cased
        for ``"lemma"`` and ``"lower"``.
    across
        Column(s) whose values are the parts: ``"doc_id"``, ``"speaker"``,
        ``["doc_id", "turn"]``, a document variable…
    corpus
        As in :func:`frequencies`, for ``across`` columns the tokens lack.
    drop_stop
        With ``terms=None``, leave stop words out of the list. Part sizes always
        count every word.
    min_count
        With ``terms=None``, keep terms occurring at least this many times.
    drop_pseudonyms
        As in :func:`frequencies`: the tokens of pseudonyms are neither terms nor
        words of a part unless this is ``False``.

    Returns
    -------
    pandas.DataFrame
        One row per term, sorted by ``count`` descending then ``term`` (or in
        the order of ``terms``):

        - ``term``;
        - ``count``: occurrences in the whole frame;
        - ``range``: number of parts in which it occurs;
        - ``juilland_d``: Juilland's D (NaN with a single part or a count of 0);
        - ``dp``: Gries' DP (NaN for a count of 0).

    References
    ----------
    Juilland, A. & Chang-Rodríguez, E. (1964). *Frequency Dictionary of Spanish
    Words*. The Hague: Mouton.

    Gries, S. Th. (2008). Dispersions and adjusted frequencies in corpora.
    *International Journal of Corpus Linguistics*, 13(4), 403-437.

    Examples
    --------
    >>> import pandas as pd
    >>> from research_kit.textstats import dispersion
    >>> tokens = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "turn": 0, "sentence": 0, "token": [0, 1, 0],
    ...     "text": ["vote", "vote", "vote"], "lemma": "vote",
    ...     "is_stop": False, "is_punct": False, "is_space": False})
    >>> dispersion(tokens)
       term  count  range  juilland_d   dp
    0  vote      3      2         1.0  0.0
    """
    fn = "dispersion"
    check_option("of", of, OF, function=fn)
    check_option("drop_stop", drop_stop, (True, False), function=fn)
    check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function=fn)
    across = check_columns(across, "across", function=fn, allow_none=False)
    min_count = check_int(min_count, "min_count", function=fn, minimum=1)
    wanted = _term_list(terms, of, function=fn)
    needed = ["doc_id", "text", "lemma", "is_stop", "is_punct", "is_space"]
    check_tokens(tokens, needed, function=fn)
    frame = with_context(tokens, across, corpus, function=fn, parameter="across",
                         keep=with_pseudonyms(needed, tokens))
    word = _words(frame, drop_pseudonyms)
    if not word.any():
        result = empty_result({"term": "string", "count": "int64", "range": "int64", "juilland_d": "float64",
                         "dp": "float64"})
        if wanted is None:
            return result
        return result.set_index("term").reindex(pd.Index(wanted, dtype="string")).rename_axis("term").reset_index(
            ).assign(count=0, range=0).astype({"count": "int64", "range": "int64"})
    part, _ = group_codes(frame, across)
    part = pd.factorize(part[word])[0].astype(np.int64)  # parts that hold at least one word
    n_parts = int(part.max()) + 1
    size = np.bincount(part, minlength=n_parts).astype(float)
    share = size / size.sum()
    term, names = term_codes(frame, of)
    term = term[word]
    if wanted is None and drop_stop:
        keep = ~bool_column(frame, "is_stop")[word]
        part, term = part[keep], term[keep]
    pairs, count = _dense_counts(term * n_parts + part)
    t, p = pairs // n_parts, pairs % n_parts
    total = np.bincount(t, weights=count, minlength=len(names))
    rel = count / size[p]
    rng = np.bincount(t, minlength=len(names))
    with np.errstate(divide="ignore", invalid="ignore"):
        # parts where the term is absent add |0 - s_i| = s_i to DP and 0 to the sums of r
        dp = 0.5 * (np.bincount(t, weights=np.abs(count / total[t] - share[p]), minlength=len(names))
                    + 1.0 - np.bincount(t, weights=share[p], minlength=len(names)))
        mean = np.bincount(t, weights=rel, minlength=len(names)) / n_parts
        var = np.bincount(t, weights=rel**2, minlength=len(names)) / n_parts - mean**2
        sd = np.sqrt(np.maximum(var, 0.0))
        d = 1.0 - (sd / mean) / np.sqrt(n_parts - 1) if n_parts > 1 else np.full(len(names), np.nan)
    dp = np.where(total > 0, dp, np.nan)
    result = pd.DataFrame({
        "term": pd.array(names, dtype="string"),
        "count": total.astype("int64"),
        "range": rng.astype("int64"),
        "juilland_d": d,
        "dp": dp,
    })
    if wanted is not None:
        result = result.set_index("term").reindex(pd.Index(wanted, dtype="string")).rename_axis("term").reset_index()
        result["count"] = result["count"].fillna(0).astype("int64")
        result["range"] = result["range"].fillna(0).astype("int64")
        return result
    result = result[result["count"] >= min_count]
    return result.sort_values(["count", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _term_list(terms: object, of: str, *, function: str) -> list[str] | None:
    if terms is None:
        return None
    if isinstance(terms, str):
        terms = [terms]
    if not isinstance(terms, (list, tuple, pd.Series, pd.Index, np.ndarray)) or not all(
            isinstance(t, str) for t in terms) or not len(terms):
        raise ParameterError(
            "RK-P22",
            f"the 'terms' parameter of {function}() must be a term, a list of terms or None; got {terms!r} instead.",
        )
    out = [as_term(t, of) for t in terms]
    return list(dict.fromkeys(out))
