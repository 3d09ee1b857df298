"""Keyness of a term: signed statistics on the 2 x 2 table of a target and a reference corpus.

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

Error codes raised here (all :class:`~research_kit.errors.ParameterError`):

- ``RK-P01``: an option is not one of its allowed values;
- ``RK-P10``: the counts do not broadcast together;
- ``RK-P11``: a count is negative, not finite, not a number, or (for Lafon's
  specificity) not whole;
- ``RK-P12``: a count exceeds its corpus size, or a corpus size is 0;
- ``RK-P16``: a numeric parameter (``smoothing``, ``df``) is out of range.
"""

from __future__ import annotations

import math
import numbers
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError, check_option
from .checks import as_float, first_bad

__all__ = ["log_likelihood", "chi_square", "p_value", "log_ratio", "percent_diff", "lafon_specificity"]

#: A float for scalar input, an array of floats for array input.
Score = np.float64 | NDArray[np.float64]

#: What %DIFF puts in place of a zero reference frequency (Gabrielatos & Marchi 2012).
PERCENT_DIFF_ZERO = 1e-18


# ---------------------------------------------------------------------------
# Input checks of the keyness functions
# ---------------------------------------------------------------------------


def _check_positive(value: object, name: str, function: str) -> None:
    """``RK-P16`` unless ``value`` is a real number > 0 (a boolean is not)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ParameterError(
            "RK-P16",
            f"the {name!r} parameter of {function}() must be a number > 0; got {value!r} instead.",
        )


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
        name: as_float(value, name, function)
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
                f"got {first_bad(x, bad)} instead.",
                hint="Pass raw token counts, not differences or missing values.",
            )
        if integer:
            bad = x != np.floor(x)
            if bad.any():
                raise ParameterError(
                    "RK-P11",
                    f"the {name!r} parameter of {function}() must hold whole counts; "
                    f"got {first_bad(x, bad)} instead.",
                    hint="The hypergeometric model needs raw token counts, not normalised ones.",
                )
    for name in ("c", "d"):
        x = arrays[name]
        bad = x == 0
        if bad.any():
            raise ParameterError(
                "RK-P12",
                f"the corpus size {name!r} of {function}() must be > 0; "
                f"got {first_bad(x, bad)} instead.",
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
    from scipy.special import chdtrc  # scipy.stats.chi2.sf, without importing scipy.stats (a second)

    _check_positive(df, "df", "p_value")
    x = as_float(stat, "stat", "p_value")
    return _out(chdtrc(df, np.abs(x)))


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
    _check_positive(smoothing, "smoothing", "log_ratio")
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
    from scipy.special import gammaln

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
    from scipy.special import logsumexp

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
    from scipy import stats  # imported here: a second, which only this measure needs

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
