"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a DuckDB store containing the bundled SSQ and DLT history, ingested once per session.

    Read it only: tests that write must copy the file first.
    """
    from lotto_lab.store import ingest

    path = tmp_path_factory.mktemp("bundled_db") / "lotto.duckdb"
    ingest(path, None)
    return path
