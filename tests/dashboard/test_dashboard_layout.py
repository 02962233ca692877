"""Panel layout of the dashboard, built in-process (the browser test covers the served page)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import panel as pn
import pytest
from published_run_files import write_published_run

from lotto_lab.dashboard.layout import build_dashboard, create_app, session_language
from lotto_lab.i18n import text


def markdown_texts(layout) -> list[str]:
    return [pane.object for pane in layout.select(pn.pane.Markdown)]


def alert_texts(layout) -> list[str]:
    return [pane.object for pane in layout.select(pn.pane.Alert)]


def test_no_published_run_tells_to_run(tmp_path):
    layout = build_dashboard(tmp_path, "zh")
    (message,) = alert_texts(layout)
    assert message.startswith("还没有已发布的运行结果。请先在项目目录运行 `lotto-lab run --quick`")
    assert f"查找的位置: {tmp_path}" in message
    assert layout.select(pn.Tabs) == []


def test_one_tab_per_game(published_reports):
    layout = build_dashboard(published_reports, "zh")
    (tabs,) = layout.select(pn.Tabs)
    assert tabs._names == ["双色球", "超级大乐透"]
    english = build_dashboard(published_reports, "en")
    (tabs,) = english.select(pn.Tabs)
    assert tabs._names == ["Double Colour Ball (SSQ)", "Super Lotto (DLT)"]


def test_game_tab_sections_in_chinese(published_reports):
    layout = build_dashboard(published_reports, "zh")
    texts = "\n".join(markdown_texts(layout))
    for key in (
        "dash.title",
        "dash.tickets",
        "dash.probabilities",
        "dash.accuracy",
        "dash.audit",
        "dash.lstm",
    ):
        assert text(key, "zh") in texts, key
    assert "运行 20260709T120000Z-abc123" in texts
    assert "代码提交 0123456789ab" in texts
    assert "Hansen SPA 检验" in texts


def test_lstm_figure_headings_translated(published_reports):
    for language in ("zh", "en"):
        texts = "\n".join(markdown_texts(build_dashboard(published_reports, language)))
        assert text("dash.lstm_figure.optimization_history", language) in texts
        assert "#### optimization_history" not in texts


def test_malformed_file_shown_in_place(tmp_path):
    folder = write_published_run(tmp_path / "reports", games=("ssq",))
    (folder / "ssq" / "evaluation.json").write_text("{broken", encoding="utf-8")
    layout = build_dashboard(tmp_path / "reports", "en")
    alerts = alert_texts(layout)
    broken = [message for message in alerts if message.startswith("could not read evaluation.json: ")]
    assert len(broken) == 1
    assert "could not be read as JSON" in broken[0]
    texts = "\n".join(markdown_texts(layout))
    assert text("dash.tickets", "en") in texts
    assert text("dash.audit", "en") in texts


def test_missing_optional_files_shown_as_warnings(tmp_path):
    folder = write_published_run(tmp_path / "reports", games=("dlt",))
    (folder / "dlt" / "audit.json").unlink()
    (folder / "dlt" / "predictions.json").unlink()
    layout = build_dashboard(tmp_path / "reports", "zh")
    alerts = alert_texts(layout)
    assert "本次发布没有超级大乐透的预测(predictions.json)。" in alerts
    assert "本次发布没有超级大乐透的随机性检验(audit.json)。" in alerts


def test_language_toggle_rebuilds_page(published_reports):
    app = create_app(published_reports, "zh")
    assert f"# {text('dash.title', 'zh')}" in markdown_texts(app)
    (toggle,) = app.select(pn.widgets.RadioButtonGroup)
    toggle.value = "en"
    texts = markdown_texts(app)
    assert f"# {text('dash.title', 'en')}" in texts
    assert f"# {text('dash.title', 'zh')}" not in texts


def test_language_from_environment(monkeypatch):
    monkeypatch.setenv("LOTTO_LAB_LANG", "en")
    assert session_language() == "en"
    assert session_language("zh") == "zh"
    monkeypatch.delenv("LOTTO_LAB_LANG")
    assert session_language() == "zh"


@pytest.mark.slow
def test_dashboard_never_imports_store(published_reports):
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from lotto_lab.dashboard.layout import build_dashboard
        build_dashboard(Path({str(published_reports)!r}), "zh")
        loaded = sorted(name for name in ("duckdb", "lotto_lab.store") if name in sys.modules)
        print(",".join(loaded))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
