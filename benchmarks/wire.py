"""Benchmark group « reseau »: what one real-browser visit costs on the wire and on the server (issue 26).

Debian's Chromium opens a page through nginx and two servers (``deploy/local.sh``, as in production) when nginx is
installed, else on the servers alone. Counted from Chromium's own network log (its DevTools protocol): the responses
that came over the network (a file served from the browser's cache is not one; a 304 is) and the bytes they took,
their compressed size as sent; a WebSocket counts as one response, and the bytes nginx sent on it (its access log:
the messages as compressed on the connection), or without nginx their payload (an upper bound). A new visitor has an
empty cache; a returning one comes back with the cache of its first visit. The server CPU is that of the Streamlit
processes over the visit. Beside each, the same for an empty Streamlit page (``benchmarks/empty_app.py``) on a
server of its own, behind the same nginx site.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from benchmarks.api import Reached, servers_behind_nginx
from benchmarks.harness import ROOT, Result
from tests.support import CHROMIUM, launch_chromium
from tests.support.protocol import cpu_seconds

PAGES = [
    ("carte-des-fabriques", "Carte"),
    ("couverture-territoriale", "Couverture"),
    ("", "Vue d'ensemble"),
]
# Issue 26's budgets: responses and bytes of the Carte; CPU against the empty page's, in the same run.
FIRST = (90, 1.5e6)
AGAIN = (25, 0.25e6)


@dataclass
class Visit:
    responses: int
    sent: float  # bytes
    cpu: float  # seconds, on the servers


def wire_measures(repeat: int = 3, trial: bool = False) -> list[Result]:
    """Responses, bytes and server CPU of a new and of a returning visitor, the Carte and two other pages, beside an
    empty Streamlit page, each the median of *repeat* visits. A *trial* run (for the tests: end to end, figures
    meaningless) visits the Carte once, on servers not warmed by a visit before."""
    if not CHROMIUM:
        return [Result("réseau : Chromium absent, rien de mesuré", "", None, "s")]
    from playwright.sync_api import sync_playwright

    # The kernel counts CPU in 10 ms ticks: never fewer than 3 visits.
    times = 1 if trial else max(repeat, 3)
    out = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, CHROMIUM)
        try:
            # The floor: an empty Streamlit page served as the dashboard is (one server behind the same nginx site).
            empty_app = ROOT / "benchmarks" / "empty_app.py"
            with servers_behind_nginx(1, empty_app) as floor:
                empty = _visits(
                    browser, floor, "", "h1, [data-testid=stApp]", times, warm=not trial
                )
            with servers_behind_nginx() as reached:
                for path, name in PAGES[:1] if trial else PAGES:
                    new, again = _visits(browser, reached, path, "h1", times, warm=not trial)
                    out += _results(
                        name, reached.how, new, again, empty, budgets=path == "carte-des-fabriques"
                    )
            out += _results("page Streamlit vide", f"un serveur, {floor.how}", *empty, None)
        finally:
            browser.close()
    return out


def _results(name, how, new: Visit, again: Visit, empty, budgets: bool = False) -> list[Result]:
    size = f"exemple fin 2017, {how}" if empty is not None else how
    rows = []
    for who, visit, limits in (
        ("nouveau visiteur", new, FIRST),
        ("visiteur qui revient", again, AGAIN),
    ):
        count, sent = limits
        rows += [
            Result(
                f"{name}, {who} : réponses",
                size,
                visit.responses,
                "n",
                None,
                f"≤ {count}" if budgets else "",
                visit.responses <= count if budgets else None,
            ),
            Result(
                f"{name}, {who} : octets transférés",
                size,
                visit.sent,
                "o",
                None,
                f"≤ {sent / 1e6:.2f} Mo".replace(".", ",") if budgets else "",
                visit.sent <= sent if budgets else None,
            ),
        ]
    if empty is not None:
        for who, visit, floor, factor in (
            ("nouveau visiteur", new, empty[0], 2.0),
            ("visiteur qui revient", again, empty[1], 1.5),
        ):
            rows.append(
                Result(
                    f"{name}, {who} : CPU serveur",
                    size,
                    visit.cpu,
                    "s",
                    floor.cpu,
                    f"≤ {factor:g} × la page vide".replace(".", ","),
                    visit.cpu <= factor * floor.cpu,
                )
            )
    else:
        rows += [
            Result(f"{name}, {who} : CPU serveur", size, visit.cpu, "s")
            for who, visit in (("nouveau visiteur", new), ("visiteur qui revient", again))
        ]
    return rows


def _visits(
    browser, servers: Reached, path: str, ready: str, times: int = 3, warm: bool = True
) -> tuple[Visit, Visit]:
    """A first visit with an empty cache, then a second in the same browser profile (its cache kept), *times* over
    (the median of each: the kernel counts CPU in 10 ms ticks); if *warm*, after a visit of another browser, so that
    what every visitor shares is already computed, as on a server in use."""
    if warm:
        warming = browser.new_context(locale="fr-FR")
        _visit(warming, servers, path, ready)
        warming.close()
    pairs = []
    for _ in range(times):
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        try:
            pairs.append(
                (
                    _visit(context, servers, path, ready),
                    _visit(context, servers, path, ready),
                )
            )
        finally:
            context.close()
    return tuple(_median([pair[i] for pair in pairs]) for i in (0, 1))


def _median(visits: list[Visit]) -> Visit:
    middle = len(visits) // 2
    return Visit(
        *(sorted(getattr(v, name) for v in visits)[middle] for name in ("responses", "sent", "cpu"))
    )


# A WebSocket's line in nginx's access log (combined format): its status and the bytes nginx sent on it.
_STREAM = re.compile(r'"GET [^"]*/_stcore/stream[^"]*" 101 (\d+) ')


def _visit(context, servers: Reached, path: str, ready: str) -> Visit:
    log = servers.access_log
    logged = log.stat().st_size if log is not None else 0
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    seen = {"responses": 0, "bytes": 0.0, "payload": 0}

    def response(event):
        answer = event["response"]
        if not (
            answer.get("fromDiskCache")
            or answer.get("fromPrefetchCache")
            or answer.get("fromServiceWorker")
        ):
            seen["responses"] += 1

    def finished(event):
        seen["bytes"] += event.get("encodedDataLength", 0)

    def frame(event):
        seen["payload"] += len(event["response"].get("payloadData", ""))

    def handshake(event):
        seen["responses"] += 1

    cdp.on("Network.responseReceived", response)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived", frame)
    cdp.on("Network.webSocketHandshakeResponseReceived", handshake)
    before = sum(cpu_seconds(pid) for pid in servers.pids)
    page.goto(servers.bases[0] + path)
    page.locator(ready).first.wait_for(timeout=120_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget], [data-stale=true]')"
    )
    page.wait_for_load_state("networkidle")
    time.sleep(1.0)  # the map's frame and its last messages
    page.close()
    time.sleep(0.5)  # nginx logs a WebSocket when it closes
    if log is None:
        seen["bytes"] += seen["payload"]
    else:
        with open(log, encoding="utf-8", errors="replace") as lines:
            lines.seek(logged)
            seen["bytes"] += sum(int(sent) for sent in _STREAM.findall(lines.read()))
    cpu = sum(cpu_seconds(pid) for pid in servers.pids) - before
    return Visit(seen["responses"], seen["bytes"], cpu)
