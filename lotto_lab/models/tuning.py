"""Optuna tuning of the LSTM strategy on the draws before a holdout.

The last ``holdout_size`` draws of the history are the holdout: no trial reads them. The objective
of a trial is the walk-forward validation lift over uniform, in bits per draw, on the last
``validation_size`` draws before the holdout. Those draws are cut into ``validation_folds``
blocks. For each block the LSTM is fitted on every draw before the block, then predicts each
draw of the block from the draws up to the draw before it. The objective is the mean per-draw
lift over all blocks (higher is better).

The fits of the blocks advance one epoch at a time in turns. The final value uses each fit's
best epoch, chosen by early stopping on the fit's own last draws, so the validation blocks do not
pick the epoch. After each epoch the trial reports, as an intermediate value, the lift of the
weights each fit keeps so far (its best epoch up to now): the value the trial would return if it
stopped there. The last report therefore equals the final value, and the pruner compares trials
on the measure the study ranks them by.

Sampling is TPE, seeded with ``seed + worker``: workers sharing a study need distinct ``worker``
numbers or they propose the same first trials. Every model is seeded with ``seed``, so two
trials with the same parameters get the same value. A study records the data and the objective
it was built on (game, last pre-holdout issue, validation, search space) and rejects a worker
that brings different ones.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import optuna
import pandas as pd
from optuna.trial import FrozenTrial, Trial, TrialState

from lotto_lab import __version__
from lotto_lab.backtest.folds import Fold, make_folds
from lotto_lab.config import DEFAULT_SEED
from lotto_lab.errors import ConfigError
from lotto_lab.games import get_game
from lotto_lab.history import DrawHistory
from lotto_lab.models.lstm import LSTMConfig, LSTMStrategy
from lotto_lab.models.scoring import lift_bits
from lotto_lab.models.storage import display_storage_url, open_storage, resolve_storage_url
from lotto_lab.models.training import TrainingRun

__all__ = [
    "PRUNERS",
    "QUICK_SEARCH_SPACE",
    "SearchSpace",
    "TuningSettings",
    "default_study_name",
    "load_study",
    "run_study",
    "split_holdout",
    "trial_config",
    "trials_frame",
    "validation_folds",
]

log = logging.getLogger(__name__)

PRUNERS = ("median", "halving", "hyperband", "none")
# Attributes a study stores on creation; a worker whose values differ is rejected.
_STUDY_KEYS = (
    "game",
    "pre_holdout_last_issue",
    "pre_holdout_draws",
    "validation_size",
    "validation_folds",
    "search_space",
    "patience",
    "seed",
)


@dataclass(frozen=True)
class SearchSpace:
    """Ranges of the tuned hyperparameters.

    Pairs are inclusive ``(low, high)`` ranges (``learning_rate`` on a log scale); the other tuples
    list the values to choose from. ``epochs`` is the range of ``max_epochs`` of a trial; its upper
    end is cut to :attr:`TuningSettings.max_epochs`.
    """

    window: tuple[int, int] = (4, 30)
    hidden_size: tuple[int, ...] = (16, 32, 64, 128)
    num_layers: tuple[int, int] = (1, 2)
    dropout: tuple[float, float] = (0.0, 0.5)
    learning_rate: tuple[float, float] = (1e-4, 1e-2)
    batch_size: tuple[int, ...] = (32, 64, 128)
    epochs: tuple[int, int] = (5, 100)

    def __post_init__(self) -> None:
        for name in ("window", "num_layers", "dropout", "learning_rate", "epochs"):
            low, high = getattr(self, name)
            if not low <= high:
                raise ConfigError(
                    f"search space {name} must be a (low, high) range with low <= high, got {(low, high)}",
                    zh=f"搜索空间 {name} 必须是 low <= high 的 (low, high) 区间, 收到 {(low, high)}",
                )
        for name in ("hidden_size", "batch_size"):
            if not getattr(self, name):
                raise ConfigError(
                    f"search space {name} must list at least one value",
                    zh=f"搜索空间 {name} 至少要列出一个取值",
                )
        if self.learning_rate[0] <= 0:
            raise ConfigError(
                f"search space learning_rate must be positive, got {self.learning_rate}",
                zh=f"搜索空间 learning_rate 必须为正, 收到 {self.learning_rate}",
            )

    def capped(self, max_epochs: int) -> SearchSpace:
        """Return this space with the epochs range cut to at most ``max_epochs``."""
        low, high = self.epochs
        return dataclasses.replace(self, epochs=(min(low, max_epochs), min(high, max_epochs)))

    def suggest(self, trial: Trial) -> dict[str, Any]:
        """Return the hyperparameters the trial samples from this space."""
        return {
            "window": trial.suggest_int("window", *self.window),
            "hidden_size": trial.suggest_categorical("hidden_size", list(self.hidden_size)),
            "num_layers": trial.suggest_int("num_layers", *self.num_layers),
            "dropout": trial.suggest_float("dropout", *self.dropout),
            "learning_rate": trial.suggest_float("learning_rate", *self.learning_rate, log=True),
            "batch_size": trial.suggest_categorical("batch_size", list(self.batch_size)),
            "max_epochs": trial.suggest_int("epochs", *self.epochs),
        }

    def to_dict(self) -> dict[str, list[Any]]:
        """Return the space as JSON-ready lists."""
        return {name: list(value) for name, value in dataclasses.asdict(self).items()}


#: A small space for the quick profile: small networks, short windows, few epochs.
QUICK_SEARCH_SPACE = SearchSpace(
    window=(2, 10),
    hidden_size=(8, 16),
    num_layers=(1, 1),
    dropout=(0.0, 0.2),
    learning_rate=(3e-3, 3e-2),
    batch_size=(64, 128),
    epochs=(3, 100),
)


@dataclass(frozen=True)
class TuningSettings:
    """Everything a tuning run needs besides the draws.

    Parameters
    ----------
    game
        Game name; the history must be of this game.
    n_trials
        Trials this process runs (``None``: until ``timeout``). Several workers add theirs.
    timeout
        Seconds after which this process starts no new trial (``None``: no limit).
    holdout_size
        Last draws of the history that no trial reads; the tuned model is judged on them.
    validation_size
        Draws before the holdout whose walk-forward lift is the objective.
    validation_folds
        Blocks the validation draws are cut into; the LSTM is refitted before each block.
    seed
        Seed of the models (all trials) and of the TPE sampler (plus ``worker``).
    storage
        Optuna storage URL (see :mod:`lotto_lab.models.storage`); empty for the default SQLite file.
    study_name
        Study name; empty for :func:`default_study_name`.
    max_epochs
        Upper end of the epochs range searched.
    patience
        Early-stopping patience of every fit (not tuned).
    pruner
        ``"median"`` (MedianPruner), ``"halving"`` (SuccessiveHalvingPruner), ``"hyperband"``
        (HyperbandPruner) or ``"none"``.
    search_space
        The hyperparameter ranges.
    worker
        Number of this worker among those sharing the study (0, 1, ...); offsets the sampler seed.
    num_threads
        PyTorch thread cap of every fit (``None``: the LSTM default).
    """

    game: str = "ssq"
    n_trials: int | None = 20
    timeout: float | None = None
    holdout_size: int = 100
    validation_size: int = 100
    validation_folds: int = 2
    seed: int = DEFAULT_SEED
    storage: str = ""
    study_name: str = ""
    max_epochs: int = 30
    patience: int = 5
    pruner: str = "halving"
    search_space: SearchSpace = field(default_factory=SearchSpace)
    worker: int = 0
    num_threads: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "game", get_game(self.game).name)
        positive = {
            "holdout_size": self.holdout_size,
            "validation_size": self.validation_size,
            "validation_folds": self.validation_folds,
            "max_epochs": self.max_epochs,
            "patience": self.patience,
        }
        for name, value in positive.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(
                    f"tuning parameter {name} must be an integer >= 1, got {value!r}",
                    zh=f"调参参数 {name} 必须是不小于 1 的整数, 收到 {value!r}",
                )
        if self.n_trials is not None and (isinstance(self.n_trials, bool) or self.n_trials < 0):
            raise ConfigError(
                f"tuning parameter n_trials must be None or an integer >= 0, got {self.n_trials!r}",
                zh=f"调参参数 n_trials 必须为 None 或不小于 0 的整数, 收到 {self.n_trials!r}",
            )
        if self.timeout is not None and not self.timeout > 0:
            raise ConfigError(
                f"tuning parameter timeout must be None or a positive number of seconds, "
                f"got {self.timeout!r}",
                zh=f"调参参数 timeout 必须为 None 或正的秒数, 收到 {self.timeout!r}",
            )
        if self.n_trials is None and self.timeout is None:
            raise ConfigError(
                "give n_trials or timeout: without either the study would never stop",
                zh="请给出 n_trials 或 timeout: 两者都不给, 调参将永远不会结束",
            )
        if self.validation_folds > self.validation_size:
            raise ConfigError(
                f"validation_folds ({self.validation_folds}) cannot exceed validation_size "
                f"({self.validation_size}): each block needs at least one draw",
                zh=f"validation_folds ({self.validation_folds}) 不能大于 "
                f"validation_size ({self.validation_size})",
            )
        if self.pruner not in PRUNERS:
            raise ConfigError(
                f"pruner must be one of {', '.join(PRUNERS)}, got {self.pruner!r}",
                zh=f"pruner 必须是 {', '.join(PRUNERS)} 之一, 收到 {self.pruner!r}",
            )
        if isinstance(self.worker, bool) or not isinstance(self.worker, int) or self.worker < 0:
            raise ConfigError(
                f"worker must be an integer >= 0, got {self.worker!r}",
                zh=f"worker 必须是不小于 0 的整数, 收到 {self.worker!r}",
            )

    @property
    def space(self) -> SearchSpace:
        """The search space with its epochs range cut to ``max_epochs``."""
        return self.search_space.capped(self.max_epochs)

    @property
    def storage_url(self) -> str:
        """The storage URL in force (the default SQLite URL when ``storage`` is empty)."""
        return resolve_storage_url(self.storage)


def split_holdout(history: DrawHistory, holdout_size: int) -> DrawHistory:
    """Return the draws before the holdout (every draw but the last ``holdout_size``)."""
    if not 0 < holdout_size < len(history):
        raise ConfigError(
            f"holdout_size must be between 1 and the number of draws minus 1 ({len(history) - 1}), "
            f"got {holdout_size}",
            zh=f"holdout_size 必须在 1 到 {len(history) - 1} 之间, 收到 {holdout_size}",
        )
    return history.slice(0, len(history) - holdout_size)


def validation_folds(n_draws: int, settings: TuningSettings) -> list[Fold]:
    """Return the walk-forward folds over the last ``validation_size`` of ``n_draws`` pre-holdout draws."""
    block = math.ceil(settings.validation_size / settings.validation_folds)
    return make_folds(n_draws, initial_train_size=n_draws - settings.validation_size, refit_every=block)


def default_study_name(history: DrawHistory, settings: TuningSettings) -> str:
    """Return ``lstm-<game>-<last pre-holdout issue>``: a new study whenever the data move on."""
    last = history.issues[len(history) - settings.holdout_size - 1]
    return f"lstm-{settings.game}-{history.game.format_issue(int(last))}"


def trial_config(params: Mapping[str, Any], settings: TuningSettings) -> LSTMConfig:
    """Return the LSTM configuration of a trial's parameters (as stored in ``trial.params``)."""
    values = dict(params)
    if "epochs" in values:
        values["max_epochs"] = values.pop("epochs")
    return LSTMConfig(
        **values, patience=settings.patience, seed=settings.seed, num_threads=settings.num_threads
    )


def _largest_config(settings: TuningSettings) -> LSTMConfig:
    """Return the configuration that needs the most draws to fit (the longest window)."""
    return LSTMConfig(window=settings.space.window[1], patience=settings.patience, seed=settings.seed)


def _validate(history: DrawHistory, settings: TuningSettings) -> None:
    """Check the history against the settings before any trial runs."""
    if history.game.name != settings.game:
        raise ConfigError(
            f"the history contains {history.game.name.upper()} draws but the tuning settings are for "
            f"{settings.game.upper()}",
            zh=f"历史数据是 {history.game.name.upper()}, 但调参设置的玩法是 {settings.game.upper()}",
        )
    pre = split_holdout(history, settings.holdout_size)
    first_fit = len(pre) - settings.validation_size
    needed = _largest_config(settings).min_fit_draws()
    if first_fit < needed:
        raise ConfigError(
            f"too few draws to tune: {len(history)} draws minus the holdout ({settings.holdout_size}) and "
            f"the validation draws ({settings.validation_size}) leave {first_fit} to fit on, but a window "
            f"of {settings.space.window[1]} needs at least {needed}; shorten the holdout, the validation "
            f"or the largest window",
            zh=f"数据太少, 无法调参: {len(history)} 期减去留出集 ({settings.holdout_size}) 和验证集 "
            f"({settings.validation_size}) 后只剩 {first_fit} 期, 而窗口 {settings.space.window[1]} "
            f"至少需要 {needed} 期; 请缩短留出集、验证集或最大窗口",
        )


# --------------------------------------------------------------------------------------------
# Study set-up


def _make_pruner(settings: TuningSettings) -> optuna.pruners.BasePruner:
    """Return the pruner the settings name.

    A trial reports the lift of the weights it would keep if it stopped now. On lottery draws
    that value rarely moves after the first epochs, while early stopping still waits ``patience``
    more epochs, so the median and halving pruners judge a trial from its first epoch on.
    ``"halving"`` keeps the better half of the trials at each rung (epochs 1, 2, 4, 8, ...);
    ``"median"`` stops a trial below the median of the complete trials once 5 have completed.
    """
    if settings.pruner == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=0)
    if settings.pruner == "halving":
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    if settings.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=2, max_resource=settings.max_epochs)
    return optuna.pruners.NopPruner()


def _study_attributes(pre: DrawHistory, settings: TuningSettings) -> dict[str, Any]:
    return {
        "game": settings.game,
        "pre_holdout_last_issue": pre.last_issue,
        "pre_holdout_draws": len(pre),
        "validation_size": settings.validation_size,
        "validation_folds": settings.validation_folds,
        "search_space": settings.space.to_dict(),
        "patience": settings.patience,
        "seed": settings.seed,
        "holdout_size": settings.holdout_size,
        "lotto_lab_version": __version__,
    }


def _check_study_attributes(study: optuna.Study, expected: Mapping[str, Any]) -> None:
    stored = study.user_attrs
    if not stored:
        for key, value in expected.items():
            study.set_user_attr(key, value)
        return
    different = [key for key in _STUDY_KEYS if key in stored and stored[key] != expected[key]]
    if different:
        details = "; ".join(f"{key}: study {stored[key]!r}, now {expected[key]!r}" for key in different)
        raise ConfigError(
            f"study {study.study_name!r} was tuned on other data or another objective ({details}); "
            f"its trials cannot be compared with new ones, so choose a new study name",
            zh=f"研究 {study.study_name!r} 是在其他数据或目标上调参的 ({details}); "
            f"新旧试验无法比较, 请换一个研究名称",
        )


def load_study(settings: TuningSettings, study_name: str) -> optuna.Study:
    """Open (or create) the study ``study_name`` in the settings' storage, with a seeded TPE sampler."""
    storage = open_storage(settings.storage)
    sampler = optuna.samplers.TPESampler(seed=settings.seed + settings.worker)
    return optuna.create_study(
        storage=storage,
        study_name=study_name,
        direction="maximize",
        sampler=sampler,
        pruner=_make_pruner(settings),
        load_if_exists=True,
    )


# --------------------------------------------------------------------------------------------
# The objective


@dataclass
class _ValidationFit:
    """One walk-forward block of the objective: a fit and the draws it is scored on."""

    strategy: LSTMStrategy
    run: TrainingRun
    history: DrawHistory  # from the fit's first draw to the block's last cutoff
    cutoffs: np.ndarray  # positions in ``history``
    outcomes: dict[str, np.ndarray]

    def lifts(self) -> np.ndarray:
        prediction = self.strategy.predict_cutoffs(self.history, self.cutoffs)
        return lift_bits(self.history.game, prediction, self.outcomes)


def _validation_fits(pre: DrawHistory, folds: Sequence[Fold], config: LSTMConfig) -> list[_ValidationFit]:
    groups: dict[tuple[int, int], list[Fold]] = {}
    for fold in folds:
        groups.setdefault((fold.train_start, fold.train_end), []).append(fold)
    fits = []
    for (start, end), block in groups.items():
        strategy = LSTMStrategy(config)
        run = strategy.start_fit(pre.slice(start, end + 1))
        targets = np.array([fold.target for fold in block])
        fits.append(
            _ValidationFit(
                strategy=strategy,
                run=run,
                history=pre.slice(start, int(targets.max())),
                cutoffs=targets - 1 - start,
                outcomes={pool.name: pre.indicators(pool.name)[targets] for pool in pre.game.pools},
            )
        )
    return fits


def _mean_lift(fits: Sequence[_ValidationFit]) -> float:
    value = float(np.concatenate([fit.lifts() for fit in fits]).mean())
    if not math.isfinite(value):
        raise FloatingPointError(f"the validation lift is not finite ({value}); the training diverged")
    return value


def _kept_lift(kept: Sequence[np.ndarray | None]) -> float:
    """Return the mean lift of the weights the fits keep so far (their best epochs)."""
    if any(lifts is None for lifts in kept):
        # Only a first epoch whose validation loss is not finite leaves a fit without kept weights.
        raise FloatingPointError("the first epoch's validation loss is not finite; the training diverged")
    value = float(np.concatenate(kept).mean())
    if not math.isfinite(value):
        raise FloatingPointError(f"the validation lift is not finite ({value}); the training diverged")
    return value


def _objective(trial: Trial, pre: DrawHistory, folds: Sequence[Fold], settings: TuningSettings) -> float:
    """Return the trial's walk-forward validation lift.

    The user attributes record the epochs trained (all validation fits together), each fit's best
    epoch and ``compute_s``: the seconds spent building, training and scoring the fits, which
    leaves out the time spent in Optuna (sampling, reports, storage writes).
    """
    trial.set_user_attr("worker", settings.worker)
    config = trial_config(settings.space.suggest(trial), settings)
    started = time.perf_counter()
    fits = _validation_fits(pre, folds, config)
    compute_s = time.perf_counter() - started

    epochs = 0
    kept: list[np.ndarray | None] = [None] * len(fits)
    for step in range(1, config.max_epochs + 1):
        active = [index for index, fit in enumerate(fits) if not fit.run.done]
        if not active:
            break
        started = time.perf_counter()
        for index in active:
            if fits[index].run.run_epoch().improved:
                kept[index] = fits[index].lifts()
            epochs += 1
        value = _kept_lift(kept)
        compute_s += time.perf_counter() - started

        trial.report(value, step)
        if trial.should_prune():
            trial.set_user_attr("epochs", epochs)
            trial.set_user_attr("compute_s", compute_s)
            raise optuna.TrialPruned(f"pruned after epoch {step} with validation lift {value:.4f} bits/draw")

    started = time.perf_counter()
    for fit in fits:
        fit.run.finish()
    value = _mean_lift(fits)
    compute_s += time.perf_counter() - started
    trial.set_user_attr("epochs", epochs)
    trial.set_user_attr("best_epochs", [fit.run.best_epoch for fit in fits])
    trial.set_user_attr("compute_s", compute_s)
    return value


def _logged_objective(
    study_name: str, pre: DrawHistory, folds: Sequence[Fold], settings: TuningSettings
) -> Any:
    def objective(trial: Trial) -> float:
        try:
            return _objective(trial, pre, folds, settings)
        except optuna.TrialPruned:
            raise
        except Exception:
            log.warning(
                "study %s trial %d failed with params %s",
                study_name,
                trial.number,
                trial.params,
                exc_info=True,
            )
            raise

    return objective


def _log_finished_trial(study: optuna.Study, trial: FrozenTrial) -> None:
    duration = trial.duration.total_seconds() if trial.duration is not None else float("nan")
    epochs = trial.user_attrs.get("epochs")
    if trial.state == TrialState.COMPLETE:
        log.info(
            "study %s trial %d complete: validation lift %.4f bits/draw, %s epochs, %.1f s, params %s",
            study.study_name,
            trial.number,
            trial.value,
            epochs,
            duration,
            trial.params,
        )
    elif trial.state == TrialState.PRUNED:
        log.info(
            "study %s trial %d pruned at step %s: %s epochs, %.1f s, params %s",
            study.study_name,
            trial.number,
            trial.last_step,
            epochs,
            duration,
            trial.params,
        )


# Errors a trial may raise without stopping the study: the trial is recorded as failed.
_TRIAL_ERRORS = (RuntimeError, ValueError, ArithmeticError)


def run_study(history: DrawHistory, settings: TuningSettings) -> optuna.Study:
    """Run this worker's trials on the draws before the holdout and return the study.

    Parameters
    ----------
    history
        Every draw, holdout included; trials read only the draws before the last
        ``settings.holdout_size``.
    settings
        Tuning settings.

    Raises
    ------
    ConfigError
        When the settings do not fit the history, the storage cannot be opened, or the study
        was built on other data or another objective.
    """
    _validate(history, settings)
    pre = split_holdout(history, settings.holdout_size)
    folds = validation_folds(len(pre), settings)
    study_name = settings.study_name or default_study_name(history, settings)
    study = load_study(settings, study_name)
    _check_study_attributes(study, _study_attributes(pre, settings))

    log.info(
        "study %s started in %s: worker %d, %s trials, timeout %s s, validation draws %d..%d, "
        "holdout of %d draws after issue %d kept out",
        study_name,
        display_storage_url(settings.storage),
        settings.worker,
        settings.n_trials,
        settings.timeout,
        int(pre.issues[folds[0].target]),
        pre.last_issue,
        settings.holdout_size,
        pre.last_issue,
    )
    if settings.n_trials != 0:
        study.optimize(
            _logged_objective(study_name, pre, folds, settings),
            n_trials=settings.n_trials,
            timeout=settings.timeout,
            catch=_TRIAL_ERRORS,
            callbacks=[_log_finished_trial],
        )
    counts = _state_counts(study)
    log.info(
        "study %s stopped: %d complete, %d pruned, %d failed trials in all",
        study_name,
        counts["complete"],
        counts["pruned"],
        counts["failed"],
    )
    return study


def _state_counts(study: optuna.Study) -> dict[str, int]:
    states = [trial.state for trial in study.get_trials(deepcopy=False)]
    return {
        "complete": states.count(TrialState.COMPLETE),
        "pruned": states.count(TrialState.PRUNED),
        "failed": states.count(TrialState.FAIL),
        "running": states.count(TrialState.RUNNING),
    }


def trials_frame(study: optuna.Study) -> pd.DataFrame:
    """Return one row per trial: number, state, value, duration, epochs and every parameter.

    Columns: ``number, state, value, duration_s, epochs, compute_s, worker, datetime_start,
    datetime_complete`` and ``param_<name>`` per parameter. ``value`` is the validation lift in
    bits per draw (NaN for trials that did not complete). ``compute_s`` is the part of the
    duration spent training and scoring rather than in Optuna.
    """
    rows = []
    for trial in study.get_trials(deepcopy=False):
        row: dict[str, Any] = {
            "number": trial.number,
            "state": trial.state.name,
            "value": trial.value if trial.value is not None else np.nan,
            "duration_s": trial.duration.total_seconds() if trial.duration is not None else np.nan,
            "epochs": trial.user_attrs.get("epochs", np.nan),
            "compute_s": trial.user_attrs.get("compute_s", np.nan),
            "worker": trial.user_attrs.get("worker", np.nan),
            "datetime_start": trial.datetime_start.isoformat() if trial.datetime_start else None,
            "datetime_complete": trial.datetime_complete.isoformat() if trial.datetime_complete else None,
        }
        row.update({f"param_{name}": value for name, value in trial.params.items()})
        rows.append(row)
    columns = [
        "number",
        "state",
        "value",
        "duration_s",
        "epochs",
        "worker",
        "datetime_start",
        "datetime_complete",
    ]
    frame = pd.DataFrame(rows, columns=None if rows else columns)
    return frame.sort_values("number", ignore_index=True) if rows else frame
