"""`lotto-lab run`: option handling, and one full quick run of the real notebooks."""

from __future__ import annotations

import functools
import json

import nbformat
import pytest

from lotto_lab import cli
from lotto_lab.config import DEFAULT_SEED
from lotto_lab.pipeline import run as run_module
from lotto_lab.pipeline.plan import Step
from lotto_lab.pipeline.run import RunResult
from lotto_lab.store import load_runs


@pytest.fixture
def captured_calls(monkeypatch, tmp_path):
    """Replace run_pipeline with a recorder, to check how the command line calls it."""
    calls = []

    def fake_run_pipeline(**kwargs):
        calls.append(kwargs)
        run_dir = tmp_path / "runs" / "r1"
        return RunResult(run_id="r1", run_dir=run_dir, latest=tmp_path / "latest", record={})

    monkeypatch.setattr(run_module, "run_pipeline", fake_run_pipeline)
    return calls


def test_quick_flag_selects_quick_profile(captured_calls, tmp_path, capsys):
    status = cli.main(["run", "--quick", "--db", str(tmp_path / "s.duckdb"), "--reports", str(tmp_path)])
    assert status == 0
    (call,) = captured_calls
    assert call["profile"] == "quick"
    assert call["games"] == ["ssq", "dlt"]
    assert call["seed"] == DEFAULT_SEED
    assert call["db_path"] == (tmp_path / "s.duckdb").resolve()
    assert call["reports_dir"] == tmp_path.resolve()
    assert capsys.readouterr().out == f"运行 r1 已完成并发布到 {tmp_path / 'latest'}\n"


def test_default_is_full_profile_for_one_game(captured_calls, tmp_path, capsys):
    status = cli.main(["run", "--game", "DLT", "--seed", "11", "--reports", str(tmp_path), "--lang", "en"])
    assert status == 0
    (call,) = captured_calls
    assert call["profile"] == "full"
    assert call["games"] == ["dlt"]
    assert call["seed"] == 11
    assert capsys.readouterr().out == f"run r1 finished and was published to {tmp_path / 'latest'}\n"


def test_reports_from_environment(captured_calls, tmp_path, monkeypatch):
    monkeypatch.setenv("LOTTO_LAB_REPORTS", str(tmp_path / "env-reports"))
    monkeypatch.setenv("LOTTO_LAB_DB", str(tmp_path / "env.duckdb"))
    assert cli.main(["run", "--quick"]) == 0
    (call,) = captured_calls
    assert call["reports_dir"] == (tmp_path / "env-reports").resolve()
    assert call["db_path"] == (tmp_path / "env.duckdb").resolve()


def test_unknown_game_exits_2(captured_calls, tmp_path, capsys):
    status = cli.main(["run", "--game", "kl8", "--reports", str(tmp_path), "--lang", "en"])
    assert status == 2
    assert captured_calls == []
    assert capsys.readouterr().err == "error: unknown game 'kl8' for --game: choose one of ssq, dlt, all\n"


def test_unknown_game_message_in_chinese(captured_calls, tmp_path, capsys):
    assert cli.main(["run", "--game", "kl8", "--reports", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "错误: --game 的游戏 'kl8' 未知: 可选 ssq, dlt, all\n"


def test_failing_notebook_exits_1_naming_it(monkeypatch, tmp_path, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Failing step"),
        nbformat.v4.new_code_cell('game: str = "ssq"  # game', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('raise ValueError(f"no data for {game}")'),
    ]
    nbformat.write(notebook, notebooks / "02-broken.ipynb")
    real_run_pipeline = run_module.run_pipeline
    monkeypatch.setattr(
        run_module,
        "run_pipeline",
        functools.partial(
            real_run_pipeline, plan=(Step("02-broken"),), notebooks_dir=notebooks, progress=False
        ),
    )
    reports = tmp_path / "reports"
    arguments = [
        "run",
        "--quick",
        "--game",
        "ssq",
        "--db",
        str(tmp_path / "s.duckdb"),
        "--reports",
        str(reports),
    ]

    status = cli.main([*arguments, "--lang", "en"])

    assert status == 1
    # stderr also carries the package's WARNING log lines; the user-facing message is the last line.
    message = capsys.readouterr().err.splitlines()[-1]
    assert message.startswith(
        "error: notebook 02-broken-ssq failed: ValueError: no data for ssq (cell In [3])."
    )
    assert message.endswith("the published results (latest) are unchanged.")
    assert not (reports / "latest").exists()


@pytest.mark.slow
def test_full_quick_run_publishes_both_games(tmp_path, capsys):
    # Runs the product's real notebooks 01-06 against a fresh store: fails until all of them exist.
    db_path = tmp_path / "lotto.duckdb"
    reports = tmp_path / "reports"
    status = cli.main(["run", "--quick", "--db", str(db_path), "--reports", str(reports), "--lang", "en"])
    assert status == 0, capsys.readouterr().err

    latest = reports / "latest"
    assert latest.is_symlink()
    record = json.loads((latest / "run.json").read_text(encoding="utf-8"))
    assert record["status"] == "succeeded"
    assert record["profile"] == "quick"
    assert record["last_issue"] == {"ssq": "2026096", "dlt": "26095"}
    assert [entry["status"] for entry in record["notebooks"]] == ["succeeded"] * 11
    for entry in record["notebooks"]:
        assert (latest / entry["output"]).is_file(), entry["name"]
        assert (latest / entry["html"]).is_file(), entry["name"]

    for game, target in (("ssq", "2026097"), ("dlt", "26096")):
        predictions = json.loads((latest / game / "predictions.json").read_text(encoding="utf-8"))
        assert predictions["target_issue"] == target
        assert predictions["run_id"] == record["run_id"]
        for name in ("evaluation.json", "audit.json"):
            assert (latest / game / name).is_file(), f"{game}/{name}"

    recorded = load_runs(db_path).set_index("run_id")
    assert recorded.loc[record["run_id"], "status"] == "succeeded"


def test_help_lists_options(capsys):
    with pytest.raises(SystemExit):
        cli.main(["run", "--help"])
    help_text = capsys.readouterr().out
    for option in ("--quick", "--game", "--seed", "--db", "--reports"):
        assert option in help_text
