"""Distributions of the per-draw statistics when every ``pick``-subset of the pool is equally likely.

These are the baselines the feature figures show beside the observed distributions. All are
exact except the AC value, whose distribution is estimated by drawing fair draws with a seed:

* ``odd``, ``big``, ``zone_<i>``: hypergeometric, drawing ``pick`` from ``size`` numbers of which
  the odd (big, zone) ones are the successes.
* ``repeats``: hypergeometric with ``pick`` successes, because the previous draw marks ``pick``
  numbers and the new draw is independent of it.
* ``sum``: the count of ``pick``-subsets of ``1 .. size`` with each sum, by dynamic programming.
* ``span``: ``(size - d) * C(d - 1, pick - 2)`` subsets have span ``d``, since the smallest
  number fixes the largest and the other ``pick - 2`` lie strictly between them.
* ``consecutive``: a subset with ``j`` adjacent pairs is made of ``r = pick - j`` runs, and
  ``C(pick - 1, r - 1) * C(size - pick + 1, r)`` subsets have ``r`` runs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

from lotto_lab.config import DEFAULT_SEED
from lotto_lab.errors import ConfigError
from lotto_lab.features.per_draw import ac_values, statistic_names, zone_bounds
from lotto_lab.games import Pool

__all__ = ["AC_SAMPLES", "statistic_pmf"]

# Fair draws simulated for the AC distribution. With 50,000 draws the standard error of each
# probability is at most 0.0023 (at p = 0.5).
AC_SAMPLES = 50_000


def statistic_pmf(
    pool: Pool,
    statistic: str,
    *,
    n_zones: int = 3,
    n_samples: int = AC_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> tuple[pd.Series, bool]:
    """Return the distribution of ``statistic`` over fair draws of ``pool``.

    Parameters
    ----------
    pool
        The pool.
    statistic
        One of :func:`~lotto_lab.features.per_draw.statistic_names` for the pool.
    n_zones
        Number of zones, for ``zone_<i>``.
    n_samples, seed
        Fair draws simulated for ``ac``, and the seed of their generator.

    Returns
    -------
    tuple of pandas.Series and bool
        The probability of each value (index: the value, ascending, zero-probability values
        left out) and True when it is exact, False when it is simulated (``ac``).

    Raises
    ------
    ConfigError
        When ``statistic`` is not a statistic of ``pool`` or ``n_samples`` is below 1.
    """
    names = statistic_names(pool, n_zones)
    if statistic not in names:
        raise ConfigError(
            f"pool {pool.name!r} has no statistic {statistic!r}: choose one of {', '.join(names)}",
            zh=f"号码池 {pool.name} 没有统计量 {statistic!r}, 可选: {', '.join(names)}",
        )
    size, pick = pool.size, pool.pick

    if statistic == "ac":
        return _simulated_ac(pool, n_samples, seed), False
    if statistic == "sum":
        return _sum_pmf(size, pick), True
    if statistic == "span":
        spans = np.arange(pick - 1, size)
        return _normalised(spans, (size - spans) * special.comb(spans - 1, pick - 2)), True
    if statistic == "consecutive":
        pairs = np.arange(pick)
        runs = pick - pairs
        return _normalised(
            pairs, special.comb(pick - 1, runs - 1) * special.comb(size - pick + 1, runs)
        ), True

    successes = {
        "odd": (size + 1) // 2,
        "big": size - size // 2,
        "repeats": pick,
    }
    for i, (first, last) in enumerate(zone_bounds(pool, n_zones), start=1):
        successes[f"zone_{i}"] = last - first + 1
    values = np.arange(pick + 1)
    return _normalised(values, stats.hypergeom.pmf(values, size, successes[statistic], pick)), True


def _normalised(values: np.ndarray, weights: np.ndarray) -> pd.Series:
    weights = np.asarray(weights, dtype=np.float64)
    keep = weights > 0
    return pd.Series(weights[keep] / weights[keep].sum(), index=pd.Index(values[keep], name="value"))


def _sum_pmf(size: int, pick: int) -> pd.Series:
    # ways[j, s] counts the j-subsets of the numbers added so far whose sum is s. Adding number
    # x turns every (j - 1)-subset with sum s into a j-subset with sum s + x. The loop runs j
    # downwards, so each number enters a subset at most once.
    max_sum = sum(range(size - pick + 1, size + 1))
    ways = np.zeros((pick + 1, max_sum + 1), dtype=np.float64)
    ways[0, 0] = 1.0
    for number in range(1, size + 1):
        for j in range(min(number, pick), 0, -1):
            ways[j, number:] += ways[j - 1, : max_sum + 1 - number]
    return _normalised(np.arange(max_sum + 1), ways[pick])


def _simulated_ac(pool: Pool, n_samples: int, seed: int) -> pd.Series:
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer) or n_samples < 1:
        raise ConfigError(
            f"n_samples must be a whole number of at least 1, got {n_samples!r}",
            zh=f"n_samples 必须是不小于 1 的整数, 收到 {n_samples!r}",
        )
    rng = np.random.default_rng(seed)
    # The pick smallest of size uniform keys form a uniformly random pick-subset.
    keys = rng.random((n_samples, pool.size))
    draws = np.argpartition(keys, pool.pick - 1, axis=1)[:, : pool.pick] + 1
    values, counts = np.unique(ac_values(draws), return_counts=True)
    return _normalised(values, counts)
