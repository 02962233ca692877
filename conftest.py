"""Session set-up shared by the unit tests and the notebook runs (nbval).

Every pytest process (each xdist worker too) points ``LOTTO_LAB_DB`` and ``LOTTO_LAB_REPORTS`` at
its own temporary folder before any test or notebook kernel starts, so the suite never touches the
project's ``data/lotto.duckdb`` or ``reports/``. Notebook kernels inherit these variables and find a
store already loaded with the bundled history, as a researcher's would be after ``lotto-lab ingest``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_SCRATCH: Path | None = None


def pytest_configure(config) -> None:
    global _SCRATCH
    _SCRATCH = Path(tempfile.mkdtemp(prefix="lotto-lab-tests-"))
    os.environ["LOTTO_LAB_DB"] = str(_SCRATCH / "session.duckdb")
    os.environ["LOTTO_LAB_REPORTS"] = str(_SCRATCH / "reports")
    os.environ["LOTTO_LAB_PROGRESS"] = "0"
    os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_collection_finish(session) -> None:
    # Notebooks read the store: load the bundled history once per process that runs one.
    if any(str(item.path).endswith(".ipynb") for item in session.items):
        from lotto_lab.store import ingest

        ingest(Path(os.environ["LOTTO_LAB_DB"]), None, "bundled")


def pytest_unconfigure(config) -> None:
    if _SCRATCH is not None:
        shutil.rmtree(_SCRATCH, ignore_errors=True)
