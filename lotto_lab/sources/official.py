"""Parsers of the files saved from the operators' own sites, one per format.

- ``zhcw-json``: a saved response of zhcw's mobile API (中彩网), ``{..., "dataList": [...]}``,
  newest first. Each record has ``kjIssue``, ``kjdate`` (``2017/09/26``), ``kjznum`` (red balls,
  space separated), ``kjtnum`` (blue), ``mlist`` text lines (``本期销量：316,223,542元``,
  ``奖池累计：507,647,724元``) and ``bonus`` rows ``{zname, znum, money}``, including promotion rows
  such as ``其中一等奖复式`` whose money reads ``10014333(含派奖3749992)``.
- ``cwl-json``: records derived from the cwl.gov.cn API, newest first: ``period``, ``date``
  (``2026-07-09(四)``), ``red`` (ints), ``blue`` (int), ``sales`` and ``pool`` (``"355,852,948"``)
  and ``prizes``: ``{tier name: {count, amount}}`` with special tiers (福运奖, 一等奖特别奖, 六等奖翻番奖).
- ``sporttery-json``: records derived from the sporttery.cn API, ``{..., "data": [...]}``, newest
  first: ``draw_num``, ``draw_date``, ``front_numbers``, ``back_numbers``, ``prize_pool`` and
  ``sales`` as numbers or comma-grouped strings (``"832,704,685.87"``). Its ``first_prize_*``
  fields are not read: they do not match the official tier 1 results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lotto_lab.games import GameSpec
from lotto_lab.sources.inputs import Origin, RawInput
from lotto_lab.sources.layouts import (
    check_game,
    game_by_pick_counts,
    game_by_pool_names,
    records_frame,
    require_columns,
)
from lotto_lab.sources.model import ParsedSource, empty_prizes
from lotto_lab.sources.tables import build_draws, build_money, build_prizes, expand_balls
from lotto_lab.sources.values import as_text

__all__ = ["parse_cwl_json", "parse_sporttery_json", "parse_zhcw_json"]

_ZHCW_SALES = "本期销量"
_ZHCW_POOL = "奖池累计"


def _records(payload: object, key: str, origin: Origin, fmt: str) -> pd.DataFrame:
    if not isinstance(payload, dict) or key not in payload:
        raise origin.header_error(
            f"the {fmt} format is a JSON object with the records under {key!r}, and this file has no {key!r}",
            f"{fmt} 格式是记录位于 {key!r} 下的 JSON 对象，而该文件没有 {key!r}",
        )
    return records_frame(payload[key], origin, repr(key))


def parse_zhcw_json(payload: object, origin: Origin, raw: RawInput, game: GameSpec | None) -> ParsedSource:
    """Parse the ``zhcw-json`` format: balls, official dates, sales, pool and every prize tier.

    zhcw writes 0 for every value it lacks: every tier and the pool of SSQ 2003001-2004122. A real
    draw always has winners, so a draw whose prize rows all show 0 winners has no prize data. Its
    prize rows are left out and a 0 pool becomes unknown.
    """
    origin.array_key = "dataList"
    frame = _records(payload, "dataList", origin, "zhcw-json")
    require_columns(frame, ["kjIssue", "kjdate", "kjznum", "kjtnum", "mlist", "bonus"], origin, "zhcw-json")
    first = frame.iloc[0]
    counts = (len(str(first["kjznum"]).split()), len(str(first["kjtnum"]).split()))
    spec = check_game(game_by_pick_counts(counts), game, origin, "zhcw-json")
    table = pd.DataFrame({"issue": frame["kjIssue"], "draw_date": frame["kjdate"]})
    for pool, column in zip(spec.pools, ("kjznum", "kjtnum"), strict=True):
        table = table.join(expand_balls(frame[column], pool))
    draws, issues, warnings = build_draws(table, spec, origin)

    lines = pd.DataFrame(
        [
            (position, line.get("mname"))
            for position, items in enumerate(frame["mlist"])
            if isinstance(items, list)
            for line in items
            if isinstance(line, dict)
        ],
        columns=["position", "text"],
    )
    parts = as_text(lines["text"]).str.extract(r"^(?P<label>[^：:]+)[：:]\s*(?P<value>.*)$")
    parts.index = lines["position"].to_numpy()
    by_label = {
        label: parts.loc[parts["label"] == label, "value"].groupby(level=0).first().reindex(frame.index)
        for label in (_ZHCW_SALES, _ZHCW_POOL)
    }
    money = build_money(issues, by_label[_ZHCW_SALES], by_label[_ZHCW_POOL], origin)

    rows = pd.DataFrame(
        [
            (position, item.get("zname"), item.get("znum"), item.get("money"))
            for position, items in enumerate(frame["bonus"])
            if isinstance(items, list)
            for item in items
            if isinstance(item, dict)
        ],
        columns=["position", "name", "winners", "amount"],
    )
    positions = rows["position"].to_numpy(dtype=np.int64)
    prizes = build_prizes(
        spec,
        issues.iloc[positions].reset_index(drop=True),
        as_text(rows["name"]),
        rows["winners"],
        rows["amount"],
        origin,
        positions,
    )
    prizes, money = _drop_zero_draws(prizes, money)
    return ParsedSource(
        game=spec, fmt="zhcw-json", raw=raw, draws=draws, money=money, prizes=prizes, warnings=tuple(warnings)
    )


def _drop_zero_draws(prizes: pd.DataFrame, money: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Remove the prize rows of draws whose tiers all show 0 winners, and their 0 pool."""
    issues = prizes["issue"].to_numpy()
    won = prizes["winners"].fillna(0).to_numpy(dtype=np.int64) > 0
    empty_issues = np.setdiff1d(issues, issues[won])
    prizes = prizes.loc[~np.isin(issues, empty_issues)].reset_index(drop=True)
    zero_pool = np.isin(money["issue"].to_numpy(), empty_issues) & money["pool_after"].eq(0).to_numpy()
    money = money.assign(pool_after=money["pool_after"].mask(zero_pool))
    return prizes, money


def parse_cwl_json(payload: object, origin: Origin, raw: RawInput, game: GameSpec | None) -> ParsedSource:
    """Parse the ``cwl-json`` format: balls, dates, sales, pool and every prize tier."""
    frame = records_frame(payload, origin, "the file")
    spec = check_game(game_by_pool_names(frame.columns), game, origin, "cwl-json")
    require_columns(
        frame, ["period", "date", *spec.pool_names, "sales", "pool", "prizes"], origin, "cwl-json"
    )
    table = pd.DataFrame({"issue": frame["period"], "draw_date": frame["date"]})
    for pool in spec.pools:
        table = table.join(expand_balls(frame[pool.name], pool))
    draws, issues, warnings = build_draws(table, spec, origin)
    money = build_money(issues, frame["sales"], frame["pool"], origin)

    rows = [
        (position, name, detail.get("count"), detail.get("amount"))
        for position, tiers in enumerate(frame["prizes"])
        if isinstance(tiers, dict)
        for name, detail in tiers.items()
        if isinstance(detail, dict)
    ]
    long = pd.DataFrame(rows, columns=["position", "name", "count", "amount"])
    positions = long["position"].to_numpy(dtype=np.int64)
    prizes = (
        build_prizes(
            spec,
            issues.iloc[positions].reset_index(drop=True),
            long["name"].astype(str),
            long["count"],
            long["amount"],
            origin,
            positions,
        )
        if len(long)
        else empty_prizes()
    )
    return ParsedSource(
        game=spec, fmt="cwl-json", raw=raw, draws=draws, money=money, prizes=prizes, warnings=tuple(warnings)
    )


def parse_sporttery_json(
    payload: object, origin: Origin, raw: RawInput, game: GameSpec | None
) -> ParsedSource:
    """Parse the ``sporttery-json`` format: balls, dates, pool and sales.

    sporttery writes 0 (pool) or an empty string (sales) where it has no value, so both become
    unknown here. NOTE: a pool that really was empty after a draw is unknown in this format too;
    the 500.com files record those as 0.
    """
    origin.array_key = "data"
    frame = _records(payload, "data", origin, "sporttery-json")
    keys = [str(column).removesuffix("_numbers") for column in frame.columns]
    spec = check_game(game_by_pool_names(keys), game, origin, "sporttery-json")
    ball_columns = [f"{name}_numbers" for name in spec.pool_names]
    require_columns(
        frame, ["draw_num", "draw_date", *ball_columns, "prize_pool", "sales"], origin, "sporttery-json"
    )
    table = pd.DataFrame({"issue": frame["draw_num"], "draw_date": frame["draw_date"]})
    for pool, column in zip(spec.pools, ball_columns, strict=True):
        table = table.join(expand_balls(frame[column], pool))
    draws, issues, warnings = build_draws(table, spec, origin)
    money = build_money(issues, frame["sales"], frame["prize_pool"], origin)
    values = money[["sales", "pool_after"]]
    money[["sales", "pool_after"]] = values.mask(values == 0)
    money = money.loc[money[["sales", "pool_after"]].notna().any(axis=1)].reset_index(drop=True)
    return ParsedSource(
        game=spec,
        fmt="sporttery-json",
        raw=raw,
        draws=draws,
        money=money,
        prizes=empty_prizes(),
        warnings=tuple(warnings),
    )
