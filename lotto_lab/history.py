"""The in-memory draw history every stage after the store works on.

:class:`DrawHistory` holds one game's draws in issue order as NumPy arrays: canonical issues,
dates and, per pool, an ``(n_draws, pick)`` array of the drawn numbers sorted ascending. Features,
strategies and the backtest read it; none of them touch the store.

The wide frame layout (:meth:`DrawHistory.to_frame`, :meth:`DrawHistory.from_frame`) has the
columns ``issue``, ``draw_date`` and one column per ball, ``<pool>_<position>`` (``red_1`` ..
``red_6``, ``blue_1`` for SSQ). The documented user CSV layout and the store's read schema use
the same column names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lotto_lab.games import GameSpec, get_game

__all__ = ["DrawHistory"]


@dataclass(frozen=True, eq=False)
class DrawHistory:
    """One game's draws in ascending issue order.

    Parameters
    ----------
    game
        The game spec.
    issues
        Canonical issues (``YYYYNNN``), int64, strictly ascending.
    dates
        Draw dates, ``datetime64[D]``, same length as ``issues``.
    numbers
        Per pool name, an int16 array of shape ``(n_draws, pick)`` with each row sorted ascending.
    """

    game: GameSpec
    issues: np.ndarray
    dates: np.ndarray
    numbers: Mapping[str, np.ndarray]

    def __post_init__(self) -> None:
        n = len(self.issues)
        if len(self.dates) != n:
            raise ValueError(f"dates has {len(self.dates)} rows but issues has {n}")
        for pool in self.game.pools:
            array = self.numbers.get(pool.name)
            if array is None:
                raise ValueError(f"numbers has no array for pool {pool.name!r}")
            if array.shape != (n, pool.pick):
                raise ValueError(
                    f"numbers[{pool.name!r}] has shape {array.shape}, expected ({n}, {pool.pick})"
                )
        if n > 1 and not np.all(np.diff(self.issues) > 0):
            raise ValueError("issues must be strictly ascending")

    def __len__(self) -> int:
        return len(self.issues)

    @property
    def last_issue(self) -> int:
        """The canonical issue of the latest draw."""
        return int(self.issues[-1])

    def indicators(self, pool: str) -> np.ndarray:
        """Return an ``(n_draws, size)`` uint8 array with 1 where number ``j + 1`` was drawn."""
        spec = self.game.pool(pool)
        drawn = self.numbers[pool]
        out = np.zeros((len(self), spec.size), dtype=np.uint8)
        rows = np.repeat(np.arange(len(self)), spec.pick)
        out[rows, drawn.ravel().astype(np.intp) - 1] = 1
        return out

    def slice(self, start: int | None = None, stop: int | None = None) -> DrawHistory:
        """Return draws ``start:stop`` (positions, as in Python slicing) as a new history."""
        window = slice(start, stop)
        return DrawHistory(
            game=self.game,
            issues=self.issues[window],
            dates=self.dates[window],
            numbers={name: array[window] for name, array in self.numbers.items()},
        )

    def upto(self, cutoff_index: int) -> DrawHistory:
        """Return the draws up to and including position ``cutoff_index``."""
        return self.slice(0, cutoff_index + 1)

    def to_frame(self) -> pd.DataFrame:
        """Return the wide frame: ``issue``, ``draw_date`` and one column per ball."""
        columns: dict[str, object] = {
            "issue": self.issues.astype(np.int64),
            "draw_date": pd.to_datetime(self.dates),
        }
        for pool in self.game.pools:
            for position in range(pool.pick):
                columns[f"{pool.name}_{position + 1}"] = self.numbers[pool.name][:, position].astype(np.int64)
        return pd.DataFrame(columns)

    @classmethod
    def from_frame(cls, game: GameSpec | str, frame: pd.DataFrame) -> DrawHistory:
        """Build a history from a wide frame; rows are sorted by issue and balls within a pool."""
        spec = get_game(game)
        ordered = frame.sort_values("issue", kind="stable")
        numbers = {}
        for pool in spec.pools:
            cols = [f"{pool.name}_{position}" for position in range(1, pool.pick + 1)]
            numbers[pool.name] = np.sort(ordered[cols].to_numpy(dtype=np.int16), axis=1)
        return cls(
            game=spec,
            issues=ordered["issue"].to_numpy(dtype=np.int64),
            dates=pd.to_datetime(ordered["draw_date"]).to_numpy().astype("datetime64[D]"),
            numbers=numbers,
        )
