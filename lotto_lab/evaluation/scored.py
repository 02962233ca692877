"""Score forecasts made outside the backtest runner in the runner's result layout.

:func:`score_forecasts` takes per-strategy probabilities for some target draws (an oracle's
exact probabilities on a synthetic history, a vectorised strategy in a simulation study) and
returns an object with the fields of ``lotto_lab.backtest.runner.BacktestResult``: ``table``,
``probabilities``, ``outcomes``, ``targets`` and ``target_issues``. :func:`evaluate
<lotto_lab.evaluation.summary.evaluate>` reads either.

One ticket per strategy and target is drawn from the forecast: ``pick`` numbers without
replacement, each next number chosen with probability proportional to its forecast among those
left (the Gumbel top-k trick does this for all rows at once).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lotto_lab.backtest.result import table_columns
from lotto_lab.config import DEFAULT_SEED
from lotto_lab.errors import ConfigError
from lotto_lab.games import GameSpec
from lotto_lab.history import DrawHistory

__all__ = ["ScoredForecasts", "score_forecasts"]


@dataclass(frozen=True, eq=False)
class ScoredForecasts:
    """Scored forecasts in the layout of the backtest runner's result (see module docstring)."""

    table: pd.DataFrame
    probabilities: dict[str, dict[str, np.ndarray]]
    outcomes: dict[str, np.ndarray]
    targets: np.ndarray
    target_issues: np.ndarray


def score_forecasts(
    history: DrawHistory,
    forecasts: Mapping[str, Mapping[str, np.ndarray]],
    targets: Sequence[int],
    *,
    seed: int = DEFAULT_SEED,
) -> ScoredForecasts:
    """Score each strategy's forecasts of the draws at positions ``targets``.

    Parameters
    ----------
    history
        The draws; ``targets`` are positions in it, each at least 1.
    forecasts
        ``{strategy: {pool: (n_targets, size) inclusion probabilities}}``, rows in ``targets``
        order, each made before its target was drawn.
    targets
        Positions of the scored draws, ascending.
    seed
        Seed of the ticket draws.

    Returns
    -------
    ScoredForecasts
        ``table`` has one row per (strategy, target) with the runner's columns. The cutoff is
        the draw before the target, and the training window is every draw up to the cutoff.
    """
    spec = history.game
    target_positions = np.asarray(targets, dtype=np.int64)
    _validate(history, forecasts, target_positions)
    rng = np.random.default_rng(seed)
    outcomes = {pool.name: history.indicators(pool.name)[target_positions] for pool in spec.pools}
    target_issues = history.issues[target_positions]
    cutoff_issues = history.issues[target_positions - 1]

    frames = []
    for strategy, by_pool in forecasts.items():
        columns: dict[str, object] = {
            "game": spec.name,
            "strategy": strategy,
            "cutoff": cutoff_issues,
            "target_issue": target_issues,
            "train_end_issue": cutoff_issues,
            "horizon": 1,
            "train_size": target_positions,
        }
        tickets = {}
        total_loss = np.zeros(len(target_positions))
        for pool in spec.pools:
            p = np.asarray(by_pool[pool.name], dtype=np.float64)
            y = outcomes[pool.name]
            tickets[pool.name] = _draw_tickets(p, pool.pick, rng)
            columns[f"hits_{pool.name}"] = np.take_along_axis(y, tickets[pool.name] - 1, axis=1).sum(axis=1)
            loss = -(y * np.log2(p) + (1 - y) * np.log2(1 - p)).sum(axis=1)
            columns[f"log_loss_{pool.name}"] = loss
            total_loss += loss
        columns["log_loss"] = total_loss
        columns["ticket"] = [
            " | ".join(
                f"{name}: " + " ".join(str(int(n)) for n in tickets[name][row]) for name in spec.pool_names
            )
            for row in range(len(target_positions))
        ]
        frame = pd.DataFrame(columns)
        _add_prizes(frame, spec)
        frames.append(frame)

    table = pd.concat(frames, ignore_index=True)[table_columns(spec)]
    probabilities = {
        strategy: {name: np.asarray(p, dtype=np.float64) for name, p in by_pool.items()}
        for strategy, by_pool in forecasts.items()
    }
    return ScoredForecasts(
        table=table,
        probabilities=probabilities,
        outcomes=outcomes,
        targets=target_positions,
        target_issues=target_issues,
    )


def _draw_tickets(p: np.ndarray, pick: int, rng: np.random.Generator) -> np.ndarray:
    # The ``pick`` largest of log-weight plus Gumbel noise are a sample without replacement in
    # proportion to the weights. Numbers are returned ascending, counted from 1.
    keys = np.log(p) + rng.gumbel(size=p.shape)
    chosen = np.argpartition(-keys, pick - 1, axis=1)[:, :pick]
    return np.sort(chosen, axis=1) + 1


def _add_prizes(frame: pd.DataFrame, spec: GameSpec) -> None:
    hits_columns = [f"hits_{name}" for name in spec.pool_names]
    tiers, names, versions, payouts = [], [], [], []
    for issue, *hits in frame[["target_issue", *hits_columns]].itertuples(index=False):
        rule = spec.rule_for(int(issue))
        tier = rule.tier_for(tuple(int(h) for h in hits))
        versions.append(rule.version)
        if tier is None:
            tiers.append(0)
            names.append("")
            payouts.append(0.0)
            continue
        tiers.append(tier.tier)
        names.append(tier.name)
        payouts.append(float(tier.prize) if tier.prize is not None else np.nan)
    frame["tier"] = tiers
    frame["tier_name"] = names
    frame["rule_version"] = versions
    frame["payout"] = payouts


def _validate(
    history: DrawHistory, forecasts: Mapping[str, Mapping[str, np.ndarray]], targets: np.ndarray
) -> None:
    if not forecasts:
        raise ConfigError(
            "forecasts is empty: give at least one strategy", zh="forecasts 为空：至少给出一个策略"
        )
    if targets.ndim != 1 or targets.size == 0:
        raise ConfigError("targets must be a non-empty list of positions", zh="targets 必须是非空的位置列表")
    if targets.min() < 1 or targets.max() >= len(history) or np.any(np.diff(targets) <= 0):
        raise ConfigError(
            f"targets must be ascending positions between 1 and {len(history) - 1}, "
            f"got {targets.min()}..{targets.max()}",
            zh=f"targets 必须是 1 到 {len(history) - 1} 之间的升序位置，"
            f"收到 {targets.min()}..{targets.max()}",
        )
    for issue in history.issues[targets]:
        if not any(rule.covers(int(issue)) for rule in history.game.prize_rules):
            first = history.game.format_issue(history.game.prize_rules[0].first_issue)
            shown = history.game.format_issue(int(issue))
            raise ConfigError(
                f"no prize rule covers target issue {shown}; the rules cover issue {first} onwards, "
                "so score later draws",
                zh=f"没有适用于第 {shown} 期的奖级规则；规则从第 {first} 期开始，请评分更晚的开奖",
            )
    for strategy, by_pool in forecasts.items():
        for pool in history.game.pools:
            p = by_pool.get(pool.name)
            expected = (targets.size, pool.size)
            if p is None or np.shape(p) != expected:
                shape = None if p is None else np.shape(p)
                raise ConfigError(
                    f"forecasts[{strategy!r}][{pool.name!r}] must have shape {expected}, got {shape}",
                    zh=f"forecasts[{strategy!r}][{pool.name!r}] 的形状应为 {expected}，收到 {shape}",
                )
            if np.any(~np.isfinite(p)) or np.any(np.asarray(p) <= 0) or np.any(np.asarray(p) >= 1):
                raise ConfigError(
                    f"forecasts[{strategy!r}][{pool.name!r}] must lie strictly between 0 and 1",
                    zh=f"forecasts[{strategy!r}][{pool.name!r}] 的概率必须严格介于 0 和 1 之间",
                )
