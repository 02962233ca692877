"""lotto_lab: a research workbench for pick-k-of-n lottery draw data (SSQ, DLT and others)."""

from __future__ import annotations

import logging

__version__ = "0.1.0"

# One package logger; the package never configures the root logger.
logging.getLogger(__name__).addHandler(logging.NullHandler())
