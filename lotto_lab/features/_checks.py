"""Input checks shared by the feature functions; each runs before any array work."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from lotto_lab.errors import ConfigError
from lotto_lab.games import GameSpec, Pool
from lotto_lab.history import DrawHistory


def check_history(history: object) -> DrawHistory:
    """Return ``history`` when it is a :class:`DrawHistory`; raise :class:`ConfigError` otherwise."""
    if not isinstance(history, DrawHistory):
        kind = type(history).__name__
        raise ConfigError(
            f"history must be a DrawHistory, got {kind}; build one with "
            "DrawHistory.from_frame(game, frame) or lotto_lab.store.load_history(db_path, game)",
            zh=f"history 必须是 DrawHistory, 收到的是 {kind}; 请用 DrawHistory.from_frame(game, frame) "
            "或 lotto_lab.store.load_history(db_path, game) 构造",
        )
    return history


def check_pool(game: GameSpec, pool: str) -> Pool:
    """Return the pool called ``pool``; raise :class:`ConfigError` naming the valid pools otherwise."""
    if pool not in game.pool_names:
        choices = ", ".join(game.pool_names)
        raise ConfigError(
            f"game {game.name!r} has no pool {pool!r}: choose one of {choices}",
            zh=f"游戏 {game.name} 没有号码池 {pool!r}, 可选: {choices}",
        )
    return game.pool(pool)


def _is_whole_number(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_positive_ints(name: str, values: object, example: str) -> tuple[int, ...]:
    """Return ``values`` as a tuple of ints, each at least 1 and none repeated.

    ``name`` and ``example`` go into the error message, which shows the value received.
    """
    if isinstance(values, np.ndarray) and values.ndim == 1:
        values = values.tolist()
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise ConfigError(
            f"{name} must be a list of whole numbers of draws, got {values!r}; pass for example {example}",
            zh=f"{name} 必须是整数期数的列表, 收到 {values!r}; 例如 {example}",
        )
    bad = [value for value in values if not _is_whole_number(value) or value < 1]
    if bad:
        raise ConfigError(
            f"{name} must hold whole numbers of draws of at least 1, got {list(values)!r} "
            f"(invalid: {bad!r}); pass for example {example}",
            zh=f"{name} 中每个值都必须是不小于 1 的整数期数, 收到 {list(values)!r} "
            f"(无效: {bad!r}); 例如 {example}",
        )
    result = tuple(int(value) for value in values)
    if len(set(result)) != len(result):
        raise ConfigError(
            f"{name} must not repeat a value, got {list(result)!r}; pass each value once",
            zh=f"{name} 中的值不能重复, 收到 {list(result)!r}; 每个值只写一次",
        )
    return result


def check_window(name: str, value: object) -> int:
    """Return ``value`` as an int when it is a whole number of draws of at least 1."""
    if not _is_whole_number(value) or value < 1:
        raise ConfigError(
            f"{name} must be a whole number of draws of at least 1, got {value!r}",
            zh=f"{name} 必须是不小于 1 的整数期数, 收到 {value!r}",
        )
    return int(value)


def check_n_zones(game: GameSpec, n_zones: object) -> int:
    """Return ``n_zones`` when every pool of ``game`` can be split into that many zones."""
    smallest = min(pool.size for pool in game.pools)
    if not _is_whole_number(n_zones) or not 1 <= n_zones <= smallest:
        raise ConfigError(
            f"n_zones must be a whole number between 1 and the smallest pool size of "
            f"{game.name} ({smallest}), got {n_zones!r}",
            zh=f"n_zones 必须是 1 到 {game.name} 最小号码池大小 ({smallest}) 之间的整数, 收到 {n_zones!r}",
        )
    return int(n_zones)


def check_threshold(name: str, value: object) -> float:
    """Return ``value`` as a float when it is a finite number above 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < float(value) < float("inf"):
        raise ConfigError(
            f"{name} must be a finite number above 0, got {value!r}",
            zh=f"{name} 必须是大于 0 的有限数, 收到 {value!r}",
        )
    return float(value)
