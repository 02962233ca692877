"""Published predictions.json and evaluation.json: building, writing, reading and ranking."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest

from lotto_lab.errors import DataValidationError
from lotto_lab.games import DLT, SSQ
from lotto_lab.pipeline.published import (
    best_strategy,
    build_predictions,
    load_predictions,
    read_evaluation,
    read_predictions,
    write_evaluation,
    write_json,
)
from lotto_lab.strategies.registry import make_strategy
from lotto_lab.synthetic import fair_history


@pytest.fixture(scope="module")
def ssq_payload() -> dict:
    history = fair_history("ssq", 80, seed=3, start=dt.date(2024, 6, 1))
    fitted = {name: make_strategy(name).fit(history) for name in ("uniform", "frequency", "omission")}
    return build_predictions(history, fitted, run_id="run-1", default_strategy="frequency")


def test_build_predictions_layout(ssq_payload):
    history = fair_history("ssq", 80, seed=3, start=dt.date(2024, 6, 1))
    assert list(ssq_payload) == [
        "game",
        "target_issue",
        "data_through",
        "run_id",
        "default_strategy",
        "strategies",
        "baseline",
    ]
    assert ssq_payload["data_through"] == SSQ.format_issue(history.last_issue)
    expected_target, _ = SSQ.next_issue(history.last_issue, history.dates[-1].astype(dt.date))
    assert ssq_payload["target_issue"] == str(expected_target)
    assert list(ssq_payload["strategies"]) == ["uniform", "frequency", "omission"]
    frequency = ssq_payload["strategies"]["frequency"]
    assert frequency["params"] == {"window": None, "alpha": 1.0}
    assert len(frequency["probabilities"]["red"]) == 33
    assert sum(frequency["probabilities"]["red"]) == pytest.approx(6)
    assert ssq_payload["baseline"]["blue"] == [1 / 16] * 16


def test_dlt_issues_use_five_digits():
    history = fair_history("dlt", 150, seed=2, start=dt.date(2025, 1, 1))
    fitted = {"frequency": make_strategy("frequency").fit(history)}
    payload = build_predictions(history, fitted, run_id="r", default_strategy="frequency")
    assert payload["data_through"] == "25150"
    assert payload["target_issue"] == "25151"


def test_build_predictions_rejects_unknown_default(ssq_payload):
    history = fair_history("ssq", 20, seed=1)
    with pytest.raises(ValueError, match="default_strategy 'lstm' is not among"):
        build_predictions(history, {"uniform": make_strategy("uniform")}, run_id="r", default_strategy="lstm")


def test_round_trip_through_file(ssq_payload, tmp_path):
    path = write_json(tmp_path / "latest" / "ssq" / "predictions.json", ssq_payload)
    loaded = load_predictions(tmp_path, "ssq")
    assert loaded.path == path
    assert (loaded.game, loaded.run_id, loaded.default_strategy) == ("ssq", "run-1", "frequency")
    assert loaded.strategies == ["uniform", "frequency", "omission"]
    np.testing.assert_array_equal(
        loaded.probabilities["omission"]["red"], ssq_payload["strategies"]["omission"]["probabilities"]["red"]
    )
    assert loaded.params["frequency"] == {"window": None, "alpha": 1.0}
    assert not list(path.parent.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("run_id"), "lacks the field(s) run_id"),
        (lambda d: d.update(game="dlt"), "is for game 'dlt', expected 'ssq'"),
        (
            lambda d: d.update(default_strategy="lstm"),
            "names default_strategy 'lstm', which is not among its strategies",
        ),
        (lambda d: d.update(strategies={}), "has no strategies"),
        (lambda d: d["baseline"].pop("blue"), "holds invalid probabilities at baseline: 'blue'"),
        (
            lambda d: d["strategies"]["uniform"]["probabilities"].update(blue=[0.5] * 16),
            "holds invalid probabilities at strategies.uniform.probabilities: "
            "probabilities['blue'] must sum to the pick count 1, got 8.000000",
        ),
        (
            lambda d: d["strategies"]["uniform"]["probabilities"].update(red=[6 / 33] * 32),
            "holds invalid probabilities at strategies.uniform.probabilities: "
            "pool 'red' has shape (32,), expected (33,)",
        ),
    ],
)
def test_read_predictions_rejects_malformed(ssq_payload, tmp_path, change, message):
    data = json.loads(json.dumps(ssq_payload))
    change(data)
    path = write_json(tmp_path / "predictions.json", data)
    with pytest.raises(DataValidationError) as caught:
        read_predictions(path, "ssq")
    assert str(caught.value) == f"{path} {message}; rerun `lotto-lab run` to publish it again"


def test_read_predictions_rejects_non_json(tmp_path):
    path = tmp_path / "predictions.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(DataValidationError, match="could not be read as JSON"):
        read_predictions(path, DLT)


def evaluation(rows: list[tuple[str, str, str, float]]) -> dict:
    return {
        "table": [{"strategy": s, "pool": p, "metric": m, "value": v, "baseline": 0.0} for s, p, m, v in rows]
    }


def test_best_strategy_prefers_holdout_window():
    data = {
        "game": "ssq",
        "windows": [
            {
                "name": "full",
                **evaluation(
                    [("frequency", "all", "log_loss_lift", 0.02), ("uniform", "all", "log_loss_lift", 0.0)]
                ),
            },
            {
                "name": "holdout",
                **evaluation(
                    [("recency", "all", "log_loss_lift", 0.01), ("frequency", "all", "log_loss_lift", -0.3)]
                ),
            },
        ],
    }
    assert best_strategy(data, ["uniform", "frequency", "recency"]) == "recency"


def test_best_strategy_uses_summed_pools_only():
    data = {
        "windows": [
            {
                "name": "full",
                **evaluation(
                    [
                        ("omission", "red", "log_loss_lift", 0.5),
                        ("omission", "all", "log_loss_lift", -0.1),
                        ("frequency", "all", "log_loss_lift", -0.05),
                        ("uniform", "all", "log_loss_lift", 0.0),
                        ("frequency", "red", "mean_hits", 9.0),
                    ]
                ),
            }
        ]
    }
    # Nothing beats uniform on the summed log-loss, so uniform is the honest default.
    assert best_strategy(data, ["uniform", "frequency", "omission"]) == "uniform"
    assert best_strategy(data, ["frequency", "omission"]) == "frequency"


def test_best_strategy_falls_back_without_evaluation():
    assert best_strategy(None, ["uniform", "frequency"]) == "frequency"
    assert best_strategy({"windows": []}, ["uniform", "frequency"]) == "frequency"
    assert best_strategy({"windows": [{"name": "full", "table": []}]}, ["frequency"]) == "frequency"
    assert best_strategy(None, ["uniform", "recency"]) == "uniform"
    with pytest.raises(ValueError, match="candidates is empty"):
        best_strategy(None, [])


def test_write_evaluation_names_windows_and_nulls_nan(tmp_path):
    windows = [
        (
            "full",
            {
                "game": "ssq",
                "table": [{"strategy": "uniform", "value": math.nan}],
                "settings": {"seed": np.int64(3)},
            },
        ),
        ("holdout", {"game": "ssq", "table": []}),
    ]
    path = write_evaluation(tmp_path / "ssq" / "evaluation.json", "ssq", windows)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["game"] == "ssq"
    assert [w["name"] for w in data["windows"]] == ["full", "holdout"]
    assert data["windows"][0]["table"][0]["value"] is None
    assert data["windows"][0]["settings"] == {"seed": 3}
    assert read_evaluation(path) == data


def test_write_evaluation_rejects_repeated_window(tmp_path):
    with pytest.raises(ValueError, match="window names must be distinct"):
        write_evaluation(tmp_path / "evaluation.json", "ssq", [("full", {}), ("full", {})])


def test_read_evaluation_missing_file_is_none(tmp_path):
    assert read_evaluation(tmp_path / "evaluation.json") is None


def test_read_evaluation_without_windows_rejected(tmp_path):
    path = write_json(tmp_path / "evaluation.json", {"game": "ssq"})
    with pytest.raises(DataValidationError, match="has no windows list"):
        read_evaluation(path)
