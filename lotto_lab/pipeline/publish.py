"""Atomic publishing of a finished run as ``<reports>/latest``.

``latest`` is a symbolic link to ``runs/<run_id>`` (a relative target, so the reports folder can
be moved). Publishing creates a temporary link beside it and renames it over ``latest`` with
:func:`os.replace`. On POSIX file systems that rename is atomic, so a reader such as the dashboard
opens either the previous run or the new one, never a mix or a missing folder.

A ``latest`` that is a real folder (made by hand or copied from elsewhere) cannot be swapped
atomically, so publishing rejects it and the error names the command that moves it away.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from lotto_lab.config import latest_dir
from lotto_lab.errors import PublishError

__all__ = ["check_latest_replaceable", "publish_run", "published_run_dir"]

log = logging.getLogger(__name__)


def check_latest_replaceable(reports_dir: Path) -> None:
    """Raise :class:`PublishError` unless ``<reports_dir>/latest`` is absent or a symbolic link.

    The pipeline calls this before it runs any notebook, so a run that could not be published
    fails at once.
    """
    latest = latest_dir(reports_dir)
    if latest.is_symlink() or not latest.exists():
        return
    kind = "folder" if latest.is_dir() else "file"
    kind_zh = "文件夹" if latest.is_dir() else "文件"
    raise PublishError(
        f"{latest} is a real {kind}, not a symbolic link, so it cannot be "
        f"replaced atomically. Move or delete it (for example `mv {latest} {latest}.old`) and run again; "
        "lotto-lab run publishes `latest` as a symbolic link to runs/<run_id>.",
        zh=f"{latest} 是一个真实的{kind_zh}而不是符号链接, 无法原子地替换。"
        f"请移走或删除它(例如 `mv {latest} {latest}.old`)后重新运行; "
        "lotto-lab run 会把 `latest` 发布为指向 runs/<run_id> 的符号链接。",
    )


def publish_run(reports_dir: Path, run_dir: Path) -> Path:
    """Point ``<reports_dir>/latest`` at ``run_dir`` in one atomic rename.

    Parameters
    ----------
    reports_dir
        The reports folder.
    run_dir
        The finished run's folder, inside ``reports_dir``.

    Returns
    -------
    Path
        The ``latest`` link.

    Raises
    ------
    PublishError
        When ``latest`` exists and is not a symbolic link, or when ``run_dir`` is not a folder
        inside ``reports_dir``.
    """
    reports_dir = reports_dir.resolve()
    run_dir = run_dir.resolve()
    if not run_dir.is_dir() or not run_dir.is_relative_to(reports_dir):
        raise PublishError(
            f"cannot publish {run_dir}: it must be an existing folder inside {reports_dir}",
            zh=f"无法发布 {run_dir}: 它必须是 {reports_dir} 之内已存在的文件夹",
        )
    check_latest_replaceable(reports_dir)

    latest = latest_dir(reports_dir)
    target = os.path.relpath(run_dir, reports_dir)
    temporary = reports_dir / f".latest.{secrets.token_hex(4)}.tmp"
    os.symlink(target, temporary, target_is_directory=True)
    try:
        os.replace(temporary, latest)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
    log.info("published %s as %s", run_dir.name, latest)
    return latest


def published_run_dir(reports_dir: Path) -> Path | None:
    """Return the run folder ``latest`` points to, or None when nothing is published yet.

    A ``latest`` that is a real folder is returned as it is.
    """
    latest = latest_dir(reports_dir)
    if not latest.exists():
        return None
    return latest.resolve()
