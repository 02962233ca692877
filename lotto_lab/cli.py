"""The ``lotto-lab`` command line.

Each sub-command lives in a small ``*_cli`` module that exposes ``add_arguments(parser)`` and
``main(args) -> int``. Those modules import only the standard library at the top, so building the
parser stays cheap and ``lotto-lab predict`` does not pay for PyTorch or Panel.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from lotto_lab import __version__
from lotto_lab.errors import LottoLabError
from lotto_lab.i18n import get_language, text

log = logging.getLogger(__name__)

# name -> (module, help)
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": (
        "lotto_lab.store.ingest_cli",
        "load draws into the store (bundled files or your own CSV/JSON)",
    ),
    "run": (
        "lotto_lab.pipeline.run_cli",
        "execute the notebook pipeline with papermill and publish the results",
    ),
    "predict": (
        "lotto_lab.pipeline.predict_cli",
        "next-draw tickets and probabilities from the latest published run",
    ),
    "serve": ("lotto_lab.dashboard.serve_cli", "serve the Panel dashboard of the latest published run"),
    "tune": ("lotto_lab.models.tune_cli", "tune the LSTM strategy with an Optuna study"),
    "audit": ("lotto_lab.evaluation.audit_cli", "run the randomness audit on the stored draws"),
}


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="lotto-lab",
        description="lotto_lab: research workbench for SSQ, DLT and other pick-k-of-n lottery data.",
    )
    parser.add_argument("--version", action="version", version=f"lotto-lab {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="DuckDB store file (default: $LOTTO_LAB_DB or data/lotto.duckdb)")
    common.add_argument("--reports", help="reports folder (default: $LOTTO_LAB_REPORTS or reports/)")
    common.add_argument(
        "--lang", choices=["zh", "en"], help="language of messages (default: $LOTTO_LAB_LANG or zh)"
    )
    common.add_argument(
        "--log-level", default="WARNING", help="log level of the lotto_lab logger (default: WARNING)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        command_parser = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        module.add_arguments(command_parser)
        command_parser.set_defaults(_module=module)
    return parser


def _configure_logging(level_name: str) -> None:
    level = logging.getLevelName(level_name.upper())
    if not isinstance(level, int):
        level = logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    package_logger = logging.getLogger("lotto_lab")
    package_logger.addHandler(handler)
    package_logger.setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.lang = get_language(args.lang)
    _configure_logging(args.log_level)
    try:
        return int(args._module.main(args) or 0)
    except LottoLabError as error:
        log.debug("command %s failed", args.command, exc_info=True)
        print(f"{text('error.prefix', args.lang)}: {error.localized(args.lang)}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
