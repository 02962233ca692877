"""The LSTM strategy: a recurrent network that reads the last ``window`` draws.

Input
    Each draw is one row: the multi-hot vector of every pool (1 where a number was drawn), in the
    game's pool order, followed by optional feature columns from :mod:`lotto_lab.features`,
    standardised with the mean and standard deviation of the fitted draws. The network reads the
    ``window`` rows up to the cutoff. When fewer draws exist, missing rows are zeros.

Output
    The network returns one logit ``z_j`` per number of each pool. The inclusion probability is
    ``p_j = sigmoid(z_j + tau)``, where the shift ``tau`` is solved per draw so that the pool's
    probabilities sum to its pick count. ``sum_j sigmoid(z_j + tau)`` rises strictly from 0 to
    ``size`` as ``tau`` grows, so exactly one shift fits whenever ``0 < pick < size``, and every
    ``p_j`` lies in (0, 1). (``pick * softmax(z)`` would sum to ``pick`` too, but can pass 1.)
    The shift is found without gradient, and one last Newton step carries the exact implicit
    gradient ``d tau / d z_j = -p_j (1 - p_j) / sum_k p_k (1 - p_k)``. Predictions then go through
    :func:`~lotto_lab.strategies.base.scale_to_pick`, which keeps every probability within
    ``PROBABILITY_FLOOR`` of 0 and 1.

Training
    The loss is the log-loss of those probabilities in bits (binary cross-entropy summed over each
    pool's numbers, pools summed), the score of the backtest. Adam updates the weights on
    shuffled mini-batches. The last ``validation_fraction`` of the fitted draws is held back:
    after each epoch the validation log-loss is measured, the weights of the best epoch are kept,
    and training stops after ``patience`` epochs without improvement. Those validation draws lie
    inside the fitted history, so they come strictly before any draw the strategy is scored on.

Repeatability
    Each fit seeds PyTorch's CPU generator from ``seed`` inside :func:`torch.random.fork_rng`,
    keeps that random state between epochs (so several fits can advance in turns without
    sharing randomness), shuffles with its own :class:`torch.Generator`, turns on deterministic
    algorithms and caps ``torch.set_num_threads``. Global settings are restored afterwards. The
    same seed, data and thread count give the same weights and predictions on the same machine.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import torch
from tqdm.auto import tqdm

from lotto_lab.config import DEFAULT_SEED
from lotto_lab.errors import CheckpointError, ConfigError
from lotto_lab.games import GameSpec
from lotto_lab.models.network import LSTMNetwork, shifted_logits
from lotto_lab.models.scoring import uniform_log_loss_bits
from lotto_lab.models.training import FitSummary, TrainingRun, torch_settings
from lotto_lab.strategies.base import Strategy, scale_to_pick

if TYPE_CHECKING:
    from lotto_lab.backtest.folds import Fold
    from lotto_lab.history import DrawHistory

__all__ = ["LSTMConfig", "LSTMStrategy", "default_num_threads"]

log = logging.getLogger(__name__)


def default_num_threads() -> int:
    """Return the default PyTorch thread cap: two, or fewer when the machine has fewer cores."""
    return max(1, min(2, os.cpu_count() or 1))


def _config_error(name: str, rule_en: str, rule_zh: str, value: object) -> ConfigError:
    return ConfigError(
        f"LSTM parameter {name} must {rule_en}, got {value!r}",
        zh=f"LSTM 参数 {name} 必须{rule_zh}, 收到 {value!r}",
    )


@dataclass(frozen=True)
class LSTMConfig:
    """Hyperparameters and run settings of one LSTM strategy.

    Parameters
    ----------
    window
        Number of past draws the network reads for each prediction.
    hidden_size, num_layers
        Width and depth of the LSTM.
    dropout
        Dropout on the LSTM output and, with two or more layers, between layers.
    learning_rate
        Adam learning rate.
    batch_size
        Training samples (one target draw each) per optimiser step.
    max_epochs
        Upper bound on training epochs; early stopping usually ends training sooner.
    patience
        Epochs without a better validation log-loss before training stops.
    validation_fraction
        Share of the fitted draws, taken from their end, used for early stopping.
    weight_decay
        Adam's L2 penalty.
    feature_columns
        Columns of :func:`lotto_lab.features.feature_matrix` appended to each draw's input.
    seed
        Seed of the weights, the dropout masks and the batch order.
    num_threads
        Cap on PyTorch's CPU threads while fitting and predicting (``None``: two, or the
        number of cores when smaller).
    progress
        Show a tqdm progress bar over epochs.
    """

    window: int = 10
    hidden_size: int = 32
    num_layers: int = 1
    dropout: float = 0.0
    learning_rate: float = 1e-3
    batch_size: int = 64
    max_epochs: int = 30
    patience: int = 5
    validation_fraction: float = 0.2
    weight_decay: float = 0.0
    feature_columns: tuple[str, ...] = ()
    seed: int = DEFAULT_SEED
    num_threads: int | None = None
    progress: bool = False

    #: Run settings rather than hyperparameters; params() and checkpoints leave them out.
    RUNTIME_FIELDS: ClassVar[tuple[str, ...]] = ("num_threads", "progress")

    def __post_init__(self) -> None:
        object.__setattr__(self, "feature_columns", tuple(self.feature_columns))
        for name in ("window", "hidden_size", "num_layers", "batch_size", "max_epochs", "patience"):
            value = getattr(self, name)
            if not (_is_int(value) and value >= 1):
                raise _config_error(name, "be an integer >= 1", "是不小于 1 的整数", value)
        if self.num_threads is not None and not (_is_int(self.num_threads) and self.num_threads >= 1):
            raise _config_error(
                "num_threads", "be None or an integer >= 1", "为 None 或不小于 1 的整数", self.num_threads
            )
        if not 0 <= self.dropout < 1:
            raise _config_error("dropout", "lie in [0, 1)", "在 [0, 1) 之间", self.dropout)
        if not self.learning_rate > 0:
            raise _config_error("learning_rate", "be positive", "为正数", self.learning_rate)
        if not 0 < self.validation_fraction < 1:
            raise _config_error(
                "validation_fraction",
                "lie strictly between 0 and 1",
                "严格介于 0 和 1 之间",
                self.validation_fraction,
            )
        if not self.weight_decay >= 0:
            raise _config_error("weight_decay", "be >= 0", "不小于 0", self.weight_decay)

    @property
    def threads(self) -> int:
        """The thread cap in force: ``num_threads`` or :func:`default_num_threads`."""
        return self.num_threads if self.num_threads is not None else default_num_threads()

    def hyperparameters(self) -> dict[str, Any]:
        """Return every field except the run settings, as JSON-ready values."""
        values = dataclasses.asdict(self)
        for name in self.RUNTIME_FIELDS:
            values.pop(name)
        values["feature_columns"] = list(self.feature_columns)
        return values

    def split_sizes(self, n_draws: int) -> tuple[int, int]:
        """Return the (training, validation) sample counts of a fit on ``n_draws`` draws.

        Each sample is one target draw with ``window`` draws before it, so there are
        ``n_draws - window`` samples. At least one of them is a validation sample.
        """
        n_samples = n_draws - self.window
        n_validation = max(1, round(n_samples * self.validation_fraction))
        return n_samples - n_validation, n_validation

    def min_fit_draws(self) -> int:
        """Return the fewest draws a fit needs: enough for one training and one validation sample."""
        n_draws = self.window + 2
        while self.split_sizes(n_draws)[0] < 1:
            n_draws += 1
        return n_draws

    def check_fit_size(self, n_draws: int) -> None:
        """Raise :class:`ConfigError` unless ``n_draws`` draws give samples to train and validate on."""
        needed = self.min_fit_draws()
        if n_draws < needed:
            raise ConfigError(
                f"the LSTM with window={self.window} and validation_fraction={self.validation_fraction} "
                f"needs at least {needed} draws to fit, got {n_draws}",
                zh=f"window={self.window}、validation_fraction={self.validation_fraction} 的 LSTM "
                f"至少需要 {needed} 期数据才能训练, 实际只有 {n_draws} 期",
            )


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


class LSTMStrategy(Strategy):
    """Strategy backed by :class:`LSTMNetwork`. The module docstring describes the model.

    Build it from keyword parameters (``LSTMStrategy(window=8, hidden_size=16)``, as the
    strategy registry does) or from an :class:`LSTMConfig`.
    """

    name: ClassVar[str] = "lstm"

    def __init__(self, config: LSTMConfig | None = None, **params: Any) -> None:
        if config is not None and params:
            raise ConfigError(
                "give LSTMStrategy either a config or keyword parameters, not both",
                zh="LSTMStrategy 只能接受 config 或关键字参数之一, 不能同时给出",
            )
        if config is None:
            unknown = sorted(set(params) - {field.name for field in dataclasses.fields(LSTMConfig)})
            if unknown:
                raise ConfigError(
                    f"unknown LSTM parameter(s) {', '.join(unknown)}; valid parameters are "
                    f"{', '.join(field.name for field in dataclasses.fields(LSTMConfig))}",
                    zh=f"未知的 LSTM 参数 {', '.join(unknown)}",
                )
            config = LSTMConfig(**params)
        self.config = config
        self.game: GameSpec | None = None
        self.checkpoint_path: str | None = None
        self._network: LSTMNetwork | None = None
        self._fit_summary: FitSummary | None = None
        self._feature_mean: np.ndarray | None = None
        self._feature_std: np.ndarray | None = None
        self._uniform_bits = 0.0

    # -- public API -------------------------------------------------------------------------

    @property
    def is_fitted(self) -> bool:
        """True once a fit finished or a checkpoint was loaded."""
        return self._fit_summary is not None and self._network is not None

    @property
    def network(self) -> LSTMNetwork:
        """The fitted network."""
        self._require_fitted()
        assert self._network is not None
        return self._network

    @property
    def fit_summary(self) -> FitSummary:
        """Data range and training record of the last fit."""
        self._require_fitted()
        assert self._fit_summary is not None
        return self._fit_summary

    @property
    def input_size(self) -> int:
        """Length of one draw's input row: every pool's size plus the feature columns."""
        if self.game is None:
            raise RuntimeError("the strategy has no game until it is fitted")
        return sum(pool.size for pool in self.game.pools) + len(self.config.feature_columns)

    def params(self) -> dict[str, object]:
        """Return the hyperparameters (run settings such as the thread cap left out)."""
        return self.config.hyperparameters()

    def start_fit(self, history: DrawHistory) -> TrainingRun:
        """Prepare a fit on ``history`` and return it as an unstarted :class:`TrainingRun`."""
        self._prepare(history)
        return TrainingRun(self, history)

    def fit(self, history: DrawHistory) -> LSTMStrategy:
        """Train on ``history`` with early stopping on its last draws and return ``self``."""
        run = self.start_fit(history)
        epochs = tqdm(
            range(self.config.max_epochs), desc="LSTM epochs", disable=not self.config.progress, leave=False
        )
        for _ in epochs:
            stats = run.run_epoch()
            epochs.set_postfix(validation_lift=f"{stats.validation_lift:.4f}")
            if run.done:
                break
        epochs.close()
        run.finish()
        summary = self.fit_summary
        log.info(
            "LSTM fitted on %d draws (%d..%d): %d epochs, best epoch %d, validation lift %.4f bits/draw",
            summary.n_draws,
            summary.first_issue,
            summary.last_issue,
            summary.epochs_run,
            summary.best_epoch,
            summary.best_validation_lift,
        )
        return self

    def predict_proba(self, history: DrawHistory) -> dict[str, np.ndarray]:
        """Return per pool the inclusion probabilities for the draw after ``history``'s last one."""
        self._require_fitted()
        self._check_game(history)
        if len(history) == 0:
            raise ConfigError("cannot predict from an empty history", zh="历史数据为空, 无法预测")
        windows = self._windows(self._encode(history), np.array([len(history) - 1]))
        return {name: p[0] for name, p in self._predict_windows(windows).items()}

    def predict_folds(self, history: DrawHistory, folds: Sequence[Fold]) -> dict[str, np.ndarray]:
        """Return per pool an ``(n_folds, size)`` array of the predictions made at each fold's cutoff.

        The network is fitted once per distinct training window, in fold order, and each fold is
        predicted from the draws ``train_start .. cutoff``. No fold sees its target.
        """
        self._check_game(history)
        self._validate_folds(history, folds)
        out = {pool.name: np.empty((len(folds), pool.size)) for pool in history.game.pools}

        groups: dict[tuple[int, int], list[int]] = {}
        for index, fold in enumerate(folds):
            groups.setdefault((fold.train_start, fold.train_end), []).append(index)

        for (train_start, train_end), indices in groups.items():
            self.fit(history.slice(train_start, train_end + 1))
            last_cutoff = max(folds[i].cutoff for i in indices)
            encoded = self._encode(history.slice(train_start, last_cutoff + 1))
            cutoffs = np.array([folds[i].cutoff - train_start for i in indices])
            prediction = self._predict_windows(self._windows(encoded, cutoffs))
            for name, p in prediction.items():
                out[name][indices] = p
        return out

    def predict_cutoffs(self, history: DrawHistory, cutoffs: Sequence[int]) -> dict[str, np.ndarray]:
        """Return per pool an ``(n, size)`` array: predictions from the current weights made at
        each cutoff (a position in ``history``), each seeing draws up to its cutoff only.

        Unlike :meth:`predict_folds` this does not refit, so tuning uses it to score the weights of
        a fit that is still training.
        """
        if self._network is None:
            raise RuntimeError("the strategy has no network yet; call fit() or start_fit() first")
        self._check_game(history)
        positions = np.asarray(cutoffs, dtype=np.int64)
        if len(positions) and (positions.min() < 0 or positions.max() >= len(history)):
            raise ValueError(f"cutoffs must lie in 0..{len(history) - 1}, got {positions.tolist()}")
        return self._predict_windows(self._windows(self._encode(history), positions))

    # -- internals --------------------------------------------------------------------------

    def _require_fitted(self) -> None:
        if not self.is_fitted:
            raise RuntimeError("the LSTM strategy is not fitted; call fit() or load a checkpoint first")

    def _check_game(self, history: DrawHistory) -> None:
        if self.game is None or history.game.name == self.game.name:
            return
        if self.checkpoint_path is not None:
            raise CheckpointError(
                f"the LSTM checkpoint {self.checkpoint_path} was trained on {self.game.name.upper()} "
                f"draws and cannot predict {history.game.name.upper()} draws; load the checkpoint "
                f"of {history.game.name.upper()}",
                zh=f"LSTM 模型文件 {self.checkpoint_path} 是用 {self.game.name.upper()} 数据训练的, "
                f"不能预测 {history.game.name.upper()}; 请加载 {history.game.name.upper()} 的模型文件",
            )
        raise ConfigError(
            f"the LSTM was fitted on {self.game.name.upper()} draws and cannot predict "
            f"{history.game.name.upper()} draws",
            zh=f"LSTM 是用 {self.game.name.upper()} 数据训练的, 不能预测 {history.game.name.upper()}",
        )

    def _validate_folds(self, history: DrawHistory, folds: Sequence[Fold]) -> None:
        if not folds:
            raise ConfigError("predict_folds needs at least one fold", zh="predict_folds 至少需要一个折")
        last_target = max(fold.target for fold in folds)
        if last_target >= len(history):
            raise ConfigError(
                f"a fold targets position {last_target} but the history has {len(history)} draws",
                zh=f"有一个折的目标位置为 {last_target}, 但历史数据只有 {len(history)} 期",
            )
        self.config.check_fit_size(min(fold.train_size for fold in folds))

    def _prepare(self, history: DrawHistory) -> None:
        """Set the game, the input scaling and uniform's log-loss from the draws to be fitted."""
        self.game = history.game
        self.checkpoint_path = None
        self._fit_summary = None
        self._uniform_bits = uniform_log_loss_bits(history.game)
        if self.config.feature_columns:
            values = self._feature_values(history)
            self._feature_mean = np.nanmean(values, axis=0)
            std = np.nanstd(values, axis=0)
            self._feature_std = np.where(np.isfinite(std) & (std > 0), std, 1.0)
            self._feature_mean = np.where(np.isfinite(self._feature_mean), self._feature_mean, 0.0)
        else:
            self._feature_mean = self._feature_std = None

    def _new_network(self) -> LSTMNetwork:
        assert self.game is not None
        return LSTMNetwork(
            input_size=self.input_size,
            pool_sizes=[pool.size for pool in self.game.pools],
            hidden_size=self.config.hidden_size,
            num_layers=self.config.num_layers,
            dropout=self.config.dropout,
        )

    def _feature_values(self, history: DrawHistory) -> np.ndarray:
        """Return ``(n_draws, n_columns)``: row ``i`` contains the features known once draw ``i`` is in.

        Row ``i + 1`` of :func:`~lotto_lab.features.feature_matrix` is computed from draws
        ``0 .. i``, so an input row never reads a draw after the one it stands for.
        """
        from lotto_lab.features.matrix import feature_matrix

        matrix, names = feature_matrix(history)
        position = {name: index for index, name in enumerate(names)}
        columns = list(self.config.feature_columns)
        missing = [column for column in columns if column not in position]
        if missing:
            raise ConfigError(
                f"feature column(s) {', '.join(missing)} not found; feature_matrix provides columns "
                f"such as {', '.join(names[-5:])}",
                zh=f"找不到特征列 {', '.join(missing)}",
            )
        return matrix[1:, [position[column] for column in columns]]

    def _encode(self, history: DrawHistory) -> np.ndarray:
        """Return the ``(n_draws, input_size)`` float32 input rows of ``history``."""
        parts: list[np.ndarray] = [history.indicators(pool.name) for pool in history.game.pools]
        if self.config.feature_columns:
            assert self._feature_mean is not None and self._feature_std is not None
            scaled = (self._feature_values(history) - self._feature_mean) / self._feature_std
            parts.append(np.nan_to_num(scaled, nan=0.0, posinf=0.0, neginf=0.0))
        return np.concatenate(parts, axis=1).astype(np.float32)

    def _windows(self, encoded: np.ndarray, cutoffs: np.ndarray) -> np.ndarray:
        """Return ``(len(cutoffs), window, input_size)``: the rows up to each cutoff, zero-padded."""
        window = self.config.window
        padded = np.concatenate([np.zeros((window - 1, encoded.shape[1]), np.float32), encoded])
        # Row ``cutoff`` of ``encoded`` is row ``cutoff + window - 1`` of ``padded``.
        index = cutoffs[:, None] + np.arange(window)[None, :]
        return padded[index]

    def _training_tensors(self, history: DrawHistory) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Return inputs ``(n_samples, window, input_size)`` and per-pool 0/1 targets.

        Sample ``i`` predicts draw ``window + i`` from the draws before it.
        """
        window = self.config.window
        encoded = self._encode(history)
        cutoffs = np.arange(window - 1, len(history) - 1)
        inputs = torch.from_numpy(np.ascontiguousarray(self._windows(encoded, cutoffs)))
        targets = [
            torch.from_numpy(history.indicators(pool.name)[window:].astype(np.float32))
            for pool in history.game.pools
        ]
        return inputs, targets

    def _predict_windows(self, windows: np.ndarray) -> dict[str, np.ndarray]:
        assert self.game is not None and self._network is not None
        network = self._network
        was_training = network.training
        network.eval()
        with torch_settings(self.config.threads), torch.no_grad():
            logits = network(torch.from_numpy(np.ascontiguousarray(windows)))
        network.train(was_training)
        out = {}
        for pool, pool_logits in zip(self.game.pools, logits, strict=True):
            shifted = shifted_logits(pool_logits.to(torch.float64), pool.pick)
            out[pool.name] = scale_to_pick(torch.sigmoid(shifted).numpy(), pool.pick)
        return out

    @classmethod
    def _restore(
        cls,
        config: LSTMConfig,
        game: GameSpec,
        state_dict: Mapping[str, torch.Tensor],
        summary: FitSummary,
        feature_mean: np.ndarray | None,
        feature_std: np.ndarray | None,
    ) -> LSTMStrategy:
        """Rebuild a fitted strategy from checkpoint parts, raising what ``load_state_dict`` raises."""
        strategy = cls(config)
        strategy.game = game
        strategy._uniform_bits = uniform_log_loss_bits(game)
        strategy._feature_mean = feature_mean
        strategy._feature_std = feature_std
        network = strategy._new_network()
        network.load_state_dict(state_dict)
        network.eval()
        strategy._network = network
        strategy._fit_summary = summary
        return strategy
