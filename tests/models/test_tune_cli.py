"""``lotto-lab tune`` against a real DuckDB store of synthetic DLT draws."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from lotto_lab.cli import main
from lotto_lab.store import ingest
from lotto_lab.synthetic import fair_history

COMMON = [
    "--game",
    "dlt",
    "--holdout",
    "60",
    "--validation",
    "40",
    "--max-epochs",
    "3",
    "--quick",
    "--threads",
    "1",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    csv = folder / "dlt.csv"
    fair_history("dlt", 300, seed=41, start=dt.date(2010, 1, 4)).to_frame().to_csv(csv, index=False)
    ingest(folder / "lotto.duckdb", "dlt", csv)
    return folder / "lotto.duckdb"


def test_tune_prints_study_and_holdout(store, tmp_path, capsys):
    storage = f"sqlite:///{tmp_path / 'optuna.db'}"
    code = main(
        ["tune", "--db", str(store), "--lang", "en", "--trials", "2", "--storage", storage]
        + ["--output-dir", str(tmp_path / "out"), *COMMON]
    )
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert re.fullmatch(
        r"DLT: study lstm-dlt-11090 ran 2 trials now; 2 compared in all "
        r"\(\d complete, \d pruned, 0 failed\); best validation lift [+-]\d\.\d{4} bits/draw \(trial \d\)",
        lines[0],
    )
    assert lines[1].startswith(
        "DLT: on the holdout, issues 11091 to 11150 (60 draws), the LSTM's lift over uniform is "
    )
    assert lines[1].endswith(f"results in {tmp_path / 'out' / 'dlt' / 'lstm'}")
    assert lines[2] == f"open the study in Optuna's dashboard: optuna-dashboard {storage}"
    document = json.loads((tmp_path / "out" / "dlt" / "lstm" / "tuning.json").read_text(encoding="utf-8"))
    assert document["n_trials"] == 2
    assert (tmp_path / "out" / "dlt" / "lstm" / "lstm.pt").is_file()


def test_workers_then_judge(store, tmp_path, capsys):
    storage = f"journal:{tmp_path / 'optuna.log'}"
    base = [
        "tune",
        "--db",
        str(store),
        "--lang",
        "en",
        "--storage",
        storage,
        "--study-name",
        "shared",
        *COMMON,
    ]
    assert main([*base, "--trials", "1", "--worker", "0", "--no-judge", "--reports", str(tmp_path)]) == 0
    assert main([*base, "--trials", "1", "--worker", "1", "--no-judge", "--reports", str(tmp_path)]) == 0
    assert not (tmp_path / "scratch").exists()

    assert main([*base, "--trials", "0", "--reports", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert "DLT: study shared ran 0 trials now; 2 compared in all" in output
    document = json.loads((tmp_path / "scratch" / "dlt" / "lstm" / "tuning.json").read_text(encoding="utf-8"))
    assert document["n_trials"] == 2
    assert document["study_name"] == "shared"
    assert f"optuna-dashboard {tmp_path / 'optuna.log'}" in output


def test_bad_storage_reported_in_chinese(store, capsys):
    code = main(["tune", "--db", str(store), "--storage", "optuna.db", "--trials", "1", *COMMON])
    assert code == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("错误: Optuna 存储 'optuna.db' 不是有效的存储 URL; 请使用 sqlite:///path.db")


def test_bad_setting_reported_before_loading(tmp_path, capsys):
    code = main(
        ["tune", "--db", str(tmp_path / "missing.duckdb"), "--lang", "en", "--trials", "1", "--holdout", "0"]
    )
    assert code == 2
    assert (
        capsys.readouterr().err.strip()
        == "error: tuning parameter holdout_size must be an integer >= 1, got 0"
    )
