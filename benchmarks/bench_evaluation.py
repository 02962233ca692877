"""Benchmarks of the evaluation layer: the full evaluation of every strategy and the full audit.

Run with ``.venv/bin/python benchmarks/bench_evaluation.py`` (``benchmarks/run.py --all`` runs it
too). It loads the bundled SSQ and DLT histories into a temporary store, backtests every non-neural
strategy over each (not timed), then times:

- ``evaluate`` on both games' backtests together, with the stated bootstrap size (target 2 s);
- ``run_audit`` on both games with 3 eras and no simulation (target 5 s);
- the audit's Monte Carlo part alone, for the stated number of simulated histories (no target).

The evaluate and audit figures are the best of three calls; the Monte Carlo part is timed once.
The output is a Markdown table for ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import best_of, machine_description  # noqa: E402

GAMES = ("ssq", "dlt")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--bootstrap", type=int, default=1000, help="bootstrap replicates of evaluate (default: 1000)"
    )
    parser.add_argument(
        "--simulations", type=int, default=200, help="simulated histories of the audit (default: 200)"
    )
    options = parser.parse_args(argv)

    from lotto_lab.backtest.folds import make_folds
    from lotto_lab.backtest.runner import run_backtest
    from lotto_lab.evaluation.audit import run_audit
    from lotto_lab.evaluation.summary import evaluate
    from lotto_lab.store import ingest, load_history, load_money, load_prizes
    from lotto_lab.strategies.registry import make_strategy, non_neural_strategies

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.duckdb"
        ingest(db, None, "bundled")
        histories = {game: load_history(db, game) for game in GAMES}
        money = {game: load_money(db, game) for game in GAMES}
        prizes = {game: load_prizes(db, game) for game in GAMES}

    backtests = {}
    for game, history in histories.items():
        # Start where a prize rule covers the targets (DLT rules start in 2007).
        first = next(
            i for i, issue in enumerate(history.issues) if issue >= history.game.prize_rules[0].first_issue
        )
        folds = make_folds(len(history), initial_train_size=100, first_target=max(first, 100))
        strategies = [make_strategy(name) for name in non_neural_strategies()]
        backtests[game] = run_backtest(
            history, strategies, folds, seed=1, prizes=prizes[game], money=money[game]
        )

    def evaluate_all() -> None:
        for game, result in backtests.items():
            evaluate(
                result, game, prizes=prizes[game], money=money[game], n_bootstrap=options.bootstrap, seed=1
            )

    def audit_all() -> None:
        for history in histories.values():
            run_audit(history, eras=3)

    def audit_simulations() -> None:
        for history in histories.values():
            run_audit(history, eras=3, n_simulations=options.simulations, seed=1)

    evaluate_all()
    audit_all()
    evaluation_seconds = best_of(3, evaluate_all)
    audit_seconds = best_of(3, audit_all)
    simulation_seconds = best_of(1, audit_simulations) - audit_seconds

    draws = ", ".join(f"{game.upper()} {len(history)} draws" for game, history in histories.items())
    targets = ", ".join(f"{game.upper()} {len(result.targets)}" for game, result in backtests.items())
    strategies = ", ".join(next(iter(backtests.values())).strategies)
    print(f"Machine: {machine_description()}")
    print(f"Data: bundled history, {draws}; strategies {strategies}; scored targets {targets}")
    print()
    rows = [
        (
            f"evaluate, both games, bootstrap {options.bootstrap} (intervals and SPA)",
            evaluation_seconds,
            "2 s",
        ),
        ("audit, both games, full history + 3 eras, no simulation", audit_seconds, "5 s"),
        (
            f"audit Monte Carlo part, {options.simulations} simulated histories per game",
            simulation_seconds,
            "none",
        ),
    ]
    print("| benchmark | seconds | target |")
    print("|---|---|---|")
    for name, seconds, target in rows:
        print(f"| {name} | {seconds:.2f} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
