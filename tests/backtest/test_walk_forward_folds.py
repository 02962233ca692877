"""Walk-forward folds: growing and rolling windows, refit_every, and no fold seeing its target."""

from __future__ import annotations

import numpy as np
import pytest

from lotto_lab.backtest.folds import Fold, make_folds
from lotto_lab.backtest.runner import run_backtest
from lotto_lab.errors import ConfigError
from lotto_lab.history import DrawHistory
from lotto_lab.strategies.base import Strategy
from lotto_lab.strategies.uniform import uniform_probabilities
from lotto_lab.synthetic import fair_history


def test_growing_folds_refit_every_draw():
    folds = make_folds(6, initial_train_size=3)
    assert folds == [Fold(0, 2, 3), Fold(0, 3, 4), Fold(0, 4, 5)]
    assert [fold.cutoff for fold in folds] == [2, 3, 4]
    assert {fold.horizon for fold in folds} == {1}
    assert [fold.train_size for fold in folds] == [3, 4, 5]


def test_rolling_folds_keep_window_size():
    folds = make_folds(8, initial_train_size=3, window="rolling")
    assert [(fold.train_start, fold.train_end) for fold in folds] == [(0, 2), (1, 3), (2, 4), (3, 5), (4, 6)]
    assert {fold.train_size for fold in folds} == {3}


def test_rolling_window_size_differs_from_initial():
    folds = make_folds(8, initial_train_size=4, window="rolling", window_size=2)
    assert folds[0] == Fold(2, 3, 4)
    assert {fold.train_size for fold in folds} == {2}


def test_refit_every_reuses_fit_with_growing_horizon():
    folds = make_folds(10, initial_train_size=3, refit_every=3)
    assert [(fold.train_end, fold.target, fold.horizon) for fold in folds] == [
        (2, 3, 1),
        (2, 4, 2),
        (2, 5, 3),
        (5, 6, 1),
        (5, 7, 2),
        (5, 8, 3),
        (8, 9, 1),
    ]


def test_first_and_last_target_limit_scored_draws():
    folds = make_folds(50, initial_train_size=10, first_target=40, last_target=44)
    assert [fold.target for fold in folds] == [40, 41, 42, 43, 44]
    assert folds[0].train_end == 39


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"initial_train_size": 0},
            "initial_train_size must be at least 1 and below the number of draws (10), got 0",
        ),
        ({"initial_train_size": 3, "refit_every": 0}, "refit_every must be at least 1, got 0"),
        (
            {"initial_train_size": 3, "window": "expanding"},
            "window must be 'growing' or 'rolling', got 'expanding'",
        ),
        ({"initial_train_size": 3, "window_size": 2}, "window_size applies to a rolling window"),
    ],
)
def test_invalid_fold_parameters(kwargs, message):
    with pytest.raises(ConfigError) as caught:
        make_folds(10, **kwargs)
    assert message in str(caught.value)


def test_fold_rejects_target_inside_training():
    with pytest.raises(ValueError, match="a fold needs 0 <= train_start <= train_end < target, got 0, 5, 5"):
        Fold(0, 5, 5)


class SpyStrategy(Strategy):
    """Uniform predictions that record the last position each call could see."""

    name = "spy"

    def __init__(self, history: DrawHistory) -> None:
        self.position_of = {int(issue): i for i, issue in enumerate(history.issues)}
        self.fit_ends: list[int] = []
        self.predict_ends: list[int] = []

    def fit(self, history: DrawHistory) -> SpyStrategy:
        self.fit_ends.append(self.position_of[history.last_issue])
        return self

    def predict_proba(self, history: DrawHistory) -> dict[str, np.ndarray]:
        self.predict_ends.append(self.position_of[history.last_issue])
        return uniform_probabilities(history.game)


@pytest.mark.parametrize(
    "layout",
    [
        {"initial_train_size": 5},
        {"initial_train_size": 5, "refit_every": 4},
        {"initial_train_size": 6, "window": "rolling", "window_size": 3, "refit_every": 2},
    ],
)
def test_no_fold_sees_its_target(layout):
    history = fair_history("ssq", 40, seed=2)
    folds = make_folds(len(history), **layout)
    spy = SpyStrategy(history)
    result = run_backtest(history, [spy], folds, seed=1)

    # One predict_proba per fold, each ending exactly at the fold's cutoff.
    assert spy.predict_ends == [fold.cutoff for fold in folds]
    assert all(end < fold.target for end, fold in zip(spy.predict_ends, folds, strict=True))
    # One fit per distinct training window, ending at that window's train_end.
    assert spy.fit_ends == sorted({fold.train_end for fold in folds})
    assert max(spy.fit_ends) < folds[-1].target
    np.testing.assert_array_equal(
        result.table["cutoff"].to_numpy(), history.issues[[f.cutoff for f in folds]]
    )
