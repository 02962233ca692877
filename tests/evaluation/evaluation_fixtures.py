"""Vectorised forecasts on synthetic histories for the evaluation tests.

Imported by the tests of this folder (a unique module name, so it never clashes with another
folder's helpers). Every forecast of target ``t`` uses draws before ``t`` only.
"""

from __future__ import annotations

import numpy as np

from lotto_lab.evaluation.baselines import uniform_log_loss_bits, uniform_probabilities
from lotto_lab.history import DrawHistory
from lotto_lab.strategies.base import scale_to_pick
from lotto_lab.synthetic import FollowNumber, HotNumber, signal_probabilities


def uniform_forecasts(history: DrawHistory, targets: np.ndarray) -> dict[str, np.ndarray]:
    return {pool.name: np.tile(uniform_probabilities(pool), (len(targets), 1)) for pool in history.game.pools}


def frequency_forecasts(
    history: DrawHistory, targets: np.ndarray, prior: float = 20.0
) -> dict[str, np.ndarray]:
    """Counts of each number in the draws before the target, plus ``prior``, scaled to the pick."""
    out = {}
    for pool in history.game.pools:
        counts = np.cumsum(history.indicators(pool.name), axis=0)[targets - 1]
        out[pool.name] = scale_to_pick(counts + prior, pool.pick)
    return out


def noise_forecasts(
    history: DrawHistory, targets: np.ndarray, *, amplitude: float, seed: int, hold: int = 10
) -> dict[str, np.ndarray]:
    """Near-uniform forecasts: uniform times ``exp(amplitude * noise)``, each kept for ``hold`` draws.

    Their expected lift under fair drawing is about ``-amplitude**2``, so their p-values are close
    to uniform: a sharp check that a test is not too eager. Holding a forecast for several draws
    makes the lifts serially dependent, as a slowly refitted strategy's are.
    """
    rng = np.random.default_rng(seed)
    out = {}
    for pool in history.game.pools:
        weights = np.exp(amplitude * rng.normal(size=(len(targets), pool.size)))
        weights = np.repeat(weights[::hold], hold, axis=0)[: len(targets)]
        out[pool.name] = scale_to_pick(weights, pool.pick)
    return out


def oracle_forecasts(
    history: DrawHistory, targets: np.ndarray, signal: HotNumber | FollowNumber
) -> dict[str, np.ndarray]:
    """The exact inclusion probabilities of a planted history; uniform in the other pools."""
    out = uniform_forecasts(history, targets)
    if isinstance(signal, HotNumber):
        out[signal.pool] = np.tile(signal_probabilities(history.game, signal), (len(targets), 1))
        return out
    previous = history.numbers[signal.pool][targets - 1]
    leader_drawn = (previous == signal.leader).any(axis=1)
    out[signal.pool] = np.stack(
        [signal_probabilities(history.game, signal, leader_drawn=bool(flag)) for flag in leader_drawn]
    )
    return out


def lifts(history: DrawHistory, targets: np.ndarray, forecasts: dict[str, np.ndarray]) -> np.ndarray:
    """Per-draw log-loss lift over uniform in bits, pools summed."""
    total = np.zeros(len(targets))
    for pool in history.game.pools:
        y = history.indicators(pool.name)[targets].astype(np.float64)
        p = forecasts[pool.name]
        loss = -(y * np.log2(p) + (1 - y) * np.log2(1 - p)).sum(axis=1)
        total += uniform_log_loss_bits(pool) - loss
    return total
