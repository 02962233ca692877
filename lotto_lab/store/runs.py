"""The ``runs`` table: one row per pipeline run, holding the run record as JSON."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping

import duckdb
import pandas as pd

from lotto_lab.config import resolve_db_path
from lotto_lab.errors import StoreError
from lotto_lab.store.schema import connect_read, connect_write

__all__ = ["load_runs", "record_run"]


def _utc(value: object) -> dt.datetime | None:
    """Return an ISO time stamp as naive UTC, or None when it is absent or not a time stamp."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def record_run(db_path: str | os.PathLike[str] | None, run_record: Mapping[str, object]) -> None:
    """Insert or update a pipeline run in the ``runs`` table.

    ``run_record`` must contain a ``run_id``. ``status``, ``started`` and ``finished`` (ISO time
    stamps) fill their own columns when present, and the whole record is stored as JSON. A
    record whose ``run_id`` is already stored replaces the stored one, so a run can be recorded
    when it starts and again when it ends.

    Raises
    ------
    StoreError
        ``run_id`` is missing, or the store cannot be written.
    """
    run_id = run_record.get("run_id")
    if not isinstance(run_id, str) or not run_id:
        raise StoreError(
            f"a run record needs a non-empty string run_id, got {run_id!r}",
            zh=f"运行记录需要非空字符串 run_id，实际为 {run_id!r}",
        )
    path = resolve_db_path(db_path)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    status = run_record.get("status")
    values = [
        run_id,
        None if status is None else str(status),
        _utc(run_record.get("started", run_record.get("started_at"))),
        _utc(run_record.get("finished", run_record.get("finished_at"))),
        json.dumps(run_record, ensure_ascii=False, default=str, sort_keys=True),
        now,
    ]
    connection = connect_write(path)
    try:
        connection.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, CAST(? AS JSON), ?)", values)
    except duckdb.Error as error:
        raise StoreError(
            f"recording run {run_id} in {path} failed: {error}",
            zh=f"在 {path} 中记录运行 {run_id} 失败：{error}",
        ) from error
    finally:
        connection.close()


def load_runs(db_path: str | os.PathLike[str] | None) -> pd.DataFrame:
    """Return the recorded runs, newest first: ``run_id``, ``status``, ``started_at``,
    ``finished_at``, ``record`` (JSON text) and ``recorded_at``."""
    with connect_read(db_path, table="runs") as connection:
        return connection.execute(
            "SELECT run_id, status, started_at, finished_at, CAST(record AS VARCHAR) AS record, recorded_at "
            "FROM runs ORDER BY started_at DESC NULLS LAST, run_id DESC"
        ).df()
