"""The bundled real history: checking the files against their manifest and merging the sources.

``data/bundled/manifest.json`` lists every bundled file (path, sha256, game, format, source name)
and, per game, the merge plan: which source gives the numbers, and the precedence of sources for
the draw date, sales, prize pool and prize tiers (official sources first). For each field the
first source in the precedence that has a value wins. Every other source whose value differs
is recorded in the conflicts frame, with the value kept and the value set aside. A money
difference under the game's ``rounding_tolerance_yuan`` is rounding and is not recorded: 500.com
drops the cents the official DLT pool carries, so DLT uses 2 yuan, while every SSQ source writes
whole yuan, so SSQ uses 0 and records a difference of 1 yuan.

``data/bundled/PROVENANCE.md`` describes each file, its defects and the fields taken from it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lotto_lab.config import BUNDLED_DIR
from lotto_lab.errors import DataValidationError
from lotto_lab.games import GameSpec, get_game
from lotto_lab.sources.detect import parse_input
from lotto_lab.sources.inputs import read_input_bytes
from lotto_lab.sources.model import ParsedSource, SourceBatch, empty_conflicts, empty_prizes

__all__ = ["BundleEntry", "MergePlan", "load_bundle", "merge_sources", "read_manifest"]

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
_CONFLICT_COLUMNS = ["issue", "field", "kept_value", "kept_source", "other_value", "other_source"]


@dataclass(frozen=True)
class BundleEntry:
    """One bundled file as the manifest lists it."""

    path: str
    sha256: str
    game: str
    format: str
    source: str
    official: bool
    role: str


@dataclass(frozen=True)
class MergePlan:
    """The sources of each field of one game, in order of precedence."""

    numbers: str
    draw_date: tuple[str, ...]
    sales: tuple[str, ...]
    pool_after: tuple[str, ...]
    prizes: tuple[str, ...]
    pool_after_missing: Mapping[str, tuple[int, ...]]
    rounding_tolerance: float


def read_manifest(bundle_dir: Path | None = None) -> tuple[list[BundleEntry], dict[str, MergePlan]]:
    """Return the entries and the per-game merge plans of a bundle folder's ``manifest.json``."""
    bundle_dir = Path(bundle_dir or BUNDLED_DIR)
    path = bundle_dir / MANIFEST_NAME
    if not path.is_file():
        raise DataValidationError(
            f"{path} is missing, so the bundled data cannot be checked. Restore the data/bundled "
            "folder from the repository.",
            zh=f"缺少 {path}，无法校验内置数据。请从代码仓库恢复 data/bundled 目录。",
        )
    manifest = json.loads(path.read_text(encoding="utf-8"))
    entries = [
        BundleEntry(
            path=item["path"],
            sha256=item["sha256"],
            game=item["game"],
            format=item["format"],
            source=item["source"],
            official=bool(item["official"]),
            role=item["role"],
        )
        for item in manifest["files"]
    ]
    plans = {
        game: MergePlan(
            numbers=plan["numbers"],
            draw_date=tuple(plan["draw_date"]),
            sales=tuple(plan["sales"]),
            pool_after=tuple(plan["pool_after"]),
            prizes=tuple(plan["prizes"]),
            pool_after_missing={
                source: tuple(issues) for source, issues in plan.get("pool_after_missing", {}).items()
            },
            rounding_tolerance=float(plan.get("rounding_tolerance_yuan", 0)),
        )
        for game, plan in manifest["merge"].items()
    }
    return entries, plans


def _read_entry(bundle_dir: Path, entry: BundleEntry, spec: GameSpec) -> ParsedSource:
    """Read one bundled file, check its sha256 against the manifest and parse it."""
    path = bundle_dir / entry.path
    if not path.is_file():
        raise DataValidationError(
            f"bundled file {path} is missing. Restore the data/bundled folder from the repository.",
            zh=f"缺少内置文件 {path}。请从代码仓库恢复 data/bundled 目录。",
        )
    raw = read_input_bytes(path, path.read_bytes())
    if raw.sha256 != entry.sha256:
        raise DataValidationError(
            f"bundled file {path} has sha256 {raw.sha256}, but the manifest records {entry.sha256}: "
            "the file was changed. Nothing was stored; restore it from the repository.",
            zh=f"内置文件 {path} 的 sha256 为 {raw.sha256}，与清单记录的 {entry.sha256} 不符："
            "文件已被改动。未写入任何数据；请从代码仓库恢复该文件。",
        )
    return parse_input(raw, spec, entry.format)


def load_bundle(game: GameSpec | str, bundle_dir: Path | None = None) -> SourceBatch:
    """Read, check and merge the bundled files of ``game`` into one batch for the store.

    Parameters
    ----------
    game
        The game to load.
    bundle_dir
        A folder with ``manifest.json`` and the files it lists (default ``data/bundled``).

    Raises
    ------
    DataValidationError
        A file is missing, its sha256 differs from the manifest, or it breaks a rule.
    """
    spec = get_game(game)
    bundle_dir = Path(bundle_dir or BUNDLED_DIR)
    entries, plans = read_manifest(bundle_dir)
    own = [entry for entry in entries if entry.game == spec.name]
    if spec.name not in plans or not own:
        raise DataValidationError(
            f"{bundle_dir / MANIFEST_NAME} has no bundled data for {spec.name.upper()}",
            zh=f"{bundle_dir / MANIFEST_NAME} 中没有{spec.title_zh}的内置数据",
        )
    plan = plans[spec.name]
    _check_plan(bundle_dir, spec, plan, {entry.source for entry in own})
    parsed = {entry.source: _read_entry(bundle_dir, entry, spec) for entry in own}
    return merge_sources(spec, parsed, plan, origin="bundled")


def _check_plan(bundle_dir: Path, spec: GameSpec, plan: MergePlan, sources: set[str]) -> None:
    """Raise when the merge plan names a source that no bundled file of the game has."""
    named = {plan.numbers, *plan.draw_date, *plan.sales, *plan.pool_after, *plan.prizes}
    unknown = sorted(named - sources)
    if unknown or not plan.draw_date:
        raise DataValidationError(
            f"{bundle_dir / MANIFEST_NAME}: the {spec.name} merge plan names sources {unknown} that no "
            f"{spec.name} file has, or lists no draw_date source. Restore the manifest from the repository.",
            zh=f"{bundle_dir / MANIFEST_NAME}：{spec.title_zh}的合并规则引用了不存在的来源 {unknown}，"
            "或没有列出 draw_date 来源。请从代码仓库恢复清单文件。",
        )


# -- merging -------------------------------------------------------------------------------------


def _format_money(values: pd.Series) -> pd.Series:
    return values.map(lambda value: f"{value:.2f}")


def _format_numbers(frame: pd.DataFrame, spec: GameSpec) -> pd.Series:
    """Write the balls of each row as text, pools joined by " + ": ``01 04 16 22 26 31 + 04``."""
    texts = []
    for _, row in frame.iterrows():
        pools = [
            " ".join(f"{int(row[f'{pool.name}_{position}']):02d}" for position in range(1, pool.pick + 1))
            for pool in spec.pools
        ]
        texts.append(" + ".join(pools))
    return pd.Series(texts, index=frame.index, dtype=str)


def _conflicts(
    issues: pd.Series,
    field: str,
    kept_values: pd.Series,
    kept_sources: pd.Series,
    other_values: pd.Series,
    other_source: str,
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "issue": issues.to_numpy(dtype=np.int64),
            "field": field,
            "kept_value": kept_values.astype(str).to_numpy(),
            "kept_source": kept_sources.astype(str).to_numpy(),
            "other_value": other_values.astype(str).to_numpy(),
            "other_source": other_source,
        }
    )


def _coalesce(
    candidates: Mapping[str, pd.Series], order: Sequence[str], index: pd.Index
) -> tuple[pd.Series, pd.Series]:
    """Return the first non-missing value per issue in ``order`` and the source it came from."""
    kept = pd.Series(np.nan, index=index)
    sources = pd.Series("", index=index, dtype=object)
    for position, source in enumerate(order):
        values = candidates[source].reindex(index)
        if position == 0:
            kept = values.copy()
            fill = values.notna()
        else:
            fill = kept.isna() & values.notna()
            kept = kept.where(~fill, values)
        sources[fill.to_numpy()] = source
    return kept, sources


def _merge_dates(
    spec: GameSpec, parsed: Mapping[str, ParsedSource], plan: MergePlan, draws: pd.DataFrame
) -> tuple[pd.Series, list[pd.DataFrame]]:
    index = pd.Index(draws["issue"], name="issue")
    candidates = {source: parsed[source].draws.set_index("issue")["draw_date"] for source in plan.draw_date}
    kept, kept_sources = _coalesce(candidates, plan.draw_date, index)
    found = []
    for source in plan.draw_date:
        other = candidates[source].reindex(index)
        differs = other.notna() & (other != kept)
        if differs.any():
            found.append(
                _conflicts(
                    pd.Series(index[differs]),
                    "draw_date",
                    kept[differs].dt.strftime("%Y-%m-%d"),
                    kept_sources[differs],
                    other[differs].dt.strftime("%Y-%m-%d"),
                    source,
                )
            )
    return kept, found


def _check_numbers(
    spec: GameSpec, parsed: Mapping[str, ParsedSource], plan: MergePlan, draws: pd.DataFrame
) -> list[pd.DataFrame]:
    """Compare every other source's numbers with the numbers source; record disagreements."""
    found = []
    columns = list(spec.number_columns)
    issues = draws["issue"].to_numpy()
    numbers = _number_array(draws, columns)
    for source, other in parsed.items():
        if source == plan.numbers:
            continue
        # Issues are unique and ascending in every parsed draw frame (the draw schema checks
        # both), so the shared issues line up without a join.
        other_issues = other.draws["issue"].to_numpy()
        _, mine, theirs = np.intersect1d(issues, other_issues, assume_unique=True, return_indices=True)
        if (numbers[mine] != _number_array(other.draws, columns)[theirs]).any():
            joined = draws[["issue", *columns]].merge(
                other.draws[["issue", *columns]], on="issue", suffixes=("", "_o")
            )
            differs = np.zeros(len(joined), dtype=bool)
            for column in columns:
                differs |= joined[column].to_numpy() != joined[f"{column}_o"].to_numpy()
            rows = joined.loc[differs]
            theirs_rows = rows[[f"{column}_o" for column in columns]].set_axis(columns, axis=1)
            found.append(
                _conflicts(
                    rows["issue"],
                    "numbers",
                    _format_numbers(rows, spec),
                    pd.Series(plan.numbers, index=rows.index),
                    _format_numbers(theirs_rows, spec),
                    source,
                )
            )
        extra = len(other_issues) - len(theirs)
        if extra:
            log.warning(
                "%s: %d issues of source %s are not in the numbers source %s and are not stored",
                spec.name,
                extra,
                source,
                plan.numbers,
            )
    return found


def _number_array(draws: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Return the ball columns of a draw frame as one int64 array, a row per draw."""
    return np.stack([draws[column].to_numpy(dtype=np.int64) for column in columns], axis=1)


def _aligned_money(money: pd.DataFrame, field: str, issues: pd.Index) -> np.ndarray:
    """Return ``money[field]`` at each of ``issues``, NaN where ``money`` has no row for the issue."""
    positions = pd.Index(money["issue"]).get_indexer(issues)
    # Position -1 (issue absent) picks the NaN appended at the end.
    values = np.append(money[field].to_numpy(dtype=np.float64), np.nan)
    return values[positions]


def _merge_money(
    parsed: Mapping[str, ParsedSource], plan: MergePlan, issues: pd.Index
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    columns: dict[str, np.ndarray] = {}
    sources: dict[str, np.ndarray] = {}
    found = []
    for field in ("sales", "pool_after"):
        order = getattr(plan, field)
        candidates = {}
        for source in order:
            values = _aligned_money(parsed[source].money, field, issues)
            if field == "pool_after" and source in plan.pool_after_missing:
                values[np.isin(issues, plan.pool_after_missing[source])] = np.nan
            candidates[source] = values

        # The first source in the order with a value wins.
        kept = np.full(len(issues), np.nan)
        kept_sources = np.full(len(issues), "", dtype=object)
        for source in order:
            fill = np.isnan(kept) & ~np.isnan(candidates[source])
            kept[fill] = candidates[source][fill]
            kept_sources[fill] = source

        for source in order:
            other = candidates[source]
            differs = ~np.isnan(other) & ~np.isnan(kept)
            differs &= np.abs(other - kept) >= plan.rounding_tolerance
            differs &= other != kept
            if differs.any():
                found.append(
                    _conflicts(
                        pd.Series(issues[differs]),
                        field,
                        _format_money(pd.Series(kept[differs])),
                        pd.Series(kept_sources[differs], dtype=object),
                        _format_money(pd.Series(other[differs])),
                        source,
                    )
                )
        columns[field] = kept
        sources[field] = kept_sources
    money = pd.DataFrame({"issue": issues.to_numpy(dtype=np.int64), **columns})
    sales_source, pool_source = sources["sales"], sources["pool_after"]
    same = (sales_source == pool_source) | (pool_source == "")
    label = np.where(
        same,
        sales_source,
        np.where(sales_source == "", pool_source, "sales: " + sales_source + "; pool_after: " + pool_source),
    )
    money["source"] = label
    money = money.loc[money[["sales", "pool_after"]].notna().any(axis=1)].reset_index(drop=True)
    return money, found


def _known(values: pd.Series, dtype: type[np.generic]) -> tuple[np.ndarray, np.ndarray]:
    """Return the values as ``dtype`` with 0 where missing, and the mask of known values."""
    return values.to_numpy(dtype=dtype, na_value=0), values.notna().to_numpy()


def _paired_prizes_differ(left: pd.DataFrame, right: pd.DataFrame) -> bool:
    """Return True when rows with the same issue and tier name disagree on known winners or amount.

    Also returns True when an (issue, tier name) pair repeats within one side, so that the
    caller's join decides.
    """
    names = pd.Index(pd.unique(np.concatenate([left["tier_name"].to_numpy(), right["tier_name"].to_numpy()])))
    # One integer key per row: the issue times the number of names, plus the name's position.
    keys = []
    for frame in (left, right):
        key = frame["issue"].to_numpy(dtype=np.int64) * len(names) + names.get_indexer(frame["tier_name"])
        if len(np.unique(key)) != len(key):
            return True
        keys.append(key)
    _, left_at, right_at = np.intersect1d(keys[0], keys[1], assume_unique=True, return_indices=True)
    for column, dtype in (("winners", np.int64), ("amount", np.float64)):
        mine, mine_known = _known(left[column], dtype)
        theirs, theirs_known = _known(right[column], dtype)
        both = mine_known[left_at] & theirs_known[right_at]
        if (both & (mine[left_at] != theirs[right_at])).any():
            return True
    return False


def _merge_prizes(
    parsed: Mapping[str, ParsedSource], plan: MergePlan, issues: pd.Index
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Take each issue's tiers from the first source that has them; record disagreements.

    Special tiers (tier NA) of a later source are added for issues where the chosen source lists
    none, so a promotion that only the later source reports is kept under its own name.
    """
    frames = {source: parsed[source].prizes for source in plan.prizes}
    if not frames:
        return empty_prizes().assign(source=pd.Series([], dtype=str)), []

    # Each merged issue takes its tiers from the first source in plan.prizes that lists it.
    # owner is that source's position in plan.prizes, or -1 where no source lists the issue.
    owner = np.full(len(issues), -1)
    for position, frame in enumerate(frames.values()):
        owner[(owner == -1) & np.isin(issues, frame["issue"].to_numpy())] = position
    owned = {}  # per source, the mask of its rows whose issue takes its tiers from it
    for position, (source, frame) in enumerate(frames.items()):
        at = issues.get_indexer(frame["issue"].to_numpy())
        row_owner = np.full(len(at), -1)
        row_owner[at >= 0] = owner[at[at >= 0]]
        owned[source] = row_owner == position

    prizes = pd.concat(
        [frame.loc[owned[source]].assign(source=source) for source, frame in frames.items()],
        ignore_index=True,
    )

    with_special = set(prizes.loc[prizes["tier"].isna(), "issue"])
    for source, frame in frames.items():
        extra = frame.loc[
            ~owned[source] & frame["tier"].isna().to_numpy() & ~frame["issue"].isin(with_special)
        ]
        if len(extra):
            prizes = pd.concat([prizes, extra.assign(source=source)], ignore_index=True)
            with_special |= set(extra["issue"])

    found = []
    prize_issues = prizes["issue"].to_numpy()
    for source, frame in frames.items():
        # Only the rows of other sources for issues this source also lists can pair up, so the
        # join runs on those alone.
        others = (prizes["source"] != source).to_numpy()
        shared = np.intersect1d(prize_issues[others], frame["issue"].to_numpy())
        if not len(shared):
            continue
        left = prizes.loc[others & np.isin(prize_issues, shared)]
        right = frame.loc[np.isin(frame["issue"].to_numpy(), shared)]
        if not _paired_prizes_differ(left, right):
            continue
        joined = left.merge(right, on=["issue", "tier_name"], suffixes=("", "_o"))
        for column, formatter in (
            ("winners", lambda s: s.astype("Int64").astype(str)),
            ("amount", _format_money),
        ):
            mine, theirs = joined[column], joined[f"{column}_o"]
            differs = (mine.notna() & theirs.notna() & (mine != theirs)).to_numpy(dtype=bool)
            if differs.any():
                rows = joined.loc[differs]
                found.append(
                    _conflicts(
                        rows["issue"],
                        "prize:" + rows["tier_name"] + f":{column}",
                        formatter(rows[column]),
                        rows["source"],
                        formatter(rows[f"{column}_o"]),
                        source,
                    )
                )
    prizes = prizes.loc[prizes["issue"].isin(issues)]
    prizes = prizes.sort_values(["issue", "tier", "tier_name"], kind="stable", na_position="last")
    return prizes.reset_index(drop=True), found


def merge_sources(
    spec: GameSpec, parsed: Mapping[str, ParsedSource], plan: MergePlan, origin: str
) -> SourceBatch:
    """Merge parsed sources of one game into a batch, following ``plan``.

    The draws are those of the numbers source, with each date taken by precedence. Money and
    prize rows are kept only for those draws.
    """
    draws = parsed[plan.numbers].draws.copy()
    conflicts = _check_numbers(spec, parsed, plan, draws)
    dates, date_conflicts = _merge_dates(spec, parsed, plan, draws)
    draws["draw_date"] = dates.to_numpy()
    draws["source"] = plan.numbers
    conflicts += date_conflicts

    issues = pd.Index(draws["issue"], name="issue")
    money, money_conflicts = _merge_money(parsed, plan, issues)
    prizes, prize_conflicts = _merge_prizes(parsed, plan, issues)
    conflicts += money_conflicts + prize_conflicts

    table = pd.concat(conflicts, ignore_index=True) if conflicts else empty_conflicts()
    table = table[_CONFLICT_COLUMNS].sort_values(["issue", "field", "other_source"], kind="stable")
    warnings = tuple(message for source in parsed.values() for message in source.warnings)
    log.info(
        "%s: merged %d sources, %d draws, %d money rows, %d prize rows, %d conflicts",
        spec.name,
        len(parsed),
        len(draws),
        len(money),
        len(prizes),
        len(table),
    )
    return SourceBatch(
        game=spec,
        origin=origin,
        draws=draws,
        money=money,
        prizes=prizes,
        conflicts=table.reset_index(drop=True),
        inputs=tuple((source, item.raw) for source, item in parsed.items()),
        warnings=warnings,
    )
