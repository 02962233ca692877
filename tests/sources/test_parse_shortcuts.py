"""The shortcuts for common values give the same results as the general parse, edge cases included."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lotto_lab.config import BUNDLED_DIR
from lotto_lab.errors import DataValidationError
from lotto_lab.games import get_game
from lotto_lab.sources import read_manifest, read_source
from lotto_lab.sources.bundled import merge_sources
from lotto_lab.sources.values import parse_amounts, parse_counts, parse_dates

HEADER = "issue,draw_date,red_1,red_2,red_3,red_4,red_5,red_6,blue_1"


def test_amounts_plain_and_written_mixed() -> None:
    raw = ["5", "1,234", "--", "x", "10(含派奖5)", "007", None, 2.5]
    amounts, invalid = parse_amounts(pd.Series(raw, dtype=object, index=range(10, 18)))
    assert amounts.index.tolist() == list(range(10, 18))
    assert amounts.iloc[[0, 1, 4, 5, 7]].tolist() == [5.0, 1234.0, 10.0, 7.0, 2.5]
    assert amounts.iloc[[2, 3, 6]].isna().all()
    assert invalid.tolist() == [False, False, False, True, False, False, False, False]


def test_counts_plain_and_written_mixed() -> None:
    counts, invalid = parse_counts(pd.Series(["12", "1,234", "---", "7.5", "0"], dtype=object))
    assert str(counts.dtype) == "Int64"
    assert counts.iloc[[0, 1, 4]].tolist() == [12, 1234, 0]
    assert counts.iloc[[2, 3]].isna().all()
    assert invalid.tolist() == [False, False, False, True, False]


def test_day_first_dates_with_weekday() -> None:
    raw = ["2026-07-09(四)", "2017/09/26", "2026.08.20（五）", "2026-02-30"]
    dates, invalid = parse_dates(pd.Series(raw, dtype=object))
    assert dates.iloc[:3].tolist() == [
        pd.Timestamp("2026-07-09"),
        pd.Timestamp("2017-09-26"),
        pd.Timestamp("2026-08-20"),
    ]
    assert invalid.tolist() == [False, False, False, True]


def test_csv_ball_of_ten_digits_rejected(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        f"{HEADER}\n2026001,2026-01-01,1,2,3,4,5,6,7\n2026002,2026-01-04,1,2,3,4,5,0000000006,7\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as caught:
        read_source(path)
    assert str(caught.value) == (
        f"{path}, line 3: red ball '0000000006' is not a whole number. Nothing was stored; correct the "
        "row and run lotto-lab ingest again."
    )


def test_csv_zero_padded_balls_read(tmp_path: Path) -> None:
    path = tmp_path / "padded.csv"
    path.write_text(f"{HEADER}\n2026001,2026-01-01,01,02,03,04,05,000000006,07\n", encoding="utf-8")
    draws = read_source(path).draws
    assert draws.iloc[0][list(get_game("ssq").number_columns)].tolist() == [1, 2, 3, 4, 5, 6, 7]


def test_empty_money_of_wrong_dtype_rejected() -> None:
    source = read_source(BUNDLED_DIR / "ssq/Justdoitfor--my-lottery-data__ssq.json")
    wrong = source.money.astype({"sales": str})
    with pytest.raises(DataValidationError, match="the parsed money break the money schema"):
        dataclasses.replace(source, money=wrong)
    with pytest.raises(DataValidationError, match="the parsed money break the money schema"):
        dataclasses.replace(source, money=wrong)


@pytest.fixture(scope="module")
def ssq_sources() -> dict[str, object]:
    entries, _ = read_manifest()
    return {entry.source: read_source(BUNDLED_DIR / entry.path) for entry in entries if entry.game == "ssq"}


def _merge_with_zhcw_prizes(ssq_sources: dict[str, object], prizes: pd.DataFrame):
    _, plans = read_manifest()
    parsed = dict(ssq_sources)
    parsed["zhcw-zssky"] = dataclasses.replace(parsed["zhcw-zssky"], prizes=prizes)
    return merge_sources(get_game("ssq"), parsed, plans["ssq"], origin="test")


def test_prize_disagreement_recorded(ssq_sources) -> None:
    official = ssq_sources["cwl-249134568"].prizes.set_index(["issue", "tier_name"])
    kept = int(official.loc[(2014010, "二等奖"), "winners"])
    prizes = ssq_sources["zhcw-zssky"].prizes.copy()
    prizes.loc[(prizes["issue"] == 2014010) & (prizes["tier_name"] == "二等奖"), "winners"] = kept + 1

    conflicts = _merge_with_zhcw_prizes(ssq_sources, prizes).conflicts
    found = conflicts.loc[conflicts["field"].str.startswith("prize:")]
    columns = ["issue", "field", "kept_value", "kept_source", "other_value", "other_source"]
    assert found[columns].values.tolist() == [
        [2014010, "prize:二等奖:winners", str(kept), "cwl-249134568", str(kept + 1), "zhcw-zssky"]
    ]


def test_prize_missing_on_one_side_not_recorded(ssq_sources) -> None:
    prizes = ssq_sources["zhcw-zssky"].prizes.copy()
    prizes.loc[(prizes["issue"] == 2014010) & (prizes["tier_name"] == "一等奖"), "amount"] = np.nan

    conflicts = _merge_with_zhcw_prizes(ssq_sources, prizes).conflicts
    assert not conflicts["field"].str.startswith("prize:").any()
