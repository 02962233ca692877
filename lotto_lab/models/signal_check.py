"""Can the tuned LSTM learn what is there? Tuning runs on synthetic histories of known strength.

A check generates a synthetic history (:mod:`lotto_lab.synthetic`): one with a planted signal,
or a fair one. It then runs the same tuning as on real draws (an in-memory study) and fits the
best configuration on the draws before the holdout. Finally it scores the holdout two ways:

* the realised lift over uniform of each holdout draw, with the paired test of
  :func:`~lotto_lab.models.scoring.paired_lift_test`;
* the expected lift under the true inclusion probabilities the generator used
  (:func:`~lotto_lab.models.scoring.expected_lift_bits`). It has no sampling noise, so it
  compares directly with :func:`~lotto_lab.synthetic.optimal_lift_bits`, the most any
  prediction can gain.

On a planted history the LSTM should recover a clear share of the optimum. On a fair history
(optimum 0) it should show no significant lift.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from lotto_lab.backtest.folds import make_folds
from lotto_lab.games import GameSpec, get_game
from lotto_lab.history import DrawHistory
from lotto_lab.models.lstm import LSTMStrategy
from lotto_lab.models.scoring import LiftTest, expected_lift_bits, lift_bits, paired_lift_test
from lotto_lab.models.storage import MEMORY_STORAGE
from lotto_lab.models.tuning import TuningSettings, run_study, trial_config
from lotto_lab.synthetic import (
    HotNumber,
    Signal,
    optimal_lift_bits,
    planted_history,
    signal_probabilities,
)

__all__ = ["SignalCheck", "default_signal", "describe_signal", "signal_check", "true_probabilities"]

log = logging.getLogger(__name__)

# Synthetic draws start late enough for every game's prize rules (DLT's begin in 2007).
_SYNTHETIC_START = dt.date(2010, 1, 4)


def default_signal(game: GameSpec | str) -> HotNumber:
    """Return the notebook's planted signal: number 7 of the first pool forced into half the draws."""
    pool = get_game(game).pools[0]
    return HotNumber(pool=pool.name, number=min(7, pool.size), strength=0.5)


def describe_signal(signal: Signal | None, language: str = "en") -> str:
    """Return one phrase describing ``signal`` (``None``: a fair history)."""
    zh = language == "zh"
    if signal is None:
        return "公平随机的历史数据" if zh else "a fair history"
    share = f"{signal.strength:.0%}"
    if isinstance(signal, HotNumber):
        if zh:
            return f"{signal.pool} 池号码 {signal.number} 在 {share} 的期数中被强制开出"
        return f"number {signal.number} of the {signal.pool} pool forced into {share} of draws"
    if zh:
        return (
            f"{signal.pool} 池号码 {signal.leader} 开出后, 下一期以 {share} 的概率强制开出 {signal.follower}"
        )
    return (
        f"number {signal.follower} of the {signal.pool} pool forced into {share} of the draws "
        f"after number {signal.leader} appears"
    )


def true_probabilities(
    history: DrawHistory, signal: Signal | None, targets: np.ndarray
) -> dict[str, np.ndarray]:
    """Return per pool the ``(len(targets), size)`` inclusion probabilities the generator used.

    Pools without the signal are uniform. A follow signal depends on whether its leader appeared
    in the draw before each target.
    """
    game = history.game
    out = {pool.name: np.full((len(targets), pool.size), pool.pick / pool.size) for pool in game.pools}
    if signal is None:
        return out
    if isinstance(signal, HotNumber):
        out[signal.pool][:] = signal_probabilities(game, signal)
        return out
    previous = history.indicators(signal.pool)[targets - 1, signal.leader - 1].astype(bool)
    out[signal.pool][previous] = signal_probabilities(game, signal, leader_drawn=True)
    return out


@dataclass(frozen=True)
class SignalCheck:
    """Outcome of :func:`signal_check`. Lifts are in bits per draw over uniform."""

    game: str
    signal: Signal | None
    n_draws: int
    holdout_size: int
    optimal_lift: float
    expected_lift: float
    holdout: LiftTest
    n_trials: int
    best_params: dict[str, Any]

    @property
    def recovered_share(self) -> float | None:
        """Expected lift as a share of the optimum; None for a fair history (optimum 0)."""
        return self.expected_lift / self.optimal_lift if self.optimal_lift > 0 else None

    def describe(self, language: str = "en") -> str:
        """Return a sentence stating the lift recovered against the optimum."""
        test = self.holdout
        interval = f"{test.ci_low:+.4f} .. {test.ci_high:+.4f}"
        name = self.game.upper()
        if language == "zh":
            text = (
                f"在 {self.n_draws} 期合成 {name} 数据 ({describe_signal(self.signal, 'zh')}) 上, "
                f"调参 {self.n_trials} 次后的 LSTM 在最后 {self.holdout_size} 期留出集上的平均提升为 "
                f"{test.mean_lift_bits:+.4f} 比特/期 (95% 区间 {interval}, 单侧 p = {test.p_value:.3g}); "
            )
            if self.recovered_share is None:
                return text + f"最优提升为 0 (公平数据), 期望提升 {self.expected_lift:+.4f} 比特/期。"
            return text + (
                f"按真实概率计算的期望提升为 {self.expected_lift:+.4f} 比特/期, "
                f"即最优值 {self.optimal_lift:.4f} 的 {self.recovered_share:.0%}。"
            )
        text = (
            f"On {self.n_draws} synthetic {name} draws ({describe_signal(self.signal)}), the LSTM tuned "
            f"over {self.n_trials} trials scored a mean lift of {test.mean_lift_bits:+.4f} bits/draw on "
            f"the last {self.holdout_size} draws (95% CI {interval}, one-sided p = {test.p_value:.3g}); "
        )
        if self.recovered_share is None:
            return text + f"the optimum is 0 (fair draws) and its expected lift is {self.expected_lift:+.4f}."
        return text + (
            f"its expected lift under the true probabilities is {self.expected_lift:+.4f} bits/draw, "
            f"{self.recovered_share:.0%} of the optimum {self.optimal_lift:.4f}."
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the check as JSON-ready values."""
        return {
            "game": self.game,
            "signal": None
            if self.signal is None
            else {"kind": type(self.signal).__name__, **dataclasses.asdict(self.signal)},
            "n_draws": self.n_draws,
            "holdout_size": self.holdout_size,
            "optimal_lift": self.optimal_lift,
            "expected_lift": self.expected_lift,
            "recovered_share": self.recovered_share,
            "holdout": dataclasses.asdict(self.holdout),
            "n_trials": self.n_trials,
            "best_params": self.best_params,
        }


def signal_check(
    settings: TuningSettings, *, n_draws: int, signal: Signal | None, seed: int | None = None
) -> SignalCheck:
    """Tune the LSTM on a synthetic history and score its holdout against the known optimum.

    Parameters
    ----------
    settings
        Tuning settings (game, trials, holdout and validation sizes, search space). The study is
        kept in memory whatever ``settings.storage`` is set to.
    n_draws
        Length of the synthetic history, holdout included.
    signal
        The planted signal (:class:`~lotto_lab.synthetic.HotNumber` or
        :class:`~lotto_lab.synthetic.FollowNumber`), or None for a fair history.
    seed
        Seed of the synthetic draws (default: ``settings.seed``).
    """
    game = get_game(settings.game)
    signals = () if signal is None else (signal,)
    history = planted_history(
        game, n_draws, signals=signals, seed=settings.seed if seed is None else seed, start=_SYNTHETIC_START
    )
    check_settings = dataclasses.replace(
        settings, storage=MEMORY_STORAGE, study_name=f"signal-check-{game.name}", worker=0
    )
    study = run_study(history, check_settings)
    completed = [
        trial for trial in study.trials if trial.value is not None and trial.state.name == "COMPLETE"
    ]
    if not completed:
        raise RuntimeError("the signal check's study finished no trial; raise n_trials or the timeout")
    best = study.best_trial

    n_pre = n_draws - settings.holdout_size
    folds = make_folds(n_draws, initial_train_size=n_pre, refit_every=settings.holdout_size)
    strategy = LSTMStrategy(trial_config(best.params, check_settings))
    prediction = strategy.predict_folds(history, folds)
    targets = np.array([fold.target for fold in folds])
    outcomes = {pool.name: history.indicators(pool.name)[targets] for pool in game.pools}
    realised = lift_bits(game, prediction, outcomes)
    expected = expected_lift_bits(game, prediction, true_probabilities(history, signal, targets))

    n_trials = sum(trial.state.name in ("COMPLETE", "PRUNED") for trial in study.trials)
    check = SignalCheck(
        game=game.name,
        signal=signal,
        n_draws=n_draws,
        holdout_size=settings.holdout_size,
        optimal_lift=0.0 if signal is None else optimal_lift_bits(game, signal),
        expected_lift=float(expected.mean()),
        holdout=paired_lift_test(realised),
        n_trials=n_trials,
        best_params=dict(best.params),
    )
    log.info("signal check: %s", check.describe())
    return check
