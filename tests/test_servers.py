"""gen_dash.store behind app.py: several app servers, one PostgreSQL; a snapshot published through one server is
listed by the other.

Needs Chromium and a PostgreSQL server (GEN_DASH_TEST_POSTGRES_URL); ``.ci/run`` provides both.
"""

from __future__ import annotations

import os

import pytest

from gen_dash import store
from gen_dash.access import hash_password
from tests.conftest import ARTIFACTS, IN_CHROMIUM, drop_store, make_csv, row

POSTGRES = os.environ.get("GEN_DASH_TEST_POSTGRES_URL")
pytestmark = [
    *IN_CHROMIUM,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not POSTGRES, reason="GEN_DASH_TEST_POSTGRES_URL absent (.ci/run démarre PostgreSQL)"
    ),
]
PASSWORD = "éditeur de test, assez long"


@pytest.fixture(scope="module")
def two_servers():
    from tests.support import start_server

    drop_store(POSTGRES)
    env = {"GEN_DASH_DATABASE_URL": POSTGRES, "GEN_DASH_MOT_DE_PASSE_HASH": hash_password(PASSWORD)}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    servers = []
    try:
        for name in ("a", "b"):
            log = open(ARTIFACTS / f"streamlit-{name}.log", "w")  # noqa: SIM115 - open while it serves
            servers.append((*start_server(env, output=log), log))
        yield [base for _, base, _ in servers]
    finally:
        for process, _, log in servers:
            process.terminate()
            process.wait(timeout=30)
            log.close()


def test_published_on_one_server_is_listed_by_the_other(two_servers, browser, tmp_path):
    server_a, server_b = two_servers
    path = tmp_path / "deux-serveurs-2018-03-01.csv"
    path.write_bytes(
        make_csv([row(id_formation="SRV-1"), row(id_formation="SRV-2", code_commune="97411")])
    )

    context = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(server_a)
    tab.locator("h1").first.wait_for()
    tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    tab.get_by_text("ligne(s) acceptée(s)").wait_for()
    sidebar = tab.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Publier (éditeurs)").click()
    field = sidebar.get_by_label("Mot de passe éditeur")
    field.fill(PASSWORD)
    # commits the value before the click (a loaded server may otherwise see the click first)
    field.press("Enter")
    tab.wait_for_timeout(500)
    sidebar.get_by_role("button", name="Se connecter comme éditeur").click()
    sidebar.get_by_label("Libellé (obligatoire)").wait_for()
    sidebar.get_by_label("Libellé (obligatoire)").fill("Publié sur le serveur A")
    sidebar.get_by_label("Votre nom (obligatoire)").fill("Camille")
    sidebar.get_by_role("button", name="Vérifier avant de publier").click()
    sidebar.get_by_role("button", name="Confirmer la publication").click()
    sidebar.get_by_text("Publié pour tous").wait_for()
    tab.screenshot(path=str(ARTIFACTS / "publication-serveur-a.png"), full_page=True)

    published = store.history(store.engine(POSTGRES)).iloc[0]
    assert (published["libelle"], published["publie_par"]) == ("Publié sur le serveur A", "Camille")

    other = context.new_page()
    other.set_default_timeout(60_000)
    other.goto(f"{server_b}/?instantane={published['id']}")
    other.locator("h1").first.wait_for()
    caption = other.locator(
        '[data-testid="stMain"] [data-testid="stCaptionContainer"]'
    ).first.inner_text()
    assert "deux-serveurs-2018-03-01.csv" in caption and "1er mars 2018" in caption
    assert other.get_by_text("introuvable").count() == 0
    combobox = other.locator('[data-testid="stSidebar"]').get_by_role(
        "combobox", name="Instantané affiché"
    )
    assert "Publié sur le serveur A" in combobox.input_value()
    context.close()


def test_two_servers_keep_serving_twenty_sessions_while_one_publishes(two_servers, tmp_path):
    """Issue 13: twenty sessions browse the two servers (ten each, through Streamlit's protocol) while a snapshot is
    published into their shared PostgreSQL; every session's page is complete, and a new session on either server then
    opens on the new snapshot."""
    import threading

    from tests.support import protocol as sessions

    server_a, server_b = two_servers
    data = make_csv(
        [
            row(id_formation=f"CHARGE-{i}", code_commune=code)
            for i, code in enumerate(["31555", "34172", "75056", "69123", "13055", "97411"])
        ]
    )
    published = {}

    def publish():
        published["result"] = store.publish(
            store.engine(POSTGRES),
            data,
            "sous-la-charge-2018-05-31.csv",
            by="test",
            label="Publié sous la charge",
        )

    publisher = threading.Timer(0.5, publish)  # while the sessions are running
    publisher.start()
    pages = [
        "",
        "carte-des-fabriques",
        "couverture-territoriale",
        "familles-de-metiers",
        "evolution-dans-le-temps",
    ]

    async def browse():
        import asyncio

        return await asyncio.gather(
            *(
                sessions.view_page(server, pages[i % len(pages)], "region=76")
                for i in range(10)
                for server in (server_a, server_b)
            )
        )

    views = sessions._run(browse())
    publisher.join(60)
    assert len(views) == 20 and all(v.finished and not v.exception for v in views), [
        (v.finished, v.exception) for v in views
    ]
    assert published["result"].id
    for server in (server_a, server_b):
        fresh = sessions.view(server, "", "")
        assert fresh.finished and not fresh.exception
        # the newest snapshot, shown by default, said under the selector
        assert "Publié sous la charge" in fresh.text


def test_the_api_and_the_feed_answer_alike_on_both_servers(two_servers):
    """Issue 27, on the deployed shape: the routes mounted by ``st.App`` beside the pages (asgi.py) read the shared
    PostgreSQL history; both servers give the same list, figures and feed, and the health check says the database."""
    import json

    import feedparser

    from tests.support import http_get as get

    answers = []
    for base in two_servers:
        status, headers, body = get(f"{base}/sante")
        assert status == 200 and json.loads(body)["base"] == "joignable"
        listed = json.loads(get(f"{base}/api/instantanes")[2])["instantanes"]
        newest = next(e for e in listed if not e["retire"] and e["remplace_par"] is None)
        _, headers, body = get(f"{base}/api/chiffres?instantane={newest['id']}&region=76")
        assert headers["access-control-allow-origin"] == "*" and headers["etag"]
        feed = feedparser.parse(get(f"{base}/flux.atom")[2])
        assert not feed.bozo and feed.entries
        answers.append((listed, json.loads(body)["chiffres"], [e.id for e in feed.entries]))
    assert answers[0] == answers[1]
