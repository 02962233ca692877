"""The validated DuckDB store: schema, idempotent upsert, quarantine, raw archive and readers.

Writers: :func:`ingest` (the ``lotto-lab ingest`` command) and :func:`record_run` (the pipeline).
Readers open the file read-only and validate what they return with pandera:
:func:`load_history`, :func:`load_draws`, :func:`load_money`, :func:`load_prizes`,
:func:`load_conflicts`, :func:`load_quarantine`, :func:`load_runs` and :func:`summarise_store`.

The names are imported on first use, so that importing :mod:`lotto_lab.store.ingest_cli` to
build the command-line parser does not load pandas, pandera and DuckDB.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lotto_lab.store.ingest import ingest
    from lotto_lab.store.readers import (
        load_conflicts,
        load_draws,
        load_history,
        load_money,
        load_prizes,
        load_quarantine,
        summarise_store,
    )
    from lotto_lab.store.runs import load_runs, record_run
    from lotto_lab.store.upsert import IngestReport

_EXPORTS = {
    "IngestReport": "lotto_lab.store.upsert",
    "ingest": "lotto_lab.store.ingest",
    "load_conflicts": "lotto_lab.store.readers",
    "load_draws": "lotto_lab.store.readers",
    "load_history": "lotto_lab.store.readers",
    "load_money": "lotto_lab.store.readers",
    "load_prizes": "lotto_lab.store.readers",
    "load_quarantine": "lotto_lab.store.readers",
    "load_runs": "lotto_lab.store.runs",
    "record_run": "lotto_lab.store.runs",
    "summarise_store": "lotto_lab.store.readers",
}

__all__ = [
    "IngestReport",
    "ingest",
    "load_conflicts",
    "load_draws",
    "load_history",
    "load_money",
    "load_prizes",
    "load_quarantine",
    "load_runs",
    "record_run",
    "summarise_store",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
