"""Figures of an Optuna study: optimisation history and parameter importances.

Each figure has a data function (a DataFrame, tested) and a figure function (Plotly).
:func:`save_figure` writes a figure as Plotly JSON and as HTML that loads ``plotly.min.js`` from
the same folder, so the page opens without a network connection.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import plotly.graph_objects as go
from optuna.trial import TrialState

from lotto_lab.i18n import get_language

__all__ = [
    "optimization_history_data",
    "optimization_history_figure",
    "param_importance_data",
    "param_importance_figure",
    "save_figure",
]

log = logging.getLogger(__name__)

# Figure text, Chinese by default and English with language="en" (as lotto_lab.i18n.get_language).
_LABELS: dict[str, dict[str, str]] = {
    "history_title": {"zh": "{game}LSTM 调参过程", "en": "{game}LSTM optimisation history"},
    "importance_title": {"zh": "{game}LSTM 超参数重要性", "en": "{game}LSTM parameter importances"},
    "value": {
        "zh": "验证集相对均匀基准的提升 (比特/期)",
        "en": "validation lift over uniform (bits per draw)",
    },
    "trial": {"zh": "试验编号", "en": "trial"},
    "complete": {"zh": "已完成的试验", "en": "complete trial"},
    "pruned": {"zh": "被剪枝的试验 (最后一次报告)", "en": "pruned trial (last report)"},
    "best": {"zh": "目前最佳", "en": "best so far"},
    "uniform": {"zh": "均匀基准", "en": "uniform"},
    "importance": {"zh": "PED-ANOVA 重要性 (占比)", "en": "PED-ANOVA importance (share)"},
    "no_importance": {
        "zh": "至少需要两次参数不同的已完成试验",
        "en": "needs at least two complete trials with varying parameters",
    },
}


def _label(key: str, language: str | None, **fields: object) -> str:
    return _LABELS[key][get_language(language)].format(**fields)


def _game_prefix(game: str | None) -> str:
    return f"{game.upper()} " if game else ""


def optimization_history_data(study: optuna.Study) -> pd.DataFrame:
    """Return one row per finished trial, in trial order, with the best value so far.

    Columns: ``number``, ``state`` (``COMPLETE``, ``PRUNED`` or ``FAIL``), ``value`` (NaN unless
    complete), ``best_value`` (the highest complete value up to this trial, NaN before the first),
    ``last_intermediate`` (the last value reported before pruning, NaN when none).
    """
    rows = []
    best = np.nan
    finished = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
    for trial in sorted(study.get_trials(deepcopy=False, states=finished), key=lambda t: t.number):
        value = trial.value if trial.state == TrialState.COMPLETE and trial.value is not None else np.nan
        if not np.isnan(value):
            best = value if np.isnan(best) else max(best, value)
        last = trial.intermediate_values.get(trial.last_step) if trial.last_step is not None else None
        rows.append(
            {
                "number": trial.number,
                "state": trial.state.name,
                "value": value,
                "best_value": best,
                "last_intermediate": np.nan if last is None else last,
            }
        )
    return pd.DataFrame(rows, columns=["number", "state", "value", "best_value", "last_intermediate"])


def optimization_history_figure(
    data: pd.DataFrame, *, game: str | None = None, language: str | None = None
) -> go.Figure:
    """Return the optimisation history of :func:`optimization_history_data`: each complete
    trial's value, each pruned trial's last report and the best value so far."""
    complete = data[data["state"] == "COMPLETE"]
    pruned = data[data["state"] == "PRUNED"]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=complete["number"], y=complete["value"], mode="markers", name=_label("complete", language)
        )
    )
    figure.add_trace(
        go.Scatter(
            x=pruned["number"],
            y=pruned["last_intermediate"],
            mode="markers",
            marker={"symbol": "x", "color": "grey"},
            name=_label("pruned", language),
        )
    )
    figure.add_trace(
        go.Scatter(x=data["number"], y=data["best_value"], mode="lines", name=_label("best", language))
    )
    figure.add_hline(y=0.0, line_dash="dot", line_color="black", annotation_text=_label("uniform", language))
    figure.update_layout(
        title=_label("history_title", language, game=_game_prefix(game)),
        xaxis_title=_label("trial", language),
        yaxis_title=_label("value", language),
        template="plotly_white",
    )
    return figure


def param_importance_data(study: optuna.Study) -> pd.DataFrame:
    """Return each parameter's PED-ANOVA importance, largest first (columns ``param``, ``importance``).

    PED-ANOVA (:class:`optuna.importance.PedAnovaImportanceEvaluator`, built into Optuna, no
    scikit-learn needed) measures how much each parameter matters for reaching the top 10% of
    complete trials. The importances sum to 1. NOTE: with fewer than about 50 complete trials the top
    10% holds only a few trials, so the importances of a short study are rough. The frame is empty
    when the study has fewer than two complete trials or the importances cannot be computed.
    """
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if len(complete) < 2:
        return pd.DataFrame(columns=["param", "importance"])
    evaluator = optuna.importance.PedAnovaImportanceEvaluator()
    try:
        importances = optuna.importance.get_param_importances(study, evaluator=evaluator)
    except (ValueError, RuntimeError, ZeroDivisionError) as error:
        log.info("parameter importances of study %s not computed: %s", study.study_name, error)
        return pd.DataFrame(columns=["param", "importance"])
    frame = pd.DataFrame({"param": list(importances), "importance": list(importances.values())})
    return frame.sort_values("importance", ascending=False, ignore_index=True)


def param_importance_figure(
    data: pd.DataFrame, *, game: str | None = None, language: str | None = None
) -> go.Figure:
    """Return a horizontal bar chart of :func:`param_importance_data` (a note in place of bars
    when it is empty)."""
    figure = go.Figure()
    if data.empty:
        figure.add_annotation(
            text=_label("no_importance", language),
            showarrow=False,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
        )
    else:
        ordered = data.iloc[::-1]
        figure.add_trace(go.Bar(x=ordered["importance"], y=ordered["param"], orientation="h"))
    figure.update_layout(
        title=_label("importance_title", language, game=_game_prefix(game)),
        xaxis_title=_label("importance", language),
        template="plotly_white",
    )
    return figure


def save_figure(figure: go.Figure, folder: str | Path, stem: str) -> tuple[Path, Path]:
    """Write ``<stem>.json`` (Plotly JSON) and ``<stem>.html`` to ``folder`` and return both paths.

    The HTML page loads ``plotly.min.js`` from ``folder``, which Plotly writes there once.
    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    json_path = target / f"{stem}.json"
    html_path = target / f"{stem}.html"
    figure.write_json(json_path)
    figure.write_html(html_path, include_plotlyjs="directory", full_html=True)
    return json_path, html_path
