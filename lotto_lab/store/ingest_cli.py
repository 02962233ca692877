"""``lotto-lab ingest``: load the bundled history or a user file into the store.

Only the standard library is imported at module level, so building the command-line parser
stays cheap. The store and the parsers are imported when the command runs.
"""

from __future__ import annotations

import argparse

# Kept equal to lotto_lab.sources.FORMATS (a test checks it); listed here so that --help does not
# import pandas.
FORMAT_CHOICES = ("wide", "500-json", "500-csv", "500-prize-csv", "zhcw-json", "cwl-json", "sporttery-json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``lotto-lab ingest``."""
    parser.add_argument(
        "--game",
        default="all",
        help="ssq, dlt or all (default: all; with a file, the file's own game)",
    )
    parser.add_argument(
        "--source",
        default="bundled",
        help="'bundled' (the real history shipped in data/bundled, the default) "
        "or the path of a CSV or JSON file",
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=FORMAT_CHOICES,
        default=None,
        help="format of the file (default: detected from its content; see docs/data-formats.md)",
    )


def main(args: argparse.Namespace) -> int:
    """Run the ingest and print one line per game; return the exit status."""
    from lotto_lab.config import resolve_db_path
    from lotto_lab.games import get_game
    from lotto_lab.i18n import text
    from lotto_lab.store.ingest import ingest, resolve_game

    resolve_game(args.game)
    reports = ingest(resolve_db_path(args.db), args.game, args.source, fmt=args.fmt)
    for report in reports:
        spec = get_game(report.game)
        last = spec.format_issue(report.last_issue) if report.last_issue is not None else "-"
        print(
            text(
                "ingest.done",
                args.lang,
                game=spec.name.upper(),
                read=report.read,
                inserted=report.inserted,
                unchanged=report.unchanged,
                quarantined=report.quarantined,
                last_issue=last,
            )
        )
    return 0
