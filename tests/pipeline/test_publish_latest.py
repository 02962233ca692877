"""Atomic publishing of a run folder as reports/latest."""

from __future__ import annotations

import os

import pytest

from lotto_lab.errors import PublishError
from lotto_lab.pipeline.publish import check_latest_replaceable, publish_run, published_run_dir


def make_run(reports, run_id):
    run_dir = reports / "runs" / run_id
    run_dir.mkdir(parents=True)
    (run_dir / "run.json").write_text(f'{{"run_id": "{run_id}"}}', encoding="utf-8")
    return run_dir


def test_publish_creates_relative_link(tmp_path):
    run_dir = make_run(tmp_path, "r1")
    latest = publish_run(tmp_path, run_dir)
    assert latest == tmp_path / "latest"
    assert latest.is_symlink()
    assert os.readlink(latest) == os.path.join("runs", "r1")
    assert published_run_dir(tmp_path) == run_dir


def test_publish_replaces_previous_link(tmp_path):
    publish_run(tmp_path, make_run(tmp_path, "r1"))
    publish_run(tmp_path, make_run(tmp_path, "r2"))
    assert os.readlink(tmp_path / "latest") == os.path.join("runs", "r2")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["latest", "runs"]


def test_published_folder_survives_move_of_reports(tmp_path):
    reports = tmp_path / "reports"
    publish_run(reports, make_run(reports, "r1"))
    moved = tmp_path / "moved"
    reports.rename(moved)
    assert (moved / "latest" / "run.json").is_file()


def test_nothing_published_yet(tmp_path):
    assert published_run_dir(tmp_path) is None
    check_latest_replaceable(tmp_path)


def test_real_folder_latest_rejected(tmp_path):
    (tmp_path / "latest").mkdir()
    run_dir = make_run(tmp_path, "r1")
    with pytest.raises(PublishError) as caught:
        publish_run(tmp_path, run_dir)
    assert caught.value.message.startswith(f"{tmp_path / 'latest'} is a real folder, not a symbolic link")
    assert "符号链接" in caught.value.zh
    assert (tmp_path / "latest").is_dir()
    assert not (tmp_path / "latest").is_symlink()


def test_regular_file_latest_rejected(tmp_path):
    (tmp_path / "latest").write_text("old", encoding="utf-8")
    with pytest.raises(PublishError, match="is a real file"):
        publish_run(tmp_path, make_run(tmp_path, "r1"))
    assert (tmp_path / "latest").read_text(encoding="utf-8") == "old"


def test_dangling_latest_link_replaced(tmp_path):
    os.symlink(os.path.join("runs", "gone"), tmp_path / "latest")
    assert published_run_dir(tmp_path) is None
    publish_run(tmp_path, make_run(tmp_path, "r1"))
    assert published_run_dir(tmp_path) == tmp_path / "runs" / "r1"


def test_run_outside_reports_rejected(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    reports = tmp_path / "reports"
    reports.mkdir()
    with pytest.raises(PublishError, match="must be an existing folder inside"):
        publish_run(reports, outside)
    assert not (reports / "latest").exists()
