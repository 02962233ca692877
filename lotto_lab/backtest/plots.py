"""Backtest figures: cumulative log-loss lift over uniform, with the band of a zero mean lift.

Each figure comes in two parts: a function that computes the plotted data (tested) and one that
turns it into a Plotly figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lotto_lab.backtest.result import BacktestResult
from lotto_lab.backtest.scoring import uniform_log_loss_bits
from lotto_lab.games import GameSpec, get_game

__all__ = ["cumulative_lift_data", "cumulative_lift_figure"]

# Two-sided 95 % quantile of the standard normal distribution.
_Z_95 = 1.959963984540054


def cumulative_lift_data(result: BacktestResult, game: GameSpec | str | None = None) -> pd.DataFrame:
    """Return one row per (strategy, target): the running sum of the log-loss lift over uniform.

    Columns: ``strategy, target_issue, draws`` (targets so far), ``lift`` (uniform's log-loss minus
    the strategy's on that draw, bits), ``cumulative_lift`` (bits) and ``band`` (bits). ``band`` is
    ``1.96 * sd * sqrt(draws)``, where ``sd`` is the standard deviation of the strategy's per-draw
    lift: a strategy as good as uniform on average (mean lift 0) with the same spread ends inside
    ``±band`` with about 95 % chance at each draw (normal approximation, draws taken as
    independent). The band is pointwise, not for the whole path.
    """
    spec = get_game(game if game is not None else result.game)
    uniform_bits = uniform_log_loss_bits(spec)
    frames = []
    for strategy, rows in result.table.groupby("strategy", sort=False):
        ordered = rows.sort_values("target_issue")
        lift = uniform_bits - ordered["log_loss"].to_numpy(dtype=np.float64)
        draws = np.arange(1, len(lift) + 1)
        spread = float(np.std(lift, ddof=1)) if len(lift) > 1 else 0.0
        frames.append(
            pd.DataFrame(
                {
                    "strategy": strategy,
                    "target_issue": ordered["target_issue"].to_numpy(dtype=np.int64),
                    "draws": draws,
                    "lift": lift,
                    "cumulative_lift": np.cumsum(lift),
                    "band": _Z_95 * spread * np.sqrt(draws),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def cumulative_lift_figure(
    data: pd.DataFrame, title: str = "Cumulative log-loss lift over uniform"
) -> go.Figure:
    """Return a line per strategy of ``cumulative_lift``, its dotted zero-lift band and a zero line."""
    figure = go.Figure()
    for strategy, rows in data.groupby("strategy", sort=False):
        line = figure.add_trace(
            go.Scatter(x=rows["draws"], y=rows["cumulative_lift"], mode="lines", name=str(strategy))
        ).data[-1]
        if float(rows["band"].max()) > 0:
            for sign in (1, -1):
                figure.add_trace(
                    go.Scatter(
                        x=rows["draws"],
                        y=sign * rows["band"],
                        mode="lines",
                        line={"dash": "dot", "width": 1},
                        name=f"{strategy}: 95% band if mean lift were 0",
                        legendgroup=str(strategy),
                        showlegend=sign == 1,
                        hoverinfo="skip",
                        opacity=0.6,
                        legendrank=1000,
                    )
                )
        line.legendgroup = str(strategy)
    figure.add_hline(y=0, line={"color": "black", "width": 1}, annotation_text="uniform (random)")
    figure.update_layout(
        title=title,
        xaxis_title="target draws scored",
        yaxis_title="cumulative lift (bits)",
        hovermode="x unified",
    )
    return figure
