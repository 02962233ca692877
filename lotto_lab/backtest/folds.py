"""Walk-forward folds: which draws a prediction may see and which draw it is scored on.

A :class:`Fold` is one scored prediction of draw ``target`` (a position in the history). The
strategy is fitted on draws ``train_start .. train_end`` (both inclusive) and then predicts the
target from the draws ``train_start .. cutoff``, where ``cutoff = target - 1`` is the last draw the
prediction may see. With ``refit_every = 1`` the fit ends at the cutoff. With ``refit_every = k``
the strategy is refitted every ``k`` draws and the folds in between reuse the last fit. This is how
a model retrained weekly still reads each new draw as input. ``horizon`` counts the draws from the
end of the fit to the target. No fold ever sees its target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lotto_lab.errors import ConfigError

__all__ = ["Fold", "make_folds"]

Window = Literal["growing", "rolling"]


@dataclass(frozen=True)
class Fold:
    """One walk-forward step, by positions in the draw history."""

    train_start: int
    train_end: int
    target: int

    def __post_init__(self) -> None:
        if not 0 <= self.train_start <= self.train_end < self.target:
            raise ValueError(
                f"a fold needs 0 <= train_start <= train_end < target, got {self.train_start}, "
                f"{self.train_end}, {self.target}"
            )

    @property
    def cutoff(self) -> int:
        """The last draw the prediction may see: the draw right before the target."""
        return self.target - 1

    @property
    def horizon(self) -> int:
        """Draws from the end of the fit to the target: 1 when the strategy was refitted at the cutoff."""
        return self.target - self.train_end

    @property
    def train_size(self) -> int:
        """Number of draws the strategy is fitted on."""
        return self.train_end - self.train_start + 1


def make_folds(
    n_draws: int,
    *,
    initial_train_size: int,
    refit_every: int = 1,
    window: Window = "growing",
    window_size: int | None = None,
    first_target: int | None = None,
    last_target: int | None = None,
) -> list[Fold]:
    """Build the walk-forward folds over a history of ``n_draws`` draws.

    Parameters
    ----------
    n_draws
        Length of the history.
    initial_train_size
        Draws in the first training window; the first target is the draw right after them
        unless ``first_target`` is later.
    refit_every
        Refit after this many targets; the targets in between reuse the last fit.
    window
        ``"growing"`` keeps every draw from the start; ``"rolling"`` keeps the last
        ``window_size`` draws (``initial_train_size`` when not given).
    window_size
        Length of a rolling window.
    first_target, last_target
        Positions of the first and last scored draws (both inclusive), for example to score a
        holdout only. Default: from ``initial_train_size`` to the last draw.

    Raises
    ------
    ConfigError
        When a parameter is out of range; the message names it and shows the value.
    """
    _validate(n_draws, initial_train_size, refit_every, window, window_size, first_target, last_target)
    size = window_size if window_size is not None else initial_train_size
    start = max(initial_train_size, first_target if first_target is not None else 0)
    stop = last_target if last_target is not None else n_draws - 1

    folds = []
    for block_start in range(start, stop + 1, refit_every):
        train_end = block_start - 1
        train_start = 0 if window == "growing" else max(0, train_end - size + 1)
        for target in range(block_start, min(block_start + refit_every, stop + 1)):
            folds.append(Fold(train_start=train_start, train_end=train_end, target=target))
    return folds


def _validate(
    n_draws: int,
    initial_train_size: int,
    refit_every: int,
    window: str,
    window_size: int | None,
    first_target: int | None,
    last_target: int | None,
) -> None:
    if initial_train_size < 1 or initial_train_size >= n_draws:
        raise ConfigError(
            f"initial_train_size must be at least 1 and below the number of draws ({n_draws}), "
            f"got {initial_train_size}"
        )
    if refit_every < 1:
        raise ConfigError(f"refit_every must be at least 1, got {refit_every}")
    if window not in ("growing", "rolling"):
        raise ConfigError(f"window must be 'growing' or 'rolling', got {window!r}")
    if window_size is not None and (window != "rolling" or window_size < 1):
        raise ConfigError(
            f"window_size applies to a rolling window and must be at least 1, got {window_size} "
            f"with window={window!r}"
        )
    if first_target is not None and not 0 < first_target < n_draws:
        raise ConfigError(f"first_target must be between 1 and {n_draws - 1}, got {first_target}")
    if last_target is not None and not 0 < last_target < n_draws:
        raise ConfigError(f"last_target must be between 1 and {n_draws - 1}, got {last_target}")
    first = max(initial_train_size, first_target or 0)
    last = last_target if last_target is not None else n_draws - 1
    if first > last:
        raise ConfigError(f"no draw left to score: the first target ({first}) lies after the last ({last})")
