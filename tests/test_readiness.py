"""ui/readiness.py on a real server started without the launcher (``streamlit run asgi.py``, nothing asks it to run
the app): until the app has run once, a page gets a French 503 that reloads itself, the API answers, and the first
run starts by itself; then the deep link opens whole, without « Page introuvable »."""

from __future__ import annotations

import time

import pytest

from tests.conftest import IN_CHROMIUM, script_finished
from tests.support import http_get, new_install, start_server

pytestmark = [*IN_CHROMIUM, pytest.mark.timed]  # its bound of 3 s runs alone (see pytest.ini)


def test_a_server_not_yet_run_says_it_starts_in_french_then_opens_whole(browser, tmp_path):
    server, base = start_server(new_install(tmp_path), warm=False)
    try:
        status, headers, body = http_get(base + "/carte-des-fabriques?region=76")
        assert (
            status == 503
            and headers["retry-after"] == "1"
            and headers["cache-control"] == "no-store"
        )
        assert '<html lang="fr">' in body.decode() and "Le tableau de bord démarre" in body.decode()
        # the routes beside the app answer meanwhile
        assert http_get(base + "/sante")[0] in (
            200,
            503,
        )
        deadline = time.monotonic() + 120
        # the first visitor refused started the first run
        while http_get(base + "/carte-des-fabriques")[0] != 200:
            assert time.monotonic() < deadline, "never opened"
            time.sleep(0.5)
        tab = browser.new_page(locale="fr-FR")
        started = time.monotonic()
        tab.goto(base + "/carte-des-fabriques?region=76")
        tab.get_by_text("Territoire : Occitanie").first.wait_for(timeout=30_000)
        script_finished(tab)
        assert time.monotonic() - started < 3
        assert tab.get_by_role("dialog").count() == 0
        tab.close()
    finally:
        server.terminate()
        server.wait(timeout=60)
