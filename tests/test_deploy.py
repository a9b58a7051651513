"""deploy/: the production setup on one machine (deploy/local.sh: PostgreSQL, two servers, nginx), tested through nginx
as users reach it: the page in Chromium, the API, sticky sessions, files from disk, headers, and a server killed.

Needs nginx, Chromium and PostgreSQL (``.ci/run`` installs them); the stack is started once for this module.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import ARTIFACTS, IN_CHROMIUM, ROOT, drop_store, map_frame
from tests.support import http_get as get
from tests.support import protocol
from tests.support.deploy import LOCAL, local_stack

POSTGRES = os.environ.get("GEN_DASH_TEST_POSTGRES_URL")
pytestmark = [
    *IN_CHROMIUM,
    pytest.mark.postgres,
    pytest.mark.skipif(not shutil.which("nginx"), reason="nginx absent : `apt-get install nginx`"),
    pytest.mark.skipif(
        not POSTGRES, reason="GEN_DASH_TEST_POSTGRES_URL absent (.ci/run démarre PostgreSQL)"
    ),
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """The stack of deploy/local.sh on free ports, in a folder of its own, on this worker's PostgreSQL database."""
    folder = tmp_path_factory.mktemp("deploiement")
    drop_store(POSTGRES)
    try:
        with local_stack(folder, database_url=POSTGRES) as started:
            # the public URL, last line
            assert started.base == f"http://127.0.0.1:{started.nginx}/gen-dash/"
            yield started
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for log in folder.glob("*.log"):
            shutil.copy(log, ARTIFACTS / f"deploiement-{log.name}")


def test_the_site_file_passes_nginx_t(tmp_path):
    """Rendered for three servers, two on other machines: each has its group, the others as its backups."""
    env = {
        **os.environ,
        "GEN_DASH_DEPLOY_DIR": str(tmp_path),
        "GEN_DASH_DEPLOY_SERVERS": "10.0.0.5:8601 10.0.0.6:8601 8603",
    }
    site = subprocess.run(
        ["bash", str(LOCAL), "render"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "@" not in re.sub(r"samesite|#.*", "", site)  # every value given
    rules = re.sub(r"#.*", "", site)
    assert "ip_hash" not in rules and "hash " not in rules  # new visitors in turn, not by chance
    second = re.search(r"upstream gen_dash_server_2 \{(.*?)\}", rules, re.S).group(1)
    assert re.findall(r"server (\S+) max_fails=1 fail_timeout=10s( backup)?;", second) == [
        ("10.0.0.6:8601", ""),
        ("10.0.0.5:8601", " backup"),
        ("127.0.0.1:8603", " backup"),
    ]
    assert '"~(^| )10\\.0\\.0\\.6:8601$" 2;' in rules and "    2 gen_dash_server_2;" in rules
    (tmp_path / "gen-dash.conf").write_text(site)
    (tmp_path / "tmp").mkdir()
    for name in ("mime.types", "proxy_params"):
        shutil.copy(f"/etc/nginx/{name}", tmp_path)
    main = (ROOT / "deploy" / "nginx" / "local-main.conf.in").read_text()
    (tmp_path / "nginx.conf").write_text(main.replace("@VAR@", str(tmp_path)).replace("@USER@", ""))
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def test_a_server_named_rather_than_addressed_is_refused_in_french(tmp_path):
    env = {
        **os.environ,
        "GEN_DASH_DEPLOY_DIR": str(tmp_path),
        "GEN_DASH_DEPLOY_SERVERS": "app2:8601",
    }
    refused = subprocess.run(
        ["bash", str(LOCAL), "render"], env=env, capture_output=True, text=True
    )
    assert refused.returncode == 64 and "donnez son adresse IPv4 et son port" in refused.stderr


def test_the_page_the_api_and_the_headers_through_nginx(stack):
    base = stack.base
    status, headers, body = get(base)
    assert status == 200 and b'<html lang="fr">' in body
    assert (
        "gendash_route=" in headers["set-cookie"]
        and "path=/gen-dash/" in headers["set-cookie"].lower()
    )
    assert (
        headers["x-content-type-options"] == "nosniff"
        and "frame-ancestors 'self'" in headers["content-security-policy"]
    )
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    script = re.search(rb'src="\./(static/js/[^"]+\.js)"', body) or re.search(
        rb'src="[^"]*?(static/js/[^"]+\.js)"', body
    )
    status, headers, packed = get(base + script.group(1).decode(), {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers.get("content-encoding") == "gzip"
    unpacked = gzip.decompress(packed)
    # Compressed as well as level 6 does: nginx's default level, 1, is 14 % larger.
    assert len(packed) <= 1.01 * len(gzip.compress(unpacked, 6))
    status, headers, _ = get(base + "app/static/gen-dash-map.js")
    assert status == 200 and "max-age=86400" in headers["cache-control"]
    contours = base + "app/static/vendor/gen-dash/contours.topojson"
    status, headers, packed = get(contours, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-type"] == "application/json"
    assert headers.get("content-encoding") == "gzip"  # a third of its size on the wire
    assert json.loads(gzip.decompress(packed))["type"] == "Topology"
    status, headers, _ = get(base + "app/static/vendor/gen-dash/epci-france.geojson")
    assert status == 200 and headers["content-type"] == "application/geo+json"
    status, _, listed = get(base + "api/instantanes")
    assert status == 200 and b'"instantanes"' in listed
    status, _, health = get(base + "sante")
    assert status == 200 and b'"joignable"' in health
    status, _, feed = get(base + "flux.atom")
    # the public sub-path in its links
    assert status == 200 and f'href="{base}api/instantanes/'.encode() in feed


def test_sessions_stick_to_a_server_and_spread_over_both(stack):
    """200 visitors (each its own cookie, all from one address, as a ministry behind a NAT): each stays on the server
    of its first answer, and each server gets between 35 % and 65 % of them."""
    seen = {}
    for _ in range(200):
        _, headers, _ = get(stack.base + "sante")
        first, cookie = headers["x-gen-dash-serveur"], headers["set-cookie"].split(";", 1)[0]
        assert _server_of(stack, cookie) == _server_of(stack, cookie) == first
        seen[first] = seen.get(first, 0) + 1
    assert len(seen) == 2 and all(70 <= count <= 130 for count in seen.values()), seen


def test_fifty_protocol_sessions_through_nginx_are_whole_and_spread_over_both_servers(stack):
    """50 visitors without a browser (each its own cookie, all from one address) open the overview through nginx in
    Streamlit's own protocol, ten at a time: every page is complete, sent compressed (the messages of a map's first
    visit are five times smaller), and each server serves 35 % to 65 % of them."""
    cookies = [get(stack.base + "sante")[1]["set-cookie"].split(";", 1)[0] for _ in range(50)]
    views = []
    for start in range(0, 50, 10):
        views += protocol.views_with_cookies(stack.base, "", "", cookies[start : start + 10])
    incomplete = [
        v for v in views if not v.finished or v.exception or "Vue d'ensemble" not in v.text
    ]
    assert not incomplete, incomplete[:2]
    assert all("permessage-deflate" in v.extensions for v in views), views[0].extensions
    served = Counter(v.server for v in views)
    assert len(served) == 2 and all(17 <= count <= 33 for count in served.values()), served


def test_uploads_are_rate_limited_in_nginx(stack):
    statuses = []
    for _ in range(12):
        request = urllib.request.Request(
            stack.base + "_stcore/upload_file/x/y", data=b"x", method="PUT"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    assert 429 in statuses, statuses


@pytest.mark.timed
def test_a_server_killed_leaves_its_visitors_on_the_other_within_ten_seconds(stack, browser):
    """kill -9 the server a Chromium session is on: the page comes back from the other server, on the same page,
    territory and snapshot (they are in the link), with no English left on screen."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(stack.base + "carte-des-fabriques?region=76")
    tab.locator("h1").first.wait_for()
    tab.get_by_text("Occitanie").first.wait_for()
    cookie = _route_cookie(context)
    server = _server_of(stack, cookie)
    port = server.rsplit(":", 1)[1]
    os.kill(stack.pid(port), signal.SIGKILL)
    killed = time.monotonic()
    # The old page stays on screen while the browser reconnects: only a session alive on the other server answers a
    # choice. Choose the indicator until the map's legend says it (each try waits a moment for the reconnection).
    indicator = tab.get_by_role("combobox", name="Indicateur")
    while True:
        try:
            indicator.click(timeout=2_000)
            tab.get_by_role("option", name="Formations", exact=True).click(timeout=2_000)
            map_frame(
                tab,
                "() => (document.querySelector('.gen-dash-legend summary') || {}).textContent"
                " === 'Légende : Formations'",
            )
            break
        except PlaywrightError:
            assert time.monotonic() - killed < 30, "la session n'est jamais revenue"
            tab.keyboard.press("Escape")
    back = time.monotonic() - killed
    tab.screenshot(path=str(ARTIFACTS / "deploiement-apres-panne.png"), full_page=True)
    text = tab.locator("body").inner_text()
    assert back < 10, back
    assert "carte-des-fabriques" in tab.url and "region=76" in tab.url
    for english in (
        "Connection error",
        "Please wait",
        "Is Streamlit still running",
        "Page not found",
    ):
        assert english not in text, english
    assert _server_of(stack, cookie) != server
    context.close()


@pytest.mark.timed
def test_a_restarted_server_s_first_visitor_gets_a_whole_page_at_once(stack, browser):
    """A server restarted (systemd's Restart=always after a crash) answers before it has run the app: its first
    visitor through nginx got « Page introuvable » and a cold page. Now it answers 503 until then, and nginx serves
    the visitor from the other server: a whole page within 3 s, in French."""
    # a server an earlier test killed is back, as systemd would have it
    for other in stack.servers:
        if _status(f"http://127.0.0.1:{other}/gen-dash/_stcore/script-health-check") != 200:
            _serve(stack, str(other))
            _wait_for(f"http://127.0.0.1:{other}/gen-dash/_stcore/script-health-check", 200)
    # and nginx sends each server's visitors to it again: a server that failed is skipped for fail_timeout by each
    # group that saw it fail, the visitors' own group included
    deadline = time.monotonic() + 60
    numbers = range(1, len(stack.servers) + 1)
    while [_server_of(stack, f"gendash_route={n}") for n in numbers] != [
        f"127.0.0.1:{port}" for port in stack.servers
    ]:
        assert time.monotonic() < deadline, "nginx never sent visitors to both servers again"
        time.sleep(1)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(stack.base)
    tab.locator("h1").first.wait_for(timeout=60_000)
    cookie = _route_cookie(context)
    port = _server_of(stack, cookie).rsplit(":", 1)[1]
    folder = stack.folder
    for name in (f"streamlit-{port}.pid", f"server-{port}.pid"):
        # killed by a test before
        with contextlib.suppress(ProcessLookupError, FileNotFoundError, ValueError):
            os.kill(int((folder / name).read_text().split()[0]), signal.SIGKILL)
    time.sleep(1)
    _serve(stack, port)  # its port is open: visitors come
    # not yet run: not for visitors
    assert get(f"http://127.0.0.1:{port}/gen-dash/carte-des-fabriques")[0] == 503
    started = time.monotonic()
    tab.goto(stack.base + "carte-des-fabriques?region=76")
    tab.get_by_role("heading", name="Carte des fabriques").wait_for(timeout=30_000)
    tab.get_by_text("Territoire : Occitanie").first.wait_for(timeout=30_000)
    took = time.monotonic() - started
    text = tab.locator("body").inner_text()
    assert (
        tab.get_by_role("dialog").count() == 0
        and "Page introuvable" not in text
        and "Page not found" not in text
    )
    assert took < 3, took
    # then it takes visitors
    _wait_for(f"http://127.0.0.1:{port}/gen-dash/carte-des-fabriques", 200)
    context.close()


def _route_cookie(context) -> str:
    """The browser's nginx cookie, as a ``Cookie`` header gives it (``gendash_route=2``)."""
    return next(
        f"{c['name']}={c['value']}" for c in context.cookies() if c["name"] == "gendash_route"
    )


def _server_of(stack, cookie: str) -> str:
    """The server (``host:port``) nginx sends a visitor with *cookie* to, as its X-Gen-Dash-Serveur header says."""
    return get(stack.base + "sante", {"Cookie": cookie})[1]["x-gen-dash-serveur"]


def _status(url: str) -> int:
    """The status *url* answers, 0 while nothing listens."""
    try:
        return get(url)[0]
    except urllib.error.URLError:
        return 0


def _serve(stack, port: str) -> None:
    """Start the stack's server on *port* again (``deploy/local.sh serve``, as systemd after a crash): back once its
    port answers, before the app's first run."""
    subprocess.run(
        ["bash", str(LOCAL), "serve", port],
        env=stack.env,
        capture_output=True,
        timeout=240,
        check=True,
    )


def _wait_for(url: str, status: int, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while _status(url) != status:
        assert time.monotonic() < deadline, f"{url} never answered {status}"
        time.sleep(0.1)
