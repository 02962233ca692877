"""Checks shared by every parser: raw records in, validated draw, money and prize frames out.

A parser turns its format into a table of raw values with one row per record in file order:
``issue``, ``draw_date`` and ``<pool>_<n>`` columns (plus ``<pool>__count`` when the format
writes balls as a list). :func:`build_draws` checks every rule on the whole table before anything
is stored and raises one :class:`~lotto_lab.errors.DataValidationError` naming the first bad row.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from lotto_lab.games import GameSpec, Pool
from lotto_lab.sources.inputs import Origin
from lotto_lab.sources.values import (
    as_text,
    date_parts,
    first_true,
    parse_amounts,
    parse_counts,
    parse_dates,
    parse_issues,
    parse_whole_numbers,
)

__all__ = ["build_draws", "build_money", "build_prizes", "expand_balls", "tier_numbers"]

log = logging.getLogger(__name__)

_MAX_GAPS_LISTED = 5

# Spelled out rather than taken from calendar.month_name, which follows the process locale.
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def expand_balls(values: pd.Series, pool: Pool) -> pd.DataFrame:
    """Spread a column of ball lists into ``<pool>_1 .. <pool>_<pick>`` plus ``<pool>__count``.

    A scalar counts as a one-ball list (cwl writes the single blue ball as an int) and a string
    is split on whitespace and commas (zhcw writes ``"04 06 16 27 29 33"``).
    """
    raw = values.tolist()
    # A column of one kind (JSON lists, or zhcw's strings) skips the per-value type tests.
    kinds = set(map(type, raw))
    if kinds == {list}:
        lists = raw
    elif kinds == {str}:
        lists = [value.replace(",", " ").split() for value in raw]
    else:
        lists = [_as_ball_list(value) for value in raw]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    if len(lists) and (counts == pool.pick).all():
        array = _full_ball_array(lists, pool)
    else:
        array = np.array(
            [balls[: pool.pick] + [None] * (pool.pick - len(balls)) for balls in lists], dtype=object
        ).reshape(len(lists), pool.pick)
    columns: dict[str, object] = {
        f"{pool.name}_{position + 1}": array[:, position] for position in range(pool.pick)
    }
    columns[f"{pool.name}__count"] = counts
    return pd.DataFrame(columns, index=values.index)


def _full_ball_array(lists: list[list[Any]], pool: Pool) -> np.ndarray:
    """Return the ``(n, pick)`` array of ``n`` ball lists that each contain ``pick`` balls.

    Integers and zero-padded digit strings ("07") become int64; anything else stays as objects
    for build_draws to check and report.
    """
    every_ball = [ball for balls in lists for ball in balls]
    numbers = _digit_strings(every_ball)
    if numbers is not None:
        return numbers.reshape(len(lists), pool.pick)
    try:
        flat = np.array(every_ball)
    except ValueError:
        flat = None
    if flat is not None and flat.ndim == 1 and flat.dtype.kind == "U":
        try:
            flat = flat.astype(np.int64)
        except ValueError:
            flat = None
    if flat is not None and flat.ndim == 1 and flat.dtype.kind in "iu":
        return flat.reshape(len(lists), pool.pick)
    # Balls that are lists themselves, floats or mixed values take the slow path, which keeps
    # the error or the object array the 2-D conversion gives.
    array = np.array(lists)
    if array.dtype.kind not in "iu":
        array = np.array(lists, dtype=object)
    return array


def _digit_strings(values: list[Any], max_digits: int = 18) -> np.ndarray | None:
    """Convert strings of 1 to ``max_digits`` ASCII digits to int64 in one call.

    Returns None when any value is something else. With ``max_digits`` at most 18, every
    number fits in int64.
    """
    try:
        joined = "".join(values)  # TypeError unless every value is a string
    except TypeError:
        return None
    if not (joined.isascii() and joined.isdigit()) or max(map(len, values)) > max_digits:
        return None
    numbers = np.fromstring(" ".join(values), dtype=np.int64, sep=" ")
    # An empty string among the values leaves one number short.
    return numbers if len(numbers) == len(values) else None


def _as_ball_list(value: object) -> list[object]:
    if isinstance(value, list):
        return value
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        return value.replace(",", " ").split()
    return [value]


def _check_issues(table: pd.DataFrame, spec: GameSpec, origin: Origin) -> pd.Series:
    issues, invalid = parse_issues(table["issue"])
    bad = first_true(invalid)
    if bad is not None:
        value = as_text(table["issue"]).iloc[bad]
        raise origin.row_error(
            bad,
            f"issue {value!r} is not a valid {spec.name.upper()} issue number: write 7 digits YYYYNNN "
            "(2026096) or 5 digits YYNNN (26096), with a draw number from 001",
            f"期号 {value!r} 不是有效的{spec.title_zh}期号："
            "请写 7 位 YYYYNNN（2026096）或 5 位 YYNNN（26096），期内序号从 001 开始",
        )
    return issues


def _check_pool(table: pd.DataFrame, spec: GameSpec, pool: Pool, origin: Origin) -> np.ndarray:
    """Return the pool's balls as an ``(n, pick)`` int64 array sorted within each row."""
    columns = [f"{pool.name}_{position}" for position in range(1, pool.pick + 1)]
    kinds = {table[column].dtype.kind for column in columns}
    numbers = table[columns].to_numpy(dtype=np.int64) if kinds <= set("iu") else None
    if numbers is None:
        # Balls written as plain digits, as in every bundled CSV, convert without the parse.
        values = [value for column in columns for value in table[column].tolist()]
        plain = _digit_strings(values, max_digits=9)
        numbers = None if plain is None else plain.reshape(pool.pick, len(table)).T
    if numbers is not None:
        texts = pd.Series(dtype=str)
        blank = invalid = np.zeros(numbers.shape, dtype=bool)
    else:
        # One parse over the whole pool, column after column, rather than one parse per column.
        texts = as_text(pd.concat([table[column] for column in columns], ignore_index=True))
        parsed, invalid_text = parse_whole_numbers(texts)
        shape = (pool.pick, len(table))
        blank = (texts == "").to_numpy().reshape(shape).T
        invalid = invalid_text.to_numpy().reshape(shape).T | blank
        numbers = parsed.to_numpy(dtype=np.int64, na_value=0).reshape(shape).T

    count_column = f"{pool.name}__count"
    if count_column in table:
        counts = table[count_column].to_numpy()
    else:
        counts = (~blank).sum(axis=1)
    bad = first_true(counts != pool.pick)
    if bad is not None:
        raise origin.row_error(
            bad,
            f"the draw has {counts[bad]} {pool.label_en} balls, but {spec.name.upper()} draws have "
            f"{pool.pick}",
            f"该期有 {counts[bad]} 个{pool.label_zh}号码，但{spec.title_zh}每期有 {pool.pick} 个",
        )

    bad = first_true(invalid.any(axis=1))
    if bad is not None:
        column = int(np.flatnonzero(invalid[bad])[0])
        value = texts.iloc[column * len(table) + bad]
        raise origin.row_error(
            bad,
            f"{pool.label_en} ball {value!r} is not a whole number",
            f"{pool.label_zh}号码 {value!r} 不是整数",
        )

    out_of_range = (numbers < 1) | (numbers > pool.size)
    bad = first_true(out_of_range.any(axis=1))
    if bad is not None:
        value = int(numbers[bad][out_of_range[bad]][0])
        raise origin.row_error(
            bad,
            f"{pool.label_en} ball {value} is out of range: {pool.label_en} balls are whole numbers "
            f"from 1 to {pool.size}",
            f"{pool.label_zh}号码 {value} 超出范围：{pool.label_zh}号码是 1 到 {pool.size} 的整数",
        )

    ordered = np.sort(numbers, axis=1)
    repeated = np.diff(ordered, axis=1) == 0
    bad = first_true(repeated.any(axis=1))
    if bad is not None:
        value = int(ordered[bad][1:][repeated[bad]][0])
        raise origin.row_error(
            bad,
            f"{pool.label_en} ball {value} appears twice in one draw: the {pool.pick} {pool.label_en} "
            "balls of a draw are all different",
            f"{pool.label_zh}号码 {value} 在同一期中出现两次："
            f"每期的 {pool.pick} 个{pool.label_zh}号码互不相同",
        )
    return ordered


def _check_dates(table: pd.DataFrame, spec: GameSpec, issues: pd.Series, origin: Origin) -> pd.Series:
    dates, invalid = parse_dates(table["draw_date"])
    bad = first_true(invalid)
    if bad is not None:
        value = as_text(table["draw_date"]).iloc[bad]
        parts = date_parts(value)
        if parts is None:
            raise origin.row_error(
                bad,
                f"draw date {value!r} is not a valid date: write it as YYYY-MM-DD, for example 2026-08-20",
                f"开奖日期 {value!r} 不是有效日期：请写成 YYYY-MM-DD，例如 2026-08-20",
            )
        rule_en, rule_zh = _calendar_rule(*parts)
        raise origin.row_error(
            bad,
            f"draw date {value!r} is not a calendar date: {rule_en}",
            f"开奖日期 {value!r} 不是日历上的日期：{rule_zh}",
        )
    issue_years = (issues // 1000).to_numpy(dtype=np.int64)
    date_years = dates.dt.year.to_numpy(dtype=np.int64)
    bad = first_true(issue_years != date_years)
    if bad is not None:
        issue = spec.format_issue(int(issues.iloc[bad]))
        date = dates.iloc[bad].date().isoformat()
        raise origin.row_error(
            bad,
            f"draw date {date} is in {date_years[bad]}, but issue {issue} is numbered in "
            f"{issue_years[bad]}: an issue starts with the year of its draw",
            f"开奖日期 {date} 在 {date_years[bad]} 年，但期号 {issue} 属于 {issue_years[bad]} 年："
            "期号以开奖年份开头",
        )
    return dates


def _calendar_rule(year: int, month: int, day: int) -> tuple[str, str]:
    """Return the calendar rule, in English and Chinese, that a written date breaks."""
    if not 1 <= month <= 12:
        return f"there is no month {month}; months run from 1 to 12", f"没有 {month} 月，月份是 1 到 12"
    if day == 0:
        return "days of the month start at 1", "每月从 1 日开始"
    days = calendar.monthrange(year, month)[1]
    if day > days:
        return f"{_MONTHS_EN[month - 1]} {year} has {days} days", f"{year} 年 {month} 月只有 {days} 天"
    # A valid year, month and day that pandas still rejected; no accepted form reaches this so far.
    return "check the day and month", "请检查月和日"


def _drop_repeated_rows(
    frame: pd.DataFrame, spec: GameSpec, origin: Origin, warnings: list[str]
) -> pd.DataFrame:
    """Drop rows that repeat an earlier row exactly; raise when a repeated issue differs."""
    repeated = frame["issue"].duplicated(keep=False).to_numpy()
    if not repeated.any():
        return frame
    first_rows = frame.groupby("issue", sort=False)["_row"].transform("min")
    values = [column for column in frame.columns if column not in ("_row",)]
    firsts = frame.set_index("_row").loc[first_rows.to_numpy(), values].reset_index(drop=True)
    same = (frame[values].reset_index(drop=True) == firsts).all(axis=1).to_numpy()
    bad = first_true(~same)
    if bad is not None:
        issue = spec.format_issue(int(frame["issue"].iloc[bad]))
        first_line = origin.line(int(first_rows.iloc[bad]))
        raise origin.row_error(
            int(frame["_row"].iloc[bad]),
            f"issue {issue} appears again with a different date or numbers (first on line "
            f"{first_line}): keep one row per issue",
            f"期号 {issue} 再次出现且日期或号码不同（首次出现在第 {first_line} 行）：每期只保留一行",
        )
    extra = frame["_row"].to_numpy() != first_rows.to_numpy()
    count = int(extra.sum())
    rows = "1 row that repeats" if count == 1 else f"{count} rows that repeat"
    message = f"{origin.label}: dropped {rows} an earlier row exactly"
    log.warning(message)
    warnings.append(message)
    return frame.loc[~extra]


def _check_order(frame: pd.DataFrame, spec: GameSpec, origin: Origin) -> None:
    """Raise when a draw date is not after the date of the issue before it."""
    dates = frame["draw_date"].to_numpy()
    bad = first_true(dates[1:] <= dates[:-1])
    if bad is None:
        return
    previous, current = frame.iloc[bad], frame.iloc[bad + 1]
    issue = spec.format_issue(int(current["issue"]))
    previous_issue = spec.format_issue(int(previous["issue"]))
    date = current["draw_date"].date().isoformat()
    previous_date = previous["draw_date"].date().isoformat()
    previous_line = origin.line(int(previous["_row"]))
    raise origin.row_error(
        int(current["_row"]),
        f"draw date {date} of issue {issue} is not after {previous_date}, the date of the earlier "
        f"issue {previous_issue} on line {previous_line}: dates must increase with the issue number",
        f"期号 {issue} 的开奖日期 {date} 不晚于上一期 {previous_issue}（第 {previous_line} 行）的 "
        f"{previous_date}：开奖日期必须随期号递增",
    )


def _gap_warnings(frame: pd.DataFrame, spec: GameSpec, origin: Origin) -> list[str]:
    issues = frame["issue"].to_numpy()
    previous, current = issues[:-1], issues[1:]
    follows = (current == previous + 1) | ((current // 1000 == previous // 1000 + 1) & (current % 1000 == 1))
    gaps = np.flatnonzero(~follows)
    if len(gaps) == 0:
        return []
    listed = ", ".join(
        f"{spec.format_issue(previous[gap])}..{spec.format_issue(current[gap])}"
        for gap in gaps[:_MAX_GAPS_LISTED]
    )
    more = f" and {len(gaps) - _MAX_GAPS_LISTED} more" if len(gaps) > _MAX_GAPS_LISTED else ""
    noun = "gap" if len(gaps) == 1 else "gaps"
    message = f"{origin.label}: {len(gaps)} {noun} in the issue numbers, draws missing between {listed}{more}"
    log.warning(message)
    return [message]


def build_draws(
    table: pd.DataFrame, spec: GameSpec, origin: Origin
) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """Validate raw draw records and return the wide draw frame.

    Parameters
    ----------
    table
        One row per record in file order with ``issue``, ``draw_date`` and ``<pool>_<n>`` columns
        of raw values, and optionally ``<pool>__count`` (how many balls the record listed).
    spec
        The game the records belong to.
    origin
        The file, used to name the line of a bad record.

    Returns
    -------
    draws
        The wide frame sorted by issue, balls ascending within each pool, rows that repeat an
        earlier row exactly dropped. :class:`~lotto_lab.sources.model.ParsedSource` checks it
        against :func:`~lotto_lab.sources.schemas.draw_schema`.
    issues
        The canonical issue of every input row, aligned with ``table`` (for money and prizes).
    warnings
        Issue gaps and dropped repeats, also logged as warnings.

    Raises
    ------
    DataValidationError
        For the first record that breaks a rule: a bad issue, a wrong count of balls, a ball that
        is not a whole number, out of range or repeated, an invalid date or one whose year is not
        the issue's year, an issue repeated with other values, or dates that do not increase
        with the issue.
    """
    if len(table) == 0:
        raise origin.header_error("the file has a header but no draws", "文件只有表头，没有开奖记录")
    issues = _check_issues(table, spec, origin)
    columns: dict[str, object] = {"_row": np.arange(len(table)), "issue": issues.to_numpy(dtype=np.int64)}
    for pool in spec.pools:
        balls = _check_pool(table, spec, pool, origin)
        for position in range(pool.pick):
            columns[f"{pool.name}_{position + 1}"] = balls[:, position]
    dates = _check_dates(table, spec, issues, origin)
    columns["draw_date"] = dates.to_numpy()
    frame = pd.DataFrame(columns)

    warnings: list[str] = []
    frame = _drop_repeated_rows(frame, spec, origin, warnings)
    frame = frame.sort_values("issue", kind="stable").reset_index(drop=True)
    _check_order(frame, spec, origin)
    warnings.extend(_gap_warnings(frame, spec, origin))

    draws = frame[["issue", "draw_date", *spec.number_columns]]
    return draws, issues, warnings


def _check_amounts(
    values: pd.Series,
    field_en: str | Callable[[int], str],
    field_zh: str | Callable[[int], str],
    origin: Origin,
    positions: np.ndarray,
) -> pd.Series:
    """Parse amounts; raise for the first invalid one.

    A field name given as a function of the row is only built for the row reported.
    """
    amounts, invalid = parse_amounts(values)
    bad = first_true(invalid)
    if bad is not None:
        value = as_text(values).iloc[bad]
        name_en = field_en if isinstance(field_en, str) else field_en(bad)
        name_zh = field_zh if isinstance(field_zh, str) else field_zh(bad)
        raise origin.row_error(
            int(positions[bad]),
            f"{name_en} {value!r} is not an amount in yuan: write digits, optionally with thousands "
            "commas (355,852,948) and cents (832,704,685.87)",
            f"{name_zh} {value!r} 不是以元为单位的金额："
            "请写数字，可带千位逗号（355,852,948）和角分（832,704,685.87）",
        )
    return amounts


def build_money(
    issues: pd.Series,
    sales: pd.Series | None,
    pool_after: pd.Series | None,
    origin: Origin,
    positions: np.ndarray | None = None,
) -> pd.DataFrame:
    """Validate per-draw sales and prize pool (yuan) and return the money frame.

    ``issues``, ``sales`` and ``pool_after`` are aligned, one row per record; ``positions`` maps
    each row to its record for error messages (default: the row number). Missing markers become
    NaN. Rows with neither value are left out; a repeated issue keeps its first row.
    """
    positions = np.arange(len(issues)) if positions is None else positions
    empty = pd.Series(np.nan, index=issues.index)
    frame = pd.DataFrame(
        {
            "issue": issues.to_numpy(dtype=np.int64),
            "sales": (
                empty if sales is None else _check_amounts(sales, "sales", "销售额", origin, positions)
            ).to_numpy(),
            "pool_after": (
                empty
                if pool_after is None
                else _check_amounts(pool_after, "prize pool", "奖池", origin, positions)
            ).to_numpy(),
        }
    )
    frame = frame.loc[frame[["sales", "pool_after"]].notna().any(axis=1)]
    frame = frame.drop_duplicates("issue", keep="first").sort_values("issue", kind="stable")
    return frame.reset_index(drop=True)


def tier_numbers(spec: GameSpec, issues: np.ndarray, names: pd.Series) -> pd.Series:
    """Return the tier number of each prize row under the rule in force for its issue.

    A name that the rule's tier table does not list (一等奖特别奖, 六等奖翻番奖, 其中一等奖复式)
    gets NA, and so does an issue no rule covers.
    """
    codes, uniques = pd.factorize(names)
    tiers = np.zeros(len(names), dtype=np.int64)
    known = np.zeros(len(names), dtype=bool)
    for rule in spec.prize_rules:
        last = rule.last_issue if rule.last_issue is not None else np.iinfo(np.int64).max
        covered = (issues >= rule.first_issue) & (issues <= last)
        if covered.any():
            mapping = {tier.name: tier.tier for tier in rule.tiers}
            # One lookup per distinct name; the extra last entry serves code -1 (a missing name).
            lookup = [mapping.get(name) for name in uniques] + [None]
            lookup_known = np.array([tier is not None for tier in lookup])
            lookup_tiers = np.array([0 if tier is None else tier for tier in lookup], dtype=np.int64)
            tiers[covered] = lookup_tiers[codes[covered]]
            known[covered] = lookup_known[codes[covered]]
    return pd.Series(pd.arrays.IntegerArray(tiers, ~known), index=names.index)


def build_prizes(
    spec: GameSpec,
    issues: pd.Series,
    tier_names: pd.Series,
    winners: pd.Series,
    amounts: pd.Series,
    origin: Origin,
    positions: Sequence[int] | np.ndarray,
) -> pd.DataFrame:
    """Validate prize rows (one per draw and tier) and return the prize frame.

    The amount is per winning bet in yuan; a note after it is dropped (``10(含派奖5)`` is 10).
    When no bet won a tier and the source writes 0 as the amount, the amount is NA, because
    there is no amount per winning bet to record.
    """
    positions = np.asarray(positions)
    names = as_text(tier_names)
    bad = first_true(names == "")
    if bad is not None:
        raise origin.row_error(
            int(positions[bad]),
            "a prize row has no tier name: every prize row names its tier (一等奖, 二等奖, ...)",
            "有一条奖级记录缺少奖级名称：每条奖级记录都要写明奖级（一等奖、二等奖……）",
        )
    counts, invalid = parse_counts(winners)
    bad = first_true(invalid)
    if bad is not None:
        value = as_text(winners).iloc[bad]
        raise origin.row_error(
            int(positions[bad]),
            f"winner count {value!r} of {names.iloc[bad]} is not a whole number",
            f"{names.iloc[bad]} 的中奖注数 {value!r} 不是整数",
        )
    paid = _check_amounts(
        amounts,
        lambda row: f"prize amount of {names.iloc[row]}",
        lambda row: f"{names.iloc[row]}奖金",
        origin,
        positions,
    )
    nobody = (counts == 0).fillna(False).to_numpy() & (paid == 0).to_numpy()
    paid = paid.mask(nobody)
    issue_values = issues.to_numpy(dtype=np.int64)
    frame = pd.DataFrame(
        {
            "issue": issue_values,
            "tier": tier_numbers(spec, issue_values, names.reset_index(drop=True)).to_numpy(),
            "tier_name": names.to_numpy(),
            "winners": counts.to_numpy(),
            "amount": paid.to_numpy(),
        }
    )
    frame["tier"] = frame["tier"].astype("Int64")
    frame["winners"] = frame["winners"].astype("Int64")
    frame = frame.drop_duplicates(["issue", "tier_name"], keep="first")
    frame = frame.sort_values(["issue", "tier", "tier_name"], kind="stable", na_position="last")
    return frame.reset_index(drop=True)
