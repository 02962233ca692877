"""Benchmarks of the walking skeleton: ingest, features, backtest, predict and run --quick memory.

Run with ``make benchmark`` or ``.venv/bin/python benchmarks/run.py [--all]``. It prints a
Markdown table with the figure, the target and the machine, ready for ``docs/benchmarks.md``.
The LSTM and evaluation benchmarks live in ``bench_lstm.py`` and ``bench_evaluation.py`` beside this
file; ``--all`` runs them after these.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from timing import best_of, machine_description  # noqa: E402


def bench_ingest(work: Path) -> float:
    from lotto_lab.store import ingest

    counter = iter(range(100))

    def ingest_fresh() -> None:
        ingest(work / f"ingest-{next(counter)}.duckdb", None, "bundled")

    ingest_fresh()  # warm the imports and the file cache
    return best_of(3, ingest_fresh)


def bench_features(db_path: Path) -> float:
    from lotto_lab.features import feature_matrix
    from lotto_lab.store import load_history

    history = load_history(db_path, "ssq")
    feature_matrix(history)
    return best_of(5, lambda: feature_matrix(history))


def bench_backtest(db_path: Path) -> tuple[float, int]:
    from lotto_lab.backtest.folds import make_folds
    from lotto_lab.backtest.runner import run_backtest
    from lotto_lab.store import load_history
    from lotto_lab.strategies.registry import make_strategy, non_neural_strategies

    history = load_history(db_path, "ssq")
    folds = make_folds(len(history), initial_train_size=50, refit_every=1)

    def backtest() -> None:
        strategies = [make_strategy(name) for name in non_neural_strategies()]
        run_backtest(history, strategies, folds, seed=1)

    backtest()
    return best_of(3, backtest), len(folds)


def _median_command_time(command: list[str], env: dict[str, str], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _tree_rss_bytes(pid: int) -> int:
    import psutil

    try:
        parent = psutil.Process(pid)
        processes = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def bench_run_quick(work: Path) -> tuple[float, float, dict[str, str]]:
    """Run ``lotto-lab run --quick`` once; return wall seconds, peak RSS of its process tree (MB), env."""
    env = dict(os.environ)
    env.update(
        LOTTO_LAB_DB=str(work / "run.duckdb"),
        LOTTO_LAB_REPORTS=str(work / "reports"),
        LOTTO_LAB_PROGRESS="0",
    )
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "lotto-lab"), "run", "--quick"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss_bytes(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"lotto-lab run --quick failed:\n{stderr.decode(errors='replace')}")
    return time.perf_counter() - start, peak / 2**20, env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="also run the LSTM and evaluation benchmarks")
    args = parser.parse_args(argv)

    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="lotto-bench-") as folder:
        work = Path(folder)
        ingest_seconds = bench_ingest(work)
        rows.append(("ingest both games from the bundled files", f"{ingest_seconds:.3f} s", "≤ 0.3 s"))
        db_path = work / "ingest-0.duckdb"

        features_seconds = bench_features(db_path)
        rows.append(("full feature matrix, SSQ (3,493 draws)", f"{features_seconds:.3f} s", "≤ 0.1 s"))

        backtest_seconds, n_folds = bench_backtest(db_path)
        rows.append(
            (
                f"backtest of all non-neural strategies, refit every draw, SSQ ({n_folds} folds)",
                f"{backtest_seconds:.3f} s",
                "≤ 1 s",
            )
        )

        run_seconds, peak_mb, env = bench_run_quick(work)
        rows.append(("`lotto-lab run --quick` wall time", f"{run_seconds:.0f} s", "(no target)"))
        rows.append(("`lotto-lab run --quick` peak memory (process tree RSS)", f"{peak_mb:.0f} MB", "≤ 1 GB"))

        predict = _median_command_time([str(BIN / "lotto-lab"), "predict", "--game", "ssq", "--json"], env)
        bare = _median_command_time([sys.executable, "-c", "import torch"], env)
        rows.append(
            (
                "`lotto-lab predict --game ssq --json` vs `python -c 'import torch'`",
                f"{predict:.2f} s vs {bare:.2f} s ({predict / bare:.2f}×)",
                "≤ 1.3×",
            )
        )

    print(f"Machine: {machine_description()}\n")
    print("| benchmark | measured | target |\n|---|---|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")

    if args.all:
        for script in ("bench_lstm.py", "bench_evaluation.py"):
            print(f"\n## {script}\n", flush=True)
            subprocess.run([sys.executable, str(Path(__file__).with_name(script))], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
