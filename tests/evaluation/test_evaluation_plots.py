"""Plot data of the evaluation and the audit, and the figures built from it."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from evaluation_fixtures import frequency_forecasts, uniform_forecasts

from lotto_lab.evaluation import plots
from lotto_lab.evaluation.audit import run_audit
from lotto_lab.evaluation.calibration import reliability_table
from lotto_lab.evaluation.scored import score_forecasts
from lotto_lab.evaluation.summary import evaluate
from lotto_lab.synthetic import fair_history


@pytest.fixture(scope="module")
def evaluation():
    history = fair_history("dlt", 260, seed=5, start=dt.date(2019, 1, 2))
    targets = np.arange(60, 260)
    forecasts = {
        "uniform": uniform_forecasts(history, targets),
        "frequency": frequency_forecasts(history, targets),
    }
    return evaluate(score_forecasts(history, forecasts, targets, seed=1), "dlt", n_bootstrap=100)


def test_frequency_plot_data():
    history = fair_history("ssq", 300, seed=2)
    data = plots.frequency_plot_data(history, "blue")
    assert data["number"].tolist() == list(range(1, 17))
    assert data["count"].sum() == 300
    assert data["expected"].iloc[0] == pytest.approx(300 / 16)
    half_width = 1.959963984540054 * math.sqrt(300 * (1 / 16) * (15 / 16))
    assert data["band_high"].iloc[0] - data["expected"].iloc[0] == pytest.approx(half_width)
    figure = plots.frequency_figure(data, "en")
    assert figure.layout.title.text.startswith("Count of each number")


def test_lift_plot_data(evaluation):
    data = plots.lift_plot_data(evaluation)
    assert data["strategy"].tolist() == ["uniform", "frequency"]
    assert data["value"].iloc[0] == 0.0
    assert (data["ci_low"] <= data["value"]).all()
    figure = plots.lift_figure(data, "zh")
    assert figure.layout.yaxis.title.text == "比特/期"
    assert figure.data[0].text[1].startswith("p_holm = ")


def test_calibration_plot_data(evaluation):
    data = plots.calibration_plot_data(evaluation.calibration, "front")
    assert set(data["strategy"]) == {"uniform", "frequency"}
    assert data.loc[data["strategy"] == "uniform", "mean_predicted"].tolist() == [pytest.approx(5 / 35)]
    figure = plots.calibration_figure(data, "en")
    assert figure.data[-1].name == "perfectly calibrated"


def test_audit_plot_data():
    audit = run_audit(fair_history("ssq", 300, seed=3), eras=2)
    data = plots.audit_plot_data(audit)
    assert data["p_value"].notna().all()
    assert len(data) == audit.tests["p_value"].notna().sum()
    assert data["minus_log10_p"].to_numpy() == pytest.approx(-np.log10(data["p_value"].to_numpy()))
    figure = plots.audit_figure(data, "en")
    assert set(figure.data[0].y) <= {"frequency", "gaps", "pairs", "repeats", "sum", "serial", "runs"}


def test_reliability_table_bins():
    rng = np.random.default_rng(4)
    p = rng.uniform(0.05, 0.4, size=(2000, 10))
    y = (rng.random(p.shape) < p).astype(np.uint8)
    table = reliability_table({"s": {"pool": p}}, {"pool": y}, n_bins=5)
    assert len(table) == 5
    assert table["count"].sum() == p.size
    assert (table["mean_predicted"].diff().dropna() > 0).all()
    # A calibrated forecast: each bin's interval contains its mean forecast (up to chance).
    inside = (table["ci_low"] <= table["mean_predicted"]) & (table["mean_predicted"] <= table["ci_high"])
    assert inside.sum() >= 4


def test_reliability_table_one_bin_per_distinct_value():
    p = np.tile([0.1, 0.3], (50, 1))
    y = np.zeros_like(p, dtype=np.uint8)
    y[:25, 1] = 1
    table = reliability_table({"s": {"pool": p}}, {"pool": y}, n_bins=10)
    assert table["mean_predicted"].tolist() == pytest.approx([0.1, 0.3])
    assert table["observed"].tolist() == [0.0, 0.5]
    assert table["ci_low"].iloc[0] == 0.0
