"""Significance across many tries: HAC test, Holm, SPA, false positives and detection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from arch.bootstrap import SPA
from evaluation_fixtures import frequency_forecasts, lifts, noise_forecasts, oracle_forecasts
from scipy import stats
from statsmodels.stats.multitest import multipletests

from lotto_lab.errors import ConfigError
from lotto_lab.evaluation.bootstrap import bootstrap_counts, default_block_length
from lotto_lab.evaluation.significance import (
    Significance,
    hac_mean_test,
    holm_adjust,
    lift_significance,
    newey_west_lags,
    spa_test,
    stationary_long_run_variance,
)
from lotto_lab.synthetic import FollowNumber, HotNumber, fair_history, planted_history

ALPHA = 0.05
N_HISTORIES = 100
# With 100 fair histories and a true rate of at most 5 %, more than 10 significant histories has
# probability 1.1 % (binomial upper tail). The seeds are fixed, so the outcome is repeatable.
MAX_FALSE_POSITIVES = 10


def test_hac_matches_statsmodels():
    rng = np.random.default_rng(2)
    noise = rng.normal(size=301)
    x = 0.1 + noise[1:] + 0.5 * noise[:-1]  # MA(1): serially dependent
    lags = newey_west_lags(len(x))
    mean, se, t_stat, p_value = hac_mean_test(x)
    fit = sm.OLS(x, np.ones(len(x))).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": False})
    assert mean[0] == pytest.approx(fit.params[0], rel=1e-12)
    assert se[0] == pytest.approx(fit.bse[0], rel=1e-10)
    assert t_stat[0] == pytest.approx(fit.tvalues[0], rel=1e-10)
    assert p_value[0] == pytest.approx(stats.t.sf(fit.tvalues[0], len(x) - 1), rel=1e-10)


def test_hac_constant_columns():
    x = np.column_stack([np.zeros(50), np.full(50, 0.2), -np.ones(50)])
    _, se, _, p_value = hac_mean_test(x)
    assert se.tolist() == [0.0, 0.0, 0.0]
    assert p_value.tolist() == [1.0, 0.0, 1.0]


def test_newey_west_lags_rule():
    assert newey_west_lags(100) == 4
    assert newey_west_lags(3000) == 8


def test_holm_matches_statsmodels():
    p = np.array([0.01, 0.04, 0.03, 0.20, 0.005])
    assert holm_adjust(p) == pytest.approx(multipletests(p, method="holm")[1], rel=1e-12)


def test_holm_counts_tuning_trials():
    p = np.array([0.001, 0.02])
    full = np.concatenate([p, np.ones(30)])
    assert holm_adjust(p, n_extra=30) == pytest.approx(multipletests(full, method="holm")[1][:2], rel=1e-12)
    assert holm_adjust(np.array([0.001]), n_extra=49)[0] == pytest.approx(0.05)


def test_holm_leaves_nan_out():
    adjusted = holm_adjust(np.array([np.nan, 0.01, 0.02]))
    assert np.isnan(adjusted[0])
    assert adjusted[1:] == pytest.approx([0.02, 0.02])


def test_long_run_variance_matches_arch():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(400, 3))
    x[:, 1] = np.convolve(rng.normal(size=403), np.ones(4) / 2, mode="valid")
    spa = SPA(np.zeros(400), -x, block_size=7, reps=10, seed=1)
    spa.compute()
    assert stationary_long_run_variance(x, 7) == pytest.approx(spa._loss_diff_var, rel=1e-9)


def test_spa_agrees_with_arch_for_one_strategy():
    # With one strategy studentizing is a monotone change, so the p-values agree up to the
    # Monte Carlo error of 4,000 replicates (standard error about 0.008).
    rng = np.random.default_rng(5)
    x = rng.normal(0.1, 1.0, size=(400, 1))
    ours = spa_test(x, ["a"], block_length=8, reps=4000, seed=2)
    theirs = SPA(np.zeros(400), -x, block_size=8, reps=4000, seed=3)
    theirs.compute()
    assert ours.p_consistent == pytest.approx(theirs.pvalues["consistent"], abs=0.03)
    assert ours.best == "a"


def test_spa_is_one_when_nothing_beats_uniform():
    rng = np.random.default_rng(6)
    x = rng.normal(-0.5, 1.0, size=(300, 2))
    result = spa_test(x, ["a", "b"], block_length=5, reps=200, seed=1)
    assert result.statistic == 0.0
    assert (result.p_lower, result.p_consistent, result.p_upper) == (1.0, 1.0, 1.0)


def test_spa_bounds_are_ordered():
    rng = np.random.default_rng(7)
    x = np.column_stack([rng.normal(0.12, 1, 500), rng.normal(-0.3, 1, 500), rng.normal(0.0, 1, 500)])
    result = spa_test(x, ["a", "b", "c"], block_length=8, reps=999, seed=3)
    assert result.p_lower <= result.p_consistent <= result.p_upper
    assert result.best == "a"


def test_bootstrap_counts_keep_length():
    counts = bootstrap_counts(97, 50, 6, np.random.default_rng(1))
    assert counts.shape == (50, 97)
    assert (counts.sum(axis=1) == 97).all()
    moving = bootstrap_counts(97, 50, 6, np.random.default_rng(1), kind="moving")
    assert (moving.sum(axis=1) == 97).all()
    again = bootstrap_counts(97, 50, 6, np.random.default_rng(1))
    assert (again == counts).all()


def test_bootstrap_interval_covers_known_mean():
    # 200 AR(1) series with mean 0: the 95 % percentile interval should miss 0 about 5 % of the
    # time. Up to 12 % is allowed because the series are short and the bootstrap is small.
    rng = np.random.default_rng(8)
    misses = 0
    for _ in range(200):
        e = rng.normal(size=300)
        x = np.empty(300)
        x[0] = e[0]
        for t in range(1, 300):
            x[t] = 0.5 * x[t - 1] + e[t]
        counts = bootstrap_counts(300, 300, default_block_length(300) * 2, rng)
        means = counts @ x / 300
        low, high = np.quantile(means, [0.025, 0.975])
        misses += not low <= 0 <= high
    assert misses <= 24


def test_lift_significance_family_and_flags():
    rng = np.random.default_rng(9)
    data = {"good": rng.normal(0.3, 1, 400), "flat": rng.normal(0.0, 1, 400)}
    result = lift_significance(data, n_trials=8, n_bootstrap=300, seed=1)
    assert result.family_size == 10
    assert result.tests["strategy"].tolist() == ["good", "flat"]
    assert result.significant == ["good"]
    good = result.tests.iloc[0]
    assert good["p_holm"] == pytest.approx(min(1.0, 10 * good["p_value"]))
    assert result.spa is not None
    assert result.spa.best == "good"
    assert result.spa.p_consistent < 0.05


def test_lift_significance_roundtrip():
    rng = np.random.default_rng(10)
    result = lift_significance({"a": rng.normal(size=100), "b": np.zeros(100)}, n_bootstrap=50)
    assert result.excluded == ("b",)
    again = Significance.from_dict(result.to_dict())
    pd.testing.assert_frame_equal(again.tests, result.tests)
    assert again.spa == result.spa


def test_lift_significance_rejects_bad_input():
    with pytest.raises(
        ConfigError, match=r"every strategy must be scored on the same draws, got these lengths"
    ):
        lift_significance({"a": np.zeros(10), "b": np.zeros(11)})
    with pytest.raises(ConfigError, match=r"^n_trials must be at least 0, got -1$"):
        lift_significance({"a": np.zeros(10)}, n_trials=-1)
    with pytest.raises(ConfigError, match=r"^the lift tests need at least 2 scored draws, got 1$"):
        lift_significance({"a": np.zeros(1)})
    with pytest.raises(ConfigError, match=r"^lifts contain NaN"):
        lift_significance({"a": np.array([0.1, np.nan, 0.2])})


def test_fair_histories_false_positive_rate():
    any_holm = 0
    spa_hits = 0
    uncorrected = np.zeros(4, dtype=int)
    for index in range(N_HISTORIES):
        history = fair_history("dlt", 260, seed=1000 + index)
        targets = np.arange(60, 260)
        forecasts = {
            "frequency": frequency_forecasts(history, targets),
            "noise_a": noise_forecasts(history, targets, amplitude=0.002, seed=index),
            "noise_b": noise_forecasts(history, targets, amplitude=0.002, seed=index + 5000),
            "noise_c": noise_forecasts(history, targets, amplitude=0.004, seed=index + 9000, hold=1),
        }
        data = {name: lifts(history, targets, forecast) for name, forecast in forecasts.items()}
        result = lift_significance(data, n_bootstrap=199, seed=index)
        any_holm += bool(result.significant)
        spa_hits += result.spa.p_consistent < ALPHA
        uncorrected += (result.tests["p_value"] < ALPHA).to_numpy()
    assert any_holm <= MAX_FALSE_POSITIVES
    assert spa_hits <= MAX_FALSE_POSITIVES
    assert (uncorrected <= MAX_FALSE_POSITIVES).all(), uncorrected.tolist()


def test_planted_hot_number_detected():
    signal = HotNumber("red", 7, 0.25)
    history = planted_history("ssq", 600, signals=(signal,), seed=21)
    targets = np.arange(100, 600)
    data = {
        "frequency": lifts(history, targets, frequency_forecasts(history, targets, prior=10.0)),
        "oracle": lifts(history, targets, oracle_forecasts(history, targets, signal)),
        "noise": lifts(history, targets, noise_forecasts(history, targets, amplitude=0.002, seed=1)),
    }
    result = lift_significance(data, n_trials=20, n_bootstrap=500, seed=3)
    assert "oracle" in result.significant
    assert "frequency" in result.significant
    assert "noise" not in result.significant
    assert result.spa.p_consistent < ALPHA


def test_planted_follow_number_detected_by_oracle():
    signal = FollowNumber("front", 3, 9, 0.6)
    history = planted_history("dlt", 800, signals=(signal,), seed=22)
    targets = np.arange(50, 800)
    data = {"oracle": lifts(history, targets, oracle_forecasts(history, targets, signal))}
    result = lift_significance(data, n_trials=5, n_bootstrap=300, seed=4)
    assert result.significant == ["oracle"]
