"""Provenance of a pipeline run: its id, the code's git commit, package versions and ``run.json``."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import platform
import secrets
import subprocess
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path

__all__ = [
    "RECORDED_PACKAGES",
    "git_commit",
    "new_run_id",
    "package_versions",
    "utc_now",
    "write_json_atomic",
]

log = logging.getLogger(__name__)

# Distributions whose versions go into run.json: the ones whose behaviour shapes the results.
RECORDED_PACKAGES = (
    "lotto_lab",
    "numpy",
    "pandas",
    "scipy",
    "duckdb",
    "pandera",
    "torch",
    "optuna",
    "statsmodels",
    "arch",
    "papermill",
    "nbconvert",
    "ipykernel",
    "plotly",
    "panel",
    "bokeh",
)


def utc_now() -> dt.datetime:
    """Return the current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def new_run_id(now: dt.datetime | None = None) -> str:
    """Return a run id: the UTC start time and a random suffix, such as ``20260709T120301Z-3fa9c1``.

    Ids sort by start time. The suffix keeps two runs started in the same second apart.
    """
    now = now or utc_now()
    return f"{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def git_commit(project_dir: Path) -> str | None:
    """Return the commit ``HEAD`` points to in ``project_dir``, or None outside a git checkout.

    None too when git is not installed. Uncommitted changes are not detected.
    """
    try:
        completed = subprocess.run(
            ["git", "-C", str(project_dir), "rev-parse", "--verify", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        log.warning("could not run git to read the commit of %s: %s", project_dir, error)
        return None
    if completed.returncode != 0:
        log.info("%s is not a git checkout; run.json records no commit", project_dir)
        return None
    return completed.stdout.strip() or None


def package_versions(names: Iterable[str] = RECORDED_PACKAGES) -> dict[str, str | None]:
    """Return the installed version of each distribution in ``names``, None for one not installed."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def write_json_atomic(path: Path, data: Mapping[str, object]) -> None:
    """Write ``data`` as indented UTF-8 JSON to ``path`` through a temporary file and ``os.replace``.

    A reader never sees a half-written file.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)
