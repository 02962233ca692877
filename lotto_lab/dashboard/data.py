"""Dashboard data, computed from the published files of ``<reports>/latest/`` only.

Nothing here opens the DuckDB store, because the pipeline may be writing it while the dashboard
runs and the dashboard must show exactly what one published run contains. :func:`find_published_run`
resolves the ``latest`` link once, so a run published while a page is open does not mix into it.

Every function returns plain data (dicts and DataFrames with localised column names) and imports
no Panel, so each is tested on its own. Optional files (``evaluation.json``, ``audit.json``, the
``lstm/`` folder) may be missing; their loaders return None or an empty list.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lotto_lab.config import DEFAULT_SEED, latest_dir
from lotto_lab.errors import DataValidationError
from lotto_lab.games import GAMES, GameSpec, get_game
from lotto_lab.i18n import text
from lotto_lab.pipeline.published import (
    EVALUATION_FILE,
    PREDICTIONS_FILE,
    Predictions,
    read_evaluation,
    read_predictions,
)

__all__ = [
    "AUDIT_FILE",
    "MAIN_METRICS",
    "PublishedRun",
    "accuracy_table",
    "audit_table",
    "find_published_run",
    "format_number",
    "format_p",
    "load_audit",
    "load_evaluation",
    "load_lstm_figures",
    "load_lstm_summary",
    "load_predictions",
    "probability_frame",
    "run_summary",
    "spa_summary",
    "ticket_seed",
    "ticket_table",
    "tier_table",
    "window_reading",
]

log = logging.getLogger(__name__)

AUDIT_FILE = "audit.json"
LSTM_FOLDER = "lstm"
TUNING_FILE = "tuning.json"
# Fields of tuning.json shown on the dashboard, in this order.
LSTM_SUMMARY_FIELDS = (
    "study_name",
    "n_trials",
    "trial_counts",
    "best_params",
    "validation",
    "holdout",
    "checkpoint",
)
# Metrics of the main accuracy table, in display order. Tier rates get a table of their own.
MAIN_METRICS = ("log_loss_lift", "mean_hits", "win_rate", "return_on_stake")
TIER_METRIC = "tier_rate"
ALL_POOLS = "all"


@dataclass(frozen=True)
class PublishedRun:
    """The run ``<reports>/latest`` pointed to when the page was built.

    Parameters
    ----------
    folder
        The run folder, with the ``latest`` link resolved.
    record
        The run's ``run.json`` (empty when the file is missing).
    games
        Games with a folder in the run, in the order of :data:`lotto_lab.games.GAMES`.
    """

    folder: Path
    record: Mapping[str, Any]
    games: tuple[str, ...]

    @property
    def run_id(self) -> str:
        """The run id from ``run.json``, else the folder name."""
        return str(self.record.get("run_id") or self.folder.name)


def find_published_run(reports_dir: Path) -> PublishedRun | None:
    """Return the published run under ``reports_dir``, or None when nothing is published yet."""
    latest = latest_dir(reports_dir)
    if not latest.is_dir():
        return None
    folder = latest.resolve()
    record = _read_json_object(folder / "run.json") or {}
    games = tuple(name for name in GAMES if (folder / name).is_dir())
    return PublishedRun(folder=folder, record=record, games=games)


def _read_json_object(path: Path) -> dict[str, Any] | None:
    """Return the JSON object in ``path``, or None when the file is missing."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataValidationError(
            f"{path} could not be read as JSON: {error}; rerun `lotto-lab run` to publish it again",
            zh=f"{path} 无法作为 JSON 读取: {error}; 请重新运行 `lotto-lab run` 以重新发布",
        ) from error
    if not isinstance(data, dict):
        raise DataValidationError(
            f"{path} must hold a JSON object; rerun `lotto-lab run` to publish it again",
            zh=f"{path} 必须是一个 JSON 对象; 请重新运行 `lotto-lab run` 以重新发布",
        )
    return data


# -- number formatting ---------------------------------------------------------------------------


def format_number(value: Any, digits: int = 4) -> str:
    """Return ``value`` with ``digits`` decimals, or an en dash for a missing or non-finite value."""
    if value is None or isinstance(value, bool):
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "–"
    # Adding 0.0 turns a rounded -0.0 into 0.0, so a float error of -2e-15 shows as 0.0000.
    return f"{round(number, digits) + 0.0:.{digits}f}"


def format_p(value: Any) -> str:
    """Return a p-value with three decimals, ``<0.001`` below that, an en dash when missing."""
    if value is None:
        return "–"
    number = float(value)
    if not math.isfinite(number):
        return "–"
    return "<0.001" if number < 0.001 else f"{number:.3f}"


def _interval(low: Any, high: Any, digits: int = 4) -> str:
    if format_number(low) == "–" and format_number(high) == "–":
        return "–"
    return f"[{format_number(low, digits)}, {format_number(high, digits)}]"


def _pool_label(spec: GameSpec, pool: str, language: str) -> str:
    if pool == ALL_POOLS:
        return text("dash.pool.all", language)
    try:
        entry = spec.pool(pool)
    except KeyError:
        return pool
    return entry.label_zh if language == "zh" else entry.label_en


def _metric_label(metric: str, language: str) -> str:
    key = f"dash.metric.{metric}"
    try:
        return text(key, language)
    except KeyError:
        return metric


# -- predictions and tickets ---------------------------------------------------------------------


def load_predictions(run: PublishedRun, game: str) -> Predictions | None:
    """Return the run's validated ``predictions.json`` for ``game``, or None when it has none."""
    path = run.folder / get_game(game).name / PREDICTIONS_FILE
    if not path.is_file():
        return None
    return read_predictions(path, game)


def ticket_seed(predictions: Predictions, seed: int = DEFAULT_SEED) -> tuple[int, int]:
    """Return the ticket draw's seed: ``seed`` with the target issue, as ``lotto-lab predict`` does.

    The dashboard then shows the same tickets as ``lotto-lab predict`` with the same seed.
    """
    spec = get_game(predictions.game)
    return (int(seed), spec.normalise_issue(predictions.target_issue))


def ticket_table(
    predictions: Predictions, strategy: str, n_tickets: int, seed: int, language: str
) -> pd.DataFrame:
    """Return ``n_tickets`` tickets drawn from ``strategy``'s probabilities, one row per ticket.

    Columns: the ticket number, then one column per pool (localised pool label) with the numbers
    ascending, two digits each, separated by spaces.
    """
    from lotto_lab.strategies.tickets import draw_tickets

    spec = get_game(predictions.game)
    probabilities = predictions.probabilities[strategy]
    tickets = draw_tickets(spec, probabilities, n_tickets, seed=ticket_seed(predictions, seed))
    rows = []
    for index, ticket in enumerate(tickets, start=1):
        row: dict[str, Any] = {text("dash.col.ticket", language): index}
        for pool in spec.pools:
            label = _pool_label(spec, pool.name, language)
            row[label] = " ".join(f"{number:02d}" for number in ticket[pool.name])
        rows.append(row)
    return pd.DataFrame(rows)


def probability_frame(predictions: Predictions, strategy: str) -> pd.DataFrame:
    """Return per-number probabilities of ``strategy`` beside the uniform baseline.

    Columns: ``pool``, ``number`` (1-based), ``probability``, ``baseline`` (the uniform
    probability ``pick / size``) and ``ratio`` (probability over baseline).
    """
    spec = get_game(predictions.game)
    frames = []
    for pool in spec.pools:
        probabilities = predictions.probabilities[strategy][pool.name]
        baseline = predictions.baseline[pool.name]
        frames.append(
            pd.DataFrame(
                {
                    "pool": pool.name,
                    "number": range(1, pool.size + 1),
                    "probability": probabilities,
                    "baseline": baseline,
                    "ratio": probabilities / baseline,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# -- evaluation ------------------------------------------------------------------------------------


def load_evaluation(run: PublishedRun, game: str) -> dict[str, Any] | None:
    """Return the run's ``evaluation.json`` for ``game``, or None when it has none."""
    return read_evaluation(run.folder / get_game(game).name / EVALUATION_FILE)


def _table_rows(window: Mapping[str, Any], metrics: Sequence[str]) -> list[dict[str, Any]]:
    rows = [row for row in window.get("table") or [] if row.get("metric") in metrics]
    order = {metric: position for position, metric in enumerate(metrics)}
    return sorted(rows, key=lambda row: order[row["metric"]])


def accuracy_table(game: str, window: Mapping[str, Any], language: str) -> pd.DataFrame:
    """Return the main accuracy table of one evaluation window, ready to show.

    One row per strategy, pool and metric of :data:`MAIN_METRICS`, each value beside its random
    baseline, 95 % interval, one-sided p-value, Holm-corrected p-value and number of draws.
    """
    spec = get_game(game)
    rows = []
    for row in _table_rows(window, MAIN_METRICS):
        rows.append(
            {
                text("dash.col.strategy", language): row.get("strategy"),
                text("dash.col.metric", language): _metric_label(str(row["metric"]), language),
                text("dash.col.pool", language): _pool_label(spec, str(row.get("pool")), language),
                text("dash.col.value", language): format_number(row.get("value")),
                text("dash.col.baseline", language): format_number(row.get("baseline")),
                text("dash.col.interval", language): _interval(row.get("ci_low"), row.get("ci_high")),
                text("dash.col.p", language): format_p(row.get("p_value")),
                text("dash.col.p_holm", language): format_p(row.get("p_holm")),
                text("dash.col.n", language): row.get("n"),
            }
        )
    return pd.DataFrame(rows, columns=_accuracy_columns(language, with_detail=False))


_CHINESE_ORDINALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def tier_label(detail: str, language: str) -> str:
    """Return a tier detail (``"ssq-2003 六等奖"``) in ``language``.

    English keeps the Chinese name beside its translation: ``"ssq-2003 tier 6 (六等奖)"``.
    """
    if language != "en":
        return detail

    def translate(match: re.Match[str]) -> str:
        name = match.group(0)
        if name == "福运奖":
            return "Fuyun prize (福运奖)"
        return f"tier {_CHINESE_ORDINALS[name[0]]} ({name})"

    return re.sub(r"[一二三四五六七八九]等奖|福运奖", translate, detail)


def tier_table(window: Mapping[str, Any], language: str) -> pd.DataFrame:
    """Return the prize-tier rates of one evaluation window against their exact odds.

    Rates are tiny, so value, baseline and interval get six decimals. ``detail`` names the rule
    version and tier.
    """
    rows = []
    for row in _table_rows(window, (TIER_METRIC,)):
        rows.append(
            {
                text("dash.col.strategy", language): row.get("strategy"),
                text("dash.col.detail", language): tier_label(row.get("detail") or "", language),
                text("dash.col.value", language): format_number(row.get("value"), 6),
                text("dash.col.baseline", language): format_number(row.get("baseline"), 6),
                text("dash.col.interval", language): _interval(row.get("ci_low"), row.get("ci_high"), 6),
                text("dash.col.p", language): format_p(row.get("p_value")),
                text("dash.col.p_holm", language): format_p(row.get("p_holm")),
                text("dash.col.n", language): row.get("n"),
            }
        )
    return pd.DataFrame(rows, columns=_accuracy_columns(language, with_detail=True))


def _accuracy_columns(language: str, *, with_detail: bool) -> list[str]:
    keys = ["strategy", "detail"] if with_detail else ["strategy", "metric", "pool"]
    keys += ["value", "baseline", "interval", "p", "p_holm", "n"]
    return [text(f"dash.col.{key}", language) for key in keys]


def spa_summary(window: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return the window's SPA test as ``{"best", "p"}`` (p is Hansen's consistent p), or None."""
    significance = window.get("significance") or {}
    spa = significance.get("spa")
    if not spa:
        return None
    return {"best": spa.get("best"), "p": spa.get("p_consistent")}


def window_reading(window: Mapping[str, Any], language: str) -> str:
    """Return the window's plain-language reading in ``language`` (English when it lacks one)."""
    reading = window.get("reading") or {}
    return str(reading.get(language) or reading.get("en") or "")


# -- randomness audit ------------------------------------------------------------------------------


def load_audit(run: PublishedRun, game: str) -> dict[str, Any] | None:
    """Return the run's ``audit.json`` for ``game``, or None when it has none."""
    return _read_json_object(run.folder / get_game(game).name / AUDIT_FILE)


def audit_table(game: str, audit: Mapping[str, Any], language: str) -> pd.DataFrame:
    """Return the audit's tests, the smallest Benjamini-Hochberg p-values first.

    Columns: test, pool, era, statistic, p-value, BH-corrected p-value, significant (after BH),
    and the test's reading in ``language``.
    """
    spec = get_game(game)
    tests = sorted(
        audit.get("tests") or [],
        key=lambda row: _sort_key(row.get("p_bh")),
    )
    yes, no = text("dash.yes", language), text("dash.no", language)
    rows = []
    for row in tests:
        reading = row.get(f"reading_{language}") or row.get("reading_en") or ""
        rows.append(
            {
                text("dash.col.test", language): row.get("test"),
                text("dash.col.pool", language): _pool_label(spec, str(row.get("pool")), language),
                text("dash.col.era", language): row.get("era"),
                text("dash.col.statistic", language): format_number(row.get("statistic"), 3),
                text("dash.col.p", language): format_p(row.get("p_value")),
                text("dash.col.p_bh", language): format_p(row.get("p_bh")),
                text("dash.col.significant", language): yes if row.get("significant") else no,
                text("dash.col.reading", language): reading,
            }
        )
    keys = ["test", "pool", "era", "statistic", "p", "p_bh", "significant", "reading"]
    return pd.DataFrame(rows, columns=[text(f"dash.col.{key}", language) for key in keys])


def _sort_key(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.inf
    return number if math.isfinite(number) else math.inf


# -- LSTM tuning ------------------------------------------------------------------------------------


def load_lstm_summary(run: PublishedRun, game: str) -> dict[str, Any] | None:
    """Return the facts of ``<game>/lstm/tuning.json`` the dashboard shows, or None without a tuned LSTM.

    Only :data:`LSTM_SUMMARY_FIELDS` are kept. The study's best objective value is left out on
    purpose: it is the maximum over the trials on the validation draws, so it overstates the
    lift, and the honest figure is the LSTM's row in the holdout window of ``evaluation.json``.
    """
    document = _read_json_object(run.folder / get_game(game).name / LSTM_FOLDER / TUNING_FILE)
    if document is None:
        return None
    return {field: document[field] for field in LSTM_SUMMARY_FIELDS if field in document}


def load_lstm_figures(run: PublishedRun, game: str) -> list[tuple[str, dict[str, Any]]]:
    """Return ``(name, figure)`` for every Plotly figure saved as JSON in ``<game>/lstm/``.

    A JSON file counts as a figure when it contains an object with a ``data`` list. Other JSON
    files (``tuning.json``, ``trials.json``) are passed over. Files are taken in name order; a file that
    is not valid JSON is skipped with a warning.
    """
    folder = run.folder / get_game(game).name / LSTM_FOLDER
    if not folder.is_dir():
        return []
    figures = []
    for path in sorted(folder.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            log.warning("skipped %s: not valid JSON", path, exc_info=True)
            continue
        if isinstance(document, dict) and isinstance(document.get("data"), list):
            figures.append((path.stem, document))
    return figures


# -- run information ----------------------------------------------------------------------------------


def run_summary(run: PublishedRun, game: str, predictions: Predictions | None) -> dict[str, Any]:
    """Return the facts shown above a game's tab: run id, data through, target issue, commit, times.

    ``data_through`` comes from ``predictions.json`` when present, else from ``run.json``'s last
    issue of the game. Missing facts are None.
    """
    record = run.record
    last_issue = (record.get("last_issue") or {}).get(game)
    commit = record.get("git_commit")
    return {
        "run_id": run.run_id,
        "data_through": predictions.data_through if predictions is not None else last_issue,
        "target_issue": predictions.target_issue if predictions is not None else None,
        "git_commit": commit[:12] if isinstance(commit, str) else None,
        "finished": record.get("finished"),
        "profile": record.get("profile"),
        "seed": record.get("seed"),
    }
