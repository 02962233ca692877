"""``lotto-lab run``: execute the notebook pipeline and publish the results.

Only standard-library modules are imported at the top, so building the command-line parser stays
cheap; papermill and the rest load when the command runs.
"""

from __future__ import annotations

import argparse

__all__ = ["add_arguments", "main"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``lotto-lab run`` on ``parser``."""
    from lotto_lab.config import DEFAULT_SEED

    parser.add_argument(
        "--quick",
        action="store_true",
        help="use the quick profile of `make run` (cheap settings, still every stored draw) "
        "instead of the full one",
    )
    parser.add_argument(
        "--game",
        default="all",
        help="game whose notebooks run after the ingest notebook: ssq, dlt or all (default: all)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"seed passed to every notebook (default: {DEFAULT_SEED})",
    )


def main(args: argparse.Namespace) -> int:
    """Run the pipeline with the parsed ``args`` and return 0 once the run is published."""
    from lotto_lab.config import resolve_db_path, resolve_reports_dir
    from lotto_lab.errors import UnknownGameError
    from lotto_lab.games import GAMES
    from lotto_lab.i18n import text
    from lotto_lab.pipeline.run import run_pipeline

    choice = args.game.strip().lower()
    if choice != "all" and choice not in GAMES:
        choices = ", ".join([*GAMES, "all"])
        raise UnknownGameError(
            f"unknown game {args.game!r} for --game: choose one of {choices}",
            zh=f"--game 的游戏 {args.game!r} 未知: 可选 {choices}",
        )
    games = list(GAMES) if choice == "all" else [choice]
    result = run_pipeline(
        db_path=resolve_db_path(args.db),
        reports_dir=resolve_reports_dir(args.reports),
        games=games,
        profile="quick" if args.quick else "full",
        seed=args.seed,
    )
    print(text("run.done", args.lang, run_id=result.run_id, latest=result.latest))
    return 0
