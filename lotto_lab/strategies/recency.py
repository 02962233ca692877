"""The recency strategy: exponentially weighted counts, so recent draws count more than old ones.

A draw ``a`` draws before the latest visible one counts ``2 ** (-a / half_life)``: the latest draw
counts 1, the draw ``half_life`` draws earlier counts 1/2. The weight of number ``j`` is
``alpha + sum of the counts of the visible draws containing j``, and
:func:`~lotto_lab.strategies.base.scale_to_pick` turns the weights into inclusion probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from lotto_lab.strategies._common import check_real, fold_bounds
from lotto_lab.strategies.base import Strategy, scale_to_pick

if TYPE_CHECKING:
    from lotto_lab.backtest.folds import Fold
    from lotto_lab.history import DrawHistory

__all__ = ["RecencyStrategy"]

# Within one block of decayed_sums the growth factor decay ** -i reaches at most 2 ** this value,
# far below the float64 overflow at 2 ** 1024.
_MAX_GROWTH_EXPONENT = 500


@dataclass(frozen=True)
class RecencyStrategy(Strategy):
    """Exponentially weighted counts with a half-life in draws, plus additive smoothing.

    Parameters
    ----------
    half_life
        Number of draws after which a draw counts half as much (above 0).
    alpha
        Additive smoothing added to every weighted count (0 or more).
    """

    name: ClassVar[str] = "recency"

    half_life: float = 20.0
    alpha: float = 1.0

    def __post_init__(self) -> None:
        check_real(self.name, "half_life", self.half_life, minimum=0.0, strict=True)
        check_real(self.name, "alpha", self.alpha, minimum=0.0, strict=False)

    @property
    def decay(self) -> float:
        """Factor by which a draw's count shrinks with each newer draw."""
        return 2.0 ** (-1.0 / self.half_life)

    def params(self) -> dict[str, object]:
        return asdict(self)

    def fit(self, history: DrawHistory) -> RecencyStrategy:
        return self

    def predict_proba(self, history: DrawHistory) -> dict[str, np.ndarray]:
        ages = np.arange(len(history) - 1, -1, -1, dtype=np.float64)
        counts = self.decay**ages
        out = {}
        for pool in history.game.pools:
            weighted = counts @ history.indicators(pool.name)
            out[pool.name] = scale_to_pick(weighted + self.alpha, pool.pick)
        return out

    def predict_folds(self, history: DrawHistory, folds: Sequence[Fold]) -> dict[str, np.ndarray]:
        starts, cutoffs = fold_bounds(folds)
        lengths = cutoffs - starts + 1
        decay = self.decay

        out = {}
        for pool in history.game.pools:
            sums = decayed_sums(history.indicators(pool.name), decay, self.half_life)
            weighted = sums[cutoffs]
            # Remove the draws before the fold's first visible draw: sums[s - 1] has aged by
            # ``lengths`` draws at the cutoff.
            earlier = starts > 0
            weighted[earlier] -= decay ** lengths[earlier, None] * sums[starts[earlier] - 1]
            out[pool.name] = scale_to_pick(weighted + self.alpha, pool.pick)
        return out


def decayed_sums(drawn: np.ndarray, decay: float, half_life: float) -> np.ndarray:
    """Return ``S`` with ``S[t] = sum over i <= t of decay ** (t - i) * drawn[i]``, row by row.

    ``decay`` must be ``2 ** (-1 / half_life)``. Within a block starting at ``b``,
    ``S[b + i] = decay ** i * cumsum(decay ** -i * drawn[b + i]) + decay ** (i + 1) * S[b - 1]``;
    blocks are short enough that ``decay ** -i`` stays far from overflow, so the loop runs once per
    block, not once per draw.
    """
    n_draws = len(drawn)
    out = np.empty(drawn.shape, dtype=np.float64)
    block = max(1, int(_MAX_GROWTH_EXPONENT * half_life))
    carry = np.zeros(drawn.shape[1:], dtype=np.float64)
    for begin in range(0, n_draws, block):
        rows = drawn[begin : begin + block].astype(np.float64)
        steps = np.arange(len(rows), dtype=np.float64)[:, None]
        grown = np.cumsum(rows * decay**-steps, axis=0)
        block_sums = grown * decay**steps + decay ** (steps + 1) * carry
        out[begin : begin + len(rows)] = block_sums
        carry = block_sums[-1]
    return out
