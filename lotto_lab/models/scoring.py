"""Log-loss in bits and the lift over uniform, the score the LSTM is trained and tuned on.

The log-loss of one draw in one pool is the binary cross-entropy summed over the pool's numbers,
in bits: ``-sum(y log2 p + (1 - y) log2(1 - p))``. Pools are summed. Uniform, which gives every
number ``pick / size``, scores ``size * H(pick / size)`` per pool. The lift of a prediction is
uniform's log-loss minus its own, so a positive lift means fewer bits than uniform.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import stats

from lotto_lab.games import GameSpec

__all__ = [
    "LiftTest",
    "expected_lift_bits",
    "lift_bits",
    "log_loss_bits",
    "paired_lift_test",
    "uniform_log_loss_bits",
]


def _entropy_bits(q: float) -> float:
    return -(q * math.log2(q) + (1 - q) * math.log2(1 - q))


def uniform_log_loss_bits(game: GameSpec) -> float:
    """Return uniform's log-loss of one draw in bits, summed over the game's pools."""
    return sum(pool.size * _entropy_bits(pool.pick / pool.size) for pool in game.pools)


def log_loss_bits(
    game: GameSpec, probabilities: Mapping[str, np.ndarray], outcomes: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Return the log-loss of each draw in bits, summed over pools.

    Parameters
    ----------
    game
        The game whose pools are scored.
    probabilities
        Per pool, an ``(n_draws, size)`` array of inclusion probabilities in (0, 1).
    outcomes
        Per pool, an ``(n_draws, size)`` 0/1 array marking the numbers drawn.

    Returns
    -------
    numpy.ndarray
        ``(n_draws,)`` log-loss per draw.
    """
    total: np.ndarray | None = None
    for pool in game.pools:
        p = np.asarray(probabilities[pool.name], dtype=np.float64)
        y = np.asarray(outcomes[pool.name], dtype=np.float64)
        if p.shape != y.shape:
            raise ValueError(
                f"pool {pool.name!r}: probabilities have shape {p.shape} but outcomes have {y.shape}"
            )
        loss = -(y * np.log2(p) + (1 - y) * np.log2(1 - p)).sum(axis=-1)
        total = loss if total is None else total + loss
    assert total is not None  # a GameSpec has at least one pool
    return total


def lift_bits(
    game: GameSpec, probabilities: Mapping[str, np.ndarray], outcomes: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Return each draw's log-loss lift over uniform in bits (positive: better than uniform)."""
    return uniform_log_loss_bits(game) - log_loss_bits(game, probabilities, outcomes)


@dataclass(frozen=True)
class LiftTest:
    """Mean per-draw lift over uniform with an interval and a one-sided p-value.

    ``p_value`` tests the null hypothesis "mean lift <= 0" (the strategy is no better than
    uniform) against "mean lift > 0".
    """

    n: int
    mean_lift_bits: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    confidence: float


def paired_lift_test(lifts: np.ndarray, *, confidence: float = 0.95) -> LiftTest:
    """Test whether per-draw lifts over uniform have a positive mean.

    The lift of a draw is uniform's log-loss minus the strategy's on the same draw, so this is a
    paired test of the two log-losses. It uses the evaluation layer's test
    (:func:`lotto_lab.evaluation.significance.hac_mean_test`): Student's t with a Newey-West
    standard error, so serial dependence between draws does not make it too eager. The interval
    is two-sided at ``confidence``: the mean plus or minus the t quantile times that error.
    """
    from lotto_lab.evaluation.significance import hac_mean_test

    values = np.asarray(lifts, dtype=np.float64)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"paired_lift_test needs a 1-D array of at least 2 lifts, got shape {values.shape}")
    mean, se, _, p_value = (float(column[0]) for column in hac_mean_test(values))
    half = float(stats.t.ppf(0.5 + confidence / 2, df=len(values) - 1)) * se
    return LiftTest(len(values), mean, se, mean - half, mean + half, p_value, confidence)


def expected_lift_bits(
    game: GameSpec, probabilities: Mapping[str, np.ndarray], true_probabilities: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Return each draw's expected lift over uniform in bits when the draw follows ``true_probabilities``.

    For a number with true inclusion probability ``q``, predicted ``p`` and uniform ``u``, the
    expected lift is ``q log2(p / u) + (1 - q) log2((1 - p) / (1 - u))``; numbers and pools are
    summed. Unlike the realised lift it has no sampling noise, and with ``p = q`` it is the most any
    prediction can gain on that draw. Arrays are ``(n_draws, size)`` per pool.
    """
    total: np.ndarray | None = None
    for pool in game.pools:
        p = np.asarray(probabilities[pool.name], dtype=np.float64)
        q = np.asarray(true_probabilities[pool.name], dtype=np.float64)
        u = pool.pick / pool.size
        gain = (q * np.log2(p / u) + (1 - q) * np.log2((1 - p) / (1 - u))).sum(axis=-1)
        total = gain if total is None else total + gain
    assert total is not None
    return total
