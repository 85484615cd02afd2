"""Agreement between two curators: Cohen's kappa for screening, Krippendorff's alpha per facet for mechanisms.

Pure functions over plain values, so the figures can be checked against published worked examples
(tests/curation/test_agreement.py). Krippendorff's alpha comes from the `krippendorff` package.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass

import krippendorff
import numpy as np

Z_95 = 1.959963984540054  # the normal quantile of a two-sided 95 % interval
BOOTSTRAP_SAMPLES = 500
BOOTSTRAP_SEED = 20240917  # fixed: the same data gives the same interval on every page load
MIN_FOR_INTERVAL = 2  # one item gives a figure but no spread to draw an interval from


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa over `n` items both raters judged. `kappa` is None when chance agreement is total (both
    raters used one and the same category throughout): kappa is undefined there."""

    n: int
    observed: float | None
    expected: float | None
    kappa: float | None
    ci_low: float | None
    ci_high: float | None

    def as_dict(self) -> dict:
        return {key: _rounded(value) for key, value in asdict(self).items()}


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha (nominal) over `n` units two coders both coded; `agreement` is the plain share of
    units where they recorded the same value. The interval is a bootstrap over units (percentile, 95 %)."""

    n: int
    agreement: float | None
    alpha: float | None
    ci_low: float | None
    ci_high: float | None

    def as_dict(self) -> dict:
        return {key: _rounded(value) for key, value in asdict(self).items()}


def _rounded(value):
    return round(value, 4) if isinstance(value, float) else value


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> Kappa:
    """Cohen's kappa (1960) for two raters, with the large-sample standard error
    sqrt(p_o (1 − p_o) / (n (1 − p_e)²)) and a normal 95 % interval, clipped to [−1, 1] (none for one item)."""
    n = len(pairs)
    if n == 0:
        return Kappa(0, None, None, None, None, None)
    observed = sum(1 for first, second in pairs if first == second) / n
    first_counts = Counter(first for first, _ in pairs)
    second_counts = Counter(second for _, second in pairs)
    expected = sum(first_counts[c] * second_counts.get(c, 0) for c in first_counts) / (n * n)
    if expected >= 1:
        return Kappa(n, observed, expected, None, None, None)
    kappa = (observed - expected) / (1 - expected)
    if n < MIN_FOR_INTERVAL:
        return Kappa(n, observed, expected, kappa, None, None)
    se = math.sqrt(observed * (1 - observed) / (n * (1 - expected) ** 2))
    return Kappa(n, observed, expected, kappa, max(-1.0, kappa - Z_95 * se), min(1.0, kappa + Z_95 * se))


def _alpha(data: np.ndarray) -> float | None:
    try:
        value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:  # one value in the whole domain: alpha is undefined
        return None
    return None if math.isnan(value) else float(value)


def reliability_matrix(units: Sequence[Sequence[Hashable | None]]) -> np.ndarray:
    """Coders × units, each distinct value numbered, None missing (NaN), as `krippendorff.alpha` takes it."""
    codes: dict[Hashable, int] = {}
    rows = len(units[0]) if units else 0
    data = np.full((rows, len(units)), np.nan)
    for column, values in enumerate(units):
        for row, value in enumerate(values):
            if value is not None:
                data[row, column] = codes.setdefault(value, len(codes))
    return data


def krippendorff_alpha(units: Sequence[Sequence[Hashable | None]]) -> Alpha:
    """Nominal alpha over units, each the values its coders gave (None: not coded). Units coded by fewer than
    two coders carry no pairable value and do not count in `n`."""
    pairable = [values for values in units if sum(value is not None for value in values) >= 2]
    n = len(pairable)
    if n == 0:
        return Alpha(0, None, None, None, None)
    agreement = sum(1 for values in pairable if len({v for v in values if v is not None}) == 1) / n
    data = reliability_matrix(pairable)
    alpha = _alpha(data)
    if alpha is None or n < MIN_FOR_INTERVAL:
        return Alpha(n, agreement, alpha, None, None)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    samples = []
    for _ in range(BOOTSTRAP_SAMPLES):
        value = _alpha(data[:, rng.integers(0, n, n)])
        if value is not None:
            samples.append(value)
    if not samples:
        return Alpha(n, agreement, alpha, None, None)
    low, high = np.percentile(samples, [2.5, 97.5])
    return Alpha(n, agreement, alpha, float(low), float(high))


Record = dict[str, frozenset]  # one mechanism record: facet → the set of term ids it holds


def _similarity(first: Record, second: Record) -> float:
    """Jaccard over (facet, term) pairs: how much of the two records is the same."""
    left = {(facet, term) for facet, terms in first.items() for term in terms}
    right = {(facet, term) for facet, terms in second.items() for term in terms}
    union = left | right
    return len(left & right) / len(union) if union else 1.0


def match_records(first: Sequence[Record], second: Sequence[Record]) -> list[tuple[int | None, int | None]]:
    """Pair each curator's mechanism records for one citation, most alike first (greedy on Jaccard similarity,
    ties in the order recorded). Records left over on either side are paired with None: the other curator did
    not record that mechanism."""
    candidates = sorted(
        ((i, j) for i in range(len(first)) for j in range(len(second))),
        key=lambda ij: (-_similarity(first[ij[0]], second[ij[1]]), ij),
    )
    pairs: list[tuple[int | None, int | None]] = []
    used_first: set[int] = set()
    used_second: set[int] = set()
    for i, j in candidates:
        if i not in used_first and j not in used_second:
            pairs.append((i, j))
            used_first.add(i)
            used_second.add(j)
    pairs.sort(key=lambda ij: ij[0])
    pairs += [(i, None) for i in range(len(first)) if i not in used_first]
    pairs += [(None, j) for j in range(len(second)) if j not in used_second]
    return pairs


def differing_facets(first: Record | None, second: Record | None, facets: Sequence[str]) -> list[str]:
    """The facets where two matched records differ; every facet either holds when one side is missing."""
    if first is None or second is None:
        present = first or second or {}
        return [facet for facet in facets if present.get(facet)] or list(facets)
    return [facet for facet in facets if first.get(facet, frozenset()) != second.get(facet, frozenset())]
