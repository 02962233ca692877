"""A small published run for the dashboard tests, written with the package's own writers.

Imported by the dashboard tests' conftest and test modules (a unique module name, so it never
clashes with another folder's conftest).

Predictions come from strategies fitted on a fair synthetic history, the evaluation from a real
walk-forward backtest of that history, so the files have exactly the pipeline's format. The audit
and the LSTM files are written by hand in their documented format.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import plotly.graph_objects as go

from lotto_lab.backtest.folds import make_folds
from lotto_lab.backtest.runner import run_backtest
from lotto_lab.evaluation.summary import evaluate
from lotto_lab.pipeline.publish import publish_run
from lotto_lab.pipeline.published import build_predictions, write_evaluation, write_json
from lotto_lab.strategies.registry import make_strategy
from lotto_lab.synthetic import fair_history

RUN_ID = "20260709T120000Z-abc123"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
N_DRAWS = 240
INITIAL_TRAIN_SIZE = 160
STRATEGIES = ("uniform", "frequency", "recency")


def audit_document(game: str) -> dict:
    """Return an audit.json object with two tests, one of them flagged."""
    pool = "red" if game == "ssq" else "front"
    return {
        "game": game,
        "tests": [
            {
                "test": "frequency",
                "pool": pool,
                "era": "all",
                "statistic": 30.5,
                "p_value": 0.61,
                "p_bh": 0.61,
                "significant": False,
                "reading_zh": "各号码出现次数与均匀一致",
                "reading_en": "number counts agree with uniform",
            },
            {
                "test": "runs",
                "pool": pool,
                "era": "2003-2010",
                "statistic": 4.2,
                "p_value": 0.0004,
                "p_bh": 0.0008,
                "significant": True,
                "reading_zh": "游程偏多",
                "reading_en": "more runs than expected",
            },
        ],
        "reading": {"zh": "检验结果与公平随机开奖一致", "en": "the draws look like fair random draws"},
    }


def write_game(run_dir: Path, game: str, seed: int) -> None:
    history = fair_history(game, N_DRAWS, seed=seed, start=dt.date(2020, 1, 6))
    fitted = {name: make_strategy(name).fit(history) for name in STRATEGIES}
    predictions = build_predictions(history, fitted, run_id=RUN_ID, default_strategy="frequency")
    write_json(run_dir / game / "predictions.json", predictions)

    folds = make_folds(len(history), initial_train_size=INITIAL_TRAIN_SIZE)
    strategies = {name: make_strategy(name) for name in STRATEGIES}
    result = run_backtest(history, strategies, folds, seed=seed)
    evaluation = evaluate(result, game, n_bootstrap=50, seed=seed)
    write_evaluation(run_dir / game / "evaluation.json", game, [("full", evaluation.to_dict())])

    write_json(run_dir / game / "audit.json", audit_document(game))

    lstm = run_dir / game / "lstm"
    lstm.mkdir()
    tuning = {
        "game": game,
        "study_name": f"lstm-{game}",
        "n_trials": 4,
        "trial_counts": {"complete": 3, "pruned": 1, "fail": 0},
        "best_params": {"window": 10, "hidden_size": 16},
        "best_value": 0.0123,
        "holdout": {"first_issue": "2021011", "last_issue": "2021090", "n_draws": 80},
        "holdout_summary": [{"strategy": "lstm", "lift": -0.01}],
    }
    write_json(lstm / "tuning.json", tuning)
    (lstm / "trials.json").write_text(json.dumps([{"number": 0, "value": 0.01}]), encoding="utf-8")
    figure = go.Figure(go.Scatter(x=[0, 1, 2, 3], y=[0.01, 0.02, 0.0, 0.0123], name="objective"))
    (lstm / "optimization_history.json").write_text(figure.to_json(), encoding="utf-8")


def write_published_run(reports_dir: Path, games: tuple[str, ...] = ("ssq", "dlt")) -> Path:
    """Write a run folder for ``games`` under ``reports_dir``, publish it and return its folder."""
    run_dir = reports_dir / "runs" / RUN_ID
    run_dir.mkdir(parents=True)
    for offset, game in enumerate(games):
        write_game(run_dir, game, seed=11 + offset)
    record = {
        "run_id": RUN_ID,
        "status": "succeeded",
        "profile": "quick",
        "games": list(games),
        "seed": 5,
        "git_commit": COMMIT,
        "last_issue": {game: None for game in games},
        "started": "2026-07-09T12:00:00+00:00",
        "finished": "2026-07-09T12:05:00+00:00",
    }
    (run_dir / "run.json").write_text(json.dumps(record), encoding="utf-8")
    publish_run(reports_dir, run_dir)
    return run_dir
