"""`lotto-lab serve`: the panel serve command line, its checks, and one real start on 127.0.0.1."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from published_run_files import write_published_run

from lotto_lab.config import PROJECT_DIR
from lotto_lab.dashboard import serve_cli
from lotto_lab.errors import ConfigError


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    serve_cli.add_arguments(parser)
    namespace = parser.parse_args(argv)
    namespace.reports = None
    namespace.lang = "en"
    return namespace


def test_defaults_bind_to_localhost():
    args = parse([])
    assert args.address == "127.0.0.1"
    assert args.port == 5006
    assert args.show is False
    assert args.allow_websocket_origin == []


def test_command_for_localhost():
    command = serve_cli.build_command("127.0.0.1", 5006)
    assert command == [
        sys.executable,
        "-m",
        "panel",
        "serve",
        str(serve_cli.APP_PATH),
        "--address",
        "127.0.0.1",
        "--port",
        "5006",
        "--allow-websocket-origin",
        "127.0.0.1:5006",
        "--allow-websocket-origin",
        "localhost:5006",
    ]
    assert serve_cli.APP_PATH.is_file()


def test_command_with_show_and_extra_origin():
    command = serve_cli.build_command("0.0.0.0", 8080, show=True, extra_origins=["lab.example:8080"])
    origins = [command[i + 1] for i, part in enumerate(command) if part == "--allow-websocket-origin"]
    assert origins == ["0.0.0.0:8080", "lab.example:8080"]
    assert command[-1] == "--show"


def test_ipv6_address_in_brackets():
    assert serve_cli.url_for("::1", 5006) == "http://[::1]:5006/app"
    command = serve_cli.build_command("::1", 5006)
    assert command[command.index("--allow-websocket-origin") + 1] == "[::1]:5006"


def test_url_for_localhost():
    assert serve_cli.url_for("127.0.0.1", 5006) == "http://127.0.0.1:5006/app"


def test_environment_names_reports_and_language(tmp_path):
    base = {"PATH": "/usr/bin", "LOTTO_LAB_REPORTS": "/elsewhere"}
    environment = serve_cli.build_environment(tmp_path, "en", base)
    assert environment == {"PATH": "/usr/bin", "LOTTO_LAB_REPORTS": str(tmp_path), "LOTTO_LAB_LANG": "en"}
    assert base["LOTTO_LAB_REPORTS"] == "/elsewhere"


@pytest.mark.parametrize("port", [0, 65536, -5])
def test_port_out_of_range_rejected(port):
    with pytest.raises(ConfigError) as caught:
        serve_cli.main(parse(["--port", str(port)]))
    assert caught.value.message == f"--port must be between 1 and 65535, got {port}"
    assert caught.value.zh == f"--port 必须在 1 到 65535 之间, 收到 {port}"
    assert caught.value.exit_code == 2


def test_empty_address_rejected():
    with pytest.raises(ConfigError, match="--address is empty"):
        serve_cli.main(parse(["--address", " "]))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_serve_prints_url_and_becomes_server(tmp_path):
    reports = tmp_path / "reports"
    write_published_run(reports, games=("ssq",))
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "lotto_lab.cli",
        "serve",
        "--port",
        str(port),
        "--reports",
        str(reports),
        "--lang",
        "en",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=PROJECT_DIR
    )
    try:
        first_line = process.stdout.readline()
        assert first_line == f"dashboard at http://127.0.0.1:{port}/app\n"
        url = f"http://127.0.0.1:{port}/app"
        deadline = time.monotonic() + 60
        page = None
        while page is None and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read()
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    page = response.read().decode("utf-8")
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        assert page is not None, f"no answer from {url}"
        assert "static/extensions/panel" in page
    finally:
        # The command replaced itself with the server, so this id is the server's.
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
        process.stdout.close()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/app", timeout=2)
