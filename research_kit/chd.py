"""Reinert's descending hierarchical classification (CHD) of text segments.

:func:`reinert` cuts the documents into text segments, describes each segment by the
lemmas it contains (present or absent, not how often), and splits the segments into
classes that use distinct vocabularies: the *lexical worlds* of Max Reinert's method,
known from Alceste, IRaMuTeQ (Pierre Ratinaud) and the R package rainette (Julien
Barnier). Each step below says which of IRaMuTeQ's and rainette's choices it follows
where they differ; ``docs/reinert.md`` tells the same story for researchers.

1. Text segments (:func:`text_segments`)
    Words are the tokens that are neither punctuation nor white space. Each word gets
    the weight of the strongest punctuation that follows it (:data:`BREAK_WEIGHTS`:
    ``. ? ! …`` 6, ``:`` 5, ``;`` 4, ``,`` 1, nothing 0.01); the last word of a speaker
    turn weighs 6 like a full stop. From the start of a segment, the candidate ends are
    the next ``segment_size + window`` words, each scored ``weight / (|position -
    segment_size| + 1)``; the segment ends after the best-scoring word (the first one on
    a tie) and the next one starts there. A document of ``segment_size`` words or less
    is one segment, and the last ``segment_size + window`` words of a document or less
    form its last segment. This is the rule rainette's ``split_segments()`` documents
    (``window`` defaults to ``0.4 * segment_size``, 16 words for 40), with two
    differences: punctuation is read from the tokens (rainette reads the last character
    of each space-separated word) and a turn's end counts as a full stop. IRaMuTeQ also
    aims at about 40 forms and prefers a cut at the strongest punctuation near that
    size. Segments never cross documents.

2. Active and supplementary forms
    *Active* forms classify: the lemmas (``of=``) of words whose part of speech is in
    ``active_pos`` (nouns, verbs, adjectives, adverbs and ``X``, the unknown words of
    IRaMuTeQ's "nr"), that are not stop words or oral fillers (``is_stop``), contain a
    letter and do not start with an apostrophe (English clitics such as ``'s``), and
    occur at least ``min_frequency`` times as such. Every other word (pronouns,
    determiners, auxiliaries, proper nouns, fillers…) seen ``min_frequency`` times is
    a *supplementary* form: like document variables (IRaMuTeQ's ``*var_mod``) it is
    projected on the classes but never used to make them. Proper nouns are
    supplementary because transcripts name the people present.

3. One split (Reinert 1983, 1990)
    The segment × form matrix is binary (scipy sparse). A correspondence analysis of
    the matrix gives the segments' coordinates on its first factor (a truncated SVD of
    the standardised residuals, which never builds the dense matrix); the segments are
    sorted on it and every cut of that order is scored by the chi-square of the
    2 × forms table of the two groups' column sums. The scores of all cuts come from
    one pass over the non-zero cells (see :func:`_cut_chi2`), not from one table per
    cut. From the best cut, segments change group while that raises the chi-square:
    rainette moves at each round the one segment whose move raises it most; here the
    segments whose move would raise it are tried in decreasing order of gain, each
    move recomputed exactly against the current groups and kept only if it still
    raises the chi-square, and rounds repeat until no single move raises it. Both stop
    at the same kind of local optimum (no move raises the chi-square); ours needs far
    fewer passes over the matrix. Segments that have no form left in the matrix of the
    class being split cannot be placed and stay unclassified (as in rainette).

4. Pruning the children's columns
    As rainette: a form is kept in a child only if it occurs in at least
    ``min_split_frequency`` of its segments (rainette's ``tsj``, 3), and when its
    contingency coefficient between the two children exceeds ``cc_test`` (0.3) only
    in the child where it is over-represented. IRaMuTeQ, as far as its source shows,
    removes only the columns that became empty; ``min_split_frequency=1, cc_test=1``
    gives that behaviour.

5. The hierarchy
    The largest class (most segments) is split next, as in both tools, until there
    are ``k`` terminal classes. Terminal classes keep at least ``min_class_size``
    segments: only the cuts that leave that many on each side are scored, no
    reassignment makes a group smaller, and a class with fewer than
    ``2 * min_class_size`` segments (or fewer than 3 forms) is not split, the next
    largest being tried instead. (rainette only refuses to split groups under
    ``min_split_members``, and stops at the first group it cannot split; IRaMuTeQ
    does not keep terminal classes under its minimum size, whose segments stay
    unclassified.) Classes are numbered 1, 2, … in the left-to-right order of the
    dendrogram; 0 means unclassified.

6. Double classification (``double=True``)
    As IRaMuTeQ's "double sur RST" and rainette's ``rainette2()``: two classifications
    are made on context units that merge consecutive segments of a document until
    they hold at least ``uc_sizes[0]`` and ``uc_sizes[1]`` active forms (a short last
    unit joins the one before). Each terminal class of the first is crossed with each
    of the second; a crossed class is the segments both put together, scored by the
    chi-square of the 2 × 2 table of the two memberships. Crossed classes are kept
    when the two classes are each other's most associated ("classical" analysis,
    rainette's ``full = FALSE``, close to Reinert's), with a positive chi-square of at
    least ``min_chi2`` and at least ``min_class_size`` segments; every other segment is
    unclassified. rainette crosses the groups of every level of both trees and
    searches for the best partition for each number of classes; crossing terminal
    classes only, the kept crossed classes never overlap and each is a leaf of the
    first tree, so the dendrogram (the first tree, pruned to those leaves) keeps its
    meaning. Reinert's reassignment of unclassified segments to the crossed classes is
    not done (rainette does not do it either).

7. Class profiles and characteristic segments
    For each class, every active and supplementary form and every modality of the
    document variables gets the 2 × 2 table "segment in the class or not" × "contains
    it or not" over the classified segments, and its signed chi-square (negative when
    under-represented; no continuity correction, as in IRaMuTeQ's profiles; rainette's
    ``rainette_stats`` goes through quanteda, which applies Yates' correction) with its
    p-value. A segment's ``score`` is the sum of the positive chi-squares, in its
    class, of the active forms it contains (IRaMuTeQ's "segments de texte
    caractéristiques"): the highest are the quotes a brief shows.

References
----------
Reinert, M. (1983). Une méthode de classification descendante hiérarchique :
application à l'analyse lexicale par contexte. *Les cahiers de l'analyse des
données*, 8(2), 187-198.

Reinert, M. (1990). Alceste, une méthodologie d'analyse des données textuelles et
une application : Aurélia de Gérard de Nerval. *Bulletin de méthodologie
sociologique*, 26, 24-54.

Ratinaud, P. (2009-2024). IRaMuTeQ : Interface de R pour les analyses
multidimensionnelles de textes et de questionnaires. http://www.iramuteq.org

Barnier, J. (2023). rainette: The Reinert Method for Textual Data Clustering.
R package, https://juba.github.io/rainette/

Error codes: ``RK-P01`` (an option outside its allowed values), ``RK-P20``/``RK-P21``
(a variable that is not a tokens column and cannot be found in the corpus), ``RK-P23``
(a whole number out of range), ``RK-P70`` (nothing to classify), ``RK-P71`` (a bad
``active_pos``/``uc_sizes``/``cc_test``/``min_chi2``), ``RK-S01``/``RK-S02`` (not a tokens
frame or not a classification).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse

from . import measures
from .errors import ParameterError, SchemaError, check_option
from .textstats import _bool, _check_int, _check_tokens, _in_order, _term_codes, _with_context

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus

__all__ = ["reinert", "Reinert", "text_segments", "classification_summary", "BREAK_WEIGHTS", "ACTIVE_POS"]

#: Weight of a break after a word, by the punctuation that follows it (rainette's weights).
BREAK_WEIGHTS: dict[str, float] = {".": 6.0, "?": 6.0, "!": 6.0, "…": 6.0, ":": 5.0, ";": 4.0, ",": 1.0}
_NO_BREAK = 0.01
_TURN_END = 6.0

#: Parts of speech whose lemmas are active forms by default (X: unknown words).
ACTIVE_POS: tuple[str, ...] = ("NOUN", "VERB", "ADJ", "ADV", "X")

KINDS = ("active", "supplementary", "variable")
_NEEDED = ["doc_id", "turn", "token", "text", "lemma", "pos", "is_stop", "is_punct", "is_space",
           "start_char", "end_char"]


# ---------------------------------------------------------------------------
# the result


@dataclass(frozen=True, eq=False)
class Reinert:
    """A Reinert classification: what :func:`reinert` returns.

    Attributes
    ----------
    segments
        One row per text segment, in corpus order:

        - ``segment``: its number, from 0;
        - ``doc_id``, ``turn`` (the turn of its first word), ``start_char``,
          ``end_char`` (offsets into the document text, see ``docs/frames.md``);
        - ``n_words``: words (tokens other than punctuation and white space);
        - ``n_active``: distinct active forms;
        - ``cls``: its class, 1 to the number of classes; 0 when unclassified (no
          active form, no form left when its class was split, or, in a double
          classification, in no kept crossed class);
        - ``score``: the sum of the positive chi-squares, in its class, of the active
          forms it holds (0 when unclassified): the characteristic segments of a
          class have the highest;
        - ``text``: the segment's tokens, one space wherever the text had white space;
        - with ``double=True``, ``cls_1`` and ``cls_2``: its classes in the two
          classifications that were crossed.
    profiles
        One row per class and term: ``cls``; ``term`` (a form, or ``*variable_value``
        for a modality of a document variable); ``kind`` (``active``,
        ``supplementary`` or ``variable``); ``count`` (segments of the class that
        contain it); ``total`` (classified segments that contain it); ``percent``
        (``100 * count / total``); ``chi2`` (signed: negative when the class uses it
        less than the others); ``p``. Sorted by class, kind, then ``chi2`` descending.
    tree
        One row per node of the dendrogram: ``node`` (0 is the root); ``parent``,
        ``left``, ``right`` (node numbers, NA where there is none); ``step`` (the order
        of the split, from 1; NA for a terminal class); ``n_segments`` (classified
        segments under the node); ``chi2`` (of the split; NaN for a terminal class);
        ``height`` (the sum of the chi-squares of this split and every later one, as
        rainette draws it); ``cls`` (the class of a terminal node, 0 otherwise).
    crossed
        For a double classification, one row per crossed class: ``cls_1``, ``cls_2``,
        ``n_segments``, ``chi2``, ``kept``, ``cls`` (its final class, 0 when not
        kept); ``None`` for a simple one.
    parameters
        The parameters used, with ``n_classes`` and ``min_class_size`` as resolved.
    """

    segments: pd.DataFrame
    profiles: pd.DataFrame
    tree: pd.DataFrame
    crossed: pd.DataFrame | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def n_classes(self) -> int:
        """Number of classes (0 when nothing could be classified)."""
        return int(self.segments["cls"].max()) if len(self.segments) else 0

    def __repr__(self) -> str:
        n = len(self.segments)
        classified = int((self.segments["cls"] > 0).sum())
        share = f"{100 * classified / n:.1f} %" if n else "-"
        kind = "double" if self.crossed is not None else "simple"
        return (f"<Reinert ({kind}): {self.n_classes} classes, {n} segments, {classified} classified ({share})>")


# ---------------------------------------------------------------------------
# 1. text segments


def _cut_points(weights: np.ndarray, size: int, window: int) -> list[int]:
    """Ends (exclusive) of the segments of one run of words, given each word's break weight."""
    n = len(weights)
    if n <= size:
        return [n]
    span = size + window
    denominator = np.abs(np.arange(1, span + 1) - size) + 1.0
    ends: list[int] = []
    start = 0
    while start < n - span:
        start += int(np.argmax(weights[start:start + span] / denominator)) + 1
        ends.append(start)
    ends.append(n)
    return ends


def _punct_weight(texts: np.ndarray) -> np.ndarray:
    """Break weight of punctuation tokens: their strongest mark, 0 for none."""
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object))
    weights = np.array([max((BREAK_WEIGHTS.get(ch, 0.0) for ch in str(u)), default=0.0) for u in uniques])
    return weights[codes] if len(codes) else np.zeros(0)


_OPENING = frozenset("([{«“‘„‹¿¡")


def _is_opening(texts: np.ndarray) -> np.ndarray:
    """True for punctuation tokens made only of opening brackets and quotes."""
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object))
    flags = np.array([bool(str(u)) and all(ch in _OPENING for ch in str(u)) for u in uniques], dtype=bool)
    return flags[codes] if len(codes) else np.zeros(0, dtype=bool)


@dataclass
class _Segmentation:
    token_segment: np.ndarray  # segment of each token of the ordered frame, -1 for none
    frame: pd.DataFrame  # the segments frame (without cls/score)


def _segment(ordered: pd.DataFrame, size: int, window: int) -> _Segmentation:
    n = len(ordered)
    doc = pd.factorize(ordered["doc_id"], use_na_sentinel=False)[0]
    punct, space = _bool(ordered, "is_punct"), _bool(ordered, "is_space")
    word = ~punct & ~space
    word_pos = np.flatnonzero(word)
    n_words = len(word_pos)
    before = np.cumsum(word)  # words up to and including each token
    prev_word = before - 1  # the word at or before each token (-1: none)
    weights = np.full(n_words, _NO_BREAK)
    if n_words:
        # punctuation closes the word before it, in the same document
        p = np.flatnonzero(punct & (prev_word >= 0))
        p = p[doc[word_pos[prev_word[p]]] == doc[p]]
        if len(p):
            pw = _punct_weight(ordered["text"].to_numpy()[p])
            np.maximum.at(weights, prev_word[p], pw)
        word_doc = doc[word_pos]
        word_turn = ordered["turn"].to_numpy()[word_pos]
        turn_end = np.zeros(n_words, dtype=bool)
        turn_end[:-1] = (word_turn[1:] != word_turn[:-1]) & (word_doc[1:] == word_doc[:-1])
        weights[turn_end] = np.maximum(weights[turn_end], _TURN_END)
        # documents are contiguous runs of words
        bounds = np.flatnonzero(np.diff(word_doc)) + 1
        starts = np.concatenate([[0], bounds])
        stops = np.concatenate([bounds, [n_words]])
        seg_of_word = np.empty(n_words, dtype=np.int64)
        seg = 0
        for a, b in zip(starts, stops):
            prev = a
            for end in _cut_points(weights[a:b], size, window):
                seg_of_word[prev:a + end] = seg
                prev = a + end
                seg += 1
        n_segments = seg
    else:
        seg_of_word = np.empty(0, dtype=np.int64)
        n_segments = 0

    token_segment = np.full(n, -1, dtype=np.int64)
    if n_words:
        has_prev = prev_word >= 0
        same_prev = np.zeros(n, dtype=bool)
        same_prev[has_prev] = doc[word_pos[prev_word[has_prev]]] == doc[has_prev]
        token_segment[same_prev] = seg_of_word[prev_word[same_prev]]
        # tokens before a document's first word go with that word
        nxt = np.minimum(before - word, n_words - 1)  # the next word (a word: itself)
        rest = ~same_prev
        ok = rest & (before - word < n_words)
        ok[ok] = doc[word_pos[nxt[ok]]] == doc[ok]
        token_segment[ok] = seg_of_word[nxt[ok]]
        # opening brackets and quotes go with the word after them
        opening = punct & (before - word < n_words)
        if opening.any():
            o = np.flatnonzero(opening)
            o = o[_is_opening(ordered["text"].to_numpy()[o])]
            o = o[doc[word_pos[nxt[o]]] == doc[o]]
            token_segment[o] = seg_of_word[nxt[o]]
        valid = token_segment >= 0
        token_segment[valid] = np.maximum.accumulate(token_segment[valid])

    # one row per segment, from its non-space tokens (contiguous in the ordered frame)
    keep = (token_segment >= 0) & ~space
    idx = np.flatnonzero(keep)
    segs = token_segment[idx]
    if len(idx):
        first = np.concatenate([[0], np.flatnonzero(np.diff(segs)) + 1])
        starts_c = ordered["start_char"].to_numpy()[idx]
        ends_c = ordered["end_char"].to_numpy()[idx]
        texts = ordered["text"].to_numpy()[idx]
        same = np.zeros(len(idx), dtype=bool)
        same[1:] = segs[1:] == segs[:-1]
        gap = np.zeros(len(idx), dtype=bool)
        gap[1:] = same[1:] & (starts_c[1:] > ends_c[:-1])
        pieces = [(" " + str(t)) if g else str(t) for t, g in zip(texts, gap)]
        bounds = list(first) + [len(idx)]
        seg_text = ["".join(pieces[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
        start_char = np.minimum.reduceat(starts_c, first)
        end_char = np.maximum.reduceat(ends_c, first)
        first_tok = idx[first]
    else:
        seg_text, start_char, end_char, first_tok = [], np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, int)
    if n_words:
        n_seg_words = np.bincount(seg_of_word, minlength=n_segments)
        first_word = word_pos[np.concatenate([[0], np.flatnonzero(np.diff(seg_of_word)) + 1])]
        turns = ordered["turn"].to_numpy()[first_word]
    else:
        n_seg_words = np.empty(0, np.int64)
        turns = np.empty(0, np.int64)
    frame = pd.DataFrame({
        "segment": np.arange(n_segments, dtype=np.int64),
        "doc_id": pd.array(ordered["doc_id"].to_numpy()[first_tok] if n_segments else [], dtype="string"),
        "turn": np.asarray(turns, dtype=np.int64),
        "start_char": np.asarray(start_char, dtype=np.int64),
        "end_char": np.asarray(end_char, dtype=np.int64),
        "n_words": np.asarray(n_seg_words, dtype=np.int64),
        "text": pd.array(seg_text, dtype="string"),
    })
    return _Segmentation(token_segment, frame)


def _check_sizes(segment_size: object, window: object, function: str) -> tuple[int, int]:
    size = _check_int(segment_size, "segment_size", function=function, minimum=2)
    if window is None:
        return size, int(round(0.4 * size))
    return size, _check_int(window, "window", function=function, minimum=0)


def text_segments(tokens: pd.DataFrame, *, segment_size: int = 40, window: int | None = None) -> pd.DataFrame:
    """Cut every document into text segments of about ``segment_size`` words.

    The cut after each segment is the word, among the next ``segment_size + window``,
    that best combines a strong punctuation mark after it (:data:`BREAK_WEIGHTS`; the
    end of a speaker turn counts as a full stop) with closeness to ``segment_size``:
    the rule of rainette's ``split_segments()``. Segments never cross documents.

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``), from ``annotate(corpus)``.
    segment_size
        The preferred number of words (tokens other than punctuation and white space).
    window
        How many words beyond ``segment_size`` a segment may reach to end on a better
        break; ``None`` means ``round(0.4 * segment_size)`` (16 for 40), as in rainette.

    Returns
    -------
    pandas.DataFrame
        One row per segment: ``segment`` (from 0), ``doc_id``, ``turn`` (of its first
        word), ``start_char``, ``end_char``, ``n_words``, ``text`` (its tokens joined
        by one space where the text had white space).

    References
    ----------
    Barnier, J. rainette: ``split_segments()``, https://juba.github.io/rainette/

    Examples
    --------
    >>> import pandas as pd
    >>> words = ["On", "parle", "de", "fatigue", ".", "Et", "de", "soutien", "."]
    >>> tokens = pd.DataFrame({"doc_id": "d1", "turn": 0, "token": range(9), "text": words,
    ...     "is_punct": [w == "." for w in words], "is_space": False,
    ...     "start_char": [0, 3, 9, 12, 19, 21, 24, 27, 34], "end_char": [2, 8, 11, 19, 20, 23, 26, 34, 35]})
    >>> text_segments(tokens, segment_size=3, window=1)[["segment", "n_words", "text"]]
       segment  n_words                  text
    0        0        4  On parle de fatigue.
    1        1        3        Et de soutien.
    """
    fn = "text_segments"
    size, window = _check_sizes(segment_size, window, fn)
    _check_tokens(tokens, ["doc_id", "turn", "token", "text", "is_punct", "is_space", "start_char", "end_char"],
                  function=fn)
    return _segment(_in_order(tokens), size, window).frame


# ---------------------------------------------------------------------------
# 3. one split


def _first_axis(m: sparse.csr_matrix) -> np.ndarray:
    """Row coordinates on the first factor of a correspondence analysis of ``m``."""
    total = float(m.sum())
    r = np.asarray(m.sum(axis=1)).ravel() / total
    c = np.asarray(m.sum(axis=0)).ravel() / total
    n, p = m.shape
    if n * p <= 250_000 or min(n, p) < 3:
        dense = m.toarray() / total
        expected = np.outer(r, c)
        s = (dense - expected) / np.sqrt(expected)
        u, _, _ = np.linalg.svd(s, full_matrices=False)
        vec = u[:, 0]
    else:
        from scipy.sparse.linalg import LinearOperator, svds

        sr, sc = np.sqrt(r), np.sqrt(c)
        a = sparse.diags(1.0 / sr) @ m @ sparse.diags(1.0 / (sc * total))
        a = a.tocsr()
        at = a.T.tocsr()

        # (x * y).sum() rather than x @ y: a BLAS dot may wake threads, costly on a busy machine
        def matvec(v: np.ndarray) -> np.ndarray:
            v = np.ravel(v)
            return a @ v - sr * (sc * v).sum()

        def rmatvec(u: np.ndarray) -> np.ndarray:
            u = np.ravel(u)
            return at @ u - sc * (sr * u).sum()

        op = LinearOperator((n, p), matvec=matvec, rmatvec=rmatvec, dtype=np.float64)
        v0 = np.random.default_rng(0).standard_normal(min(n, p))
        u, _, _ = svds(op, k=1, v0=v0, tol=1e-8)
        vec = u[:, 0]
    coords = vec / np.sqrt(r)
    if coords[np.argmax(np.abs(coords))] < 0:  # the sign of an axis is arbitrary: fix it
        coords = -coords
    return coords


def _table_chi2(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson chi-square of the 2 × p table whose rows are ``a`` and ``b`` (empty columns ignored)."""
    c = a + b
    keep = c > 0
    a, b, c = a[keep], b[keep], c[keep]
    n1, n2 = a.sum(), b.sum()
    n = n1 + n2
    if n1 <= 0 or n2 <= 0:
        return 0.0
    return float(n * ((a * a / c).sum() / n1 + (b * b / c).sum() / n2 - 1.0))


def _cut_chi2(m: sparse.csr_matrix) -> np.ndarray:
    """Chi-square of every cut of the rows of ``m`` in their order: cut ``i`` puts rows ``0..i`` first.

    With ``A`` the column sums of the first group, ``C`` those of the whole matrix and
    ``N``, ``N1`` the totals, the chi-square of the 2 × p table is
    ``N (S / N1 + (N - 2 N1 + S) / (N - N1) - 1)`` where ``S = sum_j A_j² / C_j``. When
    the row that goes first holds column ``j`` for the ``t``-th time in the order,
    ``A_j`` goes from ``t - 1`` to ``t`` and ``S`` grows by ``(2t - 1) / C_j``; so one
    pass over the non-zero cells in column order gives ``S`` for every cut.
    """
    n = m.shape[0]
    csc = m.tocsc()
    csc.sort_indices()
    col_total = np.diff(csc.indptr).astype(np.float64)  # binary: column sums
    col_of = np.repeat(np.arange(csc.shape[1]), np.diff(csc.indptr))
    rank = np.arange(csc.nnz) - np.repeat(csc.indptr[:-1], np.diff(csc.indptr)) + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        step = (2.0 * rank - 1.0) / col_total[col_of]
    s = np.cumsum(np.bincount(csc.indices, weights=step, minlength=n))[:-1]
    n1 = np.cumsum(np.asarray(m.sum(axis=1)).ravel())[:-1]
    total = float(col_total.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        chi = total * (s / n1 + (total - 2.0 * n1 + s) / (total - n1) - 1.0)
    return np.where(np.isfinite(chi), chi, 0.0)


def _reassign(m: sparse.csr_matrix, first: np.ndarray, chi: float, *, min_size: int = 1) -> tuple[np.ndarray, float]:
    """Move rows between the two groups while a move raises the chi-square.

    ``first`` marks the rows of the first group. Each round computes, for every row,
    the chi-square if that row alone changed group; the rows that would raise it are
    tried from the largest gain down, each gain recomputed against the groups as they
    are now, and a row moves only if its move still raises the chi-square. Rounds
    repeat until no single move raises it, so the chi-square never falls. No move
    leaves a group with fewer than ``min_size`` rows.
    """
    first = first.copy()
    c = np.asarray(m.sum(axis=0)).ravel().astype(np.float64)
    inv_c = np.zeros_like(c)
    inv_c[c > 0] = 1.0 / c[c > 0]
    r = np.asarray(m.sum(axis=1)).ravel().astype(np.float64)
    total = float(c.sum())
    a = np.asarray(m[first].sum(axis=0)).ravel().astype(np.float64)
    b = c - a
    n1 = float(r[first].sum())
    n2 = total - n1
    s_a = float((a * a * inv_c).sum())
    s_b = float((b * b * inv_c).sum())
    size1 = int(first.sum())
    size2 = len(first) - size1
    w = m @ inv_c
    indptr, indices = m.indptr, m.indices
    tol = 1e-12
    for _ in range(1000):
        u = m @ (a * inv_c)
        v = m @ (b * inv_c)
        with np.errstate(divide="ignore", invalid="ignore"):
            # row in group 1 -> group 2
            chi_12 = total * ((s_a - 2 * u + w) / (n1 - r) + (s_b + 2 * v + w) / (n2 + r) - 1.0)
            # row in group 2 -> group 1
            chi_21 = total * ((s_a + 2 * u + w) / (n1 + r) + (s_b - 2 * v + w) / (n2 - r) - 1.0)
        new = np.where(first, chi_12, chi_21)
        new = np.where(np.isfinite(new), new, -np.inf)
        candidates = np.flatnonzero(new > chi * (1 + tol) + tol)
        if not len(candidates):
            break
        candidates = candidates[np.argsort(-new[candidates], kind="stable")]
        moved = False
        for i in candidates:
            cols = indices[indptr[i]:indptr[i + 1]]
            ri = r[i]
            ic = inv_c[cols]
            wi = ic.sum()
            if first[i]:
                if size1 <= min_size:
                    continue
                ui = (a[cols] * ic).sum()
                vi = (b[cols] * ic).sum()
                sa, sb, m1, m2 = s_a - 2 * ui + wi, s_b + 2 * vi + wi, n1 - ri, n2 + ri
            else:
                if size2 <= min_size:
                    continue
                ui = (a[cols] * ic).sum()
                vi = (b[cols] * ic).sum()
                sa, sb, m1, m2 = s_a + 2 * ui + wi, s_b - 2 * vi + wi, n1 + ri, n2 - ri
            if m1 <= 0 or m2 <= 0:
                continue
            value = total * (sa / m1 + sb / m2 - 1.0)
            if value > chi * (1 + tol) + tol:
                if first[i]:
                    a[cols] -= 1.0
                    b[cols] += 1.0
                    size1, size2 = size1 - 1, size2 + 1
                else:
                    a[cols] += 1.0
                    b[cols] -= 1.0
                    size1, size2 = size1 + 1, size2 - 1
                first[i] = not first[i]
                s_a, s_b, n1, n2, chi = sa, sb, m1, m2, value
                moved = True
        if not moved:
            break
    return first, _table_chi2(a, b)


def _select_columns(a: np.ndarray, b: np.ndarray, min_frequency: int, cc_test: float) -> tuple[np.ndarray, np.ndarray]:
    """Columns kept in each child (rainette's rule: frequency and contingency coefficient)."""
    c = a + b
    n1, n2 = a.sum(), b.sum()
    n = n1 + n2
    with np.errstate(divide="ignore", invalid="ignore"):
        e1 = c * n1 / n
        e2 = c * n2 / n
        chi = np.where(e1 > 0, (a - e1) ** 2 / e1, 0.0) + np.where(e2 > 0, (b - e2) ** 2 / e2, 0.0)
        cc = np.sqrt(np.where(c > 0, chi / (chi + c), 0.0))
    strong = cc > cc_test
    keep1 = (a >= min_frequency) & (~strong | (a > e1))
    keep2 = (b >= min_frequency) & (~strong | (b > e2))
    return keep1, keep2


@dataclass
class _Node:
    rows: np.ndarray
    cols: np.ndarray
    parent: int = -1
    left: int = -1
    right: int = -1
    chi2: float = math.nan
    step: int = 0
    final: bool = False


def _split(m: sparse.csr_matrix, node: _Node, min_class_size: int, min_split_frequency: int, cc_test: float):
    rows, cols = node.rows, node.cols
    if len(rows) < max(3, 2 * min_class_size) or len(cols) < 3:
        return None
    sub = m[rows][:, cols].tocsr()
    row_keep = np.diff(sub.indptr) > 0
    col_keep = np.bincount(sub.indices, minlength=sub.shape[1]) > 0
    if not row_keep.all() or not col_keep.all():
        sub = sub[row_keep][:, col_keep].tocsr()
        rows, cols = rows[row_keep], cols[col_keep]
    if sub.shape[0] < max(3, 2 * min_class_size) or sub.shape[1] < 3:
        return None
    order = np.argsort(_first_axis(sub), kind="stable")
    chi_cuts = _cut_chi2(sub[order])
    # only the cuts that leave min_class_size segments on each side
    lo, hi = min_class_size - 1, sub.shape[0] - min_class_size
    best = lo + int(np.argmax(chi_cuts[lo:hi]))
    first = np.zeros(sub.shape[0], dtype=bool)
    first[order[:best + 1]] = True
    first, chi = _reassign(sub, first, float(chi_cuts[best]), min_size=min_class_size)
    if min(first.sum(), (~first).sum()) < min_class_size:
        return None
    a = np.asarray(sub[first].sum(axis=0)).ravel()
    b = np.asarray(sub[~first].sum(axis=0)).ravel()
    keep1, keep2 = _select_columns(a, b, min_split_frequency, cc_test)
    return (rows[first], cols[keep1]), (rows[~first], cols[keep2]), chi


def _chd(m: sparse.csr_matrix, *, k: int, min_class_size: int, min_split_frequency: int,
         cc_test: float) -> list[_Node]:
    """Descending hierarchical classification of the rows of the binary matrix ``m``."""
    rows = np.flatnonzero(np.diff(m.indptr) > 0)
    cols = np.flatnonzero(np.bincount(m.indices, minlength=m.shape[1]) > 0)
    nodes = [_Node(rows, cols)]
    leaves = [0]
    step = 0
    while len(leaves) < k:
        open_leaves = [i for i in leaves if not nodes[i].final]
        if not open_leaves:
            break
        i = max(open_leaves, key=lambda j: (len(nodes[j].rows), -j))
        result = _split(m, nodes[i], min_class_size, min_split_frequency, cc_test)
        if result is None:
            nodes[i].final = True
            continue
        (r1, c1), (r2, c2), chi = result
        step += 1
        left, right = len(nodes), len(nodes) + 1
        nodes.append(_Node(r1, c1, parent=i))
        nodes.append(_Node(r2, c2, parent=i))
        nodes[i].left, nodes[i].right, nodes[i].chi2, nodes[i].step = left, right, chi, step
        leaves.remove(i)
        leaves += [left, right]
    return nodes


def _leaf_order(nodes: list[_Node], root: int = 0) -> list[int]:
    out, stack = [], [root]
    while stack:
        i = stack.pop()
        if nodes[i].left < 0:
            out.append(i)
        else:
            stack += [nodes[i].right, nodes[i].left]
    return out


def _labels(nodes: list[_Node], n_rows: int) -> tuple[np.ndarray, dict[int, int]]:
    """Class of each row (1.., 0 for none) and node -> class for the leaves, in dendrogram order."""
    labels = np.zeros(n_rows, dtype=np.int64)
    leaf_class = {}
    if len(nodes) == 1:
        # no split: one class of the rows that have forms, if any
        if len(nodes[0].rows):
            labels[nodes[0].rows] = 1
            leaf_class[0] = 1
        return labels, leaf_class
    for number, leaf in enumerate(_leaf_order(nodes), start=1):
        labels[nodes[leaf].rows] = number
        leaf_class[leaf] = number
    return labels, leaf_class


# ---------------------------------------------------------------------------
# 6. double classification


def _context_units(segment_doc: np.ndarray, n_active: np.ndarray, min_size: int) -> np.ndarray:
    """Context unit of each segment: consecutive segments of a document merged until ``min_size`` forms.

    A document's last unit, when it falls short, joins the unit before it (if the
    document has one). Units never cross documents.
    """
    n = len(segment_doc)
    unit = np.empty(n, dtype=np.int64)
    current, i = -1, 0
    while i < n:
        doc = segment_doc[i]
        first_unit = current + 1
        count, open_, opened_at = 0, False, i
        while i < n and segment_doc[i] == doc:
            if not open_:
                current += 1
                count, open_, opened_at = 0, True, i
            unit[i] = current
            count += int(n_active[i])
            if count >= min_size:
                open_ = False
            i += 1
        if open_ and current > first_unit:  # a short last unit joins the one before
            unit[opened_at:i] = current - 1
            current -= 1
    return unit


def _classify_units(m: sparse.csr_matrix, unit: np.ndarray, **kwargs: Any) -> tuple[np.ndarray, list[_Node], dict]:
    n_units = int(unit.max()) + 1 if len(unit) else 0
    agg = sparse.csr_matrix((np.ones(len(unit)), (unit, np.arange(len(unit)))), shape=(n_units, len(unit)))
    mu = (agg @ m).tocsr()
    mu.data[:] = 1.0
    nodes = _chd(mu, **kwargs)
    labels_u, leaf_class = _labels(nodes, n_units)
    return labels_u[unit], nodes, leaf_class


def _cross(c1: np.ndarray, c2: np.ndarray, *, min_chi2: float, min_size: int) -> pd.DataFrame:
    """Every crossed class of two classifications, its association chi-square, and whether it is kept."""
    both = (c1 > 0) & (c2 > 0)
    n = int(both.sum())
    k1, k2 = int(c1.max(initial=0)), int(c2.max(initial=0))
    table = np.zeros((k1 + 1, k2 + 1), dtype=np.int64)
    np.add.at(table, (c1[both], c2[both]), 1)
    table = table[1:, 1:]
    n1, n2 = table.sum(axis=1), table.sum(axis=0)
    x, y = np.meshgrid(np.arange(k1), np.arange(k2), indexing="ij")
    size = table.ravel()
    row_n, col_n = n1[x.ravel()], n2[y.ravel()]
    chi = np.zeros(size.size)
    ok = (row_n > 0) & (row_n < n)  # a class holding every segment has nothing to cross
    if ok.any():
        chi[ok] = measures.chi_square(size[ok], col_n[ok] - size[ok], row_n[ok], n - row_n[ok])
    chi_m = chi.reshape(table.shape)
    kept = np.zeros(table.shape, dtype=bool)
    for i in range(k1):
        if not table[i].any():
            continue
        j = int(np.argmax(chi_m[i]))
        if int(np.argmax(chi_m[:, j])) == i and chi_m[i, j] >= min_chi2 and chi_m[i, j] > 0 and table[i, j] >= min_size:
            kept[i, j] = True
    frame = pd.DataFrame({"cls_1": x.ravel() + 1, "cls_2": y.ravel() + 1, "n_segments": size.astype(np.int64),
                          "chi2": chi_m.ravel(), "kept": kept.ravel()})
    return frame[frame["n_segments"] > 0].reset_index(drop=True)


def _prune(nodes: list[_Node], keep_leaves: set[int]) -> list[_Node]:
    """The tree restricted to the leaves ``keep_leaves``, nodes left with one child removed.

    A kept leaf's ``step`` holds ``-(its index in nodes) - 1``, to find its class again.
    """

    def alive(i: int) -> bool:
        node = nodes[i]
        if node.left < 0:
            return i in keep_leaves
        return alive(node.left) or alive(node.right)

    out: list[_Node] = []

    def build(i: int, parent: int) -> int:
        node = nodes[i]
        if node.left >= 0:
            la, ra = alive(node.left), alive(node.right)
            if la and not ra:
                return build(node.left, parent)
            if ra and not la:
                return build(node.right, parent)
        here = len(out)
        copy = _Node(node.rows, node.cols, parent=parent, chi2=node.chi2, step=node.step)
        out.append(copy)
        if node.left >= 0:
            copy.left = build(node.left, here)
            copy.right = build(node.right, here)
        else:
            copy.step = -(i + 1)  # the original leaf, for the class labels
        return here

    if not alive(0):
        return []
    build(0, -1)
    return out


# ---------------------------------------------------------------------------
# 7. profiles


def _profile_rows(membership: sparse.csr_matrix, presence: sparse.csr_matrix, names: np.ndarray, kind: str,
                  n_classes: int) -> pd.DataFrame:
    """Signed chi-square of every term (columns of ``presence``) in every class."""
    counts = np.asarray((membership.T @ presence).todense(), dtype=np.float64)  # classes × terms
    total = counts.sum(axis=0)  # classified segments only: each is in one class
    sizes = np.asarray(membership.sum(axis=0)).ravel().astype(np.float64)
    n = float(sizes.sum())
    keep = total > 0
    counts, total, names = counts[:, keep], total[keep], names[keep]
    n_terms = len(names)
    cls = np.repeat(np.arange(1, n_classes + 1), n_terms)
    a = counts.ravel()
    tot = np.tile(total, n_classes)
    size = np.repeat(sizes, n_terms)
    chi = np.zeros(len(a))
    p = np.ones(len(a))
    ok = (size > 0) & (size < n)  # a single class has nothing to be contrasted with
    if ok.any():
        chi[ok] = measures.chi_square(a[ok], tot[ok] - a[ok], size[ok], n - size[ok])
        p[ok] = measures.p_value(chi[ok])
    return pd.DataFrame({
        "cls": cls.astype(np.int64),
        "term": pd.array(np.tile(names, n_classes), dtype="string"),
        "kind": kind,
        "count": a.astype(np.int64),
        "total": tot.astype(np.int64),
        "percent": np.where(tot > 0, 100.0 * a / np.where(tot > 0, tot, 1), 0.0),
        "chi2": chi,
        "p": p,
    })


def _presence(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


# ---------------------------------------------------------------------------
# the verb


@dataclass
class _Prepared:
    segments: pd.DataFrame
    token_segment: np.ndarray
    codes: np.ndarray
    names: np.ndarray
    supp_tok: np.ndarray
    active_terms: np.ndarray
    supp_terms: np.ndarray
    supp_col: np.ndarray
    x: sparse.csr_matrix


def _prepare(frame: pd.DataFrame, size: int, window: int, of: str, active_pos: Sequence[str],
             min_frequency: int) -> _Prepared:
    """Segments and the binary segment × active form matrix of tokens in corpus order."""
    seg = _segment(frame, size, window)
    segments = seg.frame
    n_seg = len(segments)
    tok_seg = seg.token_segment
    word = ~(_bool(frame, "is_punct") | _bool(frame, "is_space")) & (tok_seg >= 0)

    # 2. active and supplementary forms
    codes, names = _term_codes(frame, of)
    names = np.asarray(names, dtype=object)
    shown = pd.Series(names, dtype="string")
    has_letter = (shown.str.contains(r"[^\W\d_]", regex=True) & ~shown.str.match(r"^['’]")).fillna(False)
    has_letter = has_letter.to_numpy(bool)
    pos_ok = frame["pos"].isin(list(active_pos)).to_numpy(dtype=bool, na_value=False)
    ok = word & (codes >= 0)
    ok[ok] = has_letter[codes[ok]]
    active_tok = ok & pos_ok & ~_bool(frame, "is_stop")
    supp_tok = ok & ~active_tok
    n_terms = len(names)
    active_freq = np.bincount(codes[active_tok], minlength=n_terms)
    supp_freq = np.bincount(codes[supp_tok], minlength=n_terms)
    active_terms = np.flatnonzero(active_freq >= min_frequency)
    supp_terms = np.flatnonzero(supp_freq >= min_frequency)
    active_col = np.full(n_terms, -1, dtype=np.int64)
    active_col[active_terms] = np.arange(len(active_terms))
    supp_col = np.full(n_terms, -1, dtype=np.int64)
    supp_col[supp_terms] = np.arange(len(supp_terms))
    use = active_tok & (active_col[np.maximum(codes, 0)] >= 0)
    x = _presence(tok_seg[use], active_col[codes[use]], (n_seg, len(active_terms)))
    return _Prepared(segments, tok_seg, codes, names, supp_tok, active_terms, supp_terms, supp_col, x)


def _check_number(value: object, name: str, *, minimum: float, function: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= minimum:
        raise ParameterError("RK-P71", f"the {name!r} parameter of {function}() must be a number >= {minimum}; "
                                       f"got {value!r} instead.")
    return float(value)


def reinert(
    tokens: pd.DataFrame,
    *,
    k: int = 10,
    segment_size: int = 40,
    window: int | None = None,
    min_frequency: int = 3,
    double: bool = False,
    corpus: Corpus | None = None,
    variables: Sequence[str] | None = None,
    of: Literal["lemma", "text", "lower"] = "lemma",
    active_pos: Sequence[str] = ACTIVE_POS,
    min_class_size: int | None = None,
    min_split_frequency: int = 3,
    cc_test: float = 0.3,
    uc_sizes: tuple[int, int] = (10, 15),
    min_chi2: float = 3.84,
) -> Reinert:
    """Classify the text segments of a corpus by Reinert's method (descending hierarchical classification).

    The steps and the choices made where IRaMuTeQ and rainette differ are described
    in the documentation of :mod:`research_kit.chd` and in ``docs/reinert.md``.

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``) from ``annotate(corpus)``.
    k
        Maximum number of terminal classes (IRaMuTeQ's "classes terminales de la
        phase 1", 10 by default there too).
    segment_size, window
        Text segments of about ``segment_size`` words, whose end may move up to
        ``window`` words further to fall on a strong punctuation mark (see
        :func:`text_segments`).
    min_frequency
        A form is active, or supplementary, when it occurs at least this many times.
    double
        Make the double classification: two classifications on context units of
        ``uc_sizes`` active forms, crossed.
    corpus
        The corpus the tokens come from; its document variables are then profiled
        (``*site_Montréal``…) and ``variables`` may name turn columns such as ``role``.
    variables
        Variables to profile: document variables or turn columns (a segment has the
        modality of any of its tokens). ``None``: every document variable of ``corpus``
        (none without a corpus); ``[]``: none.
    of
        Forms as ``"lemma"`` (default), ``"lower"`` or ``"text"``.
    active_pos
        Parts of speech whose forms are active.
    min_class_size
        The fewest segments a terminal class may hold; ``None``: 1 % of the segments
        that have an active form, at least 5.
    min_split_frequency, cc_test
        Column pruning after each split (rainette's ``tsj`` and ``cc_test``).
    uc_sizes
        Minimum active forms of the context units of the two classifications of a
        double classification.
    min_chi2
        Lowest association chi-square of a kept crossed class (double classification).

    Returns
    -------
    Reinert
        ``.segments``, ``.profiles``, ``.tree`` (and ``.crossed`` when ``double``):
        see :class:`Reinert` for their columns.

    Raises
    ------
    ParameterError
        ``RK-P70`` when no segment holds an active form; ``RK-P20``/``RK-P21`` for a
        variable it cannot find; ``RK-P01``, ``RK-P23``, ``RK-P71`` for parameters it
        cannot use.
    SchemaError
        ``RK-S01``/``RK-S02`` when ``tokens`` is not a tokens frame.

    References
    ----------
    Reinert, M. (1983). Une méthode de classification descendante hiérarchique :
    application à l'analyse lexicale par contexte. *Les cahiers de l'analyse des
    données*, 8(2), 187-198.

    Reinert, M. (1990). Alceste, une méthodologie d'analyse des données textuelles et
    une application. *Bulletin de méthodologie sociologique*, 26, 24-54.

    Examples
    --------
    >>> corpus = read_corpus("corpora/demo")                      # doctest: +SKIP
    >>> result = reinert(annotate(corpus), corpus=corpus, k=8)    # doctest: +SKIP
    >>> result.profiles.query("kind == 'active' and chi2 > 10")   # doctest: +SKIP
    """
    fn = "reinert"
    k = _check_int(k, "k", function=fn, minimum=2)
    size, window = _check_sizes(segment_size, window, fn)
    min_frequency = _check_int(min_frequency, "min_frequency", function=fn, minimum=1)
    check_option("double", double, (True, False), function=fn)
    check_option("of", of, ("lemma", "text", "lower"), function=fn)
    min_split_frequency = _check_int(min_split_frequency, "min_split_frequency", function=fn, minimum=1)
    cc_test = _check_number(cc_test, "cc_test", minimum=0, function=fn)
    min_chi2 = _check_number(min_chi2, "min_chi2", minimum=0, function=fn)
    if min_class_size is not None:
        min_class_size = _check_int(min_class_size, "min_class_size", function=fn, minimum=1)
    if isinstance(active_pos, str) or not all(isinstance(p, str) for p in active_pos) or not len(active_pos):
        raise ParameterError("RK-P71", f"the 'active_pos' parameter of {fn}() must be a list of parts of speech "
                                       f"such as ('NOUN', 'VERB'); got {active_pos!r} instead.")
    if double:
        if (not isinstance(uc_sizes, (tuple, list)) or len(uc_sizes) != 2
                or not all(isinstance(u, numbers.Integral) and not isinstance(u, bool) and u >= 1 for u in uc_sizes)):
            raise ParameterError("RK-P71", f"the 'uc_sizes' parameter of {fn}() must be two whole numbers >= 1, "
                                           f"such as (10, 15); got {uc_sizes!r} instead.")
    _check_tokens(tokens, _NEEDED, function=fn)
    if variables is None:
        variables = list(corpus.variables) if corpus is not None else []
    elif isinstance(variables, str):
        variables = [variables]
    else:
        variables = list(variables)
    frame = _with_context(_in_order(tokens), variables, corpus, function=fn, parameter="variables")

    prep = _prepare(frame, size, window, of, active_pos, min_frequency)
    segments, x, names = prep.segments, prep.x, prep.names
    tok_seg, codes, supp_tok = prep.token_segment, prep.codes, prep.supp_tok
    active_terms, supp_terms, supp_col = prep.active_terms, prep.supp_terms, prep.supp_col
    n_seg = len(segments)
    n_active = np.diff(x.indptr).astype(np.int64)
    segments["n_active"] = n_active
    if not (n_active > 0).any():
        raise ParameterError("RK-P70", f"{fn}() found no text segment with an active form: {n_seg} segments, "
                                       f"no form of {', '.join(active_pos)} occurring {min_frequency} times or more.",
                             hint="Check that the tokens come from annotate() with parts of speech, lower "
                             "min_frequency, or widen active_pos.")
    n_with = int((n_active > 0).sum())
    if min_class_size is None:
        min_class_size = max(5, int(math.ceil(0.01 * n_with)))
    chd_args = dict(k=k, min_class_size=min_class_size, min_split_frequency=min_split_frequency, cc_test=cc_test)

    crossed = None
    if not double:
        nodes = _chd(x, **chd_args)
        labels, leaf_class = _labels(nodes, n_seg)
    else:
        seg_doc = pd.factorize(segments["doc_id"], use_na_sentinel=False)[0]
        unit1 = _context_units(seg_doc, n_active, int(uc_sizes[0]))
        unit2 = _context_units(seg_doc, n_active, int(uc_sizes[1]))
        c1, nodes1, leaf1 = _classify_units(x, unit1, **chd_args)
        c2, _, _ = _classify_units(x, unit2, **chd_args)
        c1 = np.where(n_active > 0, c1, 0)
        c2 = np.where(n_active > 0, c2, 0)
        segments["cls_1"] = c1
        segments["cls_2"] = c2
        crossed = _cross(c1, c2, min_chi2=min_chi2, min_size=min_class_size)
        kept = crossed[crossed["kept"]]
        class1_leaf = {v: kk for kk, v in leaf1.items()}
        keep_leaves = {class1_leaf[int(v)] for v in kept["cls_1"]}
        nodes = _prune(nodes1, keep_leaves) if keep_leaves else []
        # final classes: dendrogram order of the kept leaves
        pair_of_leaf = {class1_leaf[int(a)]: int(b) for a, b in zip(kept["cls_1"], kept["cls_2"])}
        labels = np.zeros(n_seg, dtype=np.int64)
        leaf_class = {}
        order = _leaf_order(nodes) if nodes else []
        final_of_pair = {}
        for number, leaf in enumerate(order, start=1):
            original = -nodes[leaf].step - 1
            a_cls = leaf1[original]
            b_cls = pair_of_leaf[original]
            members = (c1 == a_cls) & (c2 == b_cls)
            labels[members] = number
            leaf_class[leaf] = number
            final_of_pair[(a_cls, b_cls)] = number
        crossed["cls"] = [final_of_pair.get((int(a), int(b)), 0) if kk else 0
                          for a, b, kk in zip(crossed["cls_1"], crossed["cls_2"], crossed["kept"])]
        crossed["cls"] = crossed["cls"].astype(np.int64)
    n_classes = int(labels.max(initial=0))
    segments["cls"] = labels

    # 7. profiles over the classified segments
    classified = labels > 0
    member = sparse.csr_matrix((np.ones(int(classified.sum())), (np.flatnonzero(classified),
                                                                  labels[classified] - 1)),
                               shape=(n_seg, max(n_classes, 1)))
    parts = []
    if n_classes:
        parts.append(_profile_rows(member, x, names[active_terms], "active", n_classes))
        use_s = supp_tok & (supp_col[np.maximum(codes, 0)] >= 0)
        xs = _presence(tok_seg[use_s], supp_col[codes[use_s]], (n_seg, len(supp_terms)))
        parts.append(_profile_rows(member, xs, names[supp_terms], "supplementary", n_classes))
        if variables:
            rows_v, cols_v, mod_names = [], [], []
            in_seg = tok_seg >= 0
            for var in variables:
                values = frame[var]
                ok_v = in_seg & values.notna().to_numpy()
                vcodes, vnames = pd.factorize(values[ok_v], sort=True)
                rows_v.append(tok_seg[ok_v])
                cols_v.append(vcodes + len(mod_names))
                mod_names += [f"*{var}_{v}" for v in vnames]
            xv = _presence(np.concatenate(rows_v), np.concatenate(cols_v), (n_seg, len(mod_names)))
            parts.append(_profile_rows(member, xv, np.asarray(mod_names, dtype=object), "variable", n_classes))
        profiles = pd.concat(parts, ignore_index=True)
        kind_order = profiles["kind"].map({kk: i for i, kk in enumerate(KINDS)})
        profiles = (profiles.assign(_k=kind_order).sort_values(["cls", "_k", "chi2", "term"],
                                                               ascending=[True, True, False, True], kind="stable")
                    .drop(columns="_k").reset_index(drop=True))
        # characteristic segments: summed positive chi-squares of the class's active forms
        active = profiles[profiles["kind"] == "active"]
        weight = np.zeros((len(active_terms), n_classes))
        term_index = pd.Series(np.arange(len(active_terms)), index=pd.Index(names[active_terms], dtype=object))
        ti = term_index.reindex(active["term"].astype(object)).to_numpy()
        weight[ti, active["cls"].to_numpy() - 1] = np.maximum(active["chi2"].to_numpy(), 0.0)
        scores = np.asarray(x @ weight)
        score = np.zeros(n_seg)
        score[classified] = scores[np.flatnonzero(classified), labels[classified] - 1]
    else:
        profiles = pd.DataFrame({"cls": pd.Series(dtype="int64"), "term": pd.Series(dtype="string"),
                                 "kind": pd.Series(dtype="string"), "count": pd.Series(dtype="int64"),
                                 "total": pd.Series(dtype="int64"), "percent": pd.Series(dtype="float64"),
                                 "chi2": pd.Series(dtype="float64"), "p": pd.Series(dtype="float64")})
        score = np.zeros(n_seg)
    profiles["kind"] = profiles["kind"].astype("string")
    segments["score"] = score
    columns = ["segment", "doc_id", "turn", "start_char", "end_char", "n_words", "n_active", "cls", "score", "text"]
    if double:
        columns[8:8] = ["cls_1", "cls_2"]
    segments = segments[columns]

    tree = _tree_frame(nodes, leaf_class, labels)
    parameters = {"k": k, "segment_size": size, "window": window, "min_frequency": min_frequency, "double": double,
                  "of": of, "active_pos": tuple(active_pos), "min_class_size": min_class_size,
                  "min_split_frequency": min_split_frequency, "cc_test": cc_test, "variables": list(variables),
                  "n_classes": n_classes, "n_active_forms": len(active_terms),
                  "n_supplementary_forms": len(supp_terms)}
    if double:
        parameters.update(uc_sizes=tuple(int(u) for u in uc_sizes), min_chi2=min_chi2)
    return Reinert(segments, profiles, tree, crossed, parameters)


def _tree_frame(nodes: list[_Node], leaf_class: dict[int, int], labels: np.ndarray) -> pd.DataFrame:
    if not nodes:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in (
            ("node", "int64"), ("parent", "Int64"), ("left", "Int64"), ("right", "Int64"), ("step", "Int64"),
            ("n_segments", "int64"), ("chi2", "float64"), ("height", "float64"), ("cls", "int64"))})
    sizes = np.bincount(labels, minlength=max(leaf_class.values(), default=0) + 1)
    n = len(nodes)
    count = np.zeros(n, dtype=np.int64)
    for leaf, c in leaf_class.items():
        count[leaf] = sizes[c]
    # internal nodes: sum of their leaves (children come after their parent)
    for i in range(n - 1, -1, -1):
        if nodes[i].left >= 0:
            count[i] = count[nodes[i].left] + count[nodes[i].right]
    internal = [i for i in range(n) if nodes[i].left >= 0]
    ranked = sorted(internal, key=lambda i: nodes[i].step)
    step_of = {i: s for s, i in enumerate(ranked, start=1)}
    chis = [nodes[i].chi2 for i in ranked]
    height = np.zeros(n)
    for s, i in enumerate(ranked):
        height[i] = float(np.sum(chis[s:]))
    na = pd.NA
    return pd.DataFrame({
        "node": np.arange(n, dtype=np.int64),
        "parent": pd.array([nd.parent if nd.parent >= 0 else na for nd in nodes], dtype="Int64"),
        "left": pd.array([nd.left if nd.left >= 0 else na for nd in nodes], dtype="Int64"),
        "right": pd.array([nd.right if nd.right >= 0 else na for nd in nodes], dtype="Int64"),
        "step": pd.array([step_of.get(i, na) for i in range(n)], dtype="Int64"),
        "n_segments": count,
        "chi2": np.array([nodes[i].chi2 if i in step_of else math.nan for i in range(n)], dtype=float),
        "height": height,
        "cls": np.array([leaf_class.get(i, 0) for i in range(n)], dtype=np.int64),
    })


# ---------------------------------------------------------------------------
# summary for briefs


def _check_result(result: object, function: str) -> Reinert:
    if not isinstance(result, Reinert):
        raise SchemaError("RK-S02", f"{function}() takes what reinert() returns; got {type(result).__name__}.",
                          hint="result = rk.reinert(tokens, corpus=corpus)")
    return result


def classification_summary(result: Reinert, *, lang: Literal["fr", "en"], n_words: int = 10,
                           n_segments: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The classes of a Reinert classification in two tables a brief can show.

    Parameters
    ----------
    result
        What :func:`reinert` returned.
    lang
        ``"fr"`` or ``"en"``: the language of the class labels ("Classe 1" / "Class 1").
    n_words
        Characteristic active forms listed per class: positive chi-square with
        p < 0.05, highest first.
    n_segments
        Characteristic segments (quotes) per class: highest ``score`` first.

    Returns
    -------
    tuple of two pandas.DataFrame
        ``classes``: one row per class, ``cls``, ``label``, ``n_segments``,
        ``percent`` (of the classified segments, as IRaMuTeQ shows it), ``words``
        (the forms joined by ", "), ``variables`` (the modalities of variables with a
        positive chi-square, p < 0.05, at most three, joined by ", ").
        ``quotes``: ``cls``, ``label``, ``rank`` (1 for the most characteristic),
        ``doc_id``, ``turn``, ``start_char``, ``end_char``, ``score``, ``text``.

    Examples
    --------
    >>> classes, quotes = classification_summary(result, lang="fr")   # doctest: +SKIP
    """
    fn = "classification_summary"
    result = _check_result(result, fn)
    check_option("lang", lang, ("fr", "en"), function=fn)
    n_words = _check_int(n_words, "n_words", function=fn, minimum=1)
    n_segments = _check_int(n_segments, "n_segments", function=fn, minimum=0)
    word = "Classe" if lang == "fr" else "Class"
    segs = result.segments
    classified = segs[segs["cls"] > 0]
    total = len(classified)
    rows = []
    prof = result.profiles
    significant = prof[(prof["chi2"] > 0) & (prof["p"] < 0.05)]
    for c in range(1, result.n_classes + 1):
        mine = significant[significant["cls"] == c]
        words = mine[mine["kind"] == "active"].head(n_words)["term"].tolist()
        mods = mine[mine["kind"] == "variable"].head(3)["term"].tolist()
        n = int((classified["cls"] == c).sum())
        rows.append({"cls": c, "label": f"{word} {c}", "n_segments": n,
                     "percent": round(100.0 * n / total, 1) if total else 0.0,
                     "words": ", ".join(words), "variables": ", ".join(m.lstrip("*") for m in mods)})
    classes = pd.DataFrame(rows, columns=["cls", "label", "n_segments", "percent", "words", "variables"])
    classes = classes.astype({"cls": "int64", "n_segments": "int64", "percent": "float64", "label": "string",
                              "words": "string", "variables": "string"})
    quotes = (classified.sort_values(["cls", "score", "segment"], ascending=[True, False, True], kind="stable")
              .groupby("cls", sort=True).head(n_segments).copy())
    quotes["rank"] = quotes.groupby("cls").cumcount().astype("int64") + 1
    quotes["label"] = pd.array([f"{word} {c}" for c in quotes["cls"]], dtype="string")
    quotes = quotes[["cls", "label", "rank", "doc_id", "turn", "start_char", "end_char", "score", "text"]]
    return classes, quotes.reset_index(drop=True)
