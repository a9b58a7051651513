"""ui.routes and gen_dash.open_data: the read-only API, the Atom feed and the health check, in-process (Starlette's test
client on the same routes and middleware the server mounts), on a store of hand-made snapshots with literal figures."""

from __future__ import annotations

import csv
import io
import json
import os
from urllib.parse import quote_from_bytes

import feedparser
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hyp
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gen_dash import cli, memory, sample_files, store
from tests.conftest import HAND_ROWS, drop_store, hand_csv, make_csv, row
from ui.routes import MIDDLEWARE, ROUTES

POSTGRES = os.environ.get("GEN_DASH_TEST_POSTGRES_URL")


@pytest.fixture(
    scope="module",
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not POSTGRES, reason="GEN_DASH_TEST_POSTGRES_URL absent"),
            ],
        ),
    ],
)
def published(request, tmp_path_factory):
    """A store of three hand snapshots: 30 June 2017 (the hand file: 6 formations, 140 learners; Occitanie 4 and 70),
    31 December 2017 (one more formation in Toulouse, 10 learners) and 15 January 2018, withdrawn. In SQLite and in
    PostgreSQL (which gives times back in its own zone: the headers must still be GMT)."""
    if request.param == "postgresql":
        drop_store(POSTGRES)
        url = POSTGRES
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'gen-dash.sqlite3'}"
    eng = store.engine(url)
    first = store.publish(eng, hand_csv(), "a-la-main-2017-06-30.csv", by="alice", label="Juin")
    more = make_csv(
        [
            *({**r, "date_extraction": "2017-12-31"} for r in HAND_ROWS),
            row(
                id_formation="F9",
                code_commune="31555",
                apprenants="10",
                apprenants_femmes="5",
                apprenants_neet="4",
                date_extraction="2017-12-31",
            ),
        ]
    )
    second = store.publish(eng, more, "a-la-main-2017-12-31.csv", by="bob", label="Décembre")
    third = store.publish(
        eng, make_csv([row(date_extraction="2018-01-15")]), "retire-2018-01-15.csv", by="carla"
    )
    store.withdraw(eng, third.id, by="carla")
    return url, first.id, second.id, third.id


@pytest.fixture
def client(published, monkeypatch):
    monkeypatch.setenv("GEN_DASH_DATABASE_URL", published[0])
    return TestClient(
        Starlette(routes=ROUTES, middleware=MIDDLEWARE), raise_server_exceptions=False
    )


def lines(response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # for French Excel
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_list_says_every_published_snapshot_and_which_is_withdrawn(
    client, published, monkeypatch
):
    _, first, second, third = published
    answer = client.get("/api/instantanes")
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == "*"
    listed = answer.json()
    assert listed["licence"] == "Licence Ouverte 2.0"
    by_id = {e["id"]: e for e in listed["instantanes"]}
    said = [
        (by_id[i]["date"], by_id[i]["libelle"], by_id[i]["lignes"], by_id[i]["retire"])
        for i in (first, second, third)
    ]
    assert said == [
        ("2017-06-30", "Juin", 6, False),
        ("2017-12-31", "Décembre", 7, False),
        ("2018-01-15", "Instantané du 15/01/2018", 1, True),
    ]
    assert "publie_par" not in by_id[first] and len(by_id[first]["sha256"]) == 64
    monkeypatch.setenv("GEN_DASH_API_AUTEURS", "oui")
    assert client.get("/api/instantanes").json()["instantanes"][-1]["publie_par"] == "alice"


def test_rows_by_territory_as_the_dashboard_filters_them(client, published, tmp_path):
    _, first, second, _ = published
    france = lines(client.get(f"/api/instantanes/{first}.csv"))
    assert (
        france[0][:3] == ["id_formation", "nom_formation", "nom_fabrique"] and len(france) == 1 + 6
    )
    assert len(lines(client.get(f"/api/instantanes/{first}.csv?region=76"))) == 1 + 4
    assert len(lines(client.get(f"/api/instantanes/{first}.csv?departements=31"))) == 1 + 3
    # F9 joined Toulouse
    assert len(lines(client.get("/api/instantanes/dernier.csv?departements=31"))) == 1 + 4
    # the same bytes as the command line's export of that snapshot
    out = tmp_path / "export.csv"
    assert cli.main(["export", str(first), "--format", "csv", "--sortie", str(out)]) == 0
    assert client.get(f"/api/instantanes/{first}.csv").content == out.read_bytes()
    as_json = client.get(f"/api/instantanes/{first}.json?region=76").json()
    assert len(as_json["lignes"]) == 4 and as_json["licence"] == "Licence Ouverte 2.0"
    assert as_json["instantane"]["id"] == first and as_json["territoire"] == "Occitanie"
    shapes = client.get(f"/api/instantanes/{first}.geojson")
    assert shapes.headers["content-type"].startswith("application/geo+json")
    assert shapes.json()["type"] == "FeatureCollection" and len(shapes.json()["features"]) == 6
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/api/instantanes/{first}.xlsx").content))
    assert book.sheetnames == ["Formations", "Rapport"] and book["Formations"].max_row == 1 + 6
    original = client.get(f"/api/instantanes/{first}/fichier")
    assert original.content == hand_csv() and original.headers["x-sha-256"] == store.sha256(
        hand_csv()
    )
    assert "a-la-main-2017-06-30.csv" in original.headers["content-disposition"]


def test_key_figures_are_the_command_line_s(client, published, capsys):
    _, first, _, _ = published
    figures = client.get(f"/api/chiffres?instantane={first}&region=76").json()
    # by hand, Occitanie
    assert (figures["chiffres"]["formations"], figures["chiffres"]["apprenants"]) == (
        4,
        70,
    )
    assert (client.get(f"/api/chiffres?instantane={first}").json()["chiffres"]["apprenants"]) == 140
    for query, options in (
        ("", []),
        ("&region=76", ["--region", "76"]),
        ("&departements=31", ["--departements", "31"]),
    ):
        capsys.readouterr()
        cli.main(["summary", str(first), "--json", *options])
        said = json.loads(capsys.readouterr().out)
        assert client.get(f"/api/chiffres?instantane={first}{query}").json()["chiffres"] == said, (
            query
        )


def test_key_figures_equal_the_command_line_on_every_bundled_sample(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'exemples.sqlite3'}"
    monkeypatch.setenv("GEN_DASH_DATABASE_URL", url)
    store.load_samples_once(store.engine(url), sample_files.bundled_samples())
    api = TestClient(Starlette(routes=ROUTES, middleware=MIDDLEWARE))
    for entry in api.get("/api/instantanes").json()["instantanes"]:
        # illustrative, said
        assert "avertissement" in api.get(f"/api/chiffres?instantane={entry['id']}").json()
        for query, options in (
            ("", []),
            ("&region=11", ["--region", "11"]),
            ("&departements=59", ["--departements", "59"]),
        ):
            capsys.readouterr()
            cli.main(["summary", str(entry["id"]), "--json", *options])
            said = json.loads(capsys.readouterr().out)
            assert (
                api.get(f"/api/chiffres?instantane={entry['id']}{query}").json()["chiffres"] == said
            )


def test_validators_say_what_has_not_changed(client, published):
    _, first, _, _ = published
    answer = client.get(f"/api/instantanes/{first}.csv")
    assert answer.headers["cache-control"] == "public, max-age=86400" and answer.headers[
        "last-modified"
    ].endswith("GMT")
    again = client.get(
        f"/api/instantanes/{first}.csv", headers={"If-None-Match": answer.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    assert (
        client.get(f"/api/instantanes/{first}.csv?region=76").headers["etag"]
        != answer.headers["etag"]
    )
    assert (
        client.get("/api/instantanes/dernier.csv").headers["cache-control"] == "public, max-age=300"
    )
    assert (
        client.get(f"/api/instantanes/{first}.csv")
        .headers["link"]
        .startswith('<https://www.etalab.gouv.fr/licence-ouverte-open-licence/>; rel="license"')
    )
    assert client.options("/api/chiffres").status_code == 204


@pytest.mark.parametrize(
    ("path", "status", "said"),
    [
        ("/api/instantanes/999.csv", 404, "Aucun instantané n° 999."),
        ("/api/instantanes/abc.csv", 400, "n'est pas un numéro d'instantané"),
        ("/api/instantanes/1.pdf", 404, "demandez {numéro}.csv"),
        ("/api/instantanes/1.csv?region=99", 404, "Territoire inconnu"),
        ("/api/instantanes/1.csv?region=76&epci=243100518", 400, "Un seul territoire"),
        ("/api/instantanes/1.csv?region=7%276%20OR%201=1", 400, "n'est pas un code"),
        ("/api/instantanes/1.csv?region=76&region=11", 400, "Paramètre répété"),
        ("/api/instantanes/1.csv?format=csv", 400, "Paramètre inconnu"),
        ("/api/chiffres?instantane=" + "9" * 3000, 400, "Requête trop longue"),
        ("/api/instantanes/..%2F..%2Fetc%2Fpasswd/fichier", 400, "Chemin refusé"),
        ("/api/%2e%2e/%2e%2e/etc/passwd", 400, "Chemin refusé"),
        ("/api/rien", 404, "Aucune route"),
    ],
)
def test_a_bad_request_is_answered_in_french_json(client, path, status, said):
    answer = client.get(path)
    assert answer.status_code == status and said in answer.json()["erreur"], answer.text


def test_a_withdrawn_snapshot_is_gone_with_its_date(client, published):
    answer = client.get(f"/api/instantanes/{published[3]}.csv")
    assert answer.status_code == 410 and answer.json()["retire_le"].startswith("20")
    assert "a été retiré le" in answer.json()["erreur"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=hyp.lists(
        hyp.tuples(
            hyp.sampled_from(["instantane", "region", "departements", "epci", "x", ""]),
            hyp.binary(max_size=30),
        ),
        max_size=4,
    )
)
def test_any_query_string_gets_an_answer_never_a_crash(client, query):
    # any bytes, UTF-8 or not, percent-encoded as a browser would send them
    text = "&".join(f"{name}={quote_from_bytes(value)}" for name, value in query)
    answer = client.get("/api/chiffres?" + text)
    assert answer.status_code in (200, 400, 404), (query, answer.status_code, answer.text)
    if answer.status_code != 200:
        assert answer.json()["erreur"].endswith(".")


def test_the_feed_is_valid_atom_with_stable_entries(client, published):
    _, first, second, third = published
    body = client.get("/flux.atom").content
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    titles = [e.title for e in feed.entries]
    assert titles == [
        "Instantané du 15 janvier 2018 retiré : 1 formation(s)",
        "Instantané du 15 janvier 2018 publié : 1 formation(s)",
        "Instantané du 31 décembre 2017 publié : 7 formation(s)",
        "Instantané du 30 juin 2017 publié : 6 formation(s)",
    ]
    december = feed.entries[2]
    assert (
        "formations : 6 → 7 (+1)" in december.summary
        and "apprenants : 140 → 150 (+10)" in december.summary
    )
    assert december.id == f"tag:gen-dash,2016:instantane-{second}-publie"
    assert {link.href for link in december.links} == {
        f"http://testserver/?instantane={second}",
        f"http://testserver/api/instantanes/{second}.csv",
    }
    memory.shared_cache().clear()
    assert [e.id for e in feedparser.parse(client.get("/flux.atom").content).entries] == [
        e.id for e in feed.entries
    ]
    # Hauts-de-Seine has no formation in any of them: a valid feed with no entry; Occitanie's says its own figures
    assert feedparser.parse(client.get("/flux.atom?departements=92").content).entries == []
    occitanie = feedparser.parse(client.get("/flux.atom?region=76").content)
    # the 2018 file has no formation there: its publication emptied Occitanie, which concerns Occitanie
    assert [e.title for e in occitanie.entries] == [
        "Instantané du 15 janvier 2018 retiré : 0 formation(s) — Occitanie",
        "Instantané du 15 janvier 2018 publié : 0 formation(s) — Occitanie",
        "Instantané du 31 décembre 2017 publié : 5 formation(s) — Occitanie",
        "Instantané du 30 juin 2017 publié : 4 formation(s) — Occitanie",
    ]


def test_health_says_whether_the_history_can_be_read(client, monkeypatch):
    answer = client.get("/sante")
    assert answer.status_code == 200 and answer.json()["base"] == "joignable"
    assert answer.json()["dernier_instantane"]["date"] == "2017-12-31"
    monkeypatch.setenv(
        "GEN_DASH_DATABASE_URL", "postgresql+psycopg://personne:rien@127.0.0.1:1/aucune"
    )
    down = client.get("/sante")
    assert (
        down.status_code == 503
        and down.json()["base"] == "injoignable"
        and "ne répond pas" in down.json()["erreur"]
    )
    assert client.get("/api/instantanes").status_code == 503
