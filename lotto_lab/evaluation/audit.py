"""The randomness audit: do the stored draws look like fair draws?

For each pool, the battery of :mod:`lotto_lab.evaluation.battery` (frequency, gaps, pairs,
repeats, sum, serial dependence, runs) runs on the full history and on consecutive eras.
Benjamini-Hochberg's correction over the whole battery keeps the expected share of false findings
at or below ``alpha``. Each finding is stated in plain Chinese and English.

With ``n_simulations > 0`` every statistic is also compared with the same statistic on that many
simulated fair histories of the same length (a Monte Carlo p-value, ``p_simulated``). Where a
test's asymptotic law cannot be trusted for the draws at hand (``p_value`` from the battery is
NaN), the Monte Carlo p-value takes its place, and the ``method`` column records that.

A row without a p-value names the reason in ``method``. ``not applicable``: the test means
nothing for the pool, such as pairs in a pool drawing one number. ``needs simulations``: the
statistic exists, but its asymptotic law cannot be trusted and ``n_simulations`` is 0. ``too few
draws``: the statistic itself cannot be computed.

``AuditResult.save`` writes ``audit.json``::

    {"game": "ssq",
     "tests": [{"test", "pool", "era", "statistic", "p_value", "p_bh", "significant",
                "reading_zh", "reading_en", ...}],
     "reading": {"zh": ..., "en": ...},
     "settings": {...}}
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lotto_lab.config import DEFAULT_SEED
from lotto_lab.errors import ConfigError
from lotto_lab.evaluation.battery import TestOutcome, run_battery, test_applies
from lotto_lab.evaluation.reading import p_phrase
from lotto_lab.games import GameSpec, Pool
from lotto_lab.history import DrawHistory

log = logging.getLogger(__name__)

__all__ = [
    "AUDIT_COLUMNS",
    "MIN_DRAWS",
    "AuditResult",
    "benjamini_hochberg",
    "era_spans",
    "run_audit",
    "simulate_fair_indicators",
]

# Minimum number of draws in the full history and in each era. With fewer, most tests have
# counts too small for their null laws.
MIN_DRAWS = 50
FULL_HISTORY = "all"

AUDIT_COLUMNS = [
    "test",
    "pool",
    "era",
    "first_issue",
    "last_issue",
    "n_draws",
    "statistic",
    "df",
    "p_value",
    "p_simulated",
    "method",
    "p_bh",
    "significant",
    "reading_zh",
    "reading_en",
]

# Description of each test in the readings: (zh, en).
_DESCRIPTIONS = {
    "frequency": ("各号码出现次数", "how often each number was drawn"),
    "gaps": (
        "号码两次出现之间的间隔（与几何分布比较）",
        "the gaps between a number's appearances (against the geometric law)",
    ),
    "pairs": ("号码两两同时出现的次数", "how often pairs of numbers were drawn together"),
    "repeats": ("与上一期重复的号码个数", "the numbers repeated from the previous draw"),
    "sum": ("每期号码之和（与其精确分布比较）", "the sum of each draw's numbers (against its exact law)"),
    "serial": ("各号码出现序列的自相关", "the serial dependence of each number's appearances"),
    "runs": ("和值高低的游程", "the runs of high and low sums"),
}


@dataclass(frozen=True, eq=False)
class AuditResult:
    """The audit of one game: one row per test, pool and era (columns :data:`AUDIT_COLUMNS`),
    an overall reading (``zh``, ``en``) and the settings used."""

    game: str
    tests: pd.DataFrame
    reading: dict[str, str]
    settings: dict[str, Any]

    @property
    def findings(self) -> pd.DataFrame:
        """The rows significant after the Benjamini-Hochberg correction."""
        return self.tests[self.tests["significant"]].reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-able form written to ``audit.json`` (NaN becomes null)."""
        rows = []
        for row in self.tests.to_dict(orient="records"):
            rows.append({key: _json_value(value) for key, value in row.items()})
        return {
            "game": self.game,
            "tests": rows,
            "reading": dict(self.reading),
            "settings": dict(self.settings),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditResult:
        """Rebuild a result saved by :meth:`to_dict`."""
        tests = pd.DataFrame(list(data["tests"]))
        for column in AUDIT_COLUMNS:
            if column not in tests.columns:
                tests[column] = None
        for column in ("statistic", "df", "p_value", "p_simulated", "p_bh"):
            tests[column] = tests[column].astype(float)
        tests["significant"] = tests["significant"].astype(bool)
        return cls(
            game=str(data["game"]),
            tests=tests,
            reading=dict(data["reading"]),
            settings=dict(data.get("settings", {})),
        )

    def save(self, path: str | Path) -> Path:
        """Write the audit as JSON (``audit.json`` by convention) and return the path."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        return target

    @classmethod
    def load(cls, path: str | Path) -> AuditResult:
        """Read an audit written by :meth:`save`."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _json_value(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Return Benjamini-Hochberg adjusted p-values; NaN entries stay NaN and do not count."""
    p = np.asarray(p_values, dtype=np.float64)
    adjusted = np.full(p.shape, np.nan)
    present = np.flatnonzero(~np.isnan(p))
    m = present.size
    if m == 0:
        return adjusted
    order = present[np.argsort(p[present], kind="stable")]
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted[order] = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    return adjusted


def era_spans(n_draws: int, eras: int) -> list[tuple[int, int]]:
    """Return ``eras`` consecutive ``(start, stop)`` position ranges of about equal length."""
    bounds = np.linspace(0, n_draws, eras + 1).round().astype(int)
    return [(int(bounds[i]), int(bounds[i + 1])) for i in range(eras)]


def simulate_fair_indicators(rng: np.random.Generator, n_draws: int, pool: Pool) -> np.ndarray:
    """Return an ``(n_draws, size)`` 0/1 matrix of fair draws of ``pool``."""
    chosen = np.argsort(rng.random((n_draws, pool.size)), axis=1)[:, : pool.pick]
    x = np.zeros((n_draws, pool.size), dtype=np.uint8)
    np.put_along_axis(x, chosen, 1, axis=1)
    return x


def run_audit(
    history: DrawHistory,
    *,
    eras: int = 3,
    n_simulations: int = 0,
    seed: int = DEFAULT_SEED,
    alpha: float = 0.05,
    max_lag: int = 5,
) -> AuditResult:
    """Run the randomness audit on one game's history.

    Parameters
    ----------
    history
        The draws, in issue order.
    eras
        Number of consecutive eras the history is also split into (0 or 1: full history only).
        Each era needs at least :data:`MIN_DRAWS` draws.
    n_simulations
        Simulated fair histories for the Monte Carlo p-values (0: none).
    seed
        Seed of the simulations.
    alpha
        False discovery rate of the Benjamini-Hochberg correction.
    max_lag
        Largest lag of the serial-dependence test.

    Raises
    ------
    ConfigError
        When a parameter is out of range or the history is too short for the eras asked for.
    """
    spec = history.game
    _validate(len(history), eras, n_simulations, alpha, max_lag)
    spans = [(FULL_HISTORY, 0, len(history))]
    if eras > 1:
        for start, stop in era_spans(len(history), eras):
            label = (
                f"{spec.format_issue(history.issues[start])}-{spec.format_issue(history.issues[stop - 1])}"
            )
            spans.append((label, start, stop))
    log.info(
        "audit of %s: %d draws, %d eras, %d simulations", spec.name, len(history), max(eras, 1), n_simulations
    )

    observed: dict[tuple[str, str, str], TestOutcome] = {}
    for pool in spec.pools:
        x = history.indicators(pool.name)
        for label, start, stop in spans:
            for name, outcome in run_battery(x[start:stop], pool, max_lag=max_lag).items():
                observed[(name, pool.name, label)] = outcome
    simulated = _simulated_p_values(spec, spans, observed, len(history), n_simulations, seed, max_lag)

    rows = []
    for (name, pool_name, label), outcome in observed.items():
        start, stop = next((a, b) for era, a, b in spans if era == label)
        p_sim = simulated.get((name, pool_name, label), math.nan)
        p_value, method = _choose_p(name, outcome, p_sim, spec.pool(pool_name), n_simulations)
        rows.append(
            {
                "test": name,
                "pool": pool_name,
                "era": label,
                "first_issue": spec.format_issue(history.issues[start]),
                "last_issue": spec.format_issue(history.issues[stop - 1]),
                "n_draws": stop - start,
                "statistic": outcome.statistic,
                "df": outcome.df if outcome.df is not None else math.nan,
                "p_value": p_value,
                "p_simulated": p_sim,
                "method": method,
            }
        )
    tests = pd.DataFrame(rows)
    tests["p_bh"] = benjamini_hochberg(tests["p_value"].to_numpy())
    tests["significant"] = tests["p_bh"] < alpha
    readings = [_test_reading(spec, row, alpha) for row in tests.itertuples(index=False)]
    tests["reading_zh"] = [zh for zh, _ in readings]
    tests["reading_en"] = [en for _, en in readings]
    tests = tests[AUDIT_COLUMNS]

    settings = {
        "seed": seed,
        "eras": eras,
        "n_simulations": n_simulations,
        "alpha": alpha,
        "max_lag": max_lag,
        "n_draws": len(history),
        "first_issue": spec.format_issue(history.issues[0]),
        "last_issue": spec.format_issue(history.last_issue),
        "correction": "Benjamini-Hochberg over every test of the battery",
    }
    return AuditResult(
        game=spec.name,
        tests=tests,
        reading=_overall_reading(spec, tests, alpha, n_simulations),
        settings=settings,
    )


def _validate(n_draws: int, eras: int, n_simulations: int, alpha: float, max_lag: int) -> None:
    if n_draws < MIN_DRAWS:
        raise ConfigError(
            f"the audit needs at least {MIN_DRAWS} draws, the history has {n_draws}; load more draws first",
            zh=f"随机性审计至少需要 {MIN_DRAWS} 期开奖数据，当前只有 {n_draws} 期；请先导入更多数据",
        )
    if eras < 0:
        raise ConfigError(f"eras must be at least 0, got {eras}", zh=f"eras 不能小于 0，收到 {eras}")
    if eras > 1 and n_draws // eras < MIN_DRAWS:
        most = n_draws // MIN_DRAWS
        raise ConfigError(
            f"eras={eras} leaves fewer than {MIN_DRAWS} draws per era ({n_draws} draws in all); "
            f"use at most {most} eras",
            zh=f"eras={eras} 使每个时期不足 {MIN_DRAWS} 期（共 {n_draws} 期）；最多使用 {most} 个时期",
        )
    if n_simulations < 0:
        raise ConfigError(
            f"n_simulations must be at least 0, got {n_simulations}",
            zh=f"n_simulations 不能小于 0，收到 {n_simulations}",
        )
    if not 0 < alpha < 1:
        raise ConfigError(
            f"alpha must lie between 0 and 1, got {alpha}", zh=f"alpha 必须在 0 和 1 之间，收到 {alpha}"
        )
    if max_lag < 1:
        raise ConfigError(
            f"max_lag must be at least 1, got {max_lag}", zh=f"max_lag 必须至少为 1，收到 {max_lag}"
        )


def _simulated_p_values(
    spec: GameSpec,
    spans: list[tuple[str, int, int]],
    observed: Mapping[tuple[str, str, str], TestOutcome],
    n_draws: int,
    n_simulations: int,
    seed: int,
    max_lag: int,
) -> dict[tuple[str, str, str], float]:
    """Return Monte Carlo p-values: the share of simulated fair histories at least as extreme."""
    if n_simulations == 0:
        return {}
    rng = np.random.default_rng(seed)
    at_least = dict.fromkeys(observed, 0)
    valid = dict.fromkeys(observed, 0)
    for _ in range(n_simulations):
        for pool in spec.pools:
            x = simulate_fair_indicators(rng, n_draws, pool)
            for label, start, stop in spans:
                for name, outcome in run_battery(x[start:stop], pool, max_lag=max_lag).items():
                    key = (name, pool.name, label)
                    if math.isnan(outcome.extremeness):
                        continue
                    valid[key] += 1
                    at_least[key] += int(outcome.extremeness >= observed[key].extremeness)
    return {
        key: (1 + at_least[key]) / (1 + valid[key])
        for key, outcome in observed.items()
        if valid[key] and not math.isnan(outcome.extremeness)
    }


# ``method`` of the rows without a p-value, in the order the readings list them.
SKIP_REASONS = ("not applicable", "needs simulations", "too few draws")


def _choose_p(
    name: str, outcome: TestOutcome, p_simulated: float, pool: Pool, n_simulations: int
) -> tuple[float, str]:
    if not math.isnan(outcome.p_value):
        return outcome.p_value, "exact" if name == "repeats" else "asymptotic"
    if not math.isnan(p_simulated):
        return p_simulated, "simulated"
    if not test_applies(name, pool):
        return math.nan, "not applicable"
    if n_simulations == 0 and not math.isnan(outcome.extremeness):
        return math.nan, "needs simulations"
    return math.nan, "too few draws"


def _era_text(label: str) -> tuple[str, str]:
    if label == FULL_HISTORY:
        return "全部历史", "full history"
    return f"第 {label} 期", f"issues {label}"


def _test_reading(spec: GameSpec, row: Any, alpha: float) -> tuple[str, str]:
    pool = spec.pool(row.pool)
    era_zh, era_en = _era_text(row.era)
    what_zh, what_en = _DESCRIPTIONS[row.test]
    head_zh = f"{pool.label_zh}，{era_zh}：{what_zh}"
    head_en = f"{pool.label_en}, {era_en}: {what_en}"
    if math.isnan(row.p_value):
        if row.method == "not applicable":
            return (
                f"{head_zh}不适用于该号码区（{pool.size} 个号码中每期开出 {pool.pick} 个），未检验。",
                f"{head_en} does not apply to this pool ({pool.pick} of {pool.size} numbers drawn) "
                "and was not tested.",
            )
        if row.method == "needs simulations":
            return (
                f"{head_zh}未检验：该期数下检验的渐近分布不可靠，需要蒙特卡洛 p 值"
                "（设置 n_simulations，命令行用 --simulations）。",
                f"{head_en} was not tested: its asymptotic law cannot be trusted for these draws, "
                "so it needs a Monte Carlo p-value (set n_simulations, or --simulations on the "
                "command line).",
            )
        return (
            f"{head_zh}未检验：期数太少，无法计算该检验。",
            f"{head_en} was not tested: too few draws to compute it.",
        )
    p_text = f"{p_phrase(row.p_value)}，BH 校正后 {p_phrase(row.p_bh)}"
    p_text_en = f"{p_phrase(row.p_value)}, BH-adjusted {p_phrase(row.p_bh)}"
    if row.significant:
        return (
            f"{head_zh}经 BH 校正后在 {alpha:.0%} 水平上偏离公平随机抽取（{p_text}）。",
            f"{head_en} departs from fair drawing at the {alpha:.0%} level after BH correction "
            f"({p_text_en}).",
        )
    return (
        f"{head_zh}与公平随机抽取一致（{p_text}）。",
        f"{head_en} is consistent with fair drawing ({p_text_en}).",
    )


def _skipped_text(tests: pd.DataFrame, n_simulations: int) -> tuple[str, str]:
    """Say how many rows were not tested and why, and which simulation setting the counts depend on."""
    reasons = tests.loc[tests["p_value"].isna(), "method"].value_counts()
    simulated = int((tests["method"] == "simulated").sum())
    parts_zh, parts_en = [], []
    words = {
        "not applicable": ("不适用于该号码区", "do not apply to their pool"),
        "needs simulations": (
            "需要蒙特卡洛 p 值（--simulations）",
            "need a Monte Carlo p-value (--simulations)",
        ),
        "too few draws": ("期数太少", "have too few draws"),
    }
    for reason in SKIP_REASONS:
        count = int(reasons.get(reason, 0))
        if count:
            parts_zh.append(f"{count} 项{words[reason][0]}")
            parts_en.append(f"{count} {words[reason][1]}")
    zh = en = ""
    if parts_zh:
        total = int(sum(reasons.get(reason, 0) for reason in SKIP_REASONS))
        zh = f"另有 {total} 项未检验：{'，'.join(parts_zh)}。"
        en = f" {total} {'test was' if total == 1 else 'tests were'} not run: {'; '.join(parts_en)}."
    if n_simulations:
        zh += (
            f"本次使用 {n_simulations} 次模拟，{simulated} 项检验采用蒙特卡洛 p 值；"
            "不同的模拟设置会使已检验与未检验的项数不同。"
        )
        en += (
            f" This run used {n_simulations} simulations, and {simulated} tests use a Monte Carlo "
            "p-value; another simulation setting gives other counts of tests run and not run."
        )
    elif int(reasons.get("needs simulations", 0)):
        zh += "本次未使用模拟（n_simulations = 0）；设置模拟后这些检验也会进行。"
        en += " This run used no simulations (n_simulations = 0); with simulations these tests run too."
    return zh, en


def _overall_reading(
    spec: GameSpec, tests: pd.DataFrame, alpha: float, n_simulations: int = 0
) -> dict[str, str]:
    tested = tests[tests["p_value"].notna()]
    skipped_zh, skipped_en = _skipped_text(tests, n_simulations)
    if tested.empty:
        return {
            "zh": f"{spec.title_zh}：没有可以进行的检验。{skipped_zh}",
            "en": f"{spec.title_en}: no test of the audit could be run.{skipped_en}",
        }
    findings = tested[tested["significant"]]
    level = f"{alpha:.0%}"
    if findings.empty:
        smallest = tested.loc[tested["p_value"].idxmin()]
        era_zh, era_en = _era_text(smallest["era"])
        return {
            "zh": (
                f"{spec.title_zh}：随机性审计的 {len(tested)} 项检验经 Benjamini-Hochberg 校正后，"
                f"在 {level} 水平上均未发现偏离公平随机抽取（最小 {p_phrase(smallest['p_value'])}，"
                f"{spec.pool(smallest['pool']).label_zh} {smallest['test']}，{era_zh}）。"
                f"这正是公平抽取所预期的结果；它不能证明不存在任何规律，但这些常见规律都没有出现。{skipped_zh}"
            ),
            "en": (
                f"{spec.title_en}: none of the {len(tested)} tests of the randomness audit departs from "
                f"fair drawing at the {level} level after Benjamini-Hochberg correction (smallest "
                f"{p_phrase(smallest['p_value'])}, {smallest['test']} on {smallest['pool']}, {era_en}). "
                "This is what fair drawing predicts; it cannot prove that no pattern exists, but none of "
                f"these common ones shows.{skipped_en}"
            ),
        }
    listed_en = "; ".join(
        f"{row.test} on {row.pool} ({_era_text(row.era)[1]}, {p_phrase(row.p_value)})"
        for row in findings.itertuples(index=False)
    )
    listed_zh = "；".join(
        f"{spec.pool(row.pool).label_zh} {row.test}（{_era_text(row.era)[0]}，{p_phrase(row.p_value)}）"
        for row in findings.itertuples(index=False)
    )
    return {
        "zh": (
            f"{spec.title_zh}：随机性审计的 {len(tested)} 项检验中，有 {len(findings)} 项经 "
            f"Benjamini-Hochberg 校正后在 {level} 水平上偏离公平随机抽取：{listed_zh}。"
            f"校正使错误发现的期望比例不超过 {level}；偏离并不等于可以预测下一期，"
            f"请先查看对应的统计量。{skipped_zh}"
        ),
        "en": (
            f"{spec.title_en}: {len(findings)} of the {len(tested)} tests of the randomness audit depart "
            f"from fair drawing at the {level} level after Benjamini-Hochberg correction: {listed_en}. "
            f"The correction keeps the expected share of false findings at or below {level}; a departure "
            f"does not mean the next draw can be predicted, so look at the statistic first.{skipped_en}"
        ),
    }
