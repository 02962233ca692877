"""The documented user layout: ``issue, draw_date`` and one column per ball, as CSV or JSON.

Column names follow :attr:`lotto_lab.games.GameSpec.number_columns` (``red_1 .. red_6, blue_1``
for SSQ, ``front_1 .. front_5, back_1, back_2`` for DLT). Chinese spreadsheet headers are
accepted too: ``期号`` and ``开奖日期``, and per pool its Chinese label with the position.
SSQ balls read ``红球1`` or ``红1``, and the one-ball pool ``蓝球`` or ``蓝``; DLT balls read
``前区1`` or ``前1`` and ``后区1`` or ``后1``.
Optional columns ``sales`` (销售额) and ``pool_after`` (奖池) carry money in yuan.
"""

from __future__ import annotations

import pandas as pd

from lotto_lab.games import GAMES, GameSpec
from lotto_lab.sources.inputs import Origin, RawInput
from lotto_lab.sources.layouts import check_game, require_columns
from lotto_lab.sources.model import ParsedSource, empty_money, empty_prizes
from lotto_lab.sources.tables import build_draws, build_money

__all__ = ["column_aliases", "looks_wide", "parse_wide"]

FORMAT = "wide"

_COMMON_ALIASES = {
    "issue": "issue",
    "期号": "issue",
    "期数": "issue",
    "draw_date": "draw_date",
    "date": "draw_date",
    "开奖日期": "draw_date",
    "日期": "draw_date",
    "sales": "sales",
    "销售额": "sales",
    "销量": "sales",
    "pool_after": "pool_after",
    "pool": "pool_after",
    "奖池": "pool_after",
    "奖池金额": "pool_after",
}


def column_aliases() -> dict[str, str]:
    """Return every accepted column name (lower case) mapped to its canonical wide name."""
    aliases = dict(_COMMON_ALIASES)
    for spec in GAMES.values():
        for pool in spec.pools:
            short = pool.label_zh[0]
            for position in range(1, pool.pick + 1):
                canonical = f"{pool.name}_{position}"
                aliases[canonical] = canonical
                aliases[f"{pool.label_zh}{position}"] = canonical
                aliases[f"{short}{position}"] = canonical
            if pool.pick == 1:
                aliases[pool.label_zh] = f"{pool.name}_1"
                aliases[short] = f"{pool.name}_1"
    return aliases


def _canonical_names(columns: pd.Index) -> dict[str, str]:
    aliases = column_aliases()
    renames = {}
    for column in columns:
        canonical = aliases.get(str(column).strip().lower())
        if canonical is not None:
            renames[column] = canonical
    return renames


def looks_wide(columns: pd.Index) -> bool:
    """True when the column names include an issue column under any accepted name."""
    return "issue" in _canonical_names(columns).values()


def _wide_game(columns: pd.Index) -> GameSpec | None:
    present = set(columns)
    found = [spec for spec in GAMES.values() if present & set(spec.number_columns)]
    return found[0] if len(found) == 1 else None


def parse_wide(table: pd.DataFrame, origin: Origin, raw: RawInput, game: GameSpec | None) -> ParsedSource:
    """Parse a table in the wide layout (read from CSV or from a JSON array of objects)."""
    table = table.rename(columns=_canonical_names(table.columns))
    spec = check_game(_wide_game(table.columns), game, origin, FORMAT)
    require_columns(table, ["issue", "draw_date", *spec.number_columns], origin, f"{spec.name.upper()} wide")
    draws, issues, warnings = build_draws(table, spec, origin)
    has_money = "sales" in table or "pool_after" in table
    money = (
        build_money(issues, table.get("sales"), table.get("pool_after"), origin)
        if has_money
        else empty_money()
    )
    return ParsedSource(
        game=spec,
        fmt=FORMAT,
        raw=raw,
        draws=draws,
        money=money,
        prizes=empty_prizes(),
        warnings=tuple(warnings),
    )
