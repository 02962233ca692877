"""Calibration: when a strategy forecasts 20 %, is the number drawn about 20 % of the time?

:func:`reliability_table` bins every (draw, number) forecast of a strategy in one pool by its
probability and compares, per bin, the mean forecast with the share of those numbers that were
drawn. A calibrated strategy sits on the diagonal. Bins are quantiles of the forecasts, because
inclusion probabilities crowd around ``pick / size`` and fixed-width bins would leave most of them
empty. Where a strategy forecasts at most ``n_bins`` distinct values, each value gets its own
bin, so the uniform strategy gets one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["CALIBRATION_COLUMNS", "reliability_table"]

CALIBRATION_COLUMNS = [
    "strategy",
    "pool",
    "bin",
    "p_low",
    "p_high",
    "mean_predicted",
    "observed",
    "ci_low",
    "ci_high",
    "count",
]


def reliability_table(
    probabilities: Mapping[str, Mapping[str, np.ndarray]],
    outcomes: Mapping[str, np.ndarray],
    *,
    n_bins: int = 10,
    level: float = 0.95,
) -> pd.DataFrame:
    """Return the reliability table of every strategy and pool.

    Parameters
    ----------
    probabilities
        ``{strategy: {pool: (n_targets, size)}}`` forecasts.
    outcomes
        ``{pool: (n_targets, size)}`` 0/1 arrays of the numbers drawn, rows aligned with the
        forecasts.
    n_bins
        Number of quantile bins; fewer remain where forecasts repeat.
    level
        Coverage of the Clopper-Pearson interval of each bin's observed share.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CALIBRATION_COLUMNS`. NOTE: the interval treats the numbers of one draw as
        independent, but a draw takes exactly ``pick`` of them, so the intervals are
        approximate.
    """
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, got {n_bins}")
    frames = []
    for strategy, by_pool in probabilities.items():
        for pool, forecast in by_pool.items():
            p = np.asarray(forecast, dtype=np.float64).ravel()
            y = np.asarray(outcomes[pool], dtype=np.float64).ravel()
            if p.shape != y.shape:
                raise ValueError(
                    f"{strategy}/{pool}: forecasts have {p.size} values but outcomes have {y.size}"
                )
            frame = _bin_one(p, y, n_bins, level)
            frame.insert(0, "pool", pool)
            frame.insert(0, "strategy", strategy)
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=CALIBRATION_COLUMNS)
    return pd.concat(frames, ignore_index=True)[CALIBRATION_COLUMNS]


def _bin_one(p: np.ndarray, y: np.ndarray, n_bins: int, level: float) -> pd.DataFrame:
    distinct = np.unique(p)
    edges = np.unique(np.quantile(p, np.linspace(0.0, 1.0, n_bins + 1)))
    if distinct.size <= n_bins:
        # Few distinct forecasts (uniform, or an oracle with one hot number): one bin each.
        bins = np.searchsorted(distinct, p)
    elif edges.size == 1:
        bins = np.zeros(p.size, dtype=np.int64)
    else:
        # Interior edges only, so the lowest and highest forecasts fall in the end bins.
        bins = np.searchsorted(edges[1:-1], p, side="right")
    n_used = int(bins.max()) + 1
    count = np.bincount(bins, minlength=n_used)
    drawn = np.bincount(bins, weights=y, minlength=n_used)
    predicted = np.bincount(bins, weights=p, minlength=n_used)
    low = np.full(n_used, np.inf)
    high = np.full(n_used, -np.inf)
    np.minimum.at(low, bins, p)
    np.maximum.at(high, bins, p)
    keep = count > 0
    count, drawn, predicted, low, high = count[keep], drawn[keep], predicted[keep], low[keep], high[keep]

    tail = (1.0 - level) / 2.0
    successes = np.rint(drawn)
    ci_low = np.where(successes > 0, stats.beta.ppf(tail, successes, count - successes + 1), 0.0)
    ci_high = np.where(successes < count, stats.beta.ppf(1 - tail, successes + 1, count - successes), 1.0)
    return pd.DataFrame(
        {
            "bin": np.arange(count.size),
            "p_low": low,
            "p_high": high,
            "mean_predicted": predicted / count,
            "observed": drawn / count,
            "ci_low": ci_low,
            "ci_high": ci_high,
            "count": count,
        }
    )
