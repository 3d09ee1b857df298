"""Input checks shared by the families of statistics: reading numbers, naming the bad one."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ParameterError

__all__ = ["as_float", "first_bad"]


def as_float(value: ArrayLike, name: str, function: str) -> NDArray[np.float64]:
    """``value`` as an array of floats; ``RK-P11`` naming ``name`` and ``function`` when it is not numbers."""
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


def first_bad(array: NDArray[Any], bad: NDArray[np.bool_]) -> str:
    """Describe the first offending element of ``array`` for a message."""
    position = np.unravel_index(int(np.argmax(bad)), bad.shape)
    value = array[position]
    if array.ndim == 0:
        return f"{value!r}"
    where = position[0] if len(position) == 1 else tuple(int(p) for p in position)
    return f"{value!r} at position {where}"


