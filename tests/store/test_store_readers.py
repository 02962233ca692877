"""Reading the store: histories, money, prizes, conflicts, runs, and the errors of a missing store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lotto_lab.errors import StoreError
from lotto_lab.games import get_game
from lotto_lab.sources import load_bundle
from lotto_lab.store import (
    ingest,
    load_conflicts,
    load_draws,
    load_history,
    load_money,
    load_prizes,
    load_quarantine,
    load_runs,
    record_run,
)


def test_history_matches_bundle(bundled_db: Path) -> None:
    for game in ("ssq", "dlt"):
        history = load_history(bundled_db, game)
        expected = load_bundle(game).draws
        assert history.game == get_game(game)
        assert history.issues.tolist() == expected["issue"].tolist()
        assert (history.dates == expected["draw_date"].to_numpy().astype("datetime64[D]")).all()
        frame = history.to_frame()
        for column in get_game(game).number_columns:
            assert frame[column].tolist() == expected[column].tolist()


def test_history_uses_official_dates(bundled_db: Path) -> None:
    history = load_history(bundled_db, "ssq")
    position = int(np.flatnonzero(history.issues == 2005017)[0])
    assert history.dates[position] == np.datetime64("2005-02-08")


def test_draws_frame_carries_source(bundled_db: Path) -> None:
    draws = load_draws(bundled_db, "dlt")
    assert list(draws.columns) == ["issue", "draw_date", *get_game("dlt").number_columns, "source"]
    assert set(draws["source"]) == {"500com-justdoitfor"}


def test_money_reader_types(bundled_db: Path) -> None:
    money = load_money(bundled_db, "dlt")
    assert list(money.columns) == ["issue", "sales", "pool_after", "source"]
    assert money["issue"].dtype == np.int64
    assert money["sales"].dtype == np.float64
    row = money.set_index("issue").loc[2017132]
    assert row["pool_after"] == pytest.approx(4314342249.60, abs=1e-6)
    assert row["source"] == "sporttery-mflyn"


def test_prize_reader_types(bundled_db: Path) -> None:
    prizes = load_prizes(bundled_db, "ssq")
    assert list(prizes.columns) == ["issue", "tier", "tier_name", "winners", "amount", "source"]
    assert str(prizes["tier"].dtype) == "Int64"
    assert str(prizes["winners"].dtype) == "Int64"
    rows = prizes.set_index(["issue", "tier_name"])
    assert rows.loc[(2026078, "一等奖"), "amount"] == 5983174
    assert pd.isna(rows.loc[(2018141, "一等奖特别奖"), "tier"])
    assert rows.loc[(2026014, "福运奖"), "tier"] == 7


def test_conflicts_reader_filters_game(bundled_db: Path) -> None:
    every = load_conflicts(bundled_db)
    dlt = load_conflicts(bundled_db, "dlt")
    assert len(every) == 27
    assert dlt["issue"].tolist() == [2011107, 2013017, 2017132, 2022085]
    assert set(dlt["game"]) == {"dlt"}
    assert load_quarantine(bundled_db).empty


def test_missing_store_says_run_ingest(tmp_path: Path) -> None:
    path = tmp_path / "none.duckdb"
    with pytest.raises(StoreError) as caught:
        load_history(path, "ssq")
    assert str(caught.value) == (
        f"no store at {path}: run `lotto-lab ingest` first to load the draws (or pass --db / set "
        "LOTTO_LAB_DB to the store you meant)"
    )
    assert caught.value.zh == (
        f"{path} 处没有数据库：请先运行 `lotto-lab ingest` 导入开奖数据"
        "（或用 --db / LOTTO_LAB_DB 指定数据库）"
    )
    assert not path.exists()


def test_store_without_game_says_run_ingest(tmp_path: Path) -> None:
    path = tmp_path / "dlt_only.duckdb"
    ingest(path, "dlt")
    for reader in (load_history, load_money, load_prizes):
        with pytest.raises(StoreError) as caught:
            reader(path, "ssq")
        assert str(caught.value) == (
            f"the store {path} contains no SSQ draws: run `lotto-lab ingest --game ssq` first"
        )
    assert len(load_history(path, "dlt")) == 2913


def test_env_variable_names_store(bundled_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOTTO_LAB_DB", str(bundled_db))
    assert load_history("", "dlt").last_issue == 2026095


def test_record_run_inserts_then_replaces(tmp_path: Path) -> None:
    path = tmp_path / "runs.duckdb"
    record = {
        "run_id": "20260823T120000Z-abc123",
        "status": "running",
        "started": "2026-08-23T12:00:00+00:00",
    }
    record_run(path, record)
    record_run(path, {**record, "status": "succeeded", "finished": "2026-08-23T14:30:00+02:00"})
    runs = load_runs(path)
    assert len(runs) == 1
    row = runs.iloc[0]
    assert row["status"] == "succeeded"
    assert row["started_at"] == pd.Timestamp("2026-08-23 12:00:00")
    assert row["finished_at"] == pd.Timestamp("2026-08-23 12:30:00")
    assert '"status": "succeeded"' in row["record"]


def test_record_run_needs_id(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        record_run(tmp_path / "runs.duckdb", {"status": "running"})
    assert str(caught.value) == "a run record needs a non-empty string run_id, got None"


def test_reader_while_writer_holds_store(bundled_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "held.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            "connection = duckdb.connect(sys.argv[1])\n"
            "print('ready', flush=True)\n"
            "sys.stdin.readline()\n",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError) as caught:
            load_history(path, "ssq")
        assert str(caught.value).startswith(f"cannot open the store {path}: ")
        assert str(caught.value).endswith(
            "Another process (lotto-lab run or ingest) may be writing to it; "
            "wait until it finishes and try again."
        )
    finally:
        holder.communicate("done\n", timeout=30)
    assert len(load_history(path, "ssq")) == 3493


def test_file_that_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database", encoding="utf-8")
    for action in (lambda: load_history(path, "ssq"), lambda: ingest(path, "dlt")):
        with pytest.raises(StoreError) as caught:
            action()
        assert str(caught.value).startswith(f"{path} is not a DuckDB store (")
        assert str(caught.value).endswith(
            "Pass --db with the path of the store, or move this file away and run lotto-lab ingest to build "
            "a new store."
        )
    assert path.read_text(encoding="utf-8") == "not a database"
