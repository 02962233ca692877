"""Per-draw statistics of each pool, and their lagged copies.

Two kinds of column, distinguished by name:

* **Descriptive** columns, ``<pool>_<statistic>`` (``red_sum``), describe draw ``t`` itself and are
  known only once it has taken place. They must never be used to predict draw ``t``.
* **Lagged** columns, ``lag<L>_<pool>_<statistic>`` (``lag1_red_sum``), hold the statistic of draw
  ``t - L`` and are the predictive ones: everything in them comes from earlier draws.

The statistics of a pool with ``size`` numbers of which ``pick`` are drawn, for one draw:

``odd``
    How many drawn numbers are odd (the even count is ``pick - odd``).
``big``
    How many drawn numbers are big, meaning above ``size // 2``: 17-33 for SSQ red, 9-16 for SSQ
    blue, 18-35 for DLT front, 7-12 for DLT back. When ``size`` is odd the middle number is big.
    The small count is ``pick - big``.
``sum``
    The sum of the drawn numbers.
``span``
    The largest drawn number minus the smallest.
``zone_<i>``
    How many drawn numbers fall in zone ``i`` (1-based). The pool is cut into ``n_zones`` runs of
    consecutive numbers whose sizes differ by at most one, the larger runs first:
    SSQ red 1-11, 12-22, 23-33; DLT front 1-12, 13-24, 25-35 (see :func:`zone_bounds`).
``consecutive``
    How many pairs of adjacent numbers were drawn: 4, 5, 6 gives 2 pairs.
``repeats``
    How many numbers of this draw were also drawn in the draw before it (missing for the first
    draw of the history).
``ac``
    Arithmetic complexity (AC value): the number of distinct positive differences between two
    drawn numbers, minus ``pick - 1``. It ranges from 0 (an arithmetic run such as 1-6) to
    ``pick (pick - 1) / 2 - (pick - 1)``.

``span``, ``consecutive`` and ``ac`` need two drawn numbers, so a pool that draws one number
(SSQ blue) has no such columns.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from lotto_lab.errors import ConfigError
from lotto_lab.features._checks import check_history, check_n_zones, check_positive_ints
from lotto_lab.games import GameSpec, Pool
from lotto_lab.history import DrawHistory

__all__ = [
    "ac_values",
    "descriptive_columns",
    "draw_statistics",
    "game_statistics",
    "per_draw_features",
    "statistic_names",
    "zone_bounds",
]

log = logging.getLogger(__name__)

# Statistics defined only for pools that draw at least two numbers.
_NEEDS_TWO = ("span", "consecutive", "ac")


def statistic_names(pool: Pool, n_zones: int = 3) -> list[str]:
    """Return the names of the per-draw statistics of ``pool``, in column order."""
    names = ["odd", "big", "sum", "span", *(f"zone_{i}" for i in range(1, n_zones + 1))]
    names += ["consecutive", "repeats", "ac"]
    if pool.pick < 2:
        names = [name for name in names if name not in _NEEDS_TWO]
    return names


def zone_bounds(pool: Pool, n_zones: int = 3) -> list[tuple[int, int]]:
    """Return the first and last number of each zone of ``pool``, both inclusive.

    Zone sizes differ by at most one and the larger zones come first, so SSQ red (33) gives
    ``[(1, 11), (12, 22), (23, 33)]`` and DLT front (35) gives ``[(1, 12), (13, 24), (25, 35)]``.
    """
    if not 1 <= n_zones <= pool.size:
        raise ConfigError(
            f"n_zones must be between 1 and the size of pool {pool.name!r} ({pool.size}), got {n_zones!r}",
            zh=f"n_zones 必须在 1 到号码池 {pool.name} 的大小 ({pool.size}) 之间, 收到 {n_zones!r}",
        )
    base, extra = divmod(pool.size, n_zones)
    sizes = [base + 1] * extra + [base] * (n_zones - extra)
    lasts = np.cumsum(sizes)
    return [(int(last - size + 1), int(last)) for last, size in zip(lasts, sizes, strict=True)]


def ac_values(numbers: np.ndarray) -> np.ndarray:
    """Return the AC value of each row of an ``(n_draws, pick)`` array of distinct numbers.

    The AC value is the count of distinct positive differences between two numbers of the row,
    minus ``pick - 1``: ``[1, 2, 3, 4, 5, 6]`` gives 0 and ``[1, 2, 4, 8, 16, 32]`` gives 10.

    Raises
    ------
    ConfigError
        When the rows hold fewer than two numbers.
    """
    numbers = np.asarray(numbers, dtype=np.int64)
    if numbers.ndim != 2 or numbers.shape[1] < 2:
        raise ConfigError(
            f"the AC value needs rows of at least two numbers, got an array of shape {numbers.shape}",
            zh=f"AC 值需要每行至少两个号码, 收到形状为 {numbers.shape} 的数组",
        )
    pick = numbers.shape[1]
    first, second = np.triu_indices(pick, k=1)
    differences = np.sort(np.abs(numbers[:, second] - numbers[:, first]), axis=1)
    distinct = 1 + np.count_nonzero(np.diff(differences, axis=1), axis=1)
    return distinct - (pick - 1)


def draw_statistics(numbers: np.ndarray, pool: Pool, n_zones: int = 3) -> dict[str, np.ndarray]:
    """Compute the descriptive statistics of each draw of one pool.

    Parameters
    ----------
    numbers
        ``(n_draws, pick)`` array of the drawn numbers, one draw per row.
    pool
        The pool the numbers come from.
    n_zones
        Number of zones the pool is cut into.

    Returns
    -------
    dict
        One float64 ``(n_draws,)`` array per name of :func:`statistic_names`; ``repeats`` is NaN
        for the first draw, which has no draw before it.
    """
    numbers = np.sort(np.asarray(numbers, dtype=np.int64), axis=1)
    n_draws = numbers.shape[0]
    stats: dict[str, np.ndarray] = {
        "odd": np.count_nonzero(numbers % 2 == 1, axis=1),
        "big": np.count_nonzero(numbers > pool.size // 2, axis=1),
        "sum": numbers.sum(axis=1),
        "span": numbers[:, -1] - numbers[:, 0],
    }
    for i, (first, last) in enumerate(zone_bounds(pool, n_zones), start=1):
        stats[f"zone_{i}"] = np.count_nonzero((numbers >= first) & (numbers <= last), axis=1)
    stats["consecutive"] = np.count_nonzero(np.diff(numbers, axis=1) == 1, axis=1)

    repeats = np.full(n_draws, np.nan)
    if n_draws > 1:
        shared = numbers[1:, :, None] == numbers[:-1, None, :]
        repeats[1:] = shared.sum(axis=(1, 2))
    stats["repeats"] = repeats
    if pool.pick >= 2:
        stats["ac"] = ac_values(numbers)
    return {name: np.asarray(stats[name], dtype=np.float64) for name in statistic_names(pool, n_zones)}


def game_statistics(history: DrawHistory, n_zones: int = 3) -> dict[str, np.ndarray]:
    """Compute :func:`draw_statistics` for every pool, keyed ``<pool>_<statistic>``."""
    columns: dict[str, np.ndarray] = {}
    for pool in history.game.pools:
        for name, values in draw_statistics(history.numbers[pool.name], pool, n_zones).items():
            columns[f"{pool.name}_{name}"] = values
    return columns


def descriptive_columns(game: GameSpec, n_zones: int = 3) -> list[str]:
    """Return the descriptive column names of :func:`per_draw_features` for ``game``."""
    return [f"{pool.name}_{name}" for pool in game.pools for name in statistic_names(pool, n_zones)]


def per_draw_features(history: DrawHistory, *, lags: Sequence[int] = (1,), n_zones: int = 3) -> pd.DataFrame:
    """Build one row per draw: its descriptive statistics and the lagged, predictive copies.

    Parameters
    ----------
    history
        The draws, in issue order.
    lags
        For each lag ``L``, add ``lag<L>_<pool>_<statistic>`` columns holding the statistic of
        the draw ``L`` positions earlier (missing where there is none).
    n_zones
        Number of zones each pool is cut into.

    Returns
    -------
    pandas.DataFrame
        ``issue``, ``draw_date``, the descriptive columns ``<pool>_<statistic>`` (int64, except
        ``<pool>_repeats``, which is nullable Int64) and the lagged columns (nullable Int64).
        The module docstring defines the statistics and which columns may be used to predict.

    Raises
    ------
    ConfigError
        When ``history`` is not a DrawHistory, a lag is below 1 or repeated, or ``n_zones`` does
        not fit every pool.
    """
    history = check_history(history)
    lags = check_positive_ints("lags", lags, "lags=(1,)")
    n_zones = check_n_zones(history.game, n_zones)

    stats = game_statistics(history, n_zones)
    columns: dict[str, object] = {
        "issue": history.issues.astype(np.int64),
        "draw_date": pd.to_datetime(history.dates),
    }
    for name, values in stats.items():
        # Only repeats can be missing (first draw), so only it needs the nullable type.
        columns[name] = (
            pd.array(values, dtype="Int64") if name.endswith("_repeats") else values.astype(np.int64)
        )
    for lag in lags:
        for name, values in stats.items():
            shifted = np.full(len(values), np.nan)
            if lag < len(values):
                shifted[lag:] = values[:-lag]
            columns[f"lag{lag}_{name}"] = pd.array(shifted, dtype="Int64")
    log.debug("per-draw features of %s: %d draws, lags %s", history.game.name, len(history), lags)
    return pd.DataFrame(columns)
