"""DrawHistory: shape checks, indicators, frame round trip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lotto_lab.history import DrawHistory
from lotto_lab.synthetic import fair_history


def test_frame_round_trip():
    history = fair_history("dlt", 40, seed=3)
    frame = history.to_frame()
    again = DrawHistory.from_frame("dlt", frame.sample(frac=1, random_state=1))
    assert np.array_equal(again.issues, history.issues)
    assert np.array_equal(again.numbers["front"], history.numbers["front"])
    assert list(frame.columns) == [
        "issue",
        "draw_date",
        "front_1",
        "front_2",
        "front_3",
        "front_4",
        "front_5",
        "back_1",
        "back_2",
    ]


def test_indicators_match_numbers():
    history = fair_history("ssq", 25, seed=1)
    red = history.indicators("red")
    assert red.shape == (25, 33)
    assert (red.sum(axis=1) == 6).all()
    first = np.flatnonzero(red[0]) + 1
    assert list(first) == list(history.numbers["red"][0])


def test_slice_and_upto():
    history = fair_history("ssq", 30, seed=2)
    assert len(history.upto(9)) == 10
    assert history.slice(5, 8).issues.tolist() == history.issues[5:8].tolist()


def test_rejects_unsorted_issues():
    frame = fair_history("ssq", 3, seed=0).to_frame()
    with pytest.raises(ValueError, match="strictly ascending"):
        DrawHistory(
            game=fair_history("ssq", 1).game,
            issues=np.array([3, 2, 1]),
            dates=pd.to_datetime(frame["draw_date"]).to_numpy().astype("datetime64[D]"),
            numbers={"red": np.ones((3, 6), dtype=np.int16), "blue": np.ones((3, 1), dtype=np.int16)},
        )


def test_rejects_wrong_shape():
    history = fair_history("ssq", 3, seed=0)
    with pytest.raises(ValueError, match=r"numbers\['red'\] has shape \(3, 5\), expected \(3, 6\)"):
        DrawHistory(
            game=history.game,
            issues=history.issues,
            dates=history.dates,
            numbers={"red": history.numbers["red"][:, :5], "blue": history.numbers["blue"]},
        )
