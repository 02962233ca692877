"""The feature matrix: per-draw model inputs with a fixed shape and fixed column names.

Layout contract (the LSTM reads these columns as optional extra inputs):

* The matrix of a history of ``n`` draws has ``n + 1`` rows. Row ``t`` is computed from draws
  ``0 .. t-1`` only: it is what is known just before draw ``t``. Row 0 describes an empty past
  (all zeros) and row ``n`` is the input for predicting the draw after the history's last one.
  So the input for target position ``target`` is row ``target``, and the row after the draws up
  to a fold's cutoff is row ``cutoff + 1``. Changing draw ``t`` changes no row ``<= t``, and the
  rows ``0 .. c + 1`` of ``history.upto(c)`` equal those of the full history.
* Columns, in this order, with ``NN`` the number zero-padded to the width of the pool size:

  1. For each pool, each per-number feature in the order ``freq_<w>`` (per window, in the
     order given), ``freq_all``, ``omission``, ``max_omission``, and within each feature every
     number from 1 up: ``<pool>_nNN_<feature>`` (``red_n07_freq_10``). Definitions:
     :mod:`lotto_lab.features.per_number`.
  2. For each pool, each statistic of the previous draw in the order of
     :func:`~lotto_lab.features.per_draw.statistic_names`: ``lag1_<pool>_<statistic>``
     (``lag1_red_sum``). Definitions: :mod:`lotto_lab.features.per_draw`. A value that does
     not exist yet (any of them in row 0, ``repeats`` in row 1) is 0.

* Values are raw counts and sums in float64, not scaled. NOTE: a model that standardises these
  columns must take the means and spreads from its training rows only, or the scaling leaks
  later draws into earlier rows.

:func:`feature_names` returns the column names without computing anything.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from lotto_lab.features._checks import check_history, check_n_zones, check_positive_ints
from lotto_lab.features.per_draw import game_statistics, statistic_names
from lotto_lab.features.per_number import DEFAULT_WINDOWS, number_state
from lotto_lab.games import GameSpec, get_game
from lotto_lab.history import DrawHistory

__all__ = ["feature_matrix", "feature_names"]

log = logging.getLogger(__name__)


def _number_feature_names(windows: Sequence[int]) -> list[str]:
    return [*(f"freq_{window}" for window in windows), "freq_all", "omission", "max_omission"]


def feature_names(
    game: GameSpec | str,
    windows: Sequence[int] = DEFAULT_WINDOWS,
    *,
    n_zones: int = 3,
    per_number: bool = True,
) -> list[str]:
    """Return the column names of :func:`feature_matrix` for ``game``, in column order.

    The arguments mean the same as in :func:`feature_matrix`.
    """
    spec = get_game(game)
    windows = check_positive_ints("windows", windows, "windows=(10, 30, 100)")
    n_zones = check_n_zones(spec, n_zones)

    names: list[str] = []
    if per_number:
        for pool in spec.pools:
            width = max(2, len(str(pool.size)))
            for feature in _number_feature_names(windows):
                names += [f"{pool.name}_n{number:0{width}d}_{feature}" for number in pool.numbers]
    for pool in spec.pools:
        names += [f"lag1_{pool.name}_{name}" for name in statistic_names(pool, n_zones)]
    return names


def feature_matrix(
    history: DrawHistory,
    windows: Sequence[int] = DEFAULT_WINDOWS,
    *,
    n_zones: int = 3,
    per_number: bool = True,
) -> tuple[np.ndarray, list[str]]:
    """Build the ``(len(history) + 1, n_features)`` input matrix and its column names.

    Parameters
    ----------
    history
        The draws, in issue order.
    windows
        Frequency windows in draws for the per-number block.
    n_zones
        Number of zones each pool is cut into for the ``zone_<i>`` statistics.
    per_number
        Include the per-number block; without it only the ``lag1_`` statistics remain.

    Returns
    -------
    tuple of numpy.ndarray and list of str
        The float64 matrix and its column names. The module docstring states which draws each
        row is computed from and the column order.

    Raises
    ------
    ConfigError
        When ``history`` is not a DrawHistory, a window is below 1 or repeated, or ``n_zones``
        does not fit every pool.
    """
    history = check_history(history)
    windows = check_positive_ints("windows", windows, "windows=(10, 30, 100)")
    n_zones = check_n_zones(history.game, n_zones)
    names = feature_names(history.game, windows, n_zones=n_zones, per_number=per_number)

    n_rows = len(history) + 1
    matrix = np.empty((n_rows, len(names)), dtype=np.float64)
    column = 0
    if per_number:
        for pool in history.game.pools:
            state = number_state(history.indicators(pool.name), windows)
            for feature in _number_feature_names(windows):
                matrix[:, column : column + pool.size] = state[feature]
                column += pool.size

    # Row t contains the statistics of draw t - 1, so the statistics shift down one row.
    for values in game_statistics(history, n_zones).values():
        matrix[0, column] = 0.0
        matrix[1:, column] = np.nan_to_num(values, nan=0.0)
        column += 1

    log.debug("feature matrix of %s: %d rows, %d columns", history.game.name, n_rows, len(names))
    return matrix, names
