"""Cumulative lift figure: the plotted data and the figure built from it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lotto_lab.backtest.folds import make_folds
from lotto_lab.backtest.plots import cumulative_lift_data, cumulative_lift_figure
from lotto_lab.backtest.runner import run_backtest
from lotto_lab.backtest.scoring import uniform_log_loss_bits
from lotto_lab.games import SSQ
from lotto_lab.strategies.frequency import FrequencyStrategy
from lotto_lab.strategies.uniform import UniformStrategy
from lotto_lab.synthetic import fair_history


@pytest.fixture(scope="module")
def data():
    history = fair_history("ssq", 120, seed=4)
    result = run_backtest(
        history,
        [UniformStrategy(), FrequencyStrategy(window=20)],
        make_folds(120, initial_train_size=60),
        seed=2,
    )
    return result, cumulative_lift_data(result)


def test_lift_is_uniform_minus_strategy(data):
    result, plotted = data
    frequency = plotted[plotted["strategy"] == "frequency"]
    table = result.table[result.table["strategy"] == "frequency"]
    expected = uniform_log_loss_bits(SSQ) - table["log_loss"].to_numpy()
    np.testing.assert_allclose(frequency["lift"], expected)
    np.testing.assert_allclose(frequency["cumulative_lift"], np.cumsum(expected))
    assert frequency["draws"].tolist() == list(range(1, 61))


def test_band_grows_with_square_root_of_draws(data):
    _, plotted = data
    frequency = plotted[plotted["strategy"] == "frequency"].reset_index(drop=True)
    spread = np.std(frequency["lift"], ddof=1)
    assert frequency.loc[0, "band"] == pytest.approx(1.959963984540054 * spread)
    assert frequency.loc[59, "band"] == pytest.approx(1.959963984540054 * spread * math.sqrt(60))


def test_uniform_stays_on_zero(data):
    _, plotted = data
    uniform = plotted[plotted["strategy"] == "uniform"]
    np.testing.assert_allclose(uniform["cumulative_lift"], 0, atol=1e-9)
    np.testing.assert_allclose(uniform["band"], 0, atol=1e-9)


def test_figure_has_line_and_band_per_strategy(data):
    _, plotted = data
    figure = cumulative_lift_figure(plotted)
    names = [trace.name for trace in figure.data]
    # uniform has no band (its lift never varies); frequency has a line and a two-sided band.
    assert names == [
        "uniform",
        "frequency",
        "frequency: 95% band if mean lift were 0",
        "frequency: 95% band if mean lift were 0",
    ]
    assert figure.layout.yaxis.title.text == "cumulative lift (bits)"
