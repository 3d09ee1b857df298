"""Step 6 of a Reinert classification: the double classification.

Two classifications are made on context units that merge consecutive segments of a
document (:func:`context_units`), and their classes are crossed
(:func:`double_classification`). IRaMuTeQ's variant ("double sur RST", its
``chdtxt.R``) crosses the classes of every level of the two trees and keeps, in the order
IRaMuTeQ takes them, the crossings of at least ``min_class_size`` segments and a
chi-square above ``min_chi2`` whose classes are neither inside nor above one already
kept. rainette's variant (``rainette2()`` with ``full = FALSE``) crosses the terminal
classes and keeps the pairs that are each other's most associated. Step 6 of the package
documentation (:mod:`research_kit.chd`) tells both in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from .. import measures
from .bipartition import Node, class_labels, descending_classification, iramuteq_hierarchy, leaf_order
from .terminal import descendants

__all__ = ["context_units", "DoubleClassification", "double_classification"]


def context_units(segment_doc: np.ndarray, n_active: np.ndarray, min_size: int) -> np.ndarray:
    """Context unit of each segment: consecutive segments of a document merged until ``min_size`` forms.

    A document's last unit, when it falls short, joins the unit before it (if the
    document has one). Units never cross documents.
    """
    n = len(segment_doc)
    unit = np.empty(n, dtype=np.int64)
    current, i = -1, 0
    while i < n:
        doc = segment_doc[i]
        first_unit = current + 1
        count, open_, opened_at = 0, False, i
        while i < n and segment_doc[i] == doc:
            if not open_:
                current += 1
                count, open_, opened_at = 0, True, i
            unit[i] = current
            count += int(n_active[i])
            if count >= min_size:
                open_ = False
            i += 1
        if open_ and current > first_unit:  # a short last unit joins the one before
            unit[opened_at:i] = current - 1
            current -= 1
    return unit


def _unit_matrix(m: sparse.csr_matrix, unit: np.ndarray) -> sparse.csr_matrix:
    """The binary unit × form matrix: a unit holds every form of its segments."""
    n_units = int(unit.max()) + 1 if len(unit) else 0
    agg = sparse.csr_matrix((np.ones(len(unit)), (unit, np.arange(len(unit)))), shape=(n_units, len(unit)))
    mu = (agg @ m).tocsr()
    mu.data[:] = 1.0
    return mu


def _classify_units(m: sparse.csr_matrix, unit: np.ndarray, **kwargs: Any) -> tuple[np.ndarray, list[Node], dict]:
    mu = _unit_matrix(m, unit)
    nodes = descending_classification(mu, **kwargs)
    labels_u, leaf_class = class_labels(nodes, mu.shape[0])
    return labels_u[unit], nodes, leaf_class


def _cross(c1: np.ndarray, c2: np.ndarray, *, min_chi2: float, min_size: int) -> pd.DataFrame:
    """Every crossed class of two classifications, its association chi-square, and whether it is kept."""
    both = (c1 > 0) & (c2 > 0)
    n = int(both.sum())
    k1, k2 = int(c1.max(initial=0)), int(c2.max(initial=0))
    table = np.zeros((k1 + 1, k2 + 1), dtype=np.int64)
    np.add.at(table, (c1[both], c2[both]), 1)
    table = table[1:, 1:]
    n1, n2 = table.sum(axis=1), table.sum(axis=0)
    x, y = np.meshgrid(np.arange(k1), np.arange(k2), indexing="ij")
    size = table.ravel()
    row_n, col_n = n1[x.ravel()], n2[y.ravel()]
    chi = np.zeros(size.size)
    ok = (row_n > 0) & (row_n < n)  # a class holding every segment has nothing to cross
    if ok.any():
        chi[ok] = measures.chi_square(size[ok], col_n[ok] - size[ok], row_n[ok], n - row_n[ok])
    chi_m = chi.reshape(table.shape)
    kept = np.zeros(table.shape, dtype=bool)
    for i in range(k1):
        if not table[i].any():
            continue
        j = int(np.argmax(chi_m[i]))
        if int(np.argmax(chi_m[:, j])) == i and chi_m[i, j] >= min_chi2 and chi_m[i, j] > 0 and table[i, j] >= min_size:
            kept[i, j] = True
    frame = pd.DataFrame({"cls_1": x.ravel() + 1, "cls_2": y.ravel() + 1, "n_segments": size.astype(np.int64),
                          "chi2": chi_m.ravel(), "kept": kept.ravel()})
    return frame[frame["n_segments"] > 0].reset_index(drop=True)


def _prune(nodes: list[Node], keep_leaves: set[int]) -> list[Node]:
    """The tree restricted to the leaves ``keep_leaves``, nodes left with one child removed.

    A kept leaf's ``step`` holds ``-(its index in nodes) - 1``, to find its class again.
    """

    def alive(i: int) -> bool:
        node = nodes[i]
        if node.left < 0:
            return i in keep_leaves
        return alive(node.left) or alive(node.right)

    out: list[Node] = []

    def build(i: int, parent: int) -> int:
        node = nodes[i]
        if node.left >= 0:
            la, ra = alive(node.left), alive(node.right)
            if la and not ra:
                return build(node.left, parent)
            if ra and not la:
                return build(node.right, parent)
        here = len(out)
        copy = Node(node.rows, node.cols, parent=parent, chi2=node.chi2, step=node.step)
        out.append(copy)
        if node.left >= 0:
            copy.left = build(node.left, here)
            copy.right = build(node.right, here)
        else:
            copy.step = -(i + 1)  # the original leaf, for the class labels
        return here

    if not alive(0):
        return []
    build(0, -1)
    return out


@dataclass
class DoubleClassification:
    """What :func:`double_classification` returns."""

    labels: np.ndarray  # final class of each segment, 1..; 0 for none
    leaf_class: dict[int, int]  # node of ``nodes`` -> its class, for the nodes that are classes
    nodes: list[Node]  # the first classification's tree (rainette: pruned to the kept crossed classes)
    crossed: pd.DataFrame  # one row per crossed class (the ``crossed`` frame of a Reinert result)
    cls_1: np.ndarray  # class of each segment in the first classification, 0 for none
    cls_2: np.ndarray  # and in the second


def double_classification(x: sparse.csr_matrix, units: tuple[np.ndarray, np.ndarray], n_active: np.ndarray, *,
                          options: dict[str, Any], min_chi2: float) -> DoubleClassification:
    """Two classifications of the segments (rows of ``x``) on the context units ``units``, crossed.

    ``units`` holds the context unit of each segment for each classification (from
    :func:`context_units`); ``options`` is what
    :func:`~research_kit.chd.classify.resolve_options` returned.
    """
    if options["variant"] == "iramuteq":
        return _iramuteq_double(x, units, n_active, k=options["k"], min_size=options["min_class_size"],
                                min_chi2=min_chi2)
    chd_args = dict(k=options["k"], min_class_size=options["min_class_size"], min_split_frequency=options["tsj"],
                    cc_test=options["cc_test"], min_split_members=options["min_split_members"] or 0)
    n_seg = len(n_active)
    c1, nodes1, leaf1 = _classify_units(x, units[0], **chd_args)
    c2, _, _ = _classify_units(x, units[1], **chd_args)
    c1 = np.where(n_active > 0, c1, 0)
    c2 = np.where(n_active > 0, c2, 0)
    crossed = _cross(c1, c2, min_chi2=min_chi2, min_size=options["min_class_size"])
    kept = crossed[crossed["kept"]]
    class1_leaf = {v: kk for kk, v in leaf1.items()}
    keep_leaves = {class1_leaf[int(v)] for v in kept["cls_1"]}
    nodes = _prune(nodes1, keep_leaves) if keep_leaves else []
    # final classes: dendrogram order of the kept leaves
    pair_of_leaf = {class1_leaf[int(a)]: int(b) for a, b in zip(kept["cls_1"], kept["cls_2"])}
    labels = np.zeros(n_seg, dtype=np.int64)
    leaf_class = {}
    order = leaf_order(nodes) if nodes else []
    final_of_pair = {}
    for number, leaf in enumerate(order, start=1):
        original = -nodes[leaf].step - 1
        a_cls = leaf1[original]
        b_cls = pair_of_leaf[original]
        members = (c1 == a_cls) & (c2 == b_cls)
        labels[members] = number
        leaf_class[leaf] = number
        final_of_pair[(a_cls, b_cls)] = number
    crossed["cls"] = [final_of_pair.get((int(a), int(b)), 0) if kk else 0
                      for a, b, kk in zip(crossed["cls_1"], crossed["cls_2"], crossed["kept"])]
    crossed["cls"] = crossed["cls"].astype(np.int64)
    return DoubleClassification(labels, leaf_class, nodes, crossed, c1, c2)


# ---------------------------------------------------------------------------
# IRaMuTeQ's double classification


def _unit_tree(x: sparse.csr_matrix, unit: np.ndarray, k: int) -> list[Node]:
    return iramuteq_hierarchy(_unit_matrix(x, unit), k=k)


def _membership(nodes: list[Node], unit: np.ndarray, valid: np.ndarray) -> sparse.csc_matrix:
    """Segments × nodes: 1 where a segment (with an active form) is in the node when the node was made."""
    n_units = int(unit.max()) + 1 if len(unit) else 0
    rows = np.concatenate([nd.rows for nd in nodes]) if nodes else np.empty(0, np.int64)
    cols = np.repeat(np.arange(len(nodes)), [len(nd.rows) for nd in nodes])
    by_unit = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_units, len(nodes)))
    seg = by_unit[unit].tocsr()
    seg = sparse.diags(valid.astype(np.float64)) @ seg
    seg.eliminate_zeros()
    return seg.tocsc()


def _leaf_number(nodes: list[Node], unit: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """IRaMuTeQ's number (``node + 1``) of each segment's terminal class, 0 for none."""
    n_units = int(unit.max()) + 1 if len(unit) else 0
    of_unit = np.zeros(n_units, dtype=np.int64)
    for i, nd in enumerate(nodes):
        if nd.left < 0 and i > 0:
            of_unit[nd.rows] = i + 1
    out = of_unit[unit] if len(unit) else np.zeros(0, np.int64)
    return np.where(valid, out, 0)


def _ancestors(nodes: list[Node], i: int) -> list[int]:
    out = []
    while nodes[i].parent >= 0:
        i = nodes[i].parent
        out.append(i)
    return out


def _iramuteq_double(x: sparse.csr_matrix, units: tuple[np.ndarray, np.ndarray], n_active: np.ndarray, *, k: int,
                     min_size: int, min_chi2: float) -> DoubleClassification:
    """IRaMuTeQ's "double sur RST" (its ``chdtxt.R``), on the trees of its variant."""
    n_seg = len(n_active)
    valid = n_active > 0
    nodes1 = _unit_tree(x, units[0], k)
    nodes2 = _unit_tree(x, units[1], k)
    s1 = _membership(nodes1, units[0], valid)
    s2 = _membership(nodes2, units[1], valid)
    # every class of every level (the root aside) of one tree crossed with every one of the other
    croise = np.asarray((s1[:, 1:].T @ s2[:, 1:]).todense(), dtype=np.float64)
    size1 = np.asarray(s1[:, 1:].sum(axis=0)).ravel()
    size2 = np.asarray(s2[:, 1:].sum(axis=0)).ravel()
    i1, i2 = np.nonzero(croise > 0)
    a = croise[i1, i2]
    chi = np.zeros(len(a))
    ok = (size1[i1] > 0) & (size1[i1] < n_seg)
    if ok.any():
        chi[ok] = measures.chi_square(a[ok], size2[i2[ok]] - a[ok], size1[i1[ok]], n_seg - size1[i1[ok]])
    chi = np.round(chi, 7)
    # candidates: at least min_size segments, chi-square above min_chi2; taken in chdtxt.R's
    # order (the second tree's class number, highest first; then the chi-square, highest first)
    candidate = (a >= max(min_size, 1)) & (chi > min_chi2)
    order = sorted(np.flatnonzero(candidate), key=lambda j: (-i2[j], -chi[j], i1[j]))
    taken1: set[int] = set()
    taken2: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for j in order:
        n1, n2 = int(i1[j]) + 1, int(i2[j]) + 1  # node numbers (the root is 0)
        if n1 in taken1 or n2 in taken2:
            continue
        pairs.append((n1, n2))
        taken1 |= {n1, *descendants(nodes1, n1), *_ancestors(nodes1, n1)}
        taken2 |= {n2, *descendants(nodes2, n2), *_ancestors(nodes2, n2)}
    labels = np.zeros(n_seg, dtype=np.int64)
    node_class = {}
    for number, (n1, n2) in enumerate(pairs, start=1):
        both = (s1[:, n1].toarray().ravel() > 0) & (s2[:, n2].toarray().ravel() > 0)
        labels[both] = number
        node_class[n1] = number
    cls_of_pair = {pair: number for number, pair in enumerate(pairs, start=1)}
    crossed = pd.DataFrame({
        "cls_1": (i1 + 2).astype(np.int64), "cls_2": (i2 + 2).astype(np.int64), "n_segments": a.astype(np.int64),
        "chi2": chi, "kept": [(int(u) + 1, int(v) + 1) in cls_of_pair for u, v in zip(i1, i2)],
    })
    crossed["cls"] = np.array([cls_of_pair.get((int(u) + 1, int(v) + 1), 0) for u, v in zip(i1, i2)],
                              dtype=np.int64)
    c1 = _leaf_number(nodes1, units[0], valid)
    c2 = _leaf_number(nodes2, units[1], valid)
    return DoubleClassification(labels, node_class, nodes1, crossed, c1, c2)
