"""Judging the tuned LSTM on the holdout beside the non-neural strategies, and the files written."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from lotto_lab.backtest.result import BacktestResult
from lotto_lab.errors import ConfigError
from lotto_lab.models.checkpoint import load_checkpoint, read_metadata
from lotto_lab.models.holdout import holdout_summary, judge_holdout, lstm_dir
from lotto_lab.models.scoring import uniform_log_loss_bits
from lotto_lab.models.tuning import run_study, split_holdout
from lotto_lab.strategies.base import check_probabilities
from lotto_lab.strategies.registry import non_neural_strategies
from lotto_lab.synthetic import HotNumber, planted_history

START = dt.date(2010, 1, 4)


@pytest.fixture(scope="module")
def judged(tmp_path_factory, settings_factory):
    root = tmp_path_factory.mktemp("judged")
    history = planted_history("dlt", 260, signals=(HotNumber("front", 3, 0.5),), seed=31, start=START)
    settings = settings_factory(game="dlt", n_trials=4, storage=f"sqlite:///{root / 'optuna.db'}")
    study = run_study(history, settings)
    judgement = judge_holdout(history, study, settings, root / "out", language="en")
    return history, study, settings, judgement, root / "out"


def test_holdout_backtest_saved(judged):
    history, _, settings, judgement, out = judged
    folder = lstm_dir(out, "dlt")
    assert judgement.folder == folder
    result = BacktestResult.load(folder / "holdout")

    assert result.strategies == ["uniform", "frequency", "omission", "recency", "lstm"]
    assert set(result.strategies) >= set(non_neural_strategies())
    assert list(result.target_issues) == list(history.issues[-settings.holdout_size :])
    lstm_rows = result.table[result.table["strategy"] == "lstm"]
    pre = split_holdout(history, settings.holdout_size)
    assert (lstm_rows["train_end_issue"] == pre.last_issue).all()
    assert (lstm_rows["train_size"] == len(pre)).all()
    check_probabilities(history.game, result.probabilities["lstm"])


def test_summary_sets_lstm_beside_uniform(judged):
    history, _, _, judgement, _ = judged
    summary = judgement.summary.set_index("strategy")
    uniform_bits = uniform_log_loss_bits(history.game)

    assert summary.loc["uniform", "lift"] == pytest.approx(0.0, abs=1e-9)
    assert np.isnan(summary.loc["uniform", "p_value"])
    assert (summary["uniform_log_loss"] == uniform_bits).all()
    lstm = summary.loc["lstm"]
    table = judgement.result.table
    losses = table.loc[table["strategy"] == "lstm", "log_loss"]
    assert lstm["lift"] == pytest.approx(uniform_bits - losses.mean())
    assert lstm["ci_low"] < lstm["lift"] < lstm["ci_high"]
    assert 0 <= lstm["p_value"] <= 1
    assert judgement.lstm_row["strategy"] == "lstm"
    assert holdout_summary(judgement.result).equals(judgement.summary)


def test_tuning_json_records_trials_and_ranges(judged):
    history, study, settings, judgement, out = judged
    document = json.loads((lstm_dir(out, "dlt") / "tuning.json").read_text(encoding="utf-8"))
    states = [trial.state.name for trial in study.trials]

    assert document["n_trials"] == states.count("COMPLETE") + states.count("PRUNED")
    assert document["n_trials"] == judgement.n_trials == 4
    assert document["study_name"] == study.study_name
    assert document["storage"] == settings.storage
    assert document["best_trial"] == study.best_trial.number
    assert document["best_params"] == study.best_trial.params
    assert document["best_value"] == pytest.approx(study.best_value)
    pre = split_holdout(history, settings.holdout_size)
    assert document["holdout"] == {
        "first_issue": history.game.format_issue(int(history.issues[len(pre)])),
        "last_issue": history.game.format_issue(history.last_issue),
        "n_draws": 60,
        "fit_last_issue": history.game.format_issue(pre.last_issue),
    }
    assert document["validation"]["last_issue"] == history.game.format_issue(pre.last_issue)
    assert document["validation"]["n_draws"] == 40
    assert [row["strategy"] for row in document["holdout_summary"]][-1] == "lstm"
    assert document["checkpoint"]["refit_on"] == "all draws"


def test_trials_and_figures_written(judged):
    _, study, _, _, out = judged
    folder = lstm_dir(out, "dlt")
    trials = json.loads((folder / "trials.json").read_text(encoding="utf-8"))
    assert [row["number"] for row in trials] == [trial.number for trial in study.trials]
    assert (folder / "trials.csv").read_text(encoding="utf-8").startswith("number,state,value,")
    for stem in ("optimization_history", "param_importances"):
        figure = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
        assert "data" in figure
        assert "layout" in figure
        assert 'src="plotly.min.js"' in (folder / f"{stem}.html").read_text(encoding="utf-8")
    assert (folder / "plotly.min.js").is_file()


def test_checkpoint_refitted_on_all_draws(judged):
    history, _, _, judgement, out = judged
    folder = lstm_dir(out, "dlt")
    strategy = load_checkpoint(folder, game="dlt")
    assert strategy.fit_summary.last_issue == history.last_issue
    assert judgement.checkpoint_range == (int(history.issues[0]), history.last_issue)
    assert read_metadata(folder)["hyperparameters"]["window"] == judgement.config.window
    check_probabilities(history.game, strategy.predict_proba(history))


def test_checkpoint_of_judged_fit_on_request(judged, tmp_path):
    history, study, settings, _, _ = judged
    judgement = judge_holdout(history, study, settings, tmp_path, refit_all=False)
    pre = split_holdout(history, settings.holdout_size)
    assert load_checkpoint(judgement.folder).fit_summary.last_issue == pre.last_issue
    document = json.loads((judgement.folder / "tuning.json").read_text(encoding="utf-8"))
    assert document["checkpoint"]["refit_on"] == "pre-holdout draws"


def test_study_without_complete_trial_rejected(judged, tmp_path, settings_factory):
    history, _, settings, _, _ = judged
    empty_settings = settings_factory(game="dlt", n_trials=0)
    study = run_study(history, empty_settings)
    with pytest.raises(ConfigError) as caught:
        judge_holdout(history, study, settings, tmp_path)
    assert caught.value.message == (
        f"study {study.study_name!r} has no complete trial to judge; run more trials or raise the timeout"
    )
