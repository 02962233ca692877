"""Parsers of every bundled and user format; each returns frames that pass a pandera schema.

:func:`read_source` reads one CSV or JSON file (format and game detected from its content, or
named); :func:`load_bundle` reads the bundled files of a game, checks their sha256 against
``data/bundled/manifest.json`` and merges them, official sources first. Both hand the store
validated frames; nothing here writes.
"""

from __future__ import annotations

from lotto_lab.sources.bundled import load_bundle, read_manifest
from lotto_lab.sources.detect import FORMATS, detect_format, parse_input, read_source
from lotto_lab.sources.inputs import RawInput, read_input
from lotto_lab.sources.model import ParsedSource, SourceBatch
from lotto_lab.sources.schemas import CONFLICT_SCHEMA, MONEY_SCHEMA, PRIZE_SCHEMA, draw_schema

__all__ = [
    "CONFLICT_SCHEMA",
    "FORMATS",
    "MONEY_SCHEMA",
    "PRIZE_SCHEMA",
    "ParsedSource",
    "RawInput",
    "SourceBatch",
    "detect_format",
    "draw_schema",
    "load_bundle",
    "parse_input",
    "read_input",
    "read_manifest",
    "read_source",
]
