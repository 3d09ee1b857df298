"""Step 2 of a Reinert classification: active and supplementary forms, and the segment × form matrix.

*Active* forms classify: the lemmas (or other forms, ``of=``) of words whose part of speech
is in ``active_pos`` (:data:`ACTIVE_POS` by default), that are not stop words or oral
fillers, contain a letter, do not start with an apostrophe, and occur at least
``min_frequency`` times as such. Every other word seen ``min_frequency`` times is a
*supplementary* form, projected on the classes but never used to make them. Step 2 of
the package documentation (:mod:`research_kit.chd`) tells why. The tokens of
pseudonyms and placeholders (``is_pseudonym``: ``Habitant·e 5``, ``[adresse]``) are
neither, unless ``drop_pseudonyms=False``: classes would otherwise gather the segments
that name one role and be named after its label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from ..tokens import bool_column, pseudonym_mask, term_codes, word_mask
from .segments import segment_tokens

__all__ = ["ACTIVE_POS", "Prepared", "prepare", "presence"]

#: Parts of speech whose lemmas are active forms by default (X: unknown words).
ACTIVE_POS: tuple[str, ...] = ("NOUN", "VERB", "ADJ", "ADV", "X")


@dataclass
class Prepared:
    """What :func:`prepare` returns: the segments, and the forms of their tokens."""

    segments: pd.DataFrame  # the segments frame (without n_active, cls, score)
    token_segment: np.ndarray  # segment of each token, -1 for none
    codes: np.ndarray  # form of each token: an index into names, -1 for none
    names: np.ndarray  # every form
    supp_tok: np.ndarray  # the tokens that are supplementary forms
    active_terms: np.ndarray  # the forms (indices into names) of the columns of x
    supp_terms: np.ndarray  # the supplementary forms seen min_frequency times
    supp_col: np.ndarray  # column of each form among supp_terms, -1 for none
    x: sparse.csr_matrix  # binary segment × active form matrix


def prepare(frame: pd.DataFrame, size: int, window: int, of: str, active_pos: Sequence[str],
            min_frequency: int, *, drop_pseudonyms: bool = True) -> Prepared:
    """Segments and the binary segment × active form matrix of tokens in corpus order.

    With ``drop_pseudonyms`` the tokens of pseudonyms and placeholders are no form at all.
    """
    seg = segment_tokens(frame, size, window)
    segments = seg.frame
    n_seg = len(segments)
    tok_seg = seg.token_segment
    word = word_mask(frame) & (tok_seg >= 0)
    if drop_pseudonyms:
        word &= ~pseudonym_mask(frame)

    # 2. active and supplementary forms
    codes, names = term_codes(frame, of)
    names = np.asarray(names, dtype=object)
    shown = pd.Series(names, dtype="string")
    has_letter = (shown.str.contains(r"[^\W\d_]", regex=True) & ~shown.str.match(r"^['’]")).fillna(False)
    has_letter = has_letter.to_numpy(bool)
    pos_ok = frame["pos"].isin(list(active_pos)).to_numpy(dtype=bool, na_value=False)
    ok = word & (codes >= 0)
    ok[ok] = has_letter[codes[ok]]
    active_tok = ok & pos_ok & ~bool_column(frame, "is_stop")
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
    x = presence(tok_seg[use], active_col[codes[use]], (n_seg, len(active_terms)))
    return Prepared(segments, tok_seg, codes, names, supp_tok, active_terms, supp_terms, supp_col, x)


def presence(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    """Binary matrix of the given shape, 1 at each ``(rows[i], cols[i])`` (duplicates count once)."""
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
    m.sum_duplicates()
    m.data[:] = 1.0
    return m
