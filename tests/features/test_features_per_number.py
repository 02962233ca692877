"""Per-number features: frequency windows, omission and hot/cold class on hand-made draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lotto_lab.errors import ConfigError
from lotto_lab.features import per_number_features
from lotto_lab.games import GameSpec, Pool
from lotto_lab.history import DrawHistory
from lotto_lab.synthetic import fair_history

# A 2-of-6 game keeps every expected value countable by hand.
TINY = GameSpec(
    name="tiny",
    title_zh="小",
    title_en="tiny",
    pools=(Pool("main", 6, 2, "主", "main"),),
    draw_weekdays=(0, 1, 2, 3, 4, 5, 6),
    issue_display_digits=7,
    ticket_price=2,
)
TINY_DRAWS = [[1, 2], [2, 3], [1, 4], [5, 6], [1, 2]]


def tiny_history(draws: list[list[int]] = TINY_DRAWS) -> DrawHistory:
    n = len(draws)
    return DrawHistory(
        game=TINY,
        issues=np.arange(2024001, 2024001 + n, dtype=np.int64),
        dates=np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-01") + n),
        numbers={"main": np.array(draws, dtype=np.int16).reshape(n, 2)},
    )


def feature_of(frame: pd.DataFrame, number: int, column: str) -> list:
    return frame.loc[frame["number"] == number, column].tolist()


def test_columns_and_row_order():
    frame = per_number_features(tiny_history(), "main", windows=(2, 3))
    assert list(frame.columns) == [
        "issue",
        "pool",
        "number",
        "freq_2",
        "freq_3",
        "freq_all",
        "omission",
        "max_omission",
        "hot_cold_z",
        "hot_cold",
    ]
    assert len(frame) == 5 * 6
    assert frame["issue"].tolist()[:7] == [2024001] * 6 + [2024002]
    assert frame["number"].tolist()[:7] == [1, 2, 3, 4, 5, 6, 1]
    assert set(frame["pool"]) == {"main"}


def test_frequency_windows_use_earlier_draws():
    frame = per_number_features(tiny_history(), "main", windows=(2,))
    assert feature_of(frame, 1, "freq_2") == [0, 1, 1, 1, 1]
    assert feature_of(frame, 2, "freq_2") == [0, 1, 2, 1, 0]
    assert feature_of(frame, 1, "freq_all") == [0, 1, 1, 2, 2]
    assert feature_of(frame, 2, "freq_all") == [0, 1, 2, 2, 2]
    assert feature_of(frame, 6, "freq_all") == [0, 0, 0, 0, 1]


def test_window_longer_than_history_counts_all():
    frame = per_number_features(tiny_history(), "main", windows=(100,))
    assert frame["freq_100"].tolist() == frame["freq_all"].tolist()


def test_omission_and_max_omission():
    frame = per_number_features(tiny_history(), "main", windows=())
    assert feature_of(frame, 1, "omission") == [0, 0, 1, 0, 1]
    assert feature_of(frame, 1, "max_omission") == [0, 0, 1, 1, 1]
    assert feature_of(frame, 3, "omission") == [0, 1, 0, 1, 2]
    assert feature_of(frame, 3, "max_omission") == [0, 1, 1, 1, 2]
    # Never drawn before draw 3: the omission counts every earlier draw.
    assert feature_of(frame, 6, "omission") == [0, 1, 2, 3, 0]
    assert feature_of(frame, 6, "max_omission") == [0, 1, 2, 3, 3]


def test_include_next_adds_state_after_last_draw():
    frame = per_number_features(tiny_history(), "main", windows=(2,), include_next=True)
    assert len(frame) == 6 * 6
    last = frame[frame["issue"] == 2024006]
    assert last["freq_2"].tolist() == [1, 1, 0, 0, 1, 1]
    assert last["freq_all"].tolist() == [3, 3, 1, 1, 1, 1]
    assert last["omission"].tolist() == [0, 0, 3, 2, 1, 1]
    assert last["max_omission"].tolist() == [1, 2, 3, 2, 3, 3]


def test_include_next_uses_game_issue_rollover():
    history = fair_history("ssq", 150, seed=1)
    frame = per_number_features(history, "blue", include_next=True)
    assert history.last_issue == 2003150
    assert frame["issue"].iloc[-1] == 2004001


def test_hot_cold_rule_on_tiny_history():
    frame = per_number_features(tiny_history(), "main", windows=(2,), hot_cold_threshold=0.9)
    at_2 = frame[frame["issue"] == 2024003]
    # Over draws {1,2} and {2,3}: number 2 twice, 1 and 3 once, 4-6 never; fair mean 2/3, sd 2/3.
    assert at_2["hot_cold_z"].round(6).tolist() == [0.5, 2.0, 0.5, -1.0, -1.0, -1.0]
    assert at_2["hot_cold"].tolist() == ["neutral", "hot", "neutral", "cold", "cold", "cold"]
    assert list(frame["hot_cold"].cat.categories) == ["cold", "neutral", "hot"]


def test_hot_cold_before_any_draw_is_neutral():
    frame = per_number_features(tiny_history(), "main", windows=(2,))
    first = frame[frame["issue"] == 2024001]
    assert (first["hot_cold_z"] == 0).all()
    assert (first["hot_cold"] == "neutral").all()


def test_hot_cold_window_defaults_to_longest():
    history = fair_history("ssq", 400, seed=4)
    default = per_number_features(history, "red", windows=(10, 30))
    explicit = per_number_features(history, "red", windows=(10,), hot_cold_window=30)
    assert np.allclose(default["hot_cold_z"], explicit["hot_cold_z"])
    other = per_number_features(history, "red", windows=(10,), hot_cold_window=10)
    assert not np.allclose(default["hot_cold_z"], other["hot_cold_z"])


def test_hot_cold_uses_all_draws_without_windows():
    history = fair_history("dlt", 60, seed=2)
    frame = per_number_features(history, "back", windows=())
    t = np.repeat(np.arange(60), 12)
    p = 2 / 12
    spread = np.sqrt(t * p * (1 - p))
    expected = np.divide(frame["freq_all"] - t * p, spread, out=np.zeros(len(t)), where=spread > 0)
    assert np.allclose(frame["hot_cold_z"], expected)


def test_counts_match_a_direct_loop():
    history = fair_history("ssq", 120, seed=9)
    frame = per_number_features(history, "red", windows=(7,))
    indicators = history.indicators("red")
    for t in (0, 3, 7, 50, 119):
        row = frame[frame["issue"] == history.issues[t]]
        assert row["freq_7"].tolist() == indicators[max(0, t - 7) : t].sum(axis=0).tolist()
        assert row["freq_all"].tolist() == indicators[:t].sum(axis=0).tolist()
        seen = [np.flatnonzero(indicators[:t, j]) for j in range(33)]
        omission = [t - 1 - s[-1] if len(s) else t for s in seen]
        assert row["omission"].tolist() == omission


@pytest.mark.parametrize("position", [0, 1, 64, 149])
def test_changing_a_draw_leaves_earlier_rows(position):
    history = fair_history("ssq", 150, seed=7)
    red = history.numbers["red"].copy()
    red[position] = np.sort(red[position] % 33 + 1)
    changed = DrawHistory(
        history.game, history.issues, history.dates, {"red": red, "blue": history.numbers["blue"]}
    )

    before = per_number_features(history, "red", include_next=True)
    after = per_number_features(changed, "red", include_next=True)
    earlier_rows = before["issue"] <= history.issues[position]
    pd.testing.assert_frame_equal(before[earlier_rows], after[earlier_rows])
    assert not before[~earlier_rows].equals(after[~earlier_rows])


def test_rejects_unknown_pool():
    with pytest.raises(
        ConfigError, match=r"^game 'ssq' has no pool 'green': choose one of red, blue$"
    ) as caught:
        per_number_features(fair_history("ssq", 5), "green")
    assert caught.value.zh == "游戏 ssq 没有号码池 'green', 可选: red, blue"


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        (
            (10, 0),
            r"windows must hold whole numbers of draws of at least 1, got \[10, 0\] \(invalid: \[0\]\)",
        ),
        ((-3,), r"invalid: \[-3\]"),
        ((2.5,), r"invalid: \[2.5\]"),
        ((True,), r"invalid: \[True\]"),
        ((10, 10), r"windows must not repeat a value, got \[10, 10\]"),
        ("10", r"windows must be a list of whole numbers of draws, got '10'"),
        (10, r"windows must be a list of whole numbers of draws, got 10"),
    ],
)
def test_rejects_bad_windows(windows, message):
    with pytest.raises(ConfigError, match=message):
        per_number_features(fair_history("ssq", 5), "red", windows=windows)


def test_accepts_numpy_integer_windows():
    frame = per_number_features(fair_history("ssq", 5), "red", windows=[np.int64(3)])
    assert "freq_3" in frame.columns
    frame = per_number_features(fair_history("ssq", 5), "red", windows=np.array([2, 4]))
    assert "freq_4" in frame.columns


@pytest.mark.parametrize(
    ("keyword", "value", "message"),
    [
        ("hot_cold_window", 0, r"^hot_cold_window must be a whole number of draws of at least 1, got 0$"),
        ("hot_cold_threshold", 0, r"^hot_cold_threshold must be a finite number above 0, got 0$"),
        (
            "hot_cold_threshold",
            float("nan"),
            r"^hot_cold_threshold must be a finite number above 0, got nan$",
        ),
    ],
)
def test_rejects_bad_hot_cold_settings(keyword, value, message):
    with pytest.raises(ConfigError, match=message):
        per_number_features(fair_history("ssq", 5), "red", **{keyword: value})


def test_rejects_frame_instead_of_history():
    frame = fair_history("ssq", 5).to_frame()
    with pytest.raises(ConfigError, match=r"^history must be a DrawHistory, got DataFrame; build one with"):
        per_number_features(frame, "red")


def test_include_next_rejects_empty_history():
    empty = fair_history("ssq", 5).slice(0, 0)
    assert len(per_number_features(empty, "red")) == 0
    with pytest.raises(ConfigError, match=r"^include_next needs at least one draw"):
        per_number_features(empty, "red", include_next=True)
