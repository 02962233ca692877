"""Notebook 02-features: layout rules, and a real papermill run on synthetic draws."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import papermill
import pytest
from notebook_runs import execute, plotly_outputs

from lotto_lab.config import NOTEBOOKS_DIR
from lotto_lab.features import per_draw_features, per_number_features
from lotto_lab.synthetic import fair_history

NOTEBOOK = NOTEBOOKS_DIR / "02-features.ipynb"


def test_notebook_layout():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.cells[0].source.startswith("# ")
    tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    parameters = tagged[0].source
    for line in (
        'db_path: str = ""',
        'output_dir: str = ""',
        'game: str = "ssq"',
        "seed: int = ",
        "windows: list = ",
    ):
        assert line in parameters
    for line in parameters.splitlines():
        assert "  # " in line, line
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert not any("def " in cell.source or "lambda" in cell.source for cell in code)


def run_notebook(tmp_path: Path, **parameters: object) -> nbformat.NotebookNode:
    return execute(NOTEBOOK, tmp_path, **parameters)


def test_notebook_writes_features_for_dlt(tmp_path):
    out = tmp_path / "out"
    notebook = run_notebook(
        tmp_path, game="dlt", output_dir=str(out), synthetic_draws=220, windows=[5, 50], seed=4
    )

    # One figure per family: frequency, omission, hot/cold, odd/big, sum/span, zones,
    # consecutive, repeats, AC.
    figures = plotly_outputs(notebook)
    assert len(figures) == 9
    titles = [json.dumps(figure["layout"]["title"], ensure_ascii=False) for figure in figures]
    assert "近 50 期" in titles[2]

    history = fair_history("dlt", 220, seed=4)
    draws = pd.read_parquet(out / "dlt" / "features.parquet")
    expected = per_draw_features(history)
    assert list(draws.columns) == list(expected.columns)
    assert draws["issue"].tolist() == history.issues.tolist()
    assert draws["lag1_front_ac"].fillna(-1).tolist() == expected["lag1_front_ac"].fillna(-1).tolist()

    numbers = pd.read_parquet(out / "dlt" / "number_features.parquet")
    assert len(numbers) == 221 * (35 + 12)
    back = numbers[numbers["pool"] == "back"].reset_index(drop=True)
    expected_back = per_number_features(history, "back", (5, 50), include_next=True)
    assert np.array_equal(back["omission"], expected_back["omission"])
    assert np.array_equal(back["freq_50"], expected_back["freq_50"])
    assert back["hot_cold"].astype(str).tolist() == expected_back["hot_cold"].astype(str).tolist()


def test_notebook_defaults_to_scratch_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LOTTO_LAB_REPORTS", str(tmp_path / "reports"))
    run_notebook(tmp_path, synthetic_draws=120)
    written = tmp_path / "reports" / "scratch" / "ssq" / "features.parquet"
    assert written.is_file()
    assert len(pd.read_parquet(written)) == 120


def test_notebook_fails_on_unknown_game(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError, match="unknown game 'kl8'"):
        run_notebook(tmp_path, game="kl8", output_dir=str(tmp_path / "out"), synthetic_draws=50)
