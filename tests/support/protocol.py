"""Many sessions at once, measured on the server: a client that speaks Streamlit's own protocol.

Each session opens Streamlit's websocket (``/_stcore/stream``), asks for a page with a ``rerun_script`` BackMsg (the
page's URL path and query string, as a browser's first message does) and reads the ForwardMsgs until
``script_finished``. No browser runs: what is measured is the server — the time until each session's script
finished, the server's CPU per page view (``/proc``), its resident memory before, during and after the sessions.
``tests/test_benchmarks.py`` checks, in a real browser, that a page this client gets is the page a browser gets.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")


@dataclass
class View:
    """One session's page view: seconds until its script finished, how it ended, what it received."""

    seconds: float
    finished: bool
    exception: bool
    messages: int
    text: str  # the markdown and headings it received, to check a page was complete
    server: str = ""  # behind nginx: the server that answered (its X-Gen-Dash-Serveur header)
    extensions: str = ""  # the WebSocket extensions the server accepted (permessage-deflate)


async def view_page(
    base: str, page: str, query: str = "", timeout: float = 120.0, cookie: str = ""
) -> View:
    """Open one session on *page* (its URL path, ``""`` for the home page) with *query*, until its script finished;
    with *cookie*, the one a browser would send (behind nginx: the cookie that chooses the server)."""
    import websockets

    url = base.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
    start = time.perf_counter()
    texts: list[str] = []
    messages, exception, finished = 0, False, False
    async with websockets.connect(
        url,
        subprotocols=["streamlit"],
        origin=base,
        max_size=None,
        open_timeout=timeout,
        additional_headers={"Cookie": cookie} if cookie else None,
    ) as ws:
        server = ws.response.headers.get("X-Gen-Dash-Serveur", "")
        extensions = ws.response.headers.get("Sec-WebSocket-Extensions", "")
        message = BackMsg()
        message.rerun_script.query_string = query
        message.rerun_script.page_name = page
        await ws.send(message.SerializeToString())
        deadline = start + timeout
        while time.perf_counter() < deadline:
            raw = await asyncio.wait_for(ws.recv(), timeout=deadline - time.perf_counter())
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            messages += 1
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    exception = True
                elif which in ("markdown", "heading"):
                    texts.append(getattr(element, which).body)
            elif kind == "script_finished":
                finished = forward.script_finished == FINISHED
                break
    return View(
        time.perf_counter() - start,
        finished,
        exception,
        messages,
        "\n".join(texts),
        server,
        extensions,
    )


async def _many(base: str, page: str, query: str, sessions: int) -> list[View]:
    return await asyncio.gather(*(view_page(base, page, query) for _ in range(sessions)))


def _run(coroutine):
    """Run *coroutine* to its end in a thread of its own (the caller may already run an event loop, as Playwright's
    synchronous API does)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def view(base: str, page: str, query: str = "") -> View:
    """One session's view of *page* (:func:`view_page`), from synchronous code."""
    return _run(view_page(base, page, query))


def concurrent_views(base: str, page: str, query: str, sessions: int) -> list[View]:
    """*sessions* sessions opening *page* at the same moment."""
    return _run(_many(base, page, query, sessions))


def views_with_cookies(base: str, page: str, query: str, cookies: list[str]) -> list[View]:
    """A session for each of *cookies* (as many browsers, each its own), all opening *page* at the same moment."""

    async def each() -> list[View]:
        return await asyncio.gather(*(view_page(base, page, query, cookie=c) for c in cookies))

    return _run(each())


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process and its finished children have used, from ``/proc``."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / ticks


def cpu_per_view(
    base: str, pid: int, page: str, query: str, views: int = 10
) -> tuple[float, float]:
    """Server CPU of the first view of *page*, then the mean of *views* more (another session just viewed it; the
    kernel counts CPU in 10 ms ticks: the mean over several views is finer than one view's)."""
    before = cpu_seconds(pid)
    view(base, page, query)
    first = cpu_seconds(pid) - before
    before = cpu_seconds(pid)
    for _ in range(views):
        view(base, page, query)
    return first, (cpu_seconds(pid) - before) / views
