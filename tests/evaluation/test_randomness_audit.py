"""The randomness audit: calibrated on fair draws, sensitive to planted departures."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from lotto_lab.errors import ConfigError
from lotto_lab.evaluation.audit import (
    AUDIT_COLUMNS,
    AuditResult,
    _choose_p,
    benjamini_hochberg,
    era_spans,
    run_audit,
    simulate_fair_indicators,
)
from lotto_lab.evaluation.battery import TEST_NAMES, frequency_test, run_battery
from lotto_lab.games import get_game
from lotto_lab.history import DrawHistory
from lotto_lab.synthetic import HotNumber, fair_history, planted_history

N_FAIR = 150
FAIR_DRAWS = 600
# Out of 150 fair histories a valid 5 % test flags about 7.5; 15 or more has probability below
# 1 % (binomial upper tail).
MAX_FLAGGED = 14
# Each (game, pool, test) gets a Kolmogorov-Smirnov test of uniform p-values. There are about 25
# of them, so a threshold of 0.001 keeps a false alarm of the whole set under 3 %.
KS_THRESHOLD = 0.001


@pytest.fixture(scope="module")
def fair_p_values():
    """p-values of every test on 150 fair histories of each game, keyed by (game, pool, test)."""
    found: dict[tuple[str, str, str], list[float]] = {}
    for game in ("ssq", "dlt"):
        spec = get_game(game)
        for index in range(N_FAIR):
            history = fair_history(spec, FAIR_DRAWS, seed=7000 + index)
            for pool in spec.pools:
                outcomes = run_battery(history.indicators(pool.name), pool)
                for name, outcome in outcomes.items():
                    found.setdefault((game, pool.name, name), []).append(outcome.p_value)
    return {key: np.array(values) for key, values in found.items()}


@pytest.mark.parametrize("game", ["ssq", "dlt"])
@pytest.mark.parametrize("test", TEST_NAMES)
def test_p_values_uniform_on_fair_draws(fair_p_values, game, test):
    for pool in get_game(game).pools:
        p = fair_p_values[(game, pool.name, test)]
        if np.isnan(p).all():
            # Not applicable (pairs in a one-ball pool) or too few draws for the null law.
            assert (test, game, pool.name) in {("pairs", "ssq", "blue"), ("serial", "ssq", "blue")}
            continue
        assert not np.isnan(p).any(), (game, pool.name, test)
        assert stats.kstest(p, "uniform").pvalue > KS_THRESHOLD, (game, pool.name, test)
        assert (p < 0.05).sum() <= MAX_FLAGGED, (game, pool.name, test)


def test_frequency_correction_for_drawing_without_replacement():
    # Pearson's statistic has mean N - k under fair drawing, not N - 1: the scaled chi-square
    # law is right and the plain one is not.
    pool = get_game("ssq").pool("red")
    rng = np.random.default_rng(3)
    statistics = [
        frequency_test(simulate_fair_indicators(rng, 400, pool), pool).statistic for _ in range(400)
    ]
    mean = float(np.mean(statistics))
    assert abs(mean - (33 - 6)) < 1.0
    assert abs(mean - (33 - 1)) > 3.0


def test_hot_number_detected():
    history = planted_history("ssq", 1500, signals=(HotNumber("red", 7, 0.15),), seed=5)
    audit = run_audit(history, eras=3)
    row = audit.tests[
        (audit.tests["test"] == "frequency") & (audit.tests["pool"] == "red") & (audit.tests["era"] == "all")
    ]
    assert row["significant"].item()
    assert "departs from fair drawing" in row["reading_en"].item()
    assert "偏离公平随机抽取" in row["reading_zh"].item()
    n_found = len(audit.findings)
    assert (
        f"{n_found} of the 49 tests of the randomness audit depart from fair drawing" in audit.reading["en"]
    )
    assert "frequency on red (full history" in audit.reading["en"]


def test_sticky_draws_detected_by_repeats_and_serial():
    # Each draw copies the previous one with probability 0.2: repeats and serial dependence.
    spec = get_game("dlt")
    rng = np.random.default_rng(12)
    fair = fair_history(spec, 800, seed=12)
    numbers = {name: array.copy() for name, array in fair.numbers.items()}
    for i in range(1, 800):
        if rng.random() < 0.2:
            for name in numbers:
                numbers[name][i] = numbers[name][i - 1]
    sticky = DrawHistory(game=spec, issues=fair.issues, dates=fair.dates, numbers=numbers)
    audit = run_audit(sticky, eras=0)
    flagged = set(audit.findings.loc[audit.findings["era"] == "all", "test"])
    assert {"repeats", "serial"} <= flagged


def test_fair_history_reads_as_fair():
    audit = run_audit(fair_history("dlt", 900, seed=31), eras=3)
    assert list(audit.tests.columns) == AUDIT_COLUMNS
    assert len(audit.tests) == 2 * len(TEST_NAMES) * 4
    assert audit.findings.empty
    assert "none of the 56 tests of the randomness audit departs from fair drawing" in audit.reading["en"]
    assert "均未发现偏离公平随机抽取" in audit.reading["zh"]
    eras = audit.tests["era"].unique().tolist()
    assert eras[0] == "all"
    assert len(eras) == 4


def test_untested_rows_give_their_reason():
    audit = run_audit(fair_history("ssq", 400, seed=2), eras=2)
    tests = audit.tests
    pairs = tests[(tests["test"] == "pairs") & (tests["pool"] == "blue")]
    assert (pairs["method"] == "not applicable").all()
    assert pairs["p_bh"].isna().all()
    assert not pairs["significant"].any()
    assert (
        pairs["reading_en"]
        .iloc[0]
        .endswith("does not apply to this pool (1 of 16 numbers drawn) and was not tested.")
    )
    assert "不适用于该号码区" in pairs["reading_zh"].iloc[0]
    serial = tests[(tests["test"] == "serial") & (tests["pool"] == "blue")]
    assert (serial["method"] == "needs simulations").all()
    assert "needs a Monte Carlo p-value (set n_simulations, or --simulations" in serial["reading_en"].iloc[0]
    assert "需要蒙特卡洛 p 值" in serial["reading_zh"].iloc[0]
    n_tested = int(tests["p_value"].notna().sum())
    assert n_tested == len(tests) - 6
    reading = audit.reading
    assert f"of the {n_tested} tests of the randomness audit" in reading["en"]
    assert (
        "6 tests were not run: 3 do not apply to their pool; 3 need a Monte Carlo p-value (--simulations). "
        "This run used no simulations (n_simulations = 0); with simulations these tests run too."
    ) in reading["en"]
    assert "另有 6 项未检验：3 项不适用于该号码区，3 项需要蒙特卡洛 p 值（--simulations）。" in reading["zh"]
    assert "= <" not in reading["en"] + reading["zh"]
    assert all("= <" not in text for text in tests["reading_en"].tolist() + tests["reading_zh"].tolist())


def test_reading_counts_depend_on_simulations():
    audit = run_audit(fair_history("ssq", 400, seed=2), eras=2, n_simulations=19, seed=4)
    tests = audit.tests
    n_tested = int(tests["p_value"].notna().sum())
    assert n_tested == len(tests) - 3
    assert (tests.loc[tests["test"] == "serial", "method"].isin(["asymptotic", "simulated"])).all()
    assert (
        "3 tests were not run: 3 do not apply to their pool. This run used 19 simulations, and 3 tests "
        "use a Monte Carlo p-value; another simulation setting gives other counts of tests run and not run."
    ) in audit.reading["en"]
    assert "本次使用 19 次模拟，3 项检验采用蒙特卡洛 p 值" in audit.reading["zh"]


def test_too_few_draws_is_its_own_reason():
    pool = get_game("ssq").pool("red")
    outcome = run_battery(simulate_fair_indicators(np.random.default_rng(0), 2, pool), pool)["gaps"]
    assert math.isnan(outcome.p_value)
    assert math.isnan(outcome.extremeness)
    assert _choose_p("gaps", outcome, math.nan, pool, 0) == (
        pytest.approx(math.nan, nan_ok=True),
        "too few draws",
    )


def test_simulated_p_values_fill_gaps():
    audit = run_audit(fair_history("ssq", 400, seed=2), eras=2, n_simulations=39, seed=4)
    tests = audit.tests.set_index(["test", "pool", "era"])
    serial = tests.loc[("serial", "blue", "all")]
    assert serial["method"] == "simulated"
    assert serial["p_value"] == serial["p_simulated"]
    # (1 + count) / 40 lies on a grid of fortieths.
    assert (audit.tests["p_simulated"].dropna() * 40).round(9).mod(1).eq(0).all()
    frequency = tests.loc[("frequency", "red", "all")]
    assert frequency["method"] == "asymptotic"
    assert abs(frequency["p_value"] - frequency["p_simulated"]) < 0.3
    assert audit.settings["n_simulations"] == 39


def test_benjamini_hochberg_matches_statsmodels():
    p = np.array([0.001, 0.2, 0.03, np.nan, 0.04, 0.5])
    present = ~np.isnan(p)
    adjusted = benjamini_hochberg(p)
    assert np.isnan(adjusted[3])
    assert adjusted[present] == pytest.approx(multipletests(p[present], method="fdr_bh")[1], rel=1e-12)


def test_era_spans_cover_history():
    spans = era_spans(1001, 3)
    assert spans == [(0, 334), (334, 667), (667, 1001)]


def test_json_layout_and_roundtrip(tmp_path):
    audit = run_audit(fair_history("ssq", 300, seed=8), eras=0)
    path = audit.save(tmp_path / "ssq" / "audit.json")

    def reject(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    data = json.loads(path.read_text(encoding="utf-8"), parse_constant=reject)
    assert set(data) == {"game", "tests", "reading", "settings"}
    assert set(data["reading"]) == {"zh", "en"}
    required = {
        "test",
        "pool",
        "era",
        "statistic",
        "p_value",
        "p_bh",
        "significant",
        "reading_zh",
        "reading_en",
    }
    assert all(required <= set(row) for row in data["tests"])
    again = AuditResult.load(path)
    pd.testing.assert_frame_equal(again.tests, audit.tests, check_dtype=False)
    assert again.reading == audit.reading


@pytest.mark.parametrize(
    ("draws", "options", "message"),
    [
        (40, {}, "the audit needs at least 50 draws, the history has 40; load more draws first"),
        (
            120,
            {"eras": 3},
            "eras=3 leaves fewer than 50 draws per era (120 draws in all); use at most 2 eras",
        ),
        (120, {"eras": -1}, "eras must be at least 0, got -1"),
        (120, {"eras": 0, "n_simulations": -5}, "n_simulations must be at least 0, got -5"),
        (120, {"eras": 0, "max_lag": 0}, "max_lag must be at least 1, got 0"),
    ],
)
def test_rejects_bad_settings(draws, options, message):
    history = fair_history("ssq", draws, seed=1)
    with pytest.raises(ConfigError) as error:
        run_audit(history, **options)
    assert str(error.value) == message
    assert error.value.zh
