"""The LSTM strategy: probability contract, repeatability, no look-ahead, input checks."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.autograd import gradcheck

from lotto_lab.backtest.folds import make_folds
from lotto_lab.errors import ConfigError
from lotto_lab.history import DrawHistory
from lotto_lab.models.lstm import LSTMConfig, LSTMStrategy
from lotto_lab.models.network import shifted_logits
from lotto_lab.strategies.base import check_probabilities
from lotto_lab.strategies.registry import make_strategy
from lotto_lab.synthetic import fair_history

TINY = {"window": 3, "hidden_size": 8, "max_epochs": 3, "batch_size": 32, "num_threads": 1}


def spliced(history: DrawHistory, other: DrawHistory, start: int) -> DrawHistory:
    """Return ``history`` with the draws from position ``start`` on taken from ``other``."""
    numbers = {
        name: np.concatenate([array[:start], other.numbers[name][start:]])
        for name, array in history.numbers.items()
    }
    return DrawHistory(game=history.game, issues=history.issues, dates=history.dates, numbers=numbers)


@pytest.mark.parametrize("game", ["ssq", "dlt"])
def test_probabilities_obey_contract(game):
    history = fair_history(game, 120, seed=1)
    strategy = LSTMStrategy(**TINY).fit(history)

    prediction = strategy.predict_proba(history)
    check_probabilities(history.game, prediction)
    for pool in history.game.pools:
        assert prediction[pool.name].shape == (pool.size,)

    folds = make_folds(len(history), initial_train_size=100, refit_every=10)
    output = strategy.predict_folds(history, folds)
    check_probabilities(history.game, output)
    assert output[history.game.pools[0].name].shape == (20, history.game.pools[0].size)


def test_shifted_logits_sum_to_pick():
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(5, 33, generator=generator, dtype=torch.float64) * 4
    probabilities = torch.sigmoid(shifted_logits(logits, 6))
    assert torch.allclose(probabilities.sum(-1), torch.full((5,), 6.0, dtype=torch.float64), atol=1e-10)
    assert bool(((probabilities > 0) & (probabilities < 1)).all())


def test_shifted_logits_gradient_is_exact():
    generator = torch.Generator().manual_seed(1)
    logits = torch.randn(3, 12, generator=generator, dtype=torch.float64, requires_grad=True)
    assert gradcheck(lambda z: torch.sigmoid(shifted_logits(z, 2)), (logits,))


def test_shifted_logits_keep_order_of_large_logits():
    logits = torch.tensor([[50.0, 40.0, -30.0, 0.0, 1.0]], dtype=torch.float64)
    probabilities = torch.sigmoid(shifted_logits(logits, 2))[0]
    assert float(probabilities.sum()) == pytest.approx(2.0)
    assert torch.equal(torch.argsort(probabilities), torch.argsort(logits[0]))


def test_fit_repeats_with_same_seed():
    history = fair_history("ssq", 150, seed=2)
    first = LSTMStrategy(**TINY, seed=7).fit(history).predict_proba(history)
    second = LSTMStrategy(**TINY, seed=7).fit(history).predict_proba(history)
    other = LSTMStrategy(**TINY, seed=8).fit(history).predict_proba(history)
    for pool in ("red", "blue"):
        assert np.array_equal(first[pool], second[pool])
        assert not np.array_equal(first[pool], other[pool])


def test_fit_restores_global_torch_state():
    history = fair_history("ssq", 120, seed=3)
    torch.manual_seed(123)
    rng_before = torch.get_rng_state()
    threads_before = torch.get_num_threads()
    deterministic_before = torch.are_deterministic_algorithms_enabled()

    LSTMStrategy(**{**TINY, "num_threads": 1}).fit(history).predict_proba(history)

    assert torch.equal(torch.get_rng_state(), rng_before)
    assert torch.get_num_threads() == threads_before
    assert torch.are_deterministic_algorithms_enabled() == deterministic_before


def test_predict_folds_never_sees_target():
    history = fair_history("ssq", 160, seed=4)
    changed_from = 140
    altered = spliced(history, fair_history("ssq", 160, seed=99), changed_from)
    folds = make_folds(len(history), initial_train_size=120, refit_every=10)

    original = LSTMStrategy(**TINY).predict_folds(history, folds)
    replayed = LSTMStrategy(**TINY).predict_folds(altered, folds)

    unchanged = [i for i, fold in enumerate(folds) if fold.target <= changed_from]
    changed = [i for i, fold in enumerate(folds) if fold.cutoff >= changed_from]
    assert len(unchanged) == 21
    for pool in ("red", "blue"):
        assert np.array_equal(original[pool][unchanged], replayed[pool][unchanged])
        assert not np.allclose(original[pool][changed], replayed[pool][changed])


def test_predict_folds_matches_fit_then_predict():
    history = fair_history("dlt", 140, seed=5)
    folds = make_folds(len(history), initial_train_size=110, refit_every=15, window="rolling")
    output = LSTMStrategy(**TINY).predict_folds(history, folds)

    for index in (0, 14, 15, 29):
        fold = folds[index]
        strategy = LSTMStrategy(**TINY).fit(history.slice(fold.train_start, fold.train_end + 1))
        expected = strategy.predict_proba(history.slice(fold.train_start, fold.cutoff + 1))
        for pool in ("front", "back"):
            np.testing.assert_allclose(output[pool][index], expected[pool], rtol=1e-6, atol=1e-9)


def test_early_stopping_keeps_best_epoch():
    history = fair_history("ssq", 200, seed=6)
    strategy = LSTMStrategy(
        window=3, hidden_size=16, max_epochs=40, patience=2, learning_rate=0.05, num_threads=1
    )
    summary = strategy.fit(history).fit_summary
    assert summary.epochs_run < 40
    assert summary.epochs_run == summary.best_epoch + 2
    assert summary.n_draws == 200
    assert summary.first_issue == int(history.issues[0])
    assert summary.last_issue == history.last_issue


def test_validation_split_is_the_fit_tail():
    config = LSTMConfig(window=5, validation_fraction=0.2)
    assert config.split_sizes(105) == (80, 20)
    assert config.min_fit_draws() == 7
    assert LSTMConfig(window=3, validation_fraction=0.9).min_fit_draws() == 8


def test_feature_columns_extend_input():
    history = fair_history("ssq", 150, seed=7)
    strategy = LSTMStrategy(**TINY, feature_columns=("lag1_red_sum", "lag1_blue_sum"))
    strategy.fit(history)
    assert strategy.input_size == 33 + 16 + 2
    check_probabilities(history.game, strategy.predict_proba(history))

    altered = spliced(history, fair_history("ssq", 150, seed=70), 140)
    folds = make_folds(len(history), initial_train_size=130, refit_every=20)
    original = LSTMStrategy(**TINY, feature_columns=("lag1_red_sum",)).predict_folds(history, folds)
    replayed = LSTMStrategy(**TINY, feature_columns=("lag1_red_sum",)).predict_folds(altered, folds)
    assert np.array_equal(original["red"][:11], replayed["red"][:11])


def test_unknown_feature_column_rejected():
    history = fair_history("ssq", 60, seed=8)
    with pytest.raises(ConfigError, match=r"feature column\(s\) no_such_column not found"):
        LSTMStrategy(**TINY, feature_columns=("no_such_column",)).fit(history)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"window": 0}, "LSTM parameter window must be an integer >= 1, got 0"),
        ({"hidden_size": 2.5}, "LSTM parameter hidden_size must be an integer >= 1, got 2.5"),
        ({"dropout": 1.0}, "LSTM parameter dropout must lie in [0, 1), got 1.0"),
        ({"learning_rate": 0}, "LSTM parameter learning_rate must be positive, got 0"),
        (
            {"validation_fraction": 1.0},
            "LSTM parameter validation_fraction must lie strictly between 0 and 1, got 1.0",
        ),
        ({"num_threads": 0}, "LSTM parameter num_threads must be None or an integer >= 1, got 0"),
        ({"batch_size": True}, "LSTM parameter batch_size must be an integer >= 1, got True"),
    ],
)
def test_config_rejects_bad_values(params, message):
    with pytest.raises(ConfigError) as caught:
        LSTMStrategy(**params)
    assert caught.value.message == message
    assert caught.value.zh


def test_unknown_parameter_rejected():
    with pytest.raises(ConfigError) as caught:
        LSTMStrategy(windw=3)
    assert caught.value.message.startswith("unknown LSTM parameter(s) windw; valid parameters are window, ")


def test_short_history_rejected():
    with pytest.raises(ConfigError) as caught:
        LSTMStrategy(window=10).fit(fair_history("ssq", 5, seed=0))
    assert caught.value.message == (
        "the LSTM with window=10 and validation_fraction=0.2 needs at least 12 draws to fit, got 5"
    )


def test_short_fold_window_rejected_before_fitting():
    history = fair_history("ssq", 40, seed=0)
    folds = make_folds(len(history), initial_train_size=8, window="rolling")
    with pytest.raises(ConfigError, match="needs at least 12 draws to fit, got 8"):
        LSTMStrategy(window=10).predict_folds(history, folds)


def test_other_game_rejected():
    strategy = LSTMStrategy(**TINY).fit(fair_history("ssq", 60, seed=0))
    with pytest.raises(ConfigError) as caught:
        strategy.predict_proba(fair_history("dlt", 60, seed=0))
    assert caught.value.message == "the LSTM was fitted on SSQ draws and cannot predict DLT draws"


def test_unfitted_predict_raises():
    with pytest.raises(RuntimeError, match="not fitted"):
        LSTMStrategy().predict_proba(fair_history("ssq", 20, seed=0))


def test_registry_builds_lstm():
    strategy = make_strategy("lstm", window=4, hidden_size=8)
    assert isinstance(strategy, LSTMStrategy)
    params = strategy.params()
    assert params["window"] == 4
    assert params["hidden_size"] == 8
    assert "num_threads" not in params


def test_progress_bar_off_by_default(capsys):
    LSTMStrategy(**TINY).fit(fair_history("ssq", 60, seed=0))
    captured = capsys.readouterr()
    assert "LSTM epochs" not in captured.err
    assert captured.out == ""


def test_history_shorter_than_window_padded():
    history = fair_history("ssq", 80, seed=9)
    strategy = LSTMStrategy(**{**TINY, "window": 5}).fit(history)
    prediction = strategy.predict_proba(history.slice(0, 2))
    check_probabilities(history.game, prediction)
