"""The format registry: telling a file's format from its content and dispatching to its parser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lotto_lab.errors import ConfigError
from lotto_lab.games import GameSpec, get_game
from lotto_lab.sources.community import parse_500_csv, parse_500_json, parse_500_prize_csv
from lotto_lab.sources.inputs import Origin, RawInput, load_json, read_csv_table, read_input
from lotto_lab.sources.layouts import records_frame
from lotto_lab.sources.model import ParsedSource
from lotto_lab.sources.official import parse_cwl_json, parse_sporttery_json, parse_zhcw_json
from lotto_lab.sources.wide import looks_wide, parse_wide

__all__ = ["FORMATS", "FormatInfo", "detect_format", "parse_input", "read_source"]

Parser = Callable[[object, Origin, RawInput, GameSpec | None], ParsedSource]


@dataclass(frozen=True)
class FormatInfo:
    """One input format: its name, the kinds of text it comes as, and its parser."""

    name: str
    texts: tuple[str, ...]  # "csv", "json" or both
    description: str
    parser: Parser


FORMATS: dict[str, FormatInfo] = {
    info.name: info
    for info in (
        FormatInfo(
            "wide", ("csv", "json"), "issue, draw_date and one column per ball (the user layout)", parse_wide
        ),
        FormatInfo(
            "500-json", ("json",), "500.com draws as ball lists (Justdoitfor/my-lottery-data)", parse_500_json
        ),
        FormatInfo(
            "500-csv", ("csv",), "500.com draws with sales and pool (LJQ-HUB-cmyk/lottery-dlt)", parse_500_csv
        ),
        FormatInfo(
            "500-prize-csv",
            ("csv",),
            "500.com draws with pool, sales and tiers 1-2 (XIUDENBENNY/ruyi-dlt-web)",
            parse_500_prize_csv,
        ),
        FormatInfo(
            "zhcw-json", ("json",), "zhcw.com mobile API response (zssky/lotterybot)", parse_zhcw_json
        ),
        FormatInfo("cwl-json", ("json",), "cwl.gov.cn draw records (249134568/ssq-data)", parse_cwl_json),
        FormatInfo(
            "sporttery-json", ("json",), "sporttery.cn draw records (mflyn/lottery)", parse_sporttery_json
        ),
    )
}


def _detect_json(payload: object) -> str | None:
    if isinstance(payload, dict):
        if "dataList" in payload:
            return "zhcw-json"
        if isinstance(payload.get("data"), list):
            return "sporttery-json"
        return None
    if not isinstance(payload, list) or not payload or not isinstance(payload[0], dict):
        return None
    first = payload[0]
    if "period" in first:
        return "cwl-json"
    if "issue" in first and any(isinstance(value, list) for value in first.values()):
        return "500-json"
    if looks_wide(pd.Index(first.keys())):
        return "wide"
    return None


def _detect_csv(columns: pd.Index) -> str | None:
    names = {str(column).lower() for column in columns}
    if {"issue", "date", "r1", "b1", "sales", "pool"} <= names:
        return "500-csv"
    if {"issue", "date", "red1", "blue1", "pool_money"} <= names:
        return "500-prize-csv"
    if looks_wide(columns):
        return "wide"
    return None


def detect_format(raw: RawInput) -> str | None:
    """Return the name of the format of ``raw``, or None when no format fits."""
    if raw.looks_like_json:
        return _detect_json(load_json(raw))
    table, _ = read_csv_table(raw)
    return _detect_csv(table.columns)


def _unknown_layout(origin: Origin, found: str, found_zh: str) -> Exception:
    names = ", ".join(FORMATS)
    return origin.header_error(
        f"{found} matches no supported format: use the wide layout (issue, draw_date, then one column "
        f"per ball: red_1..red_6, blue_1 for SSQ or front_1..front_5, back_1, back_2 for DLT) or one of "
        f"the formats {names}, or name the format with --format",
        f"{found_zh}不符合任何支持的格式：请使用宽表格式（issue、draw_date，然后每个号码一列：双色球为 "
        f"red_1..red_6、blue_1，大乐透为 front_1..front_5、back_1、back_2）或以下格式之一：{names}，"
        "也可以用 --format 指定格式",
    )


def _payload(raw: RawInput) -> tuple[object, Origin, str | None, tuple[str, str]]:
    """Return the decoded content, its origin, the detected format and how to name the content."""
    if raw.looks_like_json:
        origin = Origin(raw=raw)
        origin.header_line = raw.text[: len(raw.text) - len(raw.text.lstrip())].count("\n") + 1
        payload = load_json(raw)
        return payload, origin, _detect_json(payload), ("the JSON structure", "该 JSON 结构")
    table, origin = read_csv_table(raw)
    header = ",".join(str(column) for column in table.columns)
    return table, origin, _detect_csv(table.columns), (f"the header {header!r}", f"表头 {header!r} ")


def parse_input(raw: RawInput, game: GameSpec | str | None = None, fmt: str | None = None) -> ParsedSource:
    """Parse and validate an input already read; see :func:`read_source`."""
    spec = get_game(game) if game is not None else None
    if fmt is not None and fmt not in FORMATS:
        raise ConfigError(
            f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}",
            zh=f"未知格式 {fmt!r}：请从 {', '.join(FORMATS)} 中选择",
        )

    payload, origin, detected, (found, found_zh) = _payload(raw)
    chosen = fmt or detected
    if chosen is None:
        raise _unknown_layout(origin, found, found_zh)

    info = FORMATS[chosen]
    text = "json" if raw.looks_like_json else "csv"
    if text not in info.texts:
        expected = " or ".join(kind.upper() for kind in info.texts)
        raise origin.header_error(
            f"the file is {text.upper()} text, but the format {chosen} is {expected}",
            f"该文件是 {text.upper()} 文本，但格式 {chosen} 是 {expected}",
        )
    if chosen == "wide" and text == "json":
        payload = records_frame(payload, origin, "the file")
    return info.parser(payload, origin, raw, spec)


def read_source(path: str | Path, game: GameSpec | str | None = None, fmt: str | None = None) -> ParsedSource:
    """Read, parse and validate one draw file.

    Parameters
    ----------
    path
        A CSV or JSON file in one of :data:`FORMATS`, encoded as UTF-8 (with or without a BOM)
        or GBK/GB18030.
    game
        The game the file must hold; None takes the game from the file's columns.
    fmt
        A format name from :data:`FORMATS`; None detects it from the content.

    Raises
    ------
    ConfigError
        The path is not a file, or ``fmt`` or ``game`` is unknown.
    DataValidationError
        The file breaks a rule; the message names the file, the line and the value.
    """
    return parse_input(read_input(path), game, fmt)
