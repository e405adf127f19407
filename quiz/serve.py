"""`rnnprep serve`: the app in a browser, through textual-serve.

Every browser tab gets an app process of its own (`python -m quiz`) on one data folder; the
store already takes two writers. The server binds to loopback unless told otherwise, and then
says loudly that anyone who reaches the port gets the app, since there is no login. Requests
whose Host or Origin is not this server are refused, so a web page open in the same browser
can't drive the app through a rebound name or a cross-site WebSocket.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import shlex
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from quiz.l10n import _

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """Whether every address `host` stands for is this machine's loopback."""
    if host.casefold() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def app_command(data: Path) -> str:
    """The shell command textual-serve starts for each tab: this Python, this data folder."""
    return shlex.join([sys.executable, "-m", "quiz", "--data-dir", str(data)])


def allowed_hosts(host: str, port: int) -> set[str] | None:
    """The Host headers a loopback server answers (None: any, when bound beyond loopback)."""
    if not is_loopback(host):
        return None
    names = {host, "localhost", "127.0.0.1", "[::1]"}
    return {f"{name}:{port}" for name in names} | ({*names} if port == 80 else set())


def request_problem(headers: Any, allowed: set[str] | None) -> str | None:
    """Why a request is refused (Host not this loopback server, Origin not its own page)."""
    host = headers.get("Host", "")
    if allowed is not None and host not in allowed:
        return f"Host {host!r} is not this server"
    origin = headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != host:
        return f"Origin {origin!r} is not this server's page"
    return None


def serve(host: str, port: int, data: Path) -> int:
    """Run the web server until Ctrl+C; returns the exit code."""
    from aiohttp import web
    from textual_serve.server import Server

    allowed = allowed_hosts(host, port)

    @web.middleware
    async def guard(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        problem = request_problem(request.headers, allowed)
        if problem is not None:
            log.warning("refused %s %s: %s", request.method, request.path, problem)
            raise web.HTTPForbidden(text=problem)
        return await handler(request)

    class RnnprepServer(Server):
        async def _make_app(self) -> web.Application:
            app: web.Application = await super()._make_app()
            app.middlewares.append(guard)
            return app

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            # The page's WebSocket address: the one the browser used, so a server bound to
            # 0.0.0.0 works from another machine (textual-serve would write 0.0.0.0 in it).
            self.public_url = f"{request.scheme}://{request.host}"
            response: web.StreamResponse = await super().handle_index(request)
            return response

        def initialize_logging(self) -> None:
            logging.basicConfig(level=logging.WARNING, format="%(message)s")

        async def on_startup(self, app: web.Application) -> None:
            shown = f"[{host}]" if ":" in host else host
            print(
                _(
                    "Serving rnnprep on http://{address}:{port} (data folder {data}). Open it in"
                    " a browser; each tab runs its own app. Ctrl+C stops."
                ).format(address=shown, port=port, data=data),
                flush=True,
            )

    problem = bind_problem(host, port)
    if problem is None:
        if allowed is None:
            warn_beyond_loopback(host, port)
        server = RnnprepServer(app_command(data), host=host, port=port, title="rnnprep")
        try:
            server.serve()
        except OSError as exc:  # taken between the check and the bind
            problem = why_not(exc)
    if problem is not None:
        print(
            _("rnnprep: error: can't serve on {host}:{port}: {reason}").format(
                host=host, port=port, reason=problem
            ),
            file=sys.stderr,
        )
        return 1
    return 0


def warn_beyond_loopback(host: str, port: int) -> None:
    print(
        _(
            "Warning: serving on {host}, not only on this machine. Anyone who can reach port"
            " {port} gets the app and your progress: there is no login. Use --host 127.0.0.1"
            " unless you mean it."
        ).format(host=host, port=port),
        file=sys.stderr,
        flush=True,
    )


def bind_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (checked first, so nothing claims to be
    serving when it can't), or None."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        for family, kind, proto, _name, address in infos:
            with socket.socket(family, kind, proto) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(address)
    except OSError as exc:
        return why_not(exc)
    return None


def why_not(exc: OSError) -> str:
    if isinstance(exc, socket.gaierror):
        return _("no such host name")
    if exc.errno == errno.EADDRINUSE:
        return _("the port is taken (another rnnprep serve?); pick another with --port")
    if exc.errno == errno.EADDRNOTAVAIL:
        return _("this machine has no such address")
    return os.strerror(exc.errno) if exc.errno else str(exc)
