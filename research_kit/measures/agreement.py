"""Agreement between coders: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha.

Reliability data are laid out as in Krippendorff (2011): a *coders x units*
table, one row per coder and one column per unit, given as a list of lists, a
numpy array or a pandas DataFrame (rows = coders, columns = units). A missing
value (the coder did not code that unit) is ``None`` or NaN. Values may be
strings or numbers for nominal data; the ordered levels need numbers.

Error codes raised here (all :class:`~research_kit.errors.ParameterError`):

- ``RK-P01``: an option is not one of its allowed values;
- ``RK-P10``: rows or sequences of different lengths, or one value where a sequence is needed;
- ``RK-P13``: a reliability table is not a coders x units table;
- ``RK-P14``: Fleiss' kappa on units with unequal numbers of ratings;
- ``RK-P15``: values that must be numbers (weights, ordered levels) are not.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError, check_option

__all__ = ["percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "coincidence_matrix"]


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

    def unit_counts(self) -> Any:
        """units x values matrix (``scipy.sparse.csr_matrix``): how many coders gave each value to each unit."""
        from scipy import sparse

        n_units = self.codes.shape[1]
        present = self.codes >= 0
        unit_idx = np.nonzero(present)[1]
        value_idx = self.codes[present]
        return sparse.csr_matrix(
            (np.ones(unit_idx.size), (unit_idx, value_idx)),
            shape=(n_units, self.values.size),
        )


def _unique(values: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """``np.unique(values, return_inverse=True)``, by counting when the values are a few small integers.

    Presence tables (0 and 1 for each unit and coder) of a large corpus have millions of
    values: counting them is linear where sorting them is not (1.7 s of the 5.7 s of
    ``agreement()`` over 10M words).
    """
    if values.size:
        low, high = values.min(), values.max()
        if high - low <= 1024 and np.array_equal(values, np.floor(values)):
            shifted = (values - low).astype(np.int64)
            seen = np.flatnonzero(np.bincount(shifted, minlength=int(high - low) + 1))
            lookup = np.zeros(int(high - low) + 1, dtype=np.int64)
            lookup[seen] = np.arange(seen.size)
            return (seen + low).astype(float), lookup[shifted]
    return np.unique(values, return_inverse=True)


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
        values, inverse = _unique(present.astype(float))
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
            values, inverse = _unique(present.astype(float))
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
    a_num, b_num = np.asarray(a), np.asarray(b)
    if a_num.dtype.kind in "iuf" and b_num.dtype.kind in "iuf":
        # numbers (NaN for missing), as agreement() passes them: the table's numeric path, with no
        # value looked at one by one in Python
        stacked = np.vstack([a_num.astype(float).ravel(), b_num.astype(float).ravel()])
    else:
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
    tally = np.bincount(m)
    n = int(np.flatnonzero(tally == tally.max()).max())  # the commonest number of ratings (the larger on a tie)
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
    from scipy import sparse

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
