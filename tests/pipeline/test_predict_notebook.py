"""Notebook 05-predict: layout rules, a real papermill run, and `predict` reading what it wrote."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
from pathlib import Path

import nbformat
from notebook_runs import execute

from lotto_lab.config import NOTEBOOKS_DIR
from lotto_lab.pipeline import predict_cli
from lotto_lab.pipeline.published import read_predictions, write_evaluation
from lotto_lab.synthetic import fair_history

NOTEBOOK = NOTEBOOKS_DIR / "05-predict.ipynb"
PLOTLY = "application/vnd.plotly.v1+json"


def test_notebook_layout():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.cells[0].source.startswith("# 05 ")
    tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    lines = tagged[0].source.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "db_path",
        "output_dir",
        "game",
        "seed",
        "strategies",
        "n_tickets",
        "synthetic_draws",
    ]
    assert all("  # " in line for line in lines)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert not any("def " in cell.source or "lambda" in cell.source for cell in code)


def run_notebook(tmp_path: Path, **parameters: object) -> nbformat.NotebookNode:
    return execute(NOTEBOOK, tmp_path, **parameters)


def lift_rows(lifts: dict[str, float]) -> list[dict]:
    return [
        {"strategy": name, "pool": "all", "metric": "log_loss_lift", "value": value, "baseline": 0.0}
        for name, value in lifts.items()
    ]


def test_predictions_follow_evaluation_and_feed_predict(tmp_path, capsys):
    run_dir = tmp_path / "reports" / "runs" / "20260102T030405Z"
    write_evaluation(
        run_dir / "dlt" / "evaluation.json",
        "dlt",
        [
            (
                "full",
                {"table": lift_rows({"uniform": 0.0, "frequency": -0.02, "omission": 0.01, "recency": -0.3})},
            )
        ],
    )
    notebook = run_notebook(
        tmp_path, game="dlt", output_dir=str(run_dir), synthetic_draws=200, seed=2, n_tickets=3
    )

    predictions = read_predictions(run_dir / "dlt" / "predictions.json", "dlt")
    history = fair_history("dlt", 200, seed=2, start=dt.date(2007, 1, 1))
    assert predictions.default_strategy == "omission"
    assert predictions.run_id == "20260102T030405Z"
    assert predictions.data_through == "08050"  # 200 synthetic draws at 150 a year end on 2008's 50th
    assert predictions.data_through == history.game.format_issue(history.last_issue)
    assert predictions.target_issue == "08051"
    assert predictions.strategies == ["uniform", "frequency", "omission", "recency"]

    texts = [
        "".join(o["data"]["text/plain"])
        for c in notebook.cells
        for o in c.get("outputs", [])
        if "text/plain" in o.get("data", {})
    ]
    ticket_table = next(text for text in texts if text.split()[:3] == ["strategy", "ticket", "numbers"])
    rows = ticket_table.splitlines()[1:]
    assert len(rows) == 4 * 3  # n_tickets for each of the four strategies
    assert all(row.count(" + ") == 1 for row in rows)
    figures = [o for c in notebook.cells for o in c.get("outputs", []) if PLOTLY in o.get("data", {})]
    assert len(figures) == 3  # one per non-uniform strategy

    shutil.copytree(run_dir, tmp_path / "reports" / "latest")
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports")
    predict_cli.add_arguments(parser)
    args = parser.parse_args(["--reports", str(tmp_path / "reports"), "--game", "dlt", "--json"])
    assert predict_cli.main(args) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["strategy"] == "omission"
    assert output["target_issue"] == "08051"


def test_frequency_is_default_without_evaluation(tmp_path):
    out = tmp_path / "scratch"
    run_notebook(tmp_path, output_dir=str(out), synthetic_draws=60, strategies=["frequency"], n_tickets=1)
    predictions = read_predictions(out / "ssq" / "predictions.json", "ssq")
    assert predictions.strategies == ["uniform", "frequency"]
    assert predictions.default_strategy == "frequency"
