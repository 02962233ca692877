"""Per-draw and per-number features, computed only from earlier draws.

* :func:`per_number_features`: frequency over windows, omission (遗漏) and the hot/cold class of
  each number of one pool, one row per (draw, number). The row of draw ``t`` uses draws before
  ``t`` only.
* :func:`per_draw_features`: one row per draw with the draw's own descriptive statistics
  (``<pool>_<statistic>``: odd and big counts, sum, span, zone counts, consecutive pairs,
  repeats, AC value) and their lagged, predictive copies (``lag<L>_<pool>_<statistic>``).
* :func:`feature_matrix` and :func:`feature_names`: a float64 model-input matrix with
  ``len(history) + 1`` rows, row ``t`` built from draws ``0 .. t-1``, and fixed column names.
* :mod:`lotto_lab.features.plots`: a data function and a Plotly figure function per family,
  each with the fair-draw baseline beside the observed values.
"""

from lotto_lab.features.fair_draws import statistic_pmf
from lotto_lab.features.matrix import feature_matrix, feature_names
from lotto_lab.features.per_draw import (
    ac_values,
    descriptive_columns,
    draw_statistics,
    per_draw_features,
    statistic_names,
    zone_bounds,
)
from lotto_lab.features.per_number import DEFAULT_WINDOWS, HOT_COLD_LABELS, per_number_features

__all__ = [
    "DEFAULT_WINDOWS",
    "HOT_COLD_LABELS",
    "ac_values",
    "descriptive_columns",
    "draw_statistics",
    "feature_matrix",
    "feature_names",
    "per_draw_features",
    "per_number_features",
    "statistic_names",
    "statistic_pmf",
    "zone_bounds",
]
