"""Paths and settings shared by every stage, built in one place.

The store path and the reports folder come from the command line, then from the environment
variables ``LOTTO_LAB_DB`` and ``LOTTO_LAB_REPORTS``, then from the defaults below, which sit
inside the project checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = PROJECT_DIR / "data"
BUNDLED_DIR = DATA_DIR / "bundled"
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"

DEFAULT_DB_PATH = DATA_DIR / "lotto.duckdb"
DEFAULT_REPORTS_DIR = PROJECT_DIR / "reports"
DEFAULT_OPTUNA_STORAGE = f"sqlite:///{DATA_DIR / 'optuna.db'}"
DEFAULT_SEED = 20030223  # the date of the first SSQ draw; any fixed value would do

DB_ENV = "LOTTO_LAB_DB"
REPORTS_ENV = "LOTTO_LAB_REPORTS"
LANGUAGE_ENV = "LOTTO_LAB_LANG"


def resolve_db_path(value: str | os.PathLike[str] | None = None) -> Path:
    """Return the DuckDB file path from an explicit value, ``LOTTO_LAB_DB`` or the default."""
    if value:
        return Path(value).expanduser().resolve()
    env = os.environ.get(DB_ENV)
    return Path(env).expanduser().resolve() if env else DEFAULT_DB_PATH


def resolve_reports_dir(value: str | os.PathLike[str] | None = None) -> Path:
    """Return the reports folder from an explicit value, ``LOTTO_LAB_REPORTS`` or the default."""
    if value:
        return Path(value).expanduser().resolve()
    env = os.environ.get(REPORTS_ENV)
    return Path(env).expanduser().resolve() if env else DEFAULT_REPORTS_DIR


def latest_dir(reports_dir: Path) -> Path:
    """Return the published ``latest`` folder under a reports folder."""
    return reports_dir / "latest"


def runs_dir(reports_dir: Path) -> Path:
    """Return the folder that holds one sub-folder per pipeline run."""
    return reports_dir / "runs"
