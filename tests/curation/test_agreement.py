"""The agreement figures, checked against published worked examples."""

import math

import pytest

from curation.agreement import cohen_kappa, differing_facets, krippendorff_alpha, match_records


def test_cohen_kappa_matches_the_worked_example():
    """Wikipedia, "Cohen's kappa", section "Simple example": 50 grant proposals read by two readers A and B,
    20 yes/yes, 5 A-yes/B-no, 10 A-no/B-yes, 15 no/no; p_o = 0.7, p_e = 0.5, kappa = 0.4. Its standard error,
    sqrt(p_o (1 - p_o) / (N (1 - p_e)^2)) (same article, "Hypothesis testing and confidence interval"), is
    sqrt(0.21 / 12.5) = 0.1296, so the 95 % interval is 0.4 ± 1.96 × 0.1296 = 0.146 to 0.654."""
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    result = cohen_kappa(pairs)
    assert result.n == 50
    assert result.observed == pytest.approx(0.7)
    assert result.expected == pytest.approx(0.5)
    assert result.kappa == pytest.approx(0.4)
    se = math.sqrt(0.21 / 12.5)
    assert result.ci_low == pytest.approx(0.4 - 1.959964 * se, abs=1e-6)
    assert result.ci_high == pytest.approx(0.4 + 1.959964 * se, abs=1e-6)
    assert round(result.ci_low, 3) == 0.146 and round(result.ci_high, 3) == 0.654


def test_cohen_kappa_is_undefined_without_variation_and_empty_without_items():
    same = cohen_kappa([("in_scope", "in_scope")] * 4)
    assert same.n == 4 and same.observed == 1 and same.kappa is None and same.ci_low is None
    none = cohen_kappa([])
    assert none.n == 0 and none.kappa is None
    one = cohen_kappa([("in_scope", "out_of_scope")])
    assert one.kappa == 0 and one.ci_low is None and one.ci_high is None


def test_cohen_kappa_of_perfect_agreement_is_one():
    result = cohen_kappa([("in", "in"), ("out", "out")] * 5)
    assert result.kappa == pytest.approx(1.0) and result.ci_low == pytest.approx(1.0) and result.ci_high == 1.0


def test_krippendorff_alpha_matches_the_worked_example():
    """Krippendorff, K. (2011), "Computing Krippendorff's Alpha-Reliability", Annenberg School for Communication,
    University of Pennsylvania, example C: four observers, twelve units, nominal data with missing values;
    alpha (nominal) = 0.743. Units are columns here, observers rows (None: not coded)."""
    observers = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = list(zip(*observers, strict=True))
    result = krippendorff_alpha(units)
    assert round(result.alpha, 3) == 0.743
    assert result.n == 11  # the twelfth unit has one value: nothing to pair
    assert result.ci_low <= result.alpha <= result.ci_high


def test_krippendorff_alpha_takes_any_hashable_value_and_is_undefined_for_one_value():
    a, b = frozenset({1}), frozenset({1, 2})
    result = krippendorff_alpha([(a, a), (b, b), (a, b), (b, b)])
    assert result.n == 4 and result.agreement == 0.75 and result.alpha is not None
    assert krippendorff_alpha([(a, a), (a, a)]).alpha is None
    assert krippendorff_alpha([]).n == 0
    single = krippendorff_alpha([(a, b)])
    assert single.n == 1 and single.ci_low is None


def test_records_are_matched_most_alike_first_and_leftovers_stand_alone():
    first = [{"cargo": frozenset({1}), "effect": frozenset({9})}, {"cargo": frozenset({2}), "effect": frozenset({8})}]
    second = [{"cargo": frozenset({2}), "effect": frozenset({8})}, {"cargo": frozenset({1}), "effect": frozenset({7})}]
    third = [{"cargo": frozenset({5})}]
    assert match_records(first, second) == [(0, 1), (1, 0)]
    assert match_records(first, third + second) == [(0, 2), (1, 1), (None, 0)]
    assert differing_facets(first[0], second[1], ["cargo", "effect"]) == ["effect"]
    assert differing_facets(first[0], None, ["cargo", "effect", "drug"]) == ["cargo", "effect"]
