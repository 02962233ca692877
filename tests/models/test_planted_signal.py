"""The tuned LSTM recovers a planted signal's lift and finds none in fair draws."""

from __future__ import annotations

import pytest

from lotto_lab.models.signal_check import default_signal, signal_check
from lotto_lab.models.tuning import QUICK_SEARCH_SPACE, SearchSpace, TuningSettings
from lotto_lab.synthetic import FollowNumber, HotNumber, optimal_lift_bits


def quick_settings(game: str) -> TuningSettings:
    return TuningSettings(
        game=game,
        n_trials=3,
        holdout_size=300,
        validation_size=100,
        validation_folds=1,
        max_epochs=12,
        search_space=QUICK_SEARCH_SPACE,
        num_threads=1,
        seed=0,
    )


@pytest.mark.slow
@pytest.mark.parametrize(("game", "pool"), [("ssq", "red"), ("dlt", "front")])
def test_hot_number_recovered(game, pool):
    signal = HotNumber(pool, 7, 0.5)
    check = signal_check(quick_settings(game), n_draws=900, signal=signal)

    assert check.optimal_lift == pytest.approx(optimal_lift_bits(game, signal))
    assert check.recovered_share >= 0.3
    assert check.holdout.mean_lift_bits > 0
    assert check.holdout.p_value < 0.01
    assert check.n_trials == 3


@pytest.mark.slow
def test_follow_number_recovered():
    space = SearchSpace(
        window=(1, 5),
        hidden_size=(16, 32),
        num_layers=(1, 1),
        dropout=(0.0, 0.2),
        learning_rate=(3e-3, 3e-2),
        batch_size=(32, 64),
        epochs=(10, 60),
    )
    settings = TuningSettings(
        game="ssq",
        n_trials=5,
        holdout_size=300,
        validation_size=200,
        validation_folds=1,
        max_epochs=60,
        patience=8,
        search_space=space,
        num_threads=1,
        seed=0,
    )
    signal = FollowNumber("red", 1, 2, 0.8)
    check = signal_check(settings, n_draws=3000, signal=signal)

    assert check.recovered_share >= 0.3
    assert check.holdout.p_value < 0.05


@pytest.mark.slow
def test_fair_history_shows_no_significant_lift():
    check = signal_check(quick_settings("ssq"), n_draws=900, signal=None)

    assert check.optimal_lift == 0.0
    assert check.recovered_share is None
    # Under fair draws no prediction can gain in expectation: the expected lift is minus a
    # Kullback-Leibler divergence.
    assert check.expected_lift <= 0
    assert check.holdout.p_value > 0.05


def test_check_statement_names_optimum():
    signal = default_signal("ssq")
    assert signal == HotNumber("red", 7, 0.5)
    check = signal_check(
        TuningSettings(
            game="ssq",
            n_trials=1,
            holdout_size=100,
            validation_size=50,
            validation_folds=1,
            max_epochs=3,
            search_space=QUICK_SEARCH_SPACE,
            num_threads=1,
        ),
        n_draws=300,
        signal=signal,
    )
    text = check.describe()
    assert text.startswith("On 300 synthetic SSQ draws (number 7 of the red pool forced into 50% of draws)")
    assert f"of the optimum {check.optimal_lift:.4f}." in text
    assert "最优值" in check.describe("zh")
    document = check.to_dict()
    assert document["signal"] == {"kind": "HotNumber", "pool": "red", "number": 7, "strength": 0.5}
    assert document["recovered_share"] == pytest.approx(check.expected_lift / check.optimal_lift)
