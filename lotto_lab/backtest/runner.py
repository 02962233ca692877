"""The walk-forward backtest: every strategy predicts every fold's target, and each prediction is scored.

Per (strategy, target) the runner records the hits of the scored ticket, the log-loss of the
probabilities in bits, the prize tier under the rule in force for the target issue, and the
payout. The scored ticket is :func:`~lotto_lab.strategies.tickets.top_ticket` with ties broken by
a permutation seeded with ``(seed, target_issue)``. Every strategy gets the same permutation at one
target. Uniform's ticket is therefore a fair random ticket, and ties elsewhere are broken alike.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from lotto_lab.backtest.folds import Fold
from lotto_lab.backtest.result import BacktestResult, table_columns
from lotto_lab.backtest.scoring import (
    assign_tiers,
    count_hits,
    floating_amount_lookup,
    log_loss_bits,
    payouts,
    pool_after_lookup,
    rule_indices,
    uniform_log_loss_bits,
)
from lotto_lab.errors import ConfigError, DataValidationError, InvalidIssueError, StrategyError
from lotto_lab.games import GameSpec
from lotto_lab.history import DrawHistory
from lotto_lab.strategies.base import Strategy
from lotto_lab.strategies.tickets import format_ticket, tie_break_ranks, top_tickets

__all__ = ["BacktestResult", "run_backtest"]

log = logging.getLogger(__name__)

_SUM_TOLERANCE = 1e-6
_PRIZE_COLUMNS = ("issue", "tier_name", "amount")
_MONEY_COLUMNS = ("issue", "pool_after")


def run_backtest(
    history: DrawHistory,
    strategies: Sequence[Strategy] | Mapping[str, Strategy],
    folds: Sequence[Fold],
    *,
    seed: int,
    prizes: pd.DataFrame | None = None,
    money: pd.DataFrame | None = None,
) -> BacktestResult:
    """Run every strategy over ``folds`` of ``history`` and score each prediction.

    Parameters
    ----------
    history
        The draws; fold positions index into it.
    strategies
        Strategies to run, labelled by their ``name``; pass a mapping ``{label: strategy}`` to run
        two variants of one strategy side by side. Labels must be distinct.
    folds
        Walk-forward folds (:func:`~lotto_lab.backtest.folds.make_folds`), targets strictly ascending.
    seed
        Seed of the tie-breaking permutations of the scored tickets (non-negative integer).
    prizes
        Per-draw prizes (``issue, tier_name, amount``, as :func:`lotto_lab.store.load_prizes`
        returns): the amount per winning bet of the floating tiers. Without it, a floating win
        pays NaN.
    money
        Per-draw money (``issue, pool_after``, as :func:`lotto_lab.store.load_money` returns): the
        prize pool after each draw, which decides the fixed prize of tiers with a high-pool prize.

    Returns
    -------
    BacktestResult

    Raises
    ------
    ConfigError
        When the strategies, folds or seed are invalid (checked before any strategy runs).
    DataValidationError
        When ``prizes`` or ``money`` lacks a required column.
    InvalidIssueError
        When no prize rule covers a target issue.
    StrategyError
        When a strategy returns probabilities that break the strategy contract.
    """
    labelled = _validate_inputs(history, strategies, folds, seed, prizes, money)
    game = history.game

    targets = np.fromiter((fold.target for fold in folds), dtype=np.int64, count=len(folds))
    target_issues = history.issues[targets].astype(np.int64)
    outcomes = {pool.name: history.indicators(pool.name)[targets] for pool in game.pools}
    ranks = tie_break_ranks(game, [(seed, int(issue)) for issue in target_issues])
    fold_columns = _fold_columns(history, folds, targets)
    pool_before = pool_after_lookup(money, history.issues[targets - 1])
    floating = floating_amount_lookup(prizes)
    uniform_bits = uniform_log_loss_bits(game)

    tables = []
    probabilities: dict[str, dict[str, np.ndarray]] = {}
    for label, strategy in labelled.items():
        log.info(
            "backtest %s: strategy %s started on %d folds, target issues %s to %s",
            game.name,
            label,
            len(folds),
            target_issues[0],
            target_issues[-1],
        )
        started = time.perf_counter()

        predicted = strategy.predict_folds(history, folds)
        probabilities[label] = _checked_output(label, game, predicted, target_issues)
        table = _score(
            game, label, probabilities[label], outcomes, ranks, target_issues, pool_before, floating
        )
        tables.append(pd.concat([fold_columns, table], axis=1))

        log.info(
            "backtest %s: strategy %s finished in %.2f s; mean log-loss %.4f bits per draw "
            "(uniform %.4f bits)",
            game.name,
            label,
            time.perf_counter() - started,
            table["log_loss"].mean(),
            uniform_bits,
        )

    full = pd.concat(tables, ignore_index=True)
    full.insert(0, "strategy", np.repeat(list(labelled), len(folds)))
    full.insert(0, "game", game.name)
    return BacktestResult(
        game=game.name,
        table=full[table_columns(game)],
        probabilities=probabilities,
        outcomes=outcomes,
        targets=targets,
        target_issues=target_issues,
        seed=int(seed),
        params={label: dict(strategy.params()) for label, strategy in labelled.items()},
        baselines=tuple(label for label, strategy in labelled.items() if strategy.is_baseline),
    )


def _validate_inputs(
    history: DrawHistory,
    strategies: Sequence[Strategy] | Mapping[str, Strategy],
    folds: Sequence[Fold],
    seed: object,
    prizes: pd.DataFrame | None,
    money: pd.DataFrame | None,
) -> dict[str, Strategy]:
    """Check every input of :func:`run_backtest`; return the strategies keyed by their labels."""
    labelled = _label_strategies(strategies)

    if len(folds) == 0:
        raise ConfigError(
            "folds is empty: a backtest needs at least one fold; build them with make_folds",
            zh="folds 为空: 回测至少需要一个折; 请用 make_folds 生成",
        )
    for fold in folds:
        if not isinstance(fold, Fold):
            raise ConfigError(
                f"folds must contain Fold objects, got {type(fold).__name__}: {fold!r}",
                zh=f"folds 中必须是 Fold 对象, 收到 {type(fold).__name__}: {fold!r}",
            )
    n_draws = len(history)
    beyond = [fold for fold in folds if fold.target >= n_draws]
    if beyond:
        raise ConfigError(
            f"fold target {beyond[0].target} lies beyond the history, which has {n_draws} draws "
            f"(positions 0 to {n_draws - 1}); build the folds from this history's length",
            zh=f"折的目标位置 {beyond[0].target} 超出了历史数据 (共 {n_draws} 期, 位置 0 到 {n_draws - 1}); "
            f"请按这份历史数据的长度生成折",
        )
    targets = np.array([fold.target for fold in folds])
    if np.any(np.diff(targets) <= 0):
        position = int(np.argmax(np.diff(targets) <= 0)) + 1
        raise ConfigError(
            f"fold targets must be strictly ascending, each draw scored once; fold {position} has "
            f"target {targets[position]} after {targets[position - 1]}",
            zh=f"折的目标位置必须严格递增, 每期只评估一次; 第 {position} 个折的目标 {targets[position]} "
            f"排在 {targets[position - 1]} 之后",
        )

    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ConfigError(
            f"seed must be a non-negative integer, got {seed!r}",
            zh=f"随机种子必须是非负整数, 收到 {seed!r}",
        )

    game = history.game
    target_issues = history.issues[targets]
    uncovered = target_issues[rule_indices(game, target_issues) < 0]
    if uncovered.size:
        issue = game.format_issue(int(uncovered[0]))
        first = game.format_issue(min(rule.first_issue for rule in game.prize_rules))
        raise InvalidIssueError(
            f"no {game.name.upper()} prize rule covers target issue {issue}; the rules cover issue "
            f"{first} onwards, so start the folds at a later draw",
            zh=f"{game.title_zh} 没有适用于第 {issue} 期的奖级规则; 规则从第 {first} 期开始, "
            "请让折从更晚的期开始",
        )

    _check_columns("prizes", prizes, _PRIZE_COLUMNS)
    _check_columns("money", money, _MONEY_COLUMNS)
    return labelled


def _label_strategies(strategies: Sequence[Strategy] | Mapping[str, Strategy]) -> dict[str, Strategy]:
    pairs = (
        list(strategies.items())
        if isinstance(strategies, Mapping)
        else [(getattr(strategy, "name", None), strategy) for strategy in strategies]
    )
    if not pairs:
        raise ConfigError(
            "strategies is empty: pass at least one strategy",
            zh="strategies 为空: 至少需要一个策略",
        )
    labelled: dict[str, Strategy] = {}
    for label, strategy in pairs:
        if not isinstance(strategy, Strategy):
            raise ConfigError(
                f"strategies must contain Strategy objects, got {type(strategy).__name__}: {strategy!r}",
                zh=f"strategies 中必须是 Strategy 对象, 收到 {type(strategy).__name__}: {strategy!r}",
            )
        if label in labelled:
            raise ConfigError(
                f"two strategies are named {label!r}: names must be distinct; pass a mapping "
                f"{{label: strategy}} to run variants of one strategy",
                zh=f"有两个策略都叫 {label!r}: 名称不能重复; 要比较同一策略的不同参数, "
                f"请传入 {{名称: 策略}} 字典",
            )
        labelled[str(label)] = strategy
    return labelled


def _check_columns(name: str, frame: pd.DataFrame | None, required: tuple[str, ...]) -> None:
    if frame is None:
        return
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise DataValidationError(
            f"{name} lacks the column(s) {', '.join(missing)}; it needs {', '.join(required)}",
            zh=f"{name} 缺少列 {', '.join(missing)}; 需要的列: {', '.join(required)}",
        )


def _fold_columns(history: DrawHistory, folds: Sequence[Fold], targets: np.ndarray) -> pd.DataFrame:
    """Return the columns describing each fold: cutoff, target and training-window issues and sizes."""
    train_ends = np.fromiter((fold.train_end for fold in folds), dtype=np.int64, count=len(folds))
    train_starts = np.fromiter((fold.train_start for fold in folds), dtype=np.int64, count=len(folds))
    return pd.DataFrame(
        {
            "cutoff": history.issues[targets - 1].astype(np.int64),
            "target_issue": history.issues[targets].astype(np.int64),
            "train_end_issue": history.issues[train_ends].astype(np.int64),
            "horizon": targets - train_ends,
            "train_size": train_ends - train_starts + 1,
        }
    )


def _checked_output(
    label: str, game: GameSpec, output: Mapping[str, np.ndarray], target_issues: np.ndarray
) -> dict[str, np.ndarray]:
    """Return the strategy's output as float64 arrays; raise StrategyError when it breaks the contract."""
    n_folds = len(target_issues)
    checked = {}
    for pool in game.pools:
        if pool.name not in output:
            raise StrategyError(
                f"strategy {label!r} returned no probabilities for pool {pool.name!r}",
                zh=f"策略 {label!r} 没有给出 {pool.label_zh} ({pool.name}) 的概率",
            )
        p = np.asarray(output[pool.name], dtype=np.float64)
        if p.shape != (n_folds, pool.size):
            raise StrategyError(
                f"strategy {label!r} returned probabilities of shape {p.shape} for pool {pool.name!r}, "
                f"expected ({n_folds}, {pool.size}): one row per fold, one column per number",
                zh=f"策略 {label!r} 给出的 {pool.label_zh} 概率形状为 {p.shape}, "
                f"应为 ({n_folds}, {pool.size})",
            )
        sums = p.sum(axis=1)
        bad = ~np.isfinite(p).all(axis=1) | (p <= 0).any(axis=1) | (p >= 1).any(axis=1)
        bad |= np.abs(sums - pool.pick) > _SUM_TOLERANCE
        if bad.any():
            row = int(np.argmax(bad))
            raise StrategyError(
                f"strategy {label!r} broke the probability contract for pool {pool.name!r} at target "
                f"issue {target_issues[row]}: each probability must lie strictly between 0 and 1 and "
                f"they must sum to {pool.pick}; got min {p[row].min():.6g}, max {p[row].max():.6g}, "
                f"sum {sums[row]:.6f}",
                zh=f"策略 {label!r} 在第 {target_issues[row]} 期的 {pool.label_zh} 概率不符合约定: "
                f"每个概率须严格介于 0 和 1 之间且总和为 {pool.pick}; 实际最小 {p[row].min():.6g}, "
                f"最大 {p[row].max():.6g}, 总和 {sums[row]:.6f}",
            )
        checked[pool.name] = p
    return checked


def _score(
    game: GameSpec,
    label: str,
    probabilities: Mapping[str, np.ndarray],
    outcomes: Mapping[str, np.ndarray],
    ranks: Mapping[str, np.ndarray],
    target_issues: np.ndarray,
    pool_before: np.ndarray,
    floating: Mapping[tuple[int, str], float],
) -> pd.DataFrame:
    """Return the score columns of one strategy, one row per target."""
    tickets = top_tickets(game, probabilities, ranks)
    hits = {name: count_hits(tickets[name], outcomes[name]) for name in game.pool_names}
    losses = {name: log_loss_bits(probabilities[name], outcomes[name]) for name in game.pool_names}
    tiers = assign_tiers(game, target_issues, hits)

    columns: dict[str, object] = {f"hits_{name}": hits[name] for name in game.pool_names}
    columns.update({f"log_loss_{name}": losses[name] for name in game.pool_names})
    columns["log_loss"] = np.sum([losses[name] for name in game.pool_names], axis=0)
    columns["ticket"] = _ticket_texts(game, tickets)
    columns["tier"] = tiers.tier
    columns["tier_name"] = tiers.tier_name.astype(str)
    columns["rule_version"] = tiers.rule_version.astype(str)
    columns["payout"] = payouts(tiers.won, target_issues, pool_before, floating)
    return pd.DataFrame(columns)


def _ticket_texts(game: GameSpec, tickets: Mapping[str, np.ndarray]) -> list[str]:
    rows = zip(*(tickets[name].tolist() for name in game.pool_names), strict=True)
    return [format_ticket(game, dict(zip(game.pool_names, row, strict=True))) for row in rows]
