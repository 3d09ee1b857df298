"""Step 6 of a Reinert classification: the double classification.

Two classifications are made on context units that merge consecutive segments of a
document (:func:`context_units`), their terminal classes are crossed, and the crossed
classes whose two classes are each other's most associated are kept
(:func:`double_classification`): IRaMuTeQ's "double sur RST", rainette's ``rainette2()``
with ``full = FALSE``, as step 6 of the package documentation (:mod:`research_kit.chd`)
tells in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from .. import measures
from .bipartition import Node, class_labels, descending_classification, leaf_order

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


def _classify_units(m: sparse.csr_matrix, unit: np.ndarray, **kwargs: Any) -> tuple[np.ndarray, list[Node], dict]:
    n_units = int(unit.max()) + 1 if len(unit) else 0
    agg = sparse.csr_matrix((np.ones(len(unit)), (unit, np.arange(len(unit)))), shape=(n_units, len(unit)))
    mu = (agg @ m).tocsr()
    mu.data[:] = 1.0
    nodes = descending_classification(mu, **kwargs)
    labels_u, leaf_class = class_labels(nodes, n_units)
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

    labels: np.ndarray  # final class of each segment, 1.. in dendrogram order; 0 for none
    leaf_class: dict[int, int]  # node of ``nodes`` -> its class, for the leaves
    nodes: list[Node]  # the first classification's tree, pruned to the kept crossed classes
    crossed: pd.DataFrame  # one row per crossed class (the ``crossed`` frame of a Reinert result)
    cls_1: np.ndarray  # class of each segment in the first classification, 0 for none
    cls_2: np.ndarray  # and in the second


def double_classification(x: sparse.csr_matrix, segment_doc: np.ndarray, n_active: np.ndarray, *,
                          uc_sizes: tuple[int, int], min_chi2: float, k: int, min_class_size: int,
                          min_split_frequency: int, cc_test: float) -> DoubleClassification:
    """Two classifications of the segments (rows of ``x``) on context units of ``uc_sizes`` forms, crossed."""
    chd_args = dict(k=k, min_class_size=min_class_size, min_split_frequency=min_split_frequency, cc_test=cc_test)
    n_seg = len(n_active)
    unit1 = context_units(segment_doc, n_active, int(uc_sizes[0]))
    unit2 = context_units(segment_doc, n_active, int(uc_sizes[1]))
    c1, nodes1, leaf1 = _classify_units(x, unit1, **chd_args)
    c2, _, _ = _classify_units(x, unit2, **chd_args)
    c1 = np.where(n_active > 0, c1, 0)
    c2 = np.where(n_active > 0, c2, 0)
    crossed = _cross(c1, c2, min_chi2=min_chi2, min_size=min_class_size)
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
