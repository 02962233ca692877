"""Next-draw probability figures: each number's probability beside the uniform ``pick / size``.

A data function (tested) builds a long table; a figure function turns it into Plotly bars.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lotto_lab.games import GameSpec, get_game

__all__ = ["probability_figure", "probability_plot_data"]


def probability_plot_data(
    game: GameSpec | str, probabilities: Mapping[str, Mapping[str, np.ndarray]]
) -> pd.DataFrame:
    """Return one row per (strategy, pool, number): ``probability``, ``uniform`` and ``ratio``.

    ``probabilities`` is ``{strategy: {pool: (size,)}}``; ``ratio`` is the probability over the
    uniform one (1 means no preference).
    """
    spec = get_game(game)
    frames = []
    for strategy, by_pool in probabilities.items():
        for pool in spec.pools:
            p = np.asarray(by_pool[pool.name], dtype=np.float64)
            uniform = pool.pick / pool.size
            frames.append(
                pd.DataFrame(
                    {
                        "strategy": strategy,
                        "pool": pool.name,
                        "number": np.arange(1, pool.size + 1),
                        "probability": p,
                        "uniform": uniform,
                        "ratio": p / uniform,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def probability_figure(data: pd.DataFrame, game: GameSpec | str, strategy: str) -> go.Figure:
    """Return a bar chart per pool of ``strategy``'s probabilities, the uniform level as a dashed line."""
    spec = get_game(game)
    rows = data[data["strategy"] == strategy]
    if rows.empty:
        raise ValueError(
            f"no rows for strategy {strategy!r}; the data has {sorted(data['strategy'].unique())}"
        )
    figure = make_subplots(
        rows=len(spec.pools),
        cols=1,
        subplot_titles=[f"{pool.label_en} ({pool.label_zh})" for pool in spec.pools],
    )
    for position, pool in enumerate(spec.pools, start=1):
        pool_rows = rows[rows["pool"] == pool.name]
        figure.add_trace(
            go.Bar(x=pool_rows["number"], y=pool_rows["probability"], name=f"{pool.label_en}: {strategy}"),
            row=position,
            col=1,
        )
        figure.add_hline(
            y=pool.pick / pool.size,
            line={"dash": "dash", "color": "black"},
            annotation_text=f"uniform {pool.pick}/{pool.size}",
            row=position,
            col=1,
        )
        figure.update_xaxes(title_text="number", dtick=1, row=position, col=1)
        figure.update_yaxes(title_text="probability", row=position, col=1)
    figure.update_layout(
        title=f"{spec.title_en}: next-draw probabilities of {strategy} against uniform", showlegend=False
    )
    return figure
