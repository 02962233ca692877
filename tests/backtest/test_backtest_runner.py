"""The walk-forward runner: table layout, tiers and payouts by rule version, errors, save and load."""

from __future__ import annotations

import datetime as dt
import logging
import math

import numpy as np
import pandas as pd
import pytest

from lotto_lab.backtest.folds import Fold, make_folds
from lotto_lab.backtest.result import BacktestResult
from lotto_lab.backtest.runner import run_backtest
from lotto_lab.errors import ConfigError, DataValidationError, InvalidIssueError, StrategyError
from lotto_lab.games import DLT, SSQ, GameSpec
from lotto_lab.history import DrawHistory
from lotto_lab.strategies.base import Strategy, scale_to_pick
from lotto_lab.strategies.frequency import FrequencyStrategy
from lotto_lab.strategies.omission import OmissionStrategy
from lotto_lab.strategies.recency import RecencyStrategy
from lotto_lab.strategies.tickets import top_ticket
from lotto_lab.strategies.uniform import UniformStrategy
from lotto_lab.synthetic import fair_history


class FixedStrategy(Strategy):
    """Always favours the same numbers, so its scored ticket is known in advance."""

    name = "fixed"

    def __init__(self, game: GameSpec, favourites: dict[str, list[int]]) -> None:
        self.probabilities = {}
        for pool in game.pools:
            weights = np.ones(pool.size)
            weights[np.array(favourites[pool.name]) - 1] = 10.0
            self.probabilities[pool.name] = scale_to_pick(weights, pool.pick)

    def fit(self, history: DrawHistory) -> FixedStrategy:
        return self

    def predict_proba(self, history: DrawHistory) -> dict[str, np.ndarray]:
        return {name: p.copy() for name, p in self.probabilities.items()}


def hand_made_history(game: GameSpec, draws: list[tuple[int, list[int], list[int]]]) -> DrawHistory:
    first, second = game.pool_names
    return DrawHistory(
        game=game,
        issues=np.array([issue for issue, _, _ in draws], dtype=np.int64),
        dates=np.arange(np.datetime64("2026-01-01"), np.datetime64("2026-01-01") + len(draws)),
        numbers={
            first: np.array([a for _, a, _ in draws], dtype=np.int16),
            second: np.array([b for _, _, b in draws], dtype=np.int16),
        },
    )


def single_step_folds(n_draws: int) -> list[Fold]:
    return make_folds(n_draws, initial_train_size=1)


# Ticket: red 1-6 + blue 1.
SSQ_DRAWS = [
    (2026010, [10, 11, 12, 13, 14, 15], [9]),  # training only
    (2026011, [1, 2, 3, 4, 5, 6], [1]),  # 6+1 一等奖 (floating)
    (2026012, [1, 2, 3, 4, 5, 6], [2]),  # 6+0 二等奖 (floating)
    (2026013, [1, 2, 3, 4, 5, 7], [1]),  # 5+1 三等奖 3000, last issue of ssq-2003
    (2026014, [1, 2, 3, 7, 8, 9], [2]),  # 3+0 福运奖 5 under ssq-2026-fuyun
    (2026015, [7, 8, 9, 10, 11, 12], [1]),  # 0+1 六等奖 5
    (2026076, [1, 2, 3, 7, 8, 9], [2]),  # 3+0 wins nothing once 福运奖 has ended
    (2026077, [1, 2, 3, 4, 7, 8], [3]),  # 4+0 五等奖 10
]
SSQ_EXPECTED = [
    # hits_red, hits_blue, tier, tier_name, rule_version
    (6, 1, 1, "一等奖", "ssq-2003"),
    (6, 0, 2, "二等奖", "ssq-2003"),
    (5, 1, 3, "三等奖", "ssq-2003"),
    (3, 0, 7, "福运奖", "ssq-2026-fuyun"),
    (0, 1, 6, "六等奖", "ssq-2026-fuyun"),
    (3, 0, 0, "", "ssq-2026"),
    (4, 0, 5, "五等奖", "ssq-2026"),
]

# Ticket: front 1-5 + back 1, 2.
DLT_DRAWS = [
    (2026010, [20, 21, 22, 23, 24], [11, 12]),  # training only
    (2026011, [1, 2, 3, 4, 5], [3, 4]),  # 5+0 三等奖 10000 under dlt-2019
    (2026012, [1, 2, 3, 4, 6], [1, 2]),  # 4+2 四等奖 3000 under dlt-2019
    (2026013, [6, 7, 8, 9, 10], [3, 4]),  # 0+0 nothing
    (2026014, [1, 2, 3, 4, 5], [3, 4]),  # 5+0 三等奖 under dlt-2026; pool after 26013 is 900 million
    (2026015, [1, 2, 3, 4, 6], [1, 2]),  # 4+2 三等奖 under dlt-2026; pool after 26014 is 700 million
    (2026016, [1, 2, 3, 7, 8], [1, 5]),  # 3+1 六等奖; pool after 26015 unknown
    (2026017, [1, 2, 3, 4, 5], [1, 2]),  # 5+2 一等奖 (floating)
]
DLT_EXPECTED = [
    (5, 0, 3, "三等奖", "dlt-2019"),
    (4, 2, 4, "四等奖", "dlt-2019"),
    (0, 0, 0, "", "dlt-2019"),
    (5, 0, 3, "三等奖", "dlt-2026"),
    (4, 2, 3, "三等奖", "dlt-2026"),
    (3, 1, 6, "六等奖", "dlt-2026"),
    (5, 2, 1, "一等奖", "dlt-2026"),
]
DLT_MONEY = pd.DataFrame(
    {
        "issue": [2026013, 2026014],
        "sales": [3e8, 3e8],
        "pool_after": [900_000_000.0, 700_000_000.0],
    }
)
PRIZES = pd.DataFrame(
    {
        "issue": [2026011, 2026017, 2026017],
        "tier": [1, 1, 2],
        "tier_name": ["一等奖", "一等奖", "二等奖"],
        "winners": [3, 2, 40],
        "amount": [6_000_000.0, 10_000_000.0, 150_000.0],
    }
)


def run_fixed(game: GameSpec, draws, favourites, **kwargs) -> pd.DataFrame:
    history = hand_made_history(game, draws)
    result = run_backtest(
        history, [FixedStrategy(game, favourites)], single_step_folds(len(history)), seed=1, **kwargs
    )
    return result.table


@pytest.mark.parametrize(
    ("game", "draws", "favourites", "expected"),
    [
        (SSQ, SSQ_DRAWS, {"red": [1, 2, 3, 4, 5, 6], "blue": [1]}, SSQ_EXPECTED),
        (DLT, DLT_DRAWS, {"front": [1, 2, 3, 4, 5], "back": [1, 2]}, DLT_EXPECTED),
    ],
    ids=["ssq", "dlt"],
)
def test_tiers_follow_rule_in_force(game, draws, favourites, expected):
    table = run_fixed(game, draws, favourites)
    first, second = game.pool_names
    actual = list(
        table[[f"hits_{first}", f"hits_{second}", "tier", "tier_name", "rule_version"]].itertuples(
            index=False, name=None
        )
    )
    assert actual == expected
    assert table["target_issue"].tolist() == [issue for issue, _, _ in draws[1:]]


def test_ssq_payouts_with_and_without_prize_data():
    favourites = {"red": [1, 2, 3, 4, 5, 6], "blue": [1]}
    without = run_fixed(SSQ, SSQ_DRAWS, favourites)["payout"].tolist()
    assert math.isnan(without[0])
    assert math.isnan(without[1])
    assert without[2:] == [3000.0, 5.0, 5.0, 0.0, 10.0]

    with_prizes = run_fixed(SSQ, SSQ_DRAWS, favourites, prizes=PRIZES)["payout"].tolist()
    assert with_prizes[0] == 6_000_000.0
    assert math.isnan(with_prizes[1])  # no 二等奖 amount for 2026012
    assert with_prizes[2:] == [3000.0, 5.0, 5.0, 0.0, 10.0]


def test_dlt_payouts_use_pool_before_draw():
    favourites = {"front": [1, 2, 3, 4, 5], "back": [1, 2]}
    table = run_fixed(DLT, DLT_DRAWS, favourites, prizes=PRIZES, money=DLT_MONEY)
    payout = table["payout"].tolist()
    assert payout[:5] == [10000.0, 3000.0, 0.0, 6666.0, 5000.0]
    assert math.isnan(payout[5])  # pool after 2026015 is unknown, so 15 or 18 could apply
    assert payout[6] == 10_000_000.0


def test_dlt_payouts_without_money_data():
    favourites = {"front": [1, 2, 3, 4, 5], "back": [1, 2]}
    payout = run_fixed(DLT, DLT_DRAWS, favourites)["payout"].to_numpy()
    assert payout[:3].tolist() == [10000.0, 3000.0, 0.0]
    assert np.isnan(payout[3:]).all()


def test_prize_amount_zero_counts_as_unknown():
    prizes = PRIZES.assign(amount=[0.0, 10_000_000.0, 150_000.0])
    favourites = {"red": [1, 2, 3, 4, 5, 6], "blue": [1]}
    assert math.isnan(run_fixed(SSQ, SSQ_DRAWS, favourites, prizes=prizes)["payout"].iloc[0])


@pytest.fixture(scope="module")
def ssq_result() -> tuple[DrawHistory, list[Fold], BacktestResult]:
    history = fair_history("ssq", 200, seed=21)
    folds = make_folds(len(history), initial_train_size=150, refit_every=5)
    strategies = [UniformStrategy(), FrequencyStrategy(window=40), OmissionStrategy(), RecencyStrategy()]
    return history, folds, run_backtest(history, strategies, folds, seed=77)


@pytest.mark.parametrize(
    ("game", "columns"),
    [
        (
            "ssq",
            [
                "game",
                "strategy",
                "cutoff",
                "target_issue",
                "train_end_issue",
                "horizon",
                "train_size",
                "hits_red",
                "hits_blue",
                "log_loss_red",
                "log_loss_blue",
                "log_loss",
                "ticket",
                "tier",
                "tier_name",
                "rule_version",
                "payout",
            ],
        ),
        (
            "dlt",
            [
                "game",
                "strategy",
                "cutoff",
                "target_issue",
                "train_end_issue",
                "horizon",
                "train_size",
                "hits_front",
                "hits_back",
                "log_loss_front",
                "log_loss_back",
                "log_loss",
                "ticket",
                "tier",
                "tier_name",
                "rule_version",
                "payout",
            ],
        ),
    ],
)
def test_table_columns(game, columns):
    history = fair_history(game, 30, seed=1, start=dt.date(2015, 1, 1))
    result = run_backtest(history, [UniformStrategy()], make_folds(30, initial_train_size=20), seed=1)
    assert list(result.table.columns) == columns
    assert (result.table["game"] == game).all()


def test_table_rows_follow_folds(ssq_result):
    history, folds, result = ssq_result
    table = result.table
    assert len(table) == 4 * len(folds)
    assert list(dict.fromkeys(table["strategy"])) == ["uniform", "frequency", "omission", "recency"]
    frequency = table[table["strategy"] == "frequency"]
    assert frequency["target_issue"].tolist() == [int(history.issues[f.target]) for f in folds]
    assert frequency["cutoff"].tolist() == [int(history.issues[f.cutoff]) for f in folds]
    assert frequency["train_end_issue"].tolist() == [int(history.issues[f.train_end]) for f in folds]
    assert frequency["horizon"].tolist() == [f.horizon for f in folds]
    assert frequency["train_size"].tolist() == [f.train_size for f in folds]
    assert result.baselines == ("uniform",)
    assert result.params["frequency"] == {"window": 40, "alpha": 1.0}


def test_arrays_match_history(ssq_result):
    history, folds, result = ssq_result
    targets = [fold.target for fold in folds]
    np.testing.assert_array_equal(result.targets, targets)
    np.testing.assert_array_equal(result.target_issues, history.issues[targets])
    np.testing.assert_array_equal(result.outcomes["red"], history.indicators("red")[targets])
    assert result.outcomes["blue"].dtype == np.uint8
    expected = FrequencyStrategy(window=40).predict_folds(history, folds)
    np.testing.assert_array_equal(result.probabilities["frequency"]["red"], expected["red"])


def test_log_loss_in_bits(ssq_result):
    _, _, result = ssq_result
    table = result.table
    row = 7
    p = result.probabilities["recency"]["red"][row]
    y = result.outcomes["red"][row]
    expected = -np.sum(y * np.log2(p) + (1 - y) * np.log2(1 - p))
    recency = table[table["strategy"] == "recency"].reset_index(drop=True)
    assert recency.loc[row, "log_loss_red"] == pytest.approx(expected, rel=1e-12)
    assert recency.loc[row, "log_loss"] == pytest.approx(
        recency.loc[row, "log_loss_red"] + recency.loc[row, "log_loss_blue"]
    )

    def entropy_bits(q: float) -> float:
        return -(q * math.log2(q) + (1 - q) * math.log2(1 - q))

    uniform = table[table["strategy"] == "uniform"]
    np.testing.assert_allclose(uniform["log_loss"], 33 * entropy_bits(6 / 33) + 16 * entropy_bits(1 / 16))


def test_scored_ticket_is_seeded_top_ticket(ssq_result):
    _, _, result = ssq_result
    table = result.table
    for strategy in ("uniform", "omission"):
        rows = table[table["strategy"] == strategy].reset_index(drop=True)
        for row in (0, 13, len(rows) - 1):
            probabilities = {pool: result.probabilities[strategy][pool][row] for pool in ("red", "blue")}
            ticket = top_ticket(SSQ, probabilities, seed=(77, int(rows.loc[row, "target_issue"])))
            text = " ".join(f"{n:02d}" for n in ticket["red"]) + " + " + f"{ticket['blue'][0]:02d}"
            assert rows.loc[row, "ticket"] == text
            assert rows.loc[row, "hits_red"] == int(
                result.outcomes["red"][row][np.array(ticket["red"]) - 1].sum()
            )


def test_uniform_mean_hits_match_hypergeometric():
    history = fair_history("ssq", 3000, seed=5)
    folds = make_folds(len(history), initial_train_size=1)
    table = run_backtest(history, [UniformStrategy()], folds, seed=3).table
    n = len(table)

    # Red: hits of 6 ticket numbers among 6 drawn from 33 are hypergeometric.
    mean_red = 6 * 6 / 33
    var_red = 6 * (6 / 33) * (27 / 33) * (27 / 32)
    # Blue: one number of 16, a Bernoulli(1/16) hit.
    mean_blue = 1 / 16
    var_blue = mean_blue * (1 - mean_blue)
    # Draws and tie-breaking permutations are independent from fold to fold, so the standard
    # error of the mean is sqrt(var / n); 4 standard errors give a false alarm below 1e-4.
    assert abs(table["hits_red"].mean() - mean_red) < 4 * math.sqrt(var_red / n)
    assert abs(table["hits_blue"].mean() - mean_blue) < 4 * math.sqrt(var_blue / n)


def test_two_variants_labelled_by_mapping():
    history = fair_history("dlt", 60, seed=4, start=dt.date(2015, 1, 1))
    folds = make_folds(60, initial_train_size=40)
    result = run_backtest(
        history, {"freq-10": FrequencyStrategy(window=10), "freq-all": FrequencyStrategy()}, folds, seed=1
    )
    assert result.strategies == ["freq-10", "freq-all"]
    assert result.params == {
        "freq-10": {"window": 10, "alpha": 1.0},
        "freq-all": {"window": None, "alpha": 1.0},
    }


def test_logs_start_and_finish_per_strategy(caplog):
    history = fair_history("ssq", 30, seed=1)
    with caplog.at_level(logging.INFO, logger="lotto_lab.backtest.runner"):
        run_backtest(
            history, [UniformStrategy(), RecencyStrategy()], make_folds(30, initial_train_size=25), seed=1
        )
    messages = [record.getMessage() for record in caplog.records]
    assert (
        messages[0] == "backtest ssq: strategy uniform started on 5 folds, target issues 2003026 to 2003030"
    )
    assert messages[1].startswith("backtest ssq: strategy uniform finished in ")
    assert messages[1].endswith("mean log-loss 27.9699 bits per draw (uniform 27.9699 bits)")
    assert messages[2].startswith("backtest ssq: strategy recency started")
    assert len(messages) == 4


# -- input checks --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_history() -> DrawHistory:
    return fair_history("ssq", 20, seed=9)


def test_empty_folds_rejected(small_history):
    with pytest.raises(
        ConfigError, match="folds is empty: a backtest needs at least one fold; build them with make_folds"
    ):
        run_backtest(small_history, [UniformStrategy()], [], seed=1)


def test_fold_beyond_history_rejected(small_history):
    folds = make_folds(25, initial_train_size=18)
    with pytest.raises(ConfigError) as caught:
        run_backtest(small_history, [UniformStrategy()], folds, seed=1)
    assert str(caught.value) == (
        "fold target 20 lies beyond the history, which has 20 draws (positions 0 to 19); "
        "build the folds from this history's length"
    )


def test_duplicate_strategy_names_rejected(small_history):
    folds = make_folds(20, initial_train_size=15)
    with pytest.raises(ConfigError, match="two strategies are named 'frequency': names must be distinct"):
        run_backtest(small_history, [FrequencyStrategy(), FrequencyStrategy(window=5)], folds, seed=1)


def test_unordered_targets_rejected(small_history):
    folds = [Fold(0, 10, 12), Fold(0, 10, 11)]
    with pytest.raises(
        ConfigError,
        match="fold targets must be strictly ascending, each draw scored once; fold 1 has target 11 after 12",
    ):
        run_backtest(small_history, [UniformStrategy()], folds, seed=1)


@pytest.mark.parametrize("seed", [-1, 1.5, None])
def test_invalid_seed_rejected(small_history, seed):
    with pytest.raises(ConfigError, match="seed must be a non-negative integer"):
        run_backtest(small_history, [UniformStrategy()], make_folds(20, initial_train_size=15), seed=seed)


def test_non_strategy_rejected(small_history):
    with pytest.raises(ConfigError, match="strategies must contain Strategy objects, got str: 'uniform'"):
        run_backtest(small_history, ["uniform"], make_folds(20, initial_train_size=15), seed=1)


def test_empty_strategies_rejected(small_history):
    with pytest.raises(ConfigError, match="strategies is empty"):
        run_backtest(small_history, [], make_folds(20, initial_train_size=15), seed=1)


def test_prizes_without_amount_rejected(small_history):
    with pytest.raises(
        DataValidationError, match="prizes lacks the column.s. amount; it needs issue, tier_name, amount"
    ):
        run_backtest(
            small_history,
            [UniformStrategy()],
            make_folds(20, initial_train_size=15),
            seed=1,
            prizes=PRIZES.drop(columns="amount"),
        )


def test_target_before_first_rule_rejected():
    history = fair_history("ssq", 10, seed=1, start=dt.date(2002, 6, 1))
    with pytest.raises(
        InvalidIssueError,
        match="no SSQ prize rule covers target issue 2002006; the rules cover issue 2003001 onwards",
    ):
        run_backtest(history, [UniformStrategy()], make_folds(10, initial_train_size=5), seed=1)


class BrokenStrategy(UniformStrategy):
    """Uniform, except that one fold's red probabilities sum to too much."""

    def predict_folds(self, history, folds):
        out = super().predict_folds(history, folds)
        out["red"][2] *= 1.1
        return out


def test_contract_breach_names_strategy_and_issue(small_history):
    folds = make_folds(20, initial_train_size=10)
    with pytest.raises(StrategyError) as caught:
        run_backtest(small_history, {"broken": BrokenStrategy()}, folds, seed=1)
    assert str(caught.value) == (
        "strategy 'broken' broke the probability contract for pool 'red' at target issue 2003013: "
        "each probability must lie strictly between 0 and 1 and they must sum to 6; "
        "got min 0.2, max 0.2, sum 6.600000"
    )


class WrongShapeStrategy(UniformStrategy):
    def predict_folds(self, history, folds):
        out = super().predict_folds(history, folds)
        out["blue"] = out["blue"][:-1]
        return out


def test_wrong_shape_rejected(small_history):
    folds = make_folds(20, initial_train_size=10)
    with pytest.raises(
        StrategyError, match=r"returned probabilities of shape \(9, 16\) for pool 'blue', expected \(10, 16\)"
    ):
        run_backtest(small_history, {"short": WrongShapeStrategy()}, folds, seed=1)


# -- save and load ---------------------------------------------------------------------------------


def test_save_load_round_trip(ssq_result, tmp_path):
    _, _, result = ssq_result
    folder = result.save(tmp_path / "ssq" / "backtest_full")
    assert sorted(path.name for path in folder.iterdir()) == ["backtest.parquet", "probabilities.npz"]
    loaded = BacktestResult.load(folder)
    pd.testing.assert_frame_equal(loaded.table, result.table)
    assert loaded.strategies == result.strategies
    for strategy in result.strategies:
        for pool in ("red", "blue"):
            np.testing.assert_array_equal(
                loaded.probabilities[strategy][pool], result.probabilities[strategy][pool]
            )
    np.testing.assert_array_equal(loaded.outcomes["red"], result.outcomes["red"])
    np.testing.assert_array_equal(loaded.target_issues, result.target_issues)
    np.testing.assert_array_equal(loaded.targets, result.targets)
    assert (loaded.game, loaded.seed, loaded.baselines) == ("ssq", 77, ("uniform",))
    assert loaded.params == result.params


def test_load_missing_folder_rejected(tmp_path):
    with pytest.raises(
        DataValidationError,
        match="has no backtest.parquet: expected a backtest result written by BacktestResult.save",
    ):
        BacktestResult.load(tmp_path / "nothing")


def test_load_rejects_table_without_column(ssq_result, tmp_path):
    _, _, result = ssq_result
    folder = result.save(tmp_path / "saved")
    result.table.drop(columns="payout").to_parquet(folder / "backtest.parquet", index=False)
    with pytest.raises(DataValidationError, match="backtest.parquet does not fit the backtest table schema"):
        BacktestResult.load(folder)


def test_load_rejects_table_of_other_length(ssq_result, tmp_path):
    _, _, result = ssq_result
    folder = result.save(tmp_path / "saved")
    result.table.iloc[:-1].to_parquet(folder / "backtest.parquet", index=False)
    with pytest.raises(DataValidationError, match=r"is inconsistent: table has \d+ rows, expected \d+"):
        BacktestResult.load(folder)
