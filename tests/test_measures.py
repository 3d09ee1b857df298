"""Keyness and concentration statistics of ``research_kit.measures``.

Every reference value is worked out by hand in the comments from the published
definition (cited), never taken from running this package. ``scipy.stats`` is
used only as an independent cross-check.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from research_kit.errors import ParameterError
from research_kit.measures import (
    chi_square,
    evenness,
    gini,
    lafon_specificity,
    log_likelihood,
    log_ratio,
    p_value,
    percent_diff,
)

# ---------------------------------------------------------------------------
# Log-likelihood
# ---------------------------------------------------------------------------


def test_log_likelihood_ucrel_by_hand():
    # Rayson & Garside (2000); the UCREL log-likelihood wizard's two-cell formula.
    # a = 10 in a target of c = 1000 tokens, b = 5 in a reference of d = 2000.
    #   E1 = c (a + b) / (c + d) = 1000 * 15 / 3000 = 5
    #   E2 = d (a + b) / (c + d) = 2000 * 15 / 3000 = 10
    #   LL = 2 (a ln(a/E1) + b ln(b/E2))
    #      = 2 (10 ln 2 + 5 ln 0.5) = 2 * 5 ln 2 = 10 ln 2 = 6.931472
    # positive: 10/1000 = 0.01 > 5/2000 = 0.0025.
    expected = 2 * (10 * math.log(10 / 5) + 5 * math.log(5 / 10))
    assert expected == pytest.approx(6.931472, abs=1e-6)
    assert float(log_likelihood(10, 5, 1000, 2000)) == pytest.approx(expected, rel=1e-12)
    assert float(log_likelihood(10, 5, 1000, 2000, form="ucrel")) == pytest.approx(10 * math.log(2))


def test_log_likelihood_g2_by_hand():
    # Dunning (1993): G2 = 2 sum O ln(O/E) over the four cells of
    #             target  reference | total
    #   term        10        5     |   15
    #   other      990     1995     | 2985
    #   total     1000     2000     | 3000
    # expected: 15*1000/3000 = 5, 15*2000/3000 = 10, 2985*1000/3000 = 995,
    #           2985*2000/3000 = 1990.
    #   10 ln(10/5)     =  6.931472
    #   5 ln(5/10)      = -3.465736
    #   990 ln(990/995) = 990 * -0.00503779 = -4.987416
    #   1995 ln(1995/1990) = 1995 * 0.00250941 = 5.006276
    #   G2 = 2 * (6.931472 - 3.465736 - 4.987416 + 5.006276) = 2 * 3.484596 = 6.969192
    expected = 2 * (
        10 * math.log(10 / 5)
        + 5 * math.log(5 / 10)
        + 990 * math.log(990 / 995)
        + 1995 * math.log(1995 / 1990)
    )
    assert expected == pytest.approx(6.9692, abs=1e-4)
    assert float(log_likelihood(10, 5, 1000, 2000, form="g2")) == pytest.approx(expected, rel=1e-10)


def test_g2_exceeds_ucrel_by_the_other_row():
    # The two forms differ exactly by the "other tokens" row of the 2 x 2 table,
    # a G2 of its own and so >= 0 (hand values above: 6.969192 - 6.931472).
    a, b, c, d = np.array([10, 3, 200, 0]), np.array([5, 30, 10, 7]), 1000, 2000
    ucrel = log_likelihood(a, b, c, d)
    g2 = log_likelihood(a, b, c, d, form="g2")
    assert np.all(np.abs(g2) >= np.abs(ucrel))
    assert np.all(np.sign(g2) == np.sign(ucrel))
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    other = 2 * ((c - a) * np.log((c - a) / (c - e1)) + (d - b) * np.log((d - b) / (d - e2)))
    np.testing.assert_allclose(np.abs(g2) - np.abs(ucrel), other, rtol=1e-9, atol=1e-12)
    # both forms agree closely for a rare term in large corpora
    assert float(log_likelihood(10, 5, 10**7, 2 * 10**7, form="g2")) == pytest.approx(
        float(log_likelihood(10, 5, 10**7, 2 * 10**7)), rel=1e-5
    )


def test_log_likelihood_g2_matches_scipy_power_divergence():
    # Independent cross-check: scipy's G-test (lambda_="log-likelihood") on the
    # same 2 x 2 table, without Yates' correction.
    table = np.array([[10, 5], [990, 1995]])
    g, *_ = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert float(log_likelihood(10, 5, 1000, 2000, form="g2")) == pytest.approx(g, rel=1e-10)


def test_log_likelihood_sign_convention():
    # over-represented in the target -> positive; under-represented -> negative;
    # equal relative frequencies -> 0 (10/1000 == 20/2000).
    assert log_likelihood(10, 5, 1000, 2000) > 0
    assert log_likelihood(5, 20, 1000, 2000) < 0
    assert log_likelihood(10, 20, 1000, 2000) == 0
    # swapping target and reference flips the sign and keeps the size
    assert float(log_likelihood(5, 10, 2000, 1000)) == pytest.approx(-10 * math.log(2))


def test_log_likelihood_zero_counts():
    # a = 0, b = 5, c = 1000, d = 2000, with 0 ln 0 = 0:
    #   E2 = 2000 * 5 / 3000 = 10/3, LL = 2 * 5 ln(5 / (10/3)) = 10 ln 1.5 = 4.054651
    # under-represented in the target, so negative.
    assert float(log_likelihood(0, 5, 1000, 2000)) == pytest.approx(-10 * math.log(1.5))
    assert float(log_likelihood(0, 5, 1000, 2000)) == pytest.approx(-4.054651, abs=1e-6)
    # b = 0: LL = 2 * 10 ln(10 / (1000 * 10 / 3000)) = 20 ln 3, positive
    assert float(log_likelihood(10, 0, 1000, 2000)) == pytest.approx(20 * math.log(3))
    # a term absent from both corpora carries no evidence
    assert float(log_likelihood(0, 0, 1000, 2000)) == 0.0
    assert float(log_likelihood(0, 0, 1000, 2000, form="g2")) == 0.0
    assert np.isfinite(log_likelihood([0, 10, 0], [5, 0, 0], 1000, 2000, form="g2")).all()


def test_log_likelihood_broadcasts_and_returns_scalars_for_scalars():
    out = log_likelihood([10, 0], [5, 5], 1000, 2000)
    assert isinstance(out, np.ndarray) and out.shape == (2,)
    np.testing.assert_allclose(out, [10 * math.log(2), -10 * math.log(1.5)])
    scalar = log_likelihood(10, 5, 1000, 2000)
    assert isinstance(scalar, np.floating)
    grid = log_likelihood(np.array([[10], [20]]), np.array([5, 6, 7]), 1000, 2000)
    assert grid.shape == (2, 3)


# ---------------------------------------------------------------------------
# Chi-square and p-values
# ---------------------------------------------------------------------------


def test_chi_square_by_hand():
    # Pearson (1900) on the table [[10, 5], [990, 1995]], N = 3000:
    #   ad - bc = 10 * 1995 - 5 * 990 = 19950 - 4950 = 15000
    #   margins: rows 15 and 2985, columns 1000 and 2000
    #   X2 = N (ad - bc)^2 / (15 * 2985 * 1000 * 2000)
    #      = 3000 * 225,000,000 / 89,550,000,000 = 7.537688
    # Yates (1934): |ad - bc| - N/2 = 15000 - 1500 = 13500
    #   X2 = 3000 * 182,250,000 / 89,550,000,000 = 6.105528
    plain = 3000 * 15000**2 / (15 * 2985 * 1000 * 2000)
    corrected = 3000 * 13500**2 / (15 * 2985 * 1000 * 2000)
    assert plain == pytest.approx(7.537688, abs=1e-6)
    assert corrected == pytest.approx(6.105528, abs=1e-6)
    assert float(chi_square(10, 5, 1000, 2000)) == pytest.approx(plain, rel=1e-12)
    assert float(chi_square(10, 5, 1000, 2000, yates=True)) == pytest.approx(corrected, rel=1e-12)
    # under-represented: same size, negative sign
    assert float(chi_square(5, 10, 2000, 1000)) == pytest.approx(-plain, rel=1e-12)


@pytest.mark.parametrize(
    "a, b, c, d",
    [(10, 5, 1000, 2000), (3, 40, 5000, 7000), (120, 80, 10_000, 9_000), (1, 2, 50, 60)],
)
@pytest.mark.parametrize("yates", [False, True])
def test_chi_square_matches_scipy(a, b, c, d, yates):
    table = np.array([[a, b], [c - a, d - b]])
    x2, *_ = stats.chi2_contingency(table, correction=yates)
    assert abs(float(chi_square(a, b, c, d, yates=yates))) == pytest.approx(x2, rel=1e-10)


def test_chi_square_zero_margin_is_zero():
    assert float(chi_square(0, 0, 1000, 2000)) == 0.0
    assert float(chi_square(1000, 2000, 1000, 2000)) == 0.0


def test_p_value_at_the_usual_critical_values():
    # Chi-square critical values with 1 df (the UCREL wizard's table):
    # 3.84 -> p = 0.05, 6.63 -> 0.01, 10.83 -> 0.001, 15.13 -> 0.0001.
    assert float(p_value(3.841458820694124)) == pytest.approx(0.05, rel=1e-9)
    assert float(p_value(6.634896601021214)) == pytest.approx(0.01, rel=1e-9)
    assert float(p_value(10.827566170662733)) == pytest.approx(0.001, rel=1e-9)
    assert float(p_value(15.13670516)) == pytest.approx(0.0001, rel=1e-6)
    # the sign of a keyness score is ignored
    assert float(p_value(-3.841458820694124)) == pytest.approx(0.05, rel=1e-9)
    # with 2 df the survival function is exp(-x/2): p(2 ln 20) = 1/20
    assert float(p_value(2 * math.log(20), df=2)) == pytest.approx(0.05, rel=1e-12)
    np.testing.assert_allclose(p_value([0.0, 3.841458820694124]), [1.0, 0.05], rtol=1e-9)


# ---------------------------------------------------------------------------
# Log Ratio and %DIFF
# ---------------------------------------------------------------------------


def test_log_ratio_by_hand():
    # Hardie (2014): log2 of the ratio of relative frequencies.
    #   20/1000 = 0.02 vs 10/1000 = 0.01 -> ratio 2 -> log2 = 1 ("twice as frequent")
    assert float(log_ratio(20, 10, 1000, 1000)) == 1.0
    #   10/1000 = 0.01 vs 40/1000 = 0.04 -> ratio 1/4 -> -2
    assert float(log_ratio(10, 40, 1000, 1000)) == -2.0
    #   corpora of different sizes: 10/1000 = 0.01 vs 10/8000 = 0.00125 -> ratio 8 -> 3
    assert float(log_ratio(10, 10, 1000, 8000)) == 3.0
    #   equal relative frequencies -> 0
    assert float(log_ratio(10, 20, 1000, 2000)) == 0.0


def test_log_ratio_zero_counts_use_smoothing():
    # a zero count becomes 0.5 (Hardie's adjustment): 0.5/1000 vs 4/1000 -> log2(1/8) = -3
    assert float(log_ratio(0, 4, 1000, 1000)) == -3.0
    # and 8/1000 vs 0.5/1000 -> log2(16) = 4
    assert float(log_ratio(8, 0, 1000, 1000)) == 4.0
    # another smoothing constant: 8/1000 vs 1/1000 -> 3
    assert float(log_ratio(8, 0, 1000, 1000, smoothing=1.0)) == 3.0
    # absent from both -> 0
    assert float(log_ratio(0, 0, 1000, 2000)) == 0.0


def test_percent_diff_by_hand():
    # Gabrielatos & Marchi (2012): %DIFF = 100 (NF_target - NF_ref) / NF_ref
    #   30 in 10,000 -> 3000 per million; 10 in 10,000 -> 1000 pm
    #   100 * (3000 - 1000) / 1000 = 200
    assert float(percent_diff(30, 10, 10_000, 10_000)) == pytest.approx(200.0)
    #   5/1000 -> 5000 pm; 10/1000 -> 10000 pm: 100 * (5000 - 10000) / 10000 = -50
    assert float(percent_diff(5, 10, 1000, 1000)) == pytest.approx(-50.0)
    #   different sizes: 10/1000 -> 10000 pm; 10/4000 -> 2500 pm: 100 * 7500 / 2500 = 300
    assert float(percent_diff(10, 10, 1000, 4000)) == pytest.approx(300.0)
    #   absent from the target: 100 * (0 - NF_ref) / NF_ref = -100
    assert float(percent_diff(0, 10, 1000, 4000)) == pytest.approx(-100.0)


def test_percent_diff_zero_reference_is_huge_but_finite():
    # b = 0: NF_ref is replaced by 1e-18. a = 1 in 1,000,000 tokens is 1 per million:
    #   100 * (1 - 1e-18) / 1e-18 = 1e20 (to double precision)
    value = float(percent_diff(1, 0, 1_000_000, 1_000_000))
    assert math.isfinite(value)
    assert value == pytest.approx(1e20, rel=1e-12)
    assert float(percent_diff(0, 0, 1000, 1000)) == 0.0


# ---------------------------------------------------------------------------
# Lafon's specificities
# ---------------------------------------------------------------------------

# The tiny corpus: T = 20 tokens, the part has t = 10, the term F = 4 in all.
# X ~ hypergeometric: P(X = k) = C(4, k) C(16, 10 - k) / C(20, 10); E = 10 * 4 / 20 = 2.
_C = math.comb(20, 10)  # 184,756


def _p(k: int) -> float:
    return math.comb(4, k) * math.comb(16, 10 - k) / _C


def test_lafon_hand_probabilities():
    # C(16, 10) = C(16, 6) = 8008; C(16, 9) = C(16, 7) = 11440; C(16, 8) = 12870
    assert [math.comb(16, 10 - k) for k in range(5)] == [8008, 11440, 12870, 11440, 8008]
    # P(X=0..4) numerators: 8008, 4*11440 = 45760, 6*12870 = 77220, 45760, 8008 (sum 184756)
    assert sum(math.comb(4, k) * math.comb(16, 10 - k) for k in range(5)) == _C


def test_lafon_specificity_by_hand():
    # Lafon (1980); sign convention of TXM's textometry package: f >= E -> positive.
    # f = 4 (> E = 2): P(X >= 4) = 8008 / 184756 = 0.0433437 -> -log10 = 1.363074
    up4 = _p(4)
    assert up4 == pytest.approx(0.0433437, abs=1e-7)
    assert float(lafon_specificity(4, 0, 10, 10)) == pytest.approx(-math.log10(up4), rel=1e-10)
    assert float(lafon_specificity(4, 0, 10, 10)) == pytest.approx(1.363074, abs=1e-6)
    # f = 3: P(X >= 3) = (45760 + 8008) / 184756 = 0.2910217 -> 0.536075
    up3 = _p(3) + _p(4)
    assert float(lafon_specificity(3, 1, 10, 10)) == pytest.approx(-math.log10(up3), rel=1e-10)
    # f = 0 (< E): P(X <= 0) = 8008 / 184756 -> log10 = -1.363074 (negative)
    assert float(lafon_specificity(0, 4, 10, 10)) == pytest.approx(math.log10(_p(0)), rel=1e-10)
    # f = 1: P(X <= 1) = (8008 + 45760) / 184756 -> -0.536075
    assert float(lafon_specificity(1, 3, 10, 10)) == pytest.approx(
        math.log10(_p(0) + _p(1)), rel=1e-10
    )
    # f = 2 = E: the tie goes to the positive side (textometry's ">=" test):
    #   P(X >= 2) = (77220 + 45760 + 8008) / 184756 = 130988 / 184756 = 0.708978
    #   (= 1 - P(X <= 1) = 1 - 53768 / 184756) -> -log10 = 0.149367
    up2 = _p(2) + _p(3) + _p(4)
    assert up2 == pytest.approx(130_988 / 184_756)
    assert up2 == pytest.approx(1 - 53_768 / 184_756)
    assert float(lafon_specificity(2, 2, 10, 10)) == pytest.approx(-math.log10(up2), rel=1e-10)
    assert float(lafon_specificity(2, 2, 10, 10)) == pytest.approx(0.149367, abs=1e-6)
    # vectorised
    np.testing.assert_allclose(
        lafon_specificity([4, 3, 2, 1, 0], [0, 1, 2, 3, 4], 10, 10),
        [-math.log10(up4), -math.log10(up3), -math.log10(up2), math.log10(_p(0) + _p(1)),
         math.log10(_p(0))],
        rtol=1e-10,
    )


def test_lafon_unequal_parts_by_hand():
    # T = 10, t = 3, F = 2, f = 2: E = 3 * 2 / 10 = 0.6, so positive.
    #   P(X >= 2) = P(X = 2) = C(2,2) C(8,1) / C(10,3) = 8 / 120 = 1/15 -> log10(15) = 1.176091
    assert float(lafon_specificity(2, 0, 3, 7)) == pytest.approx(math.log10(15), rel=1e-10)
    # f = 0: P(X <= 0) = C(8,3) / C(10,3) = 56 / 120 -> log10(56/120) = -0.330993
    assert float(lafon_specificity(0, 2, 3, 7)) == pytest.approx(math.log10(56 / 120), rel=1e-10)


def test_lafon_absent_term_scores_zero():
    # F = 0: E = 0, f = 0 >= E, P(X >= 0) = 1 -> 0
    assert float(lafon_specificity(0, 0, 10, 10)) == 0.0


def test_lafon_large_corpus_stays_finite_and_exact():
    # A term that occurs only in the part: f = F = 20,000, t = 10^6, T = 2 * 10^6.
    #   P(X >= F) = P(X = F) = C(t, F) / C(T, F) = prod_{i<F} (t - i) / (T - i)
    # so the score is -sum_i log10((t - i) / (T - i)), about 6064 (each factor is
    # just under 1/2): far below the smallest double, yet finite.
    t, total, f = 10**6, 2 * 10**6, 20_000
    expected = -math.fsum(math.log10((t - i) / (total - i)) for i in range(f))
    assert expected == pytest.approx(6064.47, abs=0.01)
    score = float(lafon_specificity(f, 0, t, total - t))
    assert math.isfinite(score)
    assert score == pytest.approx(expected, rel=1e-9)
    # and the mirror image: absent from the part, all in the rest
    assert float(lafon_specificity(0, f, t, total - t)) == pytest.approx(-expected, rel=1e-9)


def test_lafon_values_around_300_are_finite():
    # f = 1900 of F = 2000 in half of a 10^7-token corpus: P(X >= 1900) is about 1e-431.
    score = lafon_specificity([1500, 1800, 1900], [500, 200, 100], 5_000_000, 5_000_000)
    assert np.isfinite(score).all()
    assert (np.diff(score) > 0).all() and score[-1] > 300


def test_lafon_matches_scipy_log_tails():
    # Independent cross-check against scipy.stats.hypergeom's log tails
    # (hypergeom(M=T, n=F, N=t); P(X >= f) = sf(f - 1)).
    t, rest, white = 50_000, 50_000, 800
    for f in (700, 450, 100):
        score = float(lafon_specificity(f, white - f, t, rest))
        expected_value = t * white / (t + rest)
        if f >= expected_value:
            ref = -stats.hypergeom.logsf(f - 1, t + rest, white, t) / math.log(10)
        else:
            ref = stats.hypergeom.logcdf(f, t + rest, white, t) / math.log(10)
        assert score == pytest.approx(ref, rel=1e-8)


# ---------------------------------------------------------------------------
# Gini and evenness
# ---------------------------------------------------------------------------


def test_gini_by_hand():
    # Population Gini (Gini 1912): sum_i sum_j |x_i - x_j| / (2 n^2 mean)
    # perfect equality -> 0
    assert float(gini([1, 1, 1, 1])) == 0.0
    # [0, 0, 0, 1]: |1 - 0| for 3 pairs, both orders: 6; n^2 = 16, mean = 1/4
    #   G = 6 / (2 * 16 * 0.25) = 0.75 = (n - 1) / n
    assert float(gini([0, 0, 0, 1])) == pytest.approx(0.75)
    # corrected: * n / (n - 1) = 0.75 * 4/3 = 1
    assert float(gini([0, 0, 0, 1], corrected=True)) == pytest.approx(1.0)
    # [1, 2, 3, 4, 5]: differences over pairs i < j: 1+2+3+4 + 1+2+3 + 1+2 + 1 = 20,
    #   both orders 40; n^2 = 25, mean = 3 -> 40 / 150 = 0.266667.
    # Same by the sorted-rank formula (1/n)(n + 1 - 2 sum (n + 1 - i) y_i / sum y):
    #   sum (n + 1 - i) y_i = 5*1 + 4*2 + 3*3 + 2*4 + 1*5 = 35 -> (6 - 70/15) / 5 = 0.266667
    assert float(gini([1, 2, 3, 4, 5])) == pytest.approx(4 / 15)
    assert float(gini([5, 3, 1, 4, 2])) == pytest.approx(4 / 15)  # order does not matter
    assert float(gini([1, 2, 3, 4, 5], corrected=True)) == pytest.approx(4 / 15 * 5 / 4)
    # scale invariance
    assert float(gini([10, 20, 30, 40, 50])) == pytest.approx(4 / 15)


def test_gini_degenerate_input_is_nan():
    assert math.isnan(gini([]))
    assert math.isnan(gini([0, 0, 0]))
    assert math.isnan(gini([3], corrected=True))
    assert float(gini([3])) == 0.0


def test_evenness_by_hand():
    # Pielou (1966): J = H / ln n with H = -sum p ln p.
    assert float(evenness([5, 5, 5])) == pytest.approx(1.0)
    # one group holds everything: H = 0
    assert float(evenness([0, 0, 7])) == 0.0
    # [1, 1, 0, 0]: H = ln 2, n = 4 -> ln 2 / ln 4 = 0.5
    assert float(evenness([1, 1, 0, 0])) == pytest.approx(0.5)
    # [1, 3]: p = (1/4, 3/4), H = -(0.25 ln 0.25 + 0.75 ln 0.75) = 0.562335, / ln 2 = 0.811278
    h = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))
    assert h == pytest.approx(0.562335, abs=1e-6)
    assert float(evenness([1, 3])) == pytest.approx(h / math.log(2))
    assert float(evenness([1, 3])) == pytest.approx(0.811278, abs=1e-6)


def test_evenness_degenerate_input_is_nan():
    assert math.isnan(evenness([4]))
    assert math.isnan(evenness([]))
    assert math.isnan(evenness([0, 0]))


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

KEYNESS = [log_likelihood, chi_square, log_ratio, percent_diff, lafon_specificity]


@pytest.mark.parametrize("function", KEYNESS)
def test_negative_counts_are_refused(function):
    with pytest.raises(ParameterError, match="RK-P11") as info:
        function([10, -1], [5, 5], 1000, 2000)
    assert "'a'" in str(info.value) and "-1" in str(info.value)


@pytest.mark.parametrize("function", KEYNESS)
def test_mismatched_lengths_are_refused(function):
    with pytest.raises(ParameterError, match="RK-P10"):
        function([10, 5, 3], [5, 5], 1000, 2000)


@pytest.mark.parametrize("function", KEYNESS)
def test_counts_above_corpus_size_are_refused(function):
    with pytest.raises(ParameterError, match="RK-P12"):
        function(10, 5, 8, 2000)
    with pytest.raises(ParameterError, match="RK-P12"):
        function(0, 0, 0, 2000)


@pytest.mark.parametrize("function", KEYNESS)
def test_non_numbers_are_refused(function):
    with pytest.raises(ParameterError, match="RK-P11"):
        function("ten", 5, 1000, 2000)
    with pytest.raises(ParameterError, match="RK-P11"):
        function(float("nan"), 5, 1000, 2000)


def test_lafon_needs_whole_counts():
    with pytest.raises(ParameterError, match="RK-P11"):
        lafon_specificity(2.5, 1, 100, 100)


def test_bad_options_are_refused():
    with pytest.raises(ParameterError, match="RK-P01") as info:
        log_likelihood(10, 5, 1000, 2000, form="G2")
    assert "g2" in str(info.value)  # the message suggests the right spelling
    with pytest.raises(ParameterError, match="RK-P16"):
        log_ratio(10, 5, 1000, 2000, smoothing=0)
    with pytest.raises(ParameterError, match="RK-P16"):
        p_value(3.84, df=0)


def test_bad_concentration_input_is_refused():
    with pytest.raises(ParameterError, match="RK-P11"):
        gini([1, -2, 3])
    with pytest.raises(ParameterError, match="RK-P11"):
        evenness([1, float("nan")])
    with pytest.raises(ParameterError, match="RK-P10"):
        gini([[1, 2], [3, 4]])
