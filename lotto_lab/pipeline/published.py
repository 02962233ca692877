"""The published per-game files: ``predictions.json`` and ``evaluation.json``, written and read here.

A pipeline run writes them into ``<reports>/runs/<run_id>/<game>/``; after a successful run
``<reports>/latest/`` points at that run. Readers validate what they read and raise the project's
errors: :class:`~lotto_lab.errors.NoPublishedRunError` when nothing is published yet,
:class:`~lotto_lab.errors.DataValidationError` when a file is malformed.

This module imports NumPy and the standard library only at the top, because ``lotto-lab predict``
reads ``predictions.json`` through it and must not pay for pandas.

``predictions.json``::

    {"game": "ssq", "target_issue": "2026097", "data_through": "2026096", "run_id": "...",
     "default_strategy": "frequency",
     "strategies": {"frequency": {"probabilities": {"red": [...33], "blue": [...16]}, "params": {}}},
     "baseline": {"red": [6/33, ...], "blue": [1/16, ...]}}

``evaluation.json``: ``{"game": "ssq", "windows": [{"name": "full", ...}, {"name": "holdout", ...}]}``
where each window contains the evaluation's own ``to_dict()`` fields beside its name.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lotto_lab.config import latest_dir, resolve_reports_dir
from lotto_lab.errors import DataValidationError, NoPublishedRunError
from lotto_lab.games import GameSpec, get_game
from lotto_lab.strategies.base import check_probabilities

if TYPE_CHECKING:
    from lotto_lab.history import DrawHistory
    from lotto_lab.strategies.base import Strategy

__all__ = [
    "EVALUATION_FILE",
    "FALLBACK_STRATEGY",
    "PREDICTIONS_FILE",
    "Predictions",
    "best_strategy",
    "build_predictions",
    "latest_game_dir",
    "load_predictions",
    "read_evaluation",
    "read_predictions",
    "write_evaluation",
    "write_json",
]

PREDICTIONS_FILE = "predictions.json"
EVALUATION_FILE = "evaluation.json"
# Default strategy of predictions.json when no evaluation ranks the strategies.
FALLBACK_STRATEGY = "frequency"


@dataclass(frozen=True)
class Predictions:
    """The contents of one ``predictions.json``, probabilities as NumPy arrays."""

    game: str
    target_issue: str
    data_through: str
    run_id: str
    default_strategy: str
    probabilities: dict[str, dict[str, np.ndarray]]  # strategy -> pool -> (size,)
    params: dict[str, dict[str, Any]]  # strategy -> parameters
    baseline: dict[str, np.ndarray]  # pool -> (size,) uniform probabilities
    path: Path

    @property
    def strategies(self) -> list[str]:
        """Strategy names in the file's order."""
        return list(self.probabilities)


def latest_game_dir(reports_dir: str | os.PathLike[str] | None, game: GameSpec | str) -> Path:
    """Return ``<reports>/latest/<game>``; ``reports_dir`` falls back as in :func:`resolve_reports_dir`."""
    return latest_dir(resolve_reports_dir(reports_dir)) / get_game(game).name


def load_predictions(reports_dir: str | os.PathLike[str] | None, game: GameSpec | str) -> Predictions:
    """Read the latest published ``predictions.json`` of ``game``.

    Raises
    ------
    NoPublishedRunError
        When no run has published predictions for the game; the message names the command to run:
        ``lotto-lab run``.
    DataValidationError
        When the file is malformed.
    """
    spec = get_game(game)
    path = latest_game_dir(reports_dir, spec) / PREDICTIONS_FILE
    if not path.is_file():
        raise NoPublishedRunError(
            f"no published {spec.name.upper()} predictions: {path} does not exist; run "
            f"`lotto-lab run --game {spec.name}` (or `--game all`) first",
            zh=f"还没有已发布的{spec.title_zh}预测: 找不到 {path}; 请先运行 "
            f"`lotto-lab run --game {spec.name}` (或 `--game all`)",
        )
    return read_predictions(path, spec)


def read_predictions(path: str | os.PathLike[str], game: GameSpec | str) -> Predictions:
    """Read and validate a ``predictions.json`` file of ``game``.

    Raises
    ------
    DataValidationError
        When the file is not JSON, lacks a field, names another game, or contains probabilities
        that break the strategy contract; the message names the file and the field.
    """
    spec = get_game(game)
    file = Path(path)
    data = _read_json(file)

    missing = [
        key
        for key in (
            "game",
            "target_issue",
            "data_through",
            "run_id",
            "default_strategy",
            "strategies",
            "baseline",
        )
        if key not in data
    ]
    if missing:
        raise _invalid(file, f"lacks the field(s) {', '.join(missing)}", f"缺少字段 {', '.join(missing)}")
    if data["game"] != spec.name:
        raise _invalid(
            file,
            f"is for game {data['game']!r}, expected {spec.name!r}",
            f"属于游戏 {data['game']!r}, 应为 {spec.name!r}",
        )
    if not isinstance(data["strategies"], dict) or not data["strategies"]:
        raise _invalid(file, "has no strategies", "没有任何策略")

    probabilities: dict[str, dict[str, np.ndarray]] = {}
    params: dict[str, dict[str, Any]] = {}
    for name, entry in data["strategies"].items():
        where = f"strategies.{name}.probabilities"
        probabilities[name] = _pool_arrays(
            file, spec, where, entry.get("probabilities") if isinstance(entry, dict) else None
        )
        params[name] = dict(entry.get("params") or {})
    baseline = _pool_arrays(file, spec, "baseline", data["baseline"])

    if data["default_strategy"] not in probabilities:
        raise _invalid(
            file,
            f"names default_strategy {data['default_strategy']!r}, which is not among its strategies",
            f"的 default_strategy {data['default_strategy']!r} 不在其策略之中",
        )
    return Predictions(
        game=spec.name,
        target_issue=str(data["target_issue"]),
        data_through=str(data["data_through"]),
        run_id=str(data["run_id"]),
        default_strategy=str(data["default_strategy"]),
        probabilities=probabilities,
        params=params,
        baseline=baseline,
        path=file,
    )


def _pool_arrays(file: Path, spec: GameSpec, where: str, value: object) -> dict[str, np.ndarray]:
    if not isinstance(value, dict):
        raise _invalid(file, f"has no object at {where}", f"在 {where} 处缺少对象")
    try:
        arrays = {pool.name: np.asarray(value[pool.name], dtype=np.float64) for pool in spec.pools}
        for pool in spec.pools:
            if arrays[pool.name].shape != (pool.size,):
                raise ValueError(
                    f"pool {pool.name!r} has shape {arrays[pool.name].shape}, expected ({pool.size},)"
                )
        check_probabilities(spec, arrays)
    except (KeyError, TypeError, ValueError) as error:
        raise _invalid(
            file, f"holds invalid probabilities at {where}: {error}", f"在 {where} 处的概率无效: {error}"
        ) from error
    return arrays


def _read_json(file: Path) -> dict[str, Any]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _invalid(file, f"could not be read as JSON: {error}", f"无法作为 JSON 读取: {error}") from error
    if not isinstance(data, dict):
        raise _invalid(file, "must hold a JSON object", "必须是一个 JSON 对象")
    return data


def _invalid(file: Path, problem_en: str, problem_zh: str) -> DataValidationError:
    return DataValidationError(
        f"{file} {problem_en}; rerun `lotto-lab run` to publish it again",
        zh=f"{file} {problem_zh}; 请重新运行 `lotto-lab run` 以重新发布",
    )


def build_predictions(
    history: DrawHistory,
    fitted: Mapping[str, Strategy],
    *,
    run_id: str,
    default_strategy: str,
) -> dict[str, Any]:
    """Return the ``predictions.json`` object for the draw after ``history``'s last draw.

    Parameters
    ----------
    history
        Every draw the strategies may see; the target is the next scheduled issue.
    fitted
        ``{name: strategy}``, each already fitted on ``history`` (or loaded from a checkpoint).
    run_id
        Id of the pipeline run that publishes the file.
    default_strategy
        Name of the strategy ``lotto-lab predict`` uses when none is requested; must be in ``fitted``.

    Raises
    ------
    ValueError
        When ``default_strategy`` is not in ``fitted`` or a strategy breaks the probability contract.
    """
    spec = history.game
    if default_strategy not in fitted:
        raise ValueError(f"default_strategy {default_strategy!r} is not among {list(fitted)}")
    last_date = history.dates[-1].astype(object)
    target_issue, _ = spec.next_issue(history.last_issue, last_date)

    strategies = {}
    for name, strategy in fitted.items():
        probabilities = strategy.predict_proba(history)
        check_probabilities(spec, probabilities)
        strategies[name] = {
            "probabilities": {pool: [float(p) for p in probabilities[pool]] for pool in spec.pool_names},
            "params": _plain(strategy.params()),
        }
    return {
        "game": spec.name,
        "target_issue": spec.format_issue(target_issue),
        "data_through": spec.format_issue(history.last_issue),
        "run_id": run_id,
        "default_strategy": default_strategy,
        "strategies": strategies,
        "baseline": {pool.name: [pool.pick / pool.size] * pool.size for pool in spec.pools},
    }


def _plain(value: Any) -> Any:
    """Return ``value`` with NumPy scalars and arrays, tuples and paths turned into JSON types."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def write_json(path: str | os.PathLike[str], data: Mapping[str, Any]) -> Path:
    """Write ``data`` as UTF-8 JSON to ``path`` through a temporary file and a rename; return the path.

    NaN and infinite numbers are written as ``null``, because JSON has no such values.
    """
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    temporary = file.with_name(f".{file.name}.tmp")
    temporary.write_text(
        json.dumps(_finite(data), ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8"
    )
    os.replace(temporary, file)
    return file


def _finite(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_evaluation(
    path: str | os.PathLike[str], game: GameSpec | str, windows: Sequence[tuple[str, Mapping[str, Any]]]
) -> Path:
    """Write ``evaluation.json``: ``{"game": ..., "windows": [{"name": name, **evaluation}, ...]}``.

    ``windows`` pairs a window name (``"full"``, ``"holdout"``) with that window's
    ``Evaluation.to_dict()``.
    """
    spec = get_game(game)
    names = [name for name, _ in windows]
    if len(set(names)) != len(names):
        raise ValueError(f"window names must be distinct, got {names}")
    payload = {
        "game": spec.name,
        "windows": [{"name": name, **_plain(dict(evaluation))} for name, evaluation in windows],
    }
    return write_json(path, payload)


def read_evaluation(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Return the object of an ``evaluation.json``, or None when the file does not exist.

    Raises
    ------
    DataValidationError
        When the file exists but is not a JSON object with a ``windows`` list.
    """
    file = Path(path)
    if not file.is_file():
        return None
    data = _read_json(file)
    if not isinstance(data.get("windows"), list):
        raise _invalid(file, "has no windows list", "缺少 windows 列表")
    return data


def best_strategy(
    evaluation: Mapping[str, Any] | None, candidates: Sequence[str], *, fallback: str = FALLBACK_STRATEGY
) -> str:
    """Return the candidate with the best log-loss lift over uniform in ``evaluation``.

    The holdout window is preferred when present, because every strategy, the tuned one included,
    is scored there on draws that no tuning saw. Otherwise the first window is used. The lift is
    the ``value`` of the table rows with metric ``log_loss_lift`` and pool ``all``, in bits per
    draw with the pools summed. Uniform's lift is 0, so uniform is returned when no strategy
    beats it. When the evaluation is missing or ranks none of the candidates, ``fallback`` is
    returned, or the first candidate when ``fallback`` is not among them.
    """
    if not candidates:
        raise ValueError("candidates is empty: name at least one strategy")
    if fallback not in candidates:
        fallback = candidates[0]
    if not evaluation or not evaluation.get("windows"):
        return fallback
    windows = evaluation["windows"]
    window = next((w for w in windows if w.get("name") == "holdout"), windows[0])
    lifts = {
        str(row["strategy"]): float(row["value"])
        for row in window.get("table") or []
        if row.get("metric") == "log_loss_lift"
        and row.get("pool") == "all"
        and isinstance(row.get("value"), int | float)
        and row.get("strategy") in candidates
    }
    if not lifts:
        return fallback
    return max(lifts, key=lambda name: lifts[name])
