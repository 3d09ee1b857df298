"""Figures: each ``plot_<result>(frame)`` draws what a compute function returned.

A plot function computes nothing: it takes the frame that ``participation()``,
``keyness()``, ``frequencies()``… returned, and an optional ``ax``, ``lang`` ("fr" or
"en") for its labels, and returns the matplotlib ``Figure``.
"""

from __future__ import annotations

from ..palette import NEGATIVE, NEUTRAL, PALETTE, POSITIVE

__all__ = ["PALETTE", "POSITIVE", "NEGATIVE", "NEUTRAL"]
