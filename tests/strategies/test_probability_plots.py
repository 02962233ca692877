"""Probability-against-uniform figure: the plotted data and the bars built from it."""

from __future__ import annotations

import numpy as np
import pytest

from lotto_lab.strategies.plots import probability_figure, probability_plot_data
from lotto_lab.strategies.recency import RecencyStrategy
from lotto_lab.strategies.uniform import uniform_probabilities
from lotto_lab.synthetic import fair_history


@pytest.fixture(scope="module")
def plotted():
    history = fair_history("dlt", 50, seed=1)
    probabilities = {
        "uniform": uniform_probabilities(history.game),
        "recency": RecencyStrategy().predict_proba(history),
    }
    return probabilities, probability_plot_data("dlt", probabilities)


def test_rows_per_strategy_pool_and_number(plotted):
    probabilities, data = plotted
    assert len(data) == 2 * (35 + 12)
    back = data[(data["strategy"] == "recency") & (data["pool"] == "back")]
    assert back["number"].tolist() == list(range(1, 13))
    np.testing.assert_array_equal(back["probability"], probabilities["recency"]["back"])
    assert set(back["uniform"]) == {2 / 12}
    np.testing.assert_allclose(back["ratio"], probabilities["recency"]["back"] * 6)
    assert set(data.loc[data["strategy"] == "uniform", "ratio"].round(12)) == {1.0}


def test_figure_has_bar_per_pool(plotted):
    _, data = plotted
    figure = probability_figure(data, "dlt", "recency")
    assert [trace.type for trace in figure.data] == ["bar", "bar"]
    assert (
        list(figure.data[1].y)
        == data[(data["strategy"] == "recency") & (data["pool"] == "back")]["probability"].tolist()
    )
    assert "uniform 2/12" in [annotation.text for annotation in figure.layout.annotations]


def test_figure_of_missing_strategy_rejected(plotted):
    _, data = plotted
    with pytest.raises(ValueError, match="no rows for strategy 'lstm'; the data has"):
        probability_figure(data, "dlt", "lstm")
