"""Steps 3 to 5 on a given matrix: :func:`reinert_matrix` classifies the rows of a binary segment × form matrix.

It is what :func:`~research_kit.chd.reinert` calls once it has cut the segments and built
their matrix, and what a researcher calls to classify the very matrix IRaMuTeQ or
rainette classified. ``variant`` chooses whose rules the splits, the pruning of columns
and the minimum class size follow (steps 3 to 5 of the package documentation,
:mod:`research_kit.chd`). The result is a :class:`MatrixClassification`: the class of
each row, the tree, and every split made.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import ParameterError, check_int, check_option
from .bipartition import Node, class_labels, descending_classification, iramuteq_hierarchy
from .terminal import iramuteq_labels, terminal_nodes

__all__ = ["Variant", "VARIANTS", "MatrixClassification", "reinert_matrix", "resolve_options", "tree_frame",
           "splits_frame", "classify_rows"]

Variant = Literal["iramuteq", "rainette"]
#: The variants of the method, the default first.
VARIANTS: tuple[str, ...] = ("iramuteq", "rainette")

_RAINETTE_ONLY = ("min_split_members", "tsj", "cc_test")


def check_number(value: object, name: str, *, minimum: float, function: str, maximum: float | None = None) -> float:
    """``value`` as a float in ``[minimum, maximum]``, or ``ParameterError`` ``RK-P71``."""
    ok = not isinstance(value, bool) and isinstance(value, numbers.Real) and value >= minimum
    if ok and maximum is not None and not value <= maximum:
        ok = False
    if not ok:
        bounds = f">= {minimum}" + (f" and <= {maximum}" if maximum is not None else "")
        raise ParameterError("RK-P71", f"the {name!r} parameter of {function}() must be a number {bounds}; "
                                       f"got {value!r} instead.")
    return float(value)


def resolve_options(*, function: str, variant: object, k: object, min_class_size: object, n_rows: int,
                    n_with_forms: int, min_split_members: object = None, tsj: object = None,
                    cc_test: object = None) -> dict[str, Any]:
    """The classification options checked and resolved, as :func:`reinert_matrix` uses them.

    ``n_rows`` is the number of rows of the matrix IRaMuTeQ's automatic minimum divides
    by ``k``; ``n_with_forms`` the rows that hold a form (for rainette's variant).
    """
    check_option("variant", variant, VARIANTS, function=function)
    k = check_int(k, "k", function=function, minimum=2)
    given = {"min_split_members": min_split_members, "tsj": tsj, "cc_test": cc_test}
    if variant == "iramuteq":
        for name in _RAINETTE_ONLY:
            if given[name] is not None:
                raise ParameterError(
                    "RK-P71", f"the {name!r} parameter of {function}() is rainette's and applies to "
                              f"variant='rainette' only; IRaMuTeQ's rule (variant='iramuteq') has no such setting.",
                    hint=f"Leave {name} out, or pass variant='rainette'.")
        if min_class_size is None:
            min_class_size = int(round(n_rows / k))  # IRaMuTeQ: round(rows / classes), R's round half to even
        else:
            min_class_size = check_int(min_class_size, "min_class_size", function=function, minimum=1)
        return {"variant": variant, "k": k, "min_class_size": min_class_size, "min_split_members": None,
                "tsj": None, "cc_test": None}
    if min_class_size is None:
        min_class_size = max(5, int(math.ceil(0.01 * n_with_forms)))
    else:
        min_class_size = check_int(min_class_size, "min_class_size", function=function, minimum=1)
    if min_split_members is not None:
        min_split_members = check_int(min_split_members, "min_split_members", function=function, minimum=1)
    tsj = 3 if tsj is None else check_int(tsj, "tsj", function=function, minimum=1)
    cc_test = 0.3 if cc_test is None else check_number(cc_test, "cc_test", minimum=0, function=function)
    return {"variant": variant, "k": k, "min_class_size": min_class_size, "min_split_members": min_split_members,
            "tsj": tsj, "cc_test": cc_test}


def classify_rows(m: sparse.csr_matrix, options: dict[str, Any]) -> tuple[list[Node], np.ndarray, dict[int, int]]:
    """The tree of the rows of the binary matrix ``m``, each row's class and the node of each class.

    ``options`` is what :func:`resolve_options` returned.
    """
    n_rows = m.shape[0]
    if options["variant"] == "iramuteq":
        nodes = iramuteq_hierarchy(m, k=options["k"])
        kept = terminal_nodes(nodes, options["min_class_size"])
        labels, node_class = iramuteq_labels(nodes, kept, n_rows)
        return nodes, labels, node_class
    nodes = descending_classification(m, k=options["k"], min_class_size=options["min_class_size"],
                                      min_split_frequency=options["tsj"], cc_test=options["cc_test"],
                                      min_split_members=options["min_split_members"] or 0)
    labels, leaf_class = class_labels(nodes, n_rows)
    return nodes, labels, leaf_class


_TREE_COLUMNS = (("node", "int64"), ("parent", "Int64"), ("left", "Int64"), ("right", "Int64"), ("step", "Int64"),
                 ("n_segments", "int64"), ("chi2", "float64"), ("height", "float64"), ("cls", "int64"))


def tree_frame(nodes: list[Node], node_class: dict[int, int], labels: np.ndarray) -> pd.DataFrame:
    """The ``tree`` frame: the dendrogram whose leaves are the classes (``node_class``: node -> class).

    Nodes keep their numbers in ``nodes``. A branch without a class is removed and a node
    left with one child gives way to it (as ``ape::drop.tip``, which IRaMuTeQ uses); a
    class's node is a leaf even when the classification split it further.
    """
    if not node_class:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _TREE_COLUMNS})
    memo: dict[int, bool] = {}

    def alive(i: int) -> bool:
        if i not in memo:
            node = nodes[i]
            memo[i] = i in node_class or (node.left >= 0 and (alive(node.left) or alive(node.right)))
        return memo[i]

    def resolve(i: int) -> int:
        while i not in node_class and nodes[i].left >= 0:
            left, right = nodes[i].left, nodes[i].right
            if alive(left) and alive(right):
                return i
            i = left if alive(left) else right
        return i

    links: dict[int, tuple[int, int, int]] = {}

    def build(i: int, parent: int) -> int:
        j = resolve(i)
        if j in node_class:
            links[j] = (parent, -1, -1)
        else:
            links[j] = (parent, build(nodes[j].left, j), build(nodes[j].right, j))
        return j

    build(0, -1)
    ids = sorted(links)
    sizes = np.bincount(labels, minlength=max(node_class.values()) + 1)
    count = {i: int(sizes[node_class[i]]) if i in node_class else 0 for i in ids}
    for i in reversed(ids):  # children come after their parent
        _, left, right = links[i]
        if left >= 0:
            count[i] = count[left] + count[right]
    internal = [i for i in ids if links[i][1] >= 0]
    ranked = sorted(internal, key=lambda i: nodes[i].step)
    step_of = {i: s for s, i in enumerate(ranked, start=1)}
    chis = [nodes[i].chi2 for i in ranked]
    height = {i: float(np.sum(chis[s:])) for s, i in enumerate(ranked)}
    na = pd.NA
    return pd.DataFrame({
        "node": np.array(ids, dtype=np.int64),
        "parent": pd.array([links[i][0] if links[i][0] >= 0 else na for i in ids], dtype="Int64"),
        "left": pd.array([links[i][1] if links[i][1] >= 0 else na for i in ids], dtype="Int64"),
        "right": pd.array([links[i][2] if links[i][2] >= 0 else na for i in ids], dtype="Int64"),
        "step": pd.array([step_of.get(i, na) for i in ids], dtype="Int64"),
        "n_segments": np.array([count[i] for i in ids], dtype=np.int64),
        "chi2": np.array([nodes[i].chi2 if i in step_of else math.nan for i in ids], dtype=float),
        "height": np.array([height.get(i, 0.0) for i in ids], dtype=float),
        "cls": np.array([node_class.get(i, 0) for i in ids], dtype=np.int64),
    })


def splits_frame(nodes: list[Node]) -> pd.DataFrame:
    """The ``splits`` frame: one row per split made, in order."""
    internal = sorted((i for i, nd in enumerate(nodes) if nd.left >= 0), key=lambda i: nodes[i].step)
    return pd.DataFrame({
        "step": np.array([nodes[i].step for i in internal], dtype=np.int64),
        "node": np.array(internal, dtype=np.int64),
        "n_segments": np.array([nodes[i].n_rows for i in internal], dtype=np.int64),
        "n_forms": np.array([nodes[i].n_cols for i in internal], dtype=np.int64),
        "chi2": np.array([nodes[i].chi2 for i in internal], dtype=float),
        "left": np.array([nodes[i].left for i in internal], dtype=np.int64),
        "right": np.array([nodes[i].right for i in internal], dtype=np.int64),
        "n_left": np.array([len(nodes[nodes[i].left].rows) for i in internal], dtype=np.int64),
        "n_right": np.array([len(nodes[nodes[i].right].rows) for i in internal], dtype=np.int64),
    })


@dataclass(frozen=True, eq=False)
class MatrixClassification:
    """What :func:`reinert_matrix` returns.

    Attributes
    ----------
    classes
        One whole number per row of the matrix: its class, 1 to the number of classes,
        or 0 when unclassified (no form, no form left when its class was split, or, with
        IRaMuTeQ's variant, in a class dropped for its size). IRaMuTeQ's variant numbers
        the classes as IRaMuTeQ does (kept terminal classes by their IRaMuTeQ number, then
        the mothers kept in their place); rainette's numbers them left to right in the
        dendrogram.
    tree
        The dendrogram whose leaves are the classes, with the columns of
        :attr:`research_kit.chd.Reinert.tree`; ``node + 1`` is the class number IRaMuTeQ
        gives that node in its whole tree (1 the root, ``2s`` and ``2s + 1`` the two
        groups of split ``s``).
    splits
        One row per split made, in order, the dropped classes' included: ``step`` (from
        1); ``node`` (the class split); ``n_segments`` and ``n_forms`` (the rows and
        columns of its table, after its pruning); ``chi2`` (of the 2 × forms table of the
        two groups, after reassignment); ``left``, ``right`` (the two groups' nodes);
        ``n_left``, ``n_right`` (their sizes).
    parameters
        The options as resolved (``variant``, ``k``, ``min_class_size``,
        ``min_split_members``, ``tsj``, ``cc_test``), with ``n_rows`` and ``n_classes``.
    """

    classes: np.ndarray
    tree: pd.DataFrame
    splits: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def n_classes(self) -> int:
        """Number of classes (0 when nothing could be classified)."""
        return int(self.classes.max(initial=0))

    def __repr__(self) -> str:
        n = len(self.classes)
        classified = int((self.classes > 0).sum())
        share = f"{100 * classified / n:.1f} %" if n else "-"
        return (f"<MatrixClassification ({self.parameters.get('variant')}): {self.n_classes} classes, {n} rows, "
                f"{classified} classified ({share}), {len(self.splits)} splits>")


def binary_matrix(x: object, function: str) -> sparse.csr_matrix:
    """``x`` as a binary CSR matrix of float64 (any non-zero cell is 1), or ``ParameterError`` ``RK-P71``."""
    if not sparse.issparse(x) or len(x.shape) != 2:
        raise ParameterError("RK-P71", f"the 'x' parameter of {function}() must be a scipy sparse matrix, one row "
                                       f"per segment and one column per form; got {type(x).__name__} instead.",
                             hint="scipy.sparse.csr_matrix(array) turns a numpy array into one.")
    m = sparse.csr_matrix(x, dtype=np.float64, copy=True)
    m.sum_duplicates()
    if not np.isfinite(m.data).all() or (m.data < 0).any():
        raise ParameterError("RK-P71", f"the 'x' parameter of {function}() must hold presences (0 or 1) or counts; "
                                       "it holds negative or missing values.")
    m.eliminate_zeros()
    m.data[:] = 1.0
    return m


def reinert_matrix(
    x: sparse.spmatrix | sparse.sparray,
    *,
    k: int = 10,
    variant: Variant = "iramuteq",
    min_class_size: int | None = None,
    min_split_members: int | None = None,
    tsj: int | None = None,
    cc_test: float | None = None,
) -> MatrixClassification:
    """Classify the rows (segments) of a segment × form matrix by Reinert's method.

    Parameters
    ----------
    x
        A scipy sparse matrix, one row per text segment and one column per form; any
        non-zero cell counts as "the segment contains the form" (the method uses
        presence, not frequency).
    k
        IRaMuTeQ's variant makes ``k - 1`` splits (its "classes terminales de la phase
        1"); rainette's splits until ``k`` terminal classes.
    variant
        ``"iramuteq"`` (default): IRaMuTeQ's rules for the columns of each class, the
        reassignment and the minimum class size; ``"rainette"``: rainette's.
    min_class_size
        IRaMuTeQ's variant: the fewest segments a class may hold, applied once the tree
        is made (a smaller class is dropped, its mother possibly kept in its place);
        ``None``: ``round(rows / k)``, IRaMuTeQ's automatic minimum. rainette's variant:
        no cut leaves fewer on a side; ``None``: 1 % of the rows that hold a form, at
        least 5.
    min_split_members, tsj, cc_test
        rainette's variant only (its parameters of these names): a class with fewer
        than ``min_split_members`` segments is not split (``None``: ``2 *
        min_class_size``, at least 3); a form stays in a child only if it is in ``tsj``
        of its segments (``None``: 3) and, when its contingency coefficient between the
        two children exceeds ``cc_test`` (``None``: 0.3), only in the child where it is
        over-represented.

    Returns
    -------
    MatrixClassification
        ``.classes`` (one per row), ``.tree``, ``.splits``: see its documentation.

    Raises
    ------
    ParameterError
        ``RK-P70`` when no row holds a form; ``RK-P71`` when ``x`` is not a sparse
        matrix of presences or counts, or a rainette parameter is given with
        ``variant="iramuteq"``; ``RK-P01``, ``RK-P23`` for other values it cannot use.

    References
    ----------
    Reinert, M. (1983). Une méthode de classification descendante hiérarchique :
    application à l'analyse lexicale par contexte. *Les cahiers de l'analyse des
    données*, 8(2), 187-198.

    Ratinaud, P. IRaMuTeQ, ``Rscripts/CHD.R`` and ``Rscripts/chdtxt.R``.
    http://www.iramuteq.org

    Barnier, J. rainette: The Reinert Method for Textual Data Clustering.
    https://juba.github.io/rainette/

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import sparse
    >>> x = sparse.csr_matrix(np.kron(np.eye(2), np.ones((6, 4))))  # two blocks of 6 segments
    >>> reinert_matrix(x, k=2).classes.tolist()
    [2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1]
    """
    fn = "reinert_matrix"
    m = binary_matrix(x, fn)
    n_with = int((np.diff(m.indptr) > 0).sum())
    options = resolve_options(function=fn, variant=variant, k=k, min_class_size=min_class_size,
                              n_rows=m.shape[0], n_with_forms=n_with, min_split_members=min_split_members,
                              tsj=tsj, cc_test=cc_test)
    if not n_with:
        raise ParameterError("RK-P70", f"{fn}() found no row with a form: the matrix has {m.shape[0]} rows and no "
                                       "non-zero cell.", hint="Check that the rows are segments and the columns forms.")
    nodes, labels, node_class = classify_rows(m, options)
    parameters = {**options, "n_rows": int(m.shape[0]), "n_classes": int(labels.max(initial=0))}
    return MatrixClassification(labels, tree_frame(nodes, node_class, labels), splits_frame(nodes), parameters)
