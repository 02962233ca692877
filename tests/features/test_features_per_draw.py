"""Per-draw statistics: hand-made SSQ and DLT draws, zones, AC values, lags and input checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lotto_lab.errors import ConfigError
from lotto_lab.features import (
    ac_values,
    descriptive_columns,
    per_draw_features,
    statistic_names,
    zone_bounds,
)
from lotto_lab.games import get_game
from lotto_lab.history import DrawHistory
from lotto_lab.synthetic import fair_history


def ssq_history(red: list[list[int]], blue: list[int]) -> DrawHistory:
    frame = pd.DataFrame(red, columns=[f"red_{i}" for i in range(1, 7)])
    frame["blue_1"] = blue
    frame["issue"] = np.arange(2025001, 2025001 + len(red))
    frame["draw_date"] = pd.date_range("2025-01-02", periods=len(red), freq="D")
    return DrawHistory.from_frame("ssq", frame)


def dlt_history(front: list[list[int]], back: list[list[int]]) -> DrawHistory:
    frame = pd.DataFrame(front, columns=[f"front_{i}" for i in range(1, 6)])
    frame[["back_1", "back_2"]] = back
    frame["issue"] = np.arange(2025001, 2025001 + len(front))
    frame["draw_date"] = pd.date_range("2025-01-01", periods=len(front), freq="D")
    return DrawHistory.from_frame("dlt", frame)


SSQ_TWO = ssq_history([[1, 2, 3, 10, 22, 33], [2, 3, 4, 5, 17, 33]], [16, 1])


def test_ssq_descriptive_statistics():
    frame = per_draw_features(SSQ_TWO)
    first, second = frame.iloc[0], frame.iloc[1]
    expected_first = {
        "red_odd": 3,
        "red_big": 2,
        "red_sum": 71,
        "red_span": 32,
        "red_zone_1": 4,
        "red_zone_2": 1,
        "red_zone_3": 1,
        "red_consecutive": 2,
        "red_ac": 9,
        "blue_odd": 0,
        "blue_big": 1,
        "blue_sum": 16,
        "blue_zone_1": 0,
        "blue_zone_2": 0,
        "blue_zone_3": 1,
    }
    for column, value in expected_first.items():
        assert first[column] == value, column
    expected_second = {
        "red_odd": 4,
        "red_big": 2,
        "red_sum": 64,
        "red_span": 31,
        "red_zone_1": 4,
        "red_zone_2": 1,
        "red_zone_3": 1,
        "red_consecutive": 3,
        "red_repeats": 3,
        "red_ac": 7,
        "blue_odd": 1,
        "blue_big": 0,
        "blue_sum": 1,
        "blue_zone_1": 1,
        "blue_repeats": 0,
    }
    for column, value in expected_second.items():
        assert second[column] == value, column


def test_big_starts_above_half_of_pool():
    # 16 and 17 sit on either side of SSQ red's boundary (33 // 2 = 16); 8 and 9 for blue.
    history = ssq_history([[12, 13, 14, 15, 16, 17]], [9])
    frame = per_draw_features(history)
    assert frame.loc[0, "red_big"] == 1
    assert frame.loc[0, "blue_big"] == 1
    history = ssq_history([[1, 2, 3, 4, 5, 16]], [8])
    assert per_draw_features(history).loc[0, "red_big"] == 0
    assert per_draw_features(history).loc[0, "blue_big"] == 0


def test_dlt_descriptive_statistics():
    history = dlt_history([[1, 12, 13, 24, 25], [18, 19, 20, 21, 35]], [[6, 7], [7, 12]])
    frame = per_draw_features(history)
    first, second = frame.iloc[0], frame.iloc[1]
    assert (first["front_zone_1"], first["front_zone_2"], first["front_zone_3"]) == (2, 2, 1)
    assert first["front_big"] == 2
    assert first["front_consecutive"] == 2
    assert first["front_ac"] == 2
    assert (first["back_zone_1"], first["back_zone_2"], first["back_zone_3"]) == (0, 2, 0)
    assert first["back_big"] == 1
    assert first["back_span"] == 1
    assert first["back_consecutive"] == 1
    assert first["back_ac"] == 0
    assert second["front_big"] == 5
    assert second["front_consecutive"] == 3
    assert second["front_repeats"] == 0
    assert second["back_repeats"] == 1
    assert second["back_sum"] == 19


def test_first_draw_has_no_repeats():
    frame = per_draw_features(SSQ_TWO)
    assert pd.isna(frame.loc[0, "red_repeats"])
    assert frame["red_repeats"].dtype == "Int64"
    assert frame["red_sum"].dtype == np.int64


def test_column_layout_separates_lagged():
    frame = per_draw_features(SSQ_TWO, lags=(1, 2))
    descriptive = descriptive_columns(get_game("ssq"))
    lagged = [f"lag{lag}_{name}" for lag in (1, 2) for name in descriptive]
    assert list(frame.columns) == ["issue", "draw_date", *descriptive, *lagged]
    assert "blue_span" not in frame.columns
    assert "blue_ac" not in frame.columns
    assert "blue_consecutive" not in frame.columns


def test_lagged_columns_shift_by_lag():
    history = fair_history("dlt", 30, seed=3)
    frame = per_draw_features(history, lags=(1, 3))
    for name in descriptive_columns(history.game):
        assert frame[f"lag1_{name}"].iloc[1:].tolist() == frame[name].iloc[:-1].tolist(), name
        assert frame[f"lag3_{name}"].iloc[3:].tolist() == frame[name].iloc[:-3].tolist(), name
        assert frame[f"lag1_{name}"].iloc[:1].isna().all()
        assert frame[f"lag3_{name}"].iloc[:3].isna().all()
    assert frame["lag1_front_repeats"].iloc[:2].isna().all()


def test_lag_longer_than_history_is_missing():
    frame = per_draw_features(SSQ_TWO, lags=(5,))
    assert frame["lag5_red_sum"].isna().all()


@pytest.mark.parametrize("position", [0, 1, 40, 79])
def test_changing_a_draw_leaves_earlier_lags(position):
    history = fair_history("dlt", 80, seed=5)
    front = history.numbers["front"].copy()
    front[position] = np.sort(front[position] % 35 + 1)
    changed = DrawHistory(
        history.game, history.issues, history.dates, {"front": front, "back": history.numbers["back"]}
    )

    before = per_draw_features(history, lags=(1, 2))
    after = per_draw_features(changed, lags=(1, 2))
    lagged = [column for column in before.columns if column.startswith("lag")]
    pd.testing.assert_frame_equal(before.loc[:position, lagged], after.loc[:position, lagged])
    descriptive = descriptive_columns(history.game)
    pd.testing.assert_frame_equal(
        before.loc[: position - 1, descriptive], after.loc[: position - 1, descriptive]
    )
    if position + 1 < len(history):
        assert not before.loc[position + 1, lagged].equals(after.loc[position + 1, lagged])


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        ([1, 2, 3, 4, 5, 6], 0),
        ([1, 2, 4, 8, 16, 32], 10),
        ([1, 2, 3, 10, 22, 33], 9),
        ([2, 3, 4, 5, 17, 33], 7),
        ([5, 10, 15, 20, 25, 30], 0),
        ([1, 12, 13, 24, 25], 2),
        ([3, 7], 0),
    ],
)
def test_ac_value_examples(numbers, expected):
    assert ac_values(np.array([numbers])).tolist() == [expected]


def test_ac_value_ignores_row_order():
    assert ac_values(np.array([[32, 1, 16, 2, 8, 4]])).tolist() == [10]


def test_ac_value_rejects_single_number():
    with pytest.raises(
        ConfigError, match=r"the AC value needs rows of at least two numbers, got an array of shape \(3, 1\)"
    ):
        ac_values(np.array([[1], [2], [3]]))


@pytest.mark.parametrize(
    ("game", "pool", "bounds"),
    [
        ("ssq", "red", [(1, 11), (12, 22), (23, 33)]),
        ("ssq", "blue", [(1, 6), (7, 11), (12, 16)]),
        ("dlt", "front", [(1, 12), (13, 24), (25, 35)]),
        ("dlt", "back", [(1, 4), (5, 8), (9, 12)]),
    ],
)
def test_zone_bounds_for_both_games(game, pool, bounds):
    assert zone_bounds(get_game(game).pool(pool)) == bounds


def test_zone_bounds_other_counts():
    red = get_game("ssq").pool("red")
    assert zone_bounds(red, 1) == [(1, 33)]
    assert zone_bounds(red, 4) == [(1, 9), (10, 17), (18, 25), (26, 33)]
    assert zone_bounds(red, 33)[-1] == (33, 33)


def test_zone_counts_sum_to_pick():
    history = fair_history("ssq", 200, seed=8)
    frame = per_draw_features(history, n_zones=4)
    zones = frame[[f"red_zone_{i}" for i in range(1, 5)]].sum(axis=1)
    assert (zones == 6).all()
    assert "red_zone_5" not in frame.columns


def test_statistic_names_by_pick():
    game = get_game("ssq")
    assert statistic_names(game.pool("red")) == [
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
    ]
    assert statistic_names(game.pool("blue"), 2) == ["odd", "big", "sum", "zone_1", "zone_2", "repeats"]


@pytest.mark.parametrize(
    ("keyword", "value", "message"),
    [
        ("lags", (0,), r"lags must hold whole numbers of draws of at least 1, got \[0\]"),
        ("lags", (1, 1), r"lags must not repeat a value, got \[1, 1\]"),
        (
            "n_zones",
            0,
            r"^n_zones must be a whole number between 1 and the smallest pool size of ssq \(16\), got 0$",
        ),
        ("n_zones", 17, r"got 17$"),
        ("n_zones", 2.0, r"got 2.0$"),
    ],
)
def test_rejects_bad_settings(keyword, value, message):
    with pytest.raises(ConfigError, match=message):
        per_draw_features(SSQ_TWO, **{keyword: value})


def test_zone_bounds_rejects_too_many_zones():
    with pytest.raises(
        ConfigError, match=r"n_zones must be between 1 and the size of pool 'back' \(12\), got 13"
    ):
        zone_bounds(get_game("dlt").pool("back"), 13)


def test_empty_history_gives_empty_frame():
    frame = per_draw_features(fair_history("ssq", 3).slice(0, 0))
    assert len(frame) == 0
    assert "lag1_red_ac" in frame.columns
