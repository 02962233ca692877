"""Timing helpers shared by the benchmark scripts in this folder."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from pathlib import Path


def machine_description() -> str:
    """Return the CPU model, core count and Python version of this machine."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def best_of(repeats: int, function: Callable[[], object]) -> float:
    """Return the fastest wall time of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)
