"""Pure statistics over plain counts and arrays.

Everything here takes numbers or array-likes and returns numpy floats or arrays:
no frames, no corpus objects. The frame-level verbs (``keyness``, ``agreement``,
``participation`` ...) call these functions and shape their results into tables.

One module per family of statistics, each documenting its conventions, references
and error codes:

- :mod:`research_kit.measures.keyness`: keyness of a term on the 2 x 2 table of
  two corpora (log-likelihood, chi-square and its p-value, Log Ratio, %DIFF,
  Lafon's specificity);
- :mod:`research_kit.measures.inequality`: inequality of participation (Gini
  coefficient, Pielou's evenness);
- :mod:`research_kit.measures.agreement`: agreement between coders (percent
  agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha and its
  coincidence matrix).

Every function is importable from here: ``from research_kit.measures import gini``.

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

from .agreement import cohen_kappa, coincidence_matrix, fleiss_kappa, krippendorff_alpha, percent_agreement
from .inequality import evenness, gini
from .keyness import PERCENT_DIFF_ZERO as PERCENT_DIFF_ZERO
from .keyness import Score as Score
from .keyness import chi_square, lafon_specificity, log_likelihood, log_ratio, p_value, percent_diff

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
