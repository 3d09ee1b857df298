"""Agreement coefficients of ``research_kit.measures``.

Reference values come from published worked examples (cited), re-derived by hand
in the comments; NLTK's ``AnnotationTask`` is used as an independent cross-check.
"""

from __future__ import annotations

import math
from fractions import Fraction as Fr

import numpy as np
import pandas as pd
import pytest
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import interval_distance

from research_kit.errors import ParameterError
from research_kit.measures import (
    cohen_kappa,
    coincidence_matrix,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)

N = None

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section A:
# binary data, two observers, no missing data.
BINARY = [
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],  # observer A
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],  # observer B
]

# Krippendorff (2011), section C: four observers A-D, twelve units, values 1-5,
# missing data ("." in the paper). Also in DescTools::KrippAlpha's example.
#     unit:  1  2  3  4  5  6  7  8  9 10 11 12
KRIPP_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],  # A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],  # B
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],  # C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],  # D
]


def _pairs_to_sequences(table, labels):
    """Two coders' sequences from a contingency table (rows: coder 1, columns: coder 2)."""
    first, second = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            first += [labels[i]] * count
            second += [labels[j]] * count
    return first, second


def _nltk_task(data, **kwargs):
    triples = [
        (f"c{c}", f"u{u:06d}", v)
        for c, row in enumerate(data)
        for u, v in enumerate(row)
        if v is not None and not (isinstance(v, float) and math.isnan(v))
    ]
    return AnnotationTask(triples, **kwargs)


# ---------------------------------------------------------------------------
# Krippendorff's alpha
# ---------------------------------------------------------------------------


def test_alpha_binary_example():
    # Krippendorff (2011), section A: alpha = 0.095.
    # Unit pairs: (0,1) (1,1) (0,1) (0,0) (0,0) (1,0) (0,0) (0,0) (1,0) (0,0)
    # coincidences (each pair counted both ways): o00 = 2 * 5 = 10, o11 = 2 * 1 = 2,
    # o01 = o10 = 4; n0 = 14, n1 = 6, n = 20.
    # alpha = 1 - (n - 1) o01 / (n0 n1) = 1 - 19 * 4 / (14 * 6) = 1 - 76/84 = 0.095238
    assert float(krippendorff_alpha(BINARY)) == pytest.approx(1 - 76 / 84, rel=1e-12)
    assert round(float(krippendorff_alpha(BINARY)), 3) == 0.095


def test_coincidence_matrix_of_section_c():
    # Krippendorff (2011), section C, coincidence matrix (unit 12 has one value
    # and is dropped). By unit, contributions 1/(m_u - 1) per ordered pair:
    #   u1 {1,1,1}: o11 += 3*2/2 = 3          u2 {2,2,3,2}: o22 += 2, o23 = o32 += 1
    #   u3, u4 {3,3,3,3}: o33 += 4 each       u5, u9 {2,2,2,2}: o22 += 4 each
    #   u6 {1,2,3,4}: every off-diagonal pair += 1/3
    #   u7 {4,4,4,4}: o44 += 4                u8 {1,1,2,1}: o11 += 2, o12 = o21 += 1
    #   u10 {5,5,5}: o55 += 3                 u11 {1,1}: o11 += 2
    third = Fr(1, 3)
    paper = [
        [7, 1 + third, third, third, 0],
        [1 + third, 10, 1 + third, third, 0],
        [third, 1 + third, 8, third, 0],
        [third, third, third, 4, 0],
        [0, 0, 0, 0, 3],
    ]
    values, o = coincidence_matrix(KRIPP_C)
    assert values.tolist() == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(o, np.array(paper, dtype=float), atol=1e-12)
    # n_c = 9, 13, 10, 5, 3 and n = 40
    np.testing.assert_allclose(o.sum(axis=1), [9, 13, 10, 5, 3])
    assert o.sum() == pytest.approx(40)


# Hand computation of section C from the coincidence matrix above, n_c = (9, 13, 10, 5, 3),
# n = 40, alpha = 1 - (n - 1) * sum_{c != k} o_ck d_ck / sum_{c != k} n_c n_k d_ck
# (sums over one triangle, c < k, since both sides are symmetric):
#   off-diagonal coincidences: o12 = 4/3, o13 = 1/3, o14 = 1/3, o23 = 4/3, o24 = 1/3, o34 = 1/3
_O = {(1, 2): Fr(4, 3), (1, 3): Fr(1, 3), (1, 4): Fr(1, 3), (2, 3): Fr(4, 3), (2, 4): Fr(1, 3),
      (3, 4): Fr(1, 3)}
_NC = {1: 9, 2: 13, 3: 10, 4: 5, 5: 3}
_PAIRS = [(c, k) for c in range(1, 6) for k in range(c + 1, 6)]


def _alpha_by_hand(delta2):
    observed = sum(_O.get(p, 0) * delta2(*p) for p in _PAIRS)
    expected = sum(_NC[c] * _NC[k] * delta2(c, k) for c, k in _PAIRS)
    return 1 - 39 * observed / expected


def _ordinal(c, k):
    return (Fr(sum(_NC[g] for g in range(c, k + 1))) - Fr(_NC[c] + _NC[k], 2)) ** 2


def test_alpha_section_c_nominal():
    # nominal: sum_{c != k} o = 40 - (7 + 10 + 8 + 4 + 3) = 8;
    # sum_{c != k} n_c n_k = 40^2 - (81 + 169 + 100 + 25 + 9) = 1600 - 384 = 1216
    # alpha = 1 - 39 * 8 / 1216 = 1 - 312/1216 = 0.743421  (paper: 0.743)
    assert float(_alpha_by_hand(lambda c, k: 1)) == pytest.approx(1 - 312 / 1216)
    alpha = float(krippendorff_alpha(KRIPP_C, level="nominal"))
    assert alpha == pytest.approx(1 - 312 / 1216, rel=1e-12)
    assert round(alpha, 3) == 0.743


def test_alpha_section_c_ordinal():
    # ordinal delta = sum_{g=c..k} n_g - (n_c + n_k)/2:
    #   d12 = 22 - 11 = 11, d13 = 32 - 9.5 = 22.5, d14 = 37 - 7 = 30, d23 = 23 - 11.5 = 11.5,
    #   d24 = 28 - 9 = 19, d34 = 15 - 7.5 = 7.5 (and d15 = 34, d25 = 23, d35 = 11.5, d45 = 4)
    # observed: (4*121 + 506.25 + 900 + 4*132.25 + 361 + 56.25) / 3 = 2836.5 / 3 = 945.5
    # expected: 117*121 + 90*506.25 + 45*900 + 27*1156 + 130*132.25 + 65*361 + 39*529
    #           + 50*56.25 + 30*132.25 + 15*16 = 199740
    # alpha = 1 - 39 * 945.5 / 199740 = 1 - 36874.5 / 199740 = 0.815387  (paper: 0.815)
    assert _alpha_by_hand(_ordinal) == 1 - Fr(36874.5) / 199740
    alpha = float(krippendorff_alpha(KRIPP_C, level="ordinal"))
    assert alpha == pytest.approx(1 - 36874.5 / 199740, rel=1e-12)
    assert round(alpha, 3) == 0.815


def test_alpha_section_c_interval():
    # interval delta^2 = (c - k)^2:
    # observed: 4/3*1 + 1/3*4 + 1/3*9 + 4/3*1 + 1/3*4 + 1/3*1 = 26/3
    # expected: 117*1 + 90*4 + 45*9 + 27*16 + 130*1 + 65*4 + 39*9 + 50*1 + 30*4 + 15*1 = 2240
    # alpha = 1 - 39 * (26/3) / 2240 = 1 - 338/2240 = 0.849107  (paper: 0.849)
    assert _alpha_by_hand(lambda c, k: (c - k) ** 2) == 1 - Fr(338, 2240)
    alpha = float(krippendorff_alpha(KRIPP_C, level="interval"))
    assert alpha == pytest.approx(1 - 338 / 2240, rel=1e-12)
    assert round(alpha, 3) == 0.849


def test_alpha_section_c_ratio():
    # ratio delta^2 = ((c - k) / (c + k))^2:
    #   d12 = 1/9, d13 = 1/4, d14 = 9/25, d15 = 4/9, d23 = 1/25, d24 = 1/9, d25 = 9/49,
    #   d34 = 1/49, d35 = 1/16, d45 = 1/81
    # observed: (4/9 + 1/4 + 9/25 + 4/25 + 1/9 + 1/49) / 3 = 1.345964 / 3 = 0.448655
    # expected: 117/9 + 90/4 + 45*9/25 + 27*4/9 + 130/25 + 65/9 + 39*9/49 + 50/49 + 30/16
    #           + 15/81 = 13 + 22.5 + 16.2 + 12 + 5.2 + 7.222222 + 7.163265 + 1.020408
    #           + 1.875 + 0.185185 = 86.366080
    # alpha = 1 - 39 * 0.448655 / 86.366080 = 0.797403  (paper: 0.797)
    by_hand = _alpha_by_hand(lambda c, k: Fr(c - k, c + k) ** 2)
    assert float(by_hand) == pytest.approx(0.797403, abs=1e-6)
    alpha = float(krippendorff_alpha(KRIPP_C, level="ratio"))
    assert alpha == pytest.approx(float(by_hand), rel=1e-12)
    assert round(alpha, 3) == 0.797


def test_alpha_accepts_arrays_frames_and_strings():
    expected = 1 - 312 / 1216
    as_float = np.array(KRIPP_C, dtype=float)  # None -> nan
    assert np.isnan(as_float).sum() == 7
    assert float(krippendorff_alpha(as_float)) == pytest.approx(expected)
    frame = pd.DataFrame(as_float, index=list("ABCD"), columns=range(1, 13))
    assert float(krippendorff_alpha(frame)) == pytest.approx(expected)
    assert float(krippendorff_alpha(frame, level="interval")) == pytest.approx(1 - 338 / 2240)
    # nominal values may be strings: relabel 1..5 as words
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", None: None}
    as_words = [[words[v] for v in row] for row in KRIPP_C]
    assert float(krippendorff_alpha(as_words)) == pytest.approx(expected)
    # pandas' own missing markers work too
    nullable = pd.DataFrame(KRIPP_C).astype("Int64")
    assert float(krippendorff_alpha(nullable)) == pytest.approx(expected)
    assert float(krippendorff_alpha(nullable, level="ordinal")) == pytest.approx(
        1 - 36874.5 / 199740
    )


def test_alpha_interval_invariant_under_linear_rescaling():
    # delta^2 = (c - k)^2 scales by the same factor in D_o and D_e.
    rescaled = [[None if v is None else 10 * v - 3 for v in row] for row in KRIPP_C]
    assert float(krippendorff_alpha(rescaled, level="interval")) == pytest.approx(1 - 338 / 2240)


def test_alpha_and_scotts_pi_for_two_coders():
    # With two coders, N units and no missing data, the definitions give
    # 1 - alpha = (2N - 1)/(2N) * (1 - pi) (D_e of alpha is n/(n - 1) times pi's).
    # Artstein & Poesio (2008) three-category example (see below): A_o = 0.88,
    # pi's A_e = 0.49^2 + 0.38^2 + 0.13^2 = 0.4014 -> 1 - pi = 0.12 / 0.5986
    # alpha = 1 - 199/200 * 0.12/0.5986 = 0.800535
    a, b = _pairs_to_sequences(AP_THREE, ["stat", "ireq", "chck"])
    expected = 1 - 199 / 200 * 0.12 / 0.5986
    assert float(krippendorff_alpha([a, b])) == pytest.approx(expected, rel=1e-12)


def test_alpha_degenerate_cases():
    # no variation among the pairable values: D_e = 0, alpha undefined
    assert math.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, N]]))
    # no unit coded twice: nothing is pairable
    assert math.isnan(krippendorff_alpha([[1, N, 3], [N, 2, N]]))
    # units with a single value do not count: adding one changes nothing
    with_single = [row + [v] for row, v in zip(BINARY, [1, N])]
    assert float(krippendorff_alpha(with_single)) == pytest.approx(1 - 76 / 84)
    # perfect agreement
    assert float(krippendorff_alpha([[1, 2, 3, 1], [1, 2, 3, 1], [1, N, 3, 1]])) == 1.0


def test_alpha_matches_nltk():
    # NLTK's AnnotationTask.alpha() drops items with fewer than two labels, as we do.
    assert float(krippendorff_alpha(KRIPP_C)) == pytest.approx(_nltk_task(KRIPP_C).alpha())
    assert float(krippendorff_alpha(KRIPP_C, level="interval")) == pytest.approx(
        _nltk_task(KRIPP_C, distance=interval_distance).alpha()
    )
    rng = np.random.default_rng(7)
    data = rng.choice(["a", "b", "c", "d"], size=(3, 150)).astype(object)
    data[rng.random(data.shape) < 0.2] = None
    assert float(krippendorff_alpha(data)) == pytest.approx(_nltk_task(data).alpha(), rel=1e-10)
    numbers = rng.integers(1, 6, size=(4, 80)).astype(float)
    numbers[rng.random(numbers.shape) < 0.25] = np.nan
    assert float(krippendorff_alpha(numbers, level="interval")) == pytest.approx(
        _nltk_task(numbers.tolist(), distance=interval_distance).alpha(), rel=1e-10
    )


def test_alpha_on_a_large_table():
    # 100,000 units x 3 coders with missing values: only checks that it runs
    # and gives a valid value.
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 5, size=100_000)
    data = np.vstack([np.where(rng.random(truth.size) < 0.7, truth, rng.integers(0, 5, truth.size))
                      for _ in range(3)]).astype(float)
    data[rng.random(data.shape) < 0.1] = np.nan
    for level in ("nominal", "ordinal", "interval", "ratio"):
        alpha = float(krippendorff_alpha(data, level=level))
        assert -1.0 <= alpha <= 1.0
    labels = np.array(["a", "b", "c", "d", "e"], dtype=object)[np.nan_to_num(data).astype(int)]
    labels[np.isnan(data)] = None
    assert float(krippendorff_alpha(labels)) == pytest.approx(float(krippendorff_alpha(data)))
    assert 0.0 <= float(percent_agreement(labels)) <= 1.0


# ---------------------------------------------------------------------------
# Cohen's kappa
# ---------------------------------------------------------------------------

# Artstein & Poesio (2008), Table 1: two coders, 100 utterances, STAT / IREQ.
#                 B: STAT  IREQ | total
#   A: STAT          20    20   |  40
#      IREQ          10    50   |  60
#      total         30    70   | 100
AP_TABLE_1 = [[20, 20], [10, 50]]

# Artstein & Poesio (2008), the three-category example (their Table 4 per
# scikit-learn's tests; NLTK's doctests reproduce A_o = 0.88, pi = 0.79953, S = 0.82):
#                 B: STAT  IREQ  CHCK | total
#   A: STAT          46     6     0   |  52
#      IREQ           0    32     0   |  32
#      CHCK           0     6    10   |  16
#      total         46    44    10   | 100
AP_THREE = [[46, 6, 0], [0, 32, 0], [0, 6, 10]]

# Cohen (1960), Table 2 (judges A and B, 200 units, three categories):
#   p_o = .70, p_c = .41, kappa = .492
COHEN_1960 = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]


def test_cohen_kappa_artstein_poesio_table_1():
    # A_o = (20 + 50)/100 = 0.7 (0.7 is the observed agreement, not kappa)
    # A_e = 0.4 * 0.3 + 0.6 * 0.7 = 0.12 + 0.42 = 0.54
    # kappa = (0.7 - 0.54) / (1 - 0.54) = 0.16 / 0.46 = 0.347826
    a, b = _pairs_to_sequences(AP_TABLE_1, ["stat", "ireq"])
    assert float(percent_agreement([a, b])) == pytest.approx(0.7)
    kappa = float(cohen_kappa(a, b))
    assert kappa == pytest.approx(0.16 / 0.46, rel=1e-12)
    assert round(kappa, 3) == 0.348
    assert float(cohen_kappa(b, a)) == pytest.approx(kappa)


def test_cohen_kappa_artstein_poesio_three_categories():
    # A_o = (46 + 32 + 10)/100 = 0.88
    # A_e = 0.52 * 0.46 + 0.32 * 0.44 + 0.16 * 0.10 = 0.2392 + 0.1408 + 0.016 = 0.396
    # kappa = (0.88 - 0.396) / (1 - 0.396) = 0.484 / 0.604 = 0.801325
    a, b = _pairs_to_sequences(AP_THREE, ["stat", "ireq", "chck"])
    assert float(percent_agreement([a, b])) == pytest.approx(0.88)
    assert float(cohen_kappa(a, b)) == pytest.approx(0.484 / 0.604, rel=1e-12)
    assert round(float(cohen_kappa(a, b)), 4) == 0.8013


def test_cohen_kappa_cohen_1960():
    # p_o = (88 + 40 + 12)/200 = 0.70
    # rows 120, 60, 20; columns 100, 60, 40:
    # p_c = (120*100 + 60*60 + 20*40) / 200^2 = (12000 + 3600 + 800) / 40000 = 0.41
    # kappa = (0.70 - 0.41) / (1 - 0.41) = 0.29 / 0.59 = 0.491525 (Cohen: .492)
    a, b = _pairs_to_sequences(COHEN_1960, [1, 2, 3])
    kappa = float(cohen_kappa(a, b))
    assert kappa == pytest.approx(0.29 / 0.59, rel=1e-12)
    assert round(kappa, 3) == 0.492


def test_weighted_kappa_by_hand():
    # Cohen (1968): kappa_w = 1 - sum w o / sum w e, disagreement weights
    # w = |i - j| (linear) or (i - j)^2 (quadratic). 100 units:
    #   (0,0) x 46, (1,0) x 4, (1,1) x 40, (2,2) x 10
    # coder 1 marginals 46, 44, 10; coder 2 marginals 50, 40, 10.
    # observed disagreement: 4 units at distance 1 -> 4/100 = 0.04 (both weightings)
    # expected, linear: [46*40*1 + 46*10*2 + 44*50*1 + 44*10*1 + 10*50*2 + 10*40*1] / 10^4
    #                 = (1840 + 920 + 2200 + 440 + 1000 + 400) / 10^4 = 0.68
    #   kappa_linear = 1 - 0.04 / 0.68 = 0.941176
    # expected, quadratic: (1840 + 1840 + 2200 + 440 + 2000 + 400) / 10^4 = 0.872
    #   kappa_quadratic = 1 - 0.04 / 0.872 = 0.954128
    # unweighted: p_o = 0.96, p_e = (46*50 + 44*40 + 10*10)/10^4 = 0.416
    #   kappa = 0.544 / 0.584 = 0.931507
    # (scikit-learn's test_cohen_kappa has the same figures: 0.9315, 0.9412, 0.9541.)
    y1 = [0] * 46 + [1] * 44 + [2] * 10
    y2 = [0] * 50 + [1] * 40 + [2] * 10
    assert float(cohen_kappa(y1, y2)) == pytest.approx(0.544 / 0.584, rel=1e-12)
    assert float(cohen_kappa(y1, y2, weights="linear")) == pytest.approx(1 - 0.04 / 0.68, rel=1e-12)
    assert float(cohen_kappa(y1, y2, weights="quadratic")) == pytest.approx(
        1 - 0.04 / 0.872, rel=1e-12
    )
    # weights are computed on the values: any equally spaced coding gives the same kappa
    z1 = [10 * v + 1 for v in y1]
    z2 = [10 * v + 1 for v in y2]
    assert float(cohen_kappa(z1, z2, weights="quadratic")) == pytest.approx(1 - 0.04 / 0.872)


def test_weighted_kappa_uses_distances_between_values():
    # Values 1, 2 and 4 (3 never used). Two units: (1, 2) and (4, 4).
    # observed linear disagreement: |1 - 2| / 2 = 0.5
    # marginals: coder 1 {1: 1/2, 4: 1/2}, coder 2 {2: 1/2, 4: 1/2}
    # expected: 1/4 (|1-2| + |1-4| + |4-2| + |4-4|) = 1/4 (1 + 3 + 2 + 0) = 1.5
    # kappa = 1 - 0.5 / 1.5 = 2/3
    assert float(cohen_kappa([1, 4], [2, 4], weights="linear")) == pytest.approx(2 / 3)


def test_cohen_kappa_drops_missing_pairs():
    a, b = _pairs_to_sequences(AP_TABLE_1, ["stat", "ireq"])
    a_missing = a + [None, "stat", np.nan]
    b_missing = b + ["ireq", None, "stat"]
    assert float(cohen_kappa(a_missing, b_missing)) == pytest.approx(0.16 / 0.46)
    assert float(cohen_kappa(pd.Series(a_missing), pd.Series(b_missing))) == pytest.approx(
        0.16 / 0.46
    )
    assert math.isnan(cohen_kappa([None, "x"], ["y", None]))
    # chance agreement already perfect: undefined
    assert math.isnan(cohen_kappa(["x", "x"], ["x", "x"]))


def test_cohen_kappa_matches_nltk():
    # AnnotationTask.kappa() is Cohen's kappa averaged over coder pairs: with two
    # coders, Cohen's kappa itself.
    for table, labels in ((AP_THREE, ["stat", "ireq", "chck"]), (COHEN_1960, [1, 2, 3])):
        a, b = _pairs_to_sequences(table, labels)
        task = _nltk_task([a, b])
        assert float(cohen_kappa(a, b)) == pytest.approx(task.kappa(), rel=1e-12)
        # with two coders, Davies & Fleiss's multi_kappa() reduces to Cohen's kappa too
        assert float(cohen_kappa(a, b)) == pytest.approx(task.multi_kappa(), rel=1e-12)
        assert float(percent_agreement([a, b])) == pytest.approx(task.avg_Ao(), rel=1e-12)


# ---------------------------------------------------------------------------
# Fleiss' kappa
# ---------------------------------------------------------------------------

# The worked example of Wikipedia's "Fleiss' kappa" article (10 subjects,
# 14 raters each, 5 categories; kappa = 0.210): n_ij per subject.
FLEISS_COUNTS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def _ratings_table(counts):
    """14 raters x 10 subjects: each subject's ratings in category order."""
    columns = [[j + 1 for j, n in enumerate(row) for _ in range(n)] for row in counts]
    return np.array(columns).T


def test_fleiss_kappa_worked_example():
    # P_i = (sum_j n_ij^2 - 14) / (14 * 13); numerators sum_j n_ij^2 - 14:
    #   196-14=182, 60-14=46, 70-14=56, 94-14=80, 74-14=60, 98-14=84, 58-14=44,
    #   46-14=32, 66-14=52, 66-14=52 -> total 688
    # P-bar = 688 / (10 * 182) = 0.378022
    # column totals 20, 28, 39, 21, 32 of 140:
    # P-bar_e = (400 + 784 + 1521 + 441 + 1024) / 140^2 = 4170 / 19600 = 0.212755
    # kappa = (0.378022 - 0.212755) / (1 - 0.212755) = 0.209930 (0.210)
    p_bar = 688 / 1820
    p_e = 4170 / 19600
    expected = (p_bar - p_e) / (1 - p_e)
    table = _ratings_table(FLEISS_COUNTS)
    assert table.shape == (14, 10)
    kappa = float(fleiss_kappa(table))
    assert kappa == pytest.approx(expected, rel=1e-12)
    assert round(kappa, 3) == 0.210
    # the observed agreement is P-bar
    assert float(percent_agreement(table)) == pytest.approx(p_bar, rel=1e-12)


def test_fleiss_kappa_is_scotts_pi_for_two_coders():
    # Artstein & Poesio's three-category example: pi = 0.79953 (NLTK's doctest).
    # pooled: STAT (52 + 46)/200 = 0.49, IREQ (32 + 44)/200 = 0.38, CHCK (16 + 10)/200 = 0.13
    # A_e = 0.2401 + 0.1444 + 0.0169 = 0.4014; pi = (0.88 - 0.4014)/(1 - 0.4014) = 0.799532
    a, b = _pairs_to_sequences(AP_THREE, ["stat", "ireq", "chck"])
    kappa = float(fleiss_kappa([a, b]))
    assert kappa == pytest.approx(0.4786 / 0.5986, rel=1e-12)
    assert round(kappa, 5) == 0.79953


def test_fleiss_kappa_matches_nltk_pi_not_multi_kappa():
    # NLTK documents pi() as "multi-pi, equivalent to K from Siegel and Castellan
    # (1988)", i.e. Fleiss' kappa, and multi_kappa() as Davies & Fleiss (1982),
    # which keeps each coder's own distribution. So ours equals pi(); it differs
    # from multi_kappa() as soon as the coders' distributions differ.
    table = _ratings_table(FLEISS_COUNTS)
    task = _nltk_task(table.tolist())
    assert float(fleiss_kappa(table)) == pytest.approx(task.pi(), rel=1e-12)

    rng = np.random.default_rng(3)
    truth = rng.integers(0, 3, size=60)
    biased = [
        np.where(rng.random(60) < 0.8, truth, rng.integers(0, 3, 60)),
        np.where(rng.random(60) < 0.7, truth, 0),  # a coder who leans towards 0
        np.where(rng.random(60) < 0.7, truth, 2),  # and one towards 2
    ]
    task = _nltk_task([row.tolist() for row in biased])
    ours = float(fleiss_kappa(biased))
    assert ours == pytest.approx(task.pi(), rel=1e-12)
    assert ours != pytest.approx(task.multi_kappa(), abs=1e-6)
    assert float(percent_agreement(biased)) == pytest.approx(task.avg_Ao(), rel=1e-12)


def test_fleiss_kappa_allows_missing_cells_with_equal_counts():
    # Fleiss' raters need not be the same people: a 3 x 3 table where each unit
    # has two ratings. Units: {a, a}, {a, b}, {b, b}; n = 2, N = 3
    # P_i = 1, 0, 1 -> P-bar = 2/3; p_a = p_b = 1/2 -> P-bar_e = 1/2
    # kappa = (2/3 - 1/2) / (1/2) = 1/3
    data = [["a", "a", N], ["a", N, "b"], [N, "b", "b"]]
    assert float(fleiss_kappa(data)) == pytest.approx(1 / 3)


def test_fleiss_kappa_names_the_offending_unit():
    frame = pd.DataFrame(
        [["a", "b", "a", "b"], ["a", "b", None, "b"], ["a", "a", "a", "b"]],
        index=["ann", "bob", "cat"],
        columns=["u1", "u2", "u3", "u4"],
    )
    with pytest.raises(ParameterError, match="RK-P14") as info:
        fleiss_kappa(frame)
    assert "'u3'" in str(info.value) and "has 2" in str(info.value)
    assert "krippendorff_alpha" in str(info.value)


# ---------------------------------------------------------------------------
# Percent agreement
# ---------------------------------------------------------------------------


def test_percent_agreement_by_hand():
    # Two coders: units coded by both are 1, 2, 4 (unit 3 lacks coder 2);
    # they agree on 1 and 4 -> 2/3.
    assert float(percent_agreement([["a", "b", "c", "d"], ["a", "c", N, "d"]])) == pytest.approx(
        2 / 3
    )
    # Three coders: unit 1 {a, a, a}: 3 of 3 pairs agree; unit 2 {a, a, b}: 1 of 3;
    # unit 3 {a, b} (one missing): 0 of 1; unit 4 {c}: not pairable.
    # mean over pairable units: (1 + 1/3 + 0) / 3 = 4/9
    data = [["a", "a", "a", "c"], ["a", "a", "b", N], ["a", "b", N, N]]
    assert float(percent_agreement(data)) == pytest.approx(4 / 9)
    assert math.isnan(percent_agreement([["a", N], [N, "b"]]))


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def test_mismatched_lengths_are_refused():
    with pytest.raises(ParameterError, match="RK-P10") as info:
        cohen_kappa(["a", "b", "c"], ["a", "b"])
    assert "3 and 2" in str(info.value)
    with pytest.raises(ParameterError, match="RK-P10"):
        krippendorff_alpha([[1, 2, 3], [1, 2]])


def test_tables_that_are_not_coders_by_units_are_refused():
    with pytest.raises(ParameterError, match="RK-P13"):
        krippendorff_alpha([1, 2, 3])
    with pytest.raises(ParameterError, match="RK-P13") as info:
        fleiss_kappa([["a", "b", "c"]])
    assert "transpose" in str(info.value)
    with pytest.raises(ParameterError, match="RK-P10"):
        cohen_kappa("a", "b")


def test_unknown_options_are_refused():
    with pytest.raises(ParameterError, match="RK-P01") as info:
        krippendorff_alpha(KRIPP_C, level="intervals")
    assert "interval" in str(info.value)
    with pytest.raises(ParameterError, match="RK-P01"):
        cohen_kappa([1, 2], [1, 2], weights="squared")


def test_ordered_levels_need_numbers():
    words = [["low", "high", "mid"], ["low", "mid", "mid"]]
    for level in ("ordinal", "interval", "ratio"):
        with pytest.raises(ParameterError, match="RK-P15"):
            krippendorff_alpha(words, level=level)
    with pytest.raises(ParameterError, match="RK-P15"):
        cohen_kappa(["low", "high"], ["low", "mid"], weights="linear")
    with pytest.raises(ParameterError, match="RK-P15"):
        krippendorff_alpha([[-1, 2, 3], [1, 2, 3]], level="ratio")
