"""Panel layout of the dashboard: one tab per game, built from :mod:`lotto_lab.dashboard.data`.

The language is Chinese unless the page is opened with ``?lang=en``, ``LOTTO_LAB_LANG=en`` is
set, or the user switches with the toggle at the top. Each section catches the project's errors
for a malformed published file and shows the message in place, so one bad file does not blank
the whole page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import panel as pn

from lotto_lab.config import DEFAULT_SEED, resolve_reports_dir
from lotto_lab.dashboard import data
from lotto_lab.dashboard.figures import figure_from_json, probability_figure
from lotto_lab.errors import LottoLabError
from lotto_lab.games import get_game
from lotto_lab.i18n import MESSAGES, get_language, text
from lotto_lab.pipeline.published import Predictions

__all__ = ["MAX_TICKETS", "build_dashboard", "create_app", "session_language"]

log = logging.getLogger(__name__)

MAX_TICKETS = 20
DEFAULT_TICKETS = 5
_LANGUAGE_OPTIONS = {"中文": "zh", "English": "en"}
_AUDIT_ROWS_SHOWN = 30


def _label(caption: str) -> dict[str, str]:
    """Return the keyword that sets a widget's caption: ``label`` where Panel has it, else ``name``.

    Panel 1.9 deprecates ``name`` for captions in favour of ``label``, which older 1.x releases
    lack.
    """
    return {"label": caption} if "label" in pn.widgets.Select.param else {"name": caption}


def session_language(default: str | None = None) -> str:
    """Return the page language: ``?lang=`` of the request, else ``default``, else ``LOTTO_LAB_LANG``."""
    arguments = pn.state.session_args or {}
    values = arguments.get("lang") or []
    if values:
        value = values[0].decode("utf-8", "replace") if isinstance(values[0], bytes) else str(values[0])
        return get_language(value)
    return get_language(default)


def create_app(reports_dir: Path | None = None, language: str | None = None) -> pn.Column:
    """Return the whole page: the language toggle above the dashboard of the published run.

    Parameters
    ----------
    reports_dir
        The reports folder; None resolves it from ``LOTTO_LAB_REPORTS`` or the default.
    language
        The initial language; None reads the request's ``?lang=`` and then ``LOTTO_LAB_LANG``.
    """
    reports = resolve_reports_dir(reports_dir)
    initial = session_language(language)
    toggle = pn.widgets.RadioButtonGroup(
        **_label(text("dash.language", initial)), options=_LANGUAGE_OPTIONS, value=initial, width=160
    )
    content = pn.Column(build_dashboard(reports, initial), sizing_mode="stretch_width")

    def switch_language(event) -> None:
        content.objects = [build_dashboard(reports, event.new)]

    toggle.param.watch(switch_language, "value")
    return pn.Column(pn.Row(pn.layout.HSpacer(), toggle), content, sizing_mode="stretch_width")


def build_dashboard(reports_dir: Path, language: str) -> pn.Column:
    """Return the dashboard of the run ``<reports_dir>/latest`` points to, in ``language``."""
    title = pn.pane.Markdown(f"# {text('dash.title', language)}", css_classes=["lotto-title"])
    run = data.find_published_run(reports_dir)
    if run is None or not run.games:
        message = f"{text('dash.no_run', language)}\n\n{text('dash.no_run_path', language, path=reports_dir)}"
        return pn.Column(
            title,
            pn.pane.Alert(message, alert_type="warning", css_classes=["lotto-no-run"]),
            sizing_mode="stretch_width",
        )
    tabs = pn.Tabs(dynamic=False, sizing_mode="stretch_width")
    for game in run.games:
        spec = get_game(game)
        label = spec.title_zh if language == "zh" else spec.title_en
        tabs.append((label, build_game_view(run, game, language)))
    return pn.Column(title, tabs, sizing_mode="stretch_width")


def _error_alert(source: str, language: str, error: LottoLabError) -> pn.pane.Alert:
    log.warning("dashboard could not show %s", source, exc_info=True)
    message = text("dash.read_error", language, what=source, error=error.localized(language))
    return pn.pane.Alert(message, alert_type="danger")


def _guarded(source: str, language: str, build: Callable[[], list]) -> list:
    """Return ``build()``, or an alert with the error message when a published file is malformed."""
    try:
        return build()
    except LottoLabError as error:
        return [_error_alert(source, language, error)]


def build_game_view(run: data.PublishedRun, game: str, language: str) -> pn.Column:
    """Return one game's tab: run facts, tickets and probabilities, accuracy, audit, LSTM tuning."""
    try:
        predictions = data.load_predictions(run, game)
        prediction_panes = _prediction_panes(game, predictions, language)
    except LottoLabError as error:
        predictions = None
        prediction_panes = [_error_alert("predictions.json", language, error)]

    facts = data.run_summary(run, game, predictions)
    unknown = text("dash.unknown", language)
    displayed = {key: unknown if value is None else value for key, value in facts.items()}
    info = text(
        "dash.run_info",
        language,
        run_id=displayed["run_id"],
        data_through=displayed["data_through"],
        git_commit=displayed["git_commit"],
        finished=displayed["finished"],
    )
    column = pn.Column(pn.pane.Markdown(info, css_classes=["lotto-run-info"]), sizing_mode="stretch_width")
    column.extend(prediction_panes)
    column.extend(_guarded("evaluation.json", language, lambda: _accuracy_panes(run, game, language)))
    column.extend(_guarded("audit.json", language, lambda: _audit_panes(run, game, language)))
    column.extend(_guarded("lstm/", language, lambda: _lstm_panes(run, game, language)))
    return column


def _prediction_panes(game: str, predictions: Predictions | None, language: str) -> list:
    spec = get_game(game)
    title = spec.title_zh if language == "zh" else spec.title_en
    if predictions is None:
        return [pn.pane.Alert(text("dash.no_predictions", language, game=title), alert_type="warning")]

    strategy = pn.widgets.Select(
        **_label(text("dash.strategy", language)),
        options=predictions.strategies,
        value=predictions.default_strategy,
        width=200,
    )
    count = pn.widgets.IntSlider(
        **_label(text("dash.ticket_count", language)),
        start=1,
        end=MAX_TICKETS,
        value=DEFAULT_TICKETS,
        width=200,
    )
    seed = pn.widgets.IntInput(**_label(text("dash.seed", language)), value=DEFAULT_SEED, start=0, width=160)

    def tickets_pane(strategy_name: str, n_tickets: int, seed_value: int):
        table = data.ticket_table(predictions, strategy_name, n_tickets, seed_value, language)
        return pn.pane.DataFrame(
            table, index=False, css_classes=["lotto-tickets"], sizing_mode="stretch_width"
        )

    def figure_pane(strategy_name: str):
        frame = data.probability_frame(predictions, strategy_name)
        figure = probability_figure(frame, game, strategy_name, language)
        return pn.pane.Plotly(figure, css_classes=["lotto-probabilities"], sizing_mode="stretch_width")

    header = text(
        "dash.target", language, target_issue=predictions.target_issue, data_through=predictions.data_through
    )
    return [
        pn.pane.Markdown(f"## {text('dash.tickets', language)}: {header}"),
        pn.pane.Markdown(text("dash.tickets_note", language)),
        pn.Row(strategy, count, seed),
        pn.panel(pn.bind(tickets_pane, strategy, count, seed)),
        pn.pane.Markdown(f"### {text('dash.probabilities', language)}"),
        pn.panel(pn.bind(figure_pane, strategy)),
    ]


def _window_title(name: str, language: str) -> str:
    if name in ("full", "holdout"):
        return text(f"dash.window.{name}", language)
    return text("dash.window.other", language, name=name)


def _accuracy_panes(run: data.PublishedRun, game: str, language: str) -> list:
    spec = get_game(game)
    title = spec.title_zh if language == "zh" else spec.title_en
    evaluation = data.load_evaluation(run, game)
    panes: list = [pn.pane.Markdown(f"## {text('dash.accuracy', language)}")]
    if evaluation is None:
        panes.append(pn.pane.Alert(text("dash.no_evaluation", language, game=title), alert_type="warning"))
        return panes

    for window in evaluation["windows"]:
        panes.append(pn.pane.Markdown(f"### {_window_title(str(window.get('name')), language)}"))
        settings = window.get("settings") or {}
        if {"n_draws", "first_target_issue", "last_target_issue"} <= set(settings):
            panes.append(
                pn.pane.Markdown(
                    text(
                        "dash.window_range",
                        language,
                        n_draws=settings["n_draws"],
                        first=spec.format_issue(int(settings["first_target_issue"])),
                        last=spec.format_issue(int(settings["last_target_issue"])),
                    )
                )
            )
        reading = data.window_reading(window, language)
        if reading:
            panes.append(pn.pane.Alert(reading, alert_type="info", css_classes=["lotto-reading"]))
        table = data.accuracy_table(game, window, language)
        panes.append(
            pn.pane.DataFrame(table, index=False, css_classes=["lotto-accuracy"], sizing_mode="stretch_width")
        )
        spa = data.spa_summary(window)
        if spa is not None:
            spa_text = text("dash.spa", language, best=spa["best"], p=data.format_p(spa["p"]))
            panes.append(pn.pane.Markdown(spa_text))
        tiers = data.tier_table(window, language)
        if not tiers.empty:
            panes.append(
                pn.Card(
                    pn.pane.DataFrame(tiers, index=False, sizing_mode="stretch_width"),
                    title=text("dash.tiers", language),
                    collapsed=True,
                    sizing_mode="stretch_width",
                )
            )
    return panes


def _audit_panes(run: data.PublishedRun, game: str, language: str) -> list:
    spec = get_game(game)
    title = spec.title_zh if language == "zh" else spec.title_en
    audit = data.load_audit(run, game)
    panes: list = [pn.pane.Markdown(f"## {text('dash.audit', language)}")]
    if audit is None:
        panes.append(pn.pane.Alert(text("dash.no_audit", language, game=title), alert_type="warning"))
        return panes

    reading = (audit.get("reading") or {}).get(language) or (audit.get("reading") or {}).get("en")
    if reading:
        panes.append(pn.pane.Alert(reading, alert_type="info", css_classes=["lotto-audit-reading"]))
    table = data.audit_table(game, audit, language)
    significant = sum(1 for row in audit.get("tests") or [] if row.get("significant"))
    panes.append(
        pn.pane.Markdown(text("dash.audit_count", language, n_tests=len(table), n_significant=significant))
    )
    panes.append(
        pn.pane.DataFrame(
            table,
            index=False,
            max_rows=_AUDIT_ROWS_SHOWN,
            css_classes=["lotto-audit"],
            sizing_mode="stretch_width",
        )
    )
    return panes


def _lstm_panes(run: data.PublishedRun, game: str, language: str) -> list:
    summary = data.load_lstm_summary(run, game)
    figures = data.load_lstm_figures(run, game)
    if summary is None and not figures:
        return []
    panes: list = [
        pn.pane.Markdown(f"## {text('dash.lstm', language)}"),
        pn.pane.Markdown(text("dash.lstm_note", language)),
    ]
    if summary is not None:
        rows = "\n".join(f"| {key} | {_plain_value(value)} |" for key, value in summary.items())
        header = f"| {text('dash.col.field', language)} | {text('dash.col.value', language)} |\n|---|---|\n"
        panes.append(pn.pane.Markdown(header + rows, css_classes=["lotto-lstm-summary"]))
    for name, figure in figures:
        key = f"dash.lstm_figure.{name}"
        panes.append(pn.pane.Markdown(f"#### {text(key, language) if key in MESSAGES else name}"))
        panes.append(pn.pane.Plotly(figure_from_json(figure), sizing_mode="stretch_width"))
    return panes


def _plain_value(value) -> str:
    if isinstance(value, float):
        return data.format_number(value)
    if isinstance(value, dict):
        return ", ".join(f"{key}={_plain_value(item)}" for key, item in value.items())
    return str(value).replace("|", "\\|")
