"""Optuna storages named by URL, so that several processes or machines can tune one study.

Accepted forms of the storage URL:

``""`` (empty)
    The default SQLite file, :data:`lotto_lab.config.DEFAULT_OPTUNA_STORAGE` (``data/optuna.db``).
``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``
    A SQLite file (three slashes and a relative path, or four slashes for an absolute one).
    Its folder is created when missing, and it is switched to write-ahead logging (WAL), which
    keeps ``-wal`` and ``-shm`` files beside it.
``postgresql://user:password@host/db``, ``mysql+pymysql://...``
    Any database URL SQLAlchemy can open, for workers on several machines (the database
    driver must be installed).
``journal:PATH``, ``journal:///absolute/path.log``, or a bare path ending in ``.log`` or ``.jsonl``
    An Optuna journal file (:class:`optuna.storages.JournalStorage` over a file backend): an
    append-only log that several processes on one machine, or on a shared file system, can
    write to.
``memory``
    An in-process store: nothing is kept after the process ends and no other process sees it.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import optuna
import sqlalchemy
from optuna.storages import BaseStorage, InMemoryStorage, JournalStorage, RDBStorage
from optuna.storages.journal import JournalFileBackend

from lotto_lab.config import DEFAULT_OPTUNA_STORAGE
from lotto_lab.errors import ConfigError

__all__ = [
    "JOURNAL_PREFIX",
    "MEMORY_STORAGE",
    "dashboard_argument",
    "display_storage_url",
    "open_storage",
    "resolve_storage_url",
]

log = logging.getLogger(__name__)

JOURNAL_PREFIX = "journal:"
MEMORY_STORAGE = "memory"
_JOURNAL_SUFFIXES = (".log", ".jsonl")
# Seconds a SQLite connection waits for another worker's write lock before it fails.
_SQLITE_LOCK_TIMEOUT_S = 60
# Tries to open a database storage while other workers may be creating its tables.
_OPEN_ATTEMPTS = 5


def resolve_storage_url(url: str | None) -> str:
    """Return ``url`` stripped, or the default SQLite URL when it is empty."""
    text = (url or "").strip()
    return text or DEFAULT_OPTUNA_STORAGE


def _journal_path(url: str) -> Path | None:
    """Return the journal file a URL names, or None when it names another kind of storage."""
    if url.startswith(JOURNAL_PREFIX):
        path = url[len(JOURNAL_PREFIX) :]
        if path.startswith("//"):
            path = path[2:]
        return Path(path).expanduser()
    if "://" not in url and url.endswith(_JOURNAL_SUFFIXES):
        return Path(url).expanduser()
    return None


def display_storage_url(url: str | None) -> str:
    """Return the storage URL with any password masked, fit for logs and result files."""
    text = resolve_storage_url(url)
    if text == MEMORY_STORAGE or _journal_path(text) is not None:
        return text
    try:
        return sqlalchemy.engine.make_url(text).render_as_string(hide_password=True)
    except (sqlalchemy.exc.ArgumentError, ValueError):
        return text


def dashboard_argument(url: str | None) -> str | None:
    """Return what to pass to ``optuna-dashboard`` to open this storage (password masked), or
    None for the in-process ``memory`` store, which no other process can read."""
    text = resolve_storage_url(url)
    if text == MEMORY_STORAGE:
        return None
    journal = _journal_path(text)
    return str(journal) if journal is not None else display_storage_url(text)


def _invalid(url: str, reason: str, reason_zh: str) -> ConfigError:
    shown = display_storage_url(url)
    return ConfigError(
        f"Optuna storage {shown!r} {reason}; use sqlite:///path.db, a database URL such as "
        f"postgresql://host/db, journal:path.log, or leave it empty for {DEFAULT_OPTUNA_STORAGE}",
        zh=f"Optuna 存储 {shown!r} {reason_zh}; 请使用 sqlite:///path.db、"
        f"postgresql://host/db 这类数据库 URL、journal:path.log, 或留空以使用默认的 {DEFAULT_OPTUNA_STORAGE}",
    )


def open_storage(url: str | None) -> BaseStorage:
    """Open the Optuna storage named by ``url`` (forms in the module docstring).

    Raises
    ------
    ConfigError
        When the URL has no accepted form, or the database cannot be opened.
    """
    text = resolve_storage_url(url)
    if text == MEMORY_STORAGE:
        return InMemoryStorage()

    journal = _journal_path(text)
    if journal is not None:
        if not journal.name:
            raise _invalid(text, "names no journal file", "没有给出日志文件路径")
        journal.parent.mkdir(parents=True, exist_ok=True)
        log.debug("opening Optuna journal file %s", journal)
        return JournalStorage(JournalFileBackend(str(journal)))

    if "://" not in text:
        raise _invalid(text, "is not a storage URL", "不是有效的存储 URL")
    try:
        parsed = sqlalchemy.engine.make_url(text)
    except (sqlalchemy.exc.ArgumentError, ValueError) as error:
        raise _invalid(text, f"cannot be parsed ({error})", f"无法解析 ({error})") from error

    engine_kwargs: dict[str, object] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine_kwargs = {"connect_args": {"timeout": _SQLITE_LOCK_TIMEOUT_S}}
    attempt = 1
    while True:
        try:
            storage = RDBStorage(text, engine_kwargs=engine_kwargs)
            break
        except (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.OperationalError) as error:
            # Workers that open a new database at the same moment race to create its tables. The
            # loser fails on a unique constraint or a lock, and on retry it finds the tables in place.
            if attempt >= _OPEN_ATTEMPTS:
                raise _invalid(text, f"cannot be opened ({error})", f"无法打开 ({error})") from error
            log.info(
                "opening Optuna storage %s failed (attempt %d of %d), retrying: %s",
                display_storage_url(text),
                attempt,
                _OPEN_ATTEMPTS,
                error,
            )
            time.sleep(0.5 * attempt)
            attempt += 1
        except (ImportError, sqlalchemy.exc.SQLAlchemyError, optuna.exceptions.StorageInternalError) as error:
            raise _invalid(text, f"cannot be opened ({error})", f"无法打开 ({error})") from error
    if parsed.get_backend_name() == "sqlite":
        sqlalchemy.event.listen(storage.engine, "connect", _tune_sqlite_connection)
        storage.engine.dispose()  # pooled connections predate the listener
    log.debug("opened Optuna storage %s", display_storage_url(text))
    return storage


def _tune_sqlite_connection(connection: Any, _record: Any) -> None:
    """Switch a SQLite connection to write-ahead logging with fewer disk syncs.

    Every Optuna report is one transaction. In the default rollback-journal mode each one waits for
    a disk sync, which cost several milliseconds per report on the benchmark machine. In WAL mode
    with ``synchronous=NORMAL`` a commit syncs only at checkpoints, and readers such as
    optuna-dashboard do not block the workers' writes. A power cut can lose the last commits but
    does not corrupt the file. NOTE: WAL needs shared memory between the processes, so it does not
    work on network file systems. Use a journal file or a database server there.
    """
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()
