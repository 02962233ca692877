"""Per-strategy evaluation of a backtest, every figure beside its exact random baseline.

:func:`evaluate` turns a backtest result (``lotto_lab.backtest.runner.BacktestResult``, or any
object with its ``table``, ``probabilities`` and ``outcomes``) into an :class:`Evaluation`. Its
long table has one row per strategy, pool and metric. Each row carries the value, the baseline a
fair draw gives, a 95 % interval, the one-sided p-value against chance and its Holm-corrected
value.

Metrics (``pool`` is ``all`` for whole-ticket metrics):

``mean_hits``
    Mean hits per draw in a pool against ``pick * pick / size``; interval from the block
    bootstrap; p-value exact, from the convolution of the hypergeometric law.
``log_loss_lift``
    Uniform's log-loss minus the strategy's, in bits per draw, per pool and summed (``all``);
    the uniform strategy's lift is 0 by definition. Block-bootstrap interval; one-sided HAC
    t-test (see :mod:`lotto_lab.evaluation.significance`).
``tier_rate``
    Share of draws on which the ticket won a tier, per rule version (``detail`` names the rule
    and tier), against the tier's exact odds; Clopper-Pearson interval, exact binomial p-value.
``win_rate``
    Share of draws with any prize against the exact chance under the rule of each draw.
``return_on_stake``
    Payout per yuan staked from the fixed tiers against a random ticket paid the same way (see
    :mod:`lotto_lab.evaluation.payouts`); block-bootstrap interval, HAC t-test of the difference.
    The floating tiers' wins are too rare to sample, so the return and the expectation with every
    tier are only quoted in ``detail``.

Holm's correction runs over every strategy tested on the same metric, pool and detail, plus the
tuning trials (``n_trials``).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from scipy import stats

from lotto_lab.config import DEFAULT_SEED
from lotto_lab.errors import ConfigError, DataValidationError
from lotto_lab.evaluation import baselines
from lotto_lab.evaluation.bootstrap import (
    BootstrapKind,
    bootstrap_counts,
    bootstrap_means,
    default_block_length,
    percentile_interval,
)
from lotto_lab.evaluation.calibration import CALIBRATION_COLUMNS, reliability_table
from lotto_lab.evaluation.payouts import DrawPayouts, draw_payouts
from lotto_lab.evaluation.reading import evaluation_reading
from lotto_lab.evaluation.significance import Significance, hac_mean_test, holm_adjust, lift_significance
from lotto_lab.games import GameSpec, get_game

log = logging.getLogger(__name__)

__all__ = ["TABLE_COLUMNS", "BacktestLike", "Evaluation", "evaluate"]

TABLE_COLUMNS = [
    "strategy",
    "pool",
    "metric",
    "value",
    "baseline",
    "ci_low",
    "ci_high",
    "p_value",
    "p_holm",
    "n",
    "detail",
]
_FLOAT_COLUMNS = ["value", "baseline", "ci_low", "ci_high", "p_value", "p_holm"]
ALL_POOLS = "all"
CI_LEVEL = 0.95


class BacktestLike(Protocol):
    """Fields of a backtest result that :func:`evaluate` reads."""

    table: pd.DataFrame
    probabilities: Mapping[str, Mapping[str, np.ndarray]]
    outcomes: Mapping[str, np.ndarray]


@dataclass(frozen=True, eq=False)
class Evaluation:
    """The evaluation of one game's backtest.

    ``table`` has the columns :data:`TABLE_COLUMNS`; ``significance`` contains the lift tests of the
    summed log-loss with the SPA test; ``reading`` is a plain-language summary (``zh``, ``en``);
    ``calibration`` is the reliability table; ``settings`` records the seed, bootstrap and
    correction settings; ``notes`` lists the assumptions behind the return on stake.
    """

    game: str
    table: pd.DataFrame
    significance: Significance
    reading: dict[str, str]
    calibration: pd.DataFrame
    settings: dict[str, Any]
    notes: tuple[dict[str, str], ...] = field(default=())

    def rows(self, metric: str, pool: str = ALL_POOLS) -> pd.DataFrame:
        """Return the rows of one metric and pool, one per strategy (and detail)."""
        selected = self.table[(self.table["metric"] == metric) & (self.table["pool"] == pool)]
        return selected.reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able dict (NaN becomes null)."""
        return {
            "game": self.game,
            "table": _records(self.table),
            "significance": self.significance.to_dict(),
            "reading": dict(self.reading),
            "calibration": _records(self.calibration),
            "settings": dict(self.settings),
            "notes": [dict(note) for note in self.notes],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evaluation:
        """Rebuild an evaluation saved by :meth:`to_dict`."""
        table = pd.DataFrame(list(data["table"]), columns=TABLE_COLUMNS)
        table[_FLOAT_COLUMNS] = table[_FLOAT_COLUMNS].astype(float)
        table["n"] = table["n"].astype(np.int64)
        table["detail"] = table["detail"].fillna("")
        calibration = pd.DataFrame(list(data.get("calibration", [])), columns=CALIBRATION_COLUMNS)
        return cls(
            game=str(data["game"]),
            table=table,
            significance=Significance.from_dict(data["significance"]),
            reading=dict(data["reading"]),
            calibration=calibration,
            settings=dict(data.get("settings", {})),
            notes=tuple(dict(note) for note in data.get("notes", [])),
        )

    def save(self, path: str | Path) -> Path:
        """Write the evaluation as JSON (``evaluation.json`` by convention) and return the path."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        return target

    @classmethod
    def load(cls, path: str | Path) -> Evaluation:
        """Read an evaluation written by :meth:`save`."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        clean = {}
        for key, value in row.items():
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            clean[key] = value
        out.append(clean)
    return out


@dataclass(frozen=True, eq=False)
class _Scores:
    """The backtest table pivoted to ``(n_strategies, n_draws)`` arrays, draws by target issue."""

    strategies: list[str]
    target_issues: np.ndarray
    cutoff_issues: np.ndarray | None
    rule_versions: np.ndarray
    hits: dict[str, np.ndarray]
    log_loss: dict[str, np.ndarray]
    tiers: np.ndarray
    payouts: np.ndarray


def evaluate(
    result: BacktestLike,
    game: GameSpec | str,
    *,
    n_trials: int = 0,
    prizes: pd.DataFrame | None = None,
    money: pd.DataFrame | None = None,
    seed: int = DEFAULT_SEED,
    n_bootstrap: int = 1000,
    block_length: int | None = None,
    bootstrap: BootstrapKind = "stationary",
    alpha: float = 0.05,
    baseline_strategy: str | None = None,
    n_bins: int = 10,
) -> Evaluation:
    """Evaluate every strategy of a backtest against the exact random baselines.

    Parameters
    ----------
    result
        The backtest result: ``table`` with the runner's columns, and ``probabilities`` and
        ``outcomes`` for the calibration (skipped when they are missing).
    game
        The game (name or spec) the backtest was run on.
    n_trials
        Tuning trials run to produce the strategies; each counts as a comparison in Holm's
        correction.
    prizes, money
        Store prize results (``issue, tier_name, amount``) and money figures (``issue,
        pool_after``), for the floating tiers and the large-pool prizes of the return on stake.
    seed
        Seed of the bootstrap and of the SPA test.
    n_bootstrap
        Bootstrap replicates of every interval and of the SPA test; 0 leaves those intervals NaN
        and skips the SPA test.
    block_length
        Mean block length of the bootstrap (default ``ceil(n_draws ** (1/3))``).
    bootstrap
        ``"stationary"`` or ``"moving"`` block bootstrap for the intervals (the SPA test always
        uses the stationary one).
    alpha
        Level of the reading's "beats chance" statements.
    baseline_strategy
        Name of the uniform reference in the table; its lift is 0 and it is not tested on lift.
        Default: the first of the result's ``baselines`` (the runner lists the strategies whose
        output ignores the draws), else ``"uniform"``.
    n_bins
        Quantile bins of the reliability table.

    Raises
    ------
    ConfigError
        When a parameter is out of range.
    DataValidationError
        When the table, ``prizes`` or ``money`` lacks a column, the table has fewer than two
        draws, or its strategies were not scored on the same draws.
    """
    spec = get_game(game)
    _validate_settings(n_trials, n_bootstrap, block_length, bootstrap, alpha, n_bins)
    _check_columns("prizes", prizes, ("issue", "tier_name", "amount"))
    _check_columns("money", money, ("issue", "pool_after"))
    if baseline_strategy is None:
        listed = tuple(getattr(result, "baselines", ()) or ())
        baseline_strategy = listed[0] if listed else "uniform"
    scores = _pivot(result.table, spec)
    n_draws = len(scores.target_issues)
    length = block_length or default_block_length(n_draws)
    counts = None
    if n_bootstrap > 0:
        counts = bootstrap_counts(n_draws, n_bootstrap, length, np.random.default_rng(seed), bootstrap)
    log.info(
        "evaluating %d strategies of %s on %d draws (bootstrap %d x block %d, %d tuning trials)",
        len(scores.strategies),
        spec.name,
        n_draws,
        n_bootstrap,
        length,
        n_trials,
    )

    rows: list[dict[str, Any]] = []
    rows += _lift_rows(spec, scores, counts, baseline_strategy)
    rows += _hits_rows(spec, scores, counts)
    rows += _tier_rows(spec, scores)
    payouts = draw_payouts(
        spec, scores.target_issues, scores.cutoff_issues, scores.tiers, scores.payouts, prizes, money
    )
    rows += _return_rows(spec, scores, counts, payouts)
    table = _holm_by_family(pd.DataFrame(rows, columns=TABLE_COLUMNS), n_trials)

    compared = [name for name in scores.strategies if name != baseline_strategy]
    total_lift = _lifts(spec, scores)[ALL_POOLS]
    significance = lift_significance(
        {name: total_lift[scores.strategies.index(name)] for name in compared},
        n_trials=n_trials,
        alpha=alpha,
        n_bootstrap=n_bootstrap,
        block_length=length,
        seed=seed,
        counts=counts if bootstrap == "stationary" else None,
    )
    calibration = _calibration(result, scores, n_bins)
    settings = {
        "seed": seed,
        "n_bootstrap": n_bootstrap,
        "block_length": length,
        "bootstrap": bootstrap,
        "ci_level": CI_LEVEL,
        "alpha": alpha,
        "n_trials": n_trials,
        "n_draws": n_draws,
        "first_target_issue": int(scores.target_issues[0]),
        "last_target_issue": int(scores.target_issues[-1]),
        "baseline_strategy": baseline_strategy,
        "hac_lags": significance.hac_lags,
        "holm_family": (
            "primary: summed log-loss lift of every strategy; secondary: every other test of the "
            "table together; each family plus n_trials"
        ),
    }
    reading = evaluation_reading(spec, table, significance, alpha, baseline_strategy=baseline_strategy)
    return Evaluation(
        game=spec.name,
        table=table,
        significance=significance,
        reading=reading,
        calibration=calibration,
        settings=settings,
        notes=(*payouts.notes, _return_note(spec, payouts)),
    )


# -- validation and reshaping ------------------------------------------------------------------


def _validate_settings(
    n_trials: int, n_bootstrap: int, block_length: int | None, bootstrap: str, alpha: float, n_bins: int
) -> None:
    checks = [
        (n_trials >= 0, "n_trials must be at least 0", "n_trials 不能小于 0", n_trials),
        (n_bootstrap >= 0, "n_bootstrap must be at least 0", "n_bootstrap 不能小于 0", n_bootstrap),
        (
            block_length is None or block_length >= 1,
            "block_length must be at least 1 or None",
            "block_length 必须至少为 1 或不填",
            block_length,
        ),
        (
            bootstrap in ("stationary", "moving"),
            "bootstrap must be 'stationary' or 'moving'",
            "bootstrap 必须是 'stationary' 或 'moving'",
            bootstrap,
        ),
        (0 < alpha < 1, "alpha must lie between 0 and 1", "alpha 必须在 0 和 1 之间", alpha),
        (n_bins >= 1, "n_bins must be at least 1", "n_bins 必须至少为 1", n_bins),
    ]
    for ok, message, message_zh, value in checks:
        if not ok:
            raise ConfigError(f"{message}, got {value!r}", zh=f"{message_zh}，收到 {value!r}")


def _check_columns(name: str, frame: pd.DataFrame | None, required: tuple[str, ...]) -> None:
    if frame is None:
        return
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise DataValidationError(
            f"{name} has no column {', '.join(missing)}; it needs {', '.join(required)}",
            zh=f"{name} 缺少列 {', '.join(missing)}；需要 {', '.join(required)}",
        )


def _pivot(table: pd.DataFrame, spec: GameSpec) -> _Scores:
    required = ["strategy", "target_issue", "tier", "rule_version", "payout"]
    for pool in spec.pool_names:
        required += [f"hits_{pool}", f"log_loss_{pool}"]
    missing = [column for column in required if column not in table.columns]
    if missing:
        raise DataValidationError(
            f"the backtest table has no column {', '.join(missing)}; a {spec.name.upper()} table "
            f"needs {', '.join(required)}",
            zh=f"回测结果表缺少列 {', '.join(missing)}；"
            f"{spec.name.upper()} 的结果表需要 {', '.join(required)}",
        )
    if table.empty:
        raise DataValidationError("the backtest table is empty", zh="回测结果表为空")
    if "game" in table.columns and set(table["game"].astype(str).str.lower()) != {spec.name}:
        found = sorted(set(table["game"].astype(str)))
        raise DataValidationError(
            f"the backtest table is for game {found}, not {spec.name!r}",
            zh=f"回测结果表属于游戏 {found}，而不是 {spec.name!r}",
        )
    duplicated = table.duplicated(["strategy", "target_issue"])
    if duplicated.any():
        first = table.loc[duplicated, ["strategy", "target_issue"]].iloc[0]
        raise DataValidationError(
            f"the backtest table scores strategy {first['strategy']!r} twice on issue "
            f"{int(first['target_issue'])}",
            zh=f"回测结果表对策略 {first['strategy']!r} 在第 {int(first['target_issue'])} 期评分了两次",
        )

    strategies = list(dict.fromkeys(table["strategy"].astype(str)))
    issues = np.sort(table["target_issue"].astype(np.int64).unique())
    if len(issues) < 2:
        raise DataValidationError(
            f"the backtest table scores {len(issues)} draw; the evaluation needs at least 2",
            zh=f"回测结果表只评分了 {len(issues)} 期；评估至少需要 2 期",
        )
    per_strategy = table.groupby("strategy", sort=False)["target_issue"].nunique()
    short = per_strategy[per_strategy != len(issues)]
    if not short.empty:
        raise DataValidationError(
            f"every strategy must be scored on the same {len(issues)} draws, but "
            + ", ".join(f"{name} has {count}" for name, count in short.items()),
            zh=f"每个策略都必须在相同的 {len(issues)} 期上评分，但 "
            + "，".join(f"{name} 只有 {count} 期" for name, count in short.items()),
        )

    ordered = table.assign(strategy=table["strategy"].astype(str)).sort_values(
        ["strategy", "target_issue"], kind="stable"
    )
    order = {name: i for i, name in enumerate(strategies)}
    ordered = ordered.iloc[np.argsort(ordered["strategy"].map(order).to_numpy(), kind="stable")]

    def matrix(column: str, dtype: type = np.float64) -> np.ndarray:
        return ordered[column].to_numpy(dtype=dtype).reshape(len(strategies), len(issues))

    versions = matrix("rule_version", object)
    cutoffs = matrix("cutoff", np.int64)[0] if "cutoff" in ordered.columns else None
    return _Scores(
        strategies=strategies,
        target_issues=issues,
        cutoff_issues=cutoffs,
        rule_versions=versions[0].astype(str),
        hits={pool: matrix(f"hits_{pool}") for pool in spec.pool_names},
        log_loss={pool: matrix(f"log_loss_{pool}") for pool in spec.pool_names},
        tiers=matrix("tier", np.int64),
        payouts=matrix("payout"),
    )


# -- metrics -------------------------------------------------------------------------------------


def _row(strategy: str, pool: str, metric: str, **values: Any) -> dict[str, Any]:
    row = {column: math.nan for column in _FLOAT_COLUMNS}
    row.update(strategy=strategy, pool=pool, metric=metric, n=0, detail="")
    row.update(values)
    return row


def _intervals(counts: np.ndarray | None, series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the bootstrap interval of each row's mean; ``series`` is ``(n_strategies, n_draws)``."""
    if counts is None:
        empty = np.full(series.shape[0], math.nan)
        return empty, empty
    low, high = percentile_interval(bootstrap_means(counts, series.T), CI_LEVEL)
    return np.atleast_1d(low), np.atleast_1d(high)


def _lifts(spec: GameSpec, scores: _Scores) -> dict[str, np.ndarray]:
    lifts = {
        pool.name: baselines.uniform_log_loss_bits(pool) - scores.log_loss[pool.name] for pool in spec.pools
    }
    lifts[ALL_POOLS] = sum(lifts[pool] for pool in spec.pool_names)
    return lifts


def _lift_rows(
    spec: GameSpec, scores: _Scores, counts: np.ndarray | None, baseline_strategy: str
) -> list[dict[str, Any]]:
    rows = []
    n = len(scores.target_issues)
    for pool, lift in _lifts(spec, scores).items():
        if baseline_strategy in scores.strategies:
            # Uniform's lift is 0 by definition; the table's log-loss differs only by rounding.
            row = scores.strategies.index(baseline_strategy)
            if np.allclose(lift[row], 0.0, atol=1e-9):
                lift = lift.copy()
                lift[row] = 0.0
        low, high = _intervals(counts, lift)
        _, _, _, p_value = hac_mean_test(lift.T)
        for i, name in enumerate(scores.strategies):
            is_baseline = name == baseline_strategy
            rows.append(
                _row(
                    name,
                    pool,
                    "log_loss_lift",
                    value=float(lift[i].mean()),
                    baseline=0.0,
                    ci_low=float(low[i]),
                    ci_high=float(high[i]),
                    p_value=math.nan if is_baseline else float(p_value[i]),
                    n=n,
                )
            )
    return rows


def _hits_rows(spec: GameSpec, scores: _Scores, counts: np.ndarray | None) -> list[dict[str, Any]]:
    rows = []
    n = len(scores.target_issues)
    for pool in spec.pools:
        hits = scores.hits[pool.name]
        low, high = _intervals(counts, hits)
        # Exact upper tail of the total hits: P(total >= observed) under a fair draw.
        law = baselines.total_hits_distribution(pool, n)
        upper_tail = np.cumsum(law[::-1])[::-1]
        for i, name in enumerate(scores.strategies):
            total = int(round(hits[i].sum()))
            rows.append(
                _row(
                    name,
                    pool.name,
                    "mean_hits",
                    value=float(hits[i].mean()),
                    baseline=baselines.expected_hits(pool),
                    ci_low=float(low[i]),
                    ci_high=float(high[i]),
                    p_value=float(min(1.0, upper_tail[min(total, len(law) - 1)])),
                    n=n,
                )
            )
    return rows


def _tier_rows(spec: GameSpec, scores: _Scores) -> list[dict[str, Any]]:
    rows = []
    n = len(scores.target_issues)
    tail = (1.0 - CI_LEVEL) / 2.0

    # Any prize: the count of winning draws is a sum of binomials, one per rule version.
    win_law = np.ones(1)
    win_chance = 0.0
    versions, sizes = np.unique(scores.rule_versions, return_counts=True)
    for version, size in zip(versions, sizes, strict=True):
        p_win = baselines.win_probability(spec, str(version))
        win_law = np.convolve(win_law, stats.binom.pmf(np.arange(size + 1), size, p_win))
        win_chance += p_win * size
    win_upper = np.cumsum(win_law[::-1])[::-1]
    for i, name in enumerate(scores.strategies):
        wins = int((scores.tiers[i] > 0).sum())
        low, high = _clopper_pearson(wins, n, tail)
        rows.append(
            _row(
                name,
                ALL_POOLS,
                "win_rate",
                value=wins / n,
                baseline=win_chance / n,
                ci_low=low,
                ci_high=high,
                p_value=float(min(1.0, win_upper[wins])),
                n=n,
            )
        )

    for version, size in zip(versions, sizes, strict=True):
        rule = baselines.rule_by_version(spec, str(version))
        probabilities = baselines.tier_probabilities(spec, rule)
        in_rule = scores.rule_versions == version
        for tier in rule.tiers:
            for i, name in enumerate(scores.strategies):
                wins = int((scores.tiers[i, in_rule] == tier.tier).sum())
                low, high = _clopper_pearson(wins, int(size), tail)
                rows.append(
                    _row(
                        name,
                        ALL_POOLS,
                        "tier_rate",
                        value=wins / size,
                        baseline=probabilities[tier.tier],
                        ci_low=low,
                        ci_high=high,
                        p_value=float(stats.binom.sf(wins - 1, size, probabilities[tier.tier])),
                        n=int(size),
                        detail=f"{version} {tier.name}",
                    )
                )
    return rows


def _clopper_pearson(successes: int, trials: int, tail: float) -> tuple[float, float]:
    low = 0.0 if successes == 0 else float(stats.beta.ppf(tail, successes, trials - successes + 1))
    high = 1.0 if successes == trials else float(stats.beta.ppf(1 - tail, successes + 1, trials - successes))
    return low, high


def _return_rows(
    spec: GameSpec, scores: _Scores, counts: np.ndarray | None, payouts: DrawPayouts
) -> list[dict[str, Any]]:
    """Return on stake from the fixed tiers, tested against their expectation.

    The floating tiers stay out of the value, the baseline and the test: their wins are too rare
    for the sample to estimate them. ``detail`` gives the return with every tier beside the
    expectation with every tier.
    """
    n = len(scores.target_issues)
    price = float(spec.ticket_price)
    realized, expected = payouts.realized_fixed, payouts.expected_fixed
    low, high = _intervals(counts, realized / price)
    _, _, _, p_value = hac_mean_test((realized - expected).T)
    baseline = float(expected.mean() / price)
    baseline_all = float(payouts.expected.mean() / price)
    return [
        _row(
            name,
            ALL_POOLS,
            "return_on_stake",
            value=float(realized[i].mean() / price),
            baseline=baseline,
            ci_low=float(low[i]),
            ci_high=float(high[i]),
            p_value=float(p_value[i]),
            n=n,
            detail=(
                f"fixed tiers; all tiers {payouts.realized[i].mean() / price:.4f} "
                f"vs {baseline_all:.4f} (not tested)"
            ),
        )
        for i, name in enumerate(scores.strategies)
    ]


def _return_note(spec: GameSpec, payouts: DrawPayouts) -> dict[str, str]:
    """The bilingual note on why the return on stake is tested on the fixed tiers only."""
    price = float(spec.ticket_price)
    fixed = float(payouts.expected_fixed.mean() / price)
    every = float(payouts.expected.mean() / price)
    n = len(payouts.expected)
    return {
        "en": f"Return on stake is compared on the fixed tiers only: a random ticket expects {fixed:.4f} "
        f"yuan back per yuan from them, and the p-value tests against that. With the floating tiers "
        f"(the jackpot tiers) it expects {every:.4f}, but their wins are so rare that {n} draws almost "
        "never hold one, so even a random ticket's return over the sample falls short of that figure. "
        "The return with every tier is in each row's detail and is not tested.",
        "zh": f"投注回报只按固定奖级比较：随机投注从固定奖级每投入 1 元期望返还 {fixed:.4f} 元，"
        f"p 值以此为基准检验。计入浮动奖级（头奖等）后期望为 {every:.4f} 元，但这些奖级中奖极其罕见，"
        f"{n} 期样本几乎不会出现，即使随机投注的样本回报也会低于这一数值。"
        "含全部奖级的回报列在每行的 detail 中，不做检验。",
    }


def _holm_by_family(table: pd.DataFrame, n_trials: int) -> pd.DataFrame:
    """Add ``p_holm``: Holm over two families, each with ``n_trials`` extra comparisons.

    The primary family is the log-loss lift summed over pools, one test per strategy. It tests
    "does any strategy beat uniform". Every other test in the table (per-pool lift, hits, tier,
    win and return rates) forms one secondary family, so that a figure picked from dozens of
    secondary rows is corrected for all of them.
    """
    table = table.copy()
    table["p_holm"] = np.nan
    tested = table["p_value"].notna()
    primary = tested & (table["metric"] == "log_loss_lift") & (table["pool"] == "all")
    for family in (primary, tested & ~primary):
        if family.any():
            adjusted = holm_adjust(table.loc[family, "p_value"].to_numpy(), n_extra=n_trials)
            table.loc[family, "p_holm"] = adjusted
    table["n"] = table["n"].astype(np.int64)
    return table


def _calibration(result: BacktestLike, scores: _Scores, n_bins: int) -> pd.DataFrame:
    probabilities = getattr(result, "probabilities", None)
    outcomes = getattr(result, "outcomes", None)
    if not probabilities or not outcomes:
        log.info("the backtest result has no probabilities or outcomes: calibration skipped")
        return pd.DataFrame(columns=CALIBRATION_COLUMNS)
    return reliability_table(
        {name: probabilities[name] for name in scores.strategies if name in probabilities},
        outcomes,
        n_bins=n_bins,
    )
