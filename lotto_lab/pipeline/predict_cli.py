"""``lotto-lab predict``: next-draw tickets and probabilities from the latest published run.

It reads ``<reports>/latest/<game>/predictions.json`` and draws tickets from the chosen strategy's
probabilities. The command imports the standard library, NumPy and the light parts of lotto_lab
only. It never imports pandas, PyTorch or Panel, so it finishes in about the time Python takes
to start.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from lotto_lab.config import DEFAULT_SEED
from lotto_lab.errors import ConfigError, UnknownGameError
from lotto_lab.games import GAMES, GameSpec
from lotto_lab.i18n import get_language, text

MAX_TICKETS = 50
DEFAULT_TICKETS = 5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``lotto-lab predict``."""
    parser.add_argument("--game", required=True, help=f"game to predict: {', '.join(GAMES)}")
    parser.add_argument(
        "--strategy",
        help="strategy whose probabilities draw the tickets (default: the run's default strategy)",
    )
    parser.add_argument(
        "--tickets",
        type=int,
        default=DEFAULT_TICKETS,
        help=f"number of distinct tickets, 1 to {MAX_TICKETS} (default: {DEFAULT_TICKETS})",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"seed of the ticket draw, combined with the target issue (default: {DEFAULT_SEED})",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def main(args: argparse.Namespace) -> int:
    """Print tickets and probabilities for the next draw; return the exit status."""
    from lotto_lab.pipeline.published import load_predictions
    from lotto_lab.strategies.tickets import draw_tickets

    language = get_language(getattr(args, "lang", None))
    spec = _checked_game(args.game)
    _check_options(args)

    predictions = load_predictions(getattr(args, "reports", None), spec)
    strategy = args.strategy if args.strategy is not None else predictions.default_strategy
    if strategy not in predictions.probabilities:
        choices = ", ".join(predictions.strategies)
        raise ConfigError(
            f"unknown strategy {strategy!r} for {spec.name}: the published run has {choices}",
            zh=f"未知的策略 {strategy!r}: 已发布的{spec.title_zh}结果包含 {choices}",
        )

    probabilities = predictions.probabilities[strategy]
    tickets = draw_tickets(
        spec, probabilities, args.tickets, seed=(args.seed, spec.normalise_issue(predictions.target_issue))
    )
    output = {
        "game": spec.name,
        "target_issue": predictions.target_issue,
        "data_through": predictions.data_through,
        "strategy": strategy,
        "run_id": predictions.run_id,
        "tickets": tickets,
        "probabilities": _by_number(probabilities),
        "baseline": _by_number(predictions.baseline),
    }
    if args.json:
        sys.stdout.write(json.dumps(output, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(_human_text(spec, output, language))
    return 0


def _checked_game(name: str) -> GameSpec:
    key = str(name).strip().lower()
    if key not in GAMES:
        choices = ", ".join(GAMES)
        raise UnknownGameError(
            f"unknown game {name!r}: choose one of {choices}",
            zh=f"未知的游戏 {name!r}: 可选 {choices}",
        )
    return GAMES[key]


def _check_options(args: argparse.Namespace) -> None:
    if not 1 <= args.tickets <= MAX_TICKETS:
        raise ConfigError(
            f"--tickets must be between 1 and {MAX_TICKETS}, got {args.tickets}",
            zh=f"--tickets 必须在 1 到 {MAX_TICKETS} 之间, 收到 {args.tickets}",
        )
    if args.seed < 0:
        raise ConfigError(
            f"--seed must be a non-negative integer, got {args.seed}",
            zh=f"--seed 必须是非负整数, 收到 {args.seed}",
        )


def _by_number(probabilities: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Return ``{pool: {number: p}}`` with numbers as JSON keys counted from 1."""
    return {
        pool: {str(number): float(p) for number, p in enumerate(values, start=1)}
        for pool, values in probabilities.items()
    }


def _human_text(spec: GameSpec, output: dict[str, Any], language: str) -> str:
    title = spec.title_zh if language == "zh" else spec.title_en
    labels = {pool.name: pool.label_zh if language == "zh" else pool.label_en for pool in spec.pools}
    lines = [
        text(
            "predict.header",
            language,
            title=title,
            target_issue=output["target_issue"],
            data_through=output["data_through"],
            strategy=output["strategy"],
            run_id=output["run_id"],
        )
    ]
    for index, ticket in enumerate(output["tickets"], start=1):
        numbers = " | ".join(
            f"{labels[pool]} " + " ".join(f"{n:02d}" for n in ticket[pool]) for pool in spec.pool_names
        )
        lines.append(text("predict.ticket", language, index=index, numbers=numbers))

    for pool in spec.pools:
        by_number = output["probabilities"][pool.name]
        count = min(pool.size, max(pool.pick, 5))
        top = sorted(by_number.items(), key=lambda item: (-item[1], int(item[0])))[:count]
        lines.append(
            text("predict.top", language, pool=labels[pool.name], count=count, baseline=pool.pick / pool.size)
        )
        lines.append("  " + "  ".join(f"{int(number):02d}: {p:.4f}" for number, p in top))
    lines.append(text("predict.note", language))
    return "\n".join(lines) + "\n"
