"""A server takes its first visitor only once the app has run once.

A restarted server answers as soon as its port is open, but Streamlit learns the pages (``st.navigation``) and fills
its caches at the app's first run: a visitor arriving before it got « Page introuvable » on a deep link and waited 4
to 5 s for a cold page. Until the first run (``scripts/serve.py`` asks for it at once, through
``/_stcore/script-health-check``; without the launcher, its first refused visitor starts it),
:class:`NotBeforeFirstRun` answers a page or its WebSocket with a French 503:
behind nginx (``proxy_next_upstream … http_503``) the visitor is served by another server without noticing; alone,
the page says the dashboard is starting and reloads itself.
"""

from __future__ import annotations

import asyncio
import threading
import time

_READY = threading.Event()
# Whatever happens to the first run (an app that stops early), the server opens after this many seconds.
_AT_THE_LATEST = 60.0
_PASS = ("/_stcore/", "/static/", "/app/static/", "/component/", "/media/", "/favicon")
_OURS = ("/api", "/flux.atom", "/sante")
_STARTING = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta http-equiv="refresh" content="1">
<title>Démarrage — GEN tableau de bord</title></head>
<body><main><h1>Le tableau de bord démarre</h1><p>La page s'affiche dans un instant.</p></main></body></html>
""".encode()


def mark_ready() -> None:
    """The app has run once on this server (``app.py`` says so at the end of every run)."""
    _READY.set()


class NotBeforeFirstRun:
    """ASGI middleware: before the app's first run, a page or its WebSocket gets a French 503 (see the module)."""

    def __init__(self, app):
        self.app = app
        self.created = time.monotonic()
        self.warming: asyncio.Task | None = None
        self.checks = 0  # script health checks passing through now (the launcher's warm-up)

    async def __call__(self, scope, receive, send):
        if _READY.is_set() or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if time.monotonic() - self.created > _AT_THE_LATEST:
            _READY.set()
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if scope["type"] == "http" and path.endswith("/_stcore/script-health-check"):
            self.checks += 1
            try:
                await self.app(scope, receive, _noting_success(send))
            finally:
                self.checks -= 1
            return
        if scope["type"] == "http" and (
            path.startswith(_OURS) or any(part in path for part in _PASS)
        ):
            await self.app(scope, receive, send)
            return
        if self.warming is None and not self.checks:
            # A visitor, and nobody running the app yet (a server started without the launcher): run it now, once,
            # rather than beside the launcher's own first run.
            self.warming = asyncio.get_running_loop().create_task(self._run_once(scope))
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"retry-after", b"1"),
            (b"cache-control", b"no-store"),
            (b"content-length", str(len(_STARTING)).encode()),
        ]
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 503, "headers": headers})
            await send({"type": "http.response.body", "body": _STARTING})
        elif "websocket.http.response" in scope.get("extensions", {}):
            await send({"type": "websocket.http.response.start", "status": 503, "headers": headers})
            await send({"type": "websocket.http.response.body", "body": _STARTING})
        else:  # a server without the extension: the session waits for the first run rather than beat it
            while not _READY.is_set() and time.monotonic() - self.created <= _AT_THE_LATEST:
                await asyncio.sleep(0.2)
            await self.app(scope, receive, send)

    async def _run_once(self, scope) -> None:
        """Ask the app's own script health check, in-process, as the launcher would over HTTP."""
        import streamlit as st

        base = "/" + (st.get_option("server.baseUrlPath") or "").strip("/")
        path = base.rstrip("/") + "/_stcore/script-health-check"
        asked = {
            **scope,
            "type": "http",
            "method": "GET",
            "scheme": "http",
            "http_version": "1.1",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"localhost")],
        }

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def ignore(message):
            return None

        await self.app(asked, receive, _noting_success(ignore))


def _noting_success(send):
    async def noted(message):
        if message["type"] == "http.response.start" and message["status"] == 200:
            _READY.set()
        await send(message)

    return noted
