"""Reinert classification, IRaMuTeQ's variant: columns, minimum class size, reassignment guard, numbering.

Each answer follows by hand from the rule IRaMuTeQ 0.8's ``CHD.R`` and ``chdtxt.R`` apply
(the comments give the arithmetic); rainette's variant is checked against the outputs
the classification gave before the variants existed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.stats import chi2_contingency

from research_kit.chd import MatrixClassification, classification_summary, reinert, reinert_matrix
from research_kit.chd.bipartition import (Node, iramuteq_columns, iramuteq_hierarchy, iramuteq_threshold,
                                          reassign)
from research_kit.chd.terminal import iramuteq_labels, terminal_nodes
from research_kit.errors import ParameterError
from tests.helpers import block_tokens

# ---------------------------------------------------------------------------
# the columns of the children (CHD.R, after each split)


def test_threshold_grows_with_the_imbalance_of_the_children():
    assert iramuteq_threshold(10, 10) == pytest.approx(3.8)  # 1.9 * 1 + 1.9
    assert iramuteq_threshold(30, 10) == pytest.approx(7.6)  # 1.9 * 3 + 1.9
    assert iramuteq_threshold(10, 30) == pytest.approx(7.6)


def test_iramuteq_columns_on_tables_computed_by_hand():
    # two children of 10 segments: threshold 3.8. Counts of segments with each form:
    # f0: 8 and 1. Table [[2, 9], [8, 1]] (without / with), E = [[5.5, 5.5], [4.5, 4.5]];
    #     a cell below 10: Yates, (|O - E| - 0.5)^2 = 9 in each cell: 9/5.5 * 2 + 9/4.5 * 2 = 7.27 > 3.8;
    #     child 2 has 1 < 4.5 expected: the form leaves child 2.
    # f1: 6 and 4. E with = 5 and 5: (1 - 0.5)^2 = 0.25: 0.25/5 * 4 = 0.2: kept in both.
    # f2: 3 and 0. Absent from child 2 while both have segments without it: significant,
    #     under-represented in child 2 (0 < 1.5): leaves child 2.
    # f3: 10 and 2. In every segment of child 1: never significant, kept in both.
    # f4: 1 and 6. Yates: E with = 3.5; |O - E| = 2.5: 4/6.5 * 2 + 4/3.5 * 2 = 3.52 < 3.8: kept.
    a = np.array([8, 6, 3, 10, 1])
    b = np.array([1, 4, 0, 2, 6])
    keep1, keep2 = iramuteq_columns(a, b, 10, 10)
    assert keep1.tolist() == [True, True, True, True, True]
    assert keep2.tolist() == [False, True, False, True, True]
    # f4 made stronger, 0 and 7: Yates 3^2 / 6.5 * 2 + 9 / 3.5 * 2 = 7.91: leaves child 1
    keep1, keep2 = iramuteq_columns(np.array([0]), np.array([7]), 10, 10)
    assert (keep1.tolist(), keep2.tolist()) == ([False], [True])


def test_iramuteq_columns_without_correction_when_every_cell_is_10_or_more():
    # children of 100: 60 and 30 with the form. Table [[40, 70], [60, 30]], E = [[55, 55], [45, 45]]:
    # 225/55 * 2 + 225/45 * 2 = 18.18 > 3.8: leaves child 2. 52 and 48: (4/50) * 4 = 0.32: kept.
    keep1, keep2 = iramuteq_columns(np.array([60, 52]), np.array([30, 48]), 100, 100)
    assert keep1.tolist() == [True, True]
    assert keep2.tolist() == [False, True]


def pruning_matrix() -> sparse.csr_matrix:
    """A (18 segments: 3 of forms 0-5, all of 15, form 12 in 15 of them) and B (22: all of 14), B made of
    B1 (11: forms 6-8, form 12 in 4 of them) and B2 (11: forms 9-11, form 13 in 3 of them)."""
    rng = np.random.default_rng(0)
    a = np.zeros((18, 16))
    for i in range(18):
        a[i, rng.choice(6, 3, replace=False)] = 1
    a[:, 15] = 1
    a[:15, 12] = 1
    b1 = np.zeros((11, 16))
    b1[:, 6:9] = 1
    b1[:4, 12] = 1
    b2 = np.zeros((11, 16))
    b2[:, 9:12] = 1
    b2[:3, 13] = 1
    b = np.vstack([b1, b2])
    b[:, 14] = 1
    return sparse.csr_matrix(np.vstack([a, b]))


def test_a_form_rare_in_a_child_is_pruned_there_and_in_its_descendants():
    nodes = iramuteq_hierarchy(pruning_matrix(), k=3)
    # split 1: A (rows 0-17) against B (18-39)
    a_node, b_node = (1, 2) if nodes[1].rows.min() == 0 else (2, 1)
    assert sorted(nodes[a_node].rows) == list(range(18))
    # form 12: 15 of 18 in A, 4 of 22 in B. Table [[3, 18], [15, 4]], E = [[9.45, 11.55], [8.55, 10.45]]:
    # Yates, |O - E| = 6.45 everywhere: 5.95^2 * (1/9.45 + 1/11.55 + 1/8.55 + 1/10.45) = 14.3 >
    # 1.9 * 22/18 + 1.9 = 4.22; B has 4 < 10.45 expected: it leaves B (though 4 segments would
    # survive the "3 segments or fewer" rule)
    assert 12 in nodes[a_node].cols
    assert 12 not in nodes[b_node].cols
    # B is split next, and its children inherit the removal
    assert nodes[b_node].left > 0
    for child in (nodes[b_node].left, nodes[b_node].right):
        assert 12 not in nodes[child].cols
    assert sorted(np.concatenate([nodes[nodes[b_node].left].rows, nodes[nodes[b_node].right].rows])) == \
        list(range(18, 40))


def test_forms_of_three_segments_or_fewer_are_dropped_before_a_split():
    result = reinert_matrix(pruning_matrix(), k=3, min_class_size=1)
    splits = result.splits
    # the root keeps every non-empty form: 16
    assert splits.loc[0, "n_forms"] == 16
    # B may use forms 6-11, 13 and 14 (8); form 13 is in 3 of its segments: 7 are left
    assert splits.loc[1, "n_segments"] == 22 and splits.loc[1, "n_forms"] == 7
    assert sorted(splits.loc[1, ["n_left", "n_right"]]) == [11, 11]


# ---------------------------------------------------------------------------
# the minimum class size (chdtxt.R, find.terminales and make.classes)


def tree(sizes: dict[int, int], children: dict[int, tuple[int, int]]) -> list[Node]:
    """Nodes 0.. with the given children; leaves get consecutive rows of the given sizes, mothers the
    union of their children's (the sizes given for mothers are those sums)."""
    nodes = [Node(np.empty(0, dtype=np.int64), np.arange(3)) for _ in sizes]
    start = 0
    for i in range(len(sizes)):
        if i not in children:
            nodes[i].rows = np.arange(start, start + sizes[i])
            start += sizes[i]
    for mother, (left, right) in children.items():
        nodes[mother].left, nodes[mother].right = left, right
        nodes[left].parent = nodes[right].parent = mother
    for i in sorted(children, reverse=True):
        nodes[i].rows = np.concatenate([nodes[children[i][0]].rows, nodes[children[i][1]].rows])
        assert len(nodes[i].rows) == sizes[i]
    return nodes


def test_a_class_below_the_minimum_with_a_kept_sibling_is_dropped():
    # root -> 1 (70), 2 (30); 1 -> 3 (62), 4 (8). Minimum 20: 2 and 3 kept, 4 dropped (its
    # mother has 3 kept). Kept leaves are numbered in the order of their IRaMuTeQ numbers: 2 then 3.
    nodes = tree({0: 100, 1: 70, 2: 30, 3: 62, 4: 8}, {0: (1, 2), 1: (3, 4)})
    assert terminal_nodes(nodes, 20) == [2, 3]
    labels, node_class = iramuteq_labels(nodes, [2, 3], 100)
    assert node_class == {2: 1, 3: 2}
    assert (labels[nodes[4].rows] == 0).all() and (labels[nodes[2].rows] == 1).all()


def test_a_class_below_the_minimum_folds_into_its_mother():
    # root -> 1 (70), 2 (30); 2 -> 3 (14), 4 (16). Minimum 20: 1 kept; 3 waits, its mother 2
    # (30 >= 20) has 4 still waiting: 2 joins the queue; 2's mother is the root: dropped; then 4:
    # its mother's other descendant (3) neither kept nor waiting: 2 is kept, holding 3 and 4.
    nodes = tree({0: 100, 1: 70, 2: 30, 3: 14, 4: 16}, {0: (1, 2), 2: (3, 4)})
    kept = terminal_nodes(nodes, 20)
    assert kept == [1, 2]
    labels, _ = iramuteq_labels(nodes, kept, 100)
    assert (labels[nodes[3].rows] == 2).all() and (labels[nodes[4].rows] == 2).all()


def test_no_fold_into_a_mother_below_the_minimum():
    # root -> 1 (80), 2 (20); 2 -> 3 (12), 4 (8). Minimum 25: 2 is too small to take them in.
    nodes = tree({0: 100, 1: 80, 2: 20, 3: 12, 4: 8}, {0: (1, 2), 2: (3, 4)})
    assert terminal_nodes(nodes, 25) == [1]


def test_folding_climbs_one_level_per_mother():
    # root -> 1 (60), 2 (40); 1 -> 3 (10), 4 (50); 4 -> 5 (25), 6 (25). Minimum 30:
    # 2 kept; 3, 5, 6 wait. 3: mother 1 (60) has 5 and 6 waiting: 1 joins the front; 1: mother
    # the root, dropped. 5: mother 4 (50) has 6 waiting: 4 joins the front; 4: mother 1 (60) has
    # 6 waiting: 1 joins the front, and is dropped again. 6: mother 4's other descendant 5 is no
    # longer waiting: 4 is kept. 3's segments are unclassified.
    nodes = tree({0: 100, 1: 60, 2: 40, 3: 10, 4: 50, 5: 25, 6: 25}, {0: (1, 2), 1: (3, 4), 4: (5, 6)})
    assert terminal_nodes(nodes, 30) == [2, 4]


def test_no_class_large_enough_leaves_everything_unclassified():
    nodes = tree({0: 10, 1: 6, 2: 4}, {0: (1, 2)})
    assert terminal_nodes(nodes, 8) == []


def test_reinert_matrix_folds_a_small_pair_into_its_mother():
    m = pruning_matrix()
    # minimum 1: A, B2, B1 (kept leaves in the order of their IRaMuTeQ numbers 2 or 3, 4, 5)
    assert len(set(reinert_matrix(m, k=3, min_class_size=1).classes)) == 3
    # minimum 12: B1 and B2 (11 each) are dropped and B (22) takes their place
    result = reinert_matrix(m, k=3, min_class_size=12)
    assert result.classes[:18].tolist() == [1] * 18
    assert result.classes[18:].tolist() == [2] * 22
    # the tree's leaves are the classes: B's node is a leaf though it was split
    leaves = result.tree[result.tree["left"].isna()]
    assert sorted(leaves["cls"]) == [1, 2]
    assert len(result.splits) == 2  # k - 1 splits, whatever is kept


def one_peel_matrix() -> sparse.csr_matrix:
    """20 segments of 4 of forms 0-9, and one segment made of forms 10-12 that no other segment has."""
    rng = np.random.default_rng(1)
    m = np.zeros((21, 13))
    for i in range(20):
        m[i, rng.choice(10, 4, replace=False)] = 1
    m[20, 10:13] = 1
    return sparse.csr_matrix(m)


def test_a_one_segment_peel_is_cut_then_removed():
    result = reinert_matrix(one_peel_matrix(), k=2)
    assert isinstance(result, MatrixClassification)
    # the cut is free: the odd segment alone against the 20 others
    assert sorted(result.splits.loc[0, ["n_left", "n_right"]]) == [1, 20]
    # IRaMuTeQ's automatic minimum: round(21 / 2) = 10; the peel's mother is the root: dropped
    assert result.parameters["min_class_size"] == 10
    assert result.classes.tolist() == [1] * 20 + [0]
    # rainette's variant builds its minimum (5) into the cut: no class of one segment
    rainette = reinert_matrix(one_peel_matrix(), k=2, variant="rainette", min_class_size=5)
    assert min(np.bincount(rainette.classes)[1:]) >= 5


def test_automatic_minimum_rounds_half_to_even_as_r():
    # round(n / k) in R rounds half to even: 25 / 10 = 2.5 -> 2, 35 / 10 = 3.5 -> 4
    m25 = sparse.csr_matrix(np.kron(np.eye(5), np.ones((5, 3))))
    m35 = sparse.csr_matrix(np.kron(np.eye(5), np.ones((7, 3))))
    assert reinert_matrix(m25, k=10).parameters["min_class_size"] == 2
    assert reinert_matrix(m35, k=10).parameters["min_class_size"] == 4


# ---------------------------------------------------------------------------
# the reassignment guard (CHD.R: segments move only while both groups hold 5 or more)


def brute_chi2(m: np.ndarray, first: np.ndarray) -> float:
    table = np.vstack([m[first].sum(axis=0), m[~first].sum(axis=0)])
    table = table[:, table.sum(axis=0) > 0]
    return float(chi2_contingency(table, correction=False)[0])


def test_reassignment_is_skipped_when_a_group_has_fewer_than_5_segments():
    # two blocks of 6 identical segments; the cut puts 4 of block 1 alone: moving the 2 others
    # over would double the chi-square (18 -> 36), but the first group has 4 < 5 segments
    m = np.zeros((12, 6))
    m[:6, :3] = 1
    m[6:, 3:] = 1
    first = np.zeros(12, dtype=bool)
    first[:4] = True
    chi = brute_chi2(m, first)
    assert chi == pytest.approx(18.0)
    guarded, after = reassign(sparse.csr_matrix(m), first, chi, guard=5)
    assert guarded.tolist() == first.tolist() and after == pytest.approx(18.0)
    free, after = reassign(sparse.csr_matrix(m), first, chi)
    assert free[:6].all() and not free[6:].any() and after == pytest.approx(36.0)
    # with 5 in the first group the guard lets it move
    first[4] = True
    moved, _ = reassign(sparse.csr_matrix(m), first, brute_chi2(m, first), guard=5)
    assert moved[:6].all() and not moved[6:].any()


# ---------------------------------------------------------------------------
# the public entry point


def test_reinert_matrix_takes_counts_and_any_sparse_format():
    m = pruning_matrix()
    counts = sparse.coo_matrix(m.toarray() * 3)
    assert reinert_matrix(counts, k=3).classes.tolist() == reinert_matrix(m, k=3).classes.tolist()


def test_reinert_matrix_errors():
    m = pruning_matrix()
    with pytest.raises(ParameterError, match="RK-P71"):
        reinert_matrix(m.toarray())
    with pytest.raises(ParameterError, match="RK-P71"):
        reinert_matrix(-m)
    with pytest.raises(ParameterError, match="RK-P70"):
        reinert_matrix(sparse.csr_matrix((4, 3)))
    with pytest.raises(ParameterError, match="RK-P71.*tsj.*variant='rainette'"):
        reinert_matrix(m, tsj=2)
    with pytest.raises(ParameterError, match="RK-P71"):
        reinert(block_tokens([12, 9]), cc_test=0.2)
    with pytest.raises(ParameterError, match="RK-P01"):
        reinert_matrix(m, variant="alceste")
    with pytest.raises(ParameterError, match="RK-P23"):
        reinert_matrix(m, k=1)


def test_reinert_default_is_iramuteq_and_reports_its_splits():
    result = reinert(block_tokens([20, 16, 12]), k=3, min_class_size=2, min_frequency=1)
    assert result.parameters["variant"] == "iramuteq"
    assert list(result.splits.columns) == ["step", "node", "n_segments", "n_forms", "chi2", "left", "right",
                                           "n_left", "n_right"]
    assert len(result.splits) == 2
    cls = result.segments["cls"].to_numpy()
    assert [len(set(cls[a:b])) for a, b in ((0, 20), (20, 36), (36, 48))] == [1, 1, 1]
    assert len(set(cls)) == 3


def test_iramuteq_double_classification_on_blocks():
    result = reinert(block_tokens([12, 9]), k=2, min_class_size=2, min_frequency=1, double=True, uc_sizes=(1, 2))
    cls = result.segments["cls"].to_numpy()
    assert len(set(cls[:12])) == 1 and len(set(cls[12:])) == 1 and cls[0] != cls[12] and 0 not in cls
    kept = result.crossed[result.crossed["kept"]]
    # IRaMuTeQ's numbers of the crossed classes: 2 and 3 in each tree
    assert set(kept["cls_1"]) == {2, 3} and set(kept["cls_2"]) == {2, 3}
    assert kept["chi2"].tolist() == pytest.approx([21.0, 21.0])
    assert result.splits is None


def test_iramuteq_double_never_keeps_a_class_and_its_mother():
    tokens = block_tokens([14, 12, 10])
    result = reinert(tokens, k=3, min_frequency=1, double=True, uc_sizes=(1, 2), min_class_size=3)
    kept = result.crossed[result.crossed["kept"]]
    tree = result.tree
    assert sorted(tree.loc[tree["cls"] > 0, "cls"]) == sorted(kept["cls"])
    # the kept classes of the first tree are leaves of the drawn tree: none is under another
    assert tree.loc[tree["cls"] > 0, "left"].isna().all()
    assert (result.segments["cls"] > 0).sum() == kept["n_segments"].sum()


# ---------------------------------------------------------------------------
# rainette's variant: what the classification gave before the variants existed


def topical_matrix(seed: int = 11, n: int = 150, topics: int = 3, per_topic: int = 12, shared: int = 20):
    rng = np.random.default_rng(seed)
    m = np.zeros((n, topics * per_topic + shared))
    topic = rng.integers(0, topics, n)
    for i in range(n):
        m[i, topic[i] * per_topic + rng.choice(per_topic, 4, replace=False)] = 1
        m[i, topics * per_topic + rng.choice(shared, 3, replace=False)] = 1
    return sparse.csr_matrix(m)


# labels and split chi-squares of descending_classification(k=5, min_class_size=5,
# min_split_frequency=3, cc_test=0.3) on topical_matrix(), computed before this change
BEFORE = ("551333143532353522232343332424325233222312444323131325322214232454114354224532243444332332321314"
          "554253112435424354244424354243343214154312153235151534")
BEFORE_CHI2 = [617.215116, 393.600358, 94.222651, 83.74139]


def left_to_right(tree: pd.DataFrame) -> list[int]:
    """The classes of a tree frame in the order the dendrogram draws them."""
    by_node = tree.set_index("node")
    out, stack = [], [int(tree.loc[tree["parent"].isna(), "node"].iloc[0])]
    while stack:
        node = stack.pop()
        if pd.isna(by_node.loc[node, "left"]):
            out.append(int(by_node.loc[node, "cls"]))
        else:
            stack += [int(by_node.loc[node, "right"]), int(by_node.loc[node, "left"])]
    return out


def test_rainette_variant_is_unchanged():
    result = reinert_matrix(topical_matrix(), k=5, variant="rainette", min_class_size=5)
    assert "".join(map(str, result.classes)) == BEFORE
    assert result.splits["chi2"].round(6).tolist() == BEFORE_CHI2
    # classes numbered left to right in the dendrogram
    assert left_to_right(result.tree) == list(range(1, 6))
    # tsj and cc_test are rainette's names for the same rule
    same = reinert_matrix(topical_matrix(), k=5, variant="rainette", min_class_size=5, tsj=3, cc_test=0.3)
    assert same.classes.tolist() == result.classes.tolist()


def test_rainette_min_split_members_stops_small_groups():
    m = topical_matrix()
    result = reinert_matrix(m, k=10, variant="rainette", min_class_size=5, min_split_members=60)
    # no class with fewer than 60 segments was split
    split = result.splits
    assert (split["n_segments"] >= 60).all()


def test_iramuteq_numbers_classes_as_iramuteq():
    result = reinert_matrix(topical_matrix(), k=5)
    tree = result.tree
    leaves = tree[tree["cls"] > 0].sort_values("cls")
    # kept terminal nodes first, by IRaMuTeQ number (node + 1); mothers kept in their place after
    terminal = leaves[~leaves["node"].isin(result.splits["node"])]
    assert terminal["node"].is_monotonic_increasing
    assert result.parameters["min_class_size"] == 30  # round(150 / 5)
    sizes = np.bincount(result.classes)[1:]
    assert (sizes >= 30).all()


# ---------------------------------------------------------------------------
# the summary: labels, shares, marginal classes


def test_summary_labels_and_marginal_classes():
    result = reinert(block_tokens([40, 30, 4]), k=3, min_frequency=1, variant="rainette", min_class_size=2)
    classes, quotes = classification_summary(result, lang="fr")
    assert list(classes.columns) == ["cls", "label", "n_segments", "percent", "share", "marginal", "words",
                                     "variables"]
    for row in classes.itertuples():
        first_three = row.words.split(", ")[:3]
        assert row.label == f"Classe {row.cls} — {', '.join(first_three)}"
    # share of all 74 segments: 4 / 74 = 5.4 %, not below 5 %
    by_size = classes.set_index("n_segments")
    assert sorted(by_size.index) == [4, 30, 40]
    assert by_size.loc[4, "share"] == pytest.approx(5.4)
    assert not by_size["marginal"].any()
    strict, _ = classification_summary(result, lang="en", marginal_share=0.1)
    assert strict.set_index("n_segments")["marginal"].to_dict() == {40: False, 30: False, 4: True}
    assert strict["label"].str.startswith("Class ").all()
    assert set(quotes["label"]) <= set(classes["label"])
    with pytest.raises(ParameterError, match="RK-P71"):
        classification_summary(result, lang="fr", marginal_share=5)


def test_plot_places_leaves_by_the_tree_not_by_number():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from research_kit.ca import correspondence_analysis
    from research_kit.plots.chd import plot_correspondence, plot_reinert

    result = reinert(block_tokens([14, 12, 10]), k=3, min_frequency=1, min_class_size=2)
    assert isinstance(plot_reinert(result), Figure)
    fig = plot_correspondence(correspondence_analysis(result), n_rows=18)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert len(boxes) == 18 + 3
    overlaps = sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert overlaps == 0
    plt.close("all")


def test_frames_have_the_documented_dtypes():
    result = reinert_matrix(pruning_matrix(), k=3, min_class_size=1)
    assert result.classes.dtype == np.int64
    assert str(result.tree["parent"].dtype) == "Int64"
    assert pd.api.types.is_float_dtype(result.splits["chi2"])
