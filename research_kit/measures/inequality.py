"""Inequality of participation: how evenly a quantity (words, turns) is shared among groups.

Both functions take one non-negative number per group (e.g. the words spoken by each
speaker) and return a numpy float; the frame-level verb ``participation`` calls them.

Error codes raised here (all :class:`~research_kit.errors.ParameterError`):

- ``RK-P10``: the values are not one-dimensional;
- ``RK-P11``: a value is negative, not finite, or not a number.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError
from .checks import as_float, first_bad

__all__ = ["gini", "evenness"]


def _non_negative_vector(values: ArrayLike, function: str) -> NDArray[np.float64]:
    x = as_float(values, "values", function)
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
            f"got {first_bad(x, bad)} instead.",
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
