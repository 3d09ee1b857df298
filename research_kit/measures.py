"""Pure statistics over plain counts and arrays.

Everything here takes numbers or array-likes and returns numpy floats or arrays:
no frames, no corpus objects. The frame-level verbs (``keyness``, ``agreement``,
``participation`` ...) call these functions and shape their results into tables.

Keyness
-------
Every keyness function takes the same four counts, broadcast against each other
with numpy's rules, so that a whole vocabulary is scored in one call:

``a``
    the term's count in the target corpus (or part);
``b``
    the term's count in the reference corpus (or the rest);
``c``
    the size of the target corpus, in tokens;
``d``
    the size of the reference corpus, in tokens.

Scores are *signed*: positive when the term is over-represented in the target
(``a/c > b/d``), negative when it is under-represented, 0 when the relative
frequencies are equal. Scalars in give a numpy float out.

Agreement
---------
Reliability data are laid out as in Krippendorff (2011): a *coders x units*
table, one row per coder and one column per unit, given as a list of lists, a
numpy array or a pandas DataFrame (rows = coders, columns = units). A missing
value (the coder did not code that unit) is ``None`` or NaN. Values may be
strings or numbers for nominal data; the ordered levels need numbers.

Error codes raised here (all :class:`~research_kit.errors.ParameterError`):

- ``RK-P01``: an option is not one of its allowed values;
- ``RK-P10``: shapes or lengths do not match;
- ``RK-P11``: a count or value is negative, not finite, or not a number;
- ``RK-P12``: a count exceeds its corpus size, or a corpus size is 0;
- ``RK-P13``: a reliability table is not a coders x units table;
- ``RK-P14``: Fleiss' kappa on units with unequal numbers of ratings;
- ``RK-P15``: values that must be numbers (weights, ordered levels) are not;
- ``RK-P16``: a numeric parameter (``smoothing``, ``df``) is out of range.
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy import stats
from scipy.special import gammaln, logsumexp

from .errors import ParameterError, check_option

__all__ = [
    "log_likelihood",
    "chi_square",
    "p_value",
    "log_ratio",
    "percent_diff",
    "lafon_specificity",
    "gini",
    "evenness",
    "percent_agreement",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "coincidence_matrix",
]

#: A float for scalar input, an array of floats for array input.
Score = np.float64 | NDArray[np.float64]

#: What %DIFF puts in place of a zero reference frequency (Gabrielatos & Marchi 2012).
PERCENT_DIFF_ZERO = 1e-18


# ---------------------------------------------------------------------------
# Input checks shared by the keyness functions
# ---------------------------------------------------------------------------


def _as_float(value: ArrayLike, name: str, function: str) -> NDArray[np.float64]:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as e:
        raise ParameterError(
            "RK-P11",
            f"the {name!r} parameter of {function}() must be a number or an array of "
            f"numbers; got {_short(value)} instead.",
        ) from e
    return array


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _first_bad(array: NDArray[Any], bad: NDArray[np.bool_]) -> str:
    """Describe the first offending element of ``array`` for a message."""
    position = np.unravel_index(int(np.argmax(bad)), bad.shape)
    value = array[position]
    if array.ndim == 0:
        return f"{value!r}"
    where = position[0] if len(position) == 1 else tuple(int(p) for p in position)
    return f"{value!r} at position {where}"


def _keyness_counts(
    a: ArrayLike,
    b: ArrayLike,
    c: ArrayLike,
    d: ArrayLike,
    *,
    function: str,
    integer: bool = False,
) -> tuple[NDArray[np.float64], ...]:
    """Check the four keyness counts and broadcast them to one shape."""
    arrays = {
        name: _as_float(value, name, function)
        for name, value in (("a", a), ("b", b), ("c", c), ("d", d))
    }
    try:
        broadcast = np.broadcast_arrays(*arrays.values())
    except ValueError as e:
        shapes = ", ".join(f"{n}: {x.shape}" for n, x in arrays.items())
        raise ParameterError(
            "RK-P10",
            f"the counts passed to {function}() cannot be broadcast together ({shapes}).",
            hint="Pass arrays of one length (one value per term), or scalars for the corpus sizes.",
        ) from e
    for name, x in arrays.items():
        bad = ~np.isfinite(x) | (x < 0)
        if bad.any():
            raise ParameterError(
                "RK-P11",
                f"the {name!r} parameter of {function}() must hold counts >= 0; "
                f"got {_first_bad(x, bad)} instead.",
                hint="Pass raw token counts, not differences or missing values.",
            )
        if integer:
            bad = x != np.floor(x)
            if bad.any():
                raise ParameterError(
                    "RK-P11",
                    f"the {name!r} parameter of {function}() must hold whole counts; "
                    f"got {_first_bad(x, bad)} instead.",
                    hint="The hypergeometric model needs raw token counts, not normalised ones.",
                )
    for name in ("c", "d"):
        x = arrays[name]
        bad = x == 0
        if bad.any():
            raise ParameterError(
                "RK-P12",
                f"the corpus size {name!r} of {function}() must be > 0; "
                f"got {_first_bad(x, bad)} instead.",
            )
    ab, cd = broadcast[:2], broadcast[2:]
    for count, size, cname, sname in ((ab[0], cd[0], "a", "c"), (ab[1], cd[1], "b", "d")):
        bad = count > size
        if bad.any():
            i = np.unravel_index(int(np.argmax(bad)), bad.shape)
            where = "" if count.ndim == 0 else f" at position {i[0] if len(i) == 1 else i}"
            raise ParameterError(
                "RK-P12",
                f"in {function}(), the count {cname!r} exceeds the corpus size {sname!r}"
                f"{where}: {count[i]:g} > {size[i]:g}.",
                hint=f"{cname!r} is the term's count and {sname!r} the corpus size in tokens.",
            )
    return tuple(np.asarray(x, dtype=float) for x in broadcast)


def _out(array: NDArray[np.float64]) -> Score:
    """A 0-d result as a numpy float, anything else as an array."""
    array = np.asarray(array, dtype=float)
    return array[()] if array.ndim == 0 else array


def _o_log_o_over_e(
    observed: NDArray[np.float64], excess: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``O * ln(O / E)`` where ``excess = O - E``, with ``0 * ln 0 = 0``.

    ``ln(O/E)`` is computed as ``-log1p(-excess / O)`` so that large cells whose
    observed and expected counts nearly coincide keep their precision.
    """
    positive = observed > 0
    safe = np.where(positive, observed, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = -safe * np.log1p(-excess / safe)
    return np.where(positive, terms, 0.0)


def _direction(a, b, c, d) -> NDArray[np.float64]:
    """+1 when a/c > b/d, -1 when a/c < b/d, 0 when equal."""
    return np.sign(a * d - b * c)


# ---------------------------------------------------------------------------
# Keyness
# ---------------------------------------------------------------------------


def log_likelihood(
    a: ArrayLike,
    b: ArrayLike,
    c: ArrayLike,
    d: ArrayLike,
    *,
    form: Literal["ucrel", "g2"] = "ucrel",
) -> Score:
    """Signed log-likelihood keyness of a term in a target against a reference corpus.

    Parameters
    ----------
    a, b
        The term's counts in the target and in the reference corpus.
    c, d
        The sizes of the target and of the reference corpus, in tokens.
        All four broadcast against each other.
    form
        ``"ucrel"`` (default): the two-cell statistic of Rayson & Garside (2000),
        as the UCREL log-likelihood wizard computes it::

            E1 = c (a + b) / (c + d)      E2 = d (a + b) / (c + d)
            LL = 2 (a ln(a / E1) + b ln(b / E2))

        ``"g2"``: Dunning's (1993) G-squared over the four cells of the 2 x 2
        table ``(a, b, c - a, d - b)``, ``2 sum O ln(O / E)``. It adds the
        (non-negative) contribution of the "other tokens" row, so it is never
        smaller than ``"ucrel"``; the two are close when the term is rare.

        In both, ``0 ln 0 = 0``, so a zero count is fine.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The statistic, positive when ``a/c > b/d`` (the term is over-represented
        in the target), negative when under-represented. Its absolute value
        follows a chi-square distribution with 1 degree of freedom under the
        null hypothesis: see :func:`p_value` (3.84 for p < 0.05, 6.63 for
        p < 0.01, 10.83 for p < 0.001).

    Raises
    ------
    ParameterError
        ``RK-P01`` for an unknown ``form``; ``RK-P10``, ``RK-P11``, ``RK-P12``
        for counts that do not broadcast, are negative, or exceed their corpus.

    References
    ----------
    Rayson, P. & Garside, R. (2000). Comparing corpora using frequency profiling.
    *Proceedings of the Workshop on Comparing Corpora*, 1-6.

    Dunning, T. (1993). Accurate methods for the statistics of surprise and
    coincidence. *Computational Linguistics*, 19(1), 61-74.

    Examples
    --------
    >>> from research_kit.measures import log_likelihood
    >>> round(float(log_likelihood(10, 5, 1000, 2000)), 4)
    6.9315
    >>> log_likelihood([10, 1, 0], [5, 20, 0], 1000, 2000).round(3)
    array([  6.931, -10.375,   0.   ])
    """
    check_option("form", form, ("ucrel", "g2"), function="log_likelihood")
    a, b, c, d = _keyness_counts(a, b, c, d, function="log_likelihood")
    n = c + d
    e1 = c * (a + b) / n
    e2 = d * (a + b) / n
    g = _o_log_o_over_e(a, a - e1) + _o_log_o_over_e(b, b - e2)
    if form == "g2":
        # The "other tokens" row: observed c - a and d - b, expected c - E1 and
        # d - E2, so O - E is E1 - a and E2 - b exactly.
        g = g + _o_log_o_over_e(c - a, e1 - a) + _o_log_o_over_e(d - b, e2 - b)
    g = np.maximum(2.0 * g, 0.0)  # clears -0.0 and rounding noise below 0
    return _out(_direction(a, b, c, d) * g)


def chi_square(
    a: ArrayLike,
    b: ArrayLike,
    c: ArrayLike,
    d: ArrayLike,
    *,
    yates: bool = False,
) -> Score:
    """Signed Pearson chi-square of the 2 x 2 table ``(a, b, c - a, d - b)``.

    With ``D = a d - b c`` (which equals ``a (d - b) - b (c - a)``), ``N = c + d``
    and the margins ``a + b``, ``N - a - b``, ``c``, ``d``::

        X2 = N D^2 / ((a + b)(N - a - b) c d)

    and with Yates' continuity correction ``|D|`` becomes ``max(0, |D| - N / 2)``,
    i.e. every observed count moves half a unit towards its expected count, but
    never past it (as ``scipy.stats.chi2_contingency`` does).

    Parameters
    ----------
    a, b, c, d
        As in :func:`log_likelihood`.
    yates
        Apply Yates' correction for continuity.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The statistic, signed like :func:`log_likelihood`. Where a margin is
        zero (the term occurs nowhere, or is every token) the table carries no
        evidence and the result is 0.

    References
    ----------
    Pearson, K. (1900). On the criterion that a given system of deviations ...
    *Philosophical Magazine*, 50(302), 157-175.

    Yates, F. (1934). Contingency tables involving small numbers and the
    chi-square test. *Supplement to the Journal of the Royal Statistical
    Society*, 1(2), 217-235.

    Examples
    --------
    >>> from research_kit.measures import chi_square
    >>> round(float(chi_square(10, 5, 1000, 2000)), 4)
    7.5377
    >>> round(float(chi_square(10, 5, 1000, 2000, yates=True)), 4)
    6.1055
    """
    a, b, c, d = _keyness_counts(a, b, c, d, function="chi_square")
    n = c + d
    diff = a * d - b * c
    margins = (a + b) * (n - a - b) * c * d
    size = np.abs(diff)
    if yates:
        size = np.maximum(size - n / 2.0, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        x2 = np.where(margins > 0, n * size**2 / np.where(margins > 0, margins, 1.0), 0.0)
    return _out(np.sign(diff) * x2)


def p_value(stat: ArrayLike, *, df: int = 1) -> Score:
    """Upper-tail chi-square probability of ``|stat|``.

    Parameters
    ----------
    stat
        A chi-square distributed statistic, such as :func:`log_likelihood` or
        :func:`chi_square`; the sign is ignored.
    df
        Degrees of freedom (1 for a 2 x 2 table).

    Returns
    -------
    numpy.float64 or numpy.ndarray
        ``P(X >= |stat|)`` for ``X ~ chi2(df)``.

    References
    ----------
    Dunning, T. (1993). Accurate methods for the statistics of surprise and
    coincidence. *Computational Linguistics*, 19(1), 61-74.

    Examples
    --------
    >>> from research_kit.measures import p_value
    >>> round(float(p_value(3.841458820694124)), 6)
    0.05
    """
    if isinstance(df, bool) or not isinstance(df, numbers.Real) or not df > 0:
        raise ParameterError(
            "RK-P16",
            f"the 'df' parameter of p_value() must be a number > 0; got {df!r} instead.",
        )
    x = _as_float(stat, "stat", "p_value")
    return _out(stats.chi2.sf(np.abs(x), df))


def log_ratio(
    a: ArrayLike,
    b: ArrayLike,
    c: ArrayLike,
    d: ArrayLike,
    *,
    smoothing: float = 0.5,
) -> Score:
    """Hardie's Log Ratio: the binary log of the ratio of relative frequencies.

    ``log2((a / c) / (b / d))``: 1 means the term is twice as frequent (per
    token) in the target, -1 half as frequent, 0 equally frequent.

    Parameters
    ----------
    a, b, c, d
        As in :func:`log_likelihood`.
    smoothing
        What replaces a zero count before the ratio is taken (Hardie's 0.5 by
        default), so that a term absent from one corpus gets a large but finite
        score. A term absent from both corpora scores 0.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The log ratio; its sign follows the convention of this module. It is an
        effect size, not a significance test: filter on :func:`log_likelihood`
        first.

    References
    ----------
    Hardie, A. (2014). Log Ratio: an informal introduction. ESRC Centre for
    Corpus Approaches to Social Science (CASS), Lancaster University.

    Examples
    --------
    >>> from research_kit.measures import log_ratio
    >>> float(log_ratio(20, 10, 1000, 1000))
    1.0
    >>> float(log_ratio(0, 4, 1000, 1000))
    -3.0
    """
    if isinstance(smoothing, bool) or not isinstance(smoothing, numbers.Real) or not smoothing > 0:
        raise ParameterError(
            "RK-P16",
            f"the 'smoothing' parameter of log_ratio() must be a number > 0; "
            f"got {smoothing!r} instead.",
        )
    a, b, c, d = _keyness_counts(a, b, c, d, function="log_ratio")
    both_zero = (a == 0) & (b == 0)
    a_s = np.where(a > 0, a, smoothing)
    b_s = np.where(b > 0, b, smoothing)
    ratio = np.log2((a_s / c) / (b_s / d))
    return _out(np.where(both_zero, 0.0, ratio))


def percent_diff(a: ArrayLike, b: ArrayLike, c: ArrayLike, d: ArrayLike) -> Score:
    """%DIFF: the percentage difference of normalised frequencies.

    ``100 (nf_target - nf_reference) / nf_reference``, with the normalised
    frequencies ``nf = count / size * 1,000,000`` (per million tokens).

    When the reference count is 0, ``nf_reference`` is replaced by ``1e-18``
    (:data:`PERCENT_DIFF_ZERO`), as Gabrielatos & Marchi (2012) suggest: the
    result is then huge (about ``1e20`` times the target's per-million
    frequency) but finite, so such terms sort first. A term absent from both
    corpora scores 0; one absent from the target only scores -100.

    Parameters
    ----------
    a, b, c, d
        As in :func:`log_likelihood`.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        %DIFF, positive when the term is over-represented in the target.

    References
    ----------
    Gabrielatos, C. & Marchi, A. (2012). Keyness: appropriate metrics and
    practical issues. CADS International Conference, University of Bologna.

    Examples
    --------
    >>> from research_kit.measures import percent_diff
    >>> float(percent_diff(30, 10, 10_000, 10_000))
    200.0
    >>> float(percent_diff(5, 10, 1000, 1000))
    -50.0
    """
    a, b, c, d = _keyness_counts(a, b, c, d, function="percent_diff")
    nf_target = a / c * 1e6
    nf_reference = np.where(b > 0, b / d * 1e6, PERCENT_DIFF_ZERO)
    diff = 100.0 * (nf_target - nf_reference) / nf_reference
    return _out(np.where((a == 0) & (b == 0), 0.0, diff))


def _log_hypergeom_pmf(k, total, white, drawn):
    """Natural log of P(X = k), X hypergeometric (population, successes, draws)."""

    def log_comb(n, r):
        return gammaln(n + 1) - gammaln(r + 1) - gammaln(n - r + 1)

    return log_comb(white, k) + log_comb(total - white, drawn - k) - log_comb(total, drawn)


def _log_hypergeom_tail(
    f: float, total: float, white: float, drawn: float, *, upper: bool
) -> float:
    """ln P(X >= f) (``upper``) or ln P(X <= f), summed term by term in log space.

    Used only where the tail probability underflows double precision. From ``f``
    outwards the terms of a hypergeometric tail beyond the mean decrease, so
    chunks are added until the last term is negligible (e^-40) against the sum.
    """
    end = min(white, drawn) if upper else max(0.0, drawn - (total - white))
    step = 1.0 if upper else -1.0
    result = -np.inf
    start, chunk = f, 256
    while True:
        stop = min(start + chunk, end + 1) if upper else max(start - chunk, end - 1)
        ks = np.arange(start, stop, step)
        if ks.size == 0:
            break
        terms = _log_hypergeom_pmf(ks, total, white, drawn)
        result = np.logaddexp(result, logsumexp(terms))
        if ks[-1] == end or (terms[-1] < result - 40 and terms[-1] <= terms[0]):
            break
        start, chunk = stop, chunk * 2
    return float(result)


def lafon_specificity(a: ArrayLike, b: ArrayLike, c: ArrayLike, d: ArrayLike) -> Score:
    """Lafon's specificity score of a term in a part of a corpus.

    The model of Lafon (1980), as Lexico, TXM and IRaMuTeQ report it. The whole
    corpus has ``T = c + d`` tokens, the part ``t = c``; the term occurs
    ``F = a + b`` times in all and ``f = a`` times in the part. Under
    independence the count in the part is hypergeometric,
    ``X ~ H(T, F, t)``, with expected value ``E = t F / T``.

    - If ``f >= E`` (over-use, or exactly expected): the score is
      ``-log10 P(X >= f)``, zero or positive.
    - If ``f < E`` (under-use): the score is ``log10 P(X <= f)``, negative.

    The tie ``f == E`` goes to the positive side, as in the ``specificities``
    function of the R ``textometry`` package behind TXM (``whiteDrawn >=
    independance``). A score of 2 means "a count at least this high has
    probability 1 in 100"; TXM's default display threshold is 2.

    Tail probabilities come from the hypergeometric distribution function, and
    where they underflow double precision (below about 1e-250) the tail is summed
    in log space instead, so scores in the hundreds or thousands stay finite and
    exact.

    Parameters
    ----------
    a, b, c, d
        As in :func:`log_likelihood`; here they must be whole counts. ``c`` is
        the size of the part and ``d`` the size of the rest of the corpus.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The signed specificity score, in base-10 orders of magnitude.

    References
    ----------
    Lafon, P. (1980). Sur la variabilité de la fréquence des formes dans un
    corpus. *Mots*, 1, 127-165.

    Lebart, L. & Salem, A. (1994). *Statistique textuelle*. Paris: Dunod, ch. 6.

    Examples
    --------
    >>> from research_kit.measures import lafon_specificity
    >>> lafon_specificity([4, 0, 2], [0, 4, 2], 10, 10).round(4)
    array([ 1.3631, -1.3631,  0.1494])
    """
    a, b, c, d = _keyness_counts(a, b, c, d, function="lafon_specificity", integer=True)
    total, drawn, white, f = c + d, c, a + b, a
    positive = f * total >= drawn * white  # f >= t F / T without rounding
    upper_p = stats.hypergeom.sf(f - 1, total, white, drawn)  # P(X >= f)
    lower_p = stats.hypergeom.cdf(f, total, white, drawn)  # P(X <= f)
    p = np.asarray(np.where(positive, upper_p, lower_p), dtype=float)
    with np.errstate(divide="ignore"):
        log10_p = np.array(np.log10(np.minimum(p, 1.0)), dtype=float)
    tiny = ~(p > 1e-250)
    if tiny.any():
        for i in zip(*np.nonzero(tiny)) if p.ndim else [()]:
            log_p = _log_hypergeom_tail(
                float(f[i]),
                float(total[i]),
                float(white[i]),
                float(drawn[i]),
                upper=bool(positive[i]),
            )
            log10_p[i] = log_p / math.log(10)
    score = np.where(positive, -log10_p, log10_p)
    return _out(score + 0.0)  # + 0.0 turns -0.0 into 0.0


# ---------------------------------------------------------------------------
# Concentration
# ---------------------------------------------------------------------------


def _non_negative_vector(values: ArrayLike, function: str) -> NDArray[np.float64]:
    x = _as_float(values, "values", function)
    if x.ndim != 1:
        raise ParameterError(
            "RK-P10",
            f"the 'values' parameter of {function}() must be one-dimensional; "
            f"got an array of shape {x.shape} instead.",
            hint="Pass one value per group, e.g. the turns or words of each speaker.",
        )
    bad = ~np.isfinite(x) | (x < 0)
    if bad.any():
        raise ParameterError(
            "RK-P11",
            f"the 'values' parameter of {function}() must hold finite numbers >= 0; "
            f"got {_first_bad(x, bad)} instead.",
        )
    return x


def gini(values: ArrayLike, *, corrected: bool = False) -> np.float64:
    """Gini coefficient of non-negative values: 0 is perfect equality.

    The population estimator: the mean absolute difference over all ordered
    pairs ``(i, j)``, including ``i == j``, divided by twice the mean::

        G = sum_i sum_j |x_i - x_j| / (2 n^2 mean(x))

    computed from the sorted values as ``2 sum_i i x_(i) / (n sum x) - (n + 1) / n``.
    It reaches ``(n - 1) / n`` when one group holds everything.

    Parameters
    ----------
    values
        One non-negative number per group (e.g. words spoken by each speaker).
    corrected
        Multiply by ``n / (n - 1)`` (the sample estimator, which averages over
        the ``n (n - 1)`` pairs of distinct groups), so that one group holding
        everything gives 1 whatever ``n``.

    Returns
    -------
    numpy.float64
        The coefficient; ``nan`` for empty input, for all-zero input (nothing to
        share), and with ``corrected=True`` for a single value.

    References
    ----------
    Gini, C. (1912). *Variabilità e mutabilità*. Bologna: Cuppini.

    Damgaard, C. & Weiner, J. (2000). Describing inequality in plant size or
    fecundity. *Ecology*, 81(4), 1139-1142.

    Examples
    --------
    >>> from research_kit.measures import gini
    >>> float(gini([1, 1, 1, 1])), float(gini([0, 0, 0, 1]))
    (0.0, 0.75)
    >>> float(gini([0, 0, 0, 1], corrected=True))
    1.0
    """
    x = np.sort(_non_negative_vector(values, "gini"))
    n = x.size
    total = x.sum()
    if n == 0 or total == 0 or (corrected and n < 2):
        return np.float64(np.nan)
    ranks = np.arange(1, n + 1)
    g = 2.0 * np.sum(ranks * x) / (n * total) - (n + 1.0) / n
    if corrected:
        g *= n / (n - 1.0)
    return np.float64(max(g, 0.0))


def evenness(values: ArrayLike) -> np.float64:
    """Pielou's evenness ``J = H / ln(n)`` of the shares of ``values``.

    ``H = -sum p_i ln p_i`` is the Shannon entropy of the shares
    ``p_i = x_i / sum x`` (with ``0 ln 0 = 0``) and ``n`` the number of values,
    zeros included: a participant who never spoke still counts as a group.

    Parameters
    ----------
    values
        One non-negative number per group.

    Returns
    -------
    numpy.float64
        1 when all shares are equal, 0 when one group holds everything; ``nan``
        for fewer than two values or all-zero input.

    References
    ----------
    Pielou, E. C. (1966). The measurement of diversity in different types of
    biological collections. *Journal of Theoretical Biology*, 13, 131-144.

    Examples
    --------
    >>> from research_kit.measures import evenness
    >>> round(float(evenness([5, 5, 5])), 6), round(float(evenness([1, 1, 0, 0])), 6)
    (1.0, 0.5)
    """
    x = _non_negative_vector(values, "evenness")
    n = x.size
    total = x.sum()
    if n < 2 or total == 0:
        return np.float64(np.nan)
    p = x / total
    nz = p[p > 0]
    h = -np.sum(nz * np.log(nz))
    return np.float64(min(max(h / math.log(n), 0.0), 1.0))


# ---------------------------------------------------------------------------
# Agreement: reading a reliability table
# ---------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    # pandas.NA and pandas.NaT, without importing pandas
    return type(value).__name__ in {"NAType", "NaTType"}


_missing = np.frompyfunc(_is_missing, 1, 1)


@dataclass(frozen=True)
class _Table:
    """A reliability table as integer codes: -1 where a value is missing."""

    codes: NDArray[np.int64]  # coders x units
    values: NDArray[Any]  # the distinct values, sorted; codes index them
    numeric: bool  # every value is a real number
    units: list[Any]  # labels of the units, for messages

    def unit_counts(self) -> sparse.csr_matrix:
        """units x values matrix: how many coders gave each value to each unit."""
        n_units = self.codes.shape[1]
        present = self.codes >= 0
        unit_idx = np.nonzero(present)[1]
        value_idx = self.codes[present]
        return sparse.csr_matrix(
            (np.ones(unit_idx.size), (unit_idx, value_idx)),
            shape=(n_units, self.values.size),
        )


def _reliability_table(data: Any, *, function: str, min_coders: int = 2) -> _Table:
    """Read a coders x units table into integer codes over sorted distinct values."""
    columns = getattr(data, "columns", None)
    try:
        array = np.asarray(data)
    except ValueError as e:
        raise ParameterError(
            "RK-P10",
            f"the rows of the table passed to {function}() have different lengths.",
            hint="Give every coder one entry per unit, with None where a unit was not coded.",
        ) from e
    if array.ndim != 2:
        raise ParameterError(
            "RK-P13",
            f"{function}() needs a coders x units table (rows = coders, columns = units); "
            f"got an array of shape {array.shape} instead.",
            hint="Pass a list with one list of values per coder.",
        )
    if array.shape[0] < min_coders:
        raise ParameterError(
            "RK-P13",
            f"{function}() needs at least {min_coders} coders (rows); got a table with "
            f"{array.shape[0]} row(s) and {array.shape[1]} column(s).",
            hint="Rows are coders and columns are units: transpose the table (data.T) "
            "if it has one row per unit.",
        )
    units = list(columns) if columns is not None else list(range(array.shape[1]))

    if array.dtype.kind in "biuf":
        mask = np.isnan(array) if array.dtype.kind == "f" else np.zeros(array.shape, bool)
        present = array[~mask]
        values, inverse = np.unique(present.astype(float), return_inverse=True)
        numeric = True
    else:
        if array.dtype.kind == "O":
            mask = _missing(array).astype(bool)
        else:  # fixed-width strings: nothing is missing
            mask = np.zeros(array.shape, bool)
        present = array[~mask]
        numeric = all(
            isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_) for v in present
        )
        if numeric:
            values, inverse = np.unique(present.astype(float), return_inverse=True)
        else:
            distinct = set(present.tolist())
            try:
                ordered = sorted(distinct)
            except TypeError:  # mixed types: any fixed order will do for nominal data
                ordered = sorted(distinct, key=lambda v: (type(v).__name__, repr(v)))
            lookup = {v: i for i, v in enumerate(ordered)}
            inverse = np.fromiter(
                (lookup[v] for v in present.tolist()), dtype=np.int64, count=present.size
            )
            values = np.empty(len(ordered), dtype=object)
            values[:] = ordered
    codes = np.full(array.shape, -1, dtype=np.int64)
    codes[~mask] = inverse.ravel()
    return _Table(codes, values, numeric, units)


def _require_numeric(table: _Table, function: str, why: str) -> None:
    if not table.numeric:
        shown = ", ".join(repr(v) for v in table.values[:5])
        raise ParameterError(
            "RK-P15",
            f"{function}() needs numeric values {why}; got {shown}"
            f"{' ...' if table.values.size > 5 else ''}.",
            hint="Recode the categories as numbers in their order (e.g. 1 = low, 2 = medium, "
            "3 = high), or use the nominal form.",
        )


# ---------------------------------------------------------------------------
# Agreement coefficients
# ---------------------------------------------------------------------------


def percent_agreement(data: Any) -> np.float64:
    """Observed agreement: the mean share of agreeing coder pairs per unit.

    For each *pairable* unit (one that at least two coders coded) with ``m``
    values, the share of its ``m (m - 1) / 2`` coder pairs that gave the same
    value; then the mean of these shares over the pairable units. With two
    coders this is simply the proportion of the units coded by both on which
    they agree. With every coder coding every unit it is Fleiss' ``P-bar`` and
    the mean over coder pairs of their pairwise agreement.

    Parameters
    ----------
    data
        A coders x units table (rows = coders, columns = units), missing values
        as ``None`` or NaN.

    Returns
    -------
    numpy.float64
        A proportion in [0, 1]; ``nan`` when no unit is pairable. It does not
        correct for chance: report it beside a kappa or alpha, never alone.

    References
    ----------
    Artstein, R. & Poesio, M. (2008). Inter-coder agreement for computational
    linguistics. *Computational Linguistics*, 34(4), 555-596 (observed
    agreement A_o, section 2.1).

    Examples
    --------
    >>> from research_kit.measures import percent_agreement
    >>> float(percent_agreement([["a", "b", "a"], ["a", "b", "b"]]))
    0.6666666666666666
    """
    table = _reliability_table(data, function="percent_agreement")
    counts = table.unit_counts()
    m = np.asarray(counts.sum(axis=1)).ravel()
    same = np.asarray(counts.multiply(counts).sum(axis=1)).ravel() - m  # sum n(n-1)
    pairable = m >= 2
    if not pairable.any():
        return np.float64(np.nan)
    share = same[pairable] / (m[pairable] * (m[pairable] - 1))
    return np.float64(share.mean())


def cohen_kappa(
    a: ArrayLike,
    b: ArrayLike,
    *,
    weights: Literal["linear", "quadratic"] | None = None,
) -> np.float64:
    """Cohen's kappa between two coders, optionally weighted.

    ``kappa = (p_o - p_e) / (1 - p_e)``, where ``p_o`` is the observed share of
    agreement and ``p_e`` the agreement expected from each coder's own
    distribution of values. Weighted (Cohen 1968)::

        kappa_w = 1 - sum w_ij o_ij / sum w_ij e_ij

    with disagreement weights ``w_ij = |x_i - x_j|`` (``"linear"``) or
    ``(x_i - x_j)^2`` (``"quadratic"``) computed on the numeric values
    themselves (so a 1-5 scale on which nobody used 3 is still a 1-5 scale;
    scikit-learn's ``cohen_kappa_score`` uses the ranks of the observed labels
    instead, and differs then). With equally spaced values that include every
    step, the usual ``|i - j| / (k - 1)`` weights give the same kappa.

    Parameters
    ----------
    a, b
        The two coders' values, one per unit, in the same order. A unit where
        either value is missing (``None``/NaN) is dropped.
    weights
        ``None`` for nominal categories, or ``"linear"``/``"quadratic"`` for
        ordered numeric ones.

    Returns
    -------
    numpy.float64
        Kappa; ``nan`` when no unit is coded by both, or when chance agreement
        is already perfect (both coders always give one and the same value).

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales.
    *Educational and Psychological Measurement*, 20(1), 37-46.

    Cohen, J. (1968). Weighted kappa. *Psychological Bulletin*, 70(4), 213-220.

    Examples
    --------
    >>> from research_kit.measures import cohen_kappa
    >>> round(float(cohen_kappa(["y", "y", "n", "n"], ["y", "n", "n", "n"])), 3)
    0.5
    """
    check_option("weights", weights, (None, "linear", "quadratic"), function="cohen_kappa")
    a_arr = np.asarray(a, dtype=object).ravel() if np.ndim(a) else None
    b_arr = np.asarray(b, dtype=object).ravel() if np.ndim(b) else None
    if a_arr is None or b_arr is None:
        raise ParameterError(
            "RK-P10",
            "cohen_kappa() needs two sequences of values, one per unit; got a single value.",
        )
    if a_arr.size != b_arr.size:
        raise ParameterError(
            "RK-P10",
            f"the two sequences passed to cohen_kappa() must have one value per unit each; "
            f"got {a_arr.size} and {b_arr.size} values.",
            hint="Align both coders on the same units, with None where one did not code.",
        )
    stacked = np.empty((2, a_arr.size), dtype=object)
    stacked[0], stacked[1] = a_arr, b_arr
    table = _reliability_table(stacked, function="cohen_kappa")
    if weights is not None:
        _require_numeric(table, "cohen_kappa", f"with weights={weights!r}")
    both = (table.codes >= 0).all(axis=0)
    if not both.any():
        return np.float64(np.nan)
    k = table.values.size
    first, second = table.codes[0, both], table.codes[1, both]
    observed = np.bincount(first * k + second, minlength=k * k).reshape(k, k) / both.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    if weights is None:
        w = 1.0 - np.eye(k)
    else:
        x = table.values.astype(float)
        distance = np.abs(x[:, None] - x[None, :])
        w = distance if weights == "linear" else distance**2
    chance = float(np.sum(w * expected))
    if chance == 0:
        return np.float64(np.nan)
    return np.float64(1.0 - float(np.sum(w * observed)) / chance)


def fleiss_kappa(data: Any) -> np.float64:
    """Fleiss' kappa for any number of coders giving each unit the same number of ratings.

    With ``N`` units, ``n`` ratings per unit and ``n_ij`` the number of ratings
    of unit ``i`` in category ``j``::

        P_i   = (sum_j n_ij^2 - n) / (n (n - 1))     P-bar   = mean_i P_i
        p_j   = sum_i n_ij / (N n)                   P-bar_e = sum_j p_j^2
        kappa = (P-bar - P-bar_e) / (1 - P-bar_e)

    Chance agreement comes from the pooled distribution of all ratings, so this
    generalises Scott's pi rather than Cohen's kappa: with two coders it equals
    Scott's pi, and it is the multi-pi (Siegel & Castellan's K) that NLTK's
    ``AnnotationTask.pi()`` computes, not NLTK's ``multi_kappa()`` (Davies &
    Fleiss 1982, which keeps each coder's own distribution).

    Parameters
    ----------
    data
        A coders x units table. The raters of a unit need not be the same
        people from unit to unit, but every unit must have the same number
        (at least 2) of non-missing ratings.

    Returns
    -------
    numpy.float64
        Kappa; ``nan`` if all ratings fall in one category.

    Raises
    ------
    ParameterError
        ``RK-P14`` naming the first unit whose number of ratings differs from
        the most common one. :func:`krippendorff_alpha` accepts missing values.

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    *Psychological Bulletin*, 76(5), 378-382.

    Examples
    --------
    >>> from research_kit.measures import fleiss_kappa
    >>> round(float(fleiss_kappa([["a", "a", "b"], ["a", "b", "b"], ["a", "b", "b"]])), 3)
    0.55
    """
    table = _reliability_table(data, function="fleiss_kappa")
    counts = table.unit_counts()
    m = np.asarray(counts.sum(axis=1)).ravel().astype(np.int64)
    if m.size == 0:
        return np.float64(np.nan)
    tally = Counter(m.tolist())
    n = max(tally, key=lambda v: (tally[v], v))
    odd = np.nonzero(m != n)[0]
    if odd.size:
        i = int(odd[0])
        raise ParameterError(
            "RK-P14",
            f"fleiss_kappa() needs the same number of ratings on every unit: unit "
            f"{table.units[i]!r} (column {i}) has {m[i]} where {tally[n]} of the "
            f"{m.size} units have {n}.",
            hint="Complete or drop that unit, or use krippendorff_alpha(), which accepts "
            "missing values.",
        )
    if n < 2:
        raise ParameterError(
            "RK-P14",
            f"fleiss_kappa() needs at least 2 ratings per unit; every unit has {n}.",
        )
    units = m.size
    p_i = (np.asarray(counts.multiply(counts).sum(axis=1)).ravel() - n) / (n * (n - 1))
    p_bar = p_i.mean()
    p_j = np.asarray(counts.sum(axis=0)).ravel() / (units * n)
    p_e = float(np.sum(p_j**2))
    if p_e >= 1.0:
        return np.float64(np.nan)
    return np.float64((p_bar - p_e) / (1.0 - p_e))


def _coincidences(table: _Table) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Krippendorff's coincidence matrix and the pairable-unit counts per value."""
    counts = table.unit_counts()
    m = np.asarray(counts.sum(axis=1)).ravel()
    pairable = m >= 2
    counts = counts[pairable]
    scale = sparse.diags(1.0 / (m[pairable] - 1.0))
    o = (counts.T @ scale @ counts).toarray()
    # remove each value's pairing with itself: a coder's value is not paired with itself
    o -= np.diag(np.asarray((scale @ counts).sum(axis=0)).ravel())
    return o, o.sum(axis=1)


def coincidence_matrix(data: Any) -> tuple[NDArray[Any], NDArray[np.float64]]:
    """Krippendorff's coincidence matrix of a reliability table.

    Each pairable unit ``u`` (coded by ``m_u >= 2`` coders) contributes, for every
    ordered pair of values ``(c, k)`` given by two different coders,
    ``1 / (m_u - 1)`` to ``o[c, k]``, so every pairable value counts once in all.
    Units coded by fewer than two coders are left out.

    Parameters
    ----------
    data
        A coders x units table, missing values as ``None`` or NaN.

    Returns
    -------
    values : numpy.ndarray
        The distinct values of the table, sorted; they label the rows and columns.
    matrix : numpy.ndarray
        The symmetric ``V x V`` coincidence matrix; its row sums are the ``n_c``
        and its total is ``n``, the number of pairable values.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
    Annenberg School for Communication, University of Pennsylvania.
    https://repository.upenn.edu/asc_papers/43

    Examples
    --------
    >>> from research_kit.measures import coincidence_matrix
    >>> values, o = coincidence_matrix([["a", "b", "a"], ["a", "b", "b"]])
    >>> values.tolist(), o.tolist()
    (['a', 'b'], [[2.0, 1.0], [1.0, 2.0]])
    """
    table = _reliability_table(data, function="coincidence_matrix")
    o, _ = _coincidences(table)
    return table.values, o


def krippendorff_alpha(
    data: Any,
    *,
    level: Literal["nominal", "ordinal", "interval", "ratio"] = "nominal",
) -> np.float64:
    """Krippendorff's alpha for any number of coders, with missing values.

    ``alpha = 1 - D_o / D_e``, computed through the coincidence matrix ``o``
    (see :func:`coincidence_matrix`) with ``n_c`` its row sums and ``n`` its
    total::

        alpha = 1 - (n - 1) sum_ck o_ck delta2_ck / sum_ck n_c n_k delta2_ck

    The difference function ``delta2`` depends on the level of measurement:

    - nominal: 0 if ``c == k`` else 1;
    - ordinal: ``(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2`` over the sorted values;
    - interval: ``(c - k)^2``;
    - ratio: ``((c - k) / (c + k))^2`` (values must be >= 0).

    Units with fewer than two values are not pairable and are dropped, as
    Krippendorff (2011) prescribes. The nominal form never builds the ``V x V``
    matrix; the others do, so they suit coding scales rather than continuous
    measurements with thousands of distinct values.

    Parameters
    ----------
    data
        A coders x units table (rows = coders, columns = units) as a list of
        lists, numpy array or DataFrame; missing values as ``None`` or NaN.
        Nominal values may be strings; the other levels need numbers.
    level
        The level of measurement of the values.

    Returns
    -------
    numpy.float64
        Alpha: 1 for perfect agreement, 0 for agreement at chance level,
        negative for systematic disagreement. ``nan`` when no unit is pairable
        or when the pairable values do not vary (``D_e = 0``: alpha is then
        undefined, the data say nothing about reliability).

    Raises
    ------
    ParameterError
        ``RK-P01`` for an unknown ``level``; ``RK-P13`` for a table that is not
        coders x units; ``RK-P15`` for non-numeric or (ratio) negative values
        at an ordered level.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
    Annenberg School for Communication, University of Pennsylvania.
    https://repository.upenn.edu/asc_papers/43

    Hayes, A. F. & Krippendorff, K. (2007). Answering the call for a standard
    reliability measure for coding data. *Communication Methods and Measures*,
    1(1), 77-89.

    Examples
    --------
    >>> from research_kit.measures import krippendorff_alpha
    >>> coder_a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    >>> coder_b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    >>> round(float(krippendorff_alpha([coder_a, coder_b])), 3)
    0.095
    """
    check_option(
        "level", level, ("nominal", "ordinal", "interval", "ratio"), function="krippendorff_alpha"
    )
    table = _reliability_table(data, function="krippendorff_alpha")
    if level != "nominal":
        _require_numeric(table, "krippendorff_alpha", f"at level={level!r}")

    if level == "nominal":
        counts = table.unit_counts()
        m = np.asarray(counts.sum(axis=1)).ravel()
        pairable = m >= 2
        if not pairable.any():
            return np.float64(np.nan)
        counts = counts[pairable]
        m = m[pairable]
        # diagonal of the coincidence matrix, summed: sum_u sum_c n_uc (n_uc - 1) / (m_u - 1)
        agreeing = (np.asarray(counts.multiply(counts).sum(axis=1)).ravel() - m) / (m - 1.0)
        n_c = np.asarray(counts.sum(axis=0)).ravel()
        n = n_c.sum()
        observed = n - agreeing.sum()
        expected = n * n - np.sum(n_c**2)
    else:
        x = table.values.astype(float)
        if level == "ratio" and (x < 0).any():
            raise ParameterError(
                "RK-P15",
                f"krippendorff_alpha(level='ratio') needs values >= 0; got {x.min():g}.",
                hint="Ratio scales have a true zero; use level='interval' for signed values.",
            )
        o, n_c = _coincidences(table)
        n = n_c.sum()
        if n == 0:
            return np.float64(np.nan)
        if level == "ordinal":
            cum = np.cumsum(n_c)
            # sum_{g=c..k} n_g - (n_c + n_k)/2 for c <= k, i.e. cum_k - cum_c + (n_c - n_k)/2
            lo = np.minimum.outer(np.arange(x.size), np.arange(x.size))
            hi = np.maximum.outer(np.arange(x.size), np.arange(x.size))
            delta2 = (cum[hi] - cum[lo] + (n_c[lo] - n_c[hi]) / 2.0) ** 2
        elif level == "interval":
            delta2 = np.subtract.outer(x, x) ** 2
        else:
            sums = np.add.outer(x, x)
            with np.errstate(divide="ignore", invalid="ignore"):
                delta2 = np.where(sums > 0, (np.subtract.outer(x, x) / sums) ** 2, 0.0)
        observed = float(np.sum(o * delta2))
        expected = float(n_c @ delta2 @ n_c)
    if expected <= 0:
        return np.float64(np.nan)
    return np.float64(1.0 - (n - 1.0) * observed / expected)
