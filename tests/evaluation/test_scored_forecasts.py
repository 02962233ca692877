"""score_forecasts(): forecasts made outside the runner, in the runner's table layout."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from evaluation_fixtures import frequency_forecasts, uniform_forecasts

from lotto_lab.backtest.result import table_columns
from lotto_lab.errors import ConfigError
from lotto_lab.evaluation.baselines import uniform_log_loss_bits
from lotto_lab.evaluation.scored import score_forecasts
from lotto_lab.synthetic import fair_history


def test_table_has_runner_columns():
    history = fair_history("ssq", 120, seed=1)
    targets = np.arange(20, 120)
    result = score_forecasts(history, {"uniform": uniform_forecasts(history, targets)}, targets, seed=3)
    assert list(result.table.columns) == table_columns("ssq")
    assert (result.table["cutoff"].to_numpy() == history.issues[targets - 1]).all()
    assert result.table["log_loss_red"].to_numpy() == pytest.approx(
        uniform_log_loss_bits(history.game.pool("red"))
    )


def test_hits_and_tiers_match_tickets():
    history = fair_history("dlt", 150, seed=2, start=dt.date(2019, 1, 2))
    targets = np.arange(30, 150)
    result = score_forecasts(history, {"frequency": frequency_forecasts(history, targets)}, targets, seed=4)
    for row, target in zip(result.table.itertuples(index=False), targets, strict=True):
        front, back = row.ticket.split(" | ")
        front_numbers = {int(n) for n in front.removeprefix("front: ").split()}
        back_numbers = {int(n) for n in back.removeprefix("back: ").split()}
        assert len(front_numbers) == 5
        assert len(back_numbers) == 2
        assert row.hits_front == len(front_numbers & set(history.numbers["front"][target].tolist()))
        assert row.hits_back == len(back_numbers & set(history.numbers["back"][target].tolist()))
        tier = history.game.rule_for(row.target_issue).tier_for((row.hits_front, row.hits_back))
        assert row.tier == (tier.tier if tier else 0)


def test_tickets_follow_the_forecast():
    # A forecast sure of numbers 1-6 (up to the floor) puts them on nearly every ticket.
    history = fair_history("ssq", 80, seed=3)
    targets = np.arange(10, 80)
    red = np.full((len(targets), 33), 1e-4)
    red[:, :6] = (6 - 27e-4) / 6
    forecasts = {"sure": {"red": red, "blue": uniform_forecasts(history, targets)["blue"]}}
    result = score_forecasts(history, forecasts, targets, seed=5)
    assert (result.table["ticket"].str.startswith("red: 1 2 3 4 5 6 |")).mean() > 0.95


def test_rejects_bad_forecasts():
    history = fair_history("ssq", 50, seed=1)
    targets = np.arange(10, 50)
    good = uniform_forecasts(history, targets)
    with pytest.raises(
        ConfigError, match=r"^forecasts\['x'\]\['red'\] must have shape \(40, 33\), got \(39, 33\)$"
    ):
        score_forecasts(history, {"x": {"red": good["red"][1:], "blue": good["blue"]}}, targets)
    with pytest.raises(ConfigError, match=r"must lie strictly between 0 and 1$"):
        score_forecasts(history, {"x": {"red": good["red"] * 0, "blue": good["blue"]}}, targets)
    with pytest.raises(
        ConfigError, match=r"^targets must be ascending positions between 1 and 49, got 0..39$"
    ):
        score_forecasts(history, {"x": uniform_forecasts(history, np.arange(40))}, np.arange(40))
