"""User files: the wide layout in every encoding, excerpts of each bundled format, detection."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lotto_lab.config import BUNDLED_DIR
from lotto_lab.errors import ConfigError, DataValidationError
from lotto_lab.sources import read_source

SSQ_HEADER = "issue,draw_date,red_1,red_2,red_3,red_4,red_5,red_6,blue_1"
SSQ_ROWS = "2026095,2026-08-18,4,6,14,21,22,33,16\n2026096,2026-08-20,1,4,16,22,26,31,4\n"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _check_ssq_pair(source) -> None:
    assert source.game.name == "ssq"
    assert source.draws["issue"].tolist() == [2026095, 2026096]
    assert source.draws["draw_date"].tolist() == [pd.Timestamp("2026-08-18"), pd.Timestamp("2026-08-20")]
    assert source.draws.iloc[1, 2:].tolist() == [1, 4, 16, 22, 26, 31, 4]


def test_wide_csv_utf8(tmp_path: Path) -> None:
    source = read_source(_write(tmp_path / "draws.csv", f"{SSQ_HEADER}\n{SSQ_ROWS}"))
    assert source.fmt == "wide"
    assert source.raw.encoding == "utf-8"
    _check_ssq_pair(source)
    assert source.money.empty
    assert source.prizes.empty


def test_wide_csv_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{SSQ_HEADER}\r\n{SSQ_ROWS}".replace("\n", "\r\n").encode())
    source = read_source(path)
    assert source.raw.encoding == "utf-8-sig"
    _check_ssq_pair(source)


def test_gbk_chinese_headers(tmp_path: Path) -> None:
    text = "期号,开奖日期,红1,红2,红3,红4,红5,红6,蓝1,销售额,奖池\n"
    text += '2026095,2026/8/18,4,6,14,21,22,33,16,"347,737,104",628888733\n'
    text += "2026096,2026/8/20,31,26,22,16,4,1,4,,\n"
    source = read_source(_write(tmp_path / "gbk.csv", text, "gbk"))
    assert source.raw.encoding == "gb18030"
    _check_ssq_pair(source)
    money = source.money.set_index("issue")
    assert money.index.tolist() == [2026095]
    assert money.loc[2026095, "sales"] == 347737104
    assert money.loc[2026095, "pool_after"] == 628888733


def test_gb18030_long_chinese_headers(tmp_path: Path) -> None:
    text = "期号,开奖日期,红球1,红球2,红球3,红球4,红球5,红球6,蓝球\n" + SSQ_ROWS
    source = read_source(_write(tmp_path / "gb18030.csv", text, "gb18030"), game="ssq")
    _check_ssq_pair(source)


def test_dlt_chinese_headers(tmp_path: Path) -> None:
    text = "期号,开奖日期,前区1,前区2,前区3,前区4,前区5,后区1,后区2\n26095,2026-08-22,4,6,8,10,14,4,5\n"
    source = read_source(_write(tmp_path / "dlt.csv", text, "gbk"))
    assert source.game.name == "dlt"
    assert source.draws.iloc[0].tolist()[2:] == [4, 6, 8, 10, 14, 4, 5]
    assert source.draws["issue"].tolist() == [2026095]


def test_wide_json(tmp_path: Path) -> None:
    records = [
        {"issue": "26096", "draw_date": "2026-08-20", "red_1": 1, "red_2": 4, "red_3": 16, "red_4": 22,
         "red_5": 26, "red_6": 31, "blue_1": 4, "sales": "355,852,948"},
        {"issue": "26095", "draw_date": "2026-08-18", "red_1": 4, "red_2": 6, "red_3": 14, "red_4": 21,
         "red_5": 22, "red_6": 33, "blue_1": 16},
    ]  # fmt: skip
    path = tmp_path / "draws.json"
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    source = read_source(path)
    assert source.fmt == "wide"
    _check_ssq_pair(source)
    assert source.money.set_index("issue").loc[2026096, "sales"] == 355852948


def test_unsorted_balls_stored_sorted(tmp_path: Path) -> None:
    text = f"{SSQ_HEADER}\n2026096,2026-08-20,31,26,22,16,4,1,4\n"
    source = read_source(_write(tmp_path / "unsorted.csv", text))
    assert source.draws.iloc[0, 2:8].tolist() == [1, 4, 16, 22, 26, 31]


def _json_excerpt(name: str, tmp_path: Path, count: int = 3) -> Path:
    payload = json.loads((BUNDLED_DIR / name).read_text(encoding="utf-8"))
    for key in ("dataList", "data"):
        if isinstance(payload, dict) and key in payload:
            payload[key] = payload[key][:count]
            break
    else:
        payload = payload[:count]
    path = tmp_path / Path(name).name
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _csv_excerpt(name: str, tmp_path: Path, count: int = 3) -> Path:
    data = (BUNDLED_DIR / name).read_bytes()
    lines = data.splitlines(keepends=True)
    path = tmp_path / Path(name).name
    path.write_bytes(b"".join(lines[: count + 1]))
    return path


EXCERPTS = [
    ("ssq/Justdoitfor--my-lottery-data__ssq.json", "500-json", "ssq", [2026094, 2026095, 2026096]),
    ("dlt/Justdoitfor--my-lottery-data__dlt.json", "500-json", "dlt", [2026093, 2026094, 2026095]),
    ("ssq/zssky--lotterybot__ssq.json", "zhcw-json", "ssq", [2017111, 2017112, 2017113]),
    ("ssq/249134568--ssq-data__data.json", "cwl-json", "ssq", [2026076, 2026077, 2026078]),
    ("dlt/mflyn--lottery__dlt_history.json", "sporttery-json", "dlt", [2026011, 2026012, 2026013]),
    ("ssq/LJQ-HUB-cmyk--lottery-dlt__ssq_history.csv", "500-csv", "ssq", [2003001, 2003002, 2003003]),
    ("dlt/XIUDENBENNY--ruyi-dlt-web__dlt_history.csv", "500-prize-csv", "dlt", [2007001, 2007002, 2007003]),
]


@pytest.mark.parametrize(("name", "fmt", "game", "issues"), EXCERPTS)
def test_bundled_format_excerpt(tmp_path: Path, name, fmt, game, issues) -> None:
    maker = _json_excerpt if name.endswith(".json") else _csv_excerpt
    source = read_source(maker(name, tmp_path))
    assert (source.fmt, source.game.name) == (fmt, game)
    assert source.draws["issue"].tolist() == issues


def test_forced_format_checks_columns(tmp_path: Path) -> None:
    path = _write(tmp_path / "draws.csv", f"{SSQ_HEADER}\n{SSQ_ROWS}")
    with pytest.raises(DataValidationError) as caught:
        read_source(path, fmt="500-csv")
    assert str(caught.value) == (
        f"{path}, line 1: the 500-csv records match no known game: their ball columns fit neither SSQ "
        "nor DLT. Nothing was stored; see docs/data-formats.md for the supported layouts."
    )


def test_forced_json_format_on_csv(tmp_path: Path) -> None:
    path = _write(tmp_path / "draws.csv", f"{SSQ_HEADER}\n{SSQ_ROWS}")
    with pytest.raises(DataValidationError) as caught:
        read_source(path, fmt="cwl-json")
    assert str(caught.value) == (
        f"{path}, line 1: the file is CSV text, but the format cwl-json is JSON. Nothing was stored; "
        "see docs/data-formats.md for the supported layouts."
    )
    assert caught.value.zh == (
        f"{path} 第 1 行：该文件是 CSV 文本，但格式 cwl-json 是 JSON。"
        "未写入任何数据；支持的格式见 docs/data-formats.md。"
    )


def test_unknown_format_name(tmp_path: Path) -> None:
    path = _write(tmp_path / "draws.csv", f"{SSQ_HEADER}\n{SSQ_ROWS}")
    with pytest.raises(ConfigError) as caught:
        read_source(path, fmt="xlsx")
    assert str(caught.value) == (
        "unknown format 'xlsx': choose one of wide, 500-json, 500-csv, 500-prize-csv, zhcw-json, cwl-json, "
        "sporttery-json"
    )


def test_game_mismatch_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path / "draws.csv", f"{SSQ_HEADER}\n{SSQ_ROWS}")
    with pytest.raises(DataValidationError) as caught:
        read_source(path, game="dlt")
    assert str(caught.value) == (
        f"{path} contains SSQ draws, but the requested game is DLT. Nothing was stored; pass --game ssq or "
        "choose a DLT file."
    )
    assert caught.value.zh == (
        f"{path} 是双色球数据，但指定的游戏是超级大乐透。"
        "未写入任何数据；请使用 --game ssq 或选择超级大乐透文件。"
    )


def test_repeated_identical_row_dropped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = f"{SSQ_HEADER}\n{SSQ_ROWS}2026096,2026-08-20,1,4,16,22,26,31,4\n"
    path = _write(tmp_path / "repeat.csv", text)
    with caplog.at_level(logging.WARNING, logger="lotto_lab"):
        source = read_source(path)
    _check_ssq_pair(source)
    message = f"{path}: dropped 1 row that repeats an earlier row exactly"
    assert source.warnings == (message,)
    assert message in caplog.messages


def test_issue_gap_is_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = f"{SSQ_HEADER}\n2025150,2025-12-30,1,2,3,4,5,6,7\n2026001,2026-01-01,1,2,3,4,5,6,7\n"
    text += "2026005,2026-01-11,1,2,3,4,5,6,7\n"
    path = _write(tmp_path / "gap.csv", text)
    with caplog.at_level(logging.WARNING, logger="lotto_lab"):
        source = read_source(path)
    assert len(source.draws) == 3
    message = f"{path}: 1 gap in the issue numbers, draws missing between 2026001..2026005"
    assert source.warnings == (message,)
    assert message in caplog.messages


def test_blank_lines_skipped_and_counted(tmp_path: Path) -> None:
    text = f"{SSQ_HEADER}\n\n2026095,2026-08-18,4,6,14,21,22,33,16\n\n2026096,2026-08-20,1,4,16,22,26,31,40\n"
    path = _write(tmp_path / "blank.csv", text)
    with pytest.raises(DataValidationError) as caught:
        read_source(path)
    assert str(caught.value).startswith(f"{path}, line 5: blue ball 40 is out of range")


def test_money_frames_are_float(tmp_path: Path) -> None:
    text = f'{SSQ_HEADER},sales,pool_after\n2026096,2026-08-20,1,4,16,22,26,31,4,"1,000.50",--\n'
    source = read_source(_write(tmp_path / "money.csv", text))
    row = source.money.iloc[0]
    assert row["sales"] == pytest.approx(1000.5)
    assert np.isnan(row["pool_after"])
