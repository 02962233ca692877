"""The statistics of the randomness audit, for one pool of one stretch of draws.

Each test takes the draws as an ``(n_draws, size)`` 0/1 indicator matrix (column ``j`` is number
``j + 1``) and returns a :class:`TestOutcome`. It carries the statistic, its null law's degrees of
freedom where it has one, and the p-value under fair drawing (every ``pick``-subset equally
likely, draws independent). Its ``extremeness`` grows as the data look less fair, and the audit's
Monte Carlo check compares it with the same number on simulated fair draws.

Notation: ``N`` numbers in the pool, ``k`` drawn each time, ``q = k / N``, ``T`` draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import stats

from lotto_lab.evaluation.baselines import convolution_power, hit_distribution, subset_sum_distribution
from lotto_lab.games import Pool

__all__ = ["TEST_NAMES", "TestOutcome", "run_battery", "test_applies"]

# Smallest expected count per cell of a chi-square test: the usual rule for its chi-square law.
MIN_EXPECTED = 5.0
MAX_GAP_CELLS = 30
MAX_SUM_CELLS = 20


@dataclass(frozen=True)
class TestOutcome:
    """One test's result.

    ``p_value`` is NaN when the draws are too few for the test's null law to be trusted. The
    statistic and ``extremeness`` are still given where they can be computed, so that a Monte
    Carlo p-value can take the place of ``p_value``. Both are NaN when the statistic itself
    cannot be computed.
    """

    statistic: float
    p_value: float
    extremeness: float
    df: float | None = None
    detail: dict[str, float] = field(default_factory=dict)


_SKIPPED = TestOutcome(statistic=math.nan, p_value=math.nan, extremeness=math.nan)


def frequency_test(x: np.ndarray, pool: Pool) -> TestOutcome:
    """Pearson's statistic on the counts of each number, corrected for drawing without replacement.

    With ``e = T q`` the statistic ``S = sum (c_j - e)^2 / e`` has mean ``N - k`` under fair
    drawing, not ``N - 1``, because the counts are negatively correlated (the draws hold exactly
    ``k`` numbers). Its null law is ``chi2(N - 1)`` scaled by ``(N - k) / (N - 1)``, so the p-value
    reads ``S (N - 1) / (N - k)`` against ``chi2(N - 1)``.
    """
    n_draws, size, pick = x.shape[0], pool.size, pool.pick
    expected = n_draws * pick / size
    counts = x.sum(axis=0)
    statistic = float(((counts - expected) ** 2 / expected).sum())
    scaled = statistic * (size - 1) / (size - pick)
    return TestOutcome(
        statistic=statistic,
        p_value=float(stats.chi2.sf(scaled, size - 1)),
        extremeness=statistic,
        df=float(size - 1),
        detail={"scale": (size - pick) / (size - 1), "expected_count": expected},
    )


def gap_test(x: np.ndarray, pool: Pool) -> TestOutcome:
    """Chi-square test of the gaps between a number's appearances against the geometric law.

    Under fair drawing each number appears in a draw with probability ``q`` independently of the
    past, so the number of draws from one appearance to the next is geometric. Within a window
    of ``T`` draws a gap of length ``g`` fits in ``T - g`` places, so the expected count of
    completed gaps of length ``g`` is ``(T - g) q^2 (1 - q)^(g - 1)`` per number: long gaps are
    seen less often than the plain geometric law gives. The completed gaps of all numbers are
    pooled into cells ``1 .. M - 1`` and ``>= M`` with these window-corrected probabilities, ``M``
    as large as keeps every expected count at least 5, and tested given their total.
    """
    n_draws = x.shape[0]
    q = pool.pick / pool.size
    numbers, draws = np.nonzero(x.T)  # sorted by number, then by draw
    same_number = numbers[1:] == numbers[:-1]
    gaps = np.diff(draws)[same_number]
    total = gaps.size
    if total == 0 or n_draws < 3:
        return _SKIPPED
    lengths = np.arange(1, n_draws)
    weights = (n_draws - lengths) * (1 - q) ** (lengths - 1)
    law = weights / weights.sum()
    tail = np.cumsum(law[::-1])[::-1]  # tail[g - 1] = P(gap >= g)

    cells = 1
    while cells < MAX_GAP_CELLS and cells < n_draws - 1:
        if total * law[cells - 1] < MIN_EXPECTED or total * tail[cells] < MIN_EXPECTED:
            break
        cells += 1
    if cells < 2:
        return _SKIPPED
    # Cells are gap = 1 .. cells - 1 and gap >= cells.
    observed = np.bincount(np.minimum(gaps, cells) - 1, minlength=cells).astype(np.float64)
    probabilities = np.append(law[: cells - 1], tail[cells - 1])
    expected = total * probabilities
    statistic = float(((observed - expected) ** 2 / expected).sum())
    return TestOutcome(
        statistic=statistic,
        p_value=float(stats.chi2.sf(statistic, cells - 1)),
        extremeness=statistic,
        df=float(cells - 1),
        detail={"gaps": float(total), "cells": float(cells), "mean_gap": float(gaps.mean())},
    )


def pair_test(x: np.ndarray, pool: Pool) -> TestOutcome:
    """Test whether pairs of numbers are drawn together more or less often than chance allows.

    ``C_ij`` counts the draws holding both ``i`` and ``j``; under fair drawing its mean is
    ``T p2`` with ``p2 = k (k - 1) / (N (N - 1))``. The centred pair counts split into a part
    explained by the single numbers' counts (the frequency test's business) and a pure-pair part of
    dimension ``N (N - 3) / 2``. The covariance of one draw's pair indicators is ``a I + b A1 + c A2``
    (``A1``: pairs sharing a number, ``A2``: disjoint pairs), which on the pure-pair part is
    ``lambda = a - 2 b + c`` times the identity (eigenvalues of the Johnson scheme J(N, 2)). So
    ``|pure part|^2 / (T lambda)`` is asymptotically ``chi2(N (N - 3) / 2)``.
    """
    n_draws, size, pick = x.shape[0], pool.size, pool.pick
    if not test_applies("pairs", pool):
        return _SKIPPED
    p2 = pick * (pick - 1) / (size * (size - 1))
    p3 = p2 * (pick - 2) / (size - 2)
    p4 = p3 * (pick - 3) / (size - 3)
    variance = (p2 - p2**2) - 2 * (p3 - p2**2) + (p4 - p2**2)
    if variance <= 0:
        return _SKIPPED
    deviation = _pair_counts(x, pick) - n_draws * p2
    np.fill_diagonal(deviation, 0.0)
    row = deviation.sum(axis=1)
    pure = deviation - (row[:, None] + row[None, :]) / (size - 2) + row.sum() / ((size - 1) * (size - 2))
    np.fill_diagonal(pure, 0.0)
    statistic = float((pure**2).sum() / 2 / (n_draws * variance))
    df = size * (size - 3) / 2
    return TestOutcome(
        statistic=statistic,
        p_value=float(stats.chi2.sf(statistic, df)),
        extremeness=statistic,
        df=df,
        detail={"expected_pair_count": n_draws * p2},
    )


def _pair_counts(x: np.ndarray, pick: int) -> np.ndarray:
    """Return the symmetric ``(N, N)`` matrix of draws holding both numbers of each pair.

    Counting index pairs avoids a BLAS product, whose threads slow down on a busy machine.
    """
    size = x.shape[1]
    _, columns = np.nonzero(x)
    if columns.size != x.shape[0] * pick:
        raise ValueError(f"every draw must hold exactly {pick} distinct numbers of this pool")
    drawn = columns.reshape(-1, pick)
    first, second = np.triu_indices(pick, 1)
    codes = (drawn[:, first] * size + drawn[:, second]).ravel()
    counts = np.bincount(codes, minlength=size * size).reshape(size, size).astype(np.float64)
    return counts + counts.T


def repeat_test(x: np.ndarray, pool: Pool) -> TestOutcome:
    """Two-sided exact test of the numbers repeated from the previous draw.

    Given the previous draw, a fair draw repeats a hypergeometric number of its ``k`` numbers,
    whatever they were, so the repeats of successive draws are independent and their total over
    ``T - 1`` draws follows the ``(T - 1)``-fold convolution of that law. The p-value doubles the
    smaller mid-p tail (the tail beyond the observed total plus half its own probability), which
    keeps the p-value of this discrete statistic close to uniform under fair drawing.
    """
    n_draws = x.shape[0]
    if n_draws < 2:
        return _SKIPPED
    repeats = (x[1:] & x[:-1]).sum(axis=1)
    total = int(repeats.sum())
    law = _repeat_law(pool, n_draws - 1)
    own = float(law[total]) if total < law.size else 0.0
    lower = float(law[: total + 1].sum()) - own / 2
    upper = float(law[total:].sum()) - own / 2
    mean = float((np.arange(law.size) * law).sum())
    return TestOutcome(
        statistic=float(total),
        p_value=min(1.0, 2 * min(lower, upper)),
        extremeness=abs(total - mean),
        detail={"mean_repeats": total / (n_draws - 1), "expected_repeats": mean / (n_draws - 1)},
    )


def _draw_sums(x: np.ndarray) -> np.ndarray:
    return (x * np.arange(1, x.shape[1] + 1)).sum(axis=1)


@lru_cache(maxsize=32)
def _sum_law(size: int, pick: int) -> tuple[np.ndarray, np.ndarray]:
    values, law = subset_sum_distribution(size, pick)
    values.flags.writeable = False
    law.flags.writeable = False
    return values, law


@lru_cache(maxsize=64)
def _repeat_law(pool: Pool, n_pairs: int) -> np.ndarray:
    law = convolution_power(hit_distribution(pool), n_pairs)
    law.flags.writeable = False
    return law


def _sum_cells(pool: Pool, n_draws: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the sum values, their exact law and a cell index per value with expected counts >= 5."""
    values, law = _sum_law(pool.size, pool.pick)
    target = int(min(MAX_SUM_CELLS, max(2, n_draws * 1.0 // (2 * MIN_EXPECTED))))
    cumulative = np.cumsum(law)
    cell = np.minimum((cumulative * target).astype(np.int64), target - 1)
    cell = np.maximum.accumulate(cell)
    # Merge cells whose expected count is under the minimum into their neighbour.
    while True:
        expected = np.bincount(cell, weights=law) * n_draws
        used = np.unique(cell)
        small = [c for c in used if expected[c] < MIN_EXPECTED]
        if not small or used.size <= 1:
            break
        c = small[0]
        neighbour = used[used > c][0] if c != used[-1] else used[used < c][-1]
        cell[cell == c] = neighbour
    _, cell = np.unique(cell, return_inverse=True)
    return values, law, cell


def sum_test(x: np.ndarray, pool: Pool) -> TestOutcome:
    """Chi-square test of the sum of each draw's numbers against its exact law.

    The law of the sum of ``k`` distinct numbers drawn fairly from ``1..N`` comes from counting
    subsets (:func:`~lotto_lab.evaluation.baselines.subset_sum_distribution`). Sums are grouped
    into cells of about equal probability, each with an expected count of at least 5.
    """
    n_draws = x.shape[0]
    values, law, cell = _sum_cells(pool, n_draws)
    n_cells = int(cell.max()) + 1
    if n_cells < 2:
        return _SKIPPED
    sums = _draw_sums(x)
    observed = np.bincount(cell[sums - values[0]], minlength=n_cells).astype(np.float64)
    expected = np.bincount(cell, weights=law, minlength=n_cells) * n_draws
    statistic = float(((observed - expected) ** 2 / expected).sum())
    return TestOutcome(
        statistic=statistic,
        p_value=float(stats.chi2.sf(statistic, n_cells - 1)),
        extremeness=statistic,
        df=float(n_cells - 1),
        detail={"mean_sum": float(sums.mean()), "expected_sum": float((values * law).sum())},
    )


def serial_test(x: np.ndarray, pool: Pool, max_lag: int) -> TestOutcome:
    """Portmanteau test of each number's own serial dependence at lags ``1 .. max_lag``.

    With ``u = x - q``, the lag-``l`` autocovariance of number ``j`` is ``g_j(l) = mean_t u_tj
    u_(t-l)j``. Under fair drawing the vector ``g(l)`` has covariance ``(S o S) / (T - l)``, where
    ``S`` is one draw's covariance (``q (1 - q)`` on the diagonal, ``-q (1 - q) / (N - 1)`` off it)
    and ``o`` is the elementwise product, and different lags are uncorrelated. The statistic
    ``sum_l (T - l) g(l)' (S o S)^-1 g(l)`` is asymptotically ``chi2(N max_lag)``: a Box-Pierce
    statistic for all numbers at once that accounts for their dependence within a draw.
    """
    n_draws, size = x.shape
    if n_draws <= max_lag + 10:
        return _SKIPPED
    q = pool.pick / pool.size
    # The chi-square law needs enough joint appearances of a number at distance ``max_lag``.
    trusted = (n_draws - max_lag) * q * q >= MIN_EXPECTED
    spread = q * (1 - q)
    epsilon = 1.0 / (size - 1) ** 2
    u = x.astype(np.float64) - q
    statistic = 0.0
    lag1 = 0.0
    for lag in range(1, max_lag + 1):
        g = (u[lag:] * u[:-lag]).mean(axis=0)
        # (S o S)^-1 = (I - epsilon / (1 - epsilon + N epsilon) 11') / (spread^2 (1 - epsilon))
        quadratic = (g @ g - epsilon / (1 - epsilon + size * epsilon) * g.sum() ** 2) / (
            spread**2 * (1 - epsilon)
        )
        statistic += (n_draws - lag) * quadratic
        if lag == 1:
            lag1 = float(g.mean() / spread)
    df = float(size * max_lag)
    return TestOutcome(
        statistic=float(statistic),
        p_value=float(stats.chi2.sf(statistic, df)) if trusted else math.nan,
        extremeness=float(statistic),
        df=df,
        detail={"mean_lag1_autocorrelation": lag1, "max_lag": float(max_lag)},
    )


def runs_test(x: np.ndarray, pool: Pool) -> TestOutcome:
    """Wald-Wolfowitz runs test on draws whose sum is above or at most the median of its law.

    Under fair drawing the high/low labels are independent with a fixed chance, so given the
    numbers of high and low draws every order is equally likely, and the number of runs is
    asymptotically normal with the Wald-Wolfowitz mean and variance. Too few runs means high and
    low sums cluster; too many means they alternate.
    """
    values, law = _sum_law(pool.size, pool.pick)
    median = values[np.searchsorted(np.cumsum(law), 0.5)]
    sums = _draw_sums(x)
    high = sums > median
    n_high = int(high.sum())
    n_low = high.size - n_high
    if n_high < 2 or n_low < 2:
        return _SKIPPED
    runs = 1 + int((high[1:] != high[:-1]).sum())
    n = n_high + n_low
    mean = 1 + 2 * n_high * n_low / n
    variance = 2 * n_high * n_low * (2 * n_high * n_low - n) / (n**2 * (n - 1))
    z = (runs - mean) / math.sqrt(variance)
    return TestOutcome(
        statistic=float(z),
        p_value=float(2 * stats.norm.sf(abs(z))),
        extremeness=abs(float(z)),
        detail={"runs": float(runs), "expected_runs": mean},
    )


# Test names in the order the audit reports them.
TEST_NAMES = ("frequency", "gaps", "pairs", "repeats", "sum", "serial", "runs")


def test_applies(name: str, pool: Pool) -> bool:
    """Whether test ``name`` means anything for ``pool`` however many draws there are.

    Only the pair test has a condition: it needs at least 2 numbers per draw and 4 in the pool.
    """
    if name == "pairs":
        return pool.pick >= 2 and pool.size >= 4
    return True


def run_battery(x: np.ndarray, pool: Pool, *, max_lag: int = 5) -> dict[str, TestOutcome]:
    """Run every test of :data:`TEST_NAMES` on one pool's indicator matrix ``x``."""
    return {
        "frequency": frequency_test(x, pool),
        "gaps": gap_test(x, pool),
        "pairs": pair_test(x, pool),
        "repeats": repeat_test(x, pool),
        "sum": sum_test(x, pool),
        "serial": serial_test(x, pool, max_lag),
        "runs": runs_test(x, pool),
    }
