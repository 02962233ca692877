"""Fair-draw distributions of the per-draw statistics, checked against full enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lotto_lab.errors import ConfigError
from lotto_lab.features import draw_statistics, statistic_names, statistic_pmf
from lotto_lab.games import Pool, get_game

SMALL_POOLS = [Pool("a", 10, 3, "甲", "a"), Pool("b", 12, 4, "乙", "b"), Pool("c", 7, 1, "丙", "c")]


def enumerated_pmf(pool: Pool, statistic: str, n_zones: int = 3) -> dict[int, float]:
    """Return the statistic's distribution over every pick-subset of the pool."""
    subsets = np.array(list(itertools.combinations(range(1, pool.size + 1), pool.pick)))
    if statistic == "repeats":
        # Pair every subset with every possible previous draw.
        overlaps = [len(set(a) & set(b)) for a in subsets for b in subsets]
        values, counts = np.unique(overlaps, return_counts=True)
    else:
        values, counts = np.unique(draw_statistics(subsets, pool, n_zones)[statistic], return_counts=True)
    return {int(v): c / counts.sum() for v, c in zip(values, counts, strict=True)}


@pytest.mark.parametrize("pool", SMALL_POOLS, ids=lambda pool: f"{pool.pick}of{pool.size}")
def test_exact_pmfs_match_enumeration(pool):
    for statistic in statistic_names(pool):
        if statistic == "ac":
            continue
        pmf, exact = statistic_pmf(pool, statistic)
        assert exact
        expected = enumerated_pmf(pool, statistic)
        assert list(pmf.index) == sorted(expected), statistic
        assert np.allclose(pmf.to_numpy(), [expected[v] for v in pmf.index]), statistic


def test_simulated_ac_is_close_to_enumeration():
    pool = SMALL_POOLS[1]
    pmf, exact = statistic_pmf(pool, "ac", n_samples=50_000, seed=3)
    assert not exact
    expected = enumerated_pmf(pool, "ac")
    assert set(pmf.index) <= set(expected)
    # 50,000 draws give a standard error under 0.0023 per value, so 0.012 is over 5 of them.
    for value, probability in expected.items():
        assert abs(pmf.get(value, 0.0) - probability) < 0.012, value


def test_simulated_ac_repeats_with_seed():
    red = get_game("ssq").pool("red")
    first, _ = statistic_pmf(red, "ac", n_samples=2000, seed=1)
    second, _ = statistic_pmf(red, "ac", n_samples=2000, seed=1)
    other, _ = statistic_pmf(red, "ac", n_samples=2000, seed=2)
    assert first.equals(second)
    assert not first.equals(other)


def test_ssq_red_sum_has_known_mean_and_range():
    pmf, _ = statistic_pmf(get_game("ssq").pool("red"), "sum")
    assert pmf.index.min() == 21
    assert pmf.index.max() == 183
    assert np.isclose(pmf.sum(), 1.0)
    assert np.isclose((pmf.index.to_numpy() * pmf.to_numpy()).sum(), 102.0)


def test_ssq_red_odd_is_hypergeometric():
    pmf, _ = statistic_pmf(get_game("ssq").pool("red"), "odd")
    # 17 odd and 16 even numbers: P(all six odd) = C(17, 6) / C(33, 6).
    assert np.isclose(pmf[6], 12376 / 1107568)
    assert np.isclose(pmf[0], 8008 / 1107568)


def test_rejects_statistic_the_pool_lacks():
    blue = get_game("ssq").pool("blue")
    with pytest.raises(
        ConfigError, match=r"^pool 'blue' has no statistic 'span': choose one of odd, big, sum,"
    ):
        statistic_pmf(blue, "span")


def test_rejects_bad_sample_count():
    with pytest.raises(ConfigError, match=r"^n_samples must be a whole number of at least 1, got 0$"):
        statistic_pmf(get_game("ssq").pool("red"), "ac", n_samples=0)
