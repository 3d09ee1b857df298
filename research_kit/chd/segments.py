"""Step 1 of a Reinert classification: cutting the documents into text segments.

Each word gets the weight of the strongest punctuation that follows it (:data:`BREAK_WEIGHTS`),
the last word of a speaker turn that of a full stop, and each segment ends after the word that
best combines a strong break with closeness to ``segment_size``: rainette's ``split_segments()``
rule, as step 1 of the package documentation (:mod:`research_kit.chd`) tells in full.
Segments never cross documents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import check_int
from ..tokens import bool_column, check_tokens, doc_codes, in_order, word_mask

__all__ = ["text_segments", "BREAK_WEIGHTS"]

#: Weight of a break after a word, by the punctuation that follows it (rainette's weights).
BREAK_WEIGHTS: dict[str, float] = {".": 6.0, "?": 6.0, "!": 6.0, "…": 6.0, ":": 5.0, ";": 4.0, ",": 1.0}
_NO_BREAK = 0.01
_TURN_END = 6.0


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
class Segmentation:
    """What :func:`segment_tokens` returns."""

    token_segment: np.ndarray  # segment of each token of the ordered frame, -1 for none
    frame: pd.DataFrame  # the segments frame (without cls/score)


def segment_tokens(ordered: pd.DataFrame, size: int, window: int) -> Segmentation:
    """The segments of tokens in corpus order (``in_order``), and the segment of each token."""
    n = len(ordered)
    doc = doc_codes(ordered)
    punct, space = bool_column(ordered, "is_punct"), bool_column(ordered, "is_space")
    word = word_mask(ordered)
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
    return Segmentation(token_segment, frame)


def check_sizes(segment_size: object, window: object, function: str) -> tuple[int, int]:
    """``segment_size`` and ``window`` checked, the window resolved (``None``: 0.4 of the size)."""
    size = check_int(segment_size, "segment_size", function=function, minimum=2)
    if window is None:
        return size, int(round(0.4 * size))
    return size, check_int(window, "window", function=function, minimum=0)


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
    size, window = check_sizes(segment_size, window, fn)
    check_tokens(tokens, ["doc_id", "turn", "token", "text", "is_punct", "is_space", "start_char", "end_char"],
                  function=fn)
    return segment_tokens(in_order(tokens), size, window).frame

