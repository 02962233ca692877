"""``lotto-lab serve``: serve the Panel dashboard of the latest published run.

The command prints the dashboard's URL and then replaces its own process with ``python -m panel
serve lotto_lab/dashboard/app.py`` on the same interpreter (``os.execve``). The server therefore
keeps the command's process id, so stopping that process stops the server and leaves no child
behind. The server binds to 127.0.0.1 unless ``--address`` names another address, and accepts
websocket connections only from the origins of the address it binds to.

Only standard-library modules are imported at the top, so building the command-line parser stays
cheap.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = [
    "APP_PATH",
    "DEFAULT_ADDRESS",
    "DEFAULT_PORT",
    "add_arguments",
    "build_command",
    "build_environment",
    "main",
    "url_for",
]

APP_PATH = Path(__file__).resolve().with_name("app.py")
APP_ROUTE = "/app"
DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 5006
_LOOPBACK_NAMES = ("127.0.0.1", "localhost")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the options of ``lotto-lab serve`` on ``parser``."""
    parser.add_argument(
        "--address",
        default=DEFAULT_ADDRESS,
        help=f"address the server binds to (default: {DEFAULT_ADDRESS}, reachable from this machine only)",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"TCP port of the server (default: {DEFAULT_PORT})"
    )
    parser.add_argument("--show", action="store_true", help="open the dashboard in a web browser")
    parser.add_argument(
        "--allow-websocket-origin",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="another origin allowed to open the dashboard, for example the machine's host name "
        "when binding to 0.0.0.0 (repeatable)",
    )


def _host_for_url(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    return f"[{address}]" if parsed.version == 6 else address


def url_for(address: str, port: int) -> str:
    """Return the dashboard's URL for a server bound to ``address`` and ``port``."""
    return f"http://{_host_for_url(address)}:{port}{APP_ROUTE}"


def _origins(address: str, port: int, extra: Sequence[str]) -> list[str]:
    if address in _LOOPBACK_NAMES:
        hosts = list(_LOOPBACK_NAMES)
    else:
        hosts = [_host_for_url(address)]
    origins = [f"{host}:{port}" for host in hosts]
    origins.extend(origin for origin in extra if origin not in origins)
    return origins


def build_command(
    address: str, port: int, *, show: bool = False, extra_origins: Sequence[str] = ()
) -> list[str]:
    """Return the ``panel serve`` command line for the dashboard, on this interpreter."""
    command = [
        sys.executable,
        "-m",
        "panel",
        "serve",
        str(APP_PATH),
        "--address",
        address,
        "--port",
        str(port),
    ]
    for origin in _origins(address, port, extra_origins):
        command += ["--allow-websocket-origin", origin]
    if show:
        command.append("--show")
    return command


def build_environment(
    reports_dir: Path, language: str, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Return the server's environment: ``base`` (default ``os.environ``) plus reports folder and language."""
    from lotto_lab.config import LANGUAGE_ENV, REPORTS_ENV

    environment = dict(os.environ if base is None else base)
    environment[REPORTS_ENV] = str(reports_dir)
    environment[LANGUAGE_ENV] = language
    return environment


def _validate(address: str, port: int) -> None:
    from lotto_lab.errors import ConfigError

    if not 1 <= port <= 65535:
        raise ConfigError(
            f"--port must be between 1 and 65535, got {port}",
            zh=f"--port 必须在 1 到 65535 之间, 收到 {port}",
        )
    if not address.strip():
        raise ConfigError(
            "--address is empty: give an address such as 127.0.0.1",
            zh="--address 为空: 请给出地址, 例如 127.0.0.1",
        )


def main(args: argparse.Namespace) -> int:
    """Print the dashboard URL, then replace this process with the Panel server (does not return)."""
    from lotto_lab.config import resolve_reports_dir
    from lotto_lab.i18n import get_language, text

    address = args.address.strip()
    _validate(address, args.port)
    language = get_language(getattr(args, "lang", None))
    reports_dir = resolve_reports_dir(args.reports)
    command = build_command(address, args.port, show=args.show, extra_origins=args.allow_websocket_origin)
    environment = build_environment(reports_dir, language)

    print(text("serve.url", language, url=url_for(address, args.port)), flush=True)
    sys.stderr.flush()
    os.execve(sys.executable, command, environment)
    return 0  # pragma: no cover (execve does not return)
