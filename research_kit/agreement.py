"""Agreement between coders, on declared units, from codings frames.

For every code, each coder's decision on each unit is *present* (1: one of their
segments of that code overlaps the unit) or *absent* (0). Every unit of every
document the coders coded counts, including the units that nobody coded: chance
agreement is computed over all of them, as the textbook coefficients define it.
(Counting only the units somebody coded inflates disagreement and makes kappa
mislead; see docs/coding.md.) A coder who coded nothing in a document is taken
as not having coded that document: their values there are missing, which
Krippendorff's alpha handles and the kappas skip (see ``documents=``).

The coefficients are the pure functions of :mod:`research_kit.measures`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from . import measures
from .corpus import Corpus
from .errors import ParameterError, check_option, did_you_mean
from .schemas import CODINGS, validate_frame
from .segments import overlap_pairs, units

__all__ = ["agreement", "disagreements", "presence", "consensus"]

Unit = Literal["turn", "sentence", "window", "character"]


def presence(codings: pd.DataFrame, corpus: Corpus, *, unit: Unit = "turn", coders: Iterable[str] | None = None,
             codes: Iterable[str] | None = None, documents: Iterable[str] | None = None,
             tokens: pd.DataFrame | None = None, size: int = 50) -> tuple[pd.DataFrame, dict[str, np.ndarray], list[str]]:
    """The units and, per code, the coders × units table of 1 (coded), 0 (not) and NaN (missing).

    Returns
    -------
    (units frame, {code: array of shape (n_coders, n_units)}, coders)
    """
    validate_frame(codings, CODINGS, argument="codings")
    check_option("unit", unit, ("turn", "sentence", "window", "character"), function="agreement")
    present = sorted(codings["coder"].dropna().unique())
    coders = present if coders is None else list(coders)
    for name, wanted, known in (("coders", coders, present),
                                ("codes", [] if codes is None else list(codes), set(codings["code"].dropna().unique())),
                                ("documents", [] if documents is None else list(documents), set(corpus.doc_ids))):
        unknown = [w for w in wanted if w not in known]
        if unknown:
            raise ParameterError(
                "RK-P47", f"{name}= names {', '.join(map(repr, unknown))}, which "
                f"{'has no coding' if name != 'documents' else 'is not in the corpus'}."
                + did_you_mean(unknown[0], known),
                hint="A coder who coded nothing in a document counts when you list that document in documents=."
                if name == "coders" else None)
    if len(coders) < 2:
        raise ParameterError("RK-P45", f"agreement needs the codings of at least two coders; got {coders or 'none'}.",
                             hint="Merge the coders' codings first (merge_codings), or name them with coders=[…].")
    codings = codings[codings["coder"].isin(coders)]
    codes = sorted(codings["code"].dropna().unique()) if codes is None else list(codes)
    if documents is None:
        docs = sorted(codings["doc_id"].unique())
        coded_by = {c: set(codings.loc[codings["coder"] == c, "doc_id"].unique()) for c in coders}
    else:
        docs = list(documents)
        coded_by = {c: set(docs) for c in coders}
    known = set(corpus.doc_ids)
    unit_frame = units(corpus.subset([d for d in docs if d in known]) if docs else corpus.subset([]),
                       unit=unit, tokens=tokens, size=size)
    unit_frame = unit_frame.reset_index(drop=True)
    n = len(unit_frame)
    # documents as integer codes: np.isin on strings runs a Python loop over units x documents
    doc_codes, doc_names = pd.factorize(unit_frame["doc_id"].astype(object))
    doc_codes = doc_codes.astype("int64")
    base = np.zeros((len(coders), n))
    for i, c in enumerate(coders):
        coded = np.array([d in coded_by[c] for d in doc_names], dtype=bool)
        base[i, ~coded[doc_codes]] = np.nan
    in_scope = codings["code"].isin(codes) & codings["doc_id"].isin(doc_names)
    seg = codings[in_scope]
    seg_rows, unit_rows = overlap_pairs(
        pd.Index(doc_names).get_indexer(seg["doc_id"].astype(object)), seg["start_char"].to_numpy(dtype="int64"),
        seg["end_char"].to_numpy(dtype="int64"), doc_codes, unit_frame["start_char"].to_numpy(dtype="int64"),
        unit_frame["end_char"].to_numpy(dtype="int64"))
    coder_of = pd.Index(coders).get_indexer(seg["coder"].astype(object)).astype("int64")[seg_rows]
    named = list(dict.fromkeys(codes))
    code_of = pd.Index(named).get_indexer(seg["code"].astype(object))[seg_rows]
    by_code = np.argsort(code_of, kind="stable")
    cuts = np.searchsorted(code_of[by_code], np.arange(len(named) + 1))
    tables: dict[str, np.ndarray] = {}
    for k, code in enumerate(named):
        table = base.copy()
        mine = by_code[cuts[k]:cuts[k + 1]]
        table[coder_of[mine], unit_rows[mine]] = 1.0
        tables[code] = table
    return unit_frame, tables, coders


def _scores(table: np.ndarray) -> dict[str, float]:
    both = ~np.isnan(table).any(axis=0)
    full = table[:, both]
    out = {
        "units": int(table.shape[1]),
        "units_all_coders": int(both.sum()),
        "coded_units": int((np.nan_to_num(table) > 0).any(axis=0).sum()),
    }
    pairable = (~np.isnan(table)).sum(axis=0) >= 2
    # alpha takes every unit with two values or more, even when no unit has them all (a third
    # coder who coded other documents); the kappas need units that every coder coded
    out["krippendorff_alpha"] = (float(measures.krippendorff_alpha(table[:, pairable], level="nominal"))
                                 if pairable.any() else np.nan)
    if full.shape[1] == 0:
        return {**out, "percent_agreement": np.nan, "cohen_kappa": np.nan, "fleiss_kappa": np.nan}
    out["percent_agreement"] = float(measures.percent_agreement(full))
    out["cohen_kappa"] = float(measures.cohen_kappa(full[0], full[1])) if table.shape[0] == 2 else np.nan
    out["fleiss_kappa"] = float(measures.fleiss_kappa(full))
    return out


def _pooled_scores(tables: list[np.ndarray]) -> dict[str, float]:
    """:func:`_scores` of the presence tables (0, 1, NaN) side by side, from per-unit counts.

    The same numbers as the measures on the concatenated table (every measure here is a
    sum over units of what each unit's counts of 0 and 1 give), without building it: over
    10M words that table is ten times a code's, and its copies cost more than all the
    codes' own scores together (page faults of fresh arrays beyond glibc's mmap threshold).
    """
    n_coders = tables[0].shape[0]
    units = units_all = coded = 0
    agreeing = a_zeros = a_ones = 0.0          # alpha: pairable units
    pairable_any = False
    shares = 0.0                               # percent agreement: units every coder coded
    full_zeros = full_ones = 0
    fleiss_sq = 0.0
    cells = np.zeros(4, dtype=np.int64)        # Cohen: (first, second) in 00, 01, 10, 11
    for table in tables:
        present = ~np.isnan(table)
        m = present.sum(axis=0)
        ones = (table == 1).sum(axis=0)
        zeros = m - ones
        units += table.shape[1]
        coded += int((ones > 0).sum())
        pair = m >= 2
        if pair.any():
            pairable_any = True
            mp, zp, op = m[pair].astype(float), zeros[pair].astype(float), ones[pair].astype(float)
            agreeing += float(np.sum((zp * (zp - 1) + op * (op - 1)) / (mp - 1)))
            a_zeros += float(zp.sum())
            a_ones += float(op.sum())
        full = m == n_coders
        units_all += int(full.sum())
        zf, of = zeros[full].astype(float), ones[full].astype(float)
        shares += float(np.sum((zf * (zf - 1) + of * (of - 1)) / (n_coders * (n_coders - 1))))
        fleiss_sq += float(np.sum(zf * zf + of * of))
        full_zeros += int(zf.sum())
        full_ones += int(of.sum())
        if n_coders == 2:
            pairs = (table[0, full] == 1).astype(np.int64) * 2 + (table[1, full] == 1)
            cells += np.bincount(pairs, minlength=4)
    out: dict[str, float] = {"units": units, "units_all_coders": units_all, "coded_units": coded}
    n = a_zeros + a_ones
    expected = n * n - a_zeros ** 2 - a_ones ** 2
    out["krippendorff_alpha"] = (1.0 - (n - 1.0) * (n - agreeing) / expected
                                 if pairable_any and expected > 0 else np.nan)
    if units_all == 0:
        return {**out, "percent_agreement": np.nan, "cohen_kappa": np.nan, "fleiss_kappa": np.nan}
    out["percent_agreement"] = shares / units_all
    out["cohen_kappa"] = np.nan
    if n_coders == 2:
        observed = cells.reshape(2, 2) / units_all
        expected_2 = np.outer(observed.sum(axis=1), observed.sum(axis=0))
        chance = expected_2[0, 1] + expected_2[1, 0]   # 0 when a single value was used: kappa undefined
        if chance > 0:
            out["cohen_kappa"] = float(1.0 - (observed[0, 1] + observed[1, 0]) / chance)
    p_bar = (fleiss_sq - units_all * n_coders) / (n_coders * (n_coders - 1)) / units_all
    p_e = (full_zeros / (units_all * n_coders)) ** 2 + (full_ones / (units_all * n_coders)) ** 2
    out["fleiss_kappa"] = (p_bar - p_e) / (1.0 - p_e) if p_e < 1.0 else np.nan
    return out


def agreement(codings: pd.DataFrame, corpus: Corpus, *, unit: Unit = "turn", coders: Iterable[str] | None = None,
              codes: Iterable[str] | None = None, documents: Iterable[str] | None = None,
              tokens: pd.DataFrame | None = None, size: int = 50) -> pd.DataFrame:
    """Agreement between coders, per code and overall, at the declared unit.

    Parameters
    ----------
    codings
        The codings of two or more coders (see :func:`~research_kit.coding.merge_codings`).
    corpus
        The corpus the offsets refer to.
    unit
        ``"turn"``, ``"sentence"`` (needs ``tokens``), ``"window"`` (``size`` words),
        or ``"character"`` (every character, as NVivo's coding comparison computes it).
    coders, codes
        Restrict to these (default: all in ``codings``).
    documents
        The documents every coder coded. By default a coder counts as having coded the
        documents where they applied at least one code; elsewhere their values are missing.

    Returns
    -------
    pandas.DataFrame
        One row per code plus a last row ``code="(all)"`` pooling every (code, unit)
        decision: ``code, unit, coders, units, units_all_coders, coded_units,
        percent_agreement, cohen_kappa`` (two coders only, else NaN), ``fleiss_kappa``,
        ``krippendorff_alpha`` (nominal). The kappas and percent agreement use the units
        that all coders coded; alpha uses every unit with at least two values.

    References
    ----------
    Cohen (1960); Fleiss (1971); Krippendorff (2011), "Computing Krippendorff's
    Alpha-Reliability".
    """
    unit_frame, tables, coder_list = presence(codings, corpus, unit=unit, coders=coders, codes=codes,
                                              documents=documents, tokens=tokens, size=size)
    rows = [{"code": code, **_scores(t)} for code, t in tables.items()]
    if tables:
        rows.append({"code": "(all)", **_pooled_scores(list(tables.values()))})
    out = pd.DataFrame(rows, columns=["code", "units", "units_all_coders", "coded_units", "percent_agreement",
                                      "cohen_kappa", "fleiss_kappa", "krippendorff_alpha"])
    out.insert(1, "unit", unit)
    out.insert(2, "coders", ", ".join(coder_list))
    return out


def disagreements(codings: pd.DataFrame, corpus: Corpus, *, unit: Unit = "turn", coders: Iterable[str] | None = None,
                  codes: Iterable[str] | None = None, documents: Iterable[str] | None = None,
                  tokens: pd.DataFrame | None = None, size: int = 50, max_chars: int = 300) -> pd.DataFrame:
    """The units on which coders disagree, for the reconciliation meeting.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, unit, turn, start_char, end_char, speaker, code, text``, then one
        boolean column per coder (did they apply the code to this unit?), one row per
        (unit, code) where the coders present did not all decide the same; ``text`` is
        the unit's text, cut at ``max_chars``.
    """
    if unit == "character":
        raise ParameterError("RK-P46", "a disagreement table per character would be unreadable.",
                             hint="Use unit='turn', 'sentence' or 'window'.")
    unit_frame, tables, coder_list = presence(codings, corpus, unit=unit, coders=coders, codes=codes,
                                              documents=documents, tokens=tokens, size=size)
    parts = []
    for code, table in tables.items():
        present = ~np.isnan(table)
        values = np.nan_to_num(table)
        differ = (present.sum(axis=0) >= 2) & (
            np.nanmax(np.where(present, values, -np.inf), axis=0) != np.nanmin(np.where(present, values, np.inf), axis=0))
        if not differ.any():
            continue
        part = unit_frame.loc[differ].copy()
        part["code"] = code
        for i, c in enumerate(coder_list):
            col = pd.Series(values[i, differ] > 0, index=part.index).astype("boolean")
            col[~present[i, differ]] = pd.NA
            part[c] = col
        parts.append(part)
    cols = ["doc_id", "unit", "turn", "start_char", "end_char", "speaker", "code", "text", *coder_list]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out = out.merge(corpus.turns[["doc_id", "turn", "speaker"]], on=["doc_id", "turn"], how="left")
    out["text"] = [_cut(corpus.text(d)[s:e], max_chars) for d, s, e in zip(out["doc_id"], out["start_char"],
                                                                              out["end_char"])]
    return out[cols].sort_values(["doc_id", "start_char", "code"]).reset_index(drop=True)


def consensus(codings: pd.DataFrame, corpus: Corpus, *, unit: Unit = "turn", coders: Iterable[str] | None = None,
              codes: Iterable[str] | None = None, documents: Iterable[str] | None = None,
              tokens: pd.DataFrame | None = None, size: int = 50) -> pd.DataFrame:
    """The units that every coder present applied a code to: what the coders agree on.

    With :func:`disagreements` (the units they do not agree on) it is the starting point of
    an adjudicated version: the agreed units stand, each disagreement is decided.

    Parameters
    ----------
    codings, corpus, unit, coders, codes, documents, tokens, size
        As :func:`agreement` takes them.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, unit, turn, start_char, end_char, code, coders``: one row per (unit,
        code) where at least two coders have a value (see :func:`agreement` for missing
        values) and all of them applied the code; ``coders`` is how many did. Sorted by
        document, position and code.

    Examples
    --------
    >>> consensus(merge_codings(camille, mathis), corpus, unit="turn").head()   # doctest: +SKIP
    """
    unit_frame, tables, _ = presence(codings, corpus, unit=unit, coders=coders, codes=codes, documents=documents,
                                     tokens=tokens, size=size)
    parts = []
    for code, table in tables.items():
        present = ~np.isnan(table)
        agreed = (present.sum(axis=0) >= 2) & (np.where(present, table, 1.0) == 1.0).all(axis=0)
        if not agreed.any():
            continue
        part = unit_frame.loc[agreed].copy()
        part["code"] = code
        part["coders"] = present.sum(axis=0)[agreed].astype("int64")
        parts.append(part)
    cols = ["doc_id", "unit", "turn", "start_char", "end_char", "code", "coders"]
    if not parts:
        empty = unit_frame.iloc[:0].assign(code=pd.Series(dtype="string"), coders=pd.Series(dtype="int64"))
        return empty[cols]
    out = pd.concat(parts, ignore_index=True)
    out["code"] = out["code"].astype("string")
    return out[cols].sort_values(["doc_id", "start_char", "code"]).reset_index(drop=True)


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"
