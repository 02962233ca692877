"""Benchmarks of the LSTM training loop and its Optuna tuning; prints a Markdown table.

Run ``python benchmarks/bench_lstm.py`` (about 10 minutes on 2 cores) or add ``--quick`` for a
short run with fewer repeats and trials. Every figure comes from fair synthetic SSQ draws
(:func:`lotto_lab.synthetic.fair_history`), so no store is needed.

Measured:

1. Epoch time of :class:`lotto_lab.models.training.TrainingRun` against a bare PyTorch loop that
   trains the same network on the same tensors with the same optimiser and also measures the
   validation loss after each epoch (target: at most 1.1 times the bare loop).
2. Optuna overhead per trial: the part of each trial's duration not spent training and scoring,
   on 3,000 draws with SQLite storage, the median pruner and the default search space cut to
   5-10 epochs (target: at most 5% of the trial time).
3. Epochs saved by pruning over a fixed 30-trial study: the epochs a study trains with the
   median, successive-halving or Hyperband pruner against the epochs the same 30 trials train
   with no pruner (each pruned trial is run again unpruned), same seed, search space and early
   stopping (target: at least 50% saved). The saving against a separate study without pruner,
   the best validation lift and the best trial's holdout lift are shown beside it, and so are the
   epochs early stopping saves from the trials' epoch budget.
4. Trials per hour with 1 and 2 worker processes sharing one SQLite study.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import optuna
import torch

from lotto_lab.history import DrawHistory
from lotto_lab.models.lstm import LSTMConfig, LSTMStrategy
from lotto_lab.models.network import network_log_loss_bits
from lotto_lab.models.scoring import lift_bits
from lotto_lab.models.training import TrainingRun
from lotto_lab.models.tuning import (
    SearchSpace,
    TuningSettings,
    load_study,
    run_study,
    split_holdout,
    trial_config,
)
from lotto_lab.synthetic import fair_history

#: The studies of the pruning figure, the one without a pruner first.
PRUNERS = ("none", "median", "halving", "hyperband")

BENCH_SPACE = SearchSpace(
    window=(4, 20),
    hidden_size=(16, 32, 64),
    num_layers=(1, 2),
    dropout=(0.0, 0.3),
    learning_rate=(1e-4, 1e-2),
    batch_size=(32, 64, 128),
    epochs=(5, 30),
)

WORKER = """
import sys
from lotto_lab.models.tuning import SearchSpace, TuningSettings, run_study
from lotto_lab.synthetic import fair_history
space = SearchSpace(window=(4, 12), hidden_size=(16, 32), num_layers=(1, 1), dropout=(0.0, 0.2),
                    learning_rate=(1e-3, 1e-2), batch_size=(64, 128), epochs=(5, 10))
settings = TuningSettings(game="ssq", n_trials=None, timeout=float(sys.argv[3]), holdout_size=100,
                          validation_size=100, validation_folds=1, max_epochs=10, storage=sys.argv[1],
                          study_name="throughput", worker=int(sys.argv[2]), search_space=space,
                          num_threads=int(sys.argv[4]), seed=7)
run_study(fair_history("ssq", 1500, seed=3), settings)
"""


def _quiet() -> None:
    optuna.logging.set_verbosity(optuna.logging.WARNING)


def bench_epoch(epochs: int, threads: int) -> dict[str, float]:
    """Return the median epoch time of TrainingRun and of a bare loop, and their ratio.

    The two loops run their epochs in turns, so a change in the machine's load hits both alike.
    """
    history = fair_history("ssq", 3000, seed=1)
    config = LSTMConfig(
        window=10, hidden_size=32, batch_size=64, max_epochs=10_000, patience=10_000, num_threads=threads
    )
    run = LSTMStrategy(config).start_fit(history)
    bare = _BareLoop(run, config)
    run.run_epoch()  # warm-up
    bare.epoch()

    ours, plain = [], []
    for _ in range(epochs):
        started = time.perf_counter()
        run.run_epoch()
        ours.append(time.perf_counter() - started)
        plain.append(bare.timed_epoch(threads))
    return {
        "ours_s": statistics.median(ours),
        "bare_s": statistics.median(plain),
        "ratio": statistics.median(ours) / statistics.median(plain),
    }


class _BareLoop:
    """A plain PyTorch loop over the same network class, tensors and optimiser as a TrainingRun."""

    def __init__(self, run: TrainingRun, config: LSTMConfig) -> None:
        torch.manual_seed(config.seed)
        self.network = run.strategy._new_network()
        self.optimizer = torch.optim.Adam(self.network.parameters(), lr=config.learning_rate)
        self.generator = torch.Generator().manual_seed(config.seed)
        self.batch_size = config.batch_size
        self.inputs, self.targets = run._train_inputs, run._train_targets
        self.validation_inputs, self.validation_targets = run._validation_inputs, run._validation_targets
        self.picks = run._picks

    def epoch(self) -> None:
        """Train one epoch, then measure the validation loss, as TrainingRun.run_epoch does."""
        self.network.train()
        order = torch.randperm(self.inputs.shape[0], generator=self.generator)
        for batch in torch.split(order, self.batch_size):
            targets = [target[batch] for target in self.targets]
            loss = network_log_loss_bits(self.network, self.picks, self.inputs[batch], targets)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
        self.network.eval()
        with torch.no_grad():
            network_log_loss_bits(self.network, self.picks, self.validation_inputs, self.validation_targets)

    def timed_epoch(self, threads: int) -> float:
        """Return the seconds of one epoch run with ``threads`` PyTorch threads."""
        previous = torch.get_num_threads()
        torch.set_num_threads(threads)
        started = time.perf_counter()
        self.epoch()
        elapsed = time.perf_counter() - started
        torch.set_num_threads(previous)
        return elapsed


def bench_overhead(n_trials: int, workdir: Path) -> dict[str, float]:
    """Return the summed trial durations of a study, the part spent training and scoring, and the
    rest (time in Optuna) as a share of the durations.

    A trial's duration runs from its creation to its end in the storage, so it includes the sampling,
    the per-epoch reports and every storage write of the trial. The objective records the time it
    spends training and scoring (user attribute ``compute_s``); the difference is Optuna's.
    """
    history = fair_history("ssq", 3000, seed=2)
    settings = TuningSettings(
        game="ssq",
        n_trials=n_trials,
        holdout_size=100,
        validation_size=100,
        validation_folds=2,
        max_epochs=10,
        pruner="median",
        storage=f"sqlite:///{workdir / 'overhead.db'}",
        study_name="overhead",
        search_space=dataclasses.replace(SearchSpace(), epochs=(5, 10)),
        num_threads=1,
        seed=11,
    )
    study = run_study(history, settings)
    durations = sum(trial.duration.total_seconds() for trial in study.trials)
    compute = sum(trial.user_attrs["compute_s"] for trial in study.trials)
    return {
        "study_s": durations,
        "plain_s": compute,
        "share": (durations - compute) / durations,
        "per_trial_ms": (durations - compute) / len(study.trials) * 1000,
    }


def _holdout_lift(history: DrawHistory, params: dict[str, object], settings: TuningSettings) -> float:
    """Return the mean holdout lift (bits per draw) of a trial's configuration fitted on the
    pre-holdout draws, each holdout draw predicted from the draws before it."""
    config = trial_config(params, settings)
    model = LSTMStrategy(config).fit(split_holdout(history, settings.holdout_size))
    targets = np.arange(len(history) - settings.holdout_size, len(history))
    prediction = model.predict_cutoffs(history, targets - 1)
    outcomes = {pool.name: history.indicators(pool.name)[targets] for pool in history.game.pools}
    return float(lift_bits(history.game, prediction, outcomes).mean())


def _unpruned_epochs(
    history: DrawHistory, study: optuna.Study, settings: TuningSettings, workdir: Path
) -> int:
    """Return the epochs the study's trials would train with no pruner.

    A complete trial counts its own epochs. Each pruned trial is run again, with the same
    parameters and seed and no pruner, to the end early stopping gives it.
    """
    pruned = [trial for trial in study.trials if trial.state.name == "PRUNED"]
    epochs = sum(trial.user_attrs.get("epochs", 0) for trial in study.trials if trial.state.name != "PRUNED")
    if not pruned:
        return epochs
    replay = dataclasses.replace(
        settings,
        n_trials=len(pruned),
        pruner="none",
        storage=f"sqlite:///{workdir / f'replay-{settings.pruner}.db'}",
        study_name="replay",
    )
    queue = load_study(replay, "replay")
    for trial in pruned:
        queue.enqueue_trial(trial.params)
    replayed = run_study(history, replay)
    return epochs + sum(trial.user_attrs["epochs"] for trial in replayed.trials)


def bench_pruning(n_trials: int, workdir: Path) -> dict[str, dict[str, float]]:
    """Return, per pruner, the epochs of one study, the epochs its own trials would train with no
    pruner, the best validation value and the holdout lift of the best trial."""
    history = fair_history("ssq", 1500, seed=4)
    out = {}
    for pruner in PRUNERS:
        settings = TuningSettings(
            game="ssq",
            n_trials=n_trials,
            holdout_size=100,
            validation_size=100,
            validation_folds=2,
            max_epochs=30,
            patience=5,
            pruner=pruner,
            storage="memory",
            search_space=BENCH_SPACE,
            num_threads=1,
            seed=13,
        )
        started = time.perf_counter()
        study = run_study(history, settings)
        wall_s = time.perf_counter() - started
        out[pruner] = {
            "epochs": sum(trial.user_attrs.get("epochs", 0) for trial in study.trials),
            "unpruned": _unpruned_epochs(history, study, settings, workdir),
            "budget": sum(trial.params["epochs"] * settings.validation_folds for trial in study.trials),
            "pruned": sum(trial.state.name == "PRUNED" for trial in study.trials),
            "best": study.best_value,
            "holdout": _holdout_lift(history, study.best_params, settings),
            "wall_s": wall_s,
        }
    return out


def bench_throughput(seconds: float, workdir: Path) -> dict[str, float]:
    """Return trials per hour with one worker process (1 and 2 threads) and with two (1 thread each)."""
    setups = {"1 worker x 1 thread": (1, 1), "1 worker x 2 threads": (1, 2), "2 workers x 1 thread": (2, 1)}
    out = {}
    for label, (n_workers, threads) in setups.items():
        url = f"sqlite:///{workdir / f'throughput-{n_workers}-{threads}.db'}"
        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, url, str(number), str(seconds), str(threads)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for number in range(n_workers)
        ]
        for worker in workers:
            _, stderr = worker.communicate()
            if worker.returncode != 0:
                raise RuntimeError(f"worker failed: {stderr.decode()[-2000:]}")
        elapsed = time.perf_counter() - started
        study = optuna.load_study(storage=url, study_name="throughput")
        finished = [trial for trial in study.trials if trial.state.is_finished()]
        out[label] = len(finished) / elapsed * 3600
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and trials (about 3 minutes)")
    args = parser.parse_args()
    _quiet()

    epochs = 5 if args.quick else 15
    overhead_trials = 3 if args.quick else 6
    pruning_trials = 10 if args.quick else 30
    throughput_s = 30.0 if args.quick else 90.0

    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        epoch = {threads: bench_epoch(epochs, threads) for threads in (1, 2)}
        overhead = bench_overhead(overhead_trials, workdir)
        pruning = bench_pruning(pruning_trials, workdir)
        throughput = bench_throughput(throughput_s, workdir)

    rows = []
    for threads, figures in epoch.items():
        rows.append(
            (
                f"epoch time, {threads} thread(s): TrainingRun / bare loop",
                f"{figures['ours_s'] * 1000:.1f} ms / {figures['bare_s'] * 1000:.1f} ms "
                f"= {figures['ratio']:.3f}x",
                "<= 1.1x",
            )
        )
    rows.append(
        (
            f"Optuna overhead over {overhead_trials} trials (SQLite, median pruner)",
            f"{overhead['study_s']:.1f} s of trials, {overhead['plain_s']:.1f} s training and scoring: "
            f"{overhead['share']:.1%} ({overhead['per_trial_ms']:.0f} ms per trial)",
            "<= 5%",
        )
    )
    baseline = pruning["none"]
    rows.append(
        (
            f"epochs trained without pruner over {pruning_trials} trials (early stopping only)",
            f"{baseline['epochs']} of a budget of {baseline['budget']} epochs "
            f"= {1 - baseline['epochs'] / baseline['budget']:.0%} saved by early stopping "
            f"(best {baseline['best']:+.4f} bits, holdout {baseline['holdout']:+.4f} bits)",
            "",
        )
    )
    for pruner in PRUNERS[1:]:
        figures = pruning[pruner]
        rows.append(
            (
                f"epochs saved by {pruner} pruner over {pruning_trials} trials",
                f"{figures['epochs']} vs {figures['unpruned']} epochs the same trials train unpruned "
                f"= {1 - figures['epochs'] / figures['unpruned']:.0%} saved "
                f"({1 - figures['epochs'] / baseline['epochs']:.0%} against the study without pruner; "
                f"{figures['pruned']} pruned; best {figures['best']:+.4f} vs {baseline['best']:+.4f} bits, "
                f"holdout {figures['holdout']:+.4f} vs {baseline['holdout']:+.4f} bits)",
                ">= 50%",
            )
        )
    for label, rate in throughput.items():
        rows.append((f"trials per hour, {label}", f"{rate:.0f}", ""))

    print("| measure | result | target |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
