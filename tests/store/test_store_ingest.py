"""Ingesting into a real DuckDB file: counts, idempotency, quarantine, transactions, raw archive."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from lotto_lab.config import BUNDLED_DIR
from lotto_lab.errors import DataValidationError
from lotto_lab.sources import read_manifest
from lotto_lab.store import ingest, load_history, load_money, load_quarantine, summarise_store
from lotto_lab.store.schema import TABLES

HEADER = "issue,draw_date,red_1,red_2,red_3,red_4,red_5,red_6,blue_1"


def _copy(database: Path, folder: Path) -> Path:
    target = folder / "copy.duckdb"
    shutil.copy(database, target)
    return target


def _snapshot(database: Path) -> dict[str, pd.DataFrame]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return {table: connection.execute(f"SELECT * FROM {table} ORDER BY ALL").df() for table in TABLES}
    finally:
        connection.close()


def _assert_same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(before[table], after[table], obj=table)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_store_contents(bundled_db: Path) -> None:
    summary = summarise_store(bundled_db).set_index("game")
    assert summary.loc["ssq"].tolist() == [3493, "2003001", "2026096", 3492, 20079, 23, 0]
    assert summary.loc["dlt"].tolist() == [2913, "07001", "26095", 2900, 5800, 4, 0]


def test_second_ingest_changes_nothing(bundled_db: Path, tmp_path: Path) -> None:
    database = _copy(bundled_db, tmp_path)
    before = _snapshot(database)
    reports = ingest(database, "all")
    _assert_same(before, _snapshot(database))
    assert [(r.game, r.read, r.inserted, r.unchanged, r.quarantined) for r in reports] == [
        ("ssq", 3493, 0, 3493, 0),
        ("dlt", 2913, 0, 2913, 0),
    ]
    assert [
        (r.money_inserted, r.prizes_inserted, r.conflicts_recorded, r.files_archived) for r in reports
    ] == [
        (0, 0, 0, 0),
        (0, 0, 0, 0),
    ]
    assert [r.last_issue for r in reports] == [2026096, 2026095]


def test_first_ingest_report(tmp_path: Path) -> None:
    reports = ingest(tmp_path / "fresh.duckdb", "dlt")
    assert len(reports) == 1
    report = reports[0]
    assert (report.read, report.inserted, report.unchanged, report.quarantined) == (2913, 2913, 0, 0)
    assert (report.money_inserted, report.prizes_inserted, report.conflicts_recorded) == (2900, 5800, 4)
    assert report.files_archived == 3
    assert report.as_dict()["warnings"] == []


def test_user_file_twice_changes_nothing(bundled_db: Path, tmp_path: Path) -> None:
    database = _copy(bundled_db, tmp_path)
    path = _write(
        tmp_path / "next.csv", f'{HEADER},sales\n2026097,2026-08-23,3,9,12,20,27,30,11,"350,000,000"\n'
    )
    first = ingest(database, None, path)[0]
    assert (first.game, first.inserted, first.unchanged, first.money_inserted, first.files_archived) == (
        "ssq",
        1,
        0,
        1,
        1,
    )
    before = _snapshot(database)
    second = ingest(database, "ssq", path)[0]
    _assert_same(before, _snapshot(database))
    assert (second.inserted, second.unchanged, second.quarantined, second.files_archived) == (0, 1, 0, 0)
    history = load_history(database, "ssq")
    assert history.last_issue == 2026097
    assert history.numbers["red"][-1].tolist() == [3, 9, 12, 20, 27, 30]
    assert load_money(database, "ssq").set_index("issue").loc[2026097, "source"] == "file:next.csv"


def test_differing_draw_quarantined(bundled_db: Path, tmp_path: Path) -> None:
    database = _copy(bundled_db, tmp_path)
    path = _write(tmp_path / "fix.csv", f"{HEADER},sales\n2026096,2026-08-20,1,4,16,22,26,32,4,100\n")
    report = ingest(database, None, path)[0]
    assert (report.inserted, report.unchanged, report.quarantined) == (0, 0, 2)

    history = load_history(database, "ssq")
    assert history.numbers["red"][-1].tolist() == [1, 4, 16, 22, 26, 31]
    assert 2026096 not in load_money(database, "ssq")["issue"].tolist()

    quarantine = load_quarantine(database, "ssq").set_index("reason")
    assert quarantine["source"].tolist() == ["file:fix.csv", "file:fix.csv"]
    draw_reason = "draw 2026096 differs from the stored draw: red_6 32 (stored 31); the stored draw is kept"
    money_reason = (
        "the draw 2026096 of the same input was quarantined, so this draw_money row is not stored either"
    )
    assert sorted(quarantine.index) == sorted([draw_reason, money_reason])
    payload = json.loads(quarantine.loc[draw_reason, "payload"])
    assert payload["table"] == "draws"
    assert payload["input"] == str(path)
    assert payload["incoming"]["red_6"] == 32
    assert payload["stored"]["red_6"] == 31
    assert payload["stored"]["draw_date"] == "2026-08-20"

    before = _snapshot(database)
    again = ingest(database, None, path)[0]
    assert again.quarantined == 2
    _assert_same(before, _snapshot(database))


def test_differing_money_quarantined(bundled_db: Path, tmp_path: Path) -> None:
    database = _copy(bundled_db, tmp_path)
    text = f'{HEADER},sales,pool_after\n2026078,2026-07-09,7,11,14,16,27,28,6,"355,852,949",285632700\n'
    report = ingest(database, None, _write(tmp_path / "money.csv", text))[0]
    assert (report.unchanged, report.quarantined, report.money_inserted) == (1, 1, 0)
    row = load_quarantine(database).iloc[0]
    assert row["reason"] == (
        "draw_money row of issue 2026078 differs from the stored row: sales 355852949 (stored 355852948); "
        "the stored row is kept"
    )
    assert load_money(database, "ssq").set_index("issue").loc[2026078, "sales"] == 355852948


def test_bad_input_writes_nothing(bundled_db: Path, tmp_path: Path) -> None:
    database = _copy(bundled_db, tmp_path)
    before = _snapshot(database)
    bad = _write(
        tmp_path / "bad.csv",
        f"{HEADER}\n2026097,2026-08-23,1,2,3,4,5,6,7\n2026098,2026-08-25,1,2,3,4,5,99,7\n",
    )
    with pytest.raises(DataValidationError):
        ingest(database, None, bad)
    _assert_same(before, _snapshot(database))

    fresh = tmp_path / "never.duckdb"
    with pytest.raises(DataValidationError):
        ingest(fresh, None, bad)
    assert not fresh.exists()


def test_failure_while_writing_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import lotto_lab.store.upsert as upsert

    def fail(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(upsert, "_insert_conflicts", fail)
    database = tmp_path / "rollback.duckdb"
    with pytest.raises(RuntimeError, match="disk full"):
        ingest(database, "dlt")
    counts = {table: len(frame) for table, frame in _snapshot(database).items()}
    assert counts == dict.fromkeys(TABLES, 0)


def test_raw_archive_holds_every_input(bundled_db: Path) -> None:
    entries, _ = read_manifest()
    connection = duckdb.connect(str(bundled_db), read_only=True)
    try:
        rows = connection.execute(
            "SELECT sha256, source, original_path, bytes, size FROM raw_archive"
        ).fetchall()
    finally:
        connection.close()
    assert sorted(row[0] for row in rows) == sorted(entry.sha256 for entry in entries)
    for sha256, source, original, data, size in rows:
        assert hashlib.sha256(data).hexdigest() == sha256
        assert size == len(data)
        assert Path(original).read_bytes() == data
        assert Path(original).parent.parent == BUNDLED_DIR
        assert source in {entry.source for entry in entries}


def test_quarantine_ids_stable(bundled_db: Path, tmp_path: Path) -> None:
    database = _copy(bundled_db, tmp_path)
    first = _write(tmp_path / "a.csv", f"{HEADER}\n2026096,2026-08-21,1,4,16,22,26,31,4\n")
    ingest(database, None, first)
    ingest(database, None, first)
    quarantine = load_quarantine(database)
    assert len(quarantine) == 1
    assert quarantine.iloc[0]["reason"] == (
        "draw 2026096 differs from the stored draw: draw_date 2026-08-21 (stored 2026-08-20); "
        "the stored draw is kept"
    )
