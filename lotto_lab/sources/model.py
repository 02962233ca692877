"""Parse results: one validated file (:class:`ParsedSource`) and one ingest's rows (:class:`SourceBatch`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError

from lotto_lab.errors import DataValidationError
from lotto_lab.games import GameSpec
from lotto_lab.sources.inputs import RawInput
from lotto_lab.sources.schemas import CONFLICT_SCHEMA, MONEY_SCHEMA, PRIZE_SCHEMA, draw_schema

__all__ = ["ParsedSource", "SourceBatch", "empty_conflicts", "empty_money", "empty_prizes"]


# (id of the schema, column names, dtypes) of the empty frames that passed their schema. An empty
# frame passes or fails on its columns and dtypes alone, so one pandera run per shape is enough.
_VALID_EMPTY_SHAPES: set[tuple[int, tuple[object, ...], tuple[object, ...]]] = set()


def _validate(label: str, schema: pa.DataFrameSchema, frame: pd.DataFrame) -> None:
    """Check ``frame`` against ``schema``; a failure means a parser let a bad row through."""
    shape = (id(schema), tuple(frame.columns), tuple(frame.dtypes)) if frame.empty else None
    if shape is not None and shape in _VALID_EMPTY_SHAPES:
        return
    try:
        schema.validate(frame)
    except SchemaError as error:
        raise DataValidationError(
            f"{label}: the parsed {schema.name} break the {schema.name} schema ({error}). "
            "Nothing was stored; please report this with the file.",
            zh=f"{label}：解析后的 {schema.name} 数据不符合数据约定（{error}）。"
            "未写入任何数据；请附上该文件报告此问题。",
        ) from error
    if shape is not None:
        _VALID_EMPTY_SHAPES.add(shape)


@cache
def _empty_money() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "issue": np.array([], dtype=np.int64),
            "sales": np.array([], dtype=np.float64),
            "pool_after": np.array([], dtype=np.float64),
        }
    )
    return MONEY_SCHEMA.validate(frame)


@cache
def _empty_prizes() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "issue": np.array([], dtype=np.int64),
            "tier": pd.array([], dtype="Int64"),
            "tier_name": pd.Series([], dtype=str),
            "winners": pd.array([], dtype="Int64"),
            "amount": np.array([], dtype=np.float64),
        }
    )
    return PRIZE_SCHEMA.validate(frame)


@cache
def _empty_conflicts() -> pd.DataFrame:
    frame = pd.DataFrame({"issue": np.array([], dtype=np.int64)})
    for column in ("field", "kept_value", "kept_source", "other_value", "other_source"):
        frame[column] = pd.Series([], dtype=str)
    return CONFLICT_SCHEMA.validate(frame)


# The empty frames are built and validated once; each call returns a copy the caller may change.


def empty_money() -> pd.DataFrame:
    """Return a money frame with no rows."""
    return _empty_money().copy()


def empty_prizes() -> pd.DataFrame:
    """Return a prize frame with no rows."""
    return _empty_prizes().copy()


def empty_conflicts() -> pd.DataFrame:
    """Return a conflicts frame with no rows."""
    return _empty_conflicts().copy()


@dataclass(frozen=True, eq=False)
class ParsedSource:
    """One file parsed and validated.

    ``draws`` passes :func:`~lotto_lab.sources.schemas.draw_schema`, ``money`` the money schema and
    ``prizes`` the prize schema: the constructor validates all three, so every parser's output
    is checked at the point of reading. A format without money or prize data gives empty frames.
    """

    game: GameSpec
    fmt: str
    raw: RawInput
    draws: pd.DataFrame
    money: pd.DataFrame
    prizes: pd.DataFrame
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _validate(self.raw.label, draw_schema(self.game), self.draws)
        _validate(self.raw.label, MONEY_SCHEMA, self.money)
        _validate(self.raw.label, PRIZE_SCHEMA, self.prizes)

    def to_batch(self, source: str) -> SourceBatch:
        """Return a batch that stores every row of this file under the source name ``source``."""
        return SourceBatch(
            game=self.game,
            origin=self.raw.label,
            draws=self.draws.assign(source=source),
            money=self.money.assign(source=source),
            prizes=self.prizes.assign(source=source),
            conflicts=empty_conflicts(),
            inputs=((source, self.raw),),
            warnings=self.warnings,
        )


@dataclass(frozen=True, eq=False)
class SourceBatch:
    """Everything one ingest writes for one game.

    The frames carry a ``source`` column naming where each row came from. ``conflicts`` lists the
    fields on which the sources merged into this batch disagreed, with the value kept and the
    value set aside. ``inputs`` pairs each raw file with its source name for the raw archive.
    ``origin`` names the input as a whole (``bundled`` or the file path).
    """

    game: GameSpec
    origin: str
    draws: pd.DataFrame
    money: pd.DataFrame
    prizes: pd.DataFrame
    conflicts: pd.DataFrame
    inputs: tuple[tuple[str, RawInput], ...]
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _validate(self.origin, draw_schema(self.game), self.draws)
        _validate(self.origin, MONEY_SCHEMA, self.money)
        _validate(self.origin, PRIZE_SCHEMA, self.prizes)
        _validate(self.origin, CONFLICT_SCHEMA, self.conflicts)
