"""Every kind of bad input gets one DataValidationError naming the file, the line and the value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lotto_lab.errors import DataValidationError
from lotto_lab.sources import read_source

HEADER = "issue,draw_date,red_1,red_2,red_3,red_4,red_5,red_6,blue_1"
GOOD = "2026001,2026-01-01,1,2,3,4,5,6,7"
ROW_EN = "Nothing was stored; correct the row and run lotto-lab ingest again."
ROW_ZH = "未写入任何数据；请修正该行后重新运行 lotto-lab ingest。"
LAYOUT_EN = "Nothing was stored; see docs/data-formats.md for the supported layouts."
LAYOUT_ZH = "未写入任何数据；支持的格式见 docs/data-formats.md。"

# name, file bytes, English message after "<path>", Chinese message after "<path>"
CASES = [
    (
        "missing_column.csv",
        b"issue,draw_date,red_1,red_2,red_3,red_4,red_5,blue_1\n2026001,2026-01-01,1,2,3,4,5,6\n",
        ", line 1: column 'red_6' is missing: the SSQ wide layout needs issue, draw_date, red_1, red_2, "
        "red_3, red_4, red_5, red_6, blue_1 (found: issue, draw_date, red_1, red_2, red_3, red_4, red_5, "
        f"blue_1). {LAYOUT_EN}",
        " 第 1 行：缺少列 'red_6'：SSQ wide 格式需要 issue, draw_date, red_1, red_2, red_3, red_4, red_5, "
        "red_6, blue_1（实际为：issue, draw_date, red_1, red_2, red_3, red_4, red_5, blue_1）。" + LAYOUT_ZH,
    ),
    (
        "out_of_range.csv",
        f"{HEADER}\n{GOOD}\n2026002,2026-01-04,1,2,3,4,5,34,7\n".encode(),
        f", line 3: red ball 34 is out of range: red balls are whole numbers from 1 to 33. {ROW_EN}",
        f" 第 3 行：红球号码 34 超出范围：红球号码是 1 到 33 的整数。{ROW_ZH}",
    ),
    (
        "blue_zero.csv",
        f"{HEADER}\n2026001,2026-01-01,1,2,3,4,5,6,0\n".encode(),
        f", line 2: blue ball 0 is out of range: blue balls are whole numbers from 1 to 16. {ROW_EN}",
        f" 第 2 行：蓝球号码 0 超出范围：蓝球号码是 1 到 16 的整数。{ROW_ZH}",
    ),
    (
        "repeated_ball.csv",
        f"{HEADER}\n2026001,2026-01-01,1,2,3,4,5,5,7\n".encode(),
        ", line 2: red ball 5 appears twice in one draw: the 6 red balls of a draw are all different. "
        + ROW_EN,
        f" 第 2 行：红球号码 5 在同一期中出现两次：每期的 6 个红球号码互不相同。{ROW_ZH}",
    ),
    (
        "missing_ball.csv",
        f"{HEADER}\n{GOOD}\n2026002,2026-01-04,1,2,3,4,5,,7\n".encode(),
        f", line 3: the draw has 5 red balls, but SSQ draws have 6. {ROW_EN}",
        f" 第 3 行：该期有 5 个红球号码，但双色球每期有 6 个。{ROW_ZH}",
    ),
    (
        "short_list.json",
        b'[\n  {"issue": "26002", "date": "2026-01-04",\n   "red": ["01", "02"], "blue": ["03"]},\n'
        b'  {"issue": "26001", "date": "2026-01-01",\n'
        b'   "red": ["01", "02", "03", "04", "05"], "blue": ["03"]}\n]\n',
        f", line 2: the draw has 2 red balls, but SSQ draws have 6. {ROW_EN}",
        f" 第 2 行：该期有 2 个红球号码，但双色球每期有 6 个。{ROW_ZH}",
    ),
    (
        "too_many.json",
        b'[\n  {"issue": "26001", "date": "2026-01-01",\n   "red": ["01", "02", "03", "04", "05", "06"], '
        b'"blue": ["03", "04"]}\n]\n',
        f", line 2: the draw has 2 blue balls, but SSQ draws have 1. {ROW_EN}",
        f" 第 2 行：该期有 2 个蓝球号码，但双色球每期有 1 个。{ROW_ZH}",
    ),
    (
        "not_a_number.csv",
        f"{HEADER}\n2026001,2026-01-01,1,2,3,x,5,6,7\n".encode(),
        f", line 2: red ball 'x' is not a whole number. {ROW_EN}",
        f" 第 2 行：红球号码 'x' 不是整数。{ROW_ZH}",
    ),
    (
        "impossible_date.csv",
        f"{HEADER}\n2026001,2026-02-30,1,2,3,4,5,6,7\n".encode(),
        f", line 2: draw date '2026-02-30' is not a calendar date: February 2026 has 28 days. {ROW_EN}",
        f" 第 2 行：开奖日期 '2026-02-30' 不是日历上的日期：2026 年 2 月只有 28 天。{ROW_ZH}",
    ),
    (
        "leap_year_date.csv",
        f"{HEADER}\n2028001,2028/2/30,1,2,3,4,5,6,7\n".encode(),
        f", line 2: draw date '2028/2/30' is not a calendar date: February 2028 has 29 days. {ROW_EN}",
        f" 第 2 行：开奖日期 '2028/2/30' 不是日历上的日期：2028 年 2 月只有 29 天。{ROW_ZH}",
    ),
    (
        "month_13.csv",
        f"{HEADER}\n{GOOD}\n2026002,2026年13月4日,1,2,3,4,5,6,7\n".encode(),
        f", line 3: draw date '2026年13月4日' is not a calendar date: there is no month 13; months run "
        f"from 1 to 12. {ROW_EN}",
        f" 第 3 行：开奖日期 '2026年13月4日' 不是日历上的日期：没有 13 月，月份是 1 到 12。{ROW_ZH}",
    ),
    (
        "day_zero.csv",
        f"{HEADER}\n2026001,20260100,1,2,3,4,5,6,7\n".encode(),
        f", line 2: draw date '20260100' is not a calendar date: days of the month start at 1. {ROW_EN}",
        f" 第 2 行：开奖日期 '20260100' 不是日历上的日期：每月从 1 日开始。{ROW_ZH}",
    ),
    (
        "impossible_date.json",
        b'[\n  {"issue": "26001", "date": "2026-01-01",\n   "red": ["01", "02", "03", "04", "05", "06"], '
        b'"blue": ["07"]},\n  {"issue": "26002", "date": "2026-04-31(\xe5\x9b\x9b)",\n'
        b'   "red": ["01", "02", "03", "04", "05", "06"], "blue": ["07"]}\n]\n',
        f", line 4: draw date '2026-04-31(四)' is not a calendar date: April 2026 has 30 days. {ROW_EN}",
        f" 第 4 行：开奖日期 '2026-04-31(四)' 不是日历上的日期：2026 年 4 月只有 30 天。{ROW_ZH}",
    ),
    (
        "unparseable_date.csv",
        f"{HEADER}\n2026001,next Sunday,1,2,3,4,5,6,7\n".encode(),
        f", line 2: draw date 'next Sunday' is not a valid date: write it as YYYY-MM-DD, for example "
        f"2026-08-20. {ROW_EN}",
        f" 第 2 行：开奖日期 'next Sunday' 不是有效日期：请写成 YYYY-MM-DD，例如 2026-08-20。{ROW_ZH}",
    ),
    (
        "wrong_year.csv",
        f"{HEADER}\n2026001,2025-12-30,1,2,3,4,5,6,7\n".encode(),
        ", line 2: draw date 2025-12-30 is in 2025, but issue 2026001 is numbered in 2026: an issue "
        f"starts with the year of its draw. {ROW_EN}",
        " 第 2 行：开奖日期 2025-12-30 在 2025 年，但期号 2026001 属于 2026 年："
        f"期号以开奖年份开头。{ROW_ZH}",
    ),
    (
        "bad_issue.csv",
        f"{HEADER}\n{GOOD}\n202602,2026-01-04,1,2,3,4,5,6,7\n".encode(),
        ", line 3: issue '202602' is not a valid SSQ issue number: write 7 digits YYYYNNN (2026096) or "
        f"5 digits YYNNN (26096), with a draw number from 001. {ROW_EN}",
        " 第 3 行：期号 '202602' 不是有效的双色球期号：请写 7 位 YYYYNNN（2026096）或 5 位 YYNNN（26096），"
        f"期内序号从 001 开始。{ROW_ZH}",
    ),
    (
        "duplicate_issue.csv",
        f"{HEADER}\n{GOOD}\n2026002,2026-01-04,1,2,3,4,5,6,7\n2026001,2026-01-01,1,2,3,4,5,6,8\n".encode(),
        ", line 4: issue 2026001 appears again with a different date or numbers (first on line 2): keep "
        f"one row per issue. {ROW_EN}",
        f" 第 4 行：期号 2026001 再次出现且日期或号码不同（首次出现在第 2 行）：每期只保留一行。{ROW_ZH}",
    ),
    (
        "dates_backwards.csv",
        f"{HEADER}\n2026001,2026-01-04,1,2,3,4,5,6,7\n2026002,2026-01-01,1,2,3,4,5,6,7\n".encode(),
        ", line 3: draw date 2026-01-01 of issue 2026002 is not after 2026-01-04, the date of the earlier "
        f"issue 2026001 on line 2: dates must increase with the issue number. {ROW_EN}",
        " 第 3 行：期号 2026002 的开奖日期 2026-01-01 不晚于上一期 2026001（第 2 行）的 2026-01-04：开奖日期"
        f"必须随期号递增。{ROW_ZH}",
    ),
    (
        "bad_money.csv",
        f"{HEADER},sales\n2026001,2026-01-01,1,2,3,4,5,6,7,lots\n".encode(),
        ", line 2: sales 'lots' is not an amount in yuan: write digits, optionally with thousands commas "
        f"(355,852,948) and cents (832,704,685.87). {ROW_EN}",
        " 第 2 行：销售额 'lots' 不是以元为单位的金额：请写数字，可带千位逗号（355,852,948）和角分"
        f"（832,704,685.87）。{ROW_ZH}",
    ),
    (
        "page.csv",
        b"\n<!DOCTYPE html>\n<html><body><table></table></body></html>\n",
        ", line 2: the file is a web page (it starts with '<!DOCTYPE html'), not draw data. Nothing was "
        "stored; save the draw table as CSV or JSON and ingest that file.",
        " 第 2 行：该文件是网页（以 '<!DOCTYPE html' 开头），不是开奖数据。"
        "未写入任何数据；请把开奖表另存为 CSV 或 JSON 后再导入。",
    ),
    (
        "empty.csv",
        b"",
        ", line 1: the file is empty, so it holds no draws. Nothing was stored; choose a CSV or JSON file "
        "with one draw per row (see docs/data-formats.md).",
        " 第 1 行：文件为空，没有任何开奖记录。未写入任何数据；请选择每行一期开奖的 CSV 或 JSON 文件"
        "（见 docs/data-formats.md）。",
    ),
    (
        "blank.csv",
        b"\xef\xbb\xbf\r\n  \r\n",
        ", line 1: the file is empty, so it holds no draws. Nothing was stored; choose a CSV or JSON file "
        "with one draw per row (see docs/data-formats.md).",
        " 第 1 行：文件为空，没有任何开奖记录。未写入任何数据；请选择每行一期开奖的 CSV 或 JSON 文件"
        "（见 docs/data-formats.md）。",
    ),
    (
        "header_only.csv",
        f"{HEADER}\n".encode(),
        f", line 1: the file has a header but no draws. {LAYOUT_EN}",
        f" 第 1 行：文件只有表头，没有开奖记录。{LAYOUT_ZH}",
    ),
    (
        "undecodable.csv",
        f"{HEADER}\n{GOOD}\n".encode() + b"2026002,2026-01-04,1,2,3,\xff,5,6,7\n",
        ", line 3: bytes b'\\xff' cannot be decoded as UTF-8 or GBK/GB18030 text. Nothing was stored; save "
        "the file as UTF-8 or GBK text and run lotto-lab ingest again.",
        " 第 3 行：字节 b'\\xff' 无法按 UTF-8 或 GBK/GB18030 解码。未写入任何数据；请将文件另存为 UTF-8 或 "
        "GBK 文本后重新运行 lotto-lab ingest。",
    ),
    (
        "broken.json",
        b'[\n  {"issue": "26001", "date": "2026-01-01",\n   "red": ["01", "02",\n',
        ", line 4: invalid JSON at column 1 (Expecting value). Nothing was stored; fix the file or export "
        "it again.",
        " 第 4 行：第 1 列的 JSON 无效（Expecting value）。未写入任何数据；请修正文件或重新导出。",
    ),
    (
        "extra_field.csv",
        f"{HEADER}\n{GOOD}\n2026002,2026-01-04,1,2,3,4,5,6,7,8\n".encode(),
        f", line 3: the row has 10 fields but the header has 9. {ROW_EN}",
        f" 第 3 行：该行有 10 个字段，但表头有 9 个。{ROW_ZH}",
    ),
    (
        "extra_field_first_row.csv",
        f"{HEADER}\n2026001,2026-01-01,1,2,3,4,5,6,7,8\n".encode(),
        f", line 2: the row has 10 fields but the header has 9. {ROW_EN}",
        f" 第 2 行：该行有 10 个字段，但表头有 9 个。{ROW_ZH}",
    ),
    (
        "two_extra_fields_first_row.csv",
        f"{HEADER}\n2026001,2026-01-01,1,2,3,4,5,6,7,8,9\n{GOOD}\n".encode(),
        f", line 2: the row has 11 fields but the header has 9. {ROW_EN}",
        f" 第 2 行：该行有 11 个字段，但表头有 9 个。{ROW_ZH}",
    ),
    (
        "extra_fields_first_and_later_row.csv",
        f"{HEADER}\n2026001,2026-01-01,1,2,3,4,5,6,7,8\n2026002,2026-01-04,1,2,3,4,5,6,7,8,9\n".encode(),
        f", line 2: the row has 10 fields but the header has 9. {ROW_EN}",
        f" 第 2 行：该行有 10 个字段，但表头有 9 个。{ROW_ZH}",
    ),
    (
        "extra_field_after_blank_line.csv",
        f"{HEADER}\n\n2026001,2026-01-01,1,2,3,4,5,6,7,8\n".encode(),
        f", line 3: the row has 10 fields but the header has 9. {ROW_EN}",
        f" 第 3 行：该行有 10 个字段，但表头有 9 个。{ROW_ZH}",
    ),
    (
        "unknown_layout.csv",
        b"foo,bar\n1,2\n",
        ", line 1: the header 'foo,bar' matches no supported format: use the wide layout (issue, "
        "draw_date, then one column per ball: red_1..red_6, blue_1 for SSQ or front_1..front_5, back_1, "
        "back_2 for DLT) or one of the formats wide, 500-json, 500-csv, 500-prize-csv, zhcw-json, "
        f"cwl-json, sporttery-json, or name the format with --format. {LAYOUT_EN}",
        " 第 1 行：表头 'foo,bar' 不符合任何支持的格式：请使用宽表格式（issue、draw_date，然后每个号码一列："
        "双色球为 red_1..red_6、blue_1，大乐透为 front_1..front_5、back_1、back_2）或以下格式之一：wide, "
        "500-json, 500-csv, 500-prize-csv, zhcw-json, cwl-json, sporttery-json，也可以用 --format 指定格式。"
        + LAYOUT_ZH,
    ),
]


@pytest.mark.parametrize(("name", "data", "english", "chinese"), CASES, ids=[case[0] for case in CASES])
def test_bad_input_message(tmp_path: Path, name: str, data: bytes, english: str, chinese: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataValidationError) as caught:
        read_source(path)
    assert str(caught.value) == f"{path}{english}"
    assert caught.value.zh == f"{path}{chinese}"


def test_gbk_file_error_names_line(tmp_path: Path) -> None:
    text = "期号,开奖日期,红1,红2,红3,红4,红5,红6,蓝1\n2026001,2026年1月1日,1,2,3,4,5,6,17\n"
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gbk"))
    with pytest.raises(DataValidationError) as caught:
        read_source(path)
    assert str(caught.value) == (
        f"{path}, line 2: blue ball 17 is out of range: blue balls are whole numbers from 1 to 16. {ROW_EN}"
    )


def test_bad_winner_count_named(tmp_path: Path) -> None:
    record = (
        '[\n  {"period": "2026078", "date": "2026-07-09(四)", "red": [7, 11, 14, 16, 27, 28], "blue": 6,\n'
        '   "sales": "355,852,948", "pool": "285,632,700",\n'
        '   "prizes": {"一等奖": {"count": "many", "amount": "5983174"}}}\n]\n'
    )
    path = tmp_path / "cwl.json"
    path.write_text(record, encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_source(path)
    assert (
        str(caught.value) == f"{path}, line 2: winner count 'many' of 一等奖 is not a whole number. {ROW_EN}"
    )
    assert caught.value.zh == f"{path} 第 2 行：一等奖 的中奖注数 'many' 不是整数。{ROW_ZH}"


def test_bad_prize_amount_named(tmp_path: Path) -> None:
    header = (
        "issue,red1,red2,red3,red4,red5,blue1,blue2,pool_money,first_prize_count,first_prize_money,"
        "second_prize_count,second_prize_money,sales_money,date"
    )
    path = tmp_path / "dlt.csv"
    path.write_text(
        f"{header}\n07001,22,24,29,31,35,4,11,89168335,2,5000000,8,136558,17086781,2007-05-30\n"
        "07002,15,22,31,34,35,5,12,84592975,1,five million,3,339746,16832903,2007-06-02\n",
        encoding="utf-8-sig",
    )
    with pytest.raises(DataValidationError) as caught:
        read_source(path)
    assert str(caught.value) == (
        f"{path}, line 3: prize amount of 一等奖 'five million' is not an amount in yuan: write digits, "
        f"optionally with thousands commas (355,852,948) and cents (832,704,685.87). {ROW_EN}"
    )


def test_prize_row_without_name(tmp_path: Path) -> None:
    record = {
        "kjIssue": "2017113",
        "kjdate": "2017/09/26",
        "kjznum": "04 06 16 27 29 33",
        "kjtnum": "05",
        "mlist": [{"mname": "本期销量：316,223,542元"}],
        "bonus": [{"zname": "", "znum": "4", "money": "8403060"}],
    }
    path = tmp_path / "zhcw.json"
    path.write_text(json.dumps({"dataList": [record]}, ensure_ascii=False, indent=2), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        read_source(path)
    assert str(caught.value) == (
        f"{path}, line 3: a prize row has no tier name: "
        f"every prize row names its tier (一等奖, 二等奖, ...). {ROW_EN}"
    )
