"""Data functions of the dashboard, on published files written in tmp_path."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from published_run_files import COMMIT, RUN_ID, write_published_run

from lotto_lab.config import DEFAULT_SEED
from lotto_lab.dashboard import data
from lotto_lab.errors import DataValidationError
from lotto_lab.strategies.tickets import draw_tickets

WINDOW = {
    "name": "holdout",
    "table": [
        {
            "strategy": "uniform",
            "pool": "all",
            "metric": "tier_rate",
            "value": 0.0,
            "baseline": 5.6e-08,
            "ci_low": 0.0,
            "ci_high": 0.0123,
            "p_value": 1.0,
            "p_holm": 1.0,
            "n": 300,
            "detail": "2026 tier 1",
        },
        {
            "strategy": "frequency",
            "pool": "red",
            "metric": "mean_hits",
            "value": 1.1,
            "baseline": 1.0909091,
            "ci_low": 1.02,
            "ci_high": 1.18,
            "p_value": 0.41,
            "p_holm": 0.82,
            "n": 300,
            "detail": "",
        },
        {
            "strategy": "frequency",
            "pool": "all",
            "metric": "log_loss_lift",
            "value": -0.01234,
            "baseline": 0.0,
            "ci_low": -0.05,
            "ci_high": 0.02,
            "p_value": 0.7312,
            "p_holm": 1.0,
            "n": 300,
            "detail": "",
        },
        {
            "strategy": "uniform",
            "pool": "all",
            "metric": "log_loss_lift",
            "value": -2e-15,
            "baseline": 0.0,
            "ci_low": None,
            "ci_high": None,
            "p_value": None,
            "p_holm": None,
            "n": 300,
            "detail": "",
        },
        {
            "strategy": "frequency",
            "pool": "all",
            "metric": "calibration_gap",
            "value": 0.1,
            "baseline": 0.0,
            "ci_low": None,
            "ci_high": None,
            "p_value": None,
            "p_holm": None,
            "n": 300,
            "detail": "",
        },
    ],
    "significance": {"spa": {"best": "frequency", "p_consistent": 0.0004}},
    "reading": {"zh": "没有策略胜过随机", "en": "no strategy beats chance"},
}


@pytest.fixture
def run(published_reports):
    return data.find_published_run(published_reports)


def test_nothing_published(tmp_path):
    assert data.find_published_run(tmp_path) is None


def test_published_run_found(run, published_reports):
    assert run.folder == (published_reports / "runs" / RUN_ID).resolve()
    assert run.run_id == RUN_ID
    assert run.games == ("ssq", "dlt")
    assert run.record["git_commit"] == COMMIT


def test_run_id_from_folder_without_run_json(tmp_path):
    folder = write_published_run(tmp_path / "reports", games=("dlt",))
    (folder / "run.json").unlink()
    run = data.find_published_run(tmp_path / "reports")
    assert run.record == {}
    assert run.run_id == RUN_ID
    assert run.games == ("dlt",)


def test_predictions_loaded(run):
    predictions = data.load_predictions(run, "ssq")
    assert predictions.strategies == ["uniform", "frequency", "recency"]
    assert predictions.default_strategy == "frequency"
    assert predictions.run_id == RUN_ID


def test_missing_optional_files_give_none(tmp_path):
    folder = write_published_run(tmp_path / "reports", games=("ssq",))
    for name in ("predictions.json", "evaluation.json", "audit.json"):
        (folder / "ssq" / name).unlink()
    for path in (folder / "ssq" / "lstm").iterdir():
        path.unlink()
    run = data.find_published_run(tmp_path / "reports")
    assert data.load_predictions(run, "ssq") is None
    assert data.load_evaluation(run, "ssq") is None
    assert data.load_audit(run, "ssq") is None
    assert data.load_lstm_summary(run, "ssq") is None
    assert data.load_lstm_figures(run, "ssq") == []


def test_ticket_table_matches_predict_draw(run):
    predictions = data.load_predictions(run, "ssq")
    table = data.ticket_table(predictions, "recency", 4, DEFAULT_SEED, "zh")
    assert list(table.columns) == ["序号", "红球", "蓝球"]
    assert table["序号"].tolist() == [1, 2, 3, 4]
    expected = draw_tickets(
        "ssq", predictions.probabilities["recency"], 4, seed=(DEFAULT_SEED, int(predictions.target_issue))
    )
    for row, ticket in zip(table.to_dict(orient="records"), expected, strict=True):
        assert row["红球"] == " ".join(f"{number:02d}" for number in ticket["red"])
        assert row["蓝球"] == f"{ticket['blue'][0]:02d}"


def test_ticket_table_seeded(run):
    predictions = data.load_predictions(run, "dlt")
    first = data.ticket_table(predictions, "frequency", 5, 1, "en")
    again = data.ticket_table(predictions, "frequency", 5, 1, "en")
    other = data.ticket_table(predictions, "frequency", 5, 2, "en")
    assert list(first.columns) == ["#", "front", "back"]
    assert first.equals(again)
    assert not first.equals(other)
    assert all(len(cell.split()) == 5 for cell in first["front"])
    assert all(len(cell.split()) == 2 for cell in first["back"])


def test_probability_frame_against_uniform(run):
    predictions = data.load_predictions(run, "ssq")
    frame = data.probability_frame(predictions, "frequency")
    assert list(frame.columns) == ["pool", "number", "probability", "baseline", "ratio"]
    red = frame[frame["pool"] == "red"]
    blue = frame[frame["pool"] == "blue"]
    assert red["number"].tolist() == list(range(1, 34))
    assert blue["number"].tolist() == list(range(1, 17))
    assert np.allclose(red["baseline"], 6 / 33)
    assert np.allclose(blue["baseline"], 1 / 16)
    assert red["probability"].sum() == pytest.approx(6)
    assert np.allclose(red["ratio"], red["probability"] / (6 / 33))


def test_uniform_probability_frame_is_flat(run):
    predictions = data.load_predictions(run, "dlt")
    frame = data.probability_frame(predictions, "uniform")
    assert np.allclose(frame["ratio"], 1.0)


def test_accuracy_table_rows_and_format():
    table = data.accuracy_table("ssq", WINDOW, "en")
    assert list(table.columns) == [
        "strategy",
        "metric",
        "pool",
        "value",
        "random baseline",
        "95% interval",
        "p",
        "Holm-corrected p",
        "draws",
    ]
    rows = table.to_dict(orient="records")
    assert rows == [
        {
            "strategy": "frequency",
            "metric": "log-loss lift (bits per draw)",
            "pool": "all pools",
            "value": "-0.0123",
            "random baseline": "0.0000",
            "95% interval": "[-0.0500, 0.0200]",
            "p": "0.731",
            "Holm-corrected p": "1.000",
            "draws": 300,
        },
        {
            "strategy": "uniform",
            "metric": "log-loss lift (bits per draw)",
            "pool": "all pools",
            "value": "0.0000",
            "random baseline": "0.0000",
            "95% interval": "–",
            "p": "–",
            "Holm-corrected p": "–",
            "draws": 300,
        },
        {
            "strategy": "frequency",
            "metric": "mean hits",
            "pool": "red",
            "value": "1.1000",
            "random baseline": "1.0909",
            "95% interval": "[1.0200, 1.1800]",
            "p": "0.410",
            "Holm-corrected p": "0.820",
            "draws": 300,
        },
    ]


def test_accuracy_table_chinese_labels():
    table = data.accuracy_table("ssq", WINDOW, "zh")
    assert list(table.columns) == [
        "策略",
        "指标",
        "号码区",
        "数值",
        "随机基准",
        "95% 区间",
        "p 值",
        "Holm 校正 p",
        "期数",
    ]
    assert table["指标"].tolist()[0] == "对数损失提升(比特/期)"
    assert table["号码区"].tolist() == ["合计", "合计", "红球"]


def test_accuracy_table_of_real_evaluation(run):
    evaluation = data.load_evaluation(run, "ssq")
    (window,) = evaluation["windows"]
    table = data.accuracy_table("ssq", window, "en")
    metrics = set(table["metric"])
    assert metrics == {"log-loss lift (bits per draw)", "mean hits", "win rate", "return on stake"}
    assert set(table["strategy"]) == {"uniform", "frequency", "recency"}
    assert (table["random baseline"] != "–").all()
    assert not data.tier_table(window, "en").empty
    assert data.window_reading(window, "zh").startswith("双色球")


def test_tier_table_six_decimals():
    table = data.tier_table(WINDOW, "en")
    assert table.to_dict(orient="records") == [
        {
            "strategy": "uniform",
            "rule and tier": "2026 tier 1",
            "value": "0.000000",
            "random baseline": "0.000000",
            "95% interval": "[0.000000, 0.012300]",
            "p": "1.000",
            "Holm-corrected p": "1.000",
            "draws": 300,
        },
    ]


def test_spa_and_reading():
    assert data.spa_summary(WINDOW) == {"best": "frequency", "p": 0.0004}
    assert data.spa_summary({"significance": {"spa": None}}) is None
    assert data.spa_summary({}) is None
    assert data.window_reading(WINDOW, "zh") == "没有策略胜过随机"
    assert data.window_reading({"reading": {"en": "only English"}}, "zh") == "only English"
    assert data.window_reading({}, "en") == ""


def test_audit_table_sorted_by_corrected_p(run):
    audit = data.load_audit(run, "ssq")
    table = data.audit_table("ssq", audit, "zh")
    assert list(table.columns) == ["检验", "号码区", "时期", "统计量", "p 值", "BH 校正 p", "显著", "解读"]
    rows = table.to_dict(orient="records")
    assert [row["检验"] for row in rows] == ["runs", "frequency"]
    assert rows[0]["BH 校正 p"] == "<0.001"
    assert rows[0]["显著"] == "是"
    assert rows[1]["显著"] == "否"
    assert rows[0]["解读"] == "游程偏多"
    assert rows[1]["号码区"] == "红球"
    english = data.audit_table("ssq", audit, "en")
    assert english["reading"].tolist() == ["more runs than expected", "number counts agree with uniform"]


def test_lstm_files(run, published_reports):
    summary = data.load_lstm_summary(run, "ssq")
    assert summary == {
        "study_name": "lstm-ssq",
        "n_trials": 4,
        "trial_counts": {"complete": 3, "pruned": 1, "fail": 0},
        "best_params": {"window": 10, "hidden_size": 16},
        "holdout": {"first_issue": "2021011", "last_issue": "2021090", "n_draws": 80},
    }
    assert list(summary) == ["study_name", "n_trials", "trial_counts", "best_params", "holdout"]
    figures = data.load_lstm_figures(run, "ssq")
    assert [name for name, _ in figures] == ["optimization_history"]
    assert figures[0][1]["data"][0]["y"] == [0.01, 0.02, 0.0, 0.0123]


def test_lstm_broken_figure_skipped(tmp_path):
    folder = write_published_run(tmp_path / "reports", games=("ssq",))
    (folder / "ssq" / "lstm" / "broken.json").write_text("{not json", encoding="utf-8")
    run = data.find_published_run(tmp_path / "reports")
    assert [name for name, _ in data.load_lstm_figures(run, "ssq")] == ["optimization_history"]


def test_malformed_audit_raises_with_file_name(tmp_path):
    folder = write_published_run(tmp_path / "reports", games=("ssq",))
    (folder / "ssq" / "audit.json").write_text("[1, 2]", encoding="utf-8")
    run = data.find_published_run(tmp_path / "reports")
    with pytest.raises(DataValidationError) as caught:
        data.load_audit(run, "ssq")
    assert caught.value.message == (
        f"{folder.resolve() / 'ssq' / 'audit.json'} must hold a JSON object; "
        "rerun `lotto-lab run` to publish it again"
    )


def test_run_summary(run):
    predictions = data.load_predictions(run, "ssq")
    summary = data.run_summary(run, "ssq", predictions)
    assert summary == {
        "run_id": RUN_ID,
        "data_through": predictions.data_through,
        "target_issue": predictions.target_issue,
        "git_commit": COMMIT[:12],
        "finished": "2026-07-09T12:05:00+00:00",
        "profile": "quick",
        "seed": 5,
    }


def test_run_summary_without_predictions(tmp_path):
    folder = write_published_run(tmp_path / "reports", games=("ssq",))
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    record["last_issue"] = {"ssq": "2026096"}
    record["git_commit"] = None
    (folder / "run.json").write_text(json.dumps(record), encoding="utf-8")
    run = data.find_published_run(tmp_path / "reports")
    summary = data.run_summary(run, "ssq", None)
    assert summary["data_through"] == "2026096"
    assert summary["target_issue"] is None
    assert summary["git_commit"] is None


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(0.123456, 4, "0.1235"), (-2e-15, 4, "0.0000"), (None, 4, "–"), (math.nan, 4, "–"), (3, 2, "3.00")],
)
def test_format_number(value, digits, expected):
    assert data.format_number(value, digits) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.04999, "0.050"), (0.0009, "<0.001"), (None, "–"), (math.inf, "–"), (1, "1.000")],
)
def test_format_p(value, expected):
    assert data.format_p(value) == expected


def test_tier_label_in_english():
    assert data.tier_label("ssq-2003 六等奖", "en") == "ssq-2003 tier 6 (六等奖)"
    assert data.tier_label("ssq-2026-fuyun 福运奖", "en") == "ssq-2026-fuyun Fuyun prize (福运奖)"
    assert data.tier_label("ssq-2003 六等奖", "zh") == "ssq-2003 六等奖"
