"""Step 5 of IRaMuTeQ's variant: which classes of the tree are kept, and their numbers.

IRaMuTeQ cuts freely and applies its minimum class size afterwards (``find.terminales``
in its ``chdtxt.R``): the terminal classes of at least ``min_class_size`` segments are
kept; a smaller one is dropped, and its mother takes its place when the mother is large
enough and none of its other descendants is kept or still to be examined
(:func:`terminal_nodes`). The kept classes are numbered in the order that rule finds
them (``make.classes``), which is how IRaMuTeQ numbers its classes
(:func:`iramuteq_labels`). Step 5 of the package documentation (:mod:`research_kit.chd`)
tells the rule in full.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from .bipartition import Node

__all__ = ["terminal_nodes", "iramuteq_labels", "descendants"]


def descendants(nodes: list[Node], i: int) -> list[int]:
    """Every node under node ``i`` (not ``i`` itself)."""
    out: list[int] = []
    stack = [nodes[i].left, nodes[i].right] if nodes[i].left >= 0 else []
    while stack:
        j = stack.pop()
        out.append(j)
        if nodes[j].left >= 0:
            stack += [nodes[j].left, nodes[j].right]
    return out


def terminal_nodes(nodes: list[Node], min_class_size: int) -> list[int]:
    """The nodes kept as classes, in IRaMuTeQ's order (its ``find.terminales``).

    A node's size is the number of segments it held when its split made it (IRaMuTeQ
    reads it from the column of that split). The rule, over the terminal nodes:

    1. those of at least ``min_class_size`` segments are kept, in the order of their
       IRaMuTeQ numbers (``node + 1``); the others wait in a queue, in the same order;
    2. a node taken from the front of the queue is dropped when its mother is the root;
       otherwise its mother is looked at. When the mother holds at least
       ``min_class_size`` segments and none of her other descendants is kept: if none
       of them waits in the queue either, the mother is kept (after the nodes kept so
       far) and her descendants leave the queue; if some still wait, the mother joins
       the front of the queue (once), to be looked at in turn. In every other case the
       node is simply dropped.

    Returns an empty list when no terminal node is large enough (IRaMuTeQ then reports
    "no clusters"). A tree without a split keeps its root when it is large enough.
    """
    size = [len(node.rows) for node in nodes]
    if len(nodes) == 1:
        return [0] if size[0] >= max(min_class_size, 1) else []
    leaves = [i for i, node in enumerate(nodes) if node.left < 0]
    kept = [i for i in leaves if size[i] >= min_class_size]
    if not kept:
        return []
    kept_set = set(kept)
    queue = deque(i for i in leaves if size[i] < min_class_size)
    under = {}
    while queue:
        v = queue.popleft()
        mother = nodes[v].parent
        if mother <= 0 or size[mother] < min_class_size:
            continue
        if mother not in under:
            under[mother] = set(descendants(nodes, mother))
        others = under[mother] - {v}
        if others & kept_set:
            continue
        waiting = others & set(queue)
        if not waiting:
            kept.append(mother)
            kept_set.add(mother)
            queue = deque(j for j in queue if j not in others and j != mother)
        elif mother not in queue:
            queue.appendleft(mother)
    return kept


def iramuteq_labels(nodes: list[Node], kept: list[int], n_rows: int) -> tuple[np.ndarray, dict[int, int]]:
    """Class of each row (1.. in the order of ``kept``, 0 for none) and node -> class for the kept nodes.

    A kept node's segments are those of the terminal nodes under it (or its own when it
    is terminal): segments that lost every form when one of its descendants was split
    stay unclassified, as in IRaMuTeQ's ``make.classes``.
    """
    labels = np.zeros(n_rows, dtype=np.int64)
    node_class = {}
    for number, i in enumerate(kept, start=1):
        node_class[i] = number
        if nodes[i].left < 0:
            labels[nodes[i].rows] = number
        else:
            for j in descendants(nodes, i):
                if nodes[j].left < 0:
                    labels[nodes[j].rows] = number
    return labels, node_class
