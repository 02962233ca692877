"""Tickets drawn from a strategy's inclusion probabilities, and the top ticket a backtest scores.

This module imports only NumPy and the standard-library parts of lotto_lab, because the
``lotto-lab predict`` command uses it and must start fast.

:func:`draw_tickets` samples each pool by randomised systematic sampling: the numbers are put in
a random order, laid end to end on ``[0, pick)`` as intervals of length ``p_j``, and the numbers
whose intervals contain ``u, u + 1, ..., u + pick - 1`` (``u`` uniform on ``[0, 1)``) are chosen.
Each number then appears with exactly its inclusion probability ``p_j``, and since every
``p_j < 1`` no number is chosen twice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from lotto_lab.config import DEFAULT_SEED
from lotto_lab.errors import ConfigError
from lotto_lab.games import GameSpec, get_game
from lotto_lab.strategies.base import check_probabilities

__all__ = [
    "MAX_ATTEMPTS_PER_TICKET",
    "count_distinct_tickets",
    "draw_tickets",
    "format_ticket",
    "tie_break_ranks",
    "top_ticket",
    "top_tickets",
]

Seed = int | Sequence[int]

# draw_tickets gives up after this many draws per requested ticket (plus a fixed allowance) when
# the probabilities are so concentrated that new distinct tickets keep failing to appear.
MAX_ATTEMPTS_PER_TICKET = 50
_EXTRA_ATTEMPTS = 1000


def count_distinct_tickets(game: GameSpec | str) -> int:
    """Return how many different tickets the game allows: the product of ``C(size, pick)`` over pools."""
    spec = get_game(game)
    return math.prod(math.comb(pool.size, pool.pick) for pool in spec.pools)


def draw_tickets(
    game: GameSpec | str,
    probabilities: Mapping[str, np.ndarray],
    n_tickets: int,
    seed: Seed = DEFAULT_SEED,
) -> list[dict[str, list[int]]]:
    """Draw ``n_tickets`` distinct tickets whose numbers follow ``probabilities``.

    Parameters
    ----------
    game
        Game spec or name.
    probabilities
        Per pool, a ``(size,)`` array of inclusion probabilities obeying the strategy contract.
    n_tickets
        Number of tickets, from 1 to :func:`count_distinct_tickets`.
    seed
        Seed of the random generator (a non-negative integer or a sequence of them).

    Returns
    -------
    list of dict
        One ``{pool: [numbers ascending]}`` per ticket, in the order drawn.

    Raises
    ------
    ConfigError
        When ``n_tickets`` or ``seed`` is invalid, or when the probabilities are too concentrated to
        yield ``n_tickets`` distinct tickets within the allowed attempts.
    ValueError
        When ``probabilities`` breaks the strategy contract.
    """
    spec = get_game(game)
    _check_ticket_count(spec, n_tickets)
    _check_seed(seed)
    check_probabilities(spec, probabilities)

    rng = np.random.default_rng(seed)
    rows = {pool.name: np.asarray(probabilities[pool.name], dtype=np.float64) for pool in spec.pools}
    seen: set[tuple[tuple[int, ...], ...]] = set()
    tickets: list[dict[str, list[int]]] = []
    max_attempts = MAX_ATTEMPTS_PER_TICKET * n_tickets + _EXTRA_ATTEMPTS
    attempts = 0
    while len(tickets) < n_tickets and attempts < max_attempts:
        attempts += 1
        ticket = {pool.name: _systematic_sample(rng, rows[pool.name], pool.pick) for pool in spec.pools}
        key = tuple(tuple(numbers) for numbers in ticket.values())
        if key not in seen:
            seen.add(key)
            tickets.append(ticket)

    if len(tickets) < n_tickets:
        raise ConfigError(
            f"drew only {len(tickets)} distinct tickets in {attempts} attempts: the probabilities are "
            f"too concentrated for {n_tickets} distinct tickets; request fewer tickets",
            zh=f"尝试 {attempts} 次只得到 {len(tickets)} 注不同的号码: 概率过于集中, "
            f"无法生成 {n_tickets} 注不同的号码; 请减少注数",
        )
    return tickets


def _check_ticket_count(spec: GameSpec, n_tickets: object) -> None:
    limit = count_distinct_tickets(spec)
    if (
        isinstance(n_tickets, bool)
        or not isinstance(n_tickets, int | np.integer)
        or not 1 <= n_tickets <= limit
    ):
        raise ConfigError(
            f"n_tickets must be an integer from 1 to {limit} (the distinct {spec.name.upper()} tickets), "
            f"got {n_tickets!r}",
            zh=f"注数必须是 1 到 {limit} 之间的整数 ({spec.title_zh} 不同号码组合的总数), 收到 {n_tickets!r}",
        )


def _check_seed(seed: object) -> None:
    values = seed if isinstance(seed, Sequence) and not isinstance(seed, str) else [seed]
    if not values or not all(
        isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= 0 for value in values
    ):
        raise ConfigError(
            f"seed must be a non-negative integer (or a sequence of them), got {seed!r}",
            zh=f"随机种子必须是非负整数 (或非负整数序列), 收到 {seed!r}",
        )


def _systematic_sample(rng: np.random.Generator, probabilities: np.ndarray, pick: int) -> list[int]:
    order = rng.permutation(len(probabilities))
    edges = np.cumsum(probabilities[order])
    edges *= pick / edges[-1]
    edges[-1] = pick  # so that the last threshold, below pick, always falls inside the last interval
    chosen = order[np.searchsorted(edges, rng.random() + np.arange(pick), side="right")]
    return sorted(int(index) + 1 for index in chosen)


def tie_break_ranks(game: GameSpec | str, seeds: Sequence[Seed]) -> dict[str, np.ndarray]:
    """Return, per pool, an ``(len(seeds), size)`` array of random ranks used to break ties.

    Row ``i`` comes from ``numpy.random.default_rng(seeds[i])``, one permutation of ``0..size-1``
    per pool in the game's pool order. Among numbers of equal probability the lower rank wins.
    """
    spec = get_game(game)
    ranks = {pool.name: np.empty((len(seeds), pool.size), dtype=np.int64) for pool in spec.pools}
    for i, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        for pool in spec.pools:
            ranks[pool.name][i] = rng.permutation(pool.size)
    return ranks


def top_tickets(
    game: GameSpec | str, probabilities: Mapping[str, np.ndarray], ranks: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Return, per pool, an ``(n, pick)`` array: the ``pick`` most probable numbers of each row, ascending.

    ``probabilities`` and ``ranks`` (from :func:`tie_break_ranks`) hold ``(n, size)`` arrays per
    pool. Ties in probability go to the lower rank.
    """
    spec = get_game(game)
    out = {}
    for pool in spec.pools:
        p = np.asarray(probabilities[pool.name], dtype=np.float64)
        # lexsort sorts by its last key first: highest probability, then lowest rank.
        order = np.lexsort((ranks[pool.name], -p), axis=-1)
        out[pool.name] = np.sort(order[:, : pool.pick] + 1, axis=-1)
    return out


def top_ticket(
    game: GameSpec | str, probabilities: Mapping[str, np.ndarray], seed: Seed = DEFAULT_SEED
) -> dict[str, list[int]]:
    """Return the ticket of the ``pick`` most probable numbers per pool, ties broken by a seeded permutation.

    With uniform probabilities every number ties, so the result is a uniformly random ticket.
    """
    spec = get_game(game)
    _check_seed(seed)
    rows = {pool.name: np.asarray(probabilities[pool.name], dtype=np.float64)[None, :] for pool in spec.pools}
    best = top_tickets(spec, rows, tie_break_ranks(spec, [seed]))
    return {name: [int(number) for number in numbers[0]] for name, numbers in best.items()}


def format_ticket(game: GameSpec | str, ticket: Mapping[str, Sequence[int]]) -> str:
    """Return a ticket as text, two digits a number and `` + `` between pools: ``03 07 12 19 25 31 + 09``."""
    spec = get_game(game)
    return " + ".join(" ".join(f"{int(n):02d}" for n in ticket[pool.name]) for pool in spec.pools)
