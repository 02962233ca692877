"""Helpers shared by the statistics strategies: parameter checks and fold positions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from lotto_lab.errors import ConfigError

if TYPE_CHECKING:
    from lotto_lab.backtest.folds import Fold


def fold_bounds(folds: Sequence[Fold]) -> tuple[np.ndarray, np.ndarray]:
    """Return two int64 arrays: the first draw each fold's prediction may see, and its cutoff."""
    starts = np.fromiter((fold.train_start for fold in folds), dtype=np.int64, count=len(folds))
    cutoffs = np.fromiter((fold.cutoff for fold in folds), dtype=np.int64, count=len(folds))
    return starts, cutoffs


def _reject(strategy: str, param: str, rule_en: str, rule_zh: str, value: object) -> ConfigError:
    return ConfigError(
        f"strategy {strategy!r}: parameter {param} must be {rule_en}, got {value!r}",
        zh=f"策略 {strategy!r} 的参数 {param} 必须{rule_zh}, 收到 {value!r}",
    )


def check_positive_int(strategy: str, param: str, value: object, *, allow_none: bool = False) -> None:
    """Raise ConfigError unless ``value`` is an integer of at least 1 (or None when allowed)."""
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        rule_en = "an integer of at least 1" + (" or None" if allow_none else "")
        rule_zh = "是不小于 1 的整数" + ("或 None" if allow_none else "")
        raise _reject(strategy, param, rule_en, rule_zh, value)


def check_real(strategy: str, param: str, value: object, *, minimum: float, strict: bool) -> None:
    """Raise ConfigError unless ``value`` is a finite real number above (or at least) ``minimum``."""
    is_number = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    ok = is_number and math.isfinite(value) and (value > minimum if strict else value >= minimum)
    if not ok:
        relation_en, relation_zh = ("above", "大于") if strict else ("at least", "不小于")
        raise _reject(
            strategy,
            param,
            f"a finite number {relation_en} {minimum:g}",
            f"是{relation_zh} {minimum:g} 的有限数",
            value,
        )
