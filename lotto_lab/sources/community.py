"""Parsers of the community files scraped from 500.com, one per format.

- ``500-json``: a JSON array, newest first, of ``{"issue": "26096", "date": "2026-08-20",
  "red": ["01", ...], "blue": ["04"]}`` (DLT: ``front``/``back``); Justdoitfor/my-lottery-data.
- ``500-csv``: ``issue,date,r1..r6,b1,sales,pool`` (DLT: ``r1..r5,b1,b2``), oldest first, money
  in whole yuan; LJQ-HUB-cmyk/lottery-dlt.
- ``500-prize-csv``: ``issue,red1..red5,blue1,blue2,pool_money,first_prize_count,
  first_prize_money,second_prize_count,second_prize_money,sales_money,date``, UTF-8 with a BOM;
  XIUDENBENNY/ruyi-dlt-web. It adds tiers 1 and 2 to the money.

The ball columns tell the game: the number of ``r``/``red`` and ``b``/``blue`` columns must match
a game's pick counts.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from lotto_lab.games import GameSpec
from lotto_lab.sources.inputs import Origin, RawInput
from lotto_lab.sources.layouts import (
    check_game,
    game_by_pick_counts,
    game_by_pool_names,
    records_frame,
    require_columns,
)
from lotto_lab.sources.model import ParsedSource, empty_money, empty_prizes
from lotto_lab.sources.tables import build_draws, build_money, build_prizes, expand_balls

__all__ = ["parse_500_csv", "parse_500_json", "parse_500_prize_csv"]


def parse_500_json(records: object, origin: Origin, raw: RawInput, game: GameSpec | None) -> ParsedSource:
    """Parse the ``500-json`` format (lists of zero-padded ball strings per pool)."""
    frame = records_frame(records, origin, "the file")
    spec = check_game(game_by_pool_names(frame.columns), game, origin, "500-json")
    require_columns(frame, ["issue", "date", *spec.pool_names], origin, "500-json")
    table = pd.DataFrame({"issue": frame["issue"], "draw_date": frame["date"]})
    for pool in spec.pools:
        table = table.join(expand_balls(frame[pool.name], pool))
    draws, _, warnings = build_draws(table, spec, origin)
    return ParsedSource(
        game=spec,
        fmt="500-json",
        raw=raw,
        draws=draws,
        money=empty_money(),
        prizes=empty_prizes(),
        warnings=tuple(warnings),
    )


def _numbered_columns(columns: pd.Index, prefix: str) -> list[str]:
    pattern = re.compile(rf"{prefix}(\d+)")
    found = [(int(match.group(1)), column) for column in columns if (match := pattern.fullmatch(column))]
    return [column for _, column in sorted(found)]


def _ball_table(
    table: pd.DataFrame, spec: GameSpec, prefixes: tuple[str, str], origin: Origin, fmt: str
) -> pd.DataFrame:
    """Rename the numbered ball columns (``r1`` or ``red1``) to the wide names of ``spec``."""
    renames = {}
    for pool, prefix in zip(spec.pools, prefixes, strict=True):
        columns = [f"{prefix}{position}" for position in range(1, pool.pick + 1)]
        require_columns(table, columns, origin, fmt)
        renames.update({column: f"{pool.name}_{position}" for position, column in enumerate(columns, 1)})
    return table.rename(columns=renames)


def parse_500_csv(table: pd.DataFrame, origin: Origin, raw: RawInput, game: GameSpec | None) -> ParsedSource:
    """Parse the ``500-csv`` format: balls, sales and the prize pool after the draw."""
    table = table.rename(columns=str.lower)
    counts = (len(_numbered_columns(table.columns, "r")), len(_numbered_columns(table.columns, "b")))
    spec = check_game(game_by_pick_counts(counts), game, origin, "500-csv")
    require_columns(table, ["issue", "date", "sales", "pool"], origin, "500-csv")
    balls = _ball_table(table, spec, ("r", "b"), origin, "500-csv").rename(columns={"date": "draw_date"})
    draws, issues, warnings = build_draws(balls, spec, origin)
    return ParsedSource(
        game=spec,
        fmt="500-csv",
        raw=raw,
        draws=draws,
        money=build_money(issues, table["sales"], table["pool"], origin),
        prizes=empty_prizes(),
        warnings=tuple(warnings),
    )


_PRIZE_COLUMNS = (
    ("一等奖", "first_prize_count", "first_prize_money"),
    ("二等奖", "second_prize_count", "second_prize_money"),
)


def parse_500_prize_csv(
    table: pd.DataFrame, origin: Origin, raw: RawInput, game: GameSpec | None
) -> ParsedSource:
    """Parse the ``500-prize-csv`` format: balls, pool, sales, and winners and amount of tiers 1-2."""
    table = table.rename(columns=str.lower)
    counts = (len(_numbered_columns(table.columns, "red")), len(_numbered_columns(table.columns, "blue")))
    spec = check_game(game_by_pick_counts(counts), game, origin, "500-prize-csv")
    money_columns = ["pool_money", "sales_money"]
    prize_columns = [column for _, *columns in _PRIZE_COLUMNS for column in columns]
    require_columns(table, ["issue", "date", *money_columns, *prize_columns], origin, "500-prize-csv")
    balls = _ball_table(table, spec, ("red", "blue"), origin, "500-prize-csv")
    draws, issues, warnings = build_draws(balls.rename(columns={"date": "draw_date"}), spec, origin)

    positions = np.arange(len(table))
    names = pd.Series(np.repeat([name for name, _, _ in _PRIZE_COLUMNS], len(table)))
    winners = pd.concat([table[count] for _, count, _ in _PRIZE_COLUMNS], ignore_index=True)
    amounts = pd.concat([table[amount] for _, _, amount in _PRIZE_COLUMNS], ignore_index=True)
    prizes = build_prizes(
        spec,
        pd.concat([issues] * len(_PRIZE_COLUMNS), ignore_index=True),
        names,
        winners,
        amounts,
        origin,
        np.tile(positions, len(_PRIZE_COLUMNS)),
    )
    return ParsedSource(
        game=spec,
        fmt="500-prize-csv",
        raw=raw,
        draws=draws,
        money=build_money(issues, table["sales_money"], table["pool_money"], origin),
        prizes=prizes,
        warnings=tuple(warnings),
    )
