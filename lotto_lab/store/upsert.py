"""Writing a :class:`~lotto_lab.sources.model.SourceBatch` into the store.

Rows are keyed by (game, issue), and prize rows by (game, issue, tier name). A new row is
inserted. A row equal to the stored one is left alone. A row that differs from the stored one is
never written over: it goes to ``quarantine`` with its source, the reason and both versions as
JSON. Money and prize rows of a draw quarantined from the same batch are quarantined with it.
Quarantine ids are hashes of the incoming row, so ingesting the same input again adds nothing.

The caller runs :func:`upsert_batch` inside a transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from lotto_lab.games import GameSpec
from lotto_lab.sources.inputs import RawInput
from lotto_lab.sources.model import SourceBatch
from lotto_lab.store.schema import wide_draws_sql

__all__ = ["IngestReport", "upsert_batch"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestReport:
    """Counts of what one ingest did for one game.

    ``read`` counts the draws in the input, ``inserted`` the new draws stored, ``unchanged`` the
    draws already stored as they are, ``quarantined`` every row (draw, money or prize) set aside
    because it differs from the stored one. ``last_issue`` is the latest canonical issue in the
    store after the ingest.
    """

    game: str
    source: str
    read: int
    inserted: int
    unchanged: int
    quarantined: int
    last_issue: int | None
    money_inserted: int = 0
    prizes_inserted: int = 0
    conflicts_recorded: int = 0
    files_archived: int = 0
    warnings: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        """Return the report as a JSON-ready dict."""
        values = asdict(self)
        values["warnings"] = list(self.warnings)
        return values


def _jsonable(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _record(frame: pd.DataFrame, position: int, columns: Sequence[str]) -> dict[str, object]:
    row = frame.iloc[position]
    return {column: _jsonable(row[column]) for column in columns}


@dataclass
class _QuarantineRows:
    """The rows one batch sets aside, written in one insert."""

    game: str
    origin: str
    now: dt.datetime
    rows: list[dict[str, object]] = field(default_factory=list)

    def add(
        self,
        table: str,
        issue: int,
        source: str,
        reason: str,
        incoming: dict[str, object],
        stored: dict[str, object] | None,
    ) -> None:
        key = json.dumps([self.game, table, issue, source, incoming], sort_keys=True, ensure_ascii=False)
        payload = {"table": table, "input": self.origin, "incoming": incoming, "stored": stored}
        self.rows.append(
            {
                "id": hashlib.sha256(key.encode("utf-8")).hexdigest()[:24],
                "game": self.game,
                "issue": int(issue),
                "source": source,
                "reason": reason,
                "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
                "quarantined_at": self.now,
            }
        )

    def write(self, connection: duckdb.DuckDBPyConnection) -> int:
        """Insert the rows whose id is not stored yet; return how many rows were set aside."""
        if not self.rows:
            return 0
        frame = pd.DataFrame(self.rows).drop_duplicates("id")
        connection.register("incoming_quarantine", frame)
        try:
            connection.execute(
                """
                INSERT INTO quarantine
                SELECT id, game, issue, source, reason, CAST(payload AS JSON), quarantined_at
                FROM incoming_quarantine
                WHERE id NOT IN (SELECT id FROM quarantine)
                """
            )
        finally:
            connection.unregister("incoming_quarantine")
        return len(self.rows)


def _same_exact(mine: pd.Series, theirs: pd.Series) -> np.ndarray:
    """Compare dates by day and integers exactly; two missing values are equal."""
    if mine.dtype.kind == "M" or theirs.dtype.kind == "M":
        left = mine.to_numpy().astype("datetime64[D]")
        right = theirs.to_numpy().astype("datetime64[D]")
        return (left == right) | (np.isnat(left) & np.isnat(right))
    left, right = mine.astype("Int64"), theirs.astype("Int64")
    return ((left == right).fillna(False) | (left.isna() & right.isna())).to_numpy(dtype=bool)


def _same_money(mine: pd.Series, theirs: pd.Series) -> np.ndarray:
    """Compare amounts in whole cents; two missing values are equal."""
    left = np.rint(mine.to_numpy(dtype=np.float64, na_value=np.nan) * 100)
    right = np.rint(theirs.to_numpy(dtype=np.float64, na_value=np.nan) * 100)
    return (left == right) | (np.isnan(left) & np.isnan(right))


def _differences(
    incoming: pd.DataFrame, stored: pd.DataFrame, columns: Sequence[str], exact: Sequence[str]
) -> tuple[np.ndarray, list[list[str]]]:
    """Compare aligned rows; return a mask of differing rows and, per row, the differing columns.

    Columns in ``exact`` hold dates or integers; the others hold money.
    """
    differing = np.zeros(len(incoming), dtype=bool)
    per_column = {}
    for column in columns:
        compare = _same_exact if column in exact else _same_money
        per_column[column] = ~compare(incoming[column], stored[column])
        differing |= per_column[column]
    details = [
        [column for column in columns if per_column[column][position]]
        for position in np.flatnonzero(differing)
    ]
    return differing, details


def _show(value: object) -> str:
    """Write a value for a quarantine reason: amounts without a trailing .0, NULL for missing."""
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.2f}"
    return str(value)


def _describe(columns: list[str], incoming: dict[str, object], stored: dict[str, object]) -> str:
    return ", ".join(
        f"{column} {_show(incoming[column])} (stored {_show(stored[column])})" for column in columns
    )


def _insert(
    connection: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, sql: str, params: list
) -> None:
    # DuckDB registers an Arrow table faster than a DataFrame (about 0.7 ms less per call), and
    # the conversion turns NaN into NULL just as DuckDB's DataFrame scan does.
    connection.register(name, pa.Table.from_pandas(frame, preserve_index=False))
    try:
        connection.execute(sql, params)
    finally:
        connection.unregister(name)


def _long_numbers(spec: GameSpec, draws: pd.DataFrame) -> pd.DataFrame:
    """Return the balls of wide draws as rows of (issue, pool, position, number)."""
    issues = draws["issue"].to_numpy(dtype=np.int64)
    parts = []
    for pool in spec.pools:
        columns = [f"{pool.name}_{position}" for position in range(1, pool.pick + 1)]
        block = draws[columns].to_numpy(dtype=np.int64)
        parts.append(
            pd.DataFrame(
                {
                    "issue": np.repeat(issues, pool.pick),
                    "pool": pool.name,
                    "position": np.tile(np.arange(1, pool.pick + 1), len(issues)),
                    "number": block.ravel(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _stored_issues(connection: duckdb.DuckDBPyConnection, spec: GameSpec) -> np.ndarray:
    """Return the issues of the game's stored draws."""
    found = connection.execute("SELECT issue FROM draws WHERE game = ?", [spec.name]).fetchnumpy()
    return np.asarray(found["issue"], dtype=np.int64)


def _quarantine_changed_draws(
    connection: duckdb.DuckDBPyConnection, spec: GameSpec, old: pd.DataFrame, quarantine: _QuarantineRows
) -> np.ndarray:
    """Quarantine the rows of ``old`` (incoming draws of stored issues) that differ from the store.

    Returns the mask of the rows that differ.
    """
    columns = ["draw_date", *spec.number_columns]
    stored = connection.execute(wide_draws_sql(spec), [spec.name]).df()
    stored["issue"] = stored["issue"].astype(np.int64)
    old_stored = stored.set_index("issue").loc[old["issue"]].reset_index()
    differing, details = _differences(old, old_stored, columns, exact=columns)
    for position, changed in zip(np.flatnonzero(differing), details, strict=True):
        mine = _record(old, position, ["issue", *columns])
        theirs = _record(old_stored, position, ["issue", *columns])
        issue = int(old["issue"].iloc[position])
        quarantine.add(
            "draws",
            issue,
            str(old["source"].iloc[position]),
            f"draw {spec.format_issue(issue)} differs from the stored draw: "
            f"{_describe(changed, mine, theirs)}; the stored draw is kept",
            mine,
            theirs,
        )
    return differing


def _upsert_draws(
    connection: duckdb.DuckDBPyConnection, batch: SourceBatch, now: dt.datetime, quarantine: _QuarantineRows
) -> tuple[int, int, np.ndarray, np.ndarray]:
    """Upsert the draws; return (inserted, unchanged, quarantined issues, issues with a draw)."""
    spec = batch.game
    incoming = batch.draws.reset_index(drop=True)
    issues = incoming["issue"].to_numpy(dtype=np.int64)
    stored_issues = _stored_issues(connection, spec)
    present = np.isin(issues, stored_issues)

    # The stored draws are read and compared only when the input repeats a stored issue.
    if present.any():
        old = incoming.loc[present].reset_index(drop=True)
        differing = _quarantine_changed_draws(connection, spec, old, quarantine)
        new = incoming.loc[~present]
    else:
        differing = np.zeros(0, dtype=bool)
        new = incoming

    if len(new):
        _insert(
            connection,
            "incoming_draws",
            new[["issue", "draw_date", "source"]],
            "INSERT INTO draws SELECT ?, issue, CAST(draw_date AS DATE), source, ? FROM incoming_draws",
            [spec.name, now],
        )
        _insert(
            connection,
            "incoming_numbers",
            _long_numbers(spec, new),
            "INSERT INTO draw_numbers SELECT ?, issue, pool, position, number FROM incoming_numbers",
            [spec.name],
        )
    bad = issues[present][differing]
    with_draw = np.union1d(stored_issues, issues)
    return len(new), int((~differing).sum()), bad, with_draw


def _upsert_keyed(
    connection: duckdb.DuckDBPyConnection,
    batch: SourceBatch,
    table: str,
    frame: pd.DataFrame,
    keys: list[str],
    values: list[str],
    exact: list[str],
    stored_sql: str,
    insert_sql: str,
    now: dt.datetime,
    quarantine: _QuarantineRows,
    bad_issues: np.ndarray,
    with_draw: np.ndarray,
) -> int:
    """Upsert money or prize rows keyed by ``keys``; return how many rows were inserted."""
    spec = batch.game
    frame = frame.reset_index(drop=True)
    orphan = ~np.isin(frame["issue"].to_numpy(dtype=np.int64), with_draw)
    if orphan.any():
        log.warning("%s: %d %s rows have no stored draw and are skipped", spec.name, int(orphan.sum()), table)
        frame = frame.loc[~orphan].reset_index(drop=True)

    follows_bad = np.isin(frame["issue"].to_numpy(dtype=np.int64), bad_issues)
    for position in np.flatnonzero(follows_bad):
        issue = int(frame["issue"].iloc[position])
        quarantine.add(
            table,
            issue,
            str(frame["source"].iloc[position]),
            f"the draw {spec.format_issue(issue)} of the same input was quarantined, so this {table} "
            "row is not stored either",
            _record(frame, position, [*keys, *values]),
            None,
        )
    if follows_bad.any():
        frame = frame.loc[~follows_bad].reset_index(drop=True)

    # With no stored row of the game (a first ingest) every row is new, so the stored rows are
    # neither read nor joined.
    if not connection.execute(f"SELECT 1 FROM {table} WHERE game = ? LIMIT 1", [spec.name]).fetchall():
        if len(frame):
            _insert(connection, f"incoming_{table}", frame, insert_sql, [spec.name, now])
        return len(frame)

    stored = connection.execute(stored_sql, [spec.name]).df()
    stored["issue"] = stored["issue"].astype(np.int64)
    joined = frame.merge(stored, on=keys, how="left", suffixes=("", "_stored"), indicator=True)
    present = (joined["_merge"] == "both").to_numpy()
    old = joined.loc[present].reset_index(drop=True)
    theirs = old[[f"{column}_stored" for column in values]].set_axis(values, axis=1)
    differing, details = _differences(old[values], theirs, values, exact=exact)
    for position, changed in zip(np.flatnonzero(differing), details, strict=True):
        mine = _record(old, position, [*keys, *values])
        previous = {**{key: mine[key] for key in keys}, **_record(theirs, position, values)}
        issue = int(old["issue"].iloc[position])
        quarantine.add(
            table,
            issue,
            str(old["source"].iloc[position]),
            f"{table} row of issue {spec.format_issue(issue)} differs from the stored row: "
            f"{_describe(changed, mine, previous)}; the stored row is kept",
            mine,
            previous,
        )

    new = frame.loc[~present]
    if len(new):
        _insert(connection, f"incoming_{table}", new, insert_sql, [spec.name, now])
    return len(new)


def _insert_conflicts(connection: duckdb.DuckDBPyConnection, batch: SourceBatch, now: dt.datetime) -> int:
    """Insert the conflicts not recorded yet; return how many rows were inserted."""
    if batch.conflicts.empty:
        return 0
    connection.register("incoming_conflicts", pa.Table.from_pandas(batch.conflicts, preserve_index=False))
    try:
        # DuckDB returns the number of inserted rows as the result of an INSERT.
        inserted = connection.execute(
            """
            INSERT INTO source_conflicts
            SELECT ?, c.issue, c.field, c.other_source, c.kept_value, c.kept_source, c.other_value, ?
            FROM incoming_conflicts AS c
            WHERE NOT EXISTS (
                SELECT 1 FROM source_conflicts AS s
                WHERE s.game = ? AND s.issue = c.issue AND s.field = c.field
                    AND s.other_source = c.other_source
            )
            """,
            [batch.game.name, now, batch.game.name],
        ).fetchall()
    finally:
        connection.unregister("incoming_conflicts")
    return int(inserted[0][0])


def _archive_inputs(
    connection: duckdb.DuckDBPyConnection, inputs: Sequence[tuple[str, RawInput]], now: dt.datetime
) -> int:
    """Store the bytes of every input whose sha256 is not archived yet; return how many were added."""
    digests = [raw.sha256 for _, raw in inputs]
    archived = {
        row[0]
        for row in connection.execute(
            "SELECT sha256 FROM raw_archive WHERE list_contains(?, sha256)", [digests]
        ).fetchall()
    }
    new: dict[str, tuple[str, RawInput]] = {}
    for source, raw in inputs:
        # An input repeated within the batch is archived once, under its first source.
        if raw.sha256 not in archived and raw.sha256 not in new:
            new[raw.sha256] = (source, raw)
    if not new:
        return 0
    rows = pa.table(
        {
            "sha256": pa.array(list(new), pa.string()),
            "source": pa.array([source for source, _ in new.values()], pa.string()),
            "original_path": pa.array([str(raw.path.resolve()) for _, raw in new.values()], pa.string()),
            "bytes": pa.array([raw.data for _, raw in new.values()], pa.binary()),
            "size": pa.array([len(raw.data) for _, raw in new.values()], pa.int64()),
        }
    )
    connection.register("incoming_raw", rows)
    try:
        connection.execute(
            "INSERT INTO raw_archive SELECT sha256, source, original_path, bytes, size, ? FROM incoming_raw",
            [now],
        )
    finally:
        connection.unregister("incoming_raw")
    return len(new)


_MONEY_STORED = "SELECT issue, sales, pool_after FROM draw_money WHERE game = ?"
_MONEY_INSERT = """
INSERT INTO draw_money
SELECT ?, issue, CAST(sales AS DECIMAL(18, 2)), CAST(pool_after AS DECIMAL(18, 2)), source, ?
FROM incoming_draw_money
"""
_PRIZES_STORED = "SELECT issue, tier_name, tier, winners, amount FROM prize_results WHERE game = ?"
_PRIZES_INSERT = """
INSERT INTO prize_results
SELECT ?, issue, tier_name, tier, winners, CAST(amount AS DECIMAL(18, 2)), source, ?
FROM incoming_prize_results
"""


def upsert_batch(connection: duckdb.DuckDBPyConnection, batch: SourceBatch, now: dt.datetime) -> IngestReport:
    """Write one batch (run inside a transaction) and return what happened.

    Parameters
    ----------
    connection
        A write connection with a transaction open.
    batch
        The validated rows of one game.
    now
        The UTC time stamped on every row this call inserts.
    """
    spec = batch.game
    files = _archive_inputs(connection, batch.inputs, now)
    quarantine = _QuarantineRows(game=spec.name, origin=batch.origin, now=now)
    inserted, unchanged, bad_issues, with_draw = _upsert_draws(connection, batch, now, quarantine)
    money = _upsert_keyed(
        connection,
        batch,
        "draw_money",
        batch.money[["issue", "sales", "pool_after", "source"]],
        keys=["issue"],
        values=["sales", "pool_after"],
        exact=[],
        stored_sql=_MONEY_STORED,
        insert_sql=_MONEY_INSERT,
        now=now,
        quarantine=quarantine,
        bad_issues=bad_issues,
        with_draw=with_draw,
    )
    prizes = _upsert_keyed(
        connection,
        batch,
        "prize_results",
        batch.prizes[["issue", "tier_name", "tier", "winners", "amount", "source"]],
        keys=["issue", "tier_name"],
        values=["tier", "winners", "amount"],
        exact=["tier", "winners"],
        stored_sql=_PRIZES_STORED,
        insert_sql=_PRIZES_INSERT,
        now=now,
        quarantine=quarantine,
        bad_issues=bad_issues,
        with_draw=with_draw,
    )
    conflicts = _insert_conflicts(connection, batch, now)
    quarantined = quarantine.write(connection)
    last_issue = connection.execute("SELECT max(issue) FROM draws WHERE game = ?", [spec.name]).fetchall()[0][
        0
    ]
    report = IngestReport(
        game=spec.name,
        source=batch.origin,
        read=len(batch.draws),
        inserted=inserted,
        unchanged=unchanged,
        quarantined=quarantined,
        last_issue=None if last_issue is None else int(last_issue),
        money_inserted=money,
        prizes_inserted=prizes,
        conflicts_recorded=conflicts,
        files_archived=files,
        warnings=batch.warnings,
    )
    log.info(
        "%s from %s: read %d draws, inserted %d, unchanged %d, quarantined %d rows; "
        "money rows inserted %d, prize rows inserted %d, conflicts recorded %d, files archived %d",
        spec.name,
        batch.origin,
        report.read,
        report.inserted,
        report.unchanged,
        report.quarantined,
        report.money_inserted,
        report.prizes_inserted,
        report.conflicts_recorded,
        report.files_archived,
    )
    if quarantined:
        log.warning(
            "%s from %s: %d rows quarantined; see the quarantine table", spec.name, batch.origin, quarantined
        )
    return report
