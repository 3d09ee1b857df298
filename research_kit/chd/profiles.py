"""Step 7 of a Reinert classification: class profiles and characteristic segments.

For each class, every active and supplementary form and every modality of the document
variables gets the signed chi-square (no continuity correction, as in IRaMuTeQ) of the
2 × 2 table "segment in the class or not" × "contains it or not" over the classified
segments, with its p-value; a segment's ``score`` is the sum of the positive chi-squares,
in its class, of the active forms it contains (IRaMuTeQ's "segments de texte
caractéristiques"). Step 7 of the package documentation (:mod:`research_kit.chd`) tells
how IRaMuTeQ and rainette differ.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from .. import measures
from .matrix import Prepared, presence

__all__ = ["KINDS", "class_profiles"]

#: The kinds of term a profile holds, in the order the profiles frame sorts them.
KINDS = ("active", "supplementary", "variable")


def _profile_rows(membership: sparse.csr_matrix, present: sparse.csr_matrix, names: np.ndarray, kind: str,
                  n_classes: int) -> pd.DataFrame:
    """Signed chi-square of every term (columns of ``present``) in every class."""
    counts = np.asarray((membership.T @ present).todense(), dtype=np.float64)  # classes × terms
    total = counts.sum(axis=0)  # classified segments only: each is in one class
    sizes = np.asarray(membership.sum(axis=0)).ravel().astype(np.float64)
    n = float(sizes.sum())
    keep = total > 0
    counts, total, names = counts[:, keep], total[keep], names[keep]
    n_terms = len(names)
    cls = np.repeat(np.arange(1, n_classes + 1), n_terms)
    a = counts.ravel()
    tot = np.tile(total, n_classes)
    size = np.repeat(sizes, n_terms)
    chi = np.zeros(len(a))
    p = np.ones(len(a))
    ok = (size > 0) & (size < n)  # a single class has nothing to be contrasted with
    if ok.any():
        chi[ok] = measures.chi_square(a[ok], tot[ok] - a[ok], size[ok], n - size[ok])
        p[ok] = measures.p_value(chi[ok])
    return pd.DataFrame({
        "cls": cls.astype(np.int64),
        "term": pd.array(np.tile(names, n_classes), dtype="string"),
        "kind": kind,
        "count": a.astype(np.int64),
        "total": tot.astype(np.int64),
        "percent": np.where(tot > 0, 100.0 * a / np.where(tot > 0, tot, 1), 0.0),
        "chi2": chi,
        "p": p,
    })


def class_profiles(prep: Prepared, frame: pd.DataFrame, variables: list[str],
                   labels: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """The profiles of the classes, and each segment's characteristic score.

    ``prep`` is what :func:`~research_kit.chd.matrix.prepare` made of ``frame`` (the tokens
    in corpus order, with the columns of ``variables``); ``labels`` holds each segment's
    class, 0 when unclassified. Returns the ``profiles`` frame of a Reinert result and the
    ``score`` of each segment (0 when unclassified).
    """
    x, names, tok_seg, codes, supp_tok = prep.x, prep.names, prep.token_segment, prep.codes, prep.supp_tok
    active_terms, supp_terms, supp_col = prep.active_terms, prep.supp_terms, prep.supp_col
    n_seg = len(labels)
    n_classes = int(labels.max(initial=0))
    classified = labels > 0
    member = sparse.csr_matrix((np.ones(int(classified.sum())), (np.flatnonzero(classified),
                                                                  labels[classified] - 1)),
                               shape=(n_seg, max(n_classes, 1)))
    parts = []
    if n_classes:
        parts.append(_profile_rows(member, x, names[active_terms], "active", n_classes))
        use_s = supp_tok & (supp_col[np.maximum(codes, 0)] >= 0)
        xs = presence(tok_seg[use_s], supp_col[codes[use_s]], (n_seg, len(supp_terms)))
        parts.append(_profile_rows(member, xs, names[supp_terms], "supplementary", n_classes))
        if variables:
            rows_v, cols_v, mod_names = [], [], []
            in_seg = tok_seg >= 0
            for var in variables:
                values = frame[var]
                ok_v = in_seg & values.notna().to_numpy()
                vcodes, vnames = pd.factorize(values[ok_v], sort=True)
                rows_v.append(tok_seg[ok_v])
                cols_v.append(vcodes + len(mod_names))
                mod_names += [f"*{var}_{v}" for v in vnames]
            xv = presence(np.concatenate(rows_v), np.concatenate(cols_v), (n_seg, len(mod_names)))
            parts.append(_profile_rows(member, xv, np.asarray(mod_names, dtype=object), "variable", n_classes))
        profiles = pd.concat(parts, ignore_index=True)
        kind_order = profiles["kind"].map({kk: i for i, kk in enumerate(KINDS)})
        profiles = (profiles.assign(_k=kind_order).sort_values(["cls", "_k", "chi2", "term"],
                                                               ascending=[True, True, False, True], kind="stable")
                    .drop(columns="_k").reset_index(drop=True))
        # characteristic segments: summed positive chi-squares of the class's active forms
        active = profiles[profiles["kind"] == "active"]
        weight = np.zeros((len(active_terms), n_classes))
        term_index = pd.Series(np.arange(len(active_terms)), index=pd.Index(names[active_terms], dtype=object))
        ti = term_index.reindex(active["term"].astype(object)).to_numpy()
        weight[ti, active["cls"].to_numpy() - 1] = np.maximum(active["chi2"].to_numpy(), 0.0)
        scores = np.asarray(x @ weight)
        score = np.zeros(n_seg)
        score[classified] = scores[np.flatnonzero(classified), labels[classified] - 1]
    else:
        profiles = pd.DataFrame({"cls": pd.Series(dtype="int64"), "term": pd.Series(dtype="string"),
                                 "kind": pd.Series(dtype="string"), "count": pd.Series(dtype="int64"),
                                 "total": pd.Series(dtype="int64"), "percent": pd.Series(dtype="float64"),
                                 "chi2": pd.Series(dtype="float64"), "p": pd.Series(dtype="float64")})
        score = np.zeros(n_seg)
    profiles["kind"] = profiles["kind"].astype("string")
    return profiles, score
