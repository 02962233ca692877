"""Notebook 06-randomness-audit: layout rules, and real papermill runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import nbformat
from notebook_runs import execute, plotly_outputs

from lotto_lab.cli import main
from lotto_lab.config import NOTEBOOKS_DIR
from lotto_lab.evaluation.audit import AuditResult, run_audit
from lotto_lab.synthetic import fair_history

NOTEBOOK = NOTEBOOKS_DIR / "06-randomness-audit.ipynb"


def test_notebook_layout():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.cells[0].source.startswith("# ")
    tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    lines = tagged[0].source.splitlines()
    names = [line.split(":")[0] for line in lines]
    assert names == ["db_path", "output_dir", "game", "seed", "eras", "n_simulations", "synthetic_draws"]
    for line in lines:
        assert "  # " in line, line
    assert 'db_path: str = ""' in lines[0]
    assert 'output_dir: str = ""' in lines[1]
    assert 'game: str = "ssq"' in lines[2]
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert not any("def " in cell.source or "lambda" in cell.source for cell in code)


def run_notebook(tmp_path: Path, **parameters: object) -> nbformat.NotebookNode:
    return execute(NOTEBOOK, tmp_path, **parameters)


def test_notebook_on_synthetic_draws(tmp_path):
    out = tmp_path / "out"
    notebook = run_notebook(
        tmp_path, game="dlt", output_dir=str(out), synthetic_draws=240, eras=2, n_simulations=4, seed=9
    )
    written = json.loads((out / "dlt" / "audit.json").read_text(encoding="utf-8"))
    expected = run_audit(fair_history("dlt", 240, seed=9), eras=2, n_simulations=4, seed=9).to_dict()
    assert written["tests"] == expected["tests"]
    assert written["reading"] == expected["reading"]
    # The heat map of the battery and one count chart per pool.
    assert len(plotly_outputs(notebook)) == 3


def test_notebook_reads_the_store(tmp_path):
    db = tmp_path / "lotto.duckdb"
    csv = tmp_path / "ssq.csv"
    fair_history("ssq", 200, seed=6, start=dt.date(2012, 1, 1)).to_frame().to_csv(csv, index=False)
    assert main(["ingest", "--game", "ssq", "--source", str(csv), "--db", str(db)]) == 0
    out = tmp_path / "published"
    run_notebook(tmp_path, db_path=str(db), output_dir=str(out))
    audit = AuditResult.load(out / "ssq" / "audit.json")
    assert audit.settings["n_draws"] == 200
    assert audit.settings["n_simulations"] == 20
    assert audit.settings["first_issue"] == "2012001"
