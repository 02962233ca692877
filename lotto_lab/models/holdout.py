"""Judging the tuned LSTM on the holdout that no trial read, beside every non-neural strategy.

The best trial's configuration is refitted on every draw before the holdout. Then the walk-forward
backtest (:func:`lotto_lab.backtest.runner.run_backtest`) runs it over the holdout draws with
uniform and the other non-neural strategies, under the same metrics. The LSTM is fitted once, and
each holdout draw is predicted from the draws up to the draw before it. The other strategies read
the same draws.

Files written under ``<output_dir>/<game>/lstm/``:

``holdout/``
    The :class:`~lotto_lab.backtest.result.BacktestResult` (``backtest.parquet``, ``probabilities.npz``).
``tuning.json``
    Study name and storage, trials compared (complete plus pruned, the count the evaluation layer
    corrects for), best parameters and value, validation and holdout ranges, the holdout summary.
``trials.csv``, ``trials.json``
    Every trial of the study (:func:`lotto_lab.models.tuning.trials_frame`).
``lstm.pt``, ``lstm.json``
    The checkpoint for next-draw predictions (:func:`lotto_lab.models.checkpoint.load_checkpoint`).
    By default it is the best configuration refitted on every draw, holdout included, so that it
    uses the latest draws. The holdout figures judge the configuration through its pre-holdout
    fit. ``tuning.json`` records which draws the checkpoint saw.
``optimization_history.{json,html}``, ``param_importances.{json,html}``, ``plotly.min.js``
    The study's figures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd

from lotto_lab.backtest.folds import make_folds
from lotto_lab.backtest.result import BacktestResult
from lotto_lab.config import PROJECT_DIR
from lotto_lab.errors import ConfigError
from lotto_lab.games import get_game
from lotto_lab.history import DrawHistory
from lotto_lab.models.checkpoint import save_checkpoint
from lotto_lab.models.figures import (
    optimization_history_data,
    optimization_history_figure,
    param_importance_data,
    param_importance_figure,
    save_figure,
)
from lotto_lab.models.lstm import LSTMConfig, LSTMStrategy
from lotto_lab.models.scoring import paired_lift_test, uniform_log_loss_bits
from lotto_lab.models.storage import display_storage_url
from lotto_lab.models.tuning import (
    TuningSettings,
    run_study,
    split_holdout,
    trial_config,
    trials_frame,
    validation_folds,
)
from lotto_lab.pipeline.records import git_commit

__all__ = [
    "HOLDOUT_DIR",
    "TUNING_FILE",
    "HoldoutJudgement",
    "holdout_summary",
    "judge_holdout",
    "lstm_dir",
    "tune_and_judge",
]

log = logging.getLogger(__name__)

HOLDOUT_DIR = "holdout"
TUNING_FILE = "tuning.json"
LSTM_LABEL = "lstm"


def lstm_dir(output_dir: str | Path, game: str) -> Path:
    """Return ``<output_dir>/<game>/lstm``, the folder of one game's tuning results."""
    return Path(output_dir) / game / "lstm"


def holdout_summary(result: BacktestResult, *, confidence: float = 0.95) -> pd.DataFrame:
    """Return each strategy's holdout log-loss beside uniform's, with the lift's interval and p-value.

    Columns: ``strategy, n, log_loss`` (mean bits per draw), ``uniform_log_loss`` (exact, the same
    for every draw), ``lift`` (uniform minus the strategy, mean bits per draw), ``ci_low, ci_high``
    (t interval of the mean lift at ``confidence``) and ``p_value`` (one-sided paired t-test of
    mean lift <= 0; NaN for the baseline strategies, whose lift is 0 by construction).
    """
    uniform_bits = uniform_log_loss_bits(get_game(result.game))
    rows = []
    for name in result.strategies:
        losses = result.table.loc[result.table["strategy"] == name, "log_loss"].to_numpy(dtype=np.float64)
        lifts = uniform_bits - losses
        row: dict[str, Any] = {
            "strategy": name,
            "n": len(losses),
            "log_loss": float(losses.mean()),
            "uniform_log_loss": uniform_bits,
            "lift": float(lifts.mean()),
            "ci_low": np.nan,
            "ci_high": np.nan,
            "p_value": np.nan,
        }
        if name not in result.baselines and len(lifts) >= 2:
            test = paired_lift_test(lifts, confidence=confidence)
            row.update(ci_low=test.ci_low, ci_high=test.ci_high, p_value=test.p_value)
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class HoldoutJudgement:
    """The outcome of :func:`judge_holdout`.

    ``n_trials`` counts the trials compared to pick the configuration: complete plus pruned
    (a pruned trial was compared too, through its intermediate values). ``best_value`` is the best
    trial's validation lift (bits per draw, pre-holdout draws only). ``optimization_history`` and
    ``param_importances`` are the data of the study's figures (:mod:`lotto_lab.models.figures`).
    """

    game: str
    study_name: str
    storage: str
    n_trials: int
    trial_counts: dict[str, int]
    best_trial: int
    best_params: dict[str, Any]
    best_value: float
    config: LSTMConfig
    result: BacktestResult
    summary: pd.DataFrame
    trials: pd.DataFrame
    optimization_history: pd.DataFrame
    param_importances: pd.DataFrame
    folder: Path
    checkpoint_range: tuple[int, int]

    @property
    def lstm_row(self) -> dict[str, Any]:
        """The LSTM's row of the holdout summary."""
        return self.summary.loc[self.summary["strategy"] == LSTM_LABEL].iloc[0].to_dict()


def _trial_counts(study: optuna.Study) -> dict[str, int]:
    states = [trial.state for trial in study.get_trials(deepcopy=False)]
    counts = {state.name.lower(): states.count(state) for state in optuna.trial.TrialState}
    counts["total"] = len(states)
    return counts


def _baseline_strategies() -> dict[str, Any]:
    """Return a new instance of every non-neural registered strategy, uniform first."""
    from lotto_lab.strategies.registry import make_strategy, non_neural_strategies

    # NOTE: non_neural_strategies() counts a lazy entry as non-neural once it has been imported,
    # so the LSTM is left out by name as well.
    return {name: make_strategy(name) for name in non_neural_strategies() if name != LSTM_LABEL}


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def judge_holdout(
    history: DrawHistory,
    study: optuna.Study,
    settings: TuningSettings,
    output_dir: str | Path,
    *,
    prizes: pd.DataFrame | None = None,
    money: pd.DataFrame | None = None,
    refit_all: bool = True,
    language: str | None = None,
) -> HoldoutJudgement:
    """Refit the best trial on the pre-holdout draws, backtest it over the holdout and write the results.

    Parameters
    ----------
    history
        Every draw; the last ``settings.holdout_size`` are the holdout.
    study
        The finished study (:func:`lotto_lab.models.tuning.run_study`).
    settings
        The settings the study ran with.
    output_dir
        Root output folder; results go to ``<output_dir>/<game>/lstm/``.
    prizes, money
        Passed to :func:`~lotto_lab.backtest.runner.run_backtest` for payouts.
    refit_all
        Save a checkpoint refitted on every draw (True) or the pre-holdout fit that was judged.
    language
        Language of the saved figures' text (default: ``LOTTO_LAB_LANG``, else Chinese).

    Raises
    ------
    ConfigError
        When the study has no complete trial.
    """
    from lotto_lab.backtest.runner import run_backtest

    completed = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    if not completed:
        raise ConfigError(
            f"study {study.study_name!r} has no complete trial to judge; run more trials "
            f"or raise the timeout",
            zh=f"研究 {study.study_name!r} 没有已完成的试验可供评估; 请增加试验次数或延长超时",
        )
    best = study.best_trial
    config = trial_config(best.params, settings)
    pre = split_holdout(history, settings.holdout_size)
    folder = lstm_dir(output_dir, history.game.name)
    folder.mkdir(parents=True, exist_ok=True)

    folds = make_folds(len(history), initial_train_size=len(pre), refit_every=settings.holdout_size)
    lstm = LSTMStrategy(config)
    strategies = {**_baseline_strategies(), LSTM_LABEL: lstm}
    log.info(
        "judging study %s trial %d on the holdout of %d draws (%d..%d) beside %s",
        study.study_name,
        best.number,
        settings.holdout_size,
        int(history.issues[len(pre)]),
        history.last_issue,
        ", ".join(name for name in strategies if name != LSTM_LABEL),
    )
    result = run_backtest(history, strategies, folds, seed=settings.seed, prizes=prizes, money=money)
    result.save(folder / HOLDOUT_DIR)
    summary = holdout_summary(result)

    checkpoint_model = LSTMStrategy(config).fit(history) if refit_all else lstm
    save_checkpoint(checkpoint_model, folder)
    fit = checkpoint_model.fit_summary

    trials = trials_frame(study)
    trials.to_csv(folder / "trials.csv", index=False)
    trials.to_json(folder / "trials.json", orient="records", indent=2, force_ascii=False)
    history_data = optimization_history_data(study)
    importance_data = param_importance_data(study)
    save_figure(
        optimization_history_figure(history_data, game=history.game.name, language=language),
        folder,
        "optimization_history",
    )
    save_figure(
        param_importance_figure(importance_data, game=history.game.name, language=language),
        folder,
        "param_importances",
    )

    counts = _trial_counts(study)
    judgement = HoldoutJudgement(
        game=history.game.name,
        study_name=study.study_name,
        storage=display_storage_url(settings.storage),
        n_trials=counts["complete"] + counts["pruned"],
        trial_counts=counts,
        best_trial=best.number,
        best_params=dict(best.params),
        best_value=float(best.value),
        config=config,
        result=result,
        summary=summary,
        trials=trials,
        optimization_history=history_data,
        param_importances=importance_data,
        folder=folder,
        checkpoint_range=(fit.first_issue, fit.last_issue),
    )
    _write_tuning_json(judgement, history, pre, settings)
    row = judgement.lstm_row
    log.info(
        "holdout of study %s: LSTM lift %.4f bits/draw (95%% CI %.4f to %.4f, p %.3f) after %d trials",
        study.study_name,
        row["lift"],
        row["ci_low"],
        row["ci_high"],
        row["p_value"],
        judgement.n_trials,
    )
    return judgement


def _write_tuning_json(
    judgement: HoldoutJudgement, history: DrawHistory, pre: DrawHistory, settings: TuningSettings
) -> Path:
    game = history.game
    folds = validation_folds(len(pre), settings)
    holdout_first = int(history.issues[len(pre)])
    document = {
        "game": judgement.game,
        "study_name": judgement.study_name,
        "storage": judgement.storage,
        "objective": "walk-forward validation log-loss lift over uniform, bits per draw (higher is better)",
        "n_trials": judgement.n_trials,
        "trial_counts": judgement.trial_counts,
        "best_trial": judgement.best_trial,
        "best_params": judgement.best_params,
        "best_value": judgement.best_value,
        "best_config": judgement.config.hyperparameters(),
        "validation": {
            "first_issue": game.format_issue(int(pre.issues[folds[0].target])),
            "last_issue": game.format_issue(pre.last_issue),
            "n_draws": settings.validation_size,
            "folds": settings.validation_folds,
        },
        "holdout": {
            "first_issue": game.format_issue(holdout_first),
            "last_issue": game.format_issue(history.last_issue),
            "n_draws": settings.holdout_size,
            "fit_last_issue": game.format_issue(pre.last_issue),
        },
        "holdout_summary": judgement.summary.to_dict(orient="records"),
        "checkpoint": {
            "folder": ".",
            "first_issue": game.format_issue(judgement.checkpoint_range[0]),
            "last_issue": game.format_issue(judgement.checkpoint_range[1]),
            "refit_on": "all draws"
            if judgement.checkpoint_range[1] == history.last_issue
            else "pre-holdout draws",
        },
        "settings": {
            key: value
            for key, value in dataclasses.asdict(settings).items()
            if key not in ("storage", "search_space")
        }
        | {"search_space": settings.space.to_dict()},
        "seed": settings.seed,
        "git_commit": git_commit(PROJECT_DIR),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    path = judgement.folder / TUNING_FILE
    path.write_text(json.dumps(_json_ready(document), indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def tune_and_judge(
    history: DrawHistory,
    settings: TuningSettings,
    output_dir: str | Path,
    *,
    prizes: pd.DataFrame | None = None,
    money: pd.DataFrame | None = None,
    refit_all: bool = True,
    language: str | None = None,
) -> HoldoutJudgement:
    """Run the study (:func:`~lotto_lab.models.tuning.run_study`), then :func:`judge_holdout`."""
    study = run_study(history, settings)
    return judge_holdout(
        history,
        study,
        settings,
        output_dir,
        prizes=prizes,
        money=money,
        refit_all=refit_all,
        language=language,
    )
