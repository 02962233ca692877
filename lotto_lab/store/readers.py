"""Reading the store: every reader opens the file read-only and validates what it returns."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError

from lotto_lab.errors import StoreError
from lotto_lab.games import GameSpec, get_game
from lotto_lab.history import DrawHistory
from lotto_lab.sources.schemas import CONFLICT_SCHEMA, MONEY_SCHEMA, PRIZE_SCHEMA, draw_schema
from lotto_lab.store.schema import connect_read, wide_draws_sql

__all__ = [
    "QUARANTINE_SCHEMA",
    "load_conflicts",
    "load_draws",
    "load_history",
    "load_money",
    "load_prizes",
    "load_quarantine",
    "summarise_store",
]

DbPath = str | os.PathLike[str] | None

QUARANTINE_SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(str, unique=True),
        "game": pa.Column(str),
        "issue": pa.Column("Int64", nullable=True),
        "source": pa.Column(str),
        "reason": pa.Column(str),
        "payload": pa.Column(str),
    },
    strict=False,
    name="quarantine",
)


def _text_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Give text columns the string dtype; DuckDB returns an empty result's columns as object."""
    for column in columns:
        frame[column] = frame[column].astype(str)
    return frame


def _checked(schema: pa.DataFrameSchema, frame: pd.DataFrame, db_path: DbPath) -> pd.DataFrame:
    try:
        return schema.validate(frame)
    except SchemaError as error:
        raise StoreError(
            f"the store {db_path} contains {schema.name} rows that break the {schema.name} schema ({error}). "
            "Rebuild it: delete the file and run lotto-lab ingest again.",
            zh=f"数据库 {db_path} 中的 {schema.name} 数据不符合数据约定（{error}）。"
            "请重建：删除该文件后重新运行 lotto-lab ingest。",
        ) from error


def _no_draws(spec: GameSpec, db_path: DbPath) -> StoreError:
    return StoreError(
        f"the store {db_path} contains no {spec.name.upper()} draws: run `lotto-lab ingest --game "
        f"{spec.name}` first",
        zh=f"数据库 {db_path} 中没有{spec.title_zh}开奖数据：请先运行 `lotto-lab ingest --game {spec.name}`",
    )


def load_draws(db_path: DbPath, game: GameSpec | str) -> pd.DataFrame:
    """Return one game's draws as the wide frame (``issue``, ``draw_date``, ``<pool>_<n>``, ``source``).

    Raises
    ------
    StoreError
        The store is missing, or contains no draws of this game.
    """
    spec = get_game(game)
    with connect_read(db_path) as connection:
        frame = connection.execute(wide_draws_sql(spec), [spec.name]).df()
        sources = connection.execute(
            "SELECT issue, source FROM draws WHERE game = ? ORDER BY issue", [spec.name]
        ).df()
    if frame.empty:
        raise _no_draws(spec, db_path)
    frame["issue"] = frame["issue"].astype(np.int64)
    for column in spec.number_columns:
        if frame[column].isna().any():
            raise StoreError(
                f"the store {db_path} has {spec.name.upper()} draws without a {column} ball. Rebuild it: "
                "delete the file and run lotto-lab ingest again.",
                zh=f"数据库 {db_path} 中有缺少 {column} 号码的{spec.title_zh}开奖。"
                "请重建：删除该文件后重新运行 lotto-lab ingest。",
            )
        frame[column] = frame[column].astype(np.int64)
    frame["source"] = sources["source"].to_numpy()
    return _checked(draw_schema(spec), frame, db_path)


def load_history(db_path: DbPath, game: GameSpec | str) -> DrawHistory:
    """Return one game's stored draws as a :class:`~lotto_lab.history.DrawHistory`.

    ``db_path`` empty or None uses ``$LOTTO_LAB_DB`` or the default store.

    Raises
    ------
    StoreError
        The store is missing, or contains no draws of this game. The message tells the user to
        run ``lotto-lab ingest``.
    """
    spec = get_game(game)
    return DrawHistory.from_frame(spec, load_draws(db_path, spec))


def _game_rows(db_path: DbPath, game: GameSpec | str, sql: str) -> pd.DataFrame:
    spec = get_game(game)
    with connect_read(db_path) as connection:
        count = connection.execute("SELECT count(*) FROM draws WHERE game = ?", [spec.name]).fetchall()[0][0]
        if count == 0:
            raise _no_draws(spec, db_path)
        frame = connection.execute(sql, [spec.name]).df()
    frame["issue"] = frame["issue"].astype(np.int64)
    return frame


def load_money(db_path: DbPath, game: GameSpec | str) -> pd.DataFrame:
    """Return per-draw money: ``issue``, ``sales``, ``pool_after`` (yuan, NaN when unknown), ``source``."""
    frame = _game_rows(
        db_path,
        game,
        "SELECT issue, CAST(sales AS DOUBLE) AS sales, CAST(pool_after AS DOUBLE) AS pool_after, source "
        "FROM draw_money WHERE game = ? ORDER BY issue",
    )
    _text_columns(frame, ["source"])
    return _checked(MONEY_SCHEMA, frame, db_path)


def load_prizes(db_path: DbPath, game: GameSpec | str) -> pd.DataFrame:
    """Return prize results: ``issue``, ``tier`` (NA for special tiers), ``tier_name``, ``winners``,
    ``amount`` (yuan per winning bet, NaN when unknown or when no bet won), ``source``."""
    frame = _game_rows(
        db_path,
        game,
        "SELECT issue, tier, tier_name, winners, CAST(amount AS DOUBLE) AS amount, source "
        "FROM prize_results WHERE game = ? ORDER BY issue, tier NULLS LAST, tier_name",
    )
    frame["tier"] = frame["tier"].astype("Int64")
    frame["winners"] = frame["winners"].astype("Int64")
    _text_columns(frame, ["tier_name", "source"])
    return _checked(PRIZE_SCHEMA, frame, db_path)


def load_conflicts(db_path: DbPath, game: GameSpec | str | None = None) -> pd.DataFrame:
    """Return the recorded source disagreements, of one game or (None) of all games.

    Columns: ``game``, ``issue``, ``field``, ``kept_value``, ``kept_source``, ``other_value``,
    ``other_source``, ``recorded_at``.
    """
    games = [get_game(game).name] if game is not None else None
    with connect_read(db_path, table="source_conflicts") as connection:
        frame = connection.execute(
            "SELECT game, issue, field, kept_value, kept_source, other_value, other_source, recorded_at "
            "FROM source_conflicts WHERE ? IS NULL OR list_contains(?, game) "
            "ORDER BY game, issue, field, other_source",
            [games, games],
        ).df()
    frame["issue"] = frame["issue"].astype(np.int64)
    _text_columns(frame, ["game", "field", "kept_value", "kept_source", "other_value", "other_source"])
    return _checked(CONFLICT_SCHEMA, frame, db_path)


def load_quarantine(db_path: DbPath, game: GameSpec | str | None = None) -> pd.DataFrame:
    """Return the quarantined rows, of one game or (None) of all games.

    Columns: ``id``, ``game``, ``issue``, ``source``, ``reason``, ``payload`` (JSON text with the
    table, the input, the incoming row and the stored row) and ``quarantined_at``.
    """
    games = [get_game(game).name] if game is not None else None
    with connect_read(db_path, table="quarantine") as connection:
        frame = connection.execute(
            "SELECT id, game, issue, source, reason, CAST(payload AS VARCHAR) AS payload, quarantined_at "
            "FROM quarantine WHERE ? IS NULL OR list_contains(?, game) ORDER BY game, issue, id",
            [games, games],
        ).df()
    frame["issue"] = frame["issue"].astype("Int64")
    _text_columns(frame, ["id", "game", "source", "reason", "payload"])
    return _checked(QUARANTINE_SCHEMA, frame, db_path)


def summarise_store(db_path: DbPath) -> pd.DataFrame:
    """Return one row per stored game: draw count, first and last issue (usual form), money
    rows, prize rows, recorded source conflicts and quarantined rows."""
    with connect_read(db_path) as connection:
        frame = connection.execute(
            """
            SELECT d.game, count(*) AS draws, min(d.issue) AS first_issue, max(d.issue) AS last_issue,
                (SELECT count(*) FROM draw_money AS m WHERE m.game = d.game) AS money_rows,
                (SELECT count(*) FROM prize_results AS p WHERE p.game = d.game) AS prize_rows,
                (SELECT count(*) FROM source_conflicts AS c WHERE c.game = d.game) AS conflicts,
                (SELECT count(*) FROM quarantine AS q WHERE q.game = d.game) AS quarantined
            FROM draws AS d
            GROUP BY d.game
            ORDER BY d.game
            """
        ).df()
    for column in ("first_issue", "last_issue"):
        frame[column] = [
            get_game(game).format_issue(int(issue))
            for game, issue in zip(frame["game"], frame[column], strict=True)
        ]
    return frame
