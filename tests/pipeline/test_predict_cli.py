"""`lotto-lab predict` against a published folder written by the test, in-process and as a subprocess."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lotto_lab.errors import ConfigError, DataValidationError, NoPublishedRunError, UnknownGameError
from lotto_lab.pipeline import predict_cli
from lotto_lab.pipeline.published import build_predictions, write_json
from lotto_lab.strategies.registry import make_strategy
from lotto_lab.synthetic import fair_history

ROOT = Path(__file__).resolve().parents[2]


def publish(reports: Path, game: str, n_draws: int = 200) -> dict:
    """Write ``<reports>/latest/<game>/predictions.json`` from strategies fitted on a fair history."""
    history = fair_history(game, n_draws, seed=8, start=dt.date(2020, 1, 1))
    fitted = {name: make_strategy(name).fit(history) for name in ("uniform", "frequency", "recency")}
    payload = build_predictions(history, fitted, run_id="20260101T000000Z-test", default_strategy="recency")
    write_json(reports / "latest" / game / "predictions.json", payload)
    return payload


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    publish(folder, "ssq")
    publish(folder, "dlt")
    return folder


def run(reports: Path, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports")
    parser.add_argument("--lang")
    predict_cli.add_arguments(parser)
    return predict_cli.main(parser.parse_args(["--reports", str(reports), *argv]))


def test_json_output_matches_published_file(reports, capsys):
    assert run(reports, "--game", "ssq", "--tickets", "3", "--json") == 0
    output = json.loads(capsys.readouterr().out)
    published = json.loads((reports / "latest" / "ssq" / "predictions.json").read_text(encoding="utf-8"))
    assert list(output) == [
        "game",
        "target_issue",
        "data_through",
        "strategy",
        "run_id",
        "tickets",
        "probabilities",
        "baseline",
    ]
    assert output["game"] == "ssq"
    assert output["strategy"] == "recency"  # the published default
    assert output["target_issue"] == published["target_issue"]
    assert output["data_through"] == published["data_through"]
    assert output["run_id"] == "20260101T000000Z-test"
    assert len(output["tickets"]) == 3
    for ticket in output["tickets"]:
        assert len(ticket["red"]) == 6
        assert ticket["red"] == sorted(set(ticket["red"]))
        assert len(ticket["blue"]) == 1
    red = output["probabilities"]["red"]
    assert list(red) == [str(n) for n in range(1, 34)]
    assert [red[str(n)] for n in range(1, 34)] == published["strategies"]["recency"]["probabilities"]["red"]
    assert output["baseline"]["blue"] == {str(n): 1 / 16 for n in range(1, 17)}


def test_strategy_option_selects_probabilities(reports, capsys):
    run(reports, "--game", "dlt", "--strategy", "frequency", "--json")
    output = json.loads(capsys.readouterr().out)
    published = json.loads((reports / "latest" / "dlt" / "predictions.json").read_text(encoding="utf-8"))
    assert output["strategy"] == "frequency"
    assert (
        list(output["probabilities"]["back"].values())
        == published["strategies"]["frequency"]["probabilities"]["back"]
    )
    assert len(output["tickets"]) == predict_cli.DEFAULT_TICKETS


def test_tickets_repeat_with_seed(reports, capsys):
    run(reports, "--game", "ssq", "--json", "--seed", "5")
    first = json.loads(capsys.readouterr().out)["tickets"]
    run(reports, "--game", "ssq", "--json", "--seed", "5")
    assert json.loads(capsys.readouterr().out)["tickets"] == first
    run(reports, "--game", "ssq", "--json", "--seed", "6")
    assert json.loads(capsys.readouterr().out)["tickets"] != first


def test_text_output_is_chinese_by_default(reports, capsys, monkeypatch):
    monkeypatch.delenv("LOTTO_LAB_LANG", raising=False)
    run(reports, "--game", "ssq", "--tickets", "2")
    lines = capsys.readouterr().out.splitlines()
    published = json.loads((reports / "latest" / "ssq" / "predictions.json").read_text(encoding="utf-8"))
    assert lines[0] == (
        f"双色球 第 {published['target_issue']} 期预测 (数据截至第 {published['data_through']} 期; "
        "策略 recency; 运行 20260101T000000Z-test)"
    )
    assert lines[1].startswith("第 1 注: 红球 ")
    assert " | 蓝球 " in lines[1]
    assert lines[2].startswith("第 2 注: ")
    assert lines[3] == "红球概率最高的 6 个号码 (均匀基准 0.1818):"
    assert lines[5] == "蓝球概率最高的 5 个号码 (均匀基准 0.0625):"
    assert lines[-1].startswith("提示: 每期开奖独立随机")


def test_text_output_in_english(reports, capsys):
    run(reports, "--game", "dlt", "--tickets", "1", "--lang", "en")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Super Lotto (DLT): prediction for issue ")
    assert lines[1].startswith("ticket 1: front ")
    assert " | back " in lines[1]
    assert lines[2] == "front: the 5 most probable numbers (uniform baseline 0.1429):"


def test_unknown_game_lists_choices(reports):
    with pytest.raises(UnknownGameError) as caught:
        run(reports, "--game", "kl8")
    assert str(caught.value) == "unknown game 'kl8': choose one of ssq, dlt"
    assert caught.value.zh == "未知的游戏 'kl8': 可选 ssq, dlt"
    assert caught.value.exit_code == 2


def test_unknown_strategy_lists_published_ones(reports):
    with pytest.raises(ConfigError) as caught:
        run(reports, "--game", "ssq", "--strategy", "lstm")
    assert str(caught.value) == (
        "unknown strategy 'lstm' for ssq: the published run has uniform, frequency, recency"
    )
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("count", ["0", "51", "-3"])
def test_ticket_count_out_of_range(reports, count):
    with pytest.raises(ConfigError) as caught:
        run(reports, "--game", "ssq", "--tickets", count)
    assert str(caught.value) == f"--tickets must be between 1 and 50, got {count}"
    assert caught.value.zh == f"--tickets 必须在 1 到 50 之间, 收到 {count}"
    assert caught.value.exit_code == 2


def test_negative_seed_rejected(reports):
    with pytest.raises(ConfigError, match="--seed must be a non-negative integer, got -1"):
        run(reports, "--game", "ssq", "--seed", "-1")


def test_no_published_run(tmp_path):
    with pytest.raises(NoPublishedRunError) as caught:
        run(tmp_path / "empty", "--game", "ssq")
    path = tmp_path / "empty" / "latest" / "ssq" / "predictions.json"
    assert str(caught.value) == (
        f"no published SSQ predictions: {path} does not exist; "
        "run `lotto-lab run --game ssq` (or `--game all`) first"
    )
    assert caught.value.zh == (
        f"还没有已发布的双色球预测: 找不到 {path}; 请先运行 `lotto-lab run --game ssq` (或 `--game all`)"
    )
    assert caught.value.exit_code == 1


def test_malformed_predictions_rejected(reports):
    path = reports / "latest" / "ssq" / "predictions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["strategies"]["frequency"]["probabilities"]["red"][0] = 1.5
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        run(reports, "--game", "ssq")
    assert str(caught.value).startswith(
        f"{path} holds invalid probabilities at strategies.frequency.probabilities: "
        "probabilities['red'] must lie strictly between 0 and 1"
    )


def _subprocess_env(reports: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(LOTTO_LAB_REPORTS=str(reports), LOTTO_LAB_LANG="en")
    return env


def test_predict_avoids_heavy_imports(reports):
    code = (
        "import sys\n"
        "from lotto_lab.pipeline import predict_cli\n"
        "import argparse\n"
        "parser = argparse.ArgumentParser()\n"
        "predict_cli.add_arguments(parser)\n"
        "predict_cli.main(parser.parse_args(['--game', 'ssq', '--json']))\n"
        "heavy = ('pandas', 'torch', 'panel', 'scipy', 'pyarrow')\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=_subprocess_env(reports),
        cwd=ROOT,
        check=True,
    )
    assert result.stderr.strip() == "[]"
    assert json.loads(result.stdout)["game"] == "ssq"


def test_lotto_lab_predict_subprocess(reports):
    result = subprocess.run(
        [sys.executable, "-m", "lotto_lab.cli", "predict", "--game", "dlt", "--tickets", "2", "--json"],
        capture_output=True,
        text=True,
        env=_subprocess_env(reports),
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["game"] == "dlt"
    assert len(output["tickets"]) == 2
    assert np.isclose(sum(output["probabilities"]["front"].values()), 5)

    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "lotto_lab.cli",
            "predict",
            "--game",
            "ssq",
            "--reports",
            str(reports / "none"),
        ],
        capture_output=True,
        text=True,
        env=_subprocess_env(reports),
        cwd=ROOT,
    )
    assert missing.returncode == 1
    assert missing.stderr.strip().endswith("(or `--game all`) first")

    bad_count = subprocess.run(
        [
            sys.executable,
            "-m",
            "lotto_lab.cli",
            "predict",
            "--game",
            "ssq",
            "--tickets",
            "60",
            "--lang",
            "zh",
        ],
        capture_output=True,
        text=True,
        env=_subprocess_env(reports),
        cwd=ROOT,
    )
    assert bad_count.returncode == 2
    assert bad_count.stderr.strip() == "错误: --tickets 必须在 1 到 50 之间, 收到 60"


def test_dispatcher_predict_avoids_heavy_imports(reports):
    # The dispatcher imports every command module to build its parser, so this checks them all.
    code = (
        "import sys\n"
        "from lotto_lab.cli import main\n"
        "main(['predict', '--game', 'ssq', '--json'])\n"
        "heavy = ('pandas', 'torch', 'panel')\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=_subprocess_env(reports),
        cwd=ROOT,
        check=True,
    )
    assert result.stderr.strip() == "[]"
