"""``lotto-lab tune``: tune the LSTM with an Optuna study, then judge it on the holdout.

Several processes (or machines) can tune one study: start each with the same ``--storage`` and
``--study-name``, a distinct ``--worker`` number and ``--no-judge``. Then run once with
``--trials 0`` to judge the study's best trial on the holdout and write the results.

Only the standard library is imported at the top, so building the command line stays cheap.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lotto_lab.config import DEFAULT_OPTUNA_STORAGE, DEFAULT_SEED, resolve_db_path, resolve_reports_dir
from lotto_lab.i18n import text

if TYPE_CHECKING:
    import optuna

    from lotto_lab.models.tuning import TuningSettings

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``lotto-lab tune``."""
    parser.add_argument("--game", choices=["ssq", "dlt"], default="ssq", help="game to tune (default: ssq)")
    parser.add_argument(
        "--trials",
        type=int,
        default=20,
        help="trials this process runs; 0 only judges the study (default: 20)",
    )
    parser.add_argument(
        "--timeout", type=float, default=None, help="seconds after which no new trial starts (default: none)"
    )

    # Which draws the trials are scored on, and which they never read.
    parser.add_argument(
        "--holdout", type=int, default=100, help="last draws kept out of tuning and judged on (default: 100)"
    )
    parser.add_argument(
        "--validation",
        type=int,
        default=100,
        help="draws before the holdout scored by each trial (default: 100)",
    )
    parser.add_argument(
        "--validation-folds",
        type=int,
        default=2,
        help="walk-forward blocks of the validation draws, one refit each (default: 2)",
    )

    # The study and the workers sharing it.
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"seed of the models and of the TPE sampler (default: {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--storage",
        default="",
        help=f"Optuna storage: sqlite:///path.db, a database URL, journal:path.log or memory "
        f"(default: {DEFAULT_OPTUNA_STORAGE})",
    )
    parser.add_argument(
        "--study-name", default="", help="study name (default: lstm-<game>-<last issue before the holdout>)"
    )
    parser.add_argument(
        "--pruner",
        choices=["halving", "median", "hyperband", "none"],
        default="halving",
        help="trial pruner (default: halving, successive halving at epochs 1, 2, 4 and 8)",
    )
    parser.add_argument(
        "--worker",
        type=int,
        default=0,
        help="number of this worker among those sharing the study (default: 0)",
    )

    # The search space and the cost of each fit.
    parser.add_argument(
        "--max-epochs", type=int, default=30, help="upper end of the epochs searched per trial (default: 30)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="search small networks only (the quick profile's search space)"
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="PyTorch CPU threads per fit (default: 2 or the core count)"
    )

    # Results.
    parser.add_argument(
        "--no-judge",
        action="store_true",
        help="only run trials; do not judge on the holdout or write results",
    )
    parser.add_argument(
        "--output-dir",
        default="",
        help="results folder; files go to <output-dir>/<game>/lstm/ (default: <reports>/scratch)",
    )


def main(args: argparse.Namespace) -> int:
    """Run the study for ``args.game``, judge it unless ``--no-judge``, and print a summary."""
    from lotto_lab.models.holdout import judge_holdout
    from lotto_lab.models.storage import dashboard_argument
    from lotto_lab.models.tuning import run_study
    from lotto_lab.store import load_history, load_money, load_prizes

    settings = _settings(args)
    db_path = resolve_db_path(args.db)
    history = load_history(db_path, settings.game)

    started = dt.datetime.now()
    study = run_study(history, settings)
    print(_study_summary(study, settings, started, args.lang))

    if not args.no_judge:
        if args.output_dir:
            output_dir = Path(args.output_dir).expanduser().resolve()
        else:
            output_dir = resolve_reports_dir(args.reports) / "scratch"
        judgement = judge_holdout(
            history,
            study,
            settings,
            output_dir,
            prizes=load_prizes(db_path, settings.game),
            money=load_money(db_path, settings.game),
            language=args.lang,
        )
        row = judgement.lstm_row
        game = history.game
        print(
            text(
                "tune.holdout",
                args.lang,
                game=settings.game.upper(),
                first=game.format_issue(int(history.issues[len(history) - settings.holdout_size])),
                last=game.format_issue(history.last_issue),
                n=settings.holdout_size,
                lift=row["lift"],
                low=row["ci_low"],
                high=row["ci_high"],
                p=row["p_value"],
                folder=judgement.folder,
            )
        )

    dashboard = dashboard_argument(settings.storage)
    if dashboard is not None:
        print(text("tune.dashboard", args.lang, storage=dashboard))
    return 0


def _settings(args: argparse.Namespace) -> TuningSettings:
    from lotto_lab.models.tuning import QUICK_SEARCH_SPACE, SearchSpace, TuningSettings

    return TuningSettings(
        game=args.game,
        n_trials=args.trials,
        timeout=args.timeout,
        holdout_size=args.holdout,
        validation_size=args.validation,
        validation_folds=args.validation_folds,
        seed=args.seed,
        storage=args.storage,
        study_name=args.study_name,
        max_epochs=args.max_epochs,
        pruner=args.pruner,
        search_space=QUICK_SEARCH_SPACE if args.quick else SearchSpace(),
        worker=args.worker,
        num_threads=args.threads,
    )


def _study_summary(study: optuna.Study, settings: TuningSettings, started: dt.datetime, language: str) -> str:
    """Return the line on the study: trials this worker ran since ``started``, trials compared, best."""
    trials = study.get_trials(deepcopy=False)
    ran = sum(
        1
        for trial in trials
        if trial.datetime_start is not None
        and trial.datetime_start >= started
        and trial.user_attrs.get("worker") == settings.worker
    )
    states = [trial.state.name for trial in trials]
    complete = states.count("COMPLETE")
    return text(
        "tune.study",
        language,
        game=settings.game.upper(),
        study=study.study_name,
        ran=ran,
        compared=complete + states.count("PRUNED"),
        complete=complete,
        pruned=states.count("PRUNED"),
        failed=states.count("FAIL"),
        best=study.best_value if complete else float("nan"),
        trial=study.best_trial.number if complete else "-",
    )
