"""Scores of one strategy's predictions: hits, log-loss in bits, prize tier and payout per target.

Every function here works on whole arrays, one row per target draw, so a backtest of thousands of
folds scores without a Python loop per draw (except for the rare floating-prize wins).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lotto_lab.games import GameSpec, PrizeRule, PrizeTier

__all__ = [
    "TierScores",
    "assign_tiers",
    "count_hits",
    "floating_amount_lookup",
    "log_loss_bits",
    "payouts",
    "pool_after_lookup",
    "rule_indices",
    "uniform_log_loss_bits",
]


def count_hits(tickets: np.ndarray, outcomes: np.ndarray) -> np.ndarray:
    """Return, per row, how many of the ticket's numbers (``(n, pick)``, from 1) the draw contained.

    ``outcomes`` is the ``(n, size)`` 0/1 indicator of the drawn numbers.
    """
    return np.take_along_axis(outcomes, tickets.astype(np.intp) - 1, axis=1).sum(axis=1).astype(np.int64)


def log_loss_bits(probabilities: np.ndarray, outcomes: np.ndarray) -> np.ndarray:
    """Return, per row, the binary cross-entropy summed over the pool's numbers, in bits.

    ``-sum(y * log2(p) + (1 - y) * log2(1 - p))`` with ``y`` the 0/1 outcome of each number.
    """
    drawn = outcomes.astype(bool)
    return -np.where(drawn, np.log2(probabilities), np.log2(1.0 - probabilities)).sum(axis=1)


def uniform_log_loss_bits(game: GameSpec) -> float:
    """Return uniform's log-loss per draw in bits: ``size * H(pick / size)`` summed over the pools."""
    total = 0.0
    for pool in game.pools:
        q = pool.pick / pool.size
        total += -pool.size * (q * np.log2(q) + (1 - q) * np.log2(1 - q))
    return float(total)


@dataclass(frozen=True)
class TierScores:
    """The prize tier each ticket won, one entry per target draw."""

    tier: np.ndarray  # int64, 0 when nothing was won
    tier_name: np.ndarray  # object array of str, "" when nothing was won
    rule_version: np.ndarray  # object array of str
    won: list[PrizeTier | None]


def rule_indices(game: GameSpec, target_issues: np.ndarray) -> np.ndarray:
    """Return, per target, the index in ``game.prize_rules`` of the rule in force, or -1 if none covers it."""
    index = np.full(len(target_issues), -1, dtype=np.int64)
    for i, rule in enumerate(game.prize_rules):
        covered = target_issues >= rule.first_issue
        if rule.last_issue is not None:
            covered &= target_issues <= rule.last_issue
        index[covered & (index < 0)] = i
    return index


def _tier_table(game: GameSpec, rule: PrizeRule) -> np.ndarray:
    """Return an array indexed by hits per pool holding the index in ``rule.tiers`` won, or -1."""
    shape = tuple(pool.pick + 1 for pool in game.pools)
    table = np.full(shape, -1, dtype=np.int64)
    for position, tier in enumerate(rule.tiers):
        for hits in tier.matches:
            table[hits] = position
    return table


def assign_tiers(game: GameSpec, target_issues: np.ndarray, hits: Mapping[str, np.ndarray]) -> TierScores:
    """Return the tier won by each ticket under the prize rule in force for its target issue.

    ``hits`` holds, per pool, the ``(n,)`` hit counts. Every target issue must be covered by a rule.
    """
    n = len(target_issues)
    rules = rule_indices(game, target_issues)
    hit_index = tuple(np.asarray(hits[pool.name], dtype=np.intp) for pool in game.pools)

    tier = np.zeros(n, dtype=np.int64)
    tier_name = np.full(n, "", dtype=object)
    rule_version = np.empty(n, dtype=object)
    won: list[PrizeTier | None] = [None] * n
    for i, rule in enumerate(game.prize_rules):
        rows = np.flatnonzero(rules == i)
        if rows.size == 0:
            continue
        rule_version[rows] = rule.version
        positions = _tier_table(game, rule)[tuple(index[rows] for index in hit_index)]
        for row, position in zip(rows[positions >= 0], positions[positions >= 0], strict=True):
            prize_tier = rule.tiers[position]
            tier[row] = prize_tier.tier
            tier_name[row] = prize_tier.name
            won[row] = prize_tier
    return TierScores(tier=tier, tier_name=tier_name, rule_version=rule_version, won=won)


def payouts(
    won: list[PrizeTier | None],
    target_issues: np.ndarray,
    pool_before: np.ndarray,
    floating_amounts: Mapping[tuple[int, str], float],
) -> np.ndarray:
    """Return the prize per basic bet, in yuan, of each ticket.

    Parameters
    ----------
    won
        The tier won per target, ``None`` when nothing was won (payout 0).
    target_issues
        Canonical issue of each target.
    pool_before
        Prize pool after the draw before each target, in yuan; NaN when unknown. A fixed tier with
        a ``high_pool_prize`` pays that prize when this is at least the tier's threshold. When the
        pool is unknown the payout is NaN, because either amount could apply.
    floating_amounts
        ``(issue, tier_name) -> amount per winning bet`` for the floating tiers; a missing or
        non-positive amount gives NaN.
    """
    out = np.zeros(len(won), dtype=np.float64)
    for row, tier in enumerate(won):
        if tier is None:
            continue
        if tier.floating:
            amount = floating_amounts.get((int(target_issues[row]), tier.name), np.nan)
            out[row] = amount if amount > 0 else np.nan
        elif tier.high_pool_prize is None:
            out[row] = tier.prize
        elif np.isnan(pool_before[row]):
            out[row] = np.nan
        elif pool_before[row] >= tier.high_pool_threshold:
            out[row] = tier.high_pool_prize
        else:
            out[row] = tier.prize
    return out


def floating_amount_lookup(prizes: pd.DataFrame | None) -> dict[tuple[int, str], float]:
    """Return ``(issue, tier_name) -> amount`` from a prizes frame (``issue, tier_name, amount``)."""
    if prizes is None or prizes.empty:
        return {}
    issues = prizes["issue"].astype("int64").to_numpy()
    names = prizes["tier_name"].astype(str).to_numpy()
    amounts = pd.to_numeric(prizes["amount"], errors="coerce").astype("float64").to_numpy()
    return {(int(i), str(name)): float(a) for i, name, a in zip(issues, names, amounts, strict=True)}


def pool_after_lookup(money: pd.DataFrame | None, issues: np.ndarray) -> np.ndarray:
    """Return the prize pool after each of ``issues`` (yuan, float), NaN when ``money`` does not have it."""
    if money is None or money.empty:
        return np.full(len(issues), np.nan)
    pool_after = pd.Series(
        pd.to_numeric(money["pool_after"], errors="coerce").astype("float64").to_numpy(),
        index=money["issue"].astype("int64").to_numpy(),
    )
    pool_after = pool_after[~pool_after.index.duplicated(keep="last")]
    return pool_after.reindex(issues).to_numpy(dtype=np.float64)
