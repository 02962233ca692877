"""Block bootstrap of per-draw series, shared by every interval of the evaluation.

Scores of consecutive draws can be serially dependent (a strategy's forecast changes slowly, so
its errors come in runs), so draws are resampled in blocks rather than one by one. The stationary
bootstrap (Politis and Romano) draws blocks of geometric length with mean ``block_length`` and
wraps around the end of the series. The moving block bootstrap draws blocks of fixed length.
Each replicate is stored as counts (how often each draw was picked), so the means of many
series are one matrix product.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

__all__ = [
    "BootstrapKind",
    "bootstrap_counts",
    "bootstrap_means",
    "default_block_length",
    "percentile_interval",
]

BootstrapKind = Literal["stationary", "moving"]


def default_block_length(n: int) -> int:
    """Return the default mean block length for ``n`` draws: ``ceil(n ** (1/3))``.

    The block length that is best for estimating the variance of a mean grows like ``n ** (1/3)``.
    The constant 1 suits series whose dependence fades within a few draws, as draw scores do.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return max(1, math.ceil(n ** (1 / 3)))


def bootstrap_counts(
    n: int,
    n_bootstrap: int,
    block_length: int,
    rng: np.random.Generator,
    kind: BootstrapKind = "stationary",
) -> np.ndarray:
    """Return a ``(n_bootstrap, n)`` array: how often each draw appears in each replicate.

    Parameters
    ----------
    n
        Length of the series.
    n_bootstrap
        Number of replicates.
    block_length
        Mean block length (stationary) or block length (moving).
    rng
        The random generator; the same generator state gives the same replicates.
    kind
        ``"stationary"`` (geometric block lengths, wrapping around) or ``"moving"``.
    """
    if n < 1 or n_bootstrap < 1 or block_length < 1:
        raise ValueError(
            f"n, n_bootstrap and block_length must be at least 1, got {n}, {n_bootstrap}, {block_length}"
        )
    indices = _bootstrap_indices(n, n_bootstrap, min(block_length, n), rng, kind)
    offsets = (np.arange(n_bootstrap, dtype=np.int64) * n)[:, None]
    flat = np.bincount((indices + offsets).ravel(), minlength=n_bootstrap * n)
    return flat.reshape(n_bootstrap, n)


def _bootstrap_indices(
    n: int, n_bootstrap: int, block_length: int, rng: np.random.Generator, kind: BootstrapKind
) -> np.ndarray:
    positions = np.arange(n, dtype=np.int64)
    if kind == "moving":
        n_blocks = -(-n // block_length)
        starts = rng.integers(0, n - block_length + 1, size=(n_bootstrap, n_blocks))
        indices = (starts[:, :, None] + np.arange(block_length)[None, None, :]).reshape(n_bootstrap, -1)
        return indices[:, :n]
    if kind != "stationary":
        raise ValueError(f"kind must be 'stationary' or 'moving', got {kind!r}")

    # A new block starts at each position with probability 1 / block_length, and always at 0.
    # Each position then reads start_of_its_block + (distance from the block start), wrapped.
    new_block = rng.random((n_bootstrap, n)) < 1.0 / block_length
    new_block[:, 0] = True
    starts = rng.integers(0, n, size=(n_bootstrap, n))
    block_begin = np.maximum.accumulate(np.where(new_block, positions, 0), axis=1)
    begin_value = np.take_along_axis(starts, block_begin, axis=1)
    return (begin_value + positions - block_begin) % n


def bootstrap_means(counts: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Return the replicate means of one series ``(n,)`` or several ``(n, m)``.

    The result has shape ``(n_bootstrap,)`` or ``(n_bootstrap, m)``.
    """
    values = np.asarray(values, dtype=np.float64)
    return counts @ values / counts.shape[1]


def percentile_interval(replicates: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Return the percentile interval of bootstrap replicates along the first axis."""
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(replicates, [tail, 1.0 - tail], axis=0)
    return low, high
