"""The omission strategy (遗漏, "overdue numbers"): the longer a number has been missing, the more weight.

The gap ``g_j`` of number ``j`` is the number of draws since it last appeared among the draws the
prediction may see: 0 when it was in the latest draw, and the count of visible draws when it never
appeared. Its weight is ``(1 + g_j) ** power``; :func:`~lotto_lab.strategies.base.scale_to_pick`
turns the weights into inclusion probabilities. ``power = 0`` gives uniform; with ``power = 1`` a
number missing for 9 draws weighs ten times a number in the latest draw.

Draws are independent, so this strategy bets on the gambler's fallacy; it is here to be measured.
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

__all__ = ["OmissionStrategy"]


@dataclass(frozen=True)
class OmissionStrategy(Strategy):
    """Weights ``(1 + gap) ** power``, where ``gap`` counts the draws since a number last appeared.

    Parameters
    ----------
    power
        Exponent of the weight (0 or more); larger values favour overdue numbers more.
    """

    name: ClassVar[str] = "omission"

    power: float = 0.5

    def __post_init__(self) -> None:
        check_real(self.name, "power", self.power, minimum=0.0, strict=False)

    def params(self) -> dict[str, object]:
        return asdict(self)

    def fit(self, history: DrawHistory) -> OmissionStrategy:
        return self

    def predict_proba(self, history: DrawHistory) -> dict[str, np.ndarray]:
        n_draws = len(history)
        out = {}
        for pool in history.game.pools:
            drawn = history.indicators(pool.name).astype(bool)
            # Position of each number's latest appearance, -1 when it never appeared.
            latest = np.where(drawn.any(axis=0), n_draws - 1 - np.argmax(drawn[::-1], axis=0), -1)
            gaps = np.where(latest >= 0, n_draws - 1 - latest, n_draws)
            out[pool.name] = scale_to_pick((1.0 + gaps) ** self.power, pool.pick)
        return out

    def predict_folds(self, history: DrawHistory, folds: Sequence[Fold]) -> dict[str, np.ndarray]:
        starts, cutoffs = fold_bounds(folds)
        positions = np.arange(len(history), dtype=np.int64)[:, None]

        out = {}
        for pool in history.game.pools:
            drawn = history.indicators(pool.name).astype(bool)
            # latest[t, j]: position of number j's latest appearance at or before draw t, else -1.
            latest = np.maximum.accumulate(np.where(drawn, positions, -1), axis=0)[cutoffs]
            seen = latest >= starts[:, None]
            gaps = np.where(seen, cutoffs[:, None] - latest, (cutoffs - starts + 1)[:, None])
            out[pool.name] = scale_to_pick((1.0 + gaps) ** self.power, pool.pick)
        return out
