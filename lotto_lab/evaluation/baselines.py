"""Exact random baselines: what a ticket or a forecast scores when the draw is fair.

Every figure the evaluation reports stands beside one of these numbers:

- the hypergeometric law of the hits of one ticket in one pool, and of the total hits over many
  draws (the exact null law of a strategy's hit count);
- the probability of each prize tier under each rule version: the sum, over the tier's match
  tuples, of the product of the per-pool hypergeometric probabilities;
- the expected payout of a random ticket where the rules fix the prize (floating tiers are listed
  apart, because their amount changes from draw to draw);
- the log-loss of the uniform forecast, in bits per draw, which does not depend on the outcome.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lotto_lab.games import GameSpec, Pool, PrizeRule, get_game

__all__ = [
    "PayoutBaseline",
    "convolution_power",
    "expected_hits",
    "expected_payout",
    "hit_distribution",
    "rule_by_version",
    "subset_sum_distribution",
    "tier_probabilities",
    "tier_table",
    "total_hits_distribution",
    "uniform_log_loss_bits",
    "uniform_probabilities",
    "win_probability",
]


def hit_distribution(pool: Pool, ticket_size: int | None = None) -> np.ndarray:
    """Return the law of the hits of one ticket in one pool under a fair draw.

    Parameters
    ----------
    pool
        The pool; the draw takes ``pool.pick`` distinct numbers out of ``pool.size``.
    ticket_size
        Numbers on the ticket in this pool (default: ``pool.pick``, a basic bet).

    Returns
    -------
    numpy.ndarray
        ``pmf[h]`` is the probability of exactly ``h`` hits, for ``h = 0 .. min(pick, ticket_size)``:
        ``C(pick, h) C(size - pick, ticket_size - h) / C(size, ticket_size)``.
    """
    size, pick = pool.size, pool.pick
    chosen = pick if ticket_size is None else int(ticket_size)
    if not 1 <= chosen <= size:
        raise ValueError(f"ticket_size must be between 1 and the pool size {size}, got {chosen}")
    total = math.comb(size, chosen)
    hits = range(min(pick, chosen) + 1)
    return np.array([math.comb(pick, h) * math.comb(size - pick, chosen - h) / total for h in hits])


def expected_hits(pool: Pool, ticket_size: int | None = None) -> float:
    """Return the mean hits of a ticket in one pool under a fair draw: ``ticket_size * pick / size``."""
    chosen = pool.pick if ticket_size is None else int(ticket_size)
    return chosen * pool.pick / pool.size


def convolution_power(pmf: np.ndarray, n: int) -> np.ndarray:
    """Return the law of the sum of ``n`` independent copies of a variable on ``0, 1, 2, ...``.

    The sum's law is the ``n``-fold convolution of ``pmf``, computed in one FFT of the padded
    array raised to the ``n``-th power. Round-off leaves errors of about 1e-14 in absolute terms,
    so entries below that are noise; negative noise is clipped to zero.
    """
    pmf = np.asarray(pmf, dtype=np.float64)
    if n < 0:
        raise ValueError(f"n must be at least 0, got {n}")
    if n == 0:
        return np.ones(1)
    length = (len(pmf) - 1) * n + 1
    fft_size = 1 << max(1, (length - 1).bit_length())
    spectrum = np.fft.rfft(pmf, fft_size) ** n
    out = np.fft.irfft(spectrum, fft_size)[:length]
    out = np.clip(out, 0.0, None)
    return out / out.sum()


def total_hits_distribution(pool: Pool, n_draws: int, ticket_size: int | None = None) -> np.ndarray:
    """Return the law of a strategy's total hits in one pool over ``n_draws`` fair draws.

    A ticket chosen before the draw cannot see it, so under a fair draw its hits follow
    :func:`hit_distribution` whatever the strategy did, independently from draw to draw. The
    total is therefore the ``n_draws``-fold convolution of that law, for any strategy.
    """
    return convolution_power(hit_distribution(pool, ticket_size), n_draws)


def uniform_probabilities(pool: Pool) -> np.ndarray:
    """Return the uniform forecast of a pool: every number has inclusion probability ``pick / size``."""
    return np.full(pool.size, pool.pick / pool.size)


def uniform_log_loss_bits(pool: Pool) -> float:
    """Return the log-loss of the uniform forecast of a pool, in bits per draw.

    The log-loss is the binary cross-entropy summed over the pool's numbers. With every
    probability equal to ``q = pick / size`` it is ``size * H(q)`` for every outcome, where ``H`` is
    the binary entropy in bits.
    """
    q = pool.pick / pool.size
    if q >= 1.0:
        return 0.0
    return float(-pool.size * (q * math.log2(q) + (1 - q) * math.log2(1 - q)))


def rule_by_version(game: GameSpec | str, version: str | PrizeRule) -> PrizeRule:
    """Return the prize rule of ``game`` named ``version``; a rule passed in is returned as it is."""
    if isinstance(version, PrizeRule):
        return version
    spec = get_game(game)
    for rule in spec.prize_rules:
        if rule.version == version:
            return rule
    known = ", ".join(rule.version for rule in spec.prize_rules)
    raise KeyError(f"game {spec.name!r} has no prize rule {version!r}; its rules are {known}")


def tier_probabilities(game: GameSpec | str, rule: str | PrizeRule) -> dict[int, float]:
    """Return the probability that one random basic bet wins each tier of ``rule``.

    A tier's probability is the sum over its match tuples of the product of the per-pool
    hypergeometric probabilities. The match tuples of different tiers never overlap, so the
    values of one rule add up to the chance of winning anything.
    """
    spec = get_game(game)
    prize_rule = rule_by_version(spec, rule)
    laws = [hit_distribution(pool) for pool in spec.pools]
    out = {}
    for tier in prize_rule.tiers:
        total = 0.0
        for match in tier.matches:
            if len(match) != len(laws):
                raise ValueError(
                    f"tier {tier.tier} of rule {prize_rule.version!r} has match {match} but the game "
                    f"has {len(laws)} pools"
                )
            total += math.prod(float(law[hits]) for law, hits in zip(laws, match, strict=True))
        out[tier.tier] = total
    return out


def win_probability(game: GameSpec | str, rule: str | PrizeRule) -> float:
    """Return the probability that one random basic bet wins any tier of ``rule``."""
    return float(sum(tier_probabilities(game, rule).values()))


def tier_table(game: GameSpec | str) -> pd.DataFrame:
    """Return every tier of every rule version of ``game`` with its exact probability.

    Columns: ``rule_version, tier, tier_name, probability, odds`` (one in ``odds``), ``prize``
    (yuan per basic bet, NaN for a floating tier) and ``floating``.
    """
    spec = get_game(game)
    rows = []
    for rule in spec.prize_rules:
        probabilities = tier_probabilities(spec, rule)
        for tier in rule.tiers:
            probability = probabilities[tier.tier]
            rows.append(
                {
                    "rule_version": rule.version,
                    "tier": tier.tier,
                    "tier_name": tier.name,
                    "probability": probability,
                    "odds": 1.0 / probability if probability > 0 else math.inf,
                    "prize": float(tier.prize) if tier.prize is not None else math.nan,
                    "floating": tier.floating,
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class PayoutBaseline:
    """Expected payout of one random basic bet under one prize rule.

    ``expected_fixed`` sums probability times prize over the fixed tiers only, in yuan per bet;
    ``fixed_return`` is the same per yuan staked. ``floating_tiers`` lists ``(tier, tier_name,
    probability)`` for the tiers whose amount is set per draw, which the fixed figures leave out.
    ``high_pool`` tells whether the higher fixed prizes paid when the pool is large were used.
    """

    rule_version: str
    ticket_price: int
    expected_fixed: float
    fixed_return: float
    floating_tiers: tuple[tuple[int, str, float], ...]
    high_pool: bool

    @property
    def floating_probability(self) -> float:
        """Chance that a random bet wins one of the floating tiers."""
        return float(sum(probability for _, _, probability in self.floating_tiers))


def expected_payout(
    game: GameSpec | str, rule: str | PrizeRule, *, high_pool: bool = False
) -> PayoutBaseline:
    """Return the expected payout of a random basic bet where ``rule`` fixes the prize.

    Parameters
    ----------
    game, rule
        The game and the rule version (name or object).
    high_pool
        Use each tier's ``high_pool_prize`` where it has one: the prize paid when the pool before
        the draw is at or above the tier's threshold.
    """
    spec = get_game(game)
    prize_rule = rule_by_version(spec, rule)
    probabilities = tier_probabilities(spec, prize_rule)
    expected = 0.0
    floating = []
    for tier in prize_rule.tiers:
        probability = probabilities[tier.tier]
        if tier.floating:
            floating.append((tier.tier, tier.name, probability))
            continue
        prize = tier.high_pool_prize if high_pool and tier.high_pool_prize is not None else tier.prize
        expected += probability * float(prize)
    return PayoutBaseline(
        rule_version=prize_rule.version,
        ticket_price=spec.ticket_price,
        expected_fixed=expected,
        fixed_return=expected / spec.ticket_price,
        floating_tiers=tuple(floating),
        high_pool=high_pool,
    )


def subset_sum_distribution(size: int, pick: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the exact law of the sum of ``pick`` distinct numbers drawn fairly from ``1..size``.

    The count of ``j``-subsets with each sum is built number by number (a subset either contains
    the number or not), then divided by ``C(size, pick)``.

    Returns
    -------
    tuple of numpy.ndarray
        ``values`` (every possible sum, ascending) and ``pmf`` (their probabilities).
    """
    if not 1 <= pick <= size:
        raise ValueError(f"pick must be between 1 and size ({size}), got {pick}")
    max_sum = sum(range(size - pick + 1, size + 1))
    # ways[j, s] counts the j-subsets of the numbers seen so far whose sum is s. Floats keep the
    # counts exact up to 2**53 and accurate to 1e-16 in relative terms past that.
    ways = np.zeros((pick + 1, max_sum + 1))
    ways[0, 0] = 1.0
    for number in range(1, size + 1):
        ways[1:, number:] += ways[:-1, :-number].copy()
    min_sum = pick * (pick + 1) // 2
    values = np.arange(min_sum, max_sum + 1)
    counts = ways[pick, min_sum:]
    return values, counts / math.comb(size, pick)
