"""Optuna storages by URL: every accepted form keeps a study, bad ones are rejected clearly."""

from __future__ import annotations

import threading

import optuna
import pytest

from lotto_lab.config import DEFAULT_OPTUNA_STORAGE
from lotto_lab.errors import ConfigError
from lotto_lab.models.storage import (
    dashboard_argument,
    display_storage_url,
    open_storage,
    resolve_storage_url,
)


def storage_urls(tmp_path):
    return {
        "sqlite": f"sqlite:///{tmp_path / 'new folder' / 'optuna.db'}",
        "journal-prefix": f"journal:{tmp_path / 'journal' / 'optuna.log'}",
        "journal-url": f"journal://{tmp_path / 'optuna-url.log'}",
        "journal-path": str(tmp_path / "optuna.jsonl"),
    }


@pytest.mark.parametrize("kind", ["sqlite", "journal-prefix", "journal-url", "journal-path"])
def test_storage_keeps_study_across_openings(tmp_path, kind):
    url = storage_urls(tmp_path)[kind]
    study = optuna.create_study(storage=open_storage(url), study_name="kept", direction="maximize")
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=2)

    reopened = optuna.load_study(storage=open_storage(url), study_name="kept")
    assert len(reopened.trials) == 2
    assert reopened.best_value == study.best_value


def test_memory_storage_is_private():
    url = "memory"
    study = optuna.create_study(storage=open_storage(url), study_name="private")
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=1)
    with pytest.raises(KeyError):
        optuna.load_study(storage=open_storage(url), study_name="private")


def test_empty_url_means_default_sqlite():
    assert resolve_storage_url("") == DEFAULT_OPTUNA_STORAGE
    assert resolve_storage_url("  ") == DEFAULT_OPTUNA_STORAGE
    assert DEFAULT_OPTUNA_STORAGE.startswith("sqlite:///")
    assert DEFAULT_OPTUNA_STORAGE.endswith("/data/optuna.db")


def test_text_without_scheme_rejected():
    with pytest.raises(ConfigError) as caught:
        open_storage("optuna.db")
    assert caught.value.message == (
        "Optuna storage 'optuna.db' is not a storage URL; use sqlite:///path.db, a database URL such as "
        f"postgresql://host/db, journal:path.log, or leave it empty for {DEFAULT_OPTUNA_STORAGE}"
    )
    assert caught.value.zh


def test_unknown_database_kind_rejected():
    with pytest.raises(ConfigError) as caught:
        open_storage("nosuchdb://127.0.0.1/study")
    assert caught.value.message.startswith("Optuna storage 'nosuchdb://127.0.0.1/study' cannot be opened (")


def test_journal_without_file_rejected(tmp_path):
    with pytest.raises(ConfigError, match="names no journal file"):
        open_storage("journal:")


def test_password_masked_for_display():
    url = "postgresql://lab:secret@127.0.0.1:5432/optuna"
    assert display_storage_url(url) == "postgresql://lab:***@127.0.0.1:5432/optuna"
    assert dashboard_argument(url) == "postgresql://lab:***@127.0.0.1:5432/optuna"


def test_dashboard_argument_per_kind(tmp_path):
    assert dashboard_argument("memory") is None
    assert dashboard_argument(f"journal:{tmp_path / 'a.log'}") == str(tmp_path / "a.log")
    assert dashboard_argument(str(tmp_path / "b.log")) == str(tmp_path / "b.log")
    assert dashboard_argument("") == DEFAULT_OPTUNA_STORAGE


def test_new_sqlite_opened_by_several_workers_at_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'race.db'}"
    errors: list[BaseException] = []

    def open_once():
        try:
            open_storage(url)
        except Exception as error:  # collected for the assertion below
            errors.append(error)

    workers = [threading.Thread(target=open_once) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    study = optuna.create_study(storage=open_storage(url), study_name="after-race")
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=1)
    assert len(study.trials) == 1
