"""Forms across the values of a variable: Lafon's specificities and correspondence analysis.

:func:`specificities` tells, for every form and every value of a variable (each site,
each role, each session, each class of a Reinert classification…), whether the form is
over- or under-used there, as Lexico, TXM and IRaMuTeQ's "spécificités" do.
:func:`correspondence_analysis` maps forms and values on the factorial plane of the
same table (IRaMuTeQ's "AFC"); :func:`research_kit.plots.chd.plot_correspondence`
draws it. (:func:`research_kit.keyness.keyness` compares one target with a reference;
specificities compare every value with the whole.)

Error codes: ``RK-P01`` (an option outside its allowed values), ``RK-P20``/``RK-P21``
(a ``by`` column that cannot be found), ``RK-P23`` (a whole number out of range),
``RK-P73`` (a table to analyse that is not a count table, or too small), ``RK-S01``/
``RK-S02`` (not a tokens frame).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from . import measures
from .errors import ParameterError, check_int, check_option
from .tokens import OF, Of, bool_column, check_tokens, pseudonym_mask, term_codes, with_context, word_mask

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus

__all__ = ["specificities", "correspondence_analysis", "CorrespondenceAnalysis"]

_NEEDED = ["doc_id", "text", "lemma", "is_stop", "is_punct", "is_space"]


def _counts(tokens: pd.DataFrame, by: str, corpus: Corpus | None, of: str, drop_stop: bool,
            function: str, drop_pseudonyms: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Term × value counts (dense), the terms, the values and each value's size in words (pseudonyms are none)."""
    check_tokens(tokens, _NEEDED, function=function)
    frame = with_context(tokens, [by], corpus, function=function)
    word = word_mask(frame) & ~pseudonym_mask(frame) if drop_pseudonyms else word_mask(frame)
    values = frame[by]
    known = values.notna().to_numpy()
    vcodes, vnames = pd.factorize(values, sort=True)
    word &= known
    size = np.bincount(vcodes[word], minlength=len(vnames)).astype(np.int64)
    codes, names = term_codes(frame, of)
    listed = word & (codes >= 0)
    if drop_stop:
        listed &= ~bool_column(frame, "is_stop")
    table = np.zeros((len(names), len(vnames)), dtype=np.int64)
    np.add.at(table, (codes[listed], vcodes[listed]), 1)
    return table, np.asarray(names, dtype=object), np.asarray(vnames, dtype=object), size


def specificities(
    tokens: pd.DataFrame,
    *,
    by: str,
    corpus: Corpus | None = None,
    of: Of = "lemma",
    min_frequency: int = 3,
    drop_stop: bool = True,
    wide: bool = False,
    drop_pseudonyms: bool = True,
) -> pd.DataFrame:
    """Lafon's specificity of every form in every value of a variable.

    For a form occurring ``F`` times in a corpus of ``T`` words, ``f`` of them in the
    part of ``t`` words that has the value, the score is the signed base-10 log of the
    hypergeometric probability of a count at least as high (over-use, positive) or at
    least as low (under-use, negative): see :func:`research_kit.measures.lafon_specificity`.
    A score of 2 means "1 chance in 100"; TXM's display threshold is 2.

    Parameters
    ----------
    tokens
        A tokens frame (``schemas.TOKENS``).
    by
        The variable: a column of the tokens (``doc_id``, ``turn``…), of
        ``corpus.turns`` (``speaker``, ``role``) or a document variable of
        ``corpus.documents`` (``site``…). Tokens without a value are left out.
    corpus
        The corpus the tokens come from, needed when ``by`` is not a tokens column.
    of
        ``"lemma"``, ``"text"`` or ``"lower"``.
    min_frequency
        Keep forms occurring at least this many times in all.
    drop_stop
        Leave stop words and oral fillers out of the list (they still count in the
        sizes ``t`` and ``T``, which are numbers of words).
    wide
        Return the forms × values table of scores instead (index ``term``, one column
        per value).
    drop_pseudonyms
        Leave out the tokens of pseudonyms and placeholders (``is_pseudonym``), neither
        forms nor words of a size: otherwise ``habitant·e`` (of ``Habitant·e 5``) is the
        first specificity of the role. ``False`` counts them as words.

    Returns
    -------
    pandas.DataFrame
        One row per value and form, sorted by value then ``lafon`` descending:
        ``variable`` (the name ``by``), ``value``, ``term``, ``count`` (``f``),
        ``total`` (``F``), ``size`` (``t``), ``expected`` (``t F / T``), ``lafon``.

    References
    ----------
    Lafon, P. (1980). Sur la variabilité de la fréquence des formes dans un corpus.
    *Mots*, 1, 127-165.

    Lebart, L. & Salem, A. (1994). *Statistique textuelle*. Paris: Dunod, ch. 6.

    Examples
    --------
    >>> import pandas as pd
    >>> words = ["parc", "parc", "parc", "budget", "budget", "budget"]
    >>> tokens = pd.DataFrame({"doc_id": ["a"] * 3 + ["b"] * 3, "text": words, "lemma": words,
    ...     "is_stop": False, "is_punct": False, "is_space": False})
    >>> specificities(tokens, by="doc_id")[["value", "term", "count", "lafon"]].round(3)
      value    term  count  lafon
    0     a    parc      3  1.301
    1     a  budget      0 -1.301
    2     b  budget      3  1.301
    3     b    parc      0 -1.301
    """
    fn = "specificities"
    check_option("of", of, OF, function=fn)
    check_option("drop_stop", drop_stop, (True, False), function=fn)
    check_option("wide", wide, (True, False), function=fn)
    min_frequency = check_int(min_frequency, "min_frequency", function=fn, minimum=1)
    if not isinstance(by, str):
        raise ParameterError("RK-P22", f"the 'by' parameter of {fn}() must be one column name; got {by!r} instead.",
                             hint='For example by="site" or by="role".')
    check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function=fn)
    table, names, values, size = _counts(tokens, by, corpus, of, drop_stop, fn, drop_pseudonyms)
    total = table.sum(axis=1)
    keep = total >= min_frequency
    table, names, total = table[keep], names[keep], total[keep]
    n_terms, n_values = table.shape
    grand = int(size.sum())
    f = table.ravel()
    big_f = np.repeat(total, n_values)
    t = np.tile(size, n_terms)
    if len(f):
        lafon = np.asarray(measures.lafon_specificity(f, big_f - f, t, grand - t), dtype=float)
    else:
        lafon = np.empty(0)
    out = pd.DataFrame({
        "variable": pd.array([by] * len(f), dtype="string"),
        "value": np.tile(values, n_terms),
        "term": pd.array(np.repeat(names, n_values), dtype="string"),
        "count": f.astype(np.int64),
        "total": big_f.astype(np.int64),
        "size": t.astype(np.int64),
        "expected": t * big_f / grand if grand else np.zeros(len(f)),
        "lafon": lafon,
    })
    if wide:
        return out.pivot(index="term", columns="value", values="lafon").rename_axis(columns=by)
    order = np.lexsort((out["term"].to_numpy(dtype=object), -out["lafon"].to_numpy(),
                        pd.factorize(out["value"], sort=True)[0]))
    return out.iloc[order].reset_index(drop=True)


# ---------------------------------------------------------------------------
# correspondence analysis


@dataclass(frozen=True, eq=False)
class CorrespondenceAnalysis:
    """A correspondence analysis: what :func:`correspondence_analysis` returns.

    Attributes
    ----------
    eigenvalues
        One row per axis: ``axis`` (1, 2, …), ``eigenvalue`` (the inertia it
        explains), ``percent``, ``cumulative``.
    rows
        One row per row of the table (forms): ``term``, ``total`` (its count),
        ``mass``, ``dim_1``, ``dim_2``… (principal coordinates), ``contrib_1``…
        (percent of the axis's inertia), ``cos2_1``… (quality of representation);
        for a Reinert classification also ``cls``, the class where the form's
        chi-square is highest.
    columns
        The same for the columns (values, or classes), labelled ``value``.
    variable
        What the columns are (the ``by`` variable, or ``"cls"``).
    """

    eigenvalues: pd.DataFrame
    rows: pd.DataFrame
    columns: pd.DataFrame
    variable: str = "value"

    def __repr__(self) -> str:
        ev = self.eigenvalues
        shown = ", ".join(f"{p:.1f} %" for p in ev["percent"].head(2))
        return (f"<CorrespondenceAnalysis: {len(self.rows)} rows × {len(self.columns)} columns ({self.variable}); "
                f"first axes {shown}>")


def _ca(table: np.ndarray, n_components: int) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Eigenvalues (non-trivial axes) and, for rows and columns, masses, coordinates, contributions, cos²."""
    p = table / table.sum()
    r = p.sum(axis=1)
    c = p.sum(axis=0)
    expected = np.outer(r, c)
    u, sv, vt = np.linalg.svd((p - expected) / np.sqrt(expected), full_matrices=False)
    n_axes = min(table.shape) - 1  # the last singular value is the trivial one (0)
    u, sv, vt = u[:, :n_axes], sv[:n_axes], vt[:n_axes]
    for j in range(n_axes):  # an axis's sign is arbitrary: the row farthest out is positive
        if u[np.argmax(np.abs(u[:, j])), j] < 0:
            u[:, j] *= -1
            vt[j] *= -1
    eig = sv ** 2
    row_all = u * sv / np.sqrt(r)[:, None]
    col_all = vt.T * sv / np.sqrt(c)[:, None]
    k = min(n_components, n_axes)

    def parts(coord: np.ndarray, mass: np.ndarray) -> dict[str, np.ndarray]:
        dist2 = (coord ** 2).sum(axis=1)  # squared chi-square distance to the centroid
        kept = coord[:, :k]
        with np.errstate(divide="ignore", invalid="ignore"):
            contrib = np.where(eig[:k] > 0, 100.0 * mass[:, None] * kept ** 2 / eig[:k], 0.0)
            cos2 = np.where(dist2[:, None] > 0, kept ** 2 / dist2[:, None], 0.0)
        return {"coord": kept, "contrib": contrib, "cos2": cos2, "mass": mass}

    return eig, parts(row_all, r), parts(col_all, c)


def correspondence_analysis(
    data: Any,
    *,
    by: str | None = None,
    corpus: Corpus | None = None,
    of: Of = "lemma",
    min_frequency: int = 3,
    drop_stop: bool = True,
    n_components: int = 2,
    kind: Literal["active", "supplementary"] = "active",
    drop_pseudonyms: bool = True,
) -> CorrespondenceAnalysis:
    """Correspondence analysis of a forms × values table (IRaMuTeQ's "AFC").

    Parameters
    ----------
    data
        One of:

        - a tokens frame, with ``by``: the table counts every form (occurring at least
          ``min_frequency`` times) in every value of ``by``;
        - a :class:`~research_kit.chd.Reinert` classification: the table counts, for
          each ``kind`` form, the segments of each class that contain it (the table
          behind IRaMuTeQ's factor map of a classification);
        - a table of counts (a DataFrame, rows = forms, columns = values).
    by, corpus, of, min_frequency, drop_stop, drop_pseudonyms
        For a tokens frame, as in :func:`specificities`.
    n_components
        Number of axes kept in ``rows`` and ``columns``.
    kind
        For a classification: ``"active"`` or ``"supplementary"`` forms (those found in at
        least 3 classified segments, as in IRaMuTeQ's factor map).

    Returns
    -------
    CorrespondenceAnalysis
        ``.eigenvalues``, ``.rows``, ``.columns``: see its documentation.

    Raises
    ------
    ParameterError
        ``RK-P73`` when the table has fewer than two rows or columns with counts, or
        negative or missing counts.

    References
    ----------
    Benzécri, J.-P. (1973). *L'analyse des données. Tome 2 : L'analyse des
    correspondances*. Paris: Dunod.

    Greenacre, M. (2017). *Correspondence Analysis in Practice* (3rd ed.). Chapman &
    Hall/CRC.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"a": [10, 2, 1], "b": [1, 9, 2], "c": [2, 1, 8]}, index=["parc", "budget", "école"])
    >>> ca = correspondence_analysis(table)
    >>> ca.eigenvalues["percent"].round(1).tolist()
    [52.9, 47.1]
    """
    fn = "correspondence_analysis"
    n_components = check_int(n_components, "n_components", function=fn, minimum=1)
    check_option("kind", kind, ("active", "supplementary"), function=fn)
    from .chd import Reinert

    groups = None
    if isinstance(data, Reinert):
        # forms found in at least 3 classified segments, as IRaMuTeQ's factor map
        prof = data.profiles[(data.profiles["kind"] == kind) & (data.profiles["total"] >= 3)]
        wide = prof.pivot(index="term", columns="cls", values="count").fillna(0)
        wide.columns = [int(c) for c in wide.columns]
        chi = prof.pivot(index="term", columns="cls", values="chi2")
        groups = chi.idxmax(axis=1).astype("int64")
        table, variable = wide, "cls"
    elif isinstance(data, pd.DataFrame) and "lemma" in data.columns and "is_punct" in data.columns:
        if by is None:
            raise ParameterError("RK-P73", f"{fn}() on a tokens frame needs by=, the variable whose values are the "
                                           "columns of the table.", hint='For example by="site".')
        check_option("of", of, OF, function=fn)
        min_frequency = check_int(min_frequency, "min_frequency", function=fn, minimum=1)
        check_option("drop_pseudonyms", drop_pseudonyms, (True, False), function=fn)
        counts, names, values, _ = _counts(data, by, corpus, of, drop_stop, fn, drop_pseudonyms)
        keep = counts.sum(axis=1) >= min_frequency
        table = pd.DataFrame(counts[keep], index=pd.Index(names[keep], name="term"), columns=list(values))
        variable = by
    elif isinstance(data, pd.DataFrame):
        table, variable = data, str(data.columns.name or "value")
    else:
        raise ParameterError("RK-P73", f"{fn}() takes a tokens frame (with by=), a Reinert classification or a "
                                       f"table of counts; got {type(data).__name__}.")
    values = table.to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(values).any() or (values < 0).any():
        raise ParameterError("RK-P73", f"{fn}() needs counts: the table holds missing or negative values.")
    row_keep = values.sum(axis=1) > 0
    col_keep = values.sum(axis=0) > 0
    if row_keep.sum() < 2 or col_keep.sum() < 2:
        raise ParameterError("RK-P73", f"{fn}() needs at least two rows and two columns with counts; the table has "
                                       f"{int(row_keep.sum())} and {int(col_keep.sum())}.",
                             hint="Lower min_frequency, or choose a variable with at least two values.")
    values = values[row_keep][:, col_keep]
    row_labels = np.asarray(table.index)[row_keep]
    col_labels = np.asarray(table.columns)[col_keep]
    eig, rows, cols = _ca(values, n_components)
    k = rows["coord"].shape[1]
    total = eig.sum()
    eigenvalues = pd.DataFrame({
        "axis": np.arange(1, len(eig) + 1, dtype=np.int64),
        "eigenvalue": eig,
        "percent": 100.0 * eig / total if total > 0 else np.zeros(len(eig)),
    })
    eigenvalues["cumulative"] = eigenvalues["percent"].cumsum()

    def frame(labels: np.ndarray, part: dict[str, np.ndarray], name: str, totals: np.ndarray) -> pd.DataFrame:
        out = pd.DataFrame({name: labels, "total": totals, "mass": part["mass"]})
        for j in range(k):
            out[f"dim_{j + 1}"] = part["coord"][:, j]
        for j in range(k):
            out[f"contrib_{j + 1}"] = part["contrib"][:, j]
        for j in range(k):
            out[f"cos2_{j + 1}"] = part["cos2"][:, j]
        return out

    row_frame = frame(row_labels, rows, "term", values.sum(axis=1))
    row_frame["term"] = row_frame["term"].astype("string")
    if groups is not None:
        row_frame["cls"] = groups.reindex(row_labels).to_numpy()
    col_frame = frame(col_labels, cols, "value", values.sum(axis=0))
    return CorrespondenceAnalysis(eigenvalues, row_frame, col_frame, variable)
