"""Steps 3 to 5 of a Reinert classification: one split of a class, the pruning of its columns, the hierarchy.

A class is split in two along the first factor of a correspondence analysis of its binary
segment × form matrix (:func:`first_axis`): every cut of that order is scored at once
(:func:`cut_chi2`), then segments change side while that raises the chi-square
(:func:`reassign`). Each child then keeps the columns its variant's rule keeps:
IRaMuTeQ's (:func:`iramuteq_columns`, with the forms found in 3 segments or fewer dropped
before each split) or rainette's (:func:`select_columns`). :func:`iramuteq_hierarchy`
always makes ``k - 1`` splits of the largest class; :func:`descending_classification`
(rainette's variant) splits the largest class that can be split until there are ``k``
terminal classes; :func:`class_labels` numbers rainette's classes in the order of the
dendrogram. The package documentation (:mod:`research_kit.chd`) tells which of
IRaMuTeQ's and rainette's choices each step follows.
"""

from __future__ import annotations

import contextlib
import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse

__all__ = ["first_axis", "cut_chi2", "reassign", "select_columns", "iramuteq_columns", "iramuteq_threshold", "Node",
           "iramuteq_hierarchy", "descending_classification", "leaf_order", "class_labels",
           "REASSIGN_GUARD", "MIN_SPLIT_FORM_SEGMENTS"]

#: IRaMuTeQ reassigns segments only while both groups of a split hold at least this many.
REASSIGN_GUARD = 5
#: IRaMuTeQ drops, before each split but the first, the forms found in this many segments of
#: the class or fewer.
MIN_SPLIT_FORM_SEGMENTS = 3


@functools.lru_cache(maxsize=1)
def _blas_controller():
    """threadpoolctl's view of the loaded BLAS libraries (numpy's and scipy's), or None without it."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # optional: without it the SVD runs with BLAS's own thread count
        return None
    import scipy.sparse.linalg  # noqa: F401  (loads scipy's BLAS, so that the controller sees it)

    return ThreadpoolController()


def _one_blas_thread():
    """A context in which BLAS and LAPACK run on one thread.

    On matrices of a few hundred rows a threaded SVD spends more time waking and
    synchronising threads than computing, and far more on a machine whose cores are busy.
    """
    controller = _blas_controller()
    if controller is None:
        return contextlib.nullcontext()
    return controller.limit(limits=1, user_api="blas")


def first_axis(m: sparse.csr_matrix) -> np.ndarray:
    """Row coordinates on the first factor of a correspondence analysis of ``m``.

    Up to 250,000 cells the SVD of the standardised residuals is computed densely; beyond,
    a truncated SVD (ARPACK) of the residuals applied as an operator, which never builds
    the dense matrix. Both run with BLAS on one thread (see :func:`_one_blas_thread`).
    """
    with _one_blas_thread():
        return _first_axis(m)


def _first_axis(m: sparse.csr_matrix) -> np.ndarray:
    total = float(m.sum())
    r = np.asarray(m.sum(axis=1)).ravel() / total
    c = np.asarray(m.sum(axis=0)).ravel() / total
    n, p = m.shape
    if n * p <= 250_000 or min(n, p) < 3:
        dense = m.toarray() / total
        expected = np.outer(r, c)
        s = (dense - expected) / np.sqrt(expected)
        u, _, _ = np.linalg.svd(s, full_matrices=False)
        vec = u[:, 0]
    else:
        from scipy.sparse.linalg import LinearOperator, svds

        sr, sc = np.sqrt(r), np.sqrt(c)
        a = sparse.diags(1.0 / sr) @ m @ sparse.diags(1.0 / (sc * total))
        a = a.tocsr()
        at = a.T.tocsr()

        # (x * y).sum() rather than x @ y: a BLAS dot may wake threads, costly on a busy machine
        def matvec(v: np.ndarray) -> np.ndarray:
            v = np.ravel(v)
            return a @ v - sr * (sc * v).sum()

        def rmatvec(u: np.ndarray) -> np.ndarray:
            u = np.ravel(u)
            return at @ u - sc * (sr * u).sum()

        op = LinearOperator((n, p), matvec=matvec, rmatvec=rmatvec, dtype=np.float64)
        v0 = np.random.default_rng(0).standard_normal(min(n, p))
        u, _, _ = svds(op, k=1, v0=v0, tol=1e-8)
        vec = u[:, 0]
    coords = vec / np.sqrt(r)
    if coords[np.argmax(np.abs(coords))] < 0:  # the sign of an axis is arbitrary: fix it
        coords = -coords
    return coords


def _table_chi2(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson chi-square of the 2 × p table whose rows are ``a`` and ``b`` (empty columns ignored)."""
    c = a + b
    keep = c > 0
    a, b, c = a[keep], b[keep], c[keep]
    n1, n2 = a.sum(), b.sum()
    n = n1 + n2
    if n1 <= 0 or n2 <= 0:
        return 0.0
    return float(n * ((a * a / c).sum() / n1 + (b * b / c).sum() / n2 - 1.0))


def cut_chi2(m: sparse.csr_matrix) -> np.ndarray:
    """Chi-square of every cut of the rows of ``m`` in their order: cut ``i`` puts rows ``0..i`` first.

    With ``A`` the column sums of the first group, ``C`` those of the whole matrix and
    ``N``, ``N1`` the totals, the chi-square of the 2 × p table is
    ``N (S / N1 + (N - 2 N1 + S) / (N - N1) - 1)`` where ``S = sum_j A_j² / C_j``. When
    the row that goes first holds column ``j`` for the ``t``-th time in the order,
    ``A_j`` goes from ``t - 1`` to ``t`` and ``S`` grows by ``(2t - 1) / C_j``; so one
    pass over the non-zero cells in column order gives ``S`` for every cut.
    """
    n = m.shape[0]
    csc = m.tocsc()
    csc.sort_indices()
    col_total = np.diff(csc.indptr).astype(np.float64)  # binary: column sums
    col_of = np.repeat(np.arange(csc.shape[1]), np.diff(csc.indptr))
    rank = np.arange(csc.nnz) - np.repeat(csc.indptr[:-1], np.diff(csc.indptr)) + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        step = (2.0 * rank - 1.0) / col_total[col_of]
    s = np.cumsum(np.bincount(csc.indices, weights=step, minlength=n))[:-1]
    n1 = np.cumsum(np.asarray(m.sum(axis=1)).ravel())[:-1]
    total = float(col_total.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        chi = total * (s / n1 + (total - 2.0 * n1 + s) / (total - n1) - 1.0)
    return np.where(np.isfinite(chi), chi, 0.0)


def reassign(m: sparse.csr_matrix, first: np.ndarray, chi: float, *, min_size: int = 1,
             guard: int = 0) -> tuple[np.ndarray, float]:
    """Move rows between the two groups while a move raises the chi-square.

    ``first`` marks the rows of the first group. Each round computes, for every row,
    the chi-square if that row alone changed group; the rows that would raise it are
    tried from the largest gain down, each gain recomputed against the groups as they
    are now, and a row moves only if its move still raises the chi-square. Rounds
    repeat until no single move raises it, so the chi-square never falls. No move
    leaves a group with fewer than ``min_size`` rows, and a round starts only while
    both groups hold at least ``guard`` rows (IRaMuTeQ's guard is
    :data:`REASSIGN_GUARD`: a cut that leaves fewer than 5 segments on one side is
    kept as it is).
    """
    first = first.copy()
    c = np.asarray(m.sum(axis=0)).ravel().astype(np.float64)
    inv_c = np.zeros_like(c)
    inv_c[c > 0] = 1.0 / c[c > 0]
    r = np.asarray(m.sum(axis=1)).ravel().astype(np.float64)
    total = float(c.sum())
    a = np.asarray(m[first].sum(axis=0)).ravel().astype(np.float64)
    b = c - a
    n1 = float(r[first].sum())
    n2 = total - n1
    s_a = float((a * a * inv_c).sum())
    s_b = float((b * b * inv_c).sum())
    size1 = int(first.sum())
    size2 = len(first) - size1
    w = m @ inv_c
    indptr, indices = m.indptr, m.indices
    tol = 1e-12
    for _ in range(1000):
        if size1 < guard or size2 < guard:
            break
        u = m @ (a * inv_c)
        v = m @ (b * inv_c)
        with np.errstate(divide="ignore", invalid="ignore"):
            # row in group 1 -> group 2
            chi_12 = total * ((s_a - 2 * u + w) / (n1 - r) + (s_b + 2 * v + w) / (n2 + r) - 1.0)
            # row in group 2 -> group 1
            chi_21 = total * ((s_a + 2 * u + w) / (n1 + r) + (s_b - 2 * v + w) / (n2 - r) - 1.0)
        new = np.where(first, chi_12, chi_21)
        new = np.where(np.isfinite(new), new, -np.inf)
        candidates = np.flatnonzero(new > chi * (1 + tol) + tol)
        if not len(candidates):
            break
        candidates = candidates[np.argsort(-new[candidates], kind="stable")]
        moved = False
        for i in candidates:
            cols = indices[indptr[i]:indptr[i + 1]]
            ri = r[i]
            ic = inv_c[cols]
            wi = ic.sum()
            if first[i]:
                if size1 <= min_size:
                    continue
                ui = (a[cols] * ic).sum()
                vi = (b[cols] * ic).sum()
                sa, sb, m1, m2 = s_a - 2 * ui + wi, s_b + 2 * vi + wi, n1 - ri, n2 + ri
            else:
                if size2 <= min_size:
                    continue
                ui = (a[cols] * ic).sum()
                vi = (b[cols] * ic).sum()
                sa, sb, m1, m2 = s_a + 2 * ui + wi, s_b - 2 * vi + wi, n1 + ri, n2 - ri
            if m1 <= 0 or m2 <= 0:
                continue
            value = total * (sa / m1 + sb / m2 - 1.0)
            if value > chi * (1 + tol) + tol:
                if first[i]:
                    a[cols] -= 1.0
                    b[cols] += 1.0
                    size1, size2 = size1 - 1, size2 + 1
                else:
                    a[cols] += 1.0
                    b[cols] -= 1.0
                    size1, size2 = size1 + 1, size2 - 1
                first[i] = not first[i]
                s_a, s_b, n1, n2, chi = sa, sb, m1, m2, value
                moved = True
        if not moved:
            break
    return first, _table_chi2(a, b)


def select_columns(a: np.ndarray, b: np.ndarray, min_frequency: int, cc_test: float) -> tuple[np.ndarray, np.ndarray]:
    """Columns kept in each child (rainette's rule: frequency and contingency coefficient)."""
    c = a + b
    n1, n2 = a.sum(), b.sum()
    n = n1 + n2
    with np.errstate(divide="ignore", invalid="ignore"):
        e1 = c * n1 / n
        e2 = c * n2 / n
        chi = np.where(e1 > 0, (a - e1) ** 2 / e1, 0.0) + np.where(e2 > 0, (b - e2) ** 2 / e2, 0.0)
        cc = np.sqrt(np.where(c > 0, chi / (chi + c), 0.0))
    strong = cc > cc_test
    keep1 = (a >= min_frequency) & (~strong | (a > e1))
    keep2 = (b >= min_frequency) & (~strong | (b > e2))
    return keep1, keep2


def iramuteq_threshold(n1: int, n2: int) -> float:
    """IRaMuTeQ's chi-square threshold for a form's under-representation: ``1.9 max/min + 1.9``."""
    return round(1.9 * max(n1, n2) / min(n1, n2) + 1.9, 6)


def iramuteq_columns(a: np.ndarray, b: np.ndarray, n1: int, n2: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns kept in each child by IRaMuTeQ's rule: a form significantly rare in a child leaves it.

    ``a`` and ``b`` count, for each form, the segments of each child that contain it;
    ``n1`` and ``n2`` are the children's sizes. Each form gets the 2 × 2 table
    "child 1 or 2" × "segment without or with the form", whose chi-square is compared
    with :func:`iramuteq_threshold` (the more unequal the children, the higher it is):

    - a form absent from one child (while both children have segments without it)
      counts as significant;
    - a form present in every segment of a child, and in some of the other, counts as
      not significant;
    - otherwise the Pearson chi-square, with Yates' correction (``(|O - E| - 0.5)²``,
      not capped) when a cell is below 10.

    A significant form leaves the child where it is under-represented (fewer segments
    with it than expected): the first child if it is there, else the second.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    threshold = iramuteq_threshold(n1, n2)
    n = float(n1 + n2)
    with_form = a + b
    without = n - with_form
    o11, o12 = n1 - a, n2 - b  # segments without the form, in each child
    e11, e12 = without * n1 / n, without * n2 / n
    e21, e22 = with_form * n1 / n, with_form * n2 / n
    obs = (o11, o12, a, b)
    exp = (e11, e12, e21, e22)
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = sum((o - e) ** 2 / e for o, e in zip(obs, exp))
        yates = sum((np.abs(o - e) - 0.5) ** 2 / e for o, e in zip(obs, exp))
    small = (o11 < 10) | (o12 < 10) | (a < 10) | (b < 10)
    chi = np.where(small, yates, pearson)
    absent = (np.minimum(a, b) == 0) & (np.minimum(o11, o12) != 0)
    everywhere = (np.minimum(o11, o12) == 0) & (np.minimum(a, b) != 0)
    chi = np.where(absent, threshold + 1.0, np.where(everywhere, threshold - 1.0, chi))
    chi = np.where(np.isnan(chi), 0.0, chi)
    significant = chi > threshold
    drop1 = significant & (a < e21)
    drop2 = significant & ~drop1 & (b < e22)
    return ~drop1, ~drop2


@dataclass
class Node:
    """A node of the dendrogram: its rows and columns, its links, and its split.

    ``rows`` are the node's segments when it was made; ``cols`` the columns it may use
    (its parent's, less those its variant's rule removed from it). ``n_rows`` and
    ``n_cols`` give the size of the table its split was computed on (after its own
    pruning), 0 for a node that was not split.
    """

    rows: np.ndarray
    cols: np.ndarray
    parent: int = -1
    left: int = -1
    right: int = -1
    chi2: float = math.nan
    step: int = 0
    final: bool = False
    n_rows: int = 0
    n_cols: int = 0


def _split(m: sparse.csr_matrix, node: Node, min_class_size: int, min_split_frequency: int, cc_test: float,
           min_split_members: int = 0):
    rows, cols = node.rows, node.cols
    fewest = max(3, 2 * min_class_size, min_split_members)
    if len(rows) < fewest or len(cols) < 3:
        return None
    sub = m[rows][:, cols].tocsr()
    row_keep = np.diff(sub.indptr) > 0
    col_keep = np.bincount(sub.indices, minlength=sub.shape[1]) > 0
    if not row_keep.all() or not col_keep.all():
        sub = sub[row_keep][:, col_keep].tocsr()
        rows, cols = rows[row_keep], cols[col_keep]
    if sub.shape[0] < max(3, 2 * min_class_size) or sub.shape[1] < 3:
        return None
    order = np.argsort(first_axis(sub), kind="stable")
    chi_cuts = cut_chi2(sub[order])
    # only the cuts that leave min_class_size segments on each side
    lo, hi = min_class_size - 1, sub.shape[0] - min_class_size
    best = lo + int(np.argmax(chi_cuts[lo:hi]))
    first = np.zeros(sub.shape[0], dtype=bool)
    first[order[:best + 1]] = True
    first, chi = reassign(sub, first, float(chi_cuts[best]), min_size=min_class_size)
    if min(first.sum(), (~first).sum()) < min_class_size:
        return None
    a = np.asarray(sub[first].sum(axis=0)).ravel()
    b = np.asarray(sub[~first].sum(axis=0)).ravel()
    keep1, keep2 = select_columns(a, b, min_split_frequency, cc_test)
    return (rows[first], cols[keep1]), (rows[~first], cols[keep2]), chi, sub.shape


def _split_iramuteq(m: sparse.csr_matrix, node: Node, root: bool):
    """IRaMuTeQ's split of a class (CHD.R), or None when its table has fewer than 2 rows or columns."""
    rows, cols = node.rows, node.cols
    if len(rows) < 2 or len(cols) < 2:
        return None
    sub = m[rows][:, cols].tocsr()
    # before each split but the first, the forms of 3 segments of the class or fewer go;
    # the segments left without a form cannot be placed (unclassified)
    counts = np.bincount(sub.indices, minlength=sub.shape[1])
    col_keep = counts > (0 if root else MIN_SPLIT_FORM_SEGMENTS)
    sub = sub[:, col_keep].tocsr()
    cols = cols[col_keep]
    row_keep = np.diff(sub.indptr) > 0
    if not row_keep.all():
        sub = sub[row_keep]
        rows = rows[row_keep]
    if sub.shape[0] < 2 or sub.shape[1] < 2:
        return None
    coords = first_axis(sub)
    order = np.argsort(coords, kind="stable")
    chi_cuts = cut_chi2(sub[order])
    best = int(np.argmax(chi_cuts))  # every cut, the first of equal maxima
    # IRaMuTeQ puts in the first group every segment whose coordinate is at most the cut's:
    # identical segments (equal coordinates) stay together
    ranked = coords[order]
    spread = float(np.abs(ranked).max()) or 1.0
    end = int(np.searchsorted(ranked, ranked[best] + 1e-10 * spread, side="right")) - 1
    first = np.zeros(sub.shape[0], dtype=bool)
    if end < sub.shape[0] - 1:
        first[order[:end + 1]] = True
        chi = float(chi_cuts[end])
    else:
        first[order[:best + 1]] = True
        chi = float(chi_cuts[best])
    first, chi = reassign(sub, first, chi, min_size=1, guard=REASSIGN_GUARD)
    a = np.asarray(sub[first].sum(axis=0)).ravel()
    b = np.asarray(sub[~first].sum(axis=0)).ravel()
    keep1, keep2 = iramuteq_columns(a, b, int(first.sum()), int((~first).sum()))
    return (rows[first], cols[keep1]), (rows[~first], cols[keep2]), chi, sub.shape


def _add_children(nodes: list[Node], i: int, result, step: int) -> tuple[int, int]:
    (r1, c1), (r2, c2), chi, shape = result
    left, right = len(nodes), len(nodes) + 1
    nodes.append(Node(r1, c1, parent=i))
    nodes.append(Node(r2, c2, parent=i))
    node = nodes[i]
    node.left, node.right, node.chi2, node.step = left, right, chi, step
    node.n_rows, node.n_cols = int(shape[0]), int(shape[1])
    return left, right


def iramuteq_hierarchy(m: sparse.csr_matrix, *, k: int) -> list[Node]:
    """IRaMuTeQ's descending classification of the rows of the binary matrix ``m``: ``k - 1`` splits.

    Each split is made in the largest terminal class (the most segments; between equal
    sizes, the first of their IRaMuTeQ numbers written as text, as R's ``which.max`` over
    a table of them does), whatever its size. Node ``i`` of the list is IRaMuTeQ's class
    ``i + 1``: the root is 1 and split ``s`` makes ``2s`` and ``2s + 1``, the first being
    the segments on the lower side of the factor. A class whose table has fewer than two
    rows or two columns cannot be split (IRaMuTeQ would stop with an error); the next
    largest is split instead, so there are fewer than ``k - 1`` splits only when no class
    can be split.
    """
    rows = np.flatnonzero(np.diff(m.indptr) > 0)
    cols = np.flatnonzero(np.bincount(m.indices, minlength=m.shape[1]) > 0)
    nodes = [Node(rows, cols)]
    leaves = [0]
    step = 0
    while step < k - 1:
        open_leaves = [i for i in leaves if not nodes[i].final]
        if not open_leaves:
            break
        i = min(open_leaves, key=lambda j: (-len(nodes[j].rows), str(j + 1)))
        result = _split_iramuteq(m, nodes[i], root=i == 0)
        if result is None:
            nodes[i].final = True
            continue
        step += 1
        left, right = _add_children(nodes, i, result, step)
        leaves.remove(i)
        leaves += [left, right]
    return nodes


def descending_classification(m: sparse.csr_matrix, *, k: int, min_class_size: int, min_split_frequency: int,
                              cc_test: float, min_split_members: int = 0) -> list[Node]:
    """rainette's variant: split the largest class that can be split until there are ``k`` terminal classes.

    No cut leaves fewer than ``min_class_size`` rows on a side, no reassignment makes a
    group smaller, and a class with fewer than ``max(3, 2 * min_class_size,
    min_split_members)`` rows (or fewer than 3 columns) is not split.
    """
    rows = np.flatnonzero(np.diff(m.indptr) > 0)
    cols = np.flatnonzero(np.bincount(m.indices, minlength=m.shape[1]) > 0)
    nodes = [Node(rows, cols)]
    leaves = [0]
    step = 0
    while len(leaves) < k:
        open_leaves = [i for i in leaves if not nodes[i].final]
        if not open_leaves:
            break
        i = max(open_leaves, key=lambda j: (len(nodes[j].rows), -j))
        result = _split(m, nodes[i], min_class_size, min_split_frequency, cc_test, min_split_members)
        if result is None:
            nodes[i].final = True
            continue
        step += 1
        left, right = _add_children(nodes, i, result, step)
        leaves.remove(i)
        leaves += [left, right]
    return nodes


def leaf_order(nodes: list[Node], root: int = 0) -> list[int]:
    """The leaves under ``root``, left to right as the dendrogram draws them."""
    out, stack = [], [root]
    while stack:
        i = stack.pop()
        if nodes[i].left < 0:
            out.append(i)
        else:
            stack += [nodes[i].right, nodes[i].left]
    return out


def class_labels(nodes: list[Node], n_rows: int) -> tuple[np.ndarray, dict[int, int]]:
    """Class of each row (1.., 0 for none) and node -> class for the leaves, in dendrogram order."""
    labels = np.zeros(n_rows, dtype=np.int64)
    leaf_class = {}
    if len(nodes) == 1:
        # no split: one class of the rows that have forms, if any
        if len(nodes[0].rows):
            labels[nodes[0].rows] = 1
            leaf_class[0] = 1
        return labels, leaf_class
    for number, leaf in enumerate(leaf_order(nodes), start=1):
        labels[nodes[leaf].rows] = number
        leaf_class[leaf] = number
    return labels, leaf_class

