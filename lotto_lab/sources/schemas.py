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

# The value rules of each schema run as one vectorised DataFrame check rather than one pandera
# check per column. pandera spends about 0.2 ms on each check it runs, which was most of the
# validation time of a bundled file (2-core development machine, pandera 0.35). Each check
# returns one boolean per row, so a failure still lists the offending rows.
_ISSUE_MIN, _ISSUE_MAX = 2000001, 2099999


def _rows(frame: pd.DataFrame, ok: np.ndarray) -> pd.Series:
    return pd.Series(ok, index=frame.index)


def _at_least(values: pd.Series, minimum: float) -> np.ndarray:
    """Return True where a value is missing or at least ``minimum``."""
    return (values.isna() | (values >= minimum)).to_numpy(dtype=bool, na_value=False)


def _issue_in_range(frame: pd.DataFrame) -> np.ndarray:
    issues = frame["issue"].to_numpy()
    return (issues >= _ISSUE_MIN) & (issues <= _ISSUE_MAX)


def _no_repeated_keys(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    return ~frame.duplicated(keys, keep=False).to_numpy()


def _draw_rows_check(pools: list[tuple[list[str], int]]) -> pa.Check:
    """Return the row check of draws: issue in range, and each pool's balls in range and distinct."""

    def check(frame: pd.DataFrame) -> pd.Series:
        ok = _issue_in_range(frame)
        for names, size in pools:
            balls = np.stack([frame[name].to_numpy(dtype=np.int64) for name in names], axis=1)
            ok &= ((balls >= 1) & (balls <= size)).all(axis=1)
            if len(names) > 1:
                ordered = np.sort(balls, axis=1)
                ok &= np.all(np.diff(ordered, axis=1) != 0, axis=1)
        return _rows(frame, ok)

    return pa.Check(check, name="issue_in_range_balls_in_range_and_distinct")


def _ascending(frame: pd.DataFrame) -> bool:
    return bool(frame["issue"].is_monotonic_increasing and frame["draw_date"].is_monotonic_increasing)


@cache
def _draw_schema(name: str) -> pa.DataFrameSchema:
    spec = get_game(name)
    columns: dict[str, pa.Column] = {
        "issue": pa.Column("int64", unique=True),
        "draw_date": pa.Column(pa.DateTime),
    }
    pools = []
    for pool in spec.pools:
        names = [f"{pool.name}_{position}" for position in range(1, pool.pick + 1)]
        for column in names:
            columns[column] = pa.Column("int64")
        pools.append((names, pool.size))
    checks = [_draw_rows_check(pools), pa.Check(_ascending, name="issue_and_date_ascending")]
    return pa.DataFrameSchema(columns, checks=checks, strict=False, name=f"{spec.name} draws")


def draw_schema(game: GameSpec | str) -> pa.DataFrameSchema:
    """Return the schema of a game's wide draw frame (extra columns such as ``source`` allowed).

    Besides the dtypes: issues are unique, ascending and within 2000001..2099999, dates ascend,
    and each pool's balls are distinct and within 1..pool size.
    """
    return _draw_schema(get_game(game).name)


def _money_rows(frame: pd.DataFrame) -> pd.Series:
    ok = _issue_in_range(frame) & _at_least(frame["sales"], 0) & _at_least(frame["pool_after"], 0)
    return _rows(frame, ok)


MONEY_SCHEMA = pa.DataFrameSchema(
    {
        "issue": pa.Column("int64", unique=True),
        "sales": pa.Column("float64", nullable=True),
        "pool_after": pa.Column("float64", nullable=True),
    },
    checks=[pa.Check(_money_rows, name="issue_in_range_amounts_not_negative")],
    strict=False,
    name="money",
)


def _prize_rows(frame: pd.DataFrame) -> pd.Series:
    ok = _issue_in_range(frame) & _no_repeated_keys(frame, ["issue", "tier_name"])
    ok &= _at_least(frame["tier"], 1) & _at_least(frame["winners"], 0) & _at_least(frame["amount"], 0)
    ok &= (frame["tier_name"].str.len() >= 1).to_numpy(dtype=bool, na_value=False)
    return _rows(frame, ok)


PRIZE_SCHEMA = pa.DataFrameSchema(
    {
        "issue": pa.Column("int64"),
        "tier": pa.Column("Int64", nullable=True),
        "tier_name": pa.Column(str),
        "winners": pa.Column("Int64", nullable=True),
        "amount": pa.Column("float64", nullable=True),
    },
    checks=[
        pa.Check(
            _prize_rows,
            name="issue_in_range_issue_and_tier_name_unique_tier_positive_counts_and_amounts_not_negative",
        )
    ],
    strict=False,
    name="prizes",
)


def _conflict_rows(frame: pd.DataFrame) -> pd.Series:
    ok = _issue_in_range(frame) & _no_repeated_keys(frame, ["issue", "field", "other_source"])
    return _rows(frame, ok)


CONFLICT_SCHEMA = pa.DataFrameSchema(
    {
        "issue": pa.Column("int64"),
        "field": pa.Column(str),
        "kept_value": pa.Column(str),
        "kept_source": pa.Column(str),
        "other_value": pa.Column(str),
        "other_source": pa.Column(str),
    },
    checks=[pa.Check(_conflict_rows, name="issue_in_range_issue_field_and_other_source_unique")],
    strict=False,
    name="source conflicts",
)
