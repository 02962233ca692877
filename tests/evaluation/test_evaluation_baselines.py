"""Exact baselines against closed forms and against seeded simulation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from lotto_lab.evaluation import baselines
from lotto_lab.games import get_game

SSQ = get_game("ssq")
DLT = get_game("dlt")


def test_ssq_first_tier_odds():
    probabilities = baselines.tier_probabilities(SSQ, "ssq-2003")
    assert 1 / probabilities[1] == pytest.approx(17_721_088, rel=1e-12)
    assert math.comb(33, 6) * 16 == 17_721_088


def test_ssq_sixth_tier_odds():
    probabilities = baselines.tier_probabilities(SSQ, "ssq-2003")
    red = baselines.hit_distribution(SSQ.pool("red"))
    assert probabilities[6] == pytest.approx((red[0] + red[1] + red[2]) / 16, rel=1e-12)
    assert 1 / probabilities[6] == pytest.approx(16.98, abs=0.005)


def test_ssq_fuyun_tier_is_three_reds_no_blue():
    probabilities = baselines.tier_probabilities(SSQ, "ssq-2026-fuyun")
    red = baselines.hit_distribution(SSQ.pool("red"))
    assert probabilities[7] == pytest.approx(red[3] * 15 / 16, rel=1e-12)


def test_dlt_first_tier_odds():
    probabilities = baselines.tier_probabilities(DLT, "dlt-2019")
    assert 1 / probabilities[1] == pytest.approx(math.comb(35, 5) * math.comb(12, 2), rel=1e-12)


@pytest.mark.parametrize(
    ("game", "pool", "expected"),
    [
        ("ssq", "red", 6 * 6 / 33),
        ("ssq", "blue", 1 / 16),
        ("dlt", "front", 5 * 5 / 35),
        ("dlt", "back", 2 * 2 / 12),
    ],
)
def test_expected_hits_closed_form(game, pool, expected):
    spec = get_game(game).pool(pool)
    law = baselines.hit_distribution(spec)
    assert baselines.expected_hits(spec) == pytest.approx(expected, rel=1e-12)
    assert float((np.arange(law.size) * law).sum()) == pytest.approx(expected, rel=1e-12)
    assert law.sum() == pytest.approx(1.0, abs=1e-15)


def test_hit_distribution_matches_scipy():
    pool = SSQ.pool("red")
    law = baselines.hit_distribution(pool, ticket_size=8)
    assert law == pytest.approx(stats.hypergeom(33, 6, 8).pmf(np.arange(7)), rel=1e-12)


def test_hit_distribution_rejects_ticket_size():
    with pytest.raises(ValueError, match="ticket_size must be between 1 and the pool size 33, got 34"):
        baselines.hit_distribution(SSQ.pool("red"), ticket_size=34)


@pytest.mark.parametrize("game", ["ssq", "dlt"])
def test_tiers_of_every_rule_sum_below_one(game):
    spec = get_game(game)
    for rule in spec.prize_rules:
        total = baselines.win_probability(spec, rule)
        assert 0 < total < 1, rule.version


def test_tier_probabilities_match_simulation():
    # 400,000 random tickets against a fixed draw: every tier above 1 in 1,000 is checked within
    # 5 binomial standard deviations.
    rng = np.random.default_rng(11)
    n = 400_000
    red = np.argsort(rng.random((n, 33)), axis=1)[:, :6]
    blue = rng.integers(0, 16, n)
    red_hits = (red < 6).sum(axis=1)
    blue_hits = (blue == 0).astype(int)
    rule = SSQ.rule_for(2020001)
    probabilities = baselines.tier_probabilities(SSQ, rule)
    won = np.zeros(n, dtype=int)
    for tier in rule.tiers:
        for r, b in tier.matches:
            won[(red_hits == r) & (blue_hits == b)] = tier.tier
    for tier, probability in probabilities.items():
        if probability < 1e-3:
            continue
        observed = (won == tier).mean()
        sd = math.sqrt(probability * (1 - probability) / n)
        assert abs(observed - probability) < 5 * sd, tier


def test_tier_table_lists_every_rule():
    table = baselines.tier_table(DLT)
    assert list(table.columns) == [
        "rule_version",
        "tier",
        "tier_name",
        "probability",
        "odds",
        "prize",
        "floating",
    ]
    assert set(table["rule_version"]) == {rule.version for rule in DLT.prize_rules}
    row = table[(table["rule_version"] == "dlt-2019") & (table["tier"] == 3)].iloc[0]
    assert row["prize"] == 10_000
    assert not row["floating"]
    assert row["odds"] == pytest.approx(1 / row["probability"])


def test_expected_payout_fixed_tiers():
    payout = baselines.expected_payout(SSQ, "ssq-2003")
    probabilities = baselines.tier_probabilities(SSQ, "ssq-2003")
    expected = probabilities[3] * 3000 + probabilities[4] * 200 + probabilities[5] * 10 + probabilities[6] * 5
    assert payout.expected_fixed == pytest.approx(expected, rel=1e-12)
    assert payout.fixed_return == pytest.approx(expected / 2, rel=1e-12)
    assert [tier for tier, _, _ in payout.floating_tiers] == [1, 2]
    assert payout.floating_probability == pytest.approx(probabilities[1] + probabilities[2])


def test_expected_payout_high_pool():
    normal = baselines.expected_payout(DLT, "dlt-2026")
    high = baselines.expected_payout(DLT, "dlt-2026", high_pool=True)
    probabilities = baselines.tier_probabilities(DLT, "dlt-2026")
    difference = sum(
        probabilities[tier.tier] * (tier.high_pool_prize - tier.prize)
        for tier in baselines.rule_by_version(DLT, "dlt-2026").tiers
        if tier.high_pool_prize is not None
    )
    assert high.expected_fixed - normal.expected_fixed == pytest.approx(difference, rel=1e-12)
    assert high.high_pool


def test_rule_by_version_unknown():
    with pytest.raises(KeyError, match="game 'ssq' has no prize rule 'ssq-1999'"):
        baselines.rule_by_version(SSQ, "ssq-1999")


@pytest.mark.parametrize("game", ["ssq", "dlt"])
def test_uniform_log_loss_closed_form(game):
    rng = np.random.default_rng(3)
    for pool in get_game(game).pools:
        q = pool.pick / pool.size
        p = baselines.uniform_probabilities(pool)
        entropy = -(q * math.log2(q) + (1 - q) * math.log2(1 - q))
        assert baselines.uniform_log_loss_bits(pool) == pytest.approx(pool.size * entropy, rel=1e-12)
        # The same for every outcome: check two random draws.
        for _ in range(2):
            y = np.zeros(pool.size)
            y[rng.choice(pool.size, pool.pick, replace=False)] = 1
            loss = -(y * np.log2(p) + (1 - y) * np.log2(1 - p)).sum()
            assert baselines.uniform_log_loss_bits(pool) == pytest.approx(loss, rel=1e-12)


def test_convolution_power_matches_direct_convolution():
    law = baselines.hit_distribution(DLT.pool("back"))
    direct = np.ones(1)
    for _ in range(37):
        direct = np.convolve(direct, law)
    assert baselines.convolution_power(law, 37) == pytest.approx(direct, abs=1e-13)
    assert baselines.convolution_power(law, 0).tolist() == [1.0]


def test_total_hits_distribution_moments():
    pool = SSQ.pool("red")
    law = baselines.total_hits_distribution(pool, 500)
    support = np.arange(law.size)
    mean = (support * law).sum()
    single = baselines.hit_distribution(pool)
    single_variance = (np.arange(single.size) ** 2 * single).sum() - (6 * 6 / 33) ** 2
    assert mean == pytest.approx(500 * 36 / 33, rel=1e-9)
    assert (support**2 * law).sum() - mean**2 == pytest.approx(500 * single_variance, rel=1e-8)


@pytest.mark.parametrize(("size", "pick"), [(12, 2), (10, 4), (16, 1)])
def test_subset_sum_distribution_brute_force(size, pick):
    values, law = baselines.subset_sum_distribution(size, pick)
    sums = [sum(subset) for subset in itertools.combinations(range(1, size + 1), pick)]
    counts = np.bincount(sums)
    assert values[0] == pick * (pick + 1) // 2
    assert law * math.comb(size, pick) == pytest.approx(counts[values[0] :], abs=1e-9)


def test_subset_sum_distribution_ssq_mean():
    values, law = baselines.subset_sum_distribution(33, 6)
    assert float((values * law).sum()) == pytest.approx(6 * 34 / 2, rel=1e-12)
    assert law.sum() == pytest.approx(1.0, abs=1e-12)
