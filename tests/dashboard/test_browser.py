"""The served dashboard in headless Chromium: tickets and accuracy tables render, all from 127.0.0.1.

The server is the ``panel serve`` command that ``lotto-lab serve`` runs, with the same command
line and environment, started as a subprocess on a free 127.0.0.1 port. The test stops that
process only, by its id. Chromium is Debian's ``/usr/bin/chromium`` (or ``$LOTTO_LAB_CHROMIUM``), driven by
Playwright's Python package; no browser is downloaded.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from published_run_files import RUN_ID, write_published_run

from lotto_lab.dashboard.serve_cli import build_command, build_environment

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOST = "127.0.0.1"
SERVER_START_TIMEOUT = 60.0
PAGE_TIMEOUT_MS = 60_000


def chromium_path() -> str | None:
    """Return the Chromium binary: ``$LOTTO_LAB_CHROMIUM``, else Debian's chromium, else None."""
    configured = os.environ.get("LOTTO_LAB_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        reason = "Chromium not found: install Debian's chromium package or set LOTTO_LAB_CHROMIUM"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true, so the browser test may not be skipped)")
        pytest.skip(reason)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCAL_HOST, 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the dashboard server exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    pytest.fail(
        f"the dashboard server did not answer {url} within {SERVER_START_TIMEOUT} s:\n{log_path.read_text()}"
    )


@contextlib.contextmanager
def dashboard_server(reports: Path, root: Path):
    """Run the dashboard on a free 127.0.0.1 port for ``reports``; yield its URL; stop it by its id."""
    port = free_port()
    log_path = root / f"server-{port}.log"
    command = build_command(LOCAL_HOST, port)
    environment = build_environment(reports, "zh")
    with log_path.open("w") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=environment)
    url = f"http://{LOCAL_HOST}:{port}/app"
    try:
        wait_until_serving(url, process, log_path)
        yield url
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


@pytest.fixture(scope="module")
def server(chromium, tmp_path_factory):
    """A dashboard server serving a published run of both games."""
    root = tmp_path_factory.mktemp("browser")
    write_published_run(root / "reports")
    with dashboard_server(root / "reports", root) as url:
        yield {"url": url, "root": root}


def browse(
    chromium: str, url: str, wait_for: tuple[str, ...], read, *, screenshot: Path | None = None
) -> dict:
    """Load ``url`` in headless Chromium, wait for ``wait_for``; return ``read(page)`` and the traffic.

    Every request goes through a route that lets 127.0.0.1 through and aborts anything else, so a
    remote asset never leaves the machine and is listed under ``"blocked"``. Console errors and
    uncaught page errors are listed under ``"errors"``.
    """
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    blocked: list[str] = []
    errors: list[str] = []

    def guard(route):
        address = route.request.url
        requested.append(address)
        if urlsplit(address).hostname == LOCAL_HOST:
            route.continue_()
        else:
            blocked.append(address)
            route.abort()

    def record_console(message):
        if message.type == "error":
            errors.append(message.text)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.route("**/*", guard)
            page = context.new_page()
            page.on("console", record_console)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("websocket", lambda websocket: requested.append(websocket.url))
            page.goto(url, timeout=PAGE_TIMEOUT_MS)
            for selector in wait_for:
                page.wait_for_selector(selector, timeout=PAGE_TIMEOUT_MS)
            result = read(page)
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    result.update(requested=requested, blocked=blocked, errors=errors)
    return result


# Waiting for inner elements, not the components' host elements: Panel renders a component's
# content into its shadow root after the host element appears.
DASHBOARD_SELECTORS = (
    ".lotto-title h1",
    ".lotto-run-info p",
    ".lotto-tickets table tbody tr",
    ".lotto-accuracy table tbody tr",
    ".lotto-probabilities .main-svg",
)


def read_dashboard(page, act=None) -> dict:
    """Return the first game's tickets and accuracy table, the headings and the tab names.

    ``act(page)``, when given, runs afterwards and its return value is stored under ``"acted"``.
    """
    # Both tabs are rendered; the first ticket and accuracy tables belong to the first game.
    tickets = page.locator(".lotto-tickets").first.locator("table tbody tr")
    accuracy = page.locator(".lotto-accuracy").first
    result = {
        "first_ticket": [cell.strip() for cell in tickets.first.locator("td").all_inner_texts()],
        "ticket_rows": tickets.count(),
        "ticket_tables": page.locator(".lotto-tickets").count(),
        "accuracy_headers": accuracy.locator("table thead th").all_inner_texts(),
        "accuracy_rows": accuracy.locator("table tbody tr").count(),
        "markdown": " ".join(page.locator("h1, h2, h3, h4, p").all_inner_texts()),
        "tabs": page.locator(".bk-tab").all_inner_texts(),
    }
    if act is not None:
        result["acted"] = act(page)
    return result


def pick_uniform_strategy(page) -> list[str]:
    """Choose the uniform strategy in the first tab; return the first ticket once it was redrawn."""
    from playwright.sync_api import expect

    first_row = page.locator(".lotto-tickets").first.locator("table tbody tr").first
    before = first_row.inner_text()
    page.locator("select").first.select_option("uniform")
    expect(first_row).not_to_have_text(before, timeout=PAGE_TIMEOUT_MS)
    return [cell.strip() for cell in first_row.locator("td").all_inner_texts()]


@pytest.fixture(scope="module")
def chinese_page(server, chromium):
    screenshot = server["root"] / "dashboard-zh.png"
    page = browse(
        chromium,
        server["url"],
        DASHBOARD_SELECTORS,
        lambda page: read_dashboard(page, act=pick_uniform_strategy),
        screenshot=screenshot,
    )
    page["screenshot"] = screenshot
    return page


def test_tickets_render(chinese_page):
    number, red, blue = chinese_page["first_ticket"]
    assert number == "1"
    assert len(red.split()) == 6
    assert len(blue.split()) == 1
    assert chinese_page["ticket_rows"] == 5
    assert chinese_page["ticket_tables"] == 2  # one per game tab


def test_accuracy_table_renders_with_baseline(chinese_page):
    assert chinese_page["accuracy_headers"] == [
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
    assert chinese_page["accuracy_rows"] > 0


def test_chinese_labels_by_default(chinese_page):
    assert "彩票研究工作台" in chinese_page["markdown"]
    assert "预测号码" in chinese_page["markdown"]
    assert "回测准确度" in chinese_page["markdown"]
    assert f"运行 {RUN_ID}" in chinese_page["markdown"]
    assert chinese_page["tabs"] == ["双色球", "超级大乐透"]


def test_strategy_choice_redraws_tickets(chinese_page):
    assert chinese_page["acted"] != chinese_page["first_ticket"]
    assert chinese_page["acted"][0] == "1"


def test_console_has_no_errors(chinese_page):
    assert chinese_page["errors"] == []


def test_every_request_stays_on_localhost(chinese_page):
    assert chinese_page["blocked"] == []
    hosts = {urlsplit(address).hostname for address in chinese_page["requested"]}
    assert hosts == {LOCAL_HOST}
    assert any(address.startswith("ws://127.0.0.1:") for address in chinese_page["requested"])


def test_screenshot_written(chinese_page):
    assert chinese_page["screenshot"].stat().st_size > 10_000


def test_english_page_from_query(server, chromium):
    page = browse(chromium, server["url"] + "?lang=en", DASHBOARD_SELECTORS, read_dashboard)
    assert page["accuracy_headers"][:3] == ["strategy", "metric", "pool"]
    assert "Predicted tickets" in page["markdown"]
    assert page["tabs"] == ["Double Colour Ball (SSQ)", "Super Lotto (DLT)"]
    assert page["errors"] == []
    assert page["blocked"] == []


def test_no_published_run_message(chromium, tmp_path):
    with dashboard_server(tmp_path / "reports", tmp_path) as url:
        page = browse(
            chromium,
            url,
            (".lotto-no-run p",),
            lambda page: {"alert": " ".join(page.locator(".lotto-no-run p").all_inner_texts())},
        )
    assert page["alert"].startswith("还没有已发布的运行结果。请先在项目目录运行 lotto-lab run --quick")
    assert str(tmp_path / "reports") in page["alert"]
    assert page["errors"] == []
    assert page["blocked"] == []
