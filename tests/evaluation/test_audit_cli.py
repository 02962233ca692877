"""``lotto-lab audit`` on a real DuckDB store filled by ``lotto-lab ingest``."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from lotto_lab.cli import main
from lotto_lab.evaluation.audit import run_audit
from lotto_lab.store import load_history
from lotto_lab.synthetic import fair_history

STARTS = {"ssq": dt.date(2010, 1, 3), "dlt": dt.date(2010, 1, 4)}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store holding 300 fair synthetic draws of each game, loaded through the ingest command."""
    folder = tmp_path_factory.mktemp("audit_store")
    db = folder / "lotto.duckdb"
    for seed, game in enumerate(("ssq", "dlt")):
        csv = folder / f"{game}.csv"
        fair_history(game, 300, seed=seed, start=STARTS[game]).to_frame().to_csv(csv, index=False)
        assert main(["ingest", "--game", game, "--source", str(csv), "--db", str(db)]) == 0
    return db


def test_json_matches_run_audit(store, capsys):
    capsys.readouterr()
    assert main(["audit", "--game", "ssq", "--db", str(store), "--json", "--eras", "2"]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = run_audit(load_history(store, "ssq"), eras=2).to_dict()
    assert printed["game"] == "ssq"
    assert len(printed["tests"]) == 2 * 7 * 3
    assert printed["reading"] == expected["reading"]
    assert pd.DataFrame(printed["tests"]).equals(pd.DataFrame(expected["tests"]))


def test_json_all_games(store, capsys):
    capsys.readouterr()
    assert (
        main(["audit", "--db", str(store), "--json", "--eras", "0", "--simulations", "5", "--seed", "3"]) == 0
    )
    printed = json.loads(capsys.readouterr().out)
    assert [audit["game"] for audit in printed] == ["ssq", "dlt"]
    assert printed[1]["settings"]["n_simulations"] == 5
    assert all(row["p_simulated"] is not None for row in printed[1]["tests"])


def test_text_in_chinese_and_english(store, capsys):
    capsys.readouterr()
    assert main(["audit", "--game", "dlt", "--db", str(store), "--eras", "0"]) == 0
    chinese = capsys.readouterr().out
    assert chinese.startswith("超级大乐透 随机性审计: 第 10001 期至第 11150 期, 共 300 期; 进行 14 项检验")
    assert "frequency  前区" in chinese
    assert "随机性审计的 14 项检验" in chinese

    assert main(["audit", "--game", "dlt", "--db", str(store), "--eras", "0", "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert english.startswith(
        "Super Lotto (DLT) randomness audit: issues 10001 to 11150, 300 draws; 14 tests run"
    )
    assert "none of the 14 tests of the randomness audit departs from fair drawing" in english


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--eras", "-1"], "--eras must be at least 0, got -1"),
        (["--simulations", "-3"], "--simulations must be at least 0, got -3"),
        (["--alpha", "2"], "--alpha must lie between 0 and 1, got 2.0"),
        (["--eras", "9"], "eras=9 leaves fewer than 50 draws per era (300 draws in all); use at most 6 eras"),
    ],
)
def test_bad_options_exit_with_status_2(store, capsys, options, message):
    capsys.readouterr()
    status = main(["audit", "--game", "ssq", "--db", str(store), "--lang", "en", *options])
    assert status == 2
    assert capsys.readouterr().err.strip() == f"error: {message}"


def test_missing_store_is_reported(tmp_path, capsys):
    status = main(["audit", "--game", "ssq", "--db", str(tmp_path / "none.duckdb"), "--lang", "en"])
    assert status == 1
    assert "lotto-lab ingest" in capsys.readouterr().err


def test_help_lists_options(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["audit", "--help"])
    assert stop.value.code == 0
    help_text = capsys.readouterr().out
    for option in ("--game", "--eras", "--simulations", "--seed", "--alpha", "--json", "--db"):
        assert option in help_text
