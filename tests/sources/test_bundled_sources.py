"""The bundled files: every parser on its real file, the sha256 check and the merged history."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lotto_lab.config import BUNDLED_DIR
from lotto_lab.errors import DataValidationError
from lotto_lab.games import get_game
from lotto_lab.sources import detect_format, load_bundle, read_input, read_manifest, read_source
from lotto_lab.sources.bundled import merge_sources

# file, format, game, draws, first issue, last issue, money rows, prize rows
PARSED = [
    ("ssq/Justdoitfor--my-lottery-data__ssq.json", "500-json", "ssq", 3493, 2003001, 2026096, 0, 0),
    ("ssq/LJQ-HUB-cmyk--lottery-dlt__ssq_history.csv", "500-csv", "ssq", 3492, 2003001, 2026095, 3492, 0),
    ("ssq/zssky--lotterybot__ssq.json", "zhcw-json", "ssq", 2165, 2003001, 2017113, 2165, 11856),
    ("ssq/249134568--ssq-data__data.json", "cwl-json", "ssq", 2036, 2013001, 2026078, 2036, 12623),
    ("dlt/Justdoitfor--my-lottery-data__dlt.json", "500-json", "dlt", 2913, 2007001, 2026095, 0, 0),
    (
        "dlt/XIUDENBENNY--ruyi-dlt-web__dlt_history.csv",
        "500-prize-csv",
        "dlt",
        2900,
        2007001,
        2026082,
        2900,
        5800,
    ),
    ("dlt/mflyn--lottery__dlt_history.json", "sporttery-json", "dlt", 2831, 2007001, 2026013, 2181, 0),
]


@pytest.fixture(scope="module")
def parsed() -> dict[str, object]:
    return {name: read_source(BUNDLED_DIR / name) for name, *_ in PARSED}


@pytest.fixture(scope="module")
def ssq_bundle():
    return load_bundle("ssq")


@pytest.fixture(scope="module")
def dlt_bundle():
    return load_bundle("dlt")


def test_manifest_sha256_matches_files() -> None:
    entries, plans = read_manifest()
    assert sorted(entry.path for entry in entries) == sorted(name for name, *_ in PARSED)
    for entry in entries:
        digest = hashlib.sha256((BUNDLED_DIR / entry.path).read_bytes()).hexdigest()
        assert digest == entry.sha256, entry.path
    assert sorted(plans) == ["dlt", "ssq"]


@pytest.mark.parametrize(("name", "fmt", "game", "draws", "first", "last", "money", "prizes"), PARSED)
def test_parser_reads_bundled_file(parsed, name, fmt, game, draws, first, last, money, prizes) -> None:
    source = parsed[name]
    assert source.fmt == fmt
    assert source.game.name == game
    assert len(source.draws) == draws
    assert source.draws["issue"].iloc[0] == first
    assert source.draws["issue"].iloc[-1] == last
    assert len(source.money) == money
    assert len(source.prizes) == prizes
    assert source.warnings == ()


@pytest.mark.parametrize(("name", "fmt"), [(name, fmt) for name, fmt, *_ in PARSED])
def test_format_detected_from_content(name, fmt) -> None:
    assert detect_format(read_input(BUNDLED_DIR / name)) == fmt


def test_parsed_draws_are_sorted_wide_frames(parsed) -> None:
    draws = parsed["ssq/Justdoitfor--my-lottery-data__ssq.json"].draws
    assert list(draws.columns) == ["issue", "draw_date", *get_game("ssq").number_columns]
    last = draws.iloc[-1]
    assert last["draw_date"] == pd.Timestamp("2026-08-20")
    assert [last[f"red_{k}"] for k in range(1, 7)] == [1, 4, 16, 22, 26, 31]
    assert last["blue_1"] == 4
    assert draws["issue"].is_monotonic_increasing


def test_cwl_amount_note_and_special_tiers(parsed) -> None:
    prizes = parsed["ssq/249134568--ssq-data__data.json"].prizes.set_index(["issue", "tier_name"])
    assert prizes.loc[(2014143, "一等奖"), "amount"] == 6998852
    assert prizes.loc[(2014143, "一等奖"), "winners"] == 14
    assert prizes.loc[(2026014, "福运奖"), "tier"] == 7
    assert pd.isna(prizes.loc[(2018141, "一等奖特别奖"), "tier"])
    assert prizes.loc[(2018141, "一等奖特别奖"), "amount"] == 15000000
    assert prizes.loc[(2018141, "六等奖翻番奖"), "amount"] == 10


def test_cwl_zero_winners_amount_missing(parsed) -> None:
    prizes = parsed["ssq/249134568--ssq-data__data.json"].prizes.set_index(["issue", "tier_name"])
    assert prizes.loc[(2026048, "一等奖"), "winners"] == 0
    assert pd.isna(prizes.loc[(2026048, "一等奖"), "amount"])


def test_zhcw_text_lines_and_promotion_rows(parsed) -> None:
    source = parsed["ssq/zssky--lotterybot__ssq.json"]
    money = source.money.set_index("issue")
    assert money.loc[2017113, "sales"] == 316223542
    assert money.loc[2017113, "pool_after"] == 507647724
    prizes = source.prizes.set_index(["issue", "tier_name"])
    row = prizes.loc[(2016145, "其中一等奖复式")]
    assert (row["winners"], row["amount"]) == (4, 10014333)
    assert pd.isna(row["tier"])
    dashes = prizes.loc[(2016002, "其中一等奖复式")]
    assert pd.isna(dashes["winners"])
    assert dashes["amount"] == 5000000
    assert pd.isna(prizes.loc[(2016002, "其中六等奖复式"), "amount"])


def test_zhcw_zeros_before_2005_are_missing(parsed) -> None:
    source = parsed["ssq/zssky--lotterybot__ssq.json"]
    assert source.prizes["issue"].min() == 2005001
    early = source.money.set_index("issue").loc[2003001:2004122]
    assert len(early) == 211
    assert early["pool_after"].isna().all()
    assert early.loc[2003001, "sales"] == 10307806


def test_sporttery_money_types_and_zeros(parsed) -> None:
    money = parsed["dlt/mflyn--lottery__dlt_history.json"].money.set_index("issue")
    assert money.loc[2026013, "pool_after"] == pytest.approx(782886373.45, abs=1e-6)
    assert money.loc[2017132, "pool_after"] == pytest.approx(4314342249.60, abs=1e-6)
    assert money.loc[2025121, "pool_after"] == pytest.approx(1201113534.52, abs=1e-6)
    assert money.loc[2016078, "sales"] == 176031216
    assert np.isnan(money.loc[2013017, "sales"])
    assert 2016077 not in money.index


def test_xiudenbenny_tiers_one_two(parsed) -> None:
    prizes = parsed["dlt/XIUDENBENNY--ruyi-dlt-web__dlt_history.csv"].prizes.set_index(["issue", "tier_name"])
    first = prizes.loc[(2007001, "一等奖")]
    assert (first["tier"], first["winners"], first["amount"]) == (1, 2, 5000000)
    assert prizes.loc[(2007001, "二等奖"), "winners"] == 8
    nobody = prizes.loc[prizes["winners"] == 0]
    assert nobody["amount"].isna().all()


def _has_no_gaps(spec_name: str, issues: np.ndarray) -> bool:
    spec = get_game(spec_name)
    return all(spec.is_consecutive(int(a), int(b)) for a, b in zip(issues[:-1], issues[1:], strict=True))


def test_ssq_bundle_every_draw_no_gaps(ssq_bundle) -> None:
    draws = ssq_bundle.draws
    assert len(draws) == 3493
    assert (draws["issue"].iloc[0], draws["issue"].iloc[-1]) == (2003001, 2026096)
    assert _has_no_gaps("ssq", draws["issue"].to_numpy())


def test_dlt_bundle_every_draw_no_gaps(dlt_bundle) -> None:
    draws = dlt_bundle.draws
    assert len(draws) == 2913
    assert (draws["issue"].iloc[0], draws["issue"].iloc[-1]) == (2007001, 2026095)
    assert _has_no_gaps("dlt", draws["issue"].to_numpy())


SSQ_DATE_CONFLICTS = {
    2004080: ("2004-09-24", "2004-09-23"),
    2004113: ("2004-12-09", "2004-12-10"),
    2004114: ("2004-12-12", "2004-12-13"),
    2005017: ("2005-02-08", "2005-02-16"),
    2005064: ("2005-06-04", "2005-06-05"),
    2006050: ("2006-05-01", "2006-05-02"),
    2006084: ("2006-07-20", "2006-07-21"),
}


def test_ssq_date_conflicts_keep_zhcw(ssq_bundle) -> None:
    conflicts = ssq_bundle.conflicts
    dates = conflicts.loc[conflicts["field"] == "draw_date"].set_index("issue")
    assert sorted(dates.index) == sorted(SSQ_DATE_CONFLICTS)
    for issue, (kept, other) in SSQ_DATE_CONFLICTS.items():
        assert dates.loc[issue, "kept_value"] == kept
        assert dates.loc[issue, "kept_source"] == "zhcw-zssky"
        assert dates.loc[issue, "other_value"] == other
        assert dates.loc[issue, "other_source"] == "500com-justdoitfor"
    stored = ssq_bundle.draws.set_index("issue")["draw_date"]
    assert stored.loc[2005017] == pd.Timestamp("2005-02-08")


def test_ssq_money_conflicts_and_missing_pools(ssq_bundle) -> None:
    conflicts = ssq_bundle.conflicts
    sales = conflicts.loc[conflicts["field"] == "sales", "issue"].tolist()
    pools = conflicts.loc[conflicts["field"] == "pool_after", "issue"].tolist()
    assert sales == [
        2003067, 2004024, 2005005, 2005050, 2006001, 2006073, 2006079,
        2007117, 2008047, 2008065, 2014133, 2019026,
    ]  # fmt: skip
    assert pools == [2005010, 2005126, 2005128, 2006100]
    assert not set(conflicts["field"]) - {"draw_date", "sales", "pool_after"}
    money = ssq_bundle.money.set_index("issue")
    assert money.loc[2005082, "pool_after"] == 111449207
    assert money.loc[2013001, "source"] == "cwl-249134568"
    assert money.loc[2003001, "source"] == "sales: zhcw-zssky; pool_after: 500com-ljq"
    assert money.loc[2026095, "source"] == "500com-ljq"
    assert 2026096 not in money.index


def test_ljq_pool_zeros_missing_without_zhcw(parsed) -> None:
    entries, plans = read_manifest()
    plan = plans["ssq"]
    subset = {
        "500com-justdoitfor": parsed["ssq/Justdoitfor--my-lottery-data__ssq.json"],
        "500com-ljq": parsed["ssq/LJQ-HUB-cmyk--lottery-dlt__ssq_history.csv"],
    }
    only_500 = type(plan)(
        numbers="500com-justdoitfor",
        draw_date=("500com-justdoitfor",),
        sales=("500com-ljq",),
        pool_after=("500com-ljq",),
        prizes=(),
        pool_after_missing=plan.pool_after_missing,
        rounding_tolerance=0.0,
    )
    batch = merge_sources(get_game("ssq"), subset, only_500, origin="test")
    money = batch.money.set_index("issue")
    for issue in (2005082, 2006019, 2006023):
        assert np.isnan(money.loc[issue, "pool_after"])
    assert subset["500com-ljq"].money.set_index("issue").loc[2005082, "pool_after"] == 0


def test_dlt_conflicts_keep_sporttery(dlt_bundle) -> None:
    conflicts = dlt_bundle.conflicts.set_index(["issue", "field"])
    assert sorted(conflicts.index) == [
        (2011107, "pool_after"),
        (2013017, "pool_after"),
        (2017132, "pool_after"),
        (2022085, "sales"),
    ]
    assert tuple(conflicts.loc[(2011107, "pool_after"), ["kept_value", "other_value"]]) == (
        "989564.00",
        "20989564.00",
    )
    assert tuple(conflicts.loc[(2017132, "pool_after"), ["kept_value", "other_value"]]) == (
        "4314342249.60",
        "4276365066.00",
    )
    assert (conflicts["kept_source"] == "sporttery-mflyn").all()
    assert (conflicts["other_source"] == "500com-xiudenbenny").all()
    money = dlt_bundle.money.set_index("issue")
    assert money.loc[2011107, "pool_after"] == 989564
    assert money.loc[2008098, "pool_after"] == 0
    assert money.loc[2007001, "source"] == "500com-xiudenbenny"


def test_ssq_prize_tiers_from_2005(ssq_bundle) -> None:
    prizes = ssq_bundle.prizes
    basic = prizes.loc[prizes["tier"].between(1, 6)]
    per_draw = basic.groupby("issue")["tier"].nunique()
    expected = ssq_bundle.draws["issue"]
    expected = expected[(expected >= 2005001) & (expected <= 2026078)]
    assert per_draw.index.tolist() == expected.tolist()
    assert (per_draw == 6).all()
    assert prizes["issue"].min() == 2005001
    sources = prizes.groupby("source")["issue"].agg(["min", "max"])
    assert tuple(sources.loc["zhcw-zssky"]) == (2005001, 2016002)
    assert tuple(sources.loc["cwl-249134568"]) == (2013001, 2026078)


def test_ssq_special_tiers_kept_by_name(ssq_bundle) -> None:
    prizes = ssq_bundle.prizes
    special = prizes.loc[prizes["tier"].isna()]
    counts = special.groupby(["tier_name", "source"]).size().to_dict()
    assert counts == {
        ("一等奖特别奖", "cwl-249134568"): 187,
        ("六等奖翻番奖", "cwl-249134568"): 158,
        ("其中一等奖复式", "zhcw-zssky"): 44,
        ("其中六等奖复式", "zhcw-zssky"): 44,
    }
    fuyun = prizes.loc[prizes["tier_name"] == "福运奖"]
    assert (fuyun["tier"] == 7).all()
    assert (fuyun["issue"].min(), fuyun["issue"].max(), len(fuyun)) == (2026014, 2026075, 62)


def test_dlt_prize_tiers_one_two(dlt_bundle) -> None:
    prizes = dlt_bundle.prizes
    assert sorted(prizes["tier"].unique().tolist()) == [1, 2]
    assert len(prizes) == 5800
    assert (prizes["source"] == "500com-xiudenbenny").all()


def test_changed_bundled_file_rejected(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(BUNDLED_DIR, bundle)
    target = bundle / "dlt/XIUDENBENNY--ruyi-dlt-web__dlt_history.csv"
    data = bytearray(target.read_bytes())
    data[-3:-1] = b"23"
    target.write_bytes(bytes(data))
    digest = hashlib.sha256(bytes(data)).hexdigest()
    recorded = next(
        item["sha256"]
        for item in json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))["files"]
        if item["path"].endswith("XIUDENBENNY--ruyi-dlt-web__dlt_history.csv")
    )
    with pytest.raises(DataValidationError) as caught:
        load_bundle("dlt", bundle)
    assert str(caught.value) == (
        f"bundled file {target} has sha256 {digest}, but the manifest records {recorded}: the file was "
        "changed. Nothing was stored; restore it from the repository."
    )
    assert caught.value.zh == (
        f"内置文件 {target} 的 sha256 为 {digest}，与清单记录的 {recorded} 不符：文件已被改动。"
        "未写入任何数据；请从代码仓库恢复该文件。"
    )
    load_bundle("ssq", bundle)


def test_missing_manifest_rejected(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError) as caught:
        read_manifest(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'manifest.json'} is missing, so the bundled data cannot be checked. Restore the "
        "data/bundled folder from the repository."
    )


def test_number_disagreement_recorded(parsed) -> None:
    _, plans = read_manifest()
    numbers = parsed["dlt/Justdoitfor--my-lottery-data__dlt.json"]
    official = parsed["dlt/mflyn--lottery__dlt_history.json"]
    changed = official.draws.copy()
    changed.loc[changed["issue"] == 2026013, "back_2"] = 12
    subset = {
        "500com-justdoitfor": numbers,
        "sporttery-mflyn": dataclasses.replace(official, draws=changed),
        "500com-xiudenbenny": parsed["dlt/XIUDENBENNY--ruyi-dlt-web__dlt_history.csv"],
    }
    batch = merge_sources(get_game("dlt"), subset, plans["dlt"], origin="test")
    row = batch.conflicts.loc[batch.conflicts["field"] == "numbers"]
    assert row[["issue", "kept_value", "kept_source", "other_value", "other_source"]].values.tolist() == [
        [2026013, "03 05 06 23 26 + 01 04", "500com-justdoitfor", "03 05 06 23 26 + 01 12", "sporttery-mflyn"]
    ]
    kept = batch.draws.set_index("issue").loc[2026013]
    assert (kept["back_1"], kept["back_2"]) == (1, 4)
