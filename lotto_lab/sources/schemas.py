"""pandera schemas of the frames the sources hand to the store and the store hands back.

Every parser validates its output with these schemas before returning it, and every store
reader validates what it reads, so a frame that reaches a later stage has the documented shape.

- draws: the wide draw frame, ``issue`` (canonical int), ``draw_date`` and ``<pool>_<n>`` ints;
- money: ``issue``, ``sales`` and ``pool_after`` in yuan (NaN when unknown);
- prizes: ``issue``, ``tier`` (NA for special tiers), ``tier_name``, ``winners``, ``amount`` (yuan
  per winning bet, NaN when unknown or when no bet won the tier);
- conflicts: one row per field on which a lower-precedence source disagreed with the kept value.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from lotto_lab.games import GameSpec, get_game

__all__ = ["CONFLICT_SCHEMA", "MONEY_SCHEMA", "PRIZE_SCHEMA", "draw_schema"]

_ISSUE_RANGE = pa.Check.in_range(2000001, 2099999)


def _distinct_within(columns: list[str]) -> pa.Check:
    def check(frame: pd.DataFrame) -> pd.Series:
        ordered = np.sort(frame[columns].to_numpy(dtype=np.int64), axis=1)
        distinct = np.all(np.diff(ordered, axis=1) != 0, axis=1)
        return pd.Series(distinct, index=frame.index)

    return pa.Check(check, name=f"{columns[0].rsplit('_', 1)[0]}_balls_distinct")


def _ascending(frame: pd.DataFrame) -> bool:
    return bool(frame["issue"].is_monotonic_increasing and frame["draw_date"].is_monotonic_increasing)


@cache
def _draw_schema(name: str) -> pa.DataFrameSchema:
    spec = get_game(name)
    columns: dict[str, pa.Column] = {
        "issue": pa.Column("int64", _ISSUE_RANGE, unique=True),
        "draw_date": pa.Column(pa.DateTime),
    }
    checks = [pa.Check(_ascending, name="issue_and_date_ascending")]
    for pool in spec.pools:
        names = [f"{pool.name}_{position}" for position in range(1, pool.pick + 1)]
        for column in names:
            columns[column] = pa.Column("int64", pa.Check.in_range(1, pool.size))
        if pool.pick > 1:
            checks.append(_distinct_within(names))
    return pa.DataFrameSchema(columns, checks=checks, strict=False, name=f"{spec.name} draws")


def draw_schema(game: GameSpec | str) -> pa.DataFrameSchema:
    """Return the schema of a game's wide draw frame (extra columns such as ``source`` allowed)."""
    return _draw_schema(get_game(game).name)


MONEY_SCHEMA = pa.DataFrameSchema(
    {
        "issue": pa.Column("int64", _ISSUE_RANGE, unique=True),
        "sales": pa.Column("float64", pa.Check.ge(0), nullable=True),
        "pool_after": pa.Column("float64", pa.Check.ge(0), nullable=True),
    },
    strict=False,
    name="money",
)

PRIZE_SCHEMA = pa.DataFrameSchema(
    {
        "issue": pa.Column("int64", _ISSUE_RANGE),
        "tier": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "tier_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "winners": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "amount": pa.Column("float64", pa.Check.ge(0), nullable=True),
    },
    unique=["issue", "tier_name"],
    strict=False,
    name="prizes",
)

CONFLICT_SCHEMA = pa.DataFrameSchema(
    {
        "issue": pa.Column("int64", _ISSUE_RANGE),
        "field": pa.Column(str),
        "kept_value": pa.Column(str),
        "kept_source": pa.Column(str),
        "other_value": pa.Column(str),
        "other_source": pa.Column(str),
    },
    unique=["issue", "field", "other_source"],
    strict=False,
    name="source conflicts",
)
