"""Helpers shared by the format parsers: required columns, game detection and game checks."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from lotto_lab.errors import DataValidationError
from lotto_lab.games import GAMES, GameSpec
from lotto_lab.sources.inputs import Origin

__all__ = ["check_game", "game_by_pick_counts", "game_by_pool_names", "records_frame", "require_columns"]


def require_columns(table: pd.DataFrame, names: Iterable[str], origin: Origin, layout: str) -> None:
    """Raise naming the first of ``names`` that ``table`` lacks."""
    names = list(names)
    for name in names:
        if name not in table.columns:
            found = ", ".join(str(column) for column in table.columns)
            raise origin.header_error(
                f"column {name!r} is missing: the {layout} layout needs {', '.join(names)} (found: {found})",
                f"缺少列 {name!r}：{layout} 格式需要 {', '.join(names)}（实际为：{found}）",
            )


def records_frame(records: object, origin: Origin, what: str) -> pd.DataFrame:
    """Return a frame of JSON records (objects); raise when ``records`` is not a list of objects."""
    if not isinstance(records, list) or not records:
        raise origin.header_error(
            f"{what} must be a non-empty array of draw objects", f"{what} 必须是非空的开奖对象数组"
        )
    bad = next((position for position, item in enumerate(records) if not isinstance(item, dict)), None)
    if bad is not None:
        raise origin.row_error(
            bad,
            f"record {bad + 1} of {what} is {type(records[bad]).__name__}, not an object",
            f"{what} 的第 {bad + 1} 条记录是 {type(records[bad]).__name__}，不是对象",
        )
    return pd.DataFrame.from_records(records)


def game_by_pool_names(keys: Iterable[str]) -> GameSpec | None:
    """Return the one game whose pool names are all among ``keys``, or None."""
    keys = set(keys)
    found = [spec for spec in GAMES.values() if all(name in keys for name in spec.pool_names)]
    return found[0] if len(found) == 1 else None


def game_by_pick_counts(counts: tuple[int, ...]) -> GameSpec | None:
    """Return the one game whose pools pick ``counts`` balls (in pool order), or None."""
    found = [spec for spec in GAMES.values() if tuple(pool.pick for pool in spec.pools) == counts]
    return found[0] if len(found) == 1 else None


def check_game(found: GameSpec | None, requested: GameSpec | None, origin: Origin, fmt: str) -> GameSpec:
    """Return the game of the file; raise when it is unknown or differs from ``requested``."""
    if found is None:
        raise origin.header_error(
            f"the {fmt} records match no known game: their ball columns fit neither "
            + " nor ".join(spec.name.upper() for spec in GAMES.values()),
            f"{fmt} 记录不属于任何已知游戏：号码列既不符合"
            + "也不符合".join(spec.title_zh for spec in GAMES.values()),
        )
    if requested is not None and requested.name != found.name:
        raise DataValidationError(
            f"{origin.label} contains {found.name.upper()} draws, but the requested game is "
            f"{requested.name.upper()}. Nothing was stored; pass --game {found.name} or choose a "
            f"{requested.name.upper()} file.",
            zh=f"{origin.label} 是{found.title_zh}数据，但指定的游戏是{requested.title_zh}。"
            f"未写入任何数据；请使用 --game {found.name} 或选择{requested.title_zh}文件。",
        )
    return found
