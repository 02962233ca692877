"""Optuna tuning of the LSTM: trials kept and logged, holdout unread, pruning, study checks."""

from __future__ import annotations

import dataclasses
import logging
import math

import numpy as np
import optuna
import pytest
from optuna.trial import TrialState

from lotto_lab.errors import ConfigError
from lotto_lab.history import DrawHistory
from lotto_lab.models.figures import (
    optimization_history_data,
    optimization_history_figure,
    param_importance_data,
    param_importance_figure,
    save_figure,
)
from lotto_lab.models.lstm import LSTMStrategy
from lotto_lab.models.tuning import (
    default_study_name,
    load_study,
    run_study,
    split_holdout,
    trial_config,
    trials_frame,
    validation_folds,
)
from lotto_lab.synthetic import fair_history

HISTORY = fair_history("ssq", 260, seed=21)


def with_new_holdout(history: DrawHistory, holdout_size: int) -> DrawHistory:
    """Return ``history`` with its last ``holdout_size`` draws replaced by other draws."""
    other = fair_history("ssq", len(history), seed=1234)
    start = len(history) - holdout_size
    numbers = {
        name: np.concatenate([array[:start], other.numbers[name][start:]])
        for name, array in history.numbers.items()
    }
    return DrawHistory(game=history.game, issues=history.issues, dates=history.dates, numbers=numbers)


def test_study_keeps_every_trial(settings_factory, tmp_path):
    settings = settings_factory(storage=f"sqlite:///{tmp_path / 'optuna.db'}")
    study = run_study(HISTORY, settings)

    frame = trials_frame(study)
    assert list(frame["number"]) == [0, 1, 2]
    assert set(frame["state"]) <= {"COMPLETE", "PRUNED"}
    complete = frame[frame["state"] == "COMPLETE"]
    assert complete["value"].map(math.isfinite).all()
    assert (frame["duration_s"] > 0).all()
    assert (frame["epochs"] >= 1).all()
    assert (frame["worker"] == 0).all()
    for name in ("window", "hidden_size", "num_layers", "dropout", "learning_rate", "batch_size", "epochs"):
        assert f"param_{name}" in frame.columns

    pre = split_holdout(HISTORY, settings.holdout_size)
    assert study.user_attrs["pre_holdout_last_issue"] == pre.last_issue
    assert study.user_attrs["holdout_size"] == 60
    assert study.study_name == default_study_name(HISTORY, settings)
    assert study.study_name == f"lstm-ssq-{pre.last_issue}"


def test_trials_never_read_holdout(settings_factory):
    settings = settings_factory()
    values = [trial.value for trial in run_study(HISTORY, settings).trials]
    replayed = [trial.value for trial in run_study(with_new_holdout(HISTORY, 60), settings).trials]
    assert values == replayed


def test_trial_values_change_with_validation_draws(settings_factory):
    settings = settings_factory()
    values = [trial.value for trial in run_study(HISTORY, settings).trials]
    changed = [trial.value for trial in run_study(with_new_holdout(HISTORY, 80), settings).trials]
    assert values != changed


def test_objective_is_walk_forward_lift(settings_factory):
    settings = settings_factory(n_trials=1, pruner="none")
    study = run_study(HISTORY, settings)
    config = trial_config(study.trials[0].params, settings)

    pre = split_holdout(HISTORY, settings.holdout_size)
    folds = validation_folds(len(pre), settings)
    assert [fold.target for fold in folds] == list(range(len(pre) - 40, len(pre)))
    assert len({(fold.train_start, fold.train_end) for fold in folds}) == 2
    prediction = LSTMStrategy(config).predict_folds(pre, folds)

    from lotto_lab.models.scoring import lift_bits

    targets = [fold.target for fold in folds]
    outcomes = {pool: pre.indicators(pool)[targets] for pool in ("red", "blue")}
    expected = float(lift_bits(pre.game, prediction, outcomes).mean())
    assert study.trials[0].value == pytest.approx(expected, abs=1e-9)


def test_trials_logged(settings_factory, caplog):
    caplog.set_level(logging.INFO, logger="lotto_lab")
    study = run_study(HISTORY, settings_factory(n_trials=2, pruner="none"))
    messages = [record.getMessage() for record in caplog.records if record.name == "lotto_lab.models.tuning"]
    name = study.study_name
    assert messages[0].startswith(f"study {name} started in memory: worker 0, 2 trials")
    for trial in study.trials:
        line = next(m for m in messages if m.startswith(f"study {name} trial {trial.number} complete"))
        assert f"validation lift {trial.value:.4f} bits/draw" in line
        assert f"params {trial.params}" in line
    assert messages[-1] == f"study {name} stopped: 2 complete, 0 pruned, 0 failed trials in all"


def test_failed_trial_logged_and_kept(settings_factory, caplog, monkeypatch):
    original = LSTMStrategy.start_fit
    calls = {"count": 0}

    def fail_first_fit(self, history):
        calls["count"] += 1
        if calls["count"] == 1:
            raise RuntimeError("simulated failure in the first fit")
        return original(self, history)

    monkeypatch.setattr(LSTMStrategy, "start_fit", fail_first_fit)
    caplog.set_level(logging.INFO, logger="lotto_lab")
    study = run_study(HISTORY, settings_factory(n_trials=2, pruner="none"))

    assert [trial.state for trial in study.trials] == [TrialState.FAIL, TrialState.COMPLETE]
    warnings = [
        record
        for record in caplog.records
        if record.levelno == logging.WARNING and record.name.startswith("lotto_lab")
    ]
    assert len(warnings) == 1
    assert warnings[0].getMessage().startswith(f"study {study.study_name} trial 0 failed with params ")
    assert warnings[0].exc_info[1].args == ("simulated failure in the first fit",)
    assert trials_frame(study)["state"].tolist() == ["FAIL", "COMPLETE"]


def test_pruner_uses_epoch_reports(settings_factory, tiny_space):
    space = dataclasses.replace(tiny_space, epochs=(6, 10), learning_rate=(1e-4, 3e-2))
    settings = settings_factory(
        n_trials=12, pruner="hyperband", max_epochs=10, patience=3, search_space=space
    )
    study = run_study(HISTORY, settings)
    states = [trial.state for trial in study.trials]
    assert TrialState.PRUNED in states
    for trial in study.trials:
        steps = sorted(trial.intermediate_values)
        assert steps == list(range(1, len(steps) + 1)), trial.number
        assert len(steps) >= 1
    pruned = [trial for trial in study.trials if trial.state == TrialState.PRUNED]
    for trial in pruned:
        assert trial.last_step < trial.params["epochs"]
        assert trial.user_attrs["epochs"] == 2 * trial.last_step


def test_last_report_is_trial_value(settings_factory):
    study = run_study(HISTORY, settings_factory(n_trials=3, pruner="none"))
    for trial in study.trials:
        assert trial.state == TrialState.COMPLETE
        assert trial.intermediate_values[trial.last_step] == trial.value, trial.number


def test_halving_pruner_judges_from_first_epoch(settings_factory):
    study = load_study(settings_factory(pruner="halving"), "halving")
    pruner = study.pruner
    assert isinstance(pruner, optuna.pruners.SuccessiveHalvingPruner)
    assert pruner._min_resource == 1
    assert pruner._reduction_factor == 2


def test_halving_pruner_stops_trials(settings_factory, tiny_space):
    space = dataclasses.replace(tiny_space, epochs=(6, 10), learning_rate=(1e-4, 3e-2))
    settings = settings_factory(n_trials=9, pruner="halving", max_epochs=10, patience=3, search_space=space)
    study = run_study(HISTORY, settings)
    pruned = [trial for trial in study.trials if trial.state == TrialState.PRUNED]
    assert pruned
    for trial in pruned:
        assert trial.last_step in (1, 2, 4, 8), trial.number
        assert trial.user_attrs["epochs"] == 2 * trial.last_step


def test_median_pruner_judges_from_first_epoch(settings_factory):
    pruner = load_study(settings_factory(pruner="median"), "median").pruner
    assert isinstance(pruner, optuna.pruners.MedianPruner)
    assert pruner._n_startup_trials == 5
    assert pruner._n_warmup_steps == 0


def test_study_of_other_data_rejected(settings_factory, tmp_path):
    storage = f"sqlite:///{tmp_path / 'optuna.db'}"
    settings = settings_factory(n_trials=1, storage=storage, study_name="shared")
    run_study(HISTORY, settings)
    longer = fair_history("ssq", 270, seed=21)
    with pytest.raises(ConfigError) as caught:
        run_study(longer, settings)
    assert caught.value.message.startswith("study 'shared' was tuned on other data or another objective (")
    assert "pre_holdout_last_issue" in caught.value.message


def test_resumed_study_adds_trials(settings_factory, tmp_path):
    settings = settings_factory(n_trials=1, storage=f"sqlite:///{tmp_path / 'optuna.db'}")
    run_study(HISTORY, settings)
    study = run_study(HISTORY, settings)
    assert len(study.trials) == 2


def test_zero_trials_only_opens_study(settings_factory):
    study = run_study(HISTORY, settings_factory(n_trials=0))
    assert study.trials == []


def test_timeout_ends_study(settings_factory):
    study = run_study(HISTORY, settings_factory(n_trials=None, timeout=0.5))
    assert len(study.trials) >= 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"n_trials": None, "timeout": None},
            "give n_trials or timeout: without either the study would never stop",
        ),
        ({"pruner": "bogus"}, "pruner must be one of median, halving, hyperband, none, got 'bogus'"),
        ({"holdout_size": 0}, "tuning parameter holdout_size must be an integer >= 1, got 0"),
        (
            {"validation_folds": 50},
            "validation_folds (50) cannot exceed validation_size (40): each block needs at least one draw",
        ),
        ({"worker": -1}, "worker must be an integer >= 0, got -1"),
        ({"timeout": -5}, "tuning parameter timeout must be None or a positive number of seconds, got -5"),
    ],
)
def test_settings_rejected(settings_factory, overrides, message):
    with pytest.raises(ConfigError) as caught:
        settings_factory(**overrides)
    assert caught.value.message == message
    assert caught.value.zh


def test_history_too_short_rejected(settings_factory):
    with pytest.raises(ConfigError) as caught:
        run_study(fair_history("ssq", 104, seed=0), settings_factory())
    assert caught.value.message == (
        "too few draws to tune: 104 draws minus the holdout (60) and the validation draws (40) leave 4 "
        "to fit on, but a window of 4 needs at least 6; shorten the holdout, the validation or the "
        "largest window"
    )


def test_holdout_longer_than_history_rejected(settings_factory):
    with pytest.raises(
        ConfigError, match=r"holdout_size must be between 1 and the number of draws minus 1 \(259\)"
    ):
        run_study(HISTORY, settings_factory(holdout_size=300))


def test_other_game_rejected(settings_factory):
    with pytest.raises(ConfigError) as caught:
        run_study(fair_history("dlt", 260, seed=0), settings_factory())
    assert caught.value.message == "the history contains DLT draws but the tuning settings are for SSQ"


def test_figure_data(settings_factory, tmp_path):
    study = run_study(HISTORY, settings_factory(n_trials=12))
    history = optimization_history_data(study)
    assert list(history["number"]) == list(range(12))
    complete = history["state"] == "COMPLETE"
    running_best = history["value"].where(complete).cummax().ffill()
    np.testing.assert_allclose(history["best_value"], running_best)
    pruned = history[history["state"] == "PRUNED"]
    assert pruned["value"].isna().all()
    assert pruned["last_intermediate"].notna().all()

    importances = param_importance_data(study)
    assert set(importances["param"]) <= set(study.best_trial.params)
    assert importances["importance"].sum() == pytest.approx(1.0)
    assert importances["importance"].is_monotonic_decreasing

    figure = optimization_history_figure(history, game="ssq", language="en")
    assert figure.layout.title.text == "SSQ LSTM optimisation history"
    assert len(figure.data) == 3
    bars = param_importance_figure(importances, language="zh")
    assert bars.layout.title.text == "LSTM 超参数重要性"

    json_path, html_path = save_figure(figure, tmp_path / "figures", "optimization_history")
    assert json_path.read_text(encoding="utf-8").startswith("{")
    page = html_path.read_text(encoding="utf-8")
    assert '<script charset="utf-8" src="plotly.min.js"></script>' in page
    assert "cdn" not in page
    assert (tmp_path / "figures" / "plotly.min.js").stat().st_size > 1_000_000


def test_importances_need_two_complete_trials(settings_factory):
    study = run_study(HISTORY, settings_factory(n_trials=1))
    assert param_importance_data(study).empty
    figure = param_importance_figure(param_importance_data(study), language="en")
    assert figure.layout.annotations[0].text == "needs at least two complete trials with varying parameters"
