"""Plotly figures of the dashboard, built from the data of :mod:`lotto_lab.dashboard.data`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lotto_lab.games import get_game
from lotto_lab.i18n import text

__all__ = ["figure_from_json", "probability_figure"]

_BAR_COLOURS = {0: "#c0392b", 1: "#2471a3"}  # first pool red, second pool blue, as on the tickets


def probability_figure(frame: pd.DataFrame, game: str, strategy: str, language: str) -> go.Figure:
    """Return one bar chart per pool: each number's probability, with the uniform baseline as a line.

    Parameters
    ----------
    frame
        The output of :func:`lotto_lab.dashboard.data.probability_frame`.
    game
        The game name, for the pool labels.
    strategy
        The strategy name, for the legend.
    language
        ``"zh"`` or ``"en"``.
    """
    spec = get_game(game)
    labels = [pool.label_zh if language == "zh" else pool.label_en for pool in spec.pools]
    figure = make_subplots(rows=len(spec.pools), cols=1, subplot_titles=labels, vertical_spacing=0.16)
    for row, pool in enumerate(spec.pools, start=1):
        part = frame[frame["pool"] == pool.name]
        figure.add_trace(
            go.Bar(
                x=part["number"],
                y=part["probability"],
                name=f"{strategy} ({labels[row - 1]})",
                marker_color=_BAR_COLOURS.get(row - 1, "#7d3c98"),
                hovertemplate="%{x:02d}: %{y:.4f}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        baseline = float(part["baseline"].iloc[0])
        figure.add_hline(
            y=baseline,
            line_dash="dash",
            line_color="#333333",
            annotation_text=text("dash.uniform_line", language, value=baseline),
            annotation_position="top left",
            row=row,
            col=1,
        )
        figure.update_xaxes(title_text=text("dash.number", language), dtick=1, row=row, col=1)
        figure.update_yaxes(title_text=text("dash.probability", language), row=row, col=1)
    figure.update_layout(
        height=300 * len(spec.pools),
        showlegend=False,
        margin={"l": 60, "r": 20, "t": 40, "b": 40},
        template="plotly_white",
    )
    return figure


def figure_from_json(data: Mapping[str, Any]) -> go.Figure:
    """Return a Plotly figure from its JSON form (as ``plotly.io.write_json`` saves it)."""
    return go.Figure(dict(data), skip_invalid=True)
