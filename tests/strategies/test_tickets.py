"""Tickets: validity, distinctness, seeding, inclusion frequencies and the top ticket."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from lotto_lab.errors import ConfigError
from lotto_lab.games import DLT, SSQ, GameSpec, Pool
from lotto_lab.strategies.base import scale_to_pick
from lotto_lab.strategies.tickets import (
    count_distinct_tickets,
    draw_tickets,
    format_ticket,
    tie_break_ranks,
    top_ticket,
    top_tickets,
)
from lotto_lab.strategies.uniform import uniform_probabilities

TINY = GameSpec(
    name="tiny",
    title_zh="小游戏",
    title_en="tiny",
    pools=(Pool("a", 4, 2, "甲", "a"), Pool("b", 3, 1, "乙", "b")),
    draw_weekdays=(0,),
    issue_display_digits=7,
    ticket_price=2,
)


def skewed(game: GameSpec, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {pool.name: scale_to_pick(rng.exponential(size=pool.size), pool.pick) for pool in game.pools}


@pytest.mark.parametrize("game", [SSQ, DLT])
def test_tickets_are_valid_and_distinct(game):
    tickets = draw_tickets(game, skewed(game), 50, seed=3)
    assert len(tickets) == 50
    for ticket in tickets:
        assert list(ticket) == list(game.pool_names)
        for pool in game.pools:
            numbers = ticket[pool.name]
            assert len(numbers) == pool.pick
            assert numbers == sorted(set(numbers))
            assert numbers[0] >= 1
            assert numbers[-1] <= pool.size
            assert all(isinstance(n, int) for n in numbers)
    keys = {tuple(tuple(t[name]) for name in game.pool_names) for t in tickets}
    assert len(keys) == 50


def test_tickets_repeat_with_seed():
    probabilities = skewed(SSQ)
    assert draw_tickets(SSQ, probabilities, 5, seed=9) == draw_tickets(SSQ, probabilities, 5, seed=9)
    assert draw_tickets(SSQ, probabilities, 5, seed=9) != draw_tickets(SSQ, probabilities, 5, seed=10)
    assert draw_tickets(SSQ, probabilities, 5, seed=(9, 2026001)) != draw_tickets(
        SSQ, probabilities, 5, seed=(9, 2026002)
    )


def test_every_distinct_ticket_of_tiny_game():
    tickets = draw_tickets(TINY, uniform_probabilities(TINY), 18, seed=1)
    assert count_distinct_tickets(TINY) == 18
    assert len({(tuple(t["a"]), tuple(t["b"])) for t in tickets}) == 18


def test_number_frequencies_match_inclusion_probabilities():
    probabilities = skewed(DLT, seed=4)
    n = 4000
    counts = {pool.name: np.zeros(pool.size) for pool in DLT.pools}
    # Distinctness is irrelevant here: DLT has 21 million tickets, so repeats are rare.
    for ticket in draw_tickets(DLT, probabilities, n, seed=5):
        for name, numbers in ticket.items():
            counts[name][np.array(numbers) - 1] += 1
    for pool in DLT.pools:
        p = probabilities[pool.name]
        standard_error = np.sqrt(p * (1 - p) / n)
        # 5 standard errors: a false alarm on any of the 47 numbers has chance below 1e-4.
        assert np.all(np.abs(counts[pool.name] / n - p) < 5 * standard_error)


def test_too_many_tickets_rejected():
    with pytest.raises(ConfigError) as caught:
        draw_tickets(TINY, uniform_probabilities(TINY), 19, seed=1)
    assert (
        str(caught.value) == "n_tickets must be an integer from 1 to 18 (the distinct TINY tickets), got 19"
    )
    assert caught.value.zh == "注数必须是 1 到 18 之间的整数 (小游戏 不同号码组合的总数), 收到 19"


@pytest.mark.parametrize("n_tickets", [0, -1, 2.0, True])
def test_invalid_ticket_count_rejected(n_tickets):
    with pytest.raises(ConfigError, match="n_tickets must be an integer from 1 to"):
        draw_tickets(SSQ, uniform_probabilities(SSQ), n_tickets, seed=1)


@pytest.mark.parametrize("seed", [-1, "7", 1.5, ()])
def test_invalid_seed_rejected(seed):
    with pytest.raises(ConfigError, match="seed must be a non-negative integer"):
        draw_tickets(SSQ, uniform_probabilities(SSQ), 1, seed=seed)


def test_concentrated_probabilities_stop_after_bounded_attempts():
    # Two numbers are all but certain, so almost every draw repeats the same ticket.
    concentrated = {"a": np.array([0.9999, 0.9999, 0.0001, 0.0001]), "b": np.array([0.9998, 0.0001, 0.0001])}
    with pytest.raises(ConfigError) as caught:
        draw_tickets(TINY, concentrated, 10, seed=2)
    assert "distinct tickets in 1500 attempts: the probabilities are too concentrated for 10 distinct" in str(
        caught.value
    )


def test_probabilities_breaking_contract_rejected():
    broken = {"red": np.full(33, 0.2), "blue": np.full(16, 1 / 16)}
    with pytest.raises(ValueError, match="must sum to the pick count 6"):
        draw_tickets(SSQ, broken, 1, seed=1)


def test_top_ticket_takes_most_probable_numbers():
    weights = np.ones(33)
    weights[[2, 4, 9, 19, 29, 32]] = 10
    blue = np.ones(16)
    blue[6] = 5
    probabilities = {"red": scale_to_pick(weights, 6), "blue": scale_to_pick(blue, 1)}
    assert top_ticket(SSQ, probabilities, seed=1) == {"red": [3, 5, 10, 20, 30, 33], "blue": [7]}


def test_top_ticket_breaks_ties_by_seeded_permutation():
    weights = np.ones(35)
    weights[:3] = 5  # 1, 2 and 3 are sure; two more of the 32 tied numbers complete the ticket
    probabilities = {"front": scale_to_pick(weights, 5), "back": np.full(12, 2 / 12)}
    first = top_ticket(DLT, probabilities, seed=(7, 26001))
    assert first == top_ticket(DLT, probabilities, seed=(7, 26001))
    assert first["front"][:3] == [1, 2, 3]
    others = {
        tuple(top_ticket(DLT, probabilities, seed=(7, issue))["front"][3:]) for issue in range(26001, 26021)
    }
    assert len(others) > 10


def test_uniform_top_tickets_are_uniformly_random():
    seeds = [(3, issue) for issue in range(2000)]
    ranks = tie_break_ranks(SSQ, seeds)
    uniform = {name: np.tile(p, (len(seeds), 1)) for name, p in uniform_probabilities(SSQ).items()}
    tickets = top_tickets(SSQ, uniform, ranks)
    blue_counts = np.bincount(tickets["blue"][:, 0], minlength=17)[1:]
    expected = len(seeds) / 16
    # Pearson chi-square with 15 degrees of freedom; 37.7 is its 0.999 quantile.
    assert ((blue_counts - expected) ** 2 / expected).sum() < 37.7
    red_counts = np.bincount(tickets["red"].ravel(), minlength=34)[1:]
    expected_red = len(seeds) * 6 / 33
    assert ((red_counts - expected_red) ** 2 / expected_red).sum() < 63.9  # 32 dof, 0.999 quantile


def test_top_ticket_matches_row_of_top_tickets():
    probabilities = skewed(SSQ, seed=8)
    rows = {name: np.tile(p, (3, 1)) for name, p in probabilities.items()}
    many = top_tickets(SSQ, rows, tie_break_ranks(SSQ, [(1, 5), (1, 6), (1, 7)]))
    assert top_ticket(SSQ, probabilities, seed=(1, 6)) == {name: list(many[name][1]) for name in many}


def test_format_ticket_pads_numbers():
    assert format_ticket(DLT, {"front": [1, 5, 12, 20, 33], "back": [3, 11]}) == "01 05 12 20 33 + 03 11"


def test_tickets_module_imports_only_numpy():
    code = (
        "import sys; import lotto_lab.strategies.tickets; "
        "print(sorted(m for m in ('pandas', 'scipy', 'torch', 'panel', 'pyarrow') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
