"""Feature matrix: shape, column names, row alignment and no look-ahead."""

from __future__ import annotations

import numpy as np
import pytest

from lotto_lab.errors import ConfigError
from lotto_lab.features import feature_matrix, feature_names, per_draw_features, per_number_features
from lotto_lab.history import DrawHistory
from lotto_lab.synthetic import fair_history


def test_shape_and_names_for_ssq():
    history = fair_history("ssq", 50, seed=1)
    matrix, names = feature_matrix(history)
    # 6 per-number features for 33 + 16 numbers, then 10 red and 7 blue statistics of the last draw.
    assert matrix.shape == (51, 6 * 49 + 17)
    assert matrix.dtype == np.float64
    assert names == feature_names("ssq")
    assert names[:2] == ["red_n01_freq_10", "red_n02_freq_10"]
    assert names[33] == "red_n01_freq_30"
    assert names[6 * 33] == "blue_n01_freq_10"
    assert names[6 * 49 :] == [
        "lag1_red_odd",
        "lag1_red_big",
        "lag1_red_sum",
        "lag1_red_span",
        "lag1_red_zone_1",
        "lag1_red_zone_2",
        "lag1_red_zone_3",
        "lag1_red_consecutive",
        "lag1_red_repeats",
        "lag1_red_ac",
        "lag1_blue_odd",
        "lag1_blue_big",
        "lag1_blue_sum",
        "lag1_blue_zone_1",
        "lag1_blue_zone_2",
        "lag1_blue_zone_3",
        "lag1_blue_repeats",
    ]
    assert len(set(names)) == len(names)


def test_names_for_dlt_and_options():
    names = feature_names("dlt", (5,), n_zones=2, per_number=False)
    assert names[:3] == ["lag1_front_odd", "lag1_front_big", "lag1_front_sum"]
    assert len(names) == 9 + 9
    full = feature_names("dlt", (5,))
    assert len(full) == 4 * (35 + 12) + 20
    assert "back_n12_max_omission" in full


def test_rows_match_per_number_and_lagged_frames():
    history = fair_history("dlt", 60, seed=2)
    matrix, names = feature_matrix(history, (4, 20))
    column = {name: i for i, name in enumerate(names)}

    numbers = per_number_features(history, "back", (4, 20), include_next=True)
    for feature in ("freq_4", "freq_20", "freq_all", "omission", "max_omission"):
        expected = numbers[feature].to_numpy().reshape(61, 12)
        got = matrix[:, [column[f"back_n{n:02d}_{feature}"] for n in range(1, 13)]]
        assert np.array_equal(got, expected), feature

    draws = per_draw_features(history)
    for name in ("front_sum", "front_ac", "back_repeats", "front_zone_3"):
        lagged = draws[f"lag1_{name}"].fillna(0).to_numpy(dtype=np.float64)
        assert np.array_equal(matrix[:-1, column[f"lag1_{name}"]], lagged), name
        assert matrix[-1, column[f"lag1_{name}"]] == float(draws[name].iloc[-1])


def test_first_row_is_zero():
    matrix, _ = feature_matrix(fair_history("ssq", 20, seed=3))
    assert not matrix[0].any()


@pytest.mark.parametrize("position", [0, 1, 33, 99])
def test_changing_a_draw_leaves_rows_up_to_it(position):
    history = fair_history("ssq", 100, seed=4)
    red = history.numbers["red"].copy()
    blue = history.numbers["blue"].copy()
    red[position] = np.sort(red[position] % 33 + 1)
    blue[position] = blue[position] % 16 + 1
    changed = DrawHistory(history.game, history.issues, history.dates, {"red": red, "blue": blue})

    before, _ = feature_matrix(history)
    after, _ = feature_matrix(changed)
    assert np.array_equal(before[: position + 1], after[: position + 1])
    assert not np.array_equal(before[position + 1], after[position + 1])


def test_prefix_history_gives_same_rows():
    history = fair_history("dlt", 120, seed=6)
    full, _ = feature_matrix(history)
    for cutoff in (0, 10, 119):
        part, _ = feature_matrix(history.upto(cutoff))
        assert np.array_equal(part, full[: cutoff + 2])


def test_empty_history_gives_one_zero_row():
    matrix, names = feature_matrix(fair_history("ssq", 3).slice(0, 0))
    assert matrix.shape == (1, len(names))
    assert not matrix.any()


def test_rejects_bad_windows():
    with pytest.raises(
        ConfigError, match=r"windows must hold whole numbers of draws of at least 1, got \[0\]"
    ):
        feature_matrix(fair_history("ssq", 3), (0,))
    with pytest.raises(ConfigError, match=r"windows must hold whole numbers"):
        feature_names("ssq", (-1,))


def test_feature_names_rejects_unknown_game():
    with pytest.raises(ConfigError, match=r"unknown game 'kl8'"):
        feature_names("kl8")
