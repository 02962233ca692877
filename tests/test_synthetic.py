"""Synthetic histories: fair draws are uniform; planted signals have the stated strength."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from lotto_lab.synthetic import (
    FollowNumber,
    HotNumber,
    fair_history,
    optimal_lift_bits,
    planted_history,
    signal_probabilities,
)


def test_fair_history_is_valid_and_repeatable():
    first = fair_history("ssq", 300, seed=5)
    second = fair_history("ssq", 300, seed=5)
    assert np.array_equal(first.numbers["red"], second.numbers["red"])
    red = first.numbers["red"]
    assert red.min() >= 1 and red.max() <= 33
    assert all(len(set(row)) == 6 for row in red)
    assert (np.diff(red, axis=1) > 0).all()


def test_fair_history_counts_pass_chi_square():
    history = fair_history("dlt", 3000, seed=11)
    counts = history.indicators("front").sum(axis=0)
    # Pearson statistic scaled for drawing without replacement: chi2(n-1) * (n-k)/(n-1).
    n, k, draws = 35, 5, 3000
    expected = draws * k / n
    statistic = ((counts - expected) ** 2 / expected).sum() * (n - 1) / (n - k)
    assert stats.chi2.sf(statistic, n - 1) > 0.001


def test_hot_number_frequency_matches_exact_probability():
    signal = HotNumber("red", 7, 0.3)
    history = planted_history("ssq", 4000, signals=(signal,), seed=2)
    p = signal_probabilities("ssq", signal)
    observed = history.indicators("red")[:, 6].mean()
    se = np.sqrt(p[6] * (1 - p[6]) / 4000)
    assert abs(observed - p[6]) < 4 * se
    assert p.sum() == pytest.approx(6)


def test_follow_number_only_after_leader():
    signal = FollowNumber("blue", 3, 9, 0.5)
    history = planted_history("ssq", 6000, signals=(signal,), seed=4)
    blue = history.indicators("blue")
    after_leader = blue[1:][blue[:-1, 2] == 1, 8].mean()
    otherwise = blue[1:][blue[:-1, 2] == 0, 8].mean()
    assert after_leader > 0.45
    assert otherwise < 0.1


def test_optimal_lift_zero_without_signal():
    assert optimal_lift_bits("ssq", HotNumber("red", 1, 0.0)) == pytest.approx(0.0, abs=1e-12)
    assert optimal_lift_bits("ssq", HotNumber("red", 1, 0.2)) > 0


def test_signal_checks():
    with pytest.raises(ValueError, match="outside pool 'blue'"):
        planted_history("ssq", 10, signals=(HotNumber("blue", 17, 0.1),))
    with pytest.raises(ValueError, match="strength must lie in"):
        planted_history("ssq", 10, signals=(HotNumber("red", 1, 1.5),))
