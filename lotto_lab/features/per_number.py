"""Per-number features: frequency over windows, omission (遗漏) and the hot/cold class.

Every value in the row of draw ``t`` (a position in the history) is computed from draws ``0 .. t-1``
only, so it is known before draw ``t`` takes place and may be used to predict it.

Definitions, for one number of one pool:

``freq_<w>``
    How often the number was drawn in the last ``w`` draws before ``t``. While fewer than ``w``
    earlier draws exist (``t < w``), the count covers the ``t`` draws there are.
``freq_all``
    How often the number was drawn in all ``t`` earlier draws.
``omission``
    Draws since the number was last drawn: 0 when it was drawn in draw ``t-1``. A number never
    drawn before ``t`` gets ``t``, a lower bound, because the history may start after the game did.
``max_omission``
    The maximum omission reached in draws ``0 .. t-1``, the current one included, so it is never
    below ``omission``.
``hot_cold_z`` and ``hot_cold``
    Over the last ``m = min(t, window)`` draws, a fair draw puts the number in each draw with
    probability ``p = pick / size``, so its count is Binomial(m, p). ``hot_cold_z`` is the count's
    distance from the mean ``m p`` in standard deviations ``sqrt(m p (1 - p))`` (0 when ``m = 0``).
    The number is ``"hot"`` when ``hot_cold_z >= threshold``, ``"cold"`` when
    ``hot_cold_z <= -threshold`` and ``"neutral"`` otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from lotto_lab.errors import ConfigError
from lotto_lab.features._checks import (
    check_history,
    check_pool,
    check_positive_ints,
    check_threshold,
    check_window,
)
from lotto_lab.games import Pool
from lotto_lab.history import DrawHistory

__all__ = [
    "DEFAULT_WINDOWS",
    "HOT_COLD_LABELS",
    "hot_cold_codes",
    "hot_cold_scores",
    "number_state",
    "per_number_features",
]

log = logging.getLogger(__name__)

DEFAULT_WINDOWS: tuple[int, ...] = (10, 30, 100)

# Categories of the ``hot_cold`` column, from the lowest score to the highest.
HOT_COLD_LABELS: tuple[str, ...] = ("cold", "neutral", "hot")


def number_state(indicators: np.ndarray, windows: Sequence[int]) -> dict[str, np.ndarray]:
    """Compute the frequency and omission arrays of every number before each draw.

    Parameters
    ----------
    indicators
        ``(n_draws, size)`` 0/1 array, as :meth:`DrawHistory.indicators` returns.
    windows
        Window lengths in draws, already checked.

    Returns
    -------
    dict
        ``freq_<w>`` per window, ``freq_all``, ``omission`` and ``max_omission``, each an int64
        array of shape ``(n_draws + 1, size)``. Row ``t`` is computed from draws ``0 .. t-1``, so
        row 0 describes an empty past and row ``n_draws`` the state before the next, undrawn draw.
    """
    n_draws, size = indicators.shape
    rows = np.arange(n_draws + 1)

    # counts[t] = draws of each number among draws 0 .. t-1, so a window is a difference of two rows.
    counts = np.zeros((n_draws + 1, size), dtype=np.int64)
    np.cumsum(indicators, axis=0, out=counts[1:])
    state = {f"freq_{window}": counts - counts[np.maximum(rows - window, 0)] for window in windows}
    state["freq_all"] = counts

    # After draw r, the omission is r minus the last position the number was drawn at (-1 for
    # never), and the running maximum of that sequence is the maximum omission so far.
    positions = np.arange(n_draws)[:, None]
    last_drawn = np.maximum.accumulate(np.where(indicators > 0, positions, -1), axis=0)
    omission = np.zeros((n_draws + 1, size), dtype=np.int64)
    omission[1:] = positions - last_drawn
    state["omission"] = omission
    state["max_omission"] = np.maximum.accumulate(omission, axis=0)
    return state


def hot_cold_scores(counts: np.ndarray, draws: np.ndarray, pool: Pool) -> np.ndarray:
    """Return the z-scores of ``counts`` against a fair draw's Binomial(draws, pick / size).

    ``counts`` is ``(rows, size)`` and ``draws`` gives the draws each row's counts cover
    (``(rows,)``). Rows over zero draws, and pools that draw every number, score 0.
    """
    p = pool.pick / pool.size
    draws = np.asarray(draws, dtype=np.float64)[:, None]
    spread = np.sqrt(draws * p * (1 - p))
    z = np.zeros(counts.shape, dtype=np.float64)
    np.divide(counts - draws * p, spread, out=z, where=np.broadcast_to(spread > 0, counts.shape))
    return z


def hot_cold_codes(z: np.ndarray, threshold: float) -> np.ndarray:
    """Classify z-scores as positions in :data:`HOT_COLD_LABELS`: 0 cold, 1 neutral, 2 hot."""
    return np.where(z >= threshold, 2, np.where(z <= -threshold, 0, 1)).astype(np.int8)


def _hot_cold_labels(z: np.ndarray, threshold: float) -> pd.Categorical:
    return pd.Categorical.from_codes(hot_cold_codes(z, threshold).ravel(), categories=list(HOT_COLD_LABELS))


def per_number_features(
    history: DrawHistory,
    pool: str,
    windows: Sequence[int] = DEFAULT_WINDOWS,
    *,
    hot_cold_window: int | None = None,
    hot_cold_threshold: float = 1.0,
    include_next: bool = False,
) -> pd.DataFrame:
    """Build the per-number features of one pool, one row per (draw, number).

    Parameters
    ----------
    history
        The draws, in issue order.
    pool
        Pool name, for example ``"red"`` or ``"blue"`` for SSQ.
    windows
        Frequency windows in draws; each gives a ``freq_<w>`` column.
    hot_cold_window
        Draws the hot/cold class looks back over. Default: the longest of ``windows``, or all
        earlier draws when ``windows`` is empty.
    hot_cold_threshold
        z-score at or beyond which a number is hot (positive) or cold (negative).
    include_next
        Also return the rows of the draw after the last one (its issue from
        :meth:`GameSpec.next_issue`), whose features use the whole history.

    Returns
    -------
    pandas.DataFrame
        Columns ``issue``, ``pool``, ``number``, ``freq_<w>`` per window, ``freq_all``,
        ``omission``, ``max_omission``, ``hot_cold_z`` and ``hot_cold`` (categories ``cold``,
        ``neutral``, ``hot``), sorted by issue then number. Every feature of a row comes from
        the draws before its issue; the module docstring defines each one.

    Raises
    ------
    ConfigError
        When ``history`` is not a DrawHistory, ``pool`` is not a pool of its game, a window is
        below 1 or repeated, ``hot_cold_threshold`` is not above 0, or ``include_next`` is set
        on an empty history.
    """
    history = check_history(history)
    spec = check_pool(history.game, pool)
    windows = check_positive_ints("windows", windows, "windows=(10, 30, 100)")
    if hot_cold_window is not None:
        hot_cold_window = check_window("hot_cold_window", hot_cold_window)
    elif windows:
        hot_cold_window = max(windows)
    threshold = check_threshold("hot_cold_threshold", hot_cold_threshold)
    issues = _row_issues(history, include_next)

    state = number_state(history.indicators(pool), windows)
    rows = np.arange(len(history) + 1)
    if hot_cold_window is None:
        z = hot_cold_scores(state["freq_all"], rows, spec)
    else:
        counts = state["freq_all"] - state["freq_all"][np.maximum(rows - hot_cold_window, 0)]
        z = hot_cold_scores(counts, np.minimum(rows, hot_cold_window), spec)

    n_rows = len(issues)
    columns: dict[str, object] = {
        "issue": np.repeat(issues, spec.size),
        "pool": pool,
        "number": np.tile(np.arange(1, spec.size + 1, dtype=np.int64), n_rows),
    }
    for name, values in state.items():
        columns[name] = values[:n_rows].ravel()
    columns["hot_cold_z"] = z[:n_rows].ravel()
    columns["hot_cold"] = _hot_cold_labels(z[:n_rows], threshold)
    log.debug("per-number features of %s %s: %d draws, windows %s", history.game.name, pool, n_rows, windows)
    return pd.DataFrame(columns)


def _row_issues(history: DrawHistory, include_next: bool) -> np.ndarray:
    """Return the issues of the feature rows, with the next draw's issue appended on request."""
    issues = history.issues.astype(np.int64)
    if not include_next:
        return issues
    if len(history) == 0:
        raise ConfigError(
            "include_next needs at least one draw to tell the next issue, got an empty history",
            zh="include_next 需要至少一期开奖才能推出下一期期号, 但历史数据为空",
        )
    last_date = history.dates[-1].astype("datetime64[D]").item()
    next_issue, _ = history.game.next_issue(history.last_issue, last_date)
    return np.append(issues, np.int64(next_issue))
