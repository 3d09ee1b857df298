"""Reinert classification: segmentation, one split, the hierarchy, profiles, and a smoke run.

The maths are checked on matrices whose answer is known (blocks), against brute force
(every cut, every single move), and on a 2 x 2 profile computed by hand.
"""

from __future__ import annotations

import itertools
import textwrap

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.stats import chi2_contingency

from research_kit import chd
from research_kit.chd import Reinert, classification_summary, reinert, text_segments
from research_kit.chd.bipartition import (class_labels, cut_chi2, descending_classification, first_axis, reassign,
                                          select_columns)
from research_kit.chd.double import context_units
from research_kit.errors import ParameterError, SchemaError
from tests.helpers import block_matrix, block_tokens
from tests.helpers import make_item_tokens

# ---------------------------------------------------------------------------
# hand-made tokens


def words(n: int, start: int = 0) -> list[str]:
    return [f"w{i}" for i in range(start, start + n)]


def sizes(segments: pd.DataFrame) -> list[int]:
    return segments["n_words"].tolist()


# ---------------------------------------------------------------------------
# 1. segments: the behaviour rainette documents for split_segments()
#    (segment_size = 40, window = 0.4 * 40 = 16; candidates 1..56 scored
#    weight / (|position - 40| + 1), weights . ? ! … 6, : 5, ; 4, , 1, none 0.01)


def test_short_document_is_one_segment():
    seg = text_segments(make_item_tokens({"d": words(40)}))
    assert sizes(seg) == [40]


def test_without_punctuation_cuts_at_segment_size():
    # 100 words: cut after 40 (0.01 / 1 beats 0.01 / k), after 80, then the last 20 remain
    seg = text_segments(make_item_tokens({"d": words(100)}))
    assert sizes(seg) == [40, 40, 20]


def test_full_stop_near_the_size_wins():
    # full stop after word 35: 6 / (|35 - 40| + 1) = 1.0 > 0.01
    items = words(35) + ["."] + words(65, 35)
    assert sizes(text_segments(make_item_tokens({"d": items})))[0] == 35


def test_tie_goes_to_the_first_candidate():
    # full stop after 35 scores 6 / 6 = 1.0, comma after 40 scores 1 / 1 = 1.0: the first wins
    items = words(35) + ["."] + words(5, 35) + [","] + words(60, 40)
    assert sizes(text_segments(make_item_tokens({"d": items})))[0] == 35


def test_comma_at_the_size_beats_a_far_full_stop():
    # full stop after 50: 6 / 11 = 0.545; comma after 40: 1 / 1 = 1.0
    items = words(40) + [","] + words(10, 40) + ["."] + words(50, 50)
    assert sizes(text_segments(make_item_tokens({"d": items})))[0] == 40


def test_colon_and_semicolon_weights():
    # colon after 44: 5 / 5 = 1.0 beats the semicolon after 38: 4 / 3 = 1.33? no: 1.33 wins
    items = words(38) + [";"] + words(6, 38) + [":"] + words(60, 44)
    assert sizes(text_segments(make_item_tokens({"d": items})))[0] == 38
    # colon after 44 (5 / 5 = 1.0) beats nothing else (0.01)
    items = words(44) + [":"] + words(60, 44)
    assert sizes(text_segments(make_item_tokens({"d": items})))[0] == 44


def test_window_reaches_size_plus_window_words():
    # full stop after 56 = 40 + 16: 6 / 17 = 0.35 > 0.01: taken
    items = words(56) + ["."] + words(60, 56)
    assert sizes(text_segments(make_item_tokens({"d": items})))[0] == 56
    # after 57, out of the window: the cut stays at 40
    items = words(57) + ["."] + words(60, 57)
    assert sizes(text_segments(make_item_tokens({"d": items})))[0] == 40
    # window=0: no candidate beyond 40
    items = words(41) + ["."] + words(60, 41)
    assert sizes(text_segments(make_item_tokens({"d": items}), window=0))[0] == 40


def test_a_far_strong_break_can_win():
    # rainette's rule, documented: a full stop after word 10 (6 / 31 = 0.19) beats no
    # punctuation at all (0.01 at best)
    items = words(10) + ["."] + words(90, 10)
    assert sizes(text_segments(make_item_tokens({"d": items})))[0] == 10


def test_last_segment_keeps_up_to_size_plus_window_words():
    # 56 words: the loop needs more than 56 words to cut, so one segment of 56
    assert sizes(text_segments(make_item_tokens({"d": words(56)}))) == [56]
    # 57 words: cut at 40, 17 remain
    assert sizes(text_segments(make_item_tokens({"d": words(57)}))) == [40, 17]


def test_turn_end_counts_as_a_full_stop():
    items = words(36) + ["|"] + words(64, 36)
    seg = text_segments(make_item_tokens({"d": items}))
    assert sizes(seg)[0] == 36
    assert seg["turn"].tolist()[:2] == [0, 1]


def test_segments_never_cross_documents():
    seg = text_segments(make_item_tokens({"a": words(30), "b": words(30, 30), "c": words(90, 60)}))
    # c: 90 words, cut at 40; 50 words remain, no more than 40 + 16: the last segment
    assert seg["doc_id"].tolist() == ["a", "b", "c", "c"]
    assert sizes(seg) == [30, 30, 40, 50]
    assert seg["segment"].tolist() == list(range(4))


def test_segment_offsets_and_text():
    seg = text_segments(make_item_tokens({"d": ["Bon", ",", "on", "commence", ".", "Merci", "."]}), segment_size=3,
                        window=0)
    # 4 words > 3: candidates 1..3 from "Bon"; after "commence" (position 3) the full stop scores 6 / 1
    assert seg["text"].tolist() == ["Bon , on commence .", "Merci ."]
    assert seg["start_char"].tolist() == [0, 20]
    assert seg["end_char"].tolist() == [19, 27]


def test_opening_brackets_go_with_the_next_word():
    items = words(38) + ["."] + ["["] + ["rires"] + ["]"] + words(60, 38)
    seg = text_segments(make_item_tokens({"d": items}))
    assert seg["text"].iloc[1].startswith("[ rires ]")


def test_segment_size_must_be_a_number():
    with pytest.raises(ParameterError, match="RK-P23"):
        text_segments(make_item_tokens({"d": words(5)}), segment_size=0)


# ---------------------------------------------------------------------------
# 3. one split: every cut, reassignment


def brute_chi2(m: np.ndarray, first: np.ndarray) -> float:
    """Pearson chi-square of the 2 x p table of the two groups' column sums (empty columns dropped)."""
    table = np.vstack([m[first].sum(axis=0), m[~first].sum(axis=0)])
    table = table[:, table.sum(axis=0) > 0]
    return float(chi2_contingency(table, correction=False)[0])


def random_binary(n: int, p: int, density: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    m = (rng.random((n, p)) < density).astype(float)
    m[np.arange(n), rng.integers(0, p, n)] = 1.0  # every row holds a form
    return m


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_incremental_chi2_equals_every_cut_computed_afresh(seed):
    m = random_binary(40, 25, 0.15, seed)
    order = np.random.default_rng(seed).permutation(40)
    fast = cut_chi2(sparse.csr_matrix(m[order]))
    for cut in range(1, 40):
        first = np.zeros(40, dtype=bool)
        first[order[:cut]] = True
        assert fast[cut - 1] == pytest.approx(brute_chi2(m, first), rel=1e-9)


def test_chosen_cut_has_the_highest_chi2_of_all_cuts():
    m = random_binary(60, 30, 0.12, 7)
    sub = sparse.csr_matrix(m)
    order = np.argsort(first_axis(sub), kind="stable")
    brute = []
    for cut in range(1, 60):
        first = np.zeros(60, dtype=bool)
        first[order[:cut]] = True
        brute.append(brute_chi2(m, first))
    fast = cut_chi2(sub[order])
    assert int(np.argmax(fast)) == int(np.argmax(brute))
    assert fast.max() == pytest.approx(max(brute))


@pytest.mark.parametrize("seed", [3, 4, 5, 6])
def test_reassignment_never_lowers_the_chi2_and_ends_at_a_local_optimum(seed):
    m = random_binary(30, 20, 0.2, seed)
    first = np.random.default_rng(seed).random(30) < 0.5
    before = brute_chi2(m, first)
    after_groups, after = reassign(sparse.csr_matrix(m), first, before)
    assert after >= before - 1e-9
    assert after == pytest.approx(brute_chi2(m, after_groups))
    # no single move raises it any more
    for i in range(30):
        moved = after_groups.copy()
        moved[i] = not moved[i]
        if moved.all() or not moved.any():
            continue
        assert brute_chi2(m, moved) <= after * (1 + 1e-9)


def test_reassignment_respects_the_minimum_size():
    m = random_binary(30, 20, 0.2, 8)
    first = np.zeros(30, dtype=bool)
    first[:10] = True
    groups, _ = reassign(sparse.csr_matrix(m), first, brute_chi2(m, first), min_size=8)
    assert groups.sum() >= 8 and (~groups).sum() >= 8


def test_first_axis_sparse_and_dense_agree():
    # 600 x 500 cells = 300,000 > 250,000: the truncated SVD path
    m = random_binary(600, 500, 0.01, 9)
    m[:300, :250] += (np.random.default_rng(1).random((300, 250)) < 0.03)
    m = np.minimum(m, 1.0)
    fast = first_axis(sparse.csr_matrix(m))
    p = m / m.sum()
    r, c = p.sum(axis=1), p.sum(axis=0)
    s = (p - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    u = np.linalg.svd(s, full_matrices=False)[0][:, 0] / np.sqrt(r)
    assert abs(np.corrcoef(fast, u)[0, 1]) > 0.9999


def test_column_pruning_follows_rainettes_rule():
    # group sums a (10 forms in all) and b (11): N = 21
    a = np.array([5.0, 1.0, 4.0, 0.0])
    b = np.array([0.0, 4.0, 4.0, 3.0])
    # col 0: e1 = 5 * 10 / 21 = 2.381, chi = 2.881 + 2.619 = 5.5, cc = sqrt(5.5 / 10.5) = 0.72 > 0.3:
    #        kept only where over-represented (group 1, 5 >= 3)
    # col 1: chi = 0.801 + 0.728 = 1.53, cc = sqrt(1.53 / 6.53) = 0.48 > 0.3: group 2 only (4 > 2.62)
    # col 2: chi = 0.018, cc = 0.05 <= 0.3: both groups (4 >= 3 in each)
    # col 3: group 2 only (3 >= 3); group 1 has none
    keep1, keep2 = select_columns(a, b, 3, 0.3)
    assert keep1.tolist() == [True, False, True, False]
    assert keep2.tolist() == [False, True, True, True]
    # min_split_frequency=1, cc_test=1: only the columns left empty go
    keep1, keep2 = select_columns(a, b, 1, 1.0)
    assert keep1.tolist() == [True, True, True, False]
    assert keep2.tolist() == [False, True, True, True]


# ---------------------------------------------------------------------------
# 5. the hierarchy on block matrices


def test_block_diagonal_matrix_splits_into_its_blocks():
    m = block_matrix([12, 9])
    nodes = descending_classification(sparse.csr_matrix(m), k=2, min_class_size=2, min_split_frequency=1, cc_test=0.3)
    labels, _ = class_labels(nodes, m.shape[0])
    assert len(set(labels[:12])) == 1 and len(set(labels[12:])) == 1 and labels[0] != labels[12]


def test_three_blocks_make_three_classes_largest_split_first():
    m = block_matrix([10, 8, 6])
    nodes = descending_classification(sparse.csr_matrix(m), k=3, min_class_size=2, min_split_frequency=1, cc_test=0.3)
    labels, _ = class_labels(nodes, m.shape[0])
    groups = [set(labels[:10]), set(labels[10:18]), set(labels[18:])]
    assert all(len(g) == 1 for g in groups)
    assert len(set.union(*groups)) == 3
    # the root's first split isolates one block; the second split is made in the larger child
    root = nodes[0]
    sizes_ = sorted([len(nodes[root.left].rows), len(nodes[root.right].rows)])
    assert sizes_ in ([6, 18], [8, 16], [10, 14])
    second = [nd for nd in nodes if nd.step == 2][0]
    assert len(second.rows) == sizes_[1]


def test_reinert_on_blocks_recovers_the_blocks():
    result = reinert(block_tokens([12, 9]), k=2, min_class_size=2, min_frequency=1)
    assert isinstance(result, Reinert)
    cls = result.segments["cls"].to_numpy()
    assert len(set(cls[:12])) == 1 and len(set(cls[12:])) == 1 and cls[0] != cls[12]
    assert sorted(set(cls)) == [1, 2]
    tree = result.tree
    assert tree["node"].tolist() == [0, 1, 2]
    assert tree.loc[0, "n_segments"] == 21 and tree.loc[0, "step"] == 1
    assert sorted(tree.loc[1:, "cls"].tolist()) == [1, 2]
    assert tree.loc[0, "chi2"] == pytest.approx(brute_chi2(block_matrix([12, 9]), cls == cls[0]))


def test_profile_on_a_hand_made_2x2_case():
    # "projet" in d00, d01 (block A, 12 segments) and d12 (block B, 9 segments).
    # Class A: a = 2 of 12 segments, class B: 1 of 9; N = 21.
    # chi2 = N (a d - b c)^2 / ((a + b)(c + d)(a + c)(b + d)) with the 2 x 2 table
    #   [[2, 10], [1, 8]]: 21 * (2*8 - 10*1)^2 / (12 * 9 * 3 * 18) = 21 * 36 / 5832 = 0.12963
    result = reinert(block_tokens([12, 9], extra={0: "projet", 1: "projet", 12: "projet"}), k=2,
                     min_class_size=2, min_frequency=1)
    cls_a = int(result.segments["cls"].iloc[0])
    cls_b = int(result.segments["cls"].iloc[12])
    prof = result.profiles.set_index(["cls", "term"])
    row_a = prof.loc[(cls_a, "projet")]
    assert row_a["kind"] == "active"
    assert (row_a["count"], row_a["total"]) == (2, 3)
    assert row_a["percent"] == pytest.approx(200 / 3)
    assert row_a["chi2"] == pytest.approx(21 * 36 / 5832)
    assert prof.loc[(cls_b, "projet"), "chi2"] == pytest.approx(-21 * 36 / 5832)
    # a form of block A only: 2 x 2 table [[k, 12 - k], [0, 9]]
    f0 = prof.loc[(cls_a, "f0")]
    k_ = int(f0["count"])
    expected = 21 * (k_ * 9) ** 2 / (12 * 9 * k_ * (21 - k_))
    assert f0["chi2"] == pytest.approx(expected)


def test_characteristic_score_sums_positive_chi2_of_the_segments_forms():
    result = reinert(block_tokens([12, 9]), k=2, min_class_size=2, min_frequency=1)
    seg = result.segments.iloc[0]
    prof = result.profiles[(result.profiles["cls"] == seg["cls"]) & (result.profiles["kind"] == "active")]
    chi = dict(zip(prof["term"], prof["chi2"]))
    forms = [w for w in seg["text"].split() if w.startswith("f")]
    assert seg["score"] == pytest.approx(sum(max(chi[f], 0) for f in forms))


def test_double_classification_on_blocks():
    result = reinert(block_tokens([12, 9]), k=2, min_class_size=2, min_frequency=1, double=True, uc_sizes=(1, 2))
    cls = result.segments["cls"].to_numpy()
    assert len(set(cls[:12])) == 1 and len(set(cls[12:])) == 1 and cls[0] != cls[12] and 0 not in cls
    crossed = result.crossed
    assert list(crossed.columns) == ["cls_1", "cls_2", "n_segments", "chi2", "kept", "cls"]
    kept = crossed[crossed["kept"]]
    assert len(kept) == 2 and sorted(kept["n_segments"]) == [9, 12]
    # association chi-square of a crossed class equal to a whole block, by hand:
    # 2 x 2 table [[12, 0], [0, 9]], N = 21: 21 * (12 * 9)^2 / (12 * 9 * 12 * 9) = 21
    assert kept["chi2"].tolist() == pytest.approx([21.0, 21.0])
    assert {"cls_1", "cls_2"} <= set(result.segments.columns)
    assert result.parameters["uc_sizes"] == (1, 2)


def test_context_units_merge_until_the_minimum_and_never_cross_documents():
    doc = np.array([0, 0, 0, 0, 1, 1, 2])
    active = np.array([3, 2, 6, 1, 2, 2, 1])
    # doc 0: [3, 2] reaches 5, [6] reaches 5, [1] is short -> joins the one before
    # doc 1: [2, 2] (a single short unit stays), doc 2: [1]
    assert context_units(doc, active, 5).tolist() == [0, 0, 1, 1, 2, 2, 3]


def test_segments_without_active_form_are_unclassified():
    tokens = block_tokens([12, 9])
    extra = make_item_tokens({"zz": [("le", "DET", True), ("de", "ADP", True), "."]})
    result = reinert(pd.concat([tokens, extra], ignore_index=True), k=2, min_class_size=2, min_frequency=1)
    last = result.segments.iloc[-1]
    assert last["doc_id"] == "zz" and last["n_active"] == 0 and last["cls"] == 0 and last["score"] == 0


def test_errors():
    tokens = block_tokens([12, 9])
    with pytest.raises(ParameterError, match="RK-P70"):
        reinert(make_item_tokens({"d": [("le", "DET", True), ("chat", "NOUN", True)]}))
    with pytest.raises(ParameterError, match="RK-P01"):
        reinert(tokens, double="yes")
    with pytest.raises(ParameterError, match="RK-P23"):
        reinert(tokens, k=1)
    with pytest.raises(ParameterError, match="RK-P71"):
        reinert(tokens, active_pos="NOUN")
    with pytest.raises(ParameterError, match="RK-P71"):
        reinert(tokens, double=True, uc_sizes=(10,))
    with pytest.raises(ParameterError, match="RK-P20"):
        reinert(tokens, variables=["site"])
    with pytest.raises(SchemaError, match="RK-S01"):
        reinert(tokens.drop(columns="pos"))
    with pytest.raises(SchemaError, match="RK-S02"):
        classification_summary("not a result", lang="fr")


# ---------------------------------------------------------------------------
# smoke run on an annotated corpus

PARC = ["Le parc du quartier manque d'arbres et de bancs pour les enfants.",
        "Les jeux du parc sont cassés, les enfants jouent sur le trottoir.",
        "On voudrait plus d'arbres, de l'ombre et des bancs dans le parc.",
        "Les familles viennent au parc le samedi avec les enfants et les poussettes."]
BUDGET = ["Le budget de la subvention doit passer au comité avant le rapport annuel.",
          "Le comité a refusé la subvention parce que le dossier du budget était incomplet.",
          "Il faut déposer le dossier de subvention et le rapport financier au comité.",
          "Le rapport du budget montre un déficit, la subvention ne couvre pas les salaires."]


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    from research_kit import read_corpus
    from research_kit.annotate import annotate

    root = tmp_path_factory.mktemp("reinert_corpus")
    (root / "transcripts").mkdir()
    manifest = ["language: fr", "variables:", "  site: Ville", "documents:"]
    for i in range(6):
        topic = PARC if i % 2 == 0 else BUDGET
        lines = []
        for j in range(8):
            speaker = ["Marie", "Karim", "Sylvie"][j % 3]
            lines.append(f"{speaker}: {topic[j % 4]} {topic[(j + 1) % 4]}")
        (root / "transcripts" / f"s{i}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        manifest.append(f"  transcripts/s{i}.txt: {{site: {'Montréal' if i < 3 else 'Bruxelles'}}}")
    (root / "corpus.yml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    corpus = read_corpus(root)
    return corpus, annotate(corpus, cache=False)


@pytest.fixture(scope="module")
def result(annotated):
    corpus, tokens = annotated
    return reinert(tokens, corpus=corpus, k=3, segment_size=20, min_class_size=3)


def test_smoke_frames(annotated, result):
    corpus, _ = annotated
    seg = result.segments
    assert list(seg.columns) == ["segment", "doc_id", "turn", "start_char", "end_char", "n_words", "n_active",
                                 "cls", "score", "text"]
    assert list(result.profiles.columns) == ["cls", "term", "kind", "count", "total", "percent", "chi2", "p"]
    assert list(result.tree.columns) == ["node", "parent", "left", "right", "step", "n_segments", "chi2", "height",
                                         "cls"]
    assert set(result.profiles["kind"]) == {"active", "supplementary", "variable"}
    assert result.n_classes >= 2
    # no segment crosses documents: its offsets fall inside its document's text
    lengths = corpus.documents.set_index("doc_id")["n_chars"]
    assert (seg["start_char"] >= 0).all()
    assert (seg["end_char"] <= seg["doc_id"].map(lengths)).all()
    for row in seg.itertuples():
        original = corpus.text(row.doc_id)[row.start_char:row.end_char]
        assert " ".join(original.split()) == row.text
    # cls 0 only for unclassified segments; classes are 1..n
    assert set(seg["cls"]) <= set(range(result.n_classes + 1))
    assert (seg.loc[seg["n_active"] == 0, "cls"] == 0).all()
    assert (seg.loc[seg["cls"] == 0, "score"] == 0).all()
    # the two topics are told apart: parc and budget are characteristic of different classes
    active = result.profiles[result.profiles["kind"] == "active"]
    best = active.loc[active.groupby("term")["chi2"].idxmax()].set_index("term")["cls"]
    assert best["parc"] != best["budget"]
    # the tree's leaves are the classes, their sizes the classified segments
    leaves = result.tree[result.tree["cls"] > 0]
    assert sorted(leaves["cls"]) == list(range(1, result.n_classes + 1))
    assert leaves["n_segments"].sum() == (seg["cls"] > 0).sum()
    assert "*site_Montréal" in set(result.profiles["term"])


def test_smoke_variables_from_turns(annotated):
    corpus, tokens = annotated
    result = reinert(tokens, corpus=corpus, k=2, segment_size=20, min_class_size=3, variables=["speaker"])
    variables = result.profiles[result.profiles["kind"] == "variable"]
    assert set(variables["term"]) == {"*speaker_Karim", "*speaker_Marie", "*speaker_Sylvie"}


def test_classification_summary(result):
    classes, quotes = classification_summary(result, lang="fr", n_words=5, n_segments=2)
    assert list(classes.columns) == ["cls", "label", "n_segments", "percent", "share", "marginal", "words",
                                     "variables"]
    assert classes["label"].iloc[0].startswith("Classe 1 — ")
    assert classes["percent"].sum() == pytest.approx(100, abs=0.2)
    assert all(len(w.split(", ")) <= 5 for w in classes["words"])
    assert list(quotes.columns) == ["cls", "label", "rank", "doc_id", "turn", "start_char", "end_char", "score", "text"]
    assert quotes.groupby("cls").size().max() <= 2
    for _, group in quotes.groupby("cls"):
        assert group["score"].is_monotonic_decreasing
        assert group["rank"].tolist() == list(range(1, len(group) + 1))
    english, _ = classification_summary(result, lang="en")
    assert english["label"].iloc[0].startswith("Class 1 — ")


def test_class_details(result):
    from research_kit.chd import class_details

    classes, _ = classification_summary(result, lang="fr", n_words=3)
    for c in range(1, result.n_classes + 1):
        profile, anti, segments = class_details(result, c, n_forms=5, n_segments=3)
        assert (profile["chi2"] > 0).all() and (profile["p"] < 0.05).all()
        assert profile["chi2"].is_monotonic_decreasing and len(profile) <= 5
        assert (anti["chi2"] < 0).all() and (anti["kind"] == "active").all() and anti["chi2"].is_monotonic_increasing
        # the label's words are the class's first active forms of its profile
        words = classes.loc[classes["cls"] == c, "words"].iloc[0]
        active = class_details(result, c, n_forms=1000)[0].query("kind == 'active'")["term"].head(3).tolist()
        assert ", ".join(active) == words
        mine = result.segments[result.segments["cls"] == c]
        assert segments["rank"].tolist() == list(range(1, len(segments) + 1))
        assert segments["score"].tolist() == sorted(mine["score"], reverse=True)[:3]
    with pytest.raises(ParameterError, match="RK-P71"):
        class_details(result, result.n_classes + 1)


def test_double_smoke(annotated):
    corpus, tokens = annotated
    result = reinert(tokens, corpus=corpus, k=3, segment_size=20, min_class_size=3, double=True, uc_sizes=(4, 6))
    assert result.crossed is not None
    assert set(result.segments["cls"]) <= set(range(result.n_classes + 1))
    assert "double" in repr(result)


def test_plots_return_figures(result):
    from matplotlib.figure import Figure

    from research_kit.plots.chd import plot_class_profiles, plot_reinert

    assert isinstance(plot_reinert(result), Figure)
    assert isinstance(plot_reinert(result, heights="chi2", lang="en", n_words=3), Figure)
    assert isinstance(plot_class_profiles(result), Figure)
    assert isinstance(plot_class_profiles(result.profiles, kind="variable", lang="en"), Figure)
    with pytest.raises(SchemaError, match="RK-S02"):
        plot_reinert(result.segments)
    with pytest.raises(ParameterError, match="RK-P01"):
        plot_reinert(result, heights="depth")
    import matplotlib.pyplot as plt

    plt.close("all")


def test_module_docstring_names_the_variants():
    doc = textwrap.dedent(chd.__doc__)
    for word in ("IRaMuTeQ", "rainette", "split_segments", "tsj", "cc_test", "rainette2", "full = FALSE"):
        assert word in doc
    assert list(itertools.islice(iter(chd.BREAK_WEIGHTS), 1)) == ["."]


def test_walkthrough_notebook_runs_on_the_demo_corpus(tmp_path):
    import json

    import papermill

    from tests.helpers import ROOT

    notebook = ROOT / "notebooks" / "reinert_walkthrough.ipynb"
    stored = json.loads(notebook.read_text(encoding="utf-8"))
    assert "parameters" in stored["cells"][0]["metadata"]["tags"]
    assert all(not c.get("outputs") for c in stored["cells"] if c["cell_type"] == "code")
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(notebook), str(out), parameters={"k": 6, "lang": "en"},
                               cwd=str(notebook.parent), progress_bar=False, kernel_name="python3")
    executed = json.loads(out.read_text(encoding="utf-8"))
    shown = json.dumps([c.get("outputs", []) for c in executed["cells"]])
    assert "Class 1" in shown and "image/png" in shown
    assert '"output_type": "error"' not in shown
