"""The uniform strategy: every number has the same chance, ``pick / size``.

It is the reference every other strategy is measured against. Its scored ticket in a backtest is
a fair random ticket, because every number ties and the runner breaks ties with a permutation
seeded per target draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from lotto_lab.games import GameSpec
from lotto_lab.strategies.base import Strategy

if TYPE_CHECKING:
    from lotto_lab.backtest.folds import Fold
    from lotto_lab.history import DrawHistory

__all__ = ["UniformStrategy", "uniform_probabilities"]


def uniform_probabilities(game: GameSpec) -> dict[str, np.ndarray]:
    """Return, per pool, the ``(size,)`` array filled with ``pick / size``."""
    return {pool.name: np.full(pool.size, pool.pick / pool.size) for pool in game.pools}


@dataclass(frozen=True)
class UniformStrategy(Strategy):
    """Every number of a pool gets ``pick / size``, whatever the draws were."""

    name: ClassVar[str] = "uniform"
    is_baseline: ClassVar[bool] = True

    def fit(self, history: DrawHistory) -> UniformStrategy:
        return self

    def predict_proba(self, history: DrawHistory) -> dict[str, np.ndarray]:
        return uniform_probabilities(history.game)

    def predict_folds(self, history: DrawHistory, folds: Sequence[Fold]) -> dict[str, np.ndarray]:
        return {
            pool.name: np.full((len(folds), pool.size), pool.pick / pool.size) for pool in history.game.pools
        }
