"""Provenance helpers of pipeline runs: run ids, git commit, package versions, run.json writes."""

from __future__ import annotations

import datetime as dt
import json
import platform
import re

import pytest

from lotto_lab.config import PROJECT_DIR
from lotto_lab.pipeline.records import git_commit, new_run_id, package_versions, write_json_atomic


def test_run_id_is_utc_time_and_suffix():
    moment = dt.datetime(2026, 7, 9, 20, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    run_id = new_run_id(moment)
    assert re.fullmatch(r"20260709T120301Z-[0-9a-f]{6}", run_id)


def test_run_ids_differ_within_one_second():
    moment = dt.datetime(2026, 7, 9, 12, 0, 0, tzinfo=dt.UTC)
    assert len({new_run_id(moment) for _ in range(20)}) == 20


def test_git_commit_of_checkout():
    if not (PROJECT_DIR / ".git").exists():
        pytest.skip("the project folder is not a git checkout")
    assert re.fullmatch(r"[0-9a-f]{40}", git_commit(PROJECT_DIR))


def test_git_commit_outside_checkout(tmp_path):
    assert git_commit(tmp_path) is None


def test_package_versions():
    versions = package_versions(["papermill", "no-such-distribution-lotto-lab"])
    assert versions["python"] == platform.python_version()
    assert versions["papermill"]
    assert versions["no-such-distribution-lotto-lab"] is None


def test_write_json_atomic_replaces_file(tmp_path):
    target = tmp_path / "run.json"
    write_json_atomic(target, {"status": "running"})
    write_json_atomic(target, {"status": "succeeded", "note": "发布"})
    assert json.loads(target.read_text(encoding="utf-8")) == {"status": "succeeded", "note": "发布"}
    assert [path.name for path in tmp_path.iterdir()] == ["run.json"]
