"""Plot data of every feature family on hand-made draws, and the figures built from it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from statsmodels.stats.proportion import proportion_confint

from lotto_lab.errors import ConfigError
from lotto_lab.features import plots
from lotto_lab.games import GameSpec, Pool
from lotto_lab.history import DrawHistory
from lotto_lab.synthetic import fair_history

TINY = GameSpec(
    name="tiny",
    title_zh="小",
    title_en="tiny",
    pools=(Pool("main", 6, 2, "主", "main"),),
    draw_weekdays=(0, 1, 2, 3, 4, 5, 6),
    issue_display_digits=7,
    ticket_price=2,
)


def tiny_history() -> DrawHistory:
    draws = np.array([[1, 2], [2, 3], [1, 4], [5, 6], [1, 2]], dtype=np.int16)
    return DrawHistory(
        game=TINY,
        issues=np.arange(2024001, 2024006, dtype=np.int64),
        dates=np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-06")),
        numbers={"main": draws},
    )


def test_frequency_data_on_tiny_history():
    data = plots.frequency_plot_data(tiny_history(), (2,))
    last_two = data[data["window"] == 2]
    assert last_two["count"].tolist() == [1, 1, 0, 0, 1, 1]
    assert last_two["rate"].tolist() == [0.5, 0.5, 0.0, 0.0, 0.5, 0.5]
    assert set(last_two["draws"]) == {2}
    everything = data[data["window"] == 0]
    assert everything["count"].tolist() == [3, 3, 1, 1, 1, 1]
    assert set(everything["draws"]) == {5}
    assert np.allclose(data["expected_rate"], 1 / 3)
    # Binomial(2, 1/3): P(0) = 4/9 is above 2.5% and P(2) = 1/9 is above 2.5%.
    assert last_two["band_low"].iloc[0] == 0.0
    assert last_two["band_high"].iloc[0] == 1.0


def test_frequency_band_covers_fair_rates():
    history = fair_history("ssq", 400, seed=12)
    data = plots.frequency_plot_data(history)
    inside = (data["rate"] >= data["band_low"]) & (data["rate"] <= data["band_high"])
    # About 95% of fair numbers fall inside; far fewer would mean a wrong band.
    assert inside.mean() > 0.85
    assert list(dict.fromkeys(data["window"])) == [10, 30, 100, 0]


def test_omission_data_on_tiny_history():
    data = plots.omission_plot_data(tiny_history())
    assert data["omission"].tolist() == [0, 0, 3, 2, 1, 1]
    assert data["max_omission"].tolist() == [1, 2, 3, 2, 3, 3]
    assert np.allclose(data["expected_omission"], 2.0)
    # (2/3) ** 8 < 0.05 <= (2/3) ** 7: seven missed draws is the 95th percentile.
    assert set(data["omission_p95"]) == {7.0}


def test_hot_cold_data_on_tiny_history():
    data = plots.hot_cold_plot_data(tiny_history(), window=2, threshold=0.9)
    assert data["hot_cold"].tolist() == ["cold", "neutral", "hot"]
    assert data["numbers"].tolist() == [7, 10, 1]
    assert data["hits"].tolist() == [4, 2, 0]
    assert np.allclose(data["rate"], [4 / 7, 2 / 10, 0.0])
    assert np.allclose(data["baseline"], 1 / 3)
    low, high = proportion_confint([4, 2, 0], [7, 10, 1], alpha=0.05, method="wilson")
    assert np.allclose(data["ci_low"], low)
    assert np.allclose(data["ci_high"], high)


def test_hot_cold_empty_class_has_no_rate():
    history = fair_history("ssq", 40, seed=1)
    data = plots.hot_cold_plot_data(history, window=30, threshold=50.0)
    empty = data[data["hot_cold"] != "neutral"]
    assert (empty["numbers"] == 0).all()
    assert empty["rate"].isna().all()
    assert empty["ci_low"].isna().all()
    neutral = data[data["hot_cold"] == "neutral"]
    assert neutral["numbers"].tolist() == [10 * 33, 10 * 16]


def test_hot_cold_rejects_short_history():
    with pytest.raises(
        ConfigError, match=r"^the hot/cold figure needs more draws than window \(100\), got 40; "
    ):
        plots.hot_cold_plot_data(fair_history("ssq", 40), window=100)


def test_distribution_data_counts_and_baseline():
    frame = pd.DataFrame(
        [[1, 2, 3, 10, 22, 33, 16], [2, 3, 4, 5, 17, 33, 1]],
        columns=[*(f"red_{i}" for i in range(1, 7)), "blue_1"],
    )
    frame["issue"] = [2025001, 2025002]
    frame["draw_date"] = pd.to_datetime(["2025-01-02", "2025-01-05"])
    history = DrawHistory.from_frame("ssq", frame)
    data = plots.statistic_distribution(history, ["odd", "span", "repeats"])

    red_odd = data[(data["pool"] == "red") & (data["statistic"] == "odd")]
    assert red_odd["value"].tolist() == list(range(7))
    assert red_odd["observed"].tolist() == [0, 0, 0, 1, 1, 0, 0]
    assert red_odd["observed_share"].tolist() == [0, 0, 0, 0.5, 0.5, 0, 0]
    assert np.isclose(red_odd["expected_share"].sum(), 1.0)
    assert data[(data["pool"] == "blue") & (data["statistic"] == "span")].empty
    red_repeats = data[(data["pool"] == "red") & (data["statistic"] == "repeats")]
    assert red_repeats["observed"].sum() == 1
    assert red_repeats.loc[red_repeats["value"] == 3, "observed"].tolist() == [1]
    assert data["exact"].all()


def test_distribution_expands_zones_and_marks_simulated_ac():
    history = fair_history("dlt", 50, seed=3)
    data = plots.statistic_distribution(history, ["zone_<i>", "ac"], n_zones=2, n_samples=500)
    assert list(dict.fromkeys(data["statistic"])) == ["zone_1", "zone_2", "ac"]
    assert not data.loc[data["statistic"] == "ac", "exact"].any()
    assert data.loc[data["statistic"] == "zone_1", "exact"].all()


def test_distribution_rejects_unknown_statistic():
    with pytest.raises(
        ConfigError, match=r"^statistics must name per-draw statistics of ssq, got \['mean'\]; "
    ):
        plots.statistic_distribution(fair_history("ssq", 5), ["mean"])
    with pytest.raises(ConfigError, match=r"got \[\]"):
        plots.statistic_distribution(fair_history("ssq", 5), [])


def test_plot_data_rejects_empty_history():
    empty = fair_history("ssq", 3).slice(0, 0)
    with pytest.raises(ConfigError, match=r"^the frequency figure needs at least one draw"):
        plots.frequency_plot_data(empty)
    with pytest.raises(ConfigError, match=r"^the omission figure needs at least one draw"):
        plots.omission_plot_data(empty)


def test_figures_have_a_panel_per_pool_and_baselines():
    history = fair_history("ssq", 150, seed=5)
    frequency = plots.frequency_figure(plots.frequency_plot_data(history, (10,)), language="en")
    assert isinstance(frequency, go.Figure)
    # Band, bars and expectation line in each of 2 windows x 2 pools.
    assert len(frequency.data) == 3 * 2 * 2
    titles = [annotation.text for annotation in frequency.layout.annotations]
    assert titles == [
        "red · last 10 draws",
        "blue · last 10 draws",
        "red · all 150 draws",
        "blue · all 150 draws",
    ]

    hot_cold = plots.hot_cold_figure(plots.hot_cold_plot_data(history, window=30), language="zh")
    baselines = [trace for trace in hot_cold.data if trace.name == "随机基准"]
    assert [list(trace.y) for trace in baselines] == [[6 / 33] * 3, [1 / 16] * 3]
    assert [annotation.text for annotation in hot_cold.layout.annotations] == ["红球", "蓝球"]

    omission = plots.omission_figure(plots.omission_plot_data(history), language="en")
    assert len(omission.data) == 4 * 2

    distribution = plots.distribution_figure(
        plots.statistic_distribution(history, ["sum", "span"]), language="en"
    )
    titles = [annotation.text for annotation in distribution.layout.annotations]
    assert titles == ["red · sum", "blue · sum", "red · span"]
    assert len(distribution.data) == 2 * 3


def test_draw_families_cover_every_statistic():
    history = fair_history("dlt", 5)
    listed = {name for names in plots.DRAW_FAMILIES.values() for name in names}
    known = set(plots.statistic_distribution(history, sorted(listed))["statistic"])
    assert known == {
        "odd",
        "big",
        "sum",
        "span",
        "zone_1",
        "zone_2",
        "zone_3",
        "consecutive",
        "repeats",
        "ac",
    }
