"""Notebook 03-tune-lstm: layout rules, and a real papermill run on a DuckDB store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import nbformat
import papermill
import pytest

from lotto_lab.config import NOTEBOOKS_DIR
from lotto_lab.models.checkpoint import load_checkpoint
from lotto_lab.store import ingest
from lotto_lab.synthetic import fair_history

NOTEBOOK = NOTEBOOKS_DIR / "03-tune-lstm.ipynb"
PLOTLY = "application/vnd.plotly.v1+json"
PARAMETERS = (
    'db_path: str = ""',
    'output_dir: str = ""',
    'game: str = "ssq"',
    "seed: int = ",
    "n_trials: int = ",
    "timeout: float = ",
    "holdout_size: int = ",
    'storage: str = ""',
    'study_name: str = ""',
    "max_epochs: int = ",
    "quick: bool = True",
)


def test_notebook_layout():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.cells[0].source.startswith("# 03 ")
    tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    for line in PARAMETERS:
        assert line in tagged[0].source
    for line in tagged[0].source.splitlines():
        assert "  # " in line, line
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert not any("def " in cell.source or "lambda" in cell.source for cell in code)


def stdout_text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("name") == "stdout":
                parts.append(output["text"])
    return "".join(parts)


@pytest.mark.slow
def test_notebook_tunes_from_store(tmp_path):
    csv = tmp_path / "ssq.csv"
    fair_history("ssq", 320, seed=51, start=dt.date(2010, 1, 5)).to_frame().to_csv(csv, index=False)
    db_path = tmp_path / "lotto.duckdb"
    ingest(db_path, "ssq", csv)
    out = tmp_path / "out"

    executed = tmp_path / "03-tune-lstm.out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(executed),
        parameters={
            "db_path": str(db_path),
            "output_dir": str(out),
            "n_trials": 2,
            "holdout_size": 60,
            "validation_size": 40,
            "max_epochs": 3,
            "signal_check_draws": 300,
        },
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    notebook = nbformat.read(executed, as_version=4)

    figures = [
        output["data"][PLOTLY]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if PLOTLY in output.get("data", {})
    ]
    assert len(figures) == 2
    text = stdout_text(notebook)
    assert "Double Colour Ball (SSQ): 320 draws" in text
    assert "LSTM on the holdout (" in text
    assert "On 300 synthetic SSQ draws (number 7 of the red pool forced into 50% of draws)" in text
    assert "of the optimum 0.6216." in text
    assert "On 300 synthetic SSQ draws (a fair history)" in text

    folder = out / "ssq" / "lstm"
    document = json.loads((folder / "tuning.json").read_text(encoding="utf-8"))
    assert document["n_trials"] == 2
    assert document["storage"] == f"sqlite:///{(folder / 'optuna.db').resolve()}"
    checks = json.loads((folder / "signal_check.json").read_text(encoding="utf-8"))
    assert set(checks) == {"planted", "fair"}
    assert checks["fair"]["optimal_lift"] == 0.0
    assert load_checkpoint(folder, game="ssq").fit_summary.n_draws == 320
    for name in (
        "holdout/backtest.parquet",
        "trials.csv",
        "optimization_history.html",
        "param_importances.json",
    ):
        assert (folder / name).is_file(), name
    assert Path(executed).is_file()
