"""The strategy contract.

A strategy is fitted on some draws (:meth:`Strategy.fit`). It then predicts the draw after a
history that ends at a cutoff (:meth:`Strategy.predict_proba`), and with ``refit_every = 1`` the
two end at the same draw. It returns, for each pool, each number's probability of being drawn in
the next draw. Because a pool draws ``pick`` distinct numbers, these are inclusion
probabilities: each lies strictly between 0 and 1 and they sum to ``pick``. The
uniform strategy gives every number ``pick / size`` and is the reference every other strategy is
measured against.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from lotto_lab.games import GameSpec

if TYPE_CHECKING:
    from lotto_lab.backtest.folds import Fold
    from lotto_lab.history import DrawHistory

__all__ = ["PROBABILITY_FLOOR", "Strategy", "check_probabilities", "scale_to_pick"]

# Smallest and largest inclusion probability a strategy may return. Keeping away from 0 and 1
# keeps the log-loss finite when a number the strategy ruled out is drawn.
PROBABILITY_FLOOR = 1e-4

# Halvings of the log-scale interval in _clipped_scaling. The interval spans at most about 750
# (the float64 range of the weights), and 80 halvings shrink it below 1e-21.
_BISECTION_STEPS = 80


def scale_to_pick(weights: np.ndarray, pick: int, floor: float = PROBABILITY_FLOOR) -> np.ndarray:
    """Turn non-negative weights into inclusion probabilities that sum to ``pick``.

    Works on the last axis, so a ``(n_folds, size)`` array is scaled row by row. Probabilities are
    proportional to the weights, except that none may pass ``1 - floor`` or fall under ``floor``.
    Each row is ``clip(c * w, floor, 1 - floor)``, with the one scale ``c`` that makes it sum to
    ``pick``. Capped entries sit at a bound and the others share the rest in proportion.
    """
    w = np.asarray(weights, dtype=np.float64)
    if np.any(~np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and non-negative")
    size = w.shape[-1]
    if not 0 < pick < size:
        raise ValueError(f"pick must be between 1 and size - 1 ({size - 1}), got {pick}")

    w = w + 1e-12  # an all-zero row becomes uniform
    rows = w.reshape(-1, size)
    p = rows * (pick / rows.sum(axis=1, keepdims=True))
    outside = ((p < floor) | (p > 1 - floor)).any(axis=1)
    if outside.any():
        p[outside] = _clipped_scaling(rows[outside], pick, floor, 1 - floor)
    return p.reshape(w.shape)


def _clipped_scaling(w: np.ndarray, pick: int, low: float, high: float) -> np.ndarray:
    """Return ``clip(c * w, low, high)`` per row of ``w``, with ``c`` solved so each row sums to ``pick``.

    The row sum is continuous and non-decreasing in ``c``. Bisection on ``log c`` finds which
    entries sit at a bound. The entries between the bounds then fix ``c`` exactly, because their
    share is ``pick`` minus the bounded entries' mass. All rows are solved at once.
    """
    # At exp(log_low) every entry is at most low, so the sum is below pick. At exp(log_high)
    # every entry is at least high, so the sum is above pick.
    log_low = np.log(low / w.max(axis=1))
    log_high = np.log(high / w.min(axis=1))
    for _ in range(_BISECTION_STEPS):
        log_mid = (log_low + log_high) / 2
        too_small = np.clip(np.exp(log_mid)[:, None] * w, low, high).sum(axis=1) < pick
        log_low = np.where(too_small, log_mid, log_low)
        log_high = np.where(too_small, log_high, log_mid)

    scaled = np.exp((log_low + log_high) / 2)[:, None] * w
    at_low, at_high = scaled <= low, scaled >= high
    free_weight = np.where(at_low | at_high, 0.0, w).sum(axis=1)
    bounded_mass = low * at_low.sum(axis=1) + high * at_high.sum(axis=1)
    c = np.where(free_weight > 0, (pick - bounded_mass) / np.where(free_weight > 0, free_weight, 1.0), 0.0)
    exact = np.clip(c[:, None] * w, low, high)
    return np.where(free_weight[:, None] > 0, exact, np.clip(scaled, low, high))


def check_probabilities(
    game: GameSpec, probabilities: Mapping[str, np.ndarray], *, tolerance: float = 1e-6
) -> None:
    """Raise ValueError unless ``probabilities`` obeys the contract for every pool of ``game``.

    The last axis must have the pool's size, every value must lie in (0, 1) and each row must sum
    to the pool's pick count within ``tolerance``.
    """
    for pool in game.pools:
        if pool.name not in probabilities:
            raise ValueError(f"probabilities have no entry for pool {pool.name!r}")
        p = np.asarray(probabilities[pool.name], dtype=np.float64)
        if p.shape[-1] != pool.size:
            raise ValueError(f"probabilities[{pool.name!r}] has {p.shape[-1]} numbers, expected {pool.size}")
        if np.any(~np.isfinite(p)) or np.any(p <= 0) or np.any(p >= 1):
            raise ValueError(f"probabilities[{pool.name!r}] must lie strictly between 0 and 1")
        sums = p.sum(axis=-1)
        if np.any(np.abs(sums - pool.pick) > tolerance):
            worst = float(sums.flat[np.argmax(np.abs(sums - pool.pick))])
            raise ValueError(
                f"probabilities[{pool.name!r}] must sum to the pick count {pool.pick}, got {worst:.6f}"
            )


class Strategy(ABC):
    """Base class of every strategy.

    Subclasses set ``name`` and implement :meth:`fit` and :meth:`predict_proba`. Statistics
    strategies (counts, omissions) may do nothing in ``fit`` and compute everything from the
    history given to ``predict_proba``; they override :meth:`predict_folds` with a vectorised
    version. The default loops over the folds and refits once per distinct training window.
    """

    name: ClassVar[str]
    #: True for strategies whose output does not depend on the draws (uniform).
    is_baseline: ClassVar[bool] = False

    @abstractmethod
    def fit(self, history: DrawHistory) -> Strategy:
        """Fit on ``history``, every draw of which the strategy may learn from; return ``self``."""

    @abstractmethod
    def predict_proba(self, history: DrawHistory) -> dict[str, np.ndarray]:
        """Return, per pool name, a ``(size,)`` array of inclusion probabilities for the draw
        after the last one of ``history``. ``history`` starts where the fit's draws started and may
        extend past them (the draws seen since the last refit)."""

    def params(self) -> dict[str, object]:
        """Return the strategy's parameters, for run records and result tables."""
        return {}

    def predict_folds(self, history: DrawHistory, folds: Sequence[Fold]) -> dict[str, np.ndarray]:
        """Return, per pool, an ``(n_folds, size)`` array: the prediction made at each fold's cutoff.

        Fold ``i`` is fitted on draws ``train_start .. train_end`` and predicted from draws
        ``train_start .. cutoff`` (positions in ``history``); it never sees its target. The default
        refits once per distinct training window, in fold order.
        """
        out = {pool.name: np.empty((len(folds), pool.size)) for pool in history.game.pools}
        fitted_on: tuple[int, int] | None = None
        for i, fold in enumerate(folds):
            window = (fold.train_start, fold.train_end)
            if window != fitted_on:
                self.fit(history.slice(fold.train_start, fold.train_end + 1))
                fitted_on = window
            prediction = self.predict_proba(history.slice(fold.train_start, fold.cutoff + 1))
            for name, p in prediction.items():
                out[name][i] = p
        return out
