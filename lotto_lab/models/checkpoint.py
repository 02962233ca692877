"""Saving and loading fitted LSTM strategies.

A checkpoint is a folder with two files:

``lstm.pt``
    The network's ``state_dict``, written by :func:`torch.save` and read back with
    ``torch.load(..., weights_only=True)``, which unpickles tensors and plain containers only.
``lstm.json``
    Everything needed to rebuild and trust the network: the format version, the game and its pool
    layout, the hyperparameters and the feature scaling. It also records the range of draws the
    fit saw (first and last issue), the training record, and the git commit, PyTorch and lotto_lab
    versions it was trained with.

Loading checks the format version, the game and the pool layout before it touches the weights,
and raises :class:`~lotto_lab.errors.CheckpointError` with the reason when one does not fit.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import torch

from lotto_lab import __version__
from lotto_lab.config import PROJECT_DIR
from lotto_lab.errors import CheckpointError, ConfigError, InvalidIssueError, UnknownGameError
from lotto_lab.games import GameSpec, get_game
from lotto_lab.models.lstm import LSTMConfig, LSTMStrategy
from lotto_lab.models.training import FitSummary
from lotto_lab.pipeline.records import git_commit

__all__ = [
    "FORMAT_VERSION",
    "METADATA_FILE",
    "WEIGHTS_FILE",
    "load_checkpoint",
    "read_metadata",
    "save_checkpoint",
]

log = logging.getLogger(__name__)

#: Version of the checkpoint layout. Loading accepts this version only.
FORMAT_VERSION = 1
WEIGHTS_FILE = "lstm.pt"
METADATA_FILE = "lstm.json"
_KIND = "lotto_lab.lstm"


def _pool_layout(game: GameSpec) -> list[dict[str, Any]]:
    return [{"name": pool.name, "size": pool.size, "pick": pool.pick} for pool in game.pools]


def save_checkpoint(strategy: LSTMStrategy, folder: str | Path) -> Path:
    """Write a fitted strategy to ``folder`` (created when missing) and return the folder.

    Raises
    ------
    RuntimeError
        When the strategy is not fitted.
    """
    summary = strategy.fit_summary  # raises when not fitted
    game = strategy.game
    assert game is not None
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)

    scaling = None
    if strategy.config.feature_columns:
        assert strategy._feature_mean is not None and strategy._feature_std is not None
        scaling = {"mean": strategy._feature_mean.tolist(), "std": strategy._feature_std.tolist()}
    metadata = {
        "kind": _KIND,
        "format_version": FORMAT_VERSION,
        "game": game.name,
        "pools": _pool_layout(game),
        "input_size": strategy.input_size,
        "hyperparameters": strategy.config.hyperparameters(),
        "feature_scaling": scaling,
        "data_range": {
            "first_issue": game.format_issue(summary.first_issue),
            "last_issue": game.format_issue(summary.last_issue),
            "n_draws": summary.n_draws,
        },
        "training": {
            "epochs_run": summary.epochs_run,
            "best_epoch": summary.best_epoch,
            "best_validation_lift_bits": summary.best_validation_lift,
            "git_commit": git_commit(PROJECT_DIR),
            "torch_version": torch.__version__,
            "lotto_lab_version": __version__,
            "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        },
    }
    torch.save(strategy.network.state_dict(), target / WEIGHTS_FILE)
    (target / METADATA_FILE).write_text(json.dumps(metadata, indent=2, ensure_ascii=False), encoding="utf-8")
    log.info(
        "saved LSTM checkpoint of %s (draws %s..%s) to %s",
        game.name,
        metadata["data_range"]["first_issue"],
        metadata["data_range"]["last_issue"],
        target,
    )
    return target


def read_metadata(folder: str | Path) -> dict[str, Any]:
    """Return the parsed ``lstm.json`` of a checkpoint folder.

    Raises
    ------
    CheckpointError
        When the file is missing or is not a JSON object.
    """
    path = Path(folder) / METADATA_FILE
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CheckpointError(
            f"no LSTM checkpoint in {Path(folder)}: {METADATA_FILE} is missing; run the tuning "
            f"(lotto-lab tune or notebook 03) to create one",
            zh=f"{Path(folder)} 中没有 LSTM 模型文件: 缺少 {METADATA_FILE}; "
            f"请先运行调参 (lotto-lab tune 或 notebook 03)",
        ) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(
            f"LSTM checkpoint metadata {path} cannot be read: {error}",
            zh=f"无法读取 LSTM 模型元数据 {path}: {error}",
        ) from error
    if not isinstance(metadata, dict):
        raise CheckpointError(
            f"LSTM checkpoint metadata {path} must hold a JSON object, got {type(metadata).__name__}",
            zh=f"LSTM 模型元数据 {path} 应为 JSON 对象",
        )
    return metadata


def load_checkpoint(folder: str | Path, *, game: GameSpec | str | None = None) -> LSTMStrategy:
    """Load a fitted LSTM strategy from a checkpoint folder, ready to ``predict_proba``.

    Parameters
    ----------
    folder
        Folder written by :func:`save_checkpoint`.
    game
        The game the caller will predict; when given, a checkpoint of another game is rejected.

    Raises
    ------
    CheckpointError
        When a file is missing or unreadable, or the format version is not :data:`FORMAT_VERSION`.
        Also when the checkpoint belongs to another game, the game's pool layout differs from the
        one it was trained on, or the weights do not fit the network the metadata describes.
    """
    folder = Path(folder)
    metadata = read_metadata(folder)
    spec = _check_metadata(folder, metadata, game)
    config = _config_from_metadata(folder, metadata)
    feature_mean, feature_std = _feature_scaling(folder, metadata, config)

    weights_path = folder / WEIGHTS_FILE
    try:
        state_dict = torch.load(weights_path, map_location="cpu", weights_only=True)
    except FileNotFoundError as error:
        raise CheckpointError(
            f"LSTM checkpoint {folder} has no weights file {WEIGHTS_FILE}",
            zh=f"LSTM 模型 {folder} 缺少权重文件 {WEIGHTS_FILE}",
        ) from error
    except (pickle.UnpicklingError, RuntimeError, OSError, EOFError) as error:
        raise CheckpointError(
            f"LSTM weights {weights_path} cannot be loaded with weights_only=True (only tensors "
            f"are accepted): {error}",
            zh=f"无法以 weights_only=True 加载 LSTM 权重 {weights_path}: {error}",
        ) from error

    summary = _fit_summary(folder, metadata, spec)
    try:
        strategy = LSTMStrategy._restore(config, spec, state_dict, summary, feature_mean, feature_std)
    except (RuntimeError, TypeError, AttributeError) as error:
        raise CheckpointError(
            f"LSTM weights in {weights_path} do not fit the network described by {METADATA_FILE}: {error}",
            zh=f"{weights_path} 中的权重与 {METADATA_FILE} 描述的网络不符",
        ) from error
    strategy.checkpoint_path = str(folder)
    log.info("loaded LSTM checkpoint of %s from %s", spec.name, folder)
    return strategy


def _check_metadata(folder: Path, metadata: dict[str, Any], game: GameSpec | str | None) -> GameSpec:
    """Check kind, version, game and pool layout, and return the checkpoint's game."""
    version = metadata.get("format_version")
    if metadata.get("kind") != _KIND or version != FORMAT_VERSION:
        raise CheckpointError(
            f"LSTM checkpoint {folder} has format version {version!r} (kind {metadata.get('kind')!r}); "
            f"this lotto_lab reads version {FORMAT_VERSION} only, so tune the LSTM again to rebuild it",
            zh=f"LSTM 模型 {folder} 的格式版本为 {version!r}, 本程序只能读取版本 {FORMAT_VERSION}; "
            f"请重新调参生成模型",
        )

    name = metadata.get("game")
    try:
        spec = get_game(str(name))
    except UnknownGameError as error:
        raise CheckpointError(
            f"LSTM checkpoint {folder} is for an unknown game {name!r}",
            zh=f"LSTM 模型 {folder} 属于未知的玩法 {name!r}",
        ) from error
    if game is not None:
        expected = get_game(game)
        if expected.name != spec.name:
            raise CheckpointError(
                f"LSTM checkpoint {folder} was trained on {spec.name.upper()} draws and cannot predict "
                f"{expected.name.upper()}; load the checkpoint of {expected.name.upper()}",
                zh=f"LSTM 模型 {folder} 是用 {spec.name.upper()} 数据训练的, 不能预测 "
                f"{expected.name.upper()}; 请加载 {expected.name.upper()} 的模型",
            )

    layout = metadata.get("pools")
    if layout != _pool_layout(spec):
        raise CheckpointError(
            f"LSTM checkpoint {folder} was trained on the pool layout {layout}, but {spec.name.upper()} "
            f"now has {_pool_layout(spec)}; tune the LSTM again",
            zh=f"LSTM 模型 {folder} 训练时的号码池结构与当前 {spec.name.upper()} 不一致; 请重新调参",
        )
    return spec


def _config_from_metadata(folder: Path, metadata: dict[str, Any]) -> LSTMConfig:
    hyperparameters = metadata.get("hyperparameters")
    if not isinstance(hyperparameters, dict):
        raise CheckpointError(
            f"LSTM checkpoint {folder} has no hyperparameters in {METADATA_FILE}",
            zh=f"LSTM 模型 {folder} 的 {METADATA_FILE} 缺少超参数",
        )
    try:
        return LSTMConfig(**hyperparameters)
    except (TypeError, ValueError, ConfigError) as error:
        raise CheckpointError(
            f"LSTM checkpoint {folder} has hyperparameters this version does not accept: {error}",
            zh=f"LSTM 模型 {folder} 的超参数与当前版本不兼容: {error}",
        ) from error


def _feature_scaling(
    folder: Path, metadata: dict[str, Any], config: LSTMConfig
) -> tuple[np.ndarray | None, np.ndarray | None]:
    if not config.feature_columns:
        return None, None
    scaling = metadata.get("feature_scaling") or {}
    mean = np.asarray(scaling.get("mean", []), dtype=np.float64)
    std = np.asarray(scaling.get("std", []), dtype=np.float64)
    width = len(config.feature_columns)
    if mean.shape != (width,) or std.shape != (width,):
        raise CheckpointError(
            f"LSTM checkpoint {folder} lists {width} feature columns but its feature scaling has "
            f"{mean.size} means and {std.size} spreads",
            zh=f"LSTM 模型 {folder} 的特征缩放与特征列数量不符",
        )
    return mean, std


def _fit_summary(folder: Path, metadata: dict[str, Any], spec: GameSpec) -> FitSummary:
    try:
        data_range = metadata["data_range"]
        training = metadata["training"]
        return FitSummary(
            first_issue=spec.normalise_issue(data_range["first_issue"]),
            last_issue=spec.normalise_issue(data_range["last_issue"]),
            n_draws=int(data_range["n_draws"]),
            epochs_run=int(training["epochs_run"]),
            best_epoch=int(training["best_epoch"]),
            best_validation_lift=float(training["best_validation_lift_bits"]),
        )
    except (KeyError, TypeError, ValueError, InvalidIssueError) as error:
        raise CheckpointError(
            f"LSTM checkpoint {folder} has an incomplete data range or training record: {error!r}",
            zh=f"LSTM 模型 {folder} 的数据范围或训练记录不完整",
        ) from error
