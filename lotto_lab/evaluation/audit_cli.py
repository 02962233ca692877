"""``lotto-lab audit``: the randomness audit of the stored draws.

It reads each game's draws from the store, runs :func:`lotto_lab.evaluation.audit.run_audit`
and prints a table of the tests with a plain-language reading, or with ``--json`` the same
object the pipeline writes to ``audit.json`` (a JSON array of them with ``--game all``). Only the
standard library is imported at module level, so building the command-line parser stays cheap.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import unicodedata
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``lotto-lab audit``."""
    from lotto_lab.config import DEFAULT_SEED
    from lotto_lab.games import GAMES

    parser.add_argument(
        "--game",
        default="all",
        choices=[*GAMES, "all"],
        help="game to audit, or all games (default: all)",
    )
    parser.add_argument(
        "--eras",
        type=int,
        default=3,
        help="also test this many consecutive eras of the history, each of at least 50 draws; "
        "0 or 1 tests the full history only (default: 3)",
    )
    parser.add_argument(
        "--simulations",
        type=int,
        default=0,
        help="simulated fair histories for Monte Carlo p-values beside the asymptotic ones (default: 0)",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"seed of the simulations (default: {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--alpha",
        type=float,
        default=0.05,
        help="false discovery rate of the Benjamini-Hochberg correction (default: 0.05)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def main(args: argparse.Namespace) -> int:
    """Run the audit of the chosen games and print it; return the exit status."""
    from lotto_lab.config import resolve_db_path
    from lotto_lab.evaluation.audit import run_audit
    from lotto_lab.games import GAMES
    from lotto_lab.i18n import get_language
    from lotto_lab.store import load_history

    language = get_language(getattr(args, "lang", None))
    _check_options(args)
    db_path = resolve_db_path(getattr(args, "db", None))
    names = list(GAMES) if args.game == "all" else [args.game]

    audits = []
    for name in names:
        history = load_history(db_path, name)
        audits.append(
            run_audit(
                history, eras=args.eras, n_simulations=args.simulations, seed=args.seed, alpha=args.alpha
            )
        )

    if args.json:
        objects = [audit.to_dict() for audit in audits]
        payload: Any = objects[0] if len(objects) == 1 else objects
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return 0
    for audit in audits:
        sys.stdout.write(_human_text(audit, language))
    return 0


def _check_options(args: argparse.Namespace) -> None:
    from lotto_lab.errors import ConfigError

    if args.eras < 0:
        raise ConfigError(
            f"--eras must be at least 0, got {args.eras}", zh=f"--eras 不能小于 0, 收到 {args.eras}"
        )
    if args.simulations < 0:
        raise ConfigError(
            f"--simulations must be at least 0, got {args.simulations}",
            zh=f"--simulations 不能小于 0, 收到 {args.simulations}",
        )
    if not 0 < args.alpha < 1:
        raise ConfigError(
            f"--alpha must lie between 0 and 1, got {args.alpha}",
            zh=f"--alpha 必须在 0 和 1 之间, 收到 {args.alpha}",
        )


def _format_p(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _pad(value: str, width: int) -> str:
    """Pad ``value`` to ``width`` terminal columns; CJK characters take two columns."""
    used = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in value)
    return value + " " * max(0, width - used)


def _human_text(audit: Any, language: str) -> str:
    from lotto_lab.games import get_game
    from lotto_lab.i18n import text

    spec = get_game(audit.game)
    tests = audit.tests
    settings = audit.settings
    lines = [
        text(
            "audit.header",
            language,
            title=spec.title_zh if language == "zh" else spec.title_en,
            first=settings["first_issue"],
            last=settings["last_issue"],
            n_draws=settings["n_draws"],
            n_tests=int(tests["p_value"].notna().sum()),
            n_significant=int(tests["significant"].sum()),
        ),
        text("audit.columns", language),
    ]
    mark = text("audit.significant", language)
    for row in tests.itertuples(index=False):
        pool = spec.pool(row.pool)
        label = pool.label_zh if language == "zh" else pool.label_en
        era = text("audit.full_history", language) if row.era == "all" else row.era
        statistic = "-" if not math.isfinite(row.statistic) else f"{row.statistic:.2f}"
        flag = mark if row.significant else ""
        line = (
            f"{_pad(row.test, 10)} {_pad(label, 6)} {_pad(era, 17)} {statistic:>10} "
            f"{_format_p(row.p_value):>7} {_format_p(row.p_bh):>7}  {flag}"
        )
        lines.append(line.rstrip())
    lines.append(audit.reading[language])
    return "\n".join(lines) + "\n\n"
