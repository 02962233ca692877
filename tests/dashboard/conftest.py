"""Fixtures of the dashboard tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from published_run_files import write_published_run


@pytest.fixture(scope="session")
def published_reports(tmp_path_factory) -> Path:
    """A reports folder whose latest run has both games; tests must not change it."""
    reports = tmp_path_factory.mktemp("published") / "reports"
    write_published_run(reports)
    return reports
