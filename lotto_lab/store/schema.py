"""The DuckDB schema of the store and the two ways to open it: for writing and read-only.

Only ``ingest`` and the pipeline write. DuckDB lets one process at a time open a file for
writing. A second writer, or a reader while a writer has the file open, gets a
:class:`StoreError` that explains this.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from lotto_lab.config import resolve_db_path
from lotto_lab.errors import StoreError
from lotto_lab.games import GameSpec

__all__ = ["SCHEMA_SQL", "TABLES", "connect_read", "connect_write", "wide_draws_sql"]

log = logging.getLogger(__name__)

TABLES = (
    "draws",
    "draw_numbers",
    "draw_money",
    "prize_results",
    "source_conflicts",
    "quarantine",
    "raw_archive",
    "runs",
)

# Money is in yuan. Timestamps are UTC without a zone.
SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS draws (
    game VARCHAR NOT NULL,
    issue INTEGER NOT NULL,
    draw_date DATE NOT NULL,
    source VARCHAR NOT NULL,
    ingested_at TIMESTAMP NOT NULL,
    PRIMARY KEY (game, issue)
);
CREATE TABLE IF NOT EXISTS draw_numbers (
    game VARCHAR NOT NULL,
    issue INTEGER NOT NULL,
    pool VARCHAR NOT NULL,
    position SMALLINT NOT NULL,
    number SMALLINT NOT NULL,
    PRIMARY KEY (game, issue, pool, position)
);
CREATE TABLE IF NOT EXISTS draw_money (
    game VARCHAR NOT NULL,
    issue INTEGER NOT NULL,
    sales DECIMAL(18, 2),
    pool_after DECIMAL(18, 2),
    source VARCHAR NOT NULL,
    ingested_at TIMESTAMP NOT NULL,
    PRIMARY KEY (game, issue)
);
CREATE TABLE IF NOT EXISTS prize_results (
    game VARCHAR NOT NULL,
    issue INTEGER NOT NULL,
    tier_name VARCHAR NOT NULL,
    tier SMALLINT,
    winners BIGINT,
    amount DECIMAL(18, 2),
    source VARCHAR NOT NULL,
    ingested_at TIMESTAMP NOT NULL,
    PRIMARY KEY (game, issue, tier_name)
);
CREATE TABLE IF NOT EXISTS source_conflicts (
    game VARCHAR NOT NULL,
    issue INTEGER NOT NULL,
    field VARCHAR NOT NULL,
    other_source VARCHAR NOT NULL,
    kept_value VARCHAR NOT NULL,
    kept_source VARCHAR NOT NULL,
    other_value VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (game, issue, field, other_source)
);
CREATE TABLE IF NOT EXISTS quarantine (
    id VARCHAR PRIMARY KEY,
    game VARCHAR NOT NULL,
    issue INTEGER,
    source VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    payload JSON NOT NULL,
    quarantined_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS raw_archive (
    sha256 VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,
    original_path VARCHAR NOT NULL,
    bytes BLOB NOT NULL,
    size BIGINT NOT NULL,
    archived_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    status VARCHAR,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    record JSON NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
"""


def wide_draws_sql(spec: GameSpec) -> str:
    """Return SQL that reads one game's draws as the wide frame; the game is parameter ``?``."""
    pivots = ",\n    ".join(
        f"max(n.number) FILTER (WHERE n.pool = '{pool.name}' AND n.position = {position}) "
        f"AS {pool.name}_{position}"
        for pool in spec.pools
        for position in range(1, pool.pick + 1)
    )
    return f"""
SELECT d.issue, d.draw_date,
    {pivots}
FROM draws AS d
LEFT JOIN draw_numbers AS n ON n.game = d.game AND n.issue = d.issue
WHERE d.game = ?
GROUP BY d.issue, d.draw_date
ORDER BY d.issue
"""


def _open_failed(path: Path, error: duckdb.Error) -> StoreError:
    """Return the error for a store file DuckDB cannot open, with the likely cause."""
    text = str(error)
    if "not a valid DuckDB database file" in text:
        return StoreError(
            f"{path} is not a DuckDB store ({text}). Pass --db with the path of the store, or move this "
            "file away and run lotto-lab ingest to build a new store.",
            zh=f"{path} 不是 DuckDB 数据库文件（{text}）。请用 --db 指定数据库路径，"
            "或移走该文件后运行 lotto-lab ingest 新建数据库。",
        )
    if "lock" in text.lower():
        return StoreError(
            f"cannot open the store {path}: {text}. Another process (lotto-lab run or ingest) may be "
            "writing to it; wait until it finishes and try again.",
            zh=f"无法打开数据库 {path}：{text}。"
            "可能有其他进程（lotto-lab run 或 ingest）正在写入；请等待其结束后重试。",
        )
    return StoreError(f"cannot open the store {path}: {text}", zh=f"无法打开数据库 {path}：{text}")


def connect_write(db_path: str | os.PathLike[str] | None) -> duckdb.DuckDBPyConnection:
    """Open (creating when needed) the store for writing and make sure every table exists."""
    path = resolve_db_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = duckdb.connect(str(path))
        # One transaction for all the tables: one commit to the file instead of one per table.
        connection.begin()
        connection.execute(SCHEMA_SQL)
        connection.commit()
    except duckdb.Error as error:
        raise _open_failed(path, error) from error
    return connection


def _missing_store(path: Path) -> StoreError:
    return StoreError(
        f"no store at {path}: run `lotto-lab ingest` first to load the draws (or pass --db / set "
        "LOTTO_LAB_DB to the store you meant)",
        zh=f"{path} 处没有数据库：请先运行 `lotto-lab ingest` 导入开奖数据"
        "（或用 --db / LOTTO_LAB_DB 指定数据库）",
    )


@contextmanager
def connect_read(
    db_path: str | os.PathLike[str] | None, table: str = "draws"
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the store read-only; raise :class:`StoreError` when it is missing or lacks ``table``."""
    path = resolve_db_path(db_path)
    if not path.is_file():
        raise _missing_store(path)
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise _open_failed(path, error) from error
    try:
        present = {
            row[0]
            for row in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        if table not in present:
            raise _missing_store(path)
        yield connection
    finally:
        connection.close()
