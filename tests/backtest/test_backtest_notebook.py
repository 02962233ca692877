"""Notebook 04-backtest: layout rules, and real papermill runs on synthetic draws."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import nbformat
import papermill
import pytest
from notebook_runs import execute

from lotto_lab.backtest.folds import make_folds
from lotto_lab.backtest.result import BacktestResult
from lotto_lab.backtest.runner import run_backtest
from lotto_lab.config import NOTEBOOKS_DIR
from lotto_lab.pipeline.published import read_evaluation, write_json
from lotto_lab.strategies.registry import make_strategy
from lotto_lab.synthetic import fair_history

NOTEBOOK = NOTEBOOKS_DIR / "04-backtest.ipynb"
PLOTLY = "application/vnd.plotly.v1+json"


def test_notebook_layout():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.cells[0].source.startswith("# 04 ")
    tagged = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    lines = tagged[0].source.splitlines()
    names = [line.split(":")[0] for line in lines]
    assert names == [
        "db_path",
        "output_dir",
        "game",
        "seed",
        "strategies",
        "initial_train_size",
        "refit_every",
        "window",
        "holdout_size",
        "n_bootstrap",
        "synthetic_draws",
    ]
    assert all("  # " in line for line in lines)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert not any("def " in cell.source or "lambda" in cell.source for cell in code)


def run_notebook(tmp_path: Path, **parameters: object) -> nbformat.NotebookNode:
    return execute(NOTEBOOK, tmp_path, **parameters)


def test_backtest_and_holdout_windows(tmp_path):
    out = tmp_path / "run"
    notebook = run_notebook(
        tmp_path,
        output_dir=str(out),
        synthetic_draws=300,
        initial_train_size=200,
        holdout_size=40,
        n_bootstrap=20,
        seed=3,
        strategies=["frequency", "recency"],
    )

    result = BacktestResult.load(out / "ssq" / "backtest_full")
    assert result.strategies == ["uniform", "frequency", "recency"]
    assert len(result.targets) == 100
    assert result.seed == 3

    evaluation = read_evaluation(out / "ssq" / "evaluation.json")
    assert evaluation["game"] == "ssq"
    assert [window["name"] for window in evaluation["windows"]] == ["full", "holdout"]
    full, holdout = evaluation["windows"]
    assert full["settings"]["n_draws"] == 100
    assert holdout["settings"]["n_draws"] == 40
    assert holdout["settings"]["n_trials"] == 0
    lifts = [row for row in full["table"] if row["metric"] == "log_loss_lift" and row["pool"] == "all"]
    assert [row["strategy"] for row in lifts] == ["uniform", "frequency", "recency"]
    assert all(row["baseline"] == 0.0 for row in lifts)

    figures = [o for c in notebook.cells for o in c.get("outputs", []) if PLOTLY in o.get("data", {})]
    assert len(figures) == 1


def test_lstm_holdout_from_notebook_03_is_evaluated(tmp_path):
    out = tmp_path / "run"
    history = fair_history("dlt", 260, seed=6, start=dt.date(2007, 1, 1))
    holdout_folds = make_folds(len(history), initial_train_size=200, first_target=230)
    # A stand-in for the tuned LSTM: any strategy saved under the label "lstm".
    strategies = {
        "uniform": make_strategy("uniform"),
        "frequency": make_strategy("frequency"),
        "lstm": make_strategy("recency", half_life=5),
    }
    run_backtest(history, strategies, holdout_folds, seed=6).save(out / "dlt" / "lstm" / "holdout")
    write_json(out / "dlt" / "lstm" / "tuning.json", {"n_trials": 7})

    run_notebook(
        tmp_path,
        game="dlt",
        output_dir=str(out),
        synthetic_draws=260,
        initial_train_size=220,
        n_bootstrap=0,
        seed=6,
        strategies=["uniform", "frequency", "lstm"],
    )

    evaluation = json.loads((out / "dlt" / "evaluation.json").read_text(encoding="utf-8"))
    full, holdout = evaluation["windows"]
    assert holdout["name"] == "holdout"
    assert holdout["settings"]["n_trials"] == 7
    assert holdout["settings"]["n_draws"] == 30
    assert {row["strategy"] for row in holdout["table"]} == {"uniform", "frequency", "lstm"}
    # The full window contains only what notebook 04 backtests itself: lstm is left to notebook 03.
    assert {row["strategy"] for row in full["table"]} == {"uniform", "frequency"}


def test_unknown_strategy_fails_the_notebook(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError, match="unknown strategy 'hot'"):
        run_notebook(tmp_path, output_dir=str(tmp_path / "run"), synthetic_draws=120, strategies=["hot"])
