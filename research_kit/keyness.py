"""Keyness: which terms a part of the corpus uses more (or less) than another.

:func:`keyness` counts every term in a *target* (a meeting, a role, a site…) and in a
*reference* (by default the rest of the corpus) and scores the difference with the
statistics of :mod:`research_kit.measures`, all of them at once, so that a
significance test (log-likelihood) can be read beside an effect size (Log Ratio).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from . import measures
from .errors import ParameterError, check_int, check_option, did_you_mean
from .tokens import (
    OF, Of, bool_column, check_tokens, pseudonym_mask, term_codes, with_context, with_pseudonyms, word_mask,
)

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus

__all__ = ["keyness", "MEASURES"]

#: The score columns of a keyness frame, any of which can order it.
MEASURES = ("log_likelihood", "chi_square", "log_ratio", "percent_diff", "lafon")

Filter = Mapping[str, object] | pd.Series


def keyness(
    tokens: pd.DataFrame,
    *,
    target: Filter,
    reference: Filter | None = None,
    of: Of = "lemma",
    corpus: Corpus | None = None,
    measure: Literal["log_likelihood", "chi_square", "log_ratio", "percent_diff", "lafon"] = "log_likelihood",
    min_count: int = 3,
    drop_stop: bool = True,
    drop_pseudonyms: bool = True,
) -> pd.DataFrame:
    """Terms over- and under-represented in a target compared with a reference.

    For each term, with ``a`` its count in the target, ``b`` in the reference,
    and ``c``, ``d`` the numbers of words in the target and the reference
    (every token but punctuation, white space and the tokens of pseudonyms and
    placeholders, stop words included), the
    frame gives every statistic of :mod:`research_kit.measures`, signed:
    positive when the term is relatively more frequent in the target
    (``a / c > b / d``), negative when it is less frequent.

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``).
    target
        Which tokens form the target: a mapping ``{column: value or list of
        values}`` whose conditions must all hold (``{"role": "habitant·e"}``,
        ``{"doc_id": "mtl-cop-01"}``, ``{"site": "Bruxelles", "role": ["élu",
        "élue"]}``), or a boolean Series aligned with ``tokens``.
    reference
        The same kind of filter for the reference; ``None`` (default) takes
        every token outside the target ("one against the rest"). Target and
        reference must not overlap: a token in both would be compared with
        itself, and the statistics assume two independent samples.
    of
        ``"lemma"``, ``"text"`` or ``"lower"``.
    corpus
        The corpus the tokens come from, needed when a filter names a column the
        tokens lack (``speaker``, ``role``, document variables such as ``site``).
    measure
        The column the result is sorted by, descending: ``"log_likelihood"``,
        ``"chi_square"``, ``"log_ratio"``, ``"percent_diff"`` or ``"lafon"``.
    min_count
        Keep terms occurring at least this many times in target and reference
        together.
    drop_stop
        Leave stop words out of the list (they still count in ``c`` and ``d``,
        so a term's scores do not depend on this option).
    drop_pseudonyms
        Leave out the tokens of pseudonyms and placeholders (``is_pseudonym``:
        ``Habitant·e 5``, ``[adresse]``), neither terms nor words: a role's
        pseudonyms would otherwise be its most characteristic "terms". ``False``
        counts them as words.

    Returns
    -------
    pandas.DataFrame
        One row per term, sorted by ``measure`` descending (ties by term), so
        the target's most characteristic terms come first and the terms it
        avoids last:

        - ``term``;
        - ``count_target``, ``count_reference``: ``a`` and ``b``;
        - ``size_target``, ``size_reference``: ``c`` and ``d`` (the same on every row);
        - ``per_10k_target``, ``per_10k_reference``: ``a / c`` and ``b / d`` per 10,000 words;
        - ``log_likelihood``: Rayson & Garside's log-likelihood (UCREL form), signed;
        - ``p``: its chi-square (1 df) p-value, not corrected for the number of
          terms tested: with thousands of terms, prefer a threshold such as
          LL >= 15.13 (p < 0.0001) and read ``log_ratio`` for the size of the effect;
        - ``chi_square``: Pearson's chi-square, signed, without Yates' correction;
        - ``log_ratio``: Hardie's Log Ratio (binary log of the ratio of relative
          frequencies, zero counts smoothed to 0.5);
        - ``percent_diff``: Gabrielatos & Marchi's %DIFF;
        - ``lafon``: Lafon's specificity score (signed base-10 log of the
          hypergeometric tail probability), as Lexico, TXM and IRaMuTeQ report it.

    Raises
    ------
    ParameterError
        ``RK-P01`` for an unknown ``of``/``measure``; ``RK-P20``/``RK-P21`` when
        a filter column cannot be found; ``RK-P24`` for a malformed filter;
        ``RK-P25`` when target and reference overlap; ``RK-P26`` when one of
        them holds no word; ``RK-P23`` for a bad ``min_count``.

    References
    ----------
    Rayson, P. & Garside, R. (2000). Comparing corpora using frequency profiling.
    *Proceedings of the Workshop on Comparing Corpora*, 1-6.

    Dunning, T. (1993). Accurate methods for the statistics of surprise and
    coincidence. *Computational Linguistics*, 19(1), 61-74.

    Hardie, A. (2014). Log Ratio: an informal introduction. ESRC Centre for
    Corpus Approaches to Social Science (CASS), Lancaster University.

    Gabrielatos, C. & Marchi, A. (2012). Keyness: appropriate metrics and
    practical issues. CADS International Conference, University of Bologna.

    Lafon, P. (1980). Sur la variabilité de la fréquence des formes dans un
    corpus. *Mots*, 1, 127-165.

    Examples
    --------
    >>> import pandas as pd
    >>> from research_kit.keyness import keyness
    >>> tokens = pd.DataFrame({"doc_id": ["a", "a", "b"], "token": [0, 1, 0],
    ...     "text": ["budget", "budget", "parc"], "lemma": ["budget", "budget", "parc"],
    ...     "is_stop": False, "is_punct": False, "is_space": False})
    >>> keyness(tokens, target={"doc_id": "a"}, min_count=1)[["term", "count_target", "log_ratio"]]
         term  count_target  log_ratio
    0  budget             2        1.0
    1    parc             0       -2.0
    """
    fn = "keyness"
    check_option("of", of, OF, function=fn)
    check_option("measure", measure, MEASURES, function=fn)
    check_option("drop_stop", drop_stop, (True, False), function=fn)
    check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function=fn)
    min_count = check_int(min_count, "min_count", function=fn, minimum=1)
    needed = ["doc_id", "text", "lemma", "is_stop", "is_punct", "is_space"]
    check_tokens(tokens, needed, function=fn)
    columns = _filter_columns(target, "target") + _filter_columns(reference, "reference")
    frame = with_context(tokens, columns, corpus, function=fn, parameter="target/reference",
                         keep=with_pseudonyms(needed, tokens))
    in_target = _select(frame, target, "target")
    if reference is None:
        in_reference = ~in_target
    else:
        in_reference = _select(frame, reference, "reference")
        both = in_target & in_reference
        if both.any():
            raise ParameterError(
                "RK-P25",
                f"the target and the reference of keyness() overlap: {int(both.sum())} token(s) are in both "
                f"(e.g. document {frame['doc_id'].iloc[int(np.argmax(both))]!r}).",
                hint="Make the two filters exclusive, or leave reference=None to compare the target with the rest.",
            )
    word = word_mask(frame)
    if drop_pseudonyms:
        word &= ~pseudonym_mask(frame)
    c = int((in_target & word).sum())
    d = int((in_reference & word).sum())
    for name, size, spec in (("target", c, target), ("reference", d, reference)):
        if size == 0:
            raise ParameterError(
                "RK-P26", f"the {name} of keyness() holds no word: {_describe(spec, name)} selects no token "
                f"other than punctuation, white space and pseudonyms.{_near_miss(frame, spec)}",
                hint="Check the filter's column and values (e.g. frame[column].unique()).")
    counted = word & (in_target | in_reference)
    if drop_stop:
        counted &= ~bool_column(frame, "is_stop")
    term, names = term_codes(frame, of)
    a = np.bincount(term[counted & in_target], minlength=len(names))
    b = np.bincount(term[counted & in_reference], minlength=len(names))
    return keyness_table(names, a, b, c, d, min_count=min_count, measure=measure)


def keyness_table(names: np.ndarray, a: np.ndarray, b: np.ndarray, c: int, d: int, *, min_count: int,
                  measure: str) -> pd.DataFrame:
    """The keyness frame from counts: ``a``/``b`` each term's count in the target/reference, ``c``/``d`` their sizes.

    What :func:`keyness` and its out-of-core twin (:func:`research_kit.cluster.keyness`)
    return once they have counted: terms seen fewer than ``min_count`` times dropped,
    every measure computed, sorted by ``measure``.
    """
    a = np.asarray(a, dtype="int64")
    b = np.asarray(b, dtype="int64")
    keep = (a + b) >= min_count
    a, b, names = a[keep], b[keep], np.asarray(names, dtype=object)[keep]
    ll = measures.log_likelihood(a, b, c, d)
    out = pd.DataFrame({
        "term": pd.array(names, dtype="string"),
        "count_target": a.astype("int64"),
        "count_reference": b.astype("int64"),
        "size_target": np.full(len(a), c, dtype="int64"),
        "size_reference": np.full(len(a), d, dtype="int64"),
        "per_10k_target": a / c * 10_000,
        "per_10k_reference": b / d * 10_000,
        "log_likelihood": np.asarray(ll, dtype=float),
        "p": np.asarray(measures.p_value(ll), dtype=float),
        "chi_square": np.asarray(measures.chi_square(a, b, c, d), dtype=float),
        "log_ratio": np.asarray(measures.log_ratio(a, b, c, d), dtype=float),
        "percent_diff": np.asarray(measures.percent_diff(a, b, c, d), dtype=float),
        "lafon": np.asarray(measures.lafon_specificity(a, b, c, d), dtype=float),
    })
    out = out.sort_values([measure, "term"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def _filter_columns(spec: object, name: str) -> list[str]:
    if spec is None or isinstance(spec, (pd.Series, np.ndarray)):
        return []
    if isinstance(spec, Mapping):
        if not spec:
            raise ParameterError("RK-P24", f"the {name!r} filter of keyness() is empty.",
                                 hint=f'Give at least one condition, e.g. {name}={{"role": "habitant·e"}}.')
        bad = [k for k in spec if not isinstance(k, str)]
        if bad:
            raise ParameterError("RK-P24", f"the {name!r} filter of keyness() must map column names to values; "
                                           f"got the key {bad[0]!r}.")
        return list(spec)
    raise ParameterError(
        "RK-P24",
        f"the {name!r} parameter of keyness() must be a mapping {{column: value or list of values}} or a boolean "
        f"Series aligned with the tokens; got {type(spec).__name__} instead.",
        hint=f'For example {name}={{"doc_id": "mtl-cop-01"}} or {name}=tokens["doc_id"].str.startswith("mtl").',
    )


def _select(frame: pd.DataFrame, spec: Filter, name: str) -> np.ndarray:
    """The boolean mask a filter selects, as a numpy array over ``frame``'s rows."""
    if isinstance(spec, (pd.Series, np.ndarray)):
        if len(spec) != len(frame) or (isinstance(spec, pd.Series) and not spec.index.equals(frame.index)):
            raise ParameterError(
                "RK-P24",
                f"the boolean {name} of keyness() must be aligned with the tokens: it has {len(spec)} rows "
                f"for {len(frame)} tokens" + ("" if len(spec) != len(frame) else " but a different index") + ".",
                hint="Build it from the same frame, e.g. tokens['doc_id'] == 'mtl-cop-01'.",
            )
        if not (pd.api.types.is_bool_dtype(spec.dtype)):
            raise ParameterError("RK-P24", f"the {name} Series of keyness() must hold booleans; "
                                           f"got dtype {spec.dtype}.")
        return np.asarray(pd.Series(spec).to_numpy(dtype=bool, na_value=False))
    mask = np.ones(len(frame), dtype=bool)
    for column, values in spec.items():
        wanted = list(values) if isinstance(values, (list, tuple, set, frozenset, pd.Series, np.ndarray)) else [values]
        mask &= frame[column].isin(wanted).to_numpy(dtype=bool, na_value=False)
    return mask


def _describe(spec: object, name: str) -> str:
    if spec is None:
        return "the rest of the corpus"
    if isinstance(spec, Mapping):
        return repr(dict(spec))
    return f"the boolean {name}"


def _near_miss(frame: pd.DataFrame, spec: object) -> str:
    """Point at a filter value that the column never takes, with a suggestion."""
    if not isinstance(spec, Mapping):
        return ""
    for column, values in spec.items():
        wanted = list(values) if isinstance(values, (list, tuple, set, frozenset)) else [values]
        present = set(pd.unique(frame[column].dropna()).tolist())
        for value in wanted:
            if value not in present:
                shown = ", ".join(repr(v) for v in sorted(present, key=str)[:10])
                return (f" The column {column!r} never takes the value {value!r}.{did_you_mean(value, present)}"
                        f" Its values include {shown}.")
    return ""
