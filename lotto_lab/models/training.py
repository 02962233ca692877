"""Training of the LSTM network: one fit advanced an epoch at a time, with early stopping.

Every step runs under :func:`torch_settings`: a private CPU random state carried from epoch to
epoch, deterministic algorithms and a cap on PyTorch's threads, with the global settings restored
afterwards.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from lotto_lab.models.network import network_log_loss_bits

if TYPE_CHECKING:
    from lotto_lab.history import DrawHistory
    from lotto_lab.models.lstm import LSTMStrategy

__all__ = ["EpochStats", "FitSummary", "TrainingRun", "torch_settings"]

log = logging.getLogger(__name__)


@contextmanager
def torch_settings(num_threads: int, rng_state: torch.Tensor | None = None) -> Iterator[None]:
    """Run a block with a private CPU random state, deterministic algorithms and a thread cap.

    The caller reads ``torch.get_rng_state()`` inside the block to carry the state forward. The
    global random state, thread count and deterministic flag are restored on exit.
    """
    previous_threads = torch.get_num_threads()
    previous_deterministic = torch.are_deterministic_algorithms_enabled()
    with torch.random.fork_rng(devices=[]):
        if rng_state is not None:
            torch.set_rng_state(rng_state)
        torch.set_num_threads(num_threads)
        torch.use_deterministic_algorithms(True)
        try:
            yield
        finally:
            torch.use_deterministic_algorithms(previous_deterministic)
            torch.set_num_threads(previous_threads)


@dataclass(frozen=True)
class EpochStats:
    """Log-losses after one epoch, in bits per draw. The lift is uniform's log-loss minus the loss."""

    epoch: int
    train_log_loss: float
    validation_log_loss: float
    validation_lift: float
    improved: bool


@dataclass(frozen=True)
class FitSummary:
    """Data range and training record of one fit."""

    first_issue: int
    last_issue: int
    n_draws: int
    epochs_run: int
    best_epoch: int
    best_validation_lift: float

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready values."""
        return dataclasses.asdict(self)


class TrainingRun:
    """One fit in progress, advanced an epoch at a time by :meth:`run_epoch`.

    :meth:`LSTMStrategy.fit` runs it to the end. Tuning advances the fits of several
    walk-forward windows in turns, to report one validation figure per epoch to the pruner.
    Call :meth:`finish` to load the best epoch's weights into the strategy.
    """

    def __init__(self, strategy: LSTMStrategy, history: DrawHistory) -> None:
        config = strategy.config
        config.check_fit_size(len(history))
        self.strategy = strategy
        self.history = history
        self.epochs_run = 0
        self.best_epoch = 0
        self.best_log_loss = math.inf
        self.epoch_stats: list[EpochStats] = []
        self._bad_epochs = 0
        self._uniform_bits = strategy._uniform_bits

        inputs, targets = strategy._training_tensors(history)
        n_train, n_validation = config.split_sizes(len(history))
        self._train_inputs, self._validation_inputs = inputs[:n_train], inputs[n_train:]
        self._train_targets = [target[:n_train] for target in targets]
        self._validation_targets = [target[n_train:] for target in targets]
        self._picks = [pool.pick for pool in history.game.pools]

        with torch_settings(config.threads):
            torch.manual_seed(config.seed)
            self.network = strategy._new_network()
            self._rng_state = torch.get_rng_state()
        self._generator = torch.Generator().manual_seed(config.seed)
        self._optimizer = torch.optim.Adam(
            self.network.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
        )
        self._best_state = copy.deepcopy(self.network.state_dict())
        strategy._network = self.network

    @property
    def done(self) -> bool:
        """True once early stopping fired or ``max_epochs`` epochs have run."""
        config = self.strategy.config
        return self.epochs_run >= config.max_epochs or self._bad_epochs >= config.patience

    def run_epoch(self) -> EpochStats:
        """Train one epoch, measure the validation log-loss and keep the weights if they improved."""
        if self.done:
            raise RuntimeError("this training run has finished; start a new fit to train again")
        config = self.strategy.config
        n_train = self._train_inputs.shape[0]

        with torch_settings(config.threads, self._rng_state):
            self.network.train()
            order = torch.randperm(n_train, generator=self._generator)
            train_sum = 0.0
            for batch in torch.split(order, config.batch_size):
                loss = network_log_loss_bits(
                    self.network,
                    self._picks,
                    self._train_inputs[batch],
                    [target[batch] for target in self._train_targets],
                )
                self._optimizer.zero_grad(set_to_none=True)
                loss.backward()
                self._optimizer.step()
                train_sum += float(loss.detach()) * len(batch)

            self.network.eval()
            with torch.no_grad():
                validation = float(
                    network_log_loss_bits(
                        self.network, self._picks, self._validation_inputs, self._validation_targets
                    )
                )
            self._rng_state = torch.get_rng_state()

        self.epochs_run += 1
        improved = validation < self.best_log_loss - 1e-9
        if improved:
            self.best_log_loss = validation
            self.best_epoch = self.epochs_run
            self._best_state = copy.deepcopy(self.network.state_dict())
            self._bad_epochs = 0
        else:
            self._bad_epochs += 1
        stats = EpochStats(
            epoch=self.epochs_run,
            train_log_loss=train_sum / n_train,
            validation_log_loss=validation,
            validation_lift=self._uniform_bits - validation,
            improved=improved,
        )
        self.epoch_stats.append(stats)
        log.debug(
            "epoch %d: train log-loss %.4f, validation log-loss %.4f bits/draw",
            stats.epoch,
            stats.train_log_loss,
            stats.validation_log_loss,
        )
        return stats

    def finish(self) -> LSTMStrategy:
        """Load the best epoch's weights into the strategy and return it, ready to predict."""
        self.network.load_state_dict(self._best_state)
        self.network.eval()
        summary = FitSummary(
            first_issue=int(self.history.issues[0]),
            last_issue=self.history.last_issue,
            n_draws=len(self.history),
            epochs_run=self.epochs_run,
            best_epoch=self.best_epoch,
            best_validation_lift=self._uniform_bits - self.best_log_loss,
        )
        self.strategy._fit_summary = summary
        log.debug(
            "LSTM fitted on %d draws (%d..%d): %d epochs, best epoch %d, validation lift %.4f bits/draw",
            summary.n_draws,
            summary.first_issue,
            summary.last_issue,
            summary.epochs_run,
            summary.best_epoch,
            summary.best_validation_lift,
        )
        return self.strategy
