"""The frequency strategy: numbers drawn more often so far get more weight.

The weight of number ``j`` is ``count_j + alpha``, where ``count_j`` counts the draws containing
``j`` among the draws the prediction may see (only the last ``window`` of them when ``window`` is
set) and ``alpha`` is additive (Laplace) smoothing. :func:`~lotto_lab.strategies.base.scale_to_pick`
turns the weights into inclusion probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from lotto_lab.strategies._common import check_positive_int, check_real, fold_bounds
from lotto_lab.strategies.base import Strategy, scale_to_pick

if TYPE_CHECKING:
    from lotto_lab.backtest.folds import Fold
    from lotto_lab.history import DrawHistory

__all__ = ["FrequencyStrategy"]


@dataclass(frozen=True)
class FrequencyStrategy(Strategy):
    """Smoothed counts over the visible draws, or over the last ``window`` of them.

    Parameters
    ----------
    window
        Count only the last ``window`` draws before the target; ``None`` counts every visible draw.
    alpha
        Additive smoothing added to every count (0 or more).
    """

    name: ClassVar[str] = "frequency"

    window: int | None = None
    alpha: float = 1.0

    def __post_init__(self) -> None:
        check_positive_int(self.name, "window", self.window, allow_none=True)
        check_real(self.name, "alpha", self.alpha, minimum=0.0, strict=False)

    def params(self) -> dict[str, object]:
        return asdict(self)

    def fit(self, history: DrawHistory) -> FrequencyStrategy:
        return self

    def predict_proba(self, history: DrawHistory) -> dict[str, np.ndarray]:
        out = {}
        for pool in history.game.pools:
            drawn = history.indicators(pool.name).astype(np.int64)
            if self.window is not None:
                drawn = drawn[-self.window :]
            out[pool.name] = scale_to_pick(drawn.sum(axis=0) + self.alpha, pool.pick)
        return out

    def predict_folds(self, history: DrawHistory, folds: Sequence[Fold]) -> dict[str, np.ndarray]:
        starts, cutoffs = fold_bounds(folds)
        if self.window is not None:
            starts = np.maximum(starts, cutoffs + 1 - self.window)

        out = {}
        for pool in history.game.pools:
            drawn = history.indicators(pool.name).astype(np.int64)
            # totals[t] counts the draws before position t, so a window's counts are one subtraction.
            totals = np.zeros((len(history) + 1, pool.size), dtype=np.int64)
            np.cumsum(drawn, axis=0, out=totals[1:])
            counts = totals[cutoffs + 1] - totals[starts]
            out[pool.name] = scale_to_pick(counts + self.alpha, pool.pick)
        return out
