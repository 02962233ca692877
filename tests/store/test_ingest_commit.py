"""How ingest commits: a self-contained store file, and the garbage collector left as it was."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from lotto_lab.errors import DataValidationError
from lotto_lab.store import ingest, load_history, summarise_store
from lotto_lab.store.ingest import load_batches

HEADER = "issue,draw_date,red_1,red_2,red_3,red_4,red_5,red_6,blue_1"


def test_ingest_leaves_no_write_ahead_log(tmp_path: Path) -> None:
    database = tmp_path / "store.duckdb"
    ingest(database, "dlt")
    assert not Path(f"{database}.wal").exists()

    # The file alone contains every row, so a copy of it without any log reads the same.
    copy = shutil.copy(database, tmp_path / "copy.duckdb")
    assert summarise_store(copy).set_index("game").loc["dlt"].tolist() == [
        2913,
        "07001",
        "26095",
        2900,
        5800,
        4,
        0,
    ]
    assert load_history(copy, "dlt").last_issue == 2026095


def test_load_keeps_collector_enabled() -> None:
    assert gc.isenabled()
    load_batches("dlt")
    assert gc.isenabled()


def test_load_keeps_collector_disabled() -> None:
    gc.disable()
    try:
        load_batches("dlt")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_failed_load_reenables_collector(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\n2026001,2026-01-01,1,2,3,4,5,99,7\n", encoding="utf-8")
    with pytest.raises(DataValidationError):
        load_batches(None, bad)
    assert gc.isenabled()
