"""Figures of the evaluation and the audit, each in two parts: the plotted data, then the figure.

The ``*_plot_data`` functions return plain DataFrames (tested on their own); the ``*_figure``
functions turn them into Plotly figures with labels in Chinese or English. Every figure shows its
random baseline: the diagonal of a reliability plot, zero lift, the expected count of a number.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lotto_lab.i18n import text

if TYPE_CHECKING:
    from lotto_lab.evaluation.audit import AuditResult
    from lotto_lab.evaluation.summary import Evaluation
    from lotto_lab.history import DrawHistory

__all__ = [
    "audit_figure",
    "audit_plot_data",
    "calibration_figure",
    "calibration_plot_data",
    "frequency_figure",
    "frequency_plot_data",
    "lift_figure",
    "lift_plot_data",
]

_Z95 = 1.959963984540054


def calibration_plot_data(calibration: pd.DataFrame, pool: str) -> pd.DataFrame:
    """Return the reliability points of every strategy in ``pool``: ``strategy, mean_predicted,
    observed, ci_low, ci_high, count``."""
    rows = calibration[calibration["pool"] == pool]
    columns = ["strategy", "mean_predicted", "observed", "ci_low", "ci_high", "count"]
    return rows[columns].reset_index(drop=True)


def calibration_figure(data: pd.DataFrame, language: str = "zh") -> go.Figure:
    """Return the reliability plot: observed share against mean forecast, with the diagonal."""
    figure = go.Figure()
    for strategy, rows in data.groupby("strategy", sort=False):
        figure.add_trace(
            go.Scatter(
                x=rows["mean_predicted"],
                y=rows["observed"],
                mode="lines+markers",
                name=str(strategy),
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": rows["ci_high"] - rows["observed"],
                    "arrayminus": rows["observed"] - rows["ci_low"],
                },
            )
        )
    if not data.empty:
        low = float(min(data["mean_predicted"].min(), data["ci_low"].min()))
        high = float(max(data["mean_predicted"].max(), data["ci_high"].max()))
        figure.add_trace(
            go.Scatter(
                x=[low, high],
                y=[low, high],
                mode="lines",
                line={"dash": "dash", "color": "grey"},
                name=text("plot.calibrated", language),
            )
        )
    figure.update_layout(
        title=text("plot.calibration_title", language),
        xaxis_title=text("plot.mean_forecast", language),
        yaxis_title=text("plot.observed_share", language),
    )
    return figure


def lift_plot_data(evaluation: Evaluation, pool: str = "all") -> pd.DataFrame:
    """Return each strategy's log-loss lift in ``pool`` with its interval and corrected p-value."""
    rows = evaluation.rows("log_loss_lift", pool)
    return rows[["strategy", "value", "ci_low", "ci_high", "p_value", "p_holm", "n"]].copy()


def lift_figure(data: pd.DataFrame, language: str = "zh") -> go.Figure:
    """Return a bar chart of lift per strategy with 95 % intervals and the zero line of uniform."""
    labels = [
        f"p_holm = {p:.3f}" if isinstance(p, float) and math.isfinite(p) else "" for p in data["p_holm"]
    ]
    figure = go.Figure(
        go.Bar(
            x=data["strategy"],
            y=data["value"],
            text=labels,
            error_y={
                "type": "data",
                "symmetric": False,
                "array": data["ci_high"] - data["value"],
                "arrayminus": data["value"] - data["ci_low"],
            },
        )
    )
    figure.add_hline(
        y=0.0, line_dash="dash", line_color="grey", annotation_text=text("plot.uniform", language)
    )
    figure.update_layout(
        title=text("plot.lift_title", language),
        xaxis_title=text("plot.strategy", language),
        yaxis_title=text("plot.lift_axis", language),
    )
    return figure


def audit_plot_data(audit: AuditResult) -> pd.DataFrame:
    """Return one row per audit test with ``-log10(p)`` for plotting; untested rows are dropped."""
    tests = audit.tests[audit.tests["p_value"].notna()].copy()
    tests["minus_log10_p"] = -np.log10(tests["p_value"].clip(lower=1e-300))
    tests["where"] = tests["pool"] + " / " + tests["era"]
    return tests[
        ["test", "pool", "era", "where", "p_value", "p_bh", "significant", "minus_log10_p"]
    ].reset_index(drop=True)


def audit_figure(data: pd.DataFrame, language: str = "zh") -> go.Figure:
    """Return a heat map of ``-log10(p)``: tests in rows, pool and era in columns."""
    grid = data.pivot_table(index="test", columns="where", values="minus_log10_p", sort=False)
    figure = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=list(grid.columns),
            y=list(grid.index),
            colorscale="Blues",
            colorbar={"title": "-log10 p"},
        )
    )
    figure.update_layout(title=text("plot.audit_title", language))
    return figure


def frequency_plot_data(history: DrawHistory, pool: str) -> pd.DataFrame:
    """Return each number's count in ``pool`` beside its expected count under fair drawing.

    ``band_low`` and ``band_high`` are the expected count plus or minus 1.96 standard deviations
    (``T q (1 - q)`` with ``q = pick / size``): about 95 % of a fair pool's numbers fall inside.
    """
    spec = history.game.pool(pool)
    counts = history.indicators(pool).sum(axis=0)
    q = spec.pick / spec.size
    expected = len(history) * q
    spread = _Z95 * math.sqrt(len(history) * q * (1 - q))
    return pd.DataFrame(
        {
            "number": np.arange(1, spec.size + 1),
            "count": counts,
            "expected": expected,
            "band_low": expected - spread,
            "band_high": expected + spread,
        }
    )


def frequency_figure(data: pd.DataFrame, language: str = "zh") -> go.Figure:
    """Return a bar chart of the counts with the expected count and its 95 % band."""
    figure = go.Figure(go.Bar(x=data["number"], y=data["count"], name=text("plot.count", language)))
    expected = float(data["expected"].iloc[0])
    figure.add_hrect(
        y0=float(data["band_low"].iloc[0]), y1=float(data["band_high"].iloc[0]), fillcolor="grey", opacity=0.2
    )
    figure.add_hline(
        y=expected, line_dash="dash", annotation_text=text("plot.expected", language, value=expected)
    )
    figure.update_layout(
        title=text("plot.frequency_title", language),
        xaxis_title=text("plot.number", language),
        yaxis_title=text("plot.count", language),
    )
    return figure
