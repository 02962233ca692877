"""Vectorised parsing of issues, dates, balls, money and winner counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lotto_lab.errors import InvalidIssueError
from lotto_lab.games import get_game
from lotto_lab.sources.values import (
    date_parts,
    parse_amounts,
    parse_counts,
    parse_dates,
    parse_issues,
    parse_whole_numbers,
)

ISSUES = [
    "26096",
    "2026096",
    "03001",
    "3001",
    2026096,
    "26096.0",
    " 26096 ",
    "abc",
    "202609",
    "2026000",
    "1999001",
    "",
]


def test_issues_agree_with_game_spec() -> None:
    spec = get_game("ssq")
    parsed, invalid = parse_issues(pd.Series(ISSUES, dtype=object))
    for raw, value, bad in zip(ISSUES, parsed, invalid, strict=True):
        try:
            expected = spec.normalise_issue(raw)
        except InvalidIssueError:
            assert bad, raw
            assert pd.isna(value), raw
        else:
            assert not bad, raw
            assert value == expected, raw


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("355,852,948", 355852948.0),
        ("832,704,685.87", 832704685.87),
        ("5250000（含加奖250000）", 5250000.0),
        ("10014333(含派奖3749992)", 10014333.0),
        ("316,223,542元", 316223542.0),
        (782886373.45, 782886373.45),
        (350779828, 350779828.0),
        ("0", 0.0),
    ],
)
def test_amount_parsed(raw, expected) -> None:
    amounts, invalid = parse_amounts(pd.Series([raw], dtype=object))
    assert not invalid.iloc[0]
    assert amounts.iloc[0] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("raw", ["", "--", "---", None, np.nan])
def test_amount_missing_markers(raw) -> None:
    amounts, invalid = parse_amounts(pd.Series([raw], dtype=object))
    assert not invalid.iloc[0]
    assert np.isnan(amounts.iloc[0])


@pytest.mark.parametrize("raw", ["1,2", "abc", "12,34,567", "-5", "1.2.3"])
def test_amount_invalid(raw) -> None:
    _, invalid = parse_amounts(pd.Series([raw], dtype=object))
    assert invalid.iloc[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-08-20", "2026-08-20"),
        ("2026-07-09(四)", "2026-07-09"),
        ("2026-07-09（四）", "2026-07-09"),
        ("2017/09/26", "2017-09-26"),
        ("2026/8/5", "2026-08-05"),
        ("2026.08.20", "2026-08-20"),
        ("2026年8月20日", "2026-08-20"),
        ("20260820", "2026-08-20"),
        ("2026-08-20 21:15:00", "2026-08-20"),
    ],
)
def test_date_parsed(raw, expected) -> None:
    dates, invalid = parse_dates(pd.Series([raw], dtype=object))
    assert not invalid.iloc[0]
    assert dates.iloc[0] == pd.Timestamp(expected)


@pytest.mark.parametrize("raw", ["2026-02-30", "2026-13-01", "yesterday", "", None, "26-08-20"])
def test_date_invalid(raw) -> None:
    dates, invalid = parse_dates(pd.Series([raw], dtype=object))
    assert invalid.iloc[0]
    assert pd.isna(dates.iloc[0])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-02-30", (2026, 2, 30)),
        ("2026/13/1", (2026, 13, 1)),
        ("2026年4月31日", (2026, 4, 31)),
        ("2026-04-31(四)", (2026, 4, 31)),
        ("2026.02.29 21:15:00", (2026, 2, 29)),
        ("20260100", (2026, 1, 0)),
        ("yesterday", None),
        ("26-08-20", None),
        ("", None),
    ],
)
def test_date_parts_as_written(raw, expected) -> None:
    assert date_parts(raw) == expected


def test_whole_numbers_blank_not_invalid() -> None:
    numbers, invalid = parse_whole_numbers(pd.Series(["01", 7, "7.0", "", "x", "1.5"], dtype=object))
    assert numbers.iloc[:3].tolist() == [1, 7, 7]
    assert pd.isna(numbers.iloc[3])
    assert invalid.tolist() == [False, False, False, False, True, True]


def test_counts_with_commas_and_dashes() -> None:
    counts, invalid = parse_counts(pd.Series(["1,234", "0", "--", "x", 12], dtype=object))
    assert counts.iloc[:2].tolist() == [1234, 0]
    assert pd.isna(counts.iloc[2])
    assert invalid.tolist() == [False, False, False, True, False]
