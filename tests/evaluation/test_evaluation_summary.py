"""evaluate(): every figure beside its exact baseline, with intervals and corrected p-values."""

from __future__ import annotations

import itertools
import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from evaluation_fixtures import frequency_forecasts, oracle_forecasts, uniform_forecasts
from scipy import stats

from lotto_lab.backtest.folds import make_folds
from lotto_lab.backtest.runner import run_backtest
from lotto_lab.errors import ConfigError, DataValidationError
from lotto_lab.evaluation import baselines
from lotto_lab.evaluation.calibration import CALIBRATION_COLUMNS
from lotto_lab.evaluation.reading import evaluation_reading, p_phrase
from lotto_lab.evaluation.scored import score_forecasts
from lotto_lab.evaluation.significance import holm_adjust
from lotto_lab.evaluation.summary import TABLE_COLUMNS, Evaluation, evaluate
from lotto_lab.games import get_game
from lotto_lab.strategies.registry import make_strategy
from lotto_lab.synthetic import HotNumber, fair_history, optimal_lift_bits, planted_history

SSQ = get_game("ssq")
DLT = get_game("dlt")
SIGNAL = HotNumber("red", 7, 0.3)


@pytest.fixture(scope="module")
def planted_result():
    history = planted_history("ssq", 700, signals=(SIGNAL,), seed=3)
    targets = np.arange(200, 700)
    forecasts = {
        "uniform": uniform_forecasts(history, targets),
        "oracle": oracle_forecasts(history, targets, SIGNAL),
        "frequency": frequency_forecasts(history, targets, prior=10.0),
    }
    return score_forecasts(history, forecasts, targets, seed=1)


@pytest.fixture(scope="module")
def planted_evaluation(planted_result):
    return evaluate(planted_result, "ssq", n_trials=3, n_bootstrap=400, seed=5)


def hand_table(game, issues, hits, strategies=("uniform", "mine"), tiers=None, payouts=None):
    """A backtest table written by hand: ``hits[pool]`` is a list per strategy of per-draw hits."""
    spec = get_game(game)
    rows = []
    for s, strategy in enumerate(strategies):
        for j, issue in enumerate(issues):
            row = {"game": spec.name, "strategy": strategy, "target_issue": issue, "cutoff": issue - 1}
            for pool in spec.pools:
                row[f"hits_{pool.name}"] = hits[pool.name][s][j]
                row[f"log_loss_{pool.name}"] = baselines.uniform_log_loss_bits(pool)
            rule = spec.rule_for(issue)
            tier = rule.tier_for(tuple(row[f"hits_{pool.name}"] for pool in spec.pools))
            if tiers is not None:
                row["tier"] = tiers[s][j]
            else:
                row["tier"] = tier.tier if tier else 0
            row["tier_name"] = tier.name if tier else ""
            row["rule_version"] = rule.version
            row["payout"] = payouts[s][j] if payouts is not None else 0.0
            rows.append(row)
    return pd.DataFrame(rows)


def test_table_layout(planted_evaluation):
    table = planted_evaluation.table
    assert list(table.columns) == TABLE_COLUMNS
    assert set(table["metric"]) == {"log_loss_lift", "mean_hits", "tier_rate", "win_rate", "return_on_stake"}
    lift = planted_evaluation.rows("log_loss_lift")
    assert lift["strategy"].tolist() == ["uniform", "oracle", "frequency"]
    assert (table["n"] == 500).sum() > 0
    assert planted_evaluation.settings["block_length"] == math.ceil(500 ** (1 / 3))
    assert planted_evaluation.settings["n_bootstrap"] == 400


def test_uniform_lift_is_zero(planted_evaluation):
    for pool in ("red", "blue", "all"):
        row = planted_evaluation.rows("log_loss_lift", pool).iloc[0]
        assert row["strategy"] == "uniform"
        assert (row["value"], row["ci_low"], row["ci_high"]) == (0.0, 0.0, 0.0)
        assert math.isnan(row["p_value"])
        assert math.isnan(row["p_holm"])


def test_baselines_are_exact(planted_evaluation):
    hits = planted_evaluation.rows("mean_hits", "red")
    assert (hits["baseline"] == 6 * 6 / 33).all()
    blue = planted_evaluation.rows("mean_hits", "blue")
    assert (blue["baseline"] == 1 / 16).all()
    tiers = planted_evaluation.rows("tier_rate")
    sixth = tiers[tiers["detail"] == "ssq-2003 六等奖"]
    assert len(sixth) == 3
    assert sixth["baseline"].iloc[0] == pytest.approx(1 / 16.98007742, rel=1e-8)


def test_oracle_lift_matches_optimum(planted_evaluation):
    oracle = planted_evaluation.rows("log_loss_lift").set_index("strategy").loc["oracle"]
    optimum = optimal_lift_bits("ssq", SIGNAL)
    assert oracle["ci_low"] <= optimum <= oracle["ci_high"]
    assert oracle["ci_low"] > 0
    assert oracle["p_holm"] < 0.05


def test_holm_counts_strategies_and_trials(planted_evaluation):
    lift = planted_evaluation.rows("log_loss_lift").set_index("strategy")
    p = lift.loc[["oracle", "frequency"], "p_value"].to_numpy()
    # Two strategies compared plus three tuning trials: a family of five.
    smallest = p.min()
    assert lift.loc[["oracle", "frequency"], "p_holm"].min() == pytest.approx(min(1.0, 5 * smallest))
    assert planted_evaluation.significance.family_size == 5


def test_lift_rows_agree_with_significance(planted_evaluation):
    lift = planted_evaluation.rows("log_loss_lift").set_index("strategy")
    tests = planted_evaluation.significance.tests.set_index("strategy")
    for name in ("oracle", "frequency"):
        assert lift.loc[name, "p_value"] == pytest.approx(tests.loc[name, "p_value"], rel=1e-12)
        assert lift.loc[name, "p_holm"] == pytest.approx(tests.loc[name, "p_holm"], rel=1e-12)
        assert lift.loc[name, "value"] == pytest.approx(tests.loc[name, "mean_lift"], rel=1e-12)


def test_reading_reports_detection(planted_evaluation):
    reading = planted_evaluation.reading
    assert "oracle, frequency beat uniform at the 5% level after correction" in reading["en"]
    assert "5 comparisons, 3 of them tuning trials" in reading["en"]
    assert "胜过均匀基准" in reading["zh"]


def test_reading_when_nothing_beats_chance():
    history = fair_history("ssq", 300, seed=8)
    targets = np.arange(100, 300)
    forecasts = {
        "uniform": uniform_forecasts(history, targets),
        "frequency": frequency_forecasts(history, targets),
    }
    result = score_forecasts(history, forecasts, targets, seed=2)
    evaluation = evaluate(result, "ssq", n_bootstrap=200)
    assert "no strategy beats chance at the 5% level after correction" in evaluation.reading["en"]
    assert "没有任何策略在 5% 水平上胜过随机" in evaluation.reading["zh"]
    assert evaluation.significance.significant == []


def test_mean_hits_exact_p_value():
    # Three draws; totals and tails checked by enumerating every hit combination.
    issues = [2020001, 2020002, 2020003]
    hits = {"red": [[1, 1, 1], [3, 2, 4]], "blue": [[0, 0, 0], [1, 0, 1]]}
    result = SimpleNamespace(table=hand_table("ssq", issues, hits))
    evaluation = evaluate(result, "ssq", n_bootstrap=0)
    law = baselines.hit_distribution(SSQ.pool("red"))
    tail = sum(
        math.prod(law[h] for h in combo) for combo in itertools.product(range(7), repeat=3) if sum(combo) >= 9
    )
    row = evaluation.rows("mean_hits", "red").set_index("strategy").loc["mine"]
    assert row["value"] == 3.0
    assert row["p_value"] == pytest.approx(tail, rel=1e-9)
    assert math.isnan(row["ci_low"])
    blue = evaluation.rows("mean_hits", "blue").set_index("strategy").loc["mine"]
    assert blue["p_value"] == pytest.approx(stats.binom.sf(1, 3, 1 / 16), rel=1e-9)


def test_tier_rate_exact_interval():
    issues = list(range(2020001, 2020041))
    red = [[0] * 40, [2] * 40]
    blue = [[0] * 40, [1] * 20 + [0] * 20]
    evaluation = evaluate(
        SimpleNamespace(table=hand_table("ssq", issues, {"red": red, "blue": blue})), "ssq", n_bootstrap=0
    )
    tiers = evaluation.rows("tier_rate")
    row = tiers[(tiers["strategy"] == "mine") & (tiers["detail"] == "ssq-2003 六等奖")].iloc[0]
    p6 = baselines.tier_probabilities(SSQ, "ssq-2003")[6]
    interval = stats.binomtest(20, 40, p6).proportion_ci(confidence_level=0.95, method="exact")
    assert row["value"] == 0.5
    assert row["baseline"] == pytest.approx(p6)
    assert row["ci_low"] == pytest.approx(interval.low, rel=1e-9)
    assert row["ci_high"] == pytest.approx(interval.high, rel=1e-9)
    assert row["p_value"] == pytest.approx(stats.binom.sf(19, 40, p6), rel=1e-9)
    assert row["n"] == 40


def test_win_rate_across_rule_versions():
    # Two draws under ssq-2003 and two under the 福运奖 rule, which adds a tier.
    issues = [2026012, 2026013, 2026014, 2026015]
    hits = {"red": [[0, 0, 0, 0], [3, 0, 3, 0]], "blue": [[0, 0, 0, 0], [0, 0, 0, 0]]}
    evaluation = evaluate(SimpleNamespace(table=hand_table("ssq", issues, hits)), "ssq", n_bootstrap=0)
    row = evaluation.rows("win_rate").set_index("strategy").loc["mine"]
    old = baselines.win_probability(SSQ, "ssq-2003")
    new = baselines.win_probability(SSQ, "ssq-2026-fuyun")
    assert row["value"] == 0.25  # 3+0 wins only under 福运奖
    assert row["baseline"] == pytest.approx((old + new) / 2)
    law = np.convolve(stats.binom.pmf(range(3), 2, old), stats.binom.pmf(range(3), 2, new))
    assert row["p_value"] == pytest.approx(law[1:].sum(), rel=1e-9)
    versions = set(evaluation.rows("tier_rate")["detail"].str.split().str[0])
    assert versions == {"ssq-2003", "ssq-2026-fuyun"}


def test_return_on_stake_with_prizes_and_money():
    # DLT 2026 rules: tier 7 pays 5 yuan, or 7 when the pool before the draw is 800 million or
    # more. The pool before 26020 and 26022 is 900 million; before 26021 it is unknown, so the
    # normal prize is assumed there.
    issues = [2026020, 2026021, 2026022]
    hits = {"front": [[0, 0, 0], [3, 3, 5]], "back": [[0, 0, 0], [0, 0, 2]]}
    table = hand_table("dlt", issues, hits, payouts=[[0, 0, 0], [5, 5, math.nan]])
    money = pd.DataFrame({"issue": [2026019, 2026021], "sales": [1e8, 1e8], "pool_after": [9e8, 9e8]})
    prizes = pd.DataFrame(
        {
            "issue": [2026022, 2026022],
            "tier": [1, 2],
            "tier_name": ["一等奖", "二等奖"],
            "winners": [1, 10],
            "amount": [1e7, 2e5],
        }
    )
    evaluation = evaluate(SimpleNamespace(table=table), "dlt", prizes=prizes, money=money, n_bootstrap=0)
    row = evaluation.rows("return_on_stake").set_index("strategy").loc["mine"]
    # The value, the baseline and the test use the fixed tiers; the jackpot is quoted in detail.
    assert row["value"] == pytest.approx((7 + 5) / 3 / 2)

    probabilities = baselines.tier_probabilities(DLT, "dlt-2026")
    rule = baselines.rule_by_version(DLT, "dlt-2026")
    normal = sum(probabilities[t.tier] * t.prize for t in rule.tiers if t.prize is not None)
    high = sum(probabilities[t.tier] * t.high_pool_prize for t in rule.tiers if t.prize is not None)
    floating = probabilities[1] * 1e7 + probabilities[2] * 2e5
    assert row["baseline"] == pytest.approx((high + normal + high) / 3 / 2, rel=1e-12)
    every = (high + normal + high + floating) / 3 / 2
    total = (7 + 5 + 1e7) / 3 / 2
    assert row["detail"] == f"fixed tiers; all tiers {total:.4f} vs {every:.4f} (not tested)"

    notes = " ".join(note["en"] for note in evaluation.notes)
    assert "on 2 of 3 draws an amount is missing" in notes
    assert "apply on 2 draws; the pool is unknown on 1 draws, where the normal prize is assumed" in notes
    assert f"it expects {every:.4f}, but their wins are so rare that 3 draws" in notes
    assert all(note["zh"] for note in evaluation.notes)


def test_return_on_stake_without_prizes(planted_evaluation):
    notes = [note["en"] for note in planted_evaluation.notes]
    assert "No per-draw prize amounts were given" in notes[1]
    row = planted_evaluation.rows("return_on_stake").iloc[0]
    assert row["baseline"] == pytest.approx(baselines.expected_payout(SSQ, "ssq-2003").fixed_return)


def test_json_roundtrip(planted_evaluation, tmp_path):
    path = planted_evaluation.save(tmp_path / "ssq" / "evaluation.json")

    def reject(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    data = json.loads(path.read_text(encoding="utf-8"), parse_constant=reject)
    assert data["game"] == "ssq"
    assert data["table"][0]["p_value"] is None
    again = Evaluation.load(path)
    pd.testing.assert_frame_equal(again.table, planted_evaluation.table)
    pd.testing.assert_frame_equal(again.calibration, planted_evaluation.calibration, check_dtype=False)
    assert again.reading == planted_evaluation.reading
    assert again.significance.spa == planted_evaluation.significance.spa
    assert again.notes == planted_evaluation.notes


def test_calibration_of_oracle(planted_evaluation):
    calibration = planted_evaluation.calibration
    assert list(calibration.columns) == CALIBRATION_COLUMNS
    oracle = calibration[(calibration["strategy"] == "oracle") & (calibration["pool"] == "red")]
    assert len(oracle) == 2  # the hot number and the rest
    assert (oracle["ci_low"] <= oracle["mean_predicted"]).all()
    assert (oracle["mean_predicted"] <= oracle["ci_high"]).all()
    assert oracle["count"].sum() == 500 * 33


def test_without_bootstrap_no_spa(planted_result):
    evaluation = evaluate(planted_result, "ssq", n_bootstrap=0)
    assert evaluation.significance.spa is None
    assert evaluation.table["ci_low"][evaluation.table["metric"] == "log_loss_lift"].isna().all()


def test_real_runner_result():
    history = planted_history(
        "dlt", 420, signals=(HotNumber("back", 4, 0.5),), seed=9, start=pd.Timestamp("2019-01-02").date()
    )
    folds = make_folds(len(history), initial_train_size=120)
    strategies = [make_strategy("uniform"), make_strategy("frequency")]
    result = run_backtest(history, strategies, folds, seed=4)
    evaluation = evaluate(result, "dlt", n_bootstrap=300, seed=2)
    assert evaluation.settings["baseline_strategy"] == "uniform"
    lift = evaluation.rows("log_loss_lift", "back").set_index("strategy")
    assert lift.loc["uniform", "value"] == 0.0
    assert lift.loc["frequency", "p_holm"] < 0.05
    assert set(evaluation.calibration["strategy"]) == {"uniform", "frequency"}
    issues = result.table["target_issue"].unique()
    assert evaluation.settings["first_target_issue"] == issues.min()


def test_rejects_missing_column(planted_result):
    table = planted_result.table.drop(columns=["hits_blue"])
    with pytest.raises(DataValidationError) as error:
        evaluate(SimpleNamespace(table=table), "ssq")
    assert str(error.value).startswith(
        "the backtest table has no column hits_blue; a SSQ table needs strategy,"
    )
    assert error.value.zh.startswith("回测结果表缺少列 hits_blue")


def test_rejects_unpaired_strategies(planted_result):
    table = planted_result.table
    shorter = table.drop(table[(table["strategy"] == "oracle")].index[:5])
    with pytest.raises(
        DataValidationError,
        match=r"^every strategy must be scored on the same 500 draws, but oracle has 495$",
    ):
        evaluate(SimpleNamespace(table=shorter), "ssq")


def test_rejects_duplicate_rows(planted_result):
    table = pd.concat([planted_result.table, planted_result.table.iloc[:1]])
    with pytest.raises(
        DataValidationError, match=r"^the backtest table scores strategy 'uniform' twice on issue 2004051$"
    ):
        evaluate(SimpleNamespace(table=table), "ssq")


def test_rejects_single_draw(planted_result):
    table = planted_result.table[
        planted_result.table["target_issue"] == planted_result.table["target_issue"].min()
    ]
    with pytest.raises(
        DataValidationError, match=r"^the backtest table scores 1 draw; the evaluation needs at least 2$"
    ):
        evaluate(SimpleNamespace(table=table), "ssq")


def test_rejects_prizes_without_amount(planted_result):
    prizes = pd.DataFrame({"issue": [2004001], "tier_name": ["一等奖"]})
    with pytest.raises(
        DataValidationError, match=r"^prizes has no column amount; it needs issue, tier_name, amount$"
    ):
        evaluate(planted_result, "ssq", prizes=prizes)


def test_rejects_other_game(planted_result):
    with pytest.raises(DataValidationError, match=r"^the backtest table has no column hits_front"):
        evaluate(planted_result, "dlt")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"n_bootstrap": -1}, "n_bootstrap must be at least 0, got -1"),
        ({"n_trials": -2}, "n_trials must be at least 0, got -2"),
        ({"alpha": 1.5}, "alpha must lie between 0 and 1, got 1.5"),
        ({"bootstrap": "iid"}, "bootstrap must be 'stationary' or 'moving', got 'iid'"),
        ({"block_length": 0}, "block_length must be at least 1 or None, got 0"),
    ],
)
def test_rejects_bad_settings(planted_result, options, message):
    with pytest.raises(ConfigError) as error:
        evaluate(planted_result, "ssq", **options)
    assert str(error.value) == message
    assert error.value.zh


def test_secondary_rows_share_one_holm_family(planted_evaluation):
    table = planted_evaluation.table
    tested = table[table["p_value"].notna()]
    primary = (tested["metric"] == "log_loss_lift") & (tested["pool"] == "all")
    secondary = tested[~primary]
    n_trials = planted_evaluation.settings["n_trials"]
    expected = holm_adjust(secondary["p_value"].to_numpy(), n_extra=n_trials)
    assert len(secondary) > len(tested[primary])
    assert secondary["p_holm"].to_numpy() == pytest.approx(expected, rel=1e-12)


@pytest.fixture(scope="module")
def fair_evaluation():
    history = fair_history("ssq", 300, seed=8)
    targets = np.arange(100, 300)
    forecasts = {
        "uniform": uniform_forecasts(history, targets),
        "frequency": frequency_forecasts(history, targets),
    }
    result = score_forecasts(history, forecasts, targets, seed=2)
    return evaluate(result, "ssq", n_bootstrap=200)


def test_reading_names_the_primary_measure(fair_evaluation, planted_evaluation):
    assert "on the primary measure, the summed log-loss lift over uniform" in fair_evaluation.reading["en"]
    assert "按主要指标（各号码区合计的对数损失相对均匀基准的提升）" in fair_evaluation.reading["zh"]
    assert "on the primary measure" in planted_evaluation.reading["en"]


def test_reading_without_secondary_findings(fair_evaluation):
    table = fair_evaluation.table.copy()
    secondary = table["p_holm"].notna() & ~((table["metric"] == "log_loss_lift") & (table["pool"] == "all"))
    table.loc[secondary, "p_holm"] = 0.5
    # A significant row of the baseline strategy itself is never listed.
    table.loc[(table["strategy"] == "uniform") & (table["metric"] == "win_rate"), "p_holm"] = 0.001
    reading = evaluation_reading(SSQ, table, fair_evaluation.significance, 0.05)
    assert "secondary measures" not in reading["en"]
    assert "次要指标" not in reading["zh"]


def test_reading_lists_secondary_findings(fair_evaluation):
    table = fair_evaluation.table.copy()
    tested = table["p_holm"].notna()
    secondary = tested & ~((table["metric"] == "log_loss_lift") & (table["pool"] == "all"))
    table.loc[secondary, "p_holm"] = 0.5
    hits = (table["strategy"] == "frequency") & (table["metric"] == "mean_hits")
    table.loc[hits & (table["pool"] == "red"), ["value", "p_holm"]] = [1.25, 0.0004]
    table.loc[hits & (table["pool"] == "blue"), ["value", "p_holm"]] = [0.09, 0.02]
    table.loc[(table["strategy"] == "frequency") & (table["metric"] == "win_rate"), "p_holm"] = 0.03
    table.loc[(table["strategy"] == "frequency") & (table["metric"] == "return_on_stake"), "p_holm"] = 0.04
    table.loc[(table["strategy"] == "uniform") & (table["metric"] == "win_rate"), "p_holm"] = 0.001
    n_secondary = int(secondary.sum())
    baseline_red = baselines.expected_hits(SSQ.pool("red"))

    reading = evaluation_reading(SSQ, table, fair_evaluation.significance, 0.05)

    assert (
        f"On the secondary measures (Holm correction over their {n_secondary} tests), 4 rows exceed "
        f"chance at the 5% level: frequency mean hits (red) 1.2500 vs {baseline_red:.4f}, corrected "
        "p < 0.001; frequency mean hits (blue) 0.0900 vs 0.0625, corrected p = 0.020; frequency "
        "win rate (all pools) "
    ) in reading["en"]
    assert (
        ", and 1 more. A better hit rate or return on past draws is not a better forecast unless "
        in (reading["en"])
    )
    assert reading["en"].endswith("unless the log-loss lift holds as well; here it does not.")
    assert "uniform win rate" not in reading["en"]
    assert (
        f"次要指标（其 {n_secondary} 项检验一起做 Holm 校正）中，有 4 项在 5% 水平上高于随机" in reading["zh"]
    )
    assert f"frequency 平均命中个数 (红球) 1.2500 vs {baseline_red:.4f}，校正后 p < 0.001" in reading["zh"]
    assert "，另有 1 项。" in reading["zh"]


def test_p_phrase(planted_evaluation):
    assert p_phrase(0.0004) == "p < 0.001"
    assert p_phrase(0.0123) == "p = 0.012"
    assert p_phrase(0.0004, "corrected p") == "corrected p < 0.001"
    assert p_phrase(math.nan) == "p = n/a"
    for text in planted_evaluation.reading.values():
        assert "= <" not in text
    assert "corrected p < 0.001" in planted_evaluation.reading["en"]
    assert "校正后 p < 0.001" in planted_evaluation.reading["zh"]


def test_return_on_stake_uniform_on_fair_draws():
    # A long fair history with jackpot-sized floating prizes on every draw: a random ticket's
    # sample return leaves out the jackpots it never wins, so only the fixed tiers are tested.
    history = fair_history("ssq", 3000, seed=41)
    targets = np.arange(1, 3000)
    result = score_forecasts(history, {"uniform": uniform_forecasts(history, targets)}, targets, seed=9)
    issues = np.repeat(history.issues[targets], 2)
    prizes = pd.DataFrame(
        {
            "issue": issues,
            "tier_name": np.tile(["一等奖", "二等奖"], len(targets)),
            "amount": np.tile([6e6, 1.5e5], len(targets)),
        }
    )
    evaluation = evaluate(result, "ssq", prizes=prizes, n_bootstrap=300, seed=3)
    row = evaluation.rows("return_on_stake").iloc[0]
    assert row["strategy"] == "uniform"
    assert row["p_value"] > 0.05
    assert row["ci_low"] <= row["baseline"] <= row["ci_high"]
    fixed = baselines.expected_payout(SSQ, "ssq-2003").fixed_return
    assert row["baseline"] == pytest.approx(fixed, rel=1e-9)
    every = float(row["detail"].split(" vs ")[1].split()[0])
    assert every > row["ci_high"]  # the jackpot-inclusive figure the sample cannot reach
    note = evaluation.notes[-1]
    assert note["en"].startswith("Return on stake is compared on the fixed tiers only")
    assert f"With the floating tiers (the jackpot tiers) it expects {every:.4f}" in note["en"]
    assert note["zh"].startswith("投注回报只按固定奖级比较")
