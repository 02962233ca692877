"""Per-draw payouts of the scored tickets and of a random ticket, under one set of assumptions.

A strategy's return on stake is only comparable with chance when both are paid the same way, so
both come from :func:`draw_payouts`:

- Fixed tiers pay the rule's prize. Where a tier has a higher prize for a large pool (DLT from
  26014), that prize is paid when the pool after the previous draw, from ``money``, reaches the
  threshold. The normal prize is assumed where that pool is unknown.
- Floating tiers pay the draw's real amount per winning bet from ``prizes``. Where it is unknown
  they count as 0 for the strategy and for chance alike, except that a strategy's floating win
  keeps the amount the backtest table gives it, if any.

The return on stake is tested on the fixed tiers alone (``realized_fixed`` against
``expected_fixed``): a floating tier's win is so rare that a history of a few thousand draws
almost never holds one, so a sample mean that includes them falls short of the expectation that
includes them even for a random ticket. The expectation with the floating tiers is still given.

Every assumption that was needed is returned as a bilingual note.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lotto_lab.evaluation.baselines import tier_probabilities
from lotto_lab.games import GameSpec, PrizeRule

__all__ = ["DrawPayouts", "draw_payouts"]


@dataclass(frozen=True, eq=False)
class DrawPayouts:
    """Payouts in yuan per basic bet: ``realized`` ``(n_strategies, n_draws)`` for the scored
    tickets, ``expected`` ``(n_draws,)`` for a random ticket, and ``notes`` ({"zh", "en"} each).

    ``realized_fixed`` and ``expected_fixed`` are the same from the fixed tiers alone.
    """

    realized: np.ndarray
    expected: np.ndarray
    notes: tuple[dict[str, str], ...]
    realized_fixed: np.ndarray | None = None
    expected_fixed: np.ndarray | None = None


def draw_payouts(
    spec: GameSpec,
    target_issues: np.ndarray,
    cutoff_issues: np.ndarray | None,
    tiers: np.ndarray,
    table_payouts: np.ndarray,
    prizes: pd.DataFrame | None,
    money: pd.DataFrame | None,
) -> DrawPayouts:
    """Return the payouts of the scored tickets and of a random ticket on each target draw.

    Parameters
    ----------
    spec
        The game.
    target_issues, cutoff_issues
        Canonical issues of the scored draws and of the draw before each (None when unknown).
    tiers
        ``(n_strategies, n_draws)`` tier won by each scored ticket, 0 for nothing.
    table_payouts
        ``(n_strategies, n_draws)`` payout from the backtest table, NaN where it had no amount.
    prizes
        Store prize results (``issue, tier_name, amount``) or None.
    money
        Store money figures (``issue, pool_after``) or None.
    """
    amounts = _amount_lookup(prizes, spec)
    pools = _pool_lookup(money)
    n_draws = len(target_issues)
    realized = np.zeros(tiers.shape)
    expected = np.zeros(n_draws)
    realized_fixed = np.zeros(tiers.shape)
    expected_fixed = np.zeros(n_draws)
    counts = {"floating_known": 0, "floating_draws": 0, "unpaid_wins": 0, "high": 0, "pool_unknown": 0}
    threshold_seen: int | None = None
    rules: dict[str, tuple[PrizeRule, dict[int, float]]] = {}

    for j, issue in enumerate(int(value) for value in target_issues):
        rule = spec.rule_for(issue)
        if rule.version not in rules:
            rules[rule.version] = (rule, tier_probabilities(spec, rule))
        _, probabilities = rules[rule.version]

        pool_before = None
        if cutoff_issues is not None:
            pool_before = pools.get(int(cutoff_issues[j]))
        thresholds = [t.high_pool_threshold for t in rule.tiers if t.high_pool_threshold is not None]
        high = False
        if thresholds:
            threshold_seen = thresholds[0]
            if pool_before is None:
                counts["pool_unknown"] += 1
            elif pool_before >= thresholds[0]:
                high = True
                counts["high"] += 1

        prize_of = {}
        floating_known = True
        for tier in rule.tiers:
            if tier.floating:
                amount = amounts.get((issue, tier.name))
                floating_known = floating_known and amount is not None
                prize_of[tier.tier] = amount
            elif high and tier.high_pool_prize is not None:
                prize_of[tier.tier] = float(tier.high_pool_prize)
            else:
                prize_of[tier.tier] = float(tier.prize)
        counts["floating_draws"] += 1
        counts["floating_known"] += int(floating_known)
        expected[j] = sum(probabilities[t] * (prize or 0.0) for t, prize in prize_of.items())
        floating_tiers = {tier.tier for tier in rule.tiers if tier.floating}
        expected_fixed[j] = sum(
            probabilities[t] * prize for t, prize in prize_of.items() if t not in floating_tiers
        )

        for s in range(tiers.shape[0]):
            won = int(tiers[s, j])
            if won == 0:
                continue
            prize = prize_of.get(won)
            if prize is None:
                from_table = table_payouts[s, j]
                if math.isfinite(from_table):
                    prize = float(from_table)
                else:
                    counts["unpaid_wins"] += 1
                    prize = 0.0
            realized[s, j] = prize
            if won not in floating_tiers:
                realized_fixed[s, j] = prize

    notes = _notes(spec, prizes is not None, money is not None, counts, threshold_seen, n_draws)
    return DrawPayouts(
        realized=realized,
        expected=expected,
        notes=notes,
        realized_fixed=realized_fixed,
        expected_fixed=expected_fixed,
    )


def _amount_lookup(prizes: pd.DataFrame | None, spec: GameSpec) -> dict[tuple[int, str], float]:
    if prizes is None or prizes.empty:
        return {}
    floating = {tier.name for rule in spec.prize_rules for tier in rule.tiers if tier.floating}
    names = prizes["tier_name"].astype(str)
    known = prizes[names.isin(floating).to_numpy() & prizes["amount"].notna().to_numpy()]
    issues = known["issue"].astype("int64").tolist()
    tier_names = known["tier_name"].astype(str).tolist()
    amounts = known["amount"].astype("float64").tolist()
    return {(issue, name): amount for issue, name, amount in zip(issues, tier_names, amounts, strict=True)}


def _pool_lookup(money: pd.DataFrame | None) -> dict[int, float]:
    if money is None or money.empty:
        return {}
    known = money.dropna(subset=["pool_after"])
    issues = known["issue"].astype("int64").tolist()
    pools = known["pool_after"].astype("float64").tolist()
    return dict(zip(issues, pools, strict=True))


def _notes(
    spec: GameSpec,
    prizes_given: bool,
    money_given: bool,
    counts: dict[str, int],
    threshold: int | None,
    n_draws: int,
) -> tuple[dict[str, str], ...]:
    notes = [
        {
            "en": f"Return on stake counts one basic bet of {spec.ticket_price} yuan per scored draw.",
            "zh": f"投注回报按每期一注 {spec.ticket_price} 元的单式投注计算。",
        }
    ]
    if not prizes_given:
        notes.append(
            {
                "en": "No per-draw prize amounts were given, so the floating tiers count as 0 "
                "in the return and in its baseline.",
                "zh": "未提供每期奖金数据，浮动奖级在回报及其基准中均按 0 计。",
            }
        )
    elif counts["floating_known"] < counts["floating_draws"]:
        missing = counts["floating_draws"] - counts["floating_known"]
        notes.append(
            {
                "en": f"The floating tiers use the real per-draw amount; on {missing} of {n_draws} "
                "draws an amount is missing and counts as 0 in the return and in its baseline.",
                "zh": f"浮动奖级使用每期实际奖金；{n_draws} 期中有 {missing} 期缺少奖金数据，"
                "在回报及其基准中按 0 计。",
            }
        )
    else:
        notes.append(
            {
                "en": "The floating tiers use the real per-draw amount of every scored draw.",
                "zh": "浮动奖级使用每个评分期的实际奖金。",
            }
        )
    if counts["unpaid_wins"]:
        notes.append(
            {
                "en": f"{counts['unpaid_wins']} floating-tier wins have no amount and count as 0.",
                "zh": f"有 {counts['unpaid_wins']} 次浮动奖级中奖缺少奖金数据，按 0 计。",
            }
        )
    if threshold is not None:
        unknown = counts["pool_unknown"]
        source = "" if money_given else " (no pool figures were given)"
        source_zh = "" if money_given else "（未提供奖池数据）"
        notes.append(
            {
                "en": f"The higher fixed prizes paid when the pool before the draw is at least "
                f"{threshold:,} yuan apply on {counts['high']} draws; the pool is unknown on "
                f"{unknown} draws{source}, where the normal prize is assumed.",
                "zh": f"开奖前奖池达到 {threshold:,} 元时的较高固定奖金适用于 {counts['high']} 期；"
                f"有 {unknown} 期奖池未知{source_zh}，按普通奖金计。",
            }
        )
    return tuple(notes)
