"""The strategy contract helpers: scale_to_pick and check_probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from lotto_lab.games import DLT, SSQ
from lotto_lab.strategies.base import PROBABILITY_FLOOR, check_probabilities, scale_to_pick


def test_scale_to_pick_proportional_when_inside_bounds():
    p = scale_to_pick(np.array([1.0, 2.0, 3.0, 4.0]), 2)
    assert p.sum() == pytest.approx(2)
    assert p == pytest.approx(np.array([0.2, 0.4, 0.6, 0.8]))


def test_scale_to_pick_caps_and_redistributes():
    p = scale_to_pick(np.array([100.0, 1.0, 1.0, 1.0, 1.0]), 2)
    assert p[0] == pytest.approx(1 - PROBABILITY_FLOOR)
    assert p[1:] == pytest.approx(np.full(4, (2 - p[0]) / 4))


def test_scale_to_pick_floor_for_zero_weight():
    p = scale_to_pick(np.array([0.0, 5.0, 5.0, 5.0]), 1)
    assert p[0] == pytest.approx(PROBABILITY_FLOOR)
    assert p.sum() == pytest.approx(1)


def test_scale_to_pick_rows():
    weights = np.random.default_rng(0).exponential(size=(50, 33)) ** 3
    p = scale_to_pick(weights, 6)
    assert p.sum(axis=1) == pytest.approx(np.full(50, 6.0))
    assert p.max() < 1 and p.min() > 0


def test_scale_to_pick_rejects_negative():
    with pytest.raises(ValueError, match="non-negative"):
        scale_to_pick(np.array([1.0, -1.0, 2.0]), 1)


def test_check_probabilities_accepts_uniform():
    uniform = {pool.name: np.full(pool.size, pool.pick / pool.size) for pool in DLT.pools}
    check_probabilities(DLT, uniform)


def test_check_probabilities_rejects_wrong_sum():
    probabilities = {"red": np.full(33, 0.2), "blue": np.full(16, 1 / 16)}
    with pytest.raises(ValueError, match=r"must sum to the pick count 6, got 6\.600000"):
        check_probabilities(SSQ, probabilities)


def test_check_probabilities_rejects_missing_pool():
    with pytest.raises(ValueError, match="no entry for pool 'blue'"):
        check_probabilities(SSQ, {"red": np.full(33, 6 / 33)})
