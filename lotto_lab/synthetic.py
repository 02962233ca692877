"""Synthetic draw histories: fair ones, and ones with a planted signal of known strength.

The workbench proves its worth on these. A fair history must yield no significant lift, and a
planted one must be detected. The lift a strategy recovers is compared with the best lift
possible, which :func:`optimal_lift_bits` computes exactly.

Planting works by forcing. With probability ``strength`` the signal number is put into the draw
and the rest of the pool's picks are drawn uniformly from the other numbers. Otherwise the whole
pool is drawn uniformly. Forcing keeps every inclusion probability in closed form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from lotto_lab.games import GameSpec, get_game
from lotto_lab.history import DrawHistory

__all__ = [
    "FollowNumber",
    "HotNumber",
    "fair_history",
    "optimal_lift_bits",
    "planted_history",
    "signal_probabilities",
]

_DRAWS_PER_YEAR = 150


@dataclass(frozen=True)
class HotNumber:
    """Number ``number`` of ``pool`` is forced into a draw with probability ``strength``."""

    pool: str
    number: int
    strength: float


@dataclass(frozen=True)
class FollowNumber:
    """After ``leader`` appears in ``pool``, ``follower`` is forced into the next draw with
    probability ``strength``."""

    pool: str
    leader: int
    follower: int
    strength: float


Signal = HotNumber | FollowNumber


def _calendar(game: GameSpec, n_draws: int, start: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Return issues and dates for ``n_draws`` draws on the game's weekdays, 150 draws a year."""
    issues = np.empty(n_draws, dtype=np.int64)
    dates = np.empty(n_draws, dtype="datetime64[D]")
    date = start
    year, number = start.year, 0
    for i in range(n_draws):
        while date.weekday() not in game.draw_weekdays:
            date += dt.timedelta(days=1)
        number += 1
        if number > _DRAWS_PER_YEAR:
            year, number = year + 1, 1
            date = max(date, dt.date(year, 1, 1))
            while date.weekday() not in game.draw_weekdays:
                date += dt.timedelta(days=1)
        issues[i] = year * 1000 + number
        dates[i] = np.datetime64(date, "D")
        date += dt.timedelta(days=1)
    return issues, dates


def _draw_uniform(rng: np.random.Generator, size: int, pick: int, exclude: int | None = None) -> np.ndarray:
    candidates = np.arange(1, size + 1)
    if exclude is not None:
        candidates = candidates[candidates != exclude]
    return rng.choice(candidates, size=pick, replace=False)


def fair_history(
    game: GameSpec | str, n_draws: int, *, seed: int = 0, start: dt.date = dt.date(2003, 2, 23)
) -> DrawHistory:
    """Return ``n_draws`` draws where every pool is drawn uniformly without replacement."""
    return planted_history(game, n_draws, signals=(), seed=seed, start=start)


def planted_history(
    game: GameSpec | str,
    n_draws: int,
    *,
    signals: tuple[Signal, ...],
    seed: int = 0,
    start: dt.date = dt.date(2003, 2, 23),
) -> DrawHistory:
    """Return ``n_draws`` draws with the given signals planted (at most one signal per pool)."""
    spec = get_game(game)
    by_pool = _signals_by_pool(spec, signals)
    rng = np.random.default_rng(seed)
    issues, dates = _calendar(spec, n_draws, start)

    numbers = {}
    for pool in spec.pools:
        signal = by_pool.get(pool.name)
        drawn = np.empty((n_draws, pool.pick), dtype=np.int16)
        previous: np.ndarray | None = None
        for i in range(n_draws):
            forced = _forced_number(signal, previous, rng)
            if forced is None:
                row = _draw_uniform(rng, pool.size, pool.pick)
            else:
                rest = _draw_uniform(rng, pool.size, pool.pick - 1, exclude=forced)
                row = np.append(rest, forced)
            drawn[i] = np.sort(row)
            previous = drawn[i]
        numbers[pool.name] = drawn
    return DrawHistory(game=spec, issues=issues, dates=dates, numbers=numbers)


def _signals_by_pool(spec: GameSpec, signals: tuple[Signal, ...]) -> dict[str, Signal]:
    by_pool: dict[str, Signal] = {}
    for signal in signals:
        pool = spec.pool(signal.pool)
        if signal.pool in by_pool:
            raise ValueError(f"at most one signal per pool; pool {signal.pool!r} has two")
        if not 0 <= signal.strength <= 1:
            raise ValueError(f"signal strength must lie in [0, 1], got {signal.strength}")
        numbers = (signal.number,) if isinstance(signal, HotNumber) else (signal.leader, signal.follower)
        for number in numbers:
            if not 1 <= number <= pool.size:
                raise ValueError(f"number {number} is outside pool {pool.name!r} (1..{pool.size})")
        if isinstance(signal, FollowNumber) and signal.leader == signal.follower:
            raise ValueError("a follow signal needs two different numbers")
        by_pool[signal.pool] = signal
    return by_pool


def _forced_number(
    signal: Signal | None, previous: np.ndarray | None, rng: np.random.Generator
) -> int | None:
    if signal is None:
        return None
    if isinstance(signal, FollowNumber) and (previous is None or signal.leader not in previous):
        return None
    if rng.random() < signal.strength:
        return signal.number if isinstance(signal, HotNumber) else signal.follower
    return None


def signal_probabilities(game: GameSpec | str, signal: Signal, leader_drawn: bool = False) -> np.ndarray:
    """Return the exact next-draw inclusion probabilities of ``signal``'s pool.

    For a :class:`FollowNumber` signal, ``leader_drawn`` tells whether the leader appeared in the
    previous draw. When it did not, the draw is uniform.
    """
    spec = get_game(game)
    pool = spec.pool(signal.pool)
    n, k, q = pool.size, pool.pick, signal.strength
    p = np.full(n, k / n)
    if isinstance(signal, FollowNumber) and not leader_drawn:
        return p
    target = signal.number if isinstance(signal, HotNumber) else signal.follower
    p_target = q + (1 - q) * k / n
    p[:] = (k - p_target) / (n - 1)
    p[target - 1] = p_target
    return p


def _bernoulli_kl_bits(p: np.ndarray, r: float) -> float:
    return float(np.sum(p * np.log2(p / r) + (1 - p) * np.log2((1 - p) / (1 - r))))


def optimal_lift_bits(game: GameSpec | str, signal: Signal) -> float:
    """Return the expected log-loss lift over uniform, in bits per draw, of the true probabilities.

    This is the most any strategy can gain on average: the Kullback-Leibler divergence, summed
    over the pool's numbers, between the true inclusion law and the uniform one. For a follow
    signal it is weighted by the stationary chance that the leader appeared in the last draw.
    """
    spec = get_game(game)
    pool = spec.pool(signal.pool)
    uniform = pool.pick / pool.size
    conditional = _bernoulli_kl_bits(signal_probabilities(spec, signal, leader_drawn=True), uniform)
    if isinstance(signal, HotNumber):
        return conditional
    # The leader's own chance depends on whether it was drawn last time (forcing the follower
    # leaves one fewer place for it), so take the stationary chance of that two-state chain.
    n, k, q = pool.size, pool.pick, signal.strength
    stay = q * (k - 1) / (n - 1) + (1 - q) * k / n  # P(leader | leader drawn last time)
    enter = k / n  # P(leader | not drawn last time)
    stationary = enter / (1 - stay + enter)
    return stationary * conditional
