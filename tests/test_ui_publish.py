"""ui/publish.py through AppTest: who may publish (OIDC, password, suspended addresses), the form and its
confirmation, one snapshot per date, no markup from a file or the store."""

from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from gen_dash import store, store_schema
from gen_dash.ingest import read_snapshot
from tests.conftest import hand_csv, make_csv, row
from tests.support.apptest import (
    PAGES,
    start,
    upload,
)
from ui import publish as publish_flow
from ui import session, sources


@pytest.fixture(autouse=True)
def no_editor_left():
    """AppTest gives every session the same id (« test session id »): forget the editors an earlier test logged in,
    as a real server would for a new browser session."""
    publish_flow.editor_sessions.clear()
    # AppTest has no client address: all its attempts share one
    with store.engine().begin() as conn:
        conn.execute(store_schema.logins.delete())
    yield


# --------------------------------------------------------------------------- who may publish


EDITOR = "editrice@numerique.gouv.fr"
OIDC = {
    "GEN_DASH_EDITEURS": [EDITOR],
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "gen-dash",
        "client_secret": "secret",
        "server_metadata_url": "https://identite.example/.well-known/openid-configuration",
    },
}


@pytest.fixture
def own_store(tmp_path, monkeypatch):
    """Publishing tests write to a store of their own: the shared one keeps the samples as its newest snapshots."""
    monkeypatch.setenv("GEN_DASH_DATABASE_URL", f"sqlite:///{tmp_path / 'publication.sqlite3'}")


def _publish_form(at: AppTest) -> bool:
    return any(b.label == "Vérifier avant de publier" for b in at.sidebar.button)


def _click(at: AppTest, label: str) -> AppTest:
    at.sidebar.button[[b.label for b in at.sidebar.button].index(label)].click().run()
    assert not at.exception, at.exception
    return at


def _unique_upload(at: AppTest, tag: str) -> None:
    upload(at, make_csv([row(id_formation=f"P-{tag}")]), f"publication-{tag}-2018-01-15.csv")


@pytest.mark.parametrize(
    "secrets, user",
    [
        ({}, None),  # nothing configured
        # an identity without OIDC configured grants nothing
        (
            {},
            {"is_logged_in": True, "email": EDITOR},
        ),
        (OIDC, None),
        (OIDC, {"is_logged_in": True, "email": "lecteur@numerique.gouv.fr"}),
        (OIDC, {"is_logged_in": False, "email": EDITOR}),
        (
            {
                "GEN_DASH_MOT_DE_PASSE_HASH": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
            },
            None,
        ),
    ],
    ids=[
        "rien",
        "identite-sans-oidc",
        "oidc-anonyme",
        "oidc-lecteur",
        "oidc-deconnecte",
        "mot-de-passe-non-donne",
    ],
)
def test_a_viewer_can_never_publish(secrets, user, own_store):
    at = start(secrets=secrets, user=user)
    _unique_upload(at, "lecteur")
    # Forged session state grants nothing: a publication about to be confirmed, put in the very key the panel reads,
    # shows no confirmation, for the role is checked against the server's own records.
    at.session_state[session.PUBLISH_PENDING] = _FORGED_PENDING
    at.run()
    assert not _publish_form(at)
    assert "Confirmer la publication" not in [b.label for b in at.sidebar.button]
    if not secrets:  # out of the box: the first-start password, which only the installer knows
        assert any(
            "Demandez le mot de passe éditeur à la personne qui a installé" in c.value
            for c in at.sidebar.caption
        )
    # Even the publishing action itself, reached without the form (as a crafted request would), refuses.
    before = len(store.history(sources.engine()))
    crafted = AppTest.from_function(_call_publish, default_timeout=90)
    for key, value in secrets.items():
        crafted.secrets[key] = value
    if user is not None:
        crafted.user = user
    data = make_csv([row(id_formation="P-force")])
    crafted.session_state[session.UPLOADED] = read_snapshot(data, "force-2018-02-01.csv")
    crafted.session_state[session.UPLOADED_FILE] = ("force-2018-02-01.csv", data)
    crafted.session_state[session.PUBLISH_PENDING] = (
        _FORGED_PENDING  # all an editor's confirmation would hold
    )
    crafted.run()
    assert crafted.session_state[session.PUBLISH_MESSAGE] == (
        "error",
        "Publication refusée : vous n'êtes pas éditeur.",
    )
    assert len(store.history(sources.engine())) == before


_FORGED_PENDING = {
    "date": date(2018, 2, 1),
    "label": "Forgé",
    "by": "Personne",
    "accepted": 1,
    "rejected": 0,
    "warnings": 0,
    "replaces": [],
    "name": "force-2018-02-01.csv",
}


def _call_publish():
    from ui import publish

    publish.publish_upload()


def test_an_oidc_editor_publishes_for_everyone(own_store):
    at = start(secrets=OIDC, user={"is_logged_in": True, "email": EDITOR, "name": "Éditrice"})
    _unique_upload(at, "oidc")
    assert _publish_form(at)
    at.sidebar.text_input(key="publication_libelle").set_value("Janvier 2018")
    _click(at, "Vérifier avant de publier")
    _click(at, "Confirmer la publication")
    assert any(
        "Publié pour tous" in m.value and f"par {EDITOR}" in m.value.replace("\\", "")
        for m in at.sidebar.success
    )
    latest = store.history(sources.engine()).iloc[0]
    assert (latest["libelle"], latest["publie_par"]) == ("Janvier 2018", EDITOR)
    other = start()  # another session sees it in its list
    assert any(
        "Janvier 2018" in option for option in other.sidebar.selectbox(key=session.SNAPSHOT).options
    )


def test_password_editor_failures_counted_then_the_right_one_works(own_store, monkeypatch):
    from gen_dash.access import hash_password

    pauses = []  # the pause each wrong password costs, as the flow asks it (not slept here)
    monkeypatch.setattr(publish_flow, "hold_back", pauses.append)
    secrets = {"GEN_DASH_MOT_DE_PASSE_HASH": hash_password("bon mot de passe éditeur")}
    at = start(secrets=secrets)
    _unique_upload(at, "mdp")
    for left in ("Encore 4 essais", "Encore 3 essais"):
        at.sidebar.text_input(key="editeur_mot_de_passe").set_value("mauvais")
        at.sidebar.button(key="editeur_connexion").click().run()
        assert [e.value for e in at.sidebar.error] == [
            f"Mot de passe incorrect. {left} avant une suspension de 15 minutes."
        ]
        assert not _publish_form(at)
    # each failure in the journal
    assert (store.journal(sources.engine())["action"] == "connexion refusée").sum() == 2
    assert pauses == [1.0, 1.0]  # each held the server's other attempts back a second
    at.sidebar.text_input(key="editeur_mot_de_passe").set_value("bon mot de passe éditeur")
    at.sidebar.button(key="editeur_connexion").click().run()
    assert _publish_form(at)
    at.sidebar.text_input(key="publication_auteur").set_value("Camille")
    at.sidebar.text_input(key="publication_libelle").set_value("Mi-janvier")
    _click(at, "Vérifier avant de publier")
    _click(at, "Confirmer la publication")
    assert store.history(sources.engine()).iloc[0]["publie_par"] == "Camille"
    at.switch_page("pages/data.py").run()
    assert at.get("form")  # the withdrawal form, for editors only


def test_five_failures_suspend_the_address_even_for_the_right_password(own_store):
    from gen_dash.access import hash_password

    at = start(secrets={"GEN_DASH_MOT_DE_PASSE_HASH": hash_password("bon mot de passe éditeur")})
    _unique_upload(at, "bloque")
    eng = store.engine()
    # as five other sessions from the same address would have, on this server or another
    for _ in range(5):
        store.record_login(eng, "adresse inconnue", False)
    at.sidebar.text_input(key="editeur_mot_de_passe").set_value("bon mot de passe éditeur")
    at.sidebar.button(key="editeur_connexion").click().run()
    assert at.sidebar.error[0].value.startswith(
        "Trop de mots de passe incorrects depuis votre adresse (5 en 15 minutes)"
    )
    assert not _publish_form(at)


def _editor(own_secrets: dict | None = None) -> AppTest:
    from gen_dash.access import hash_password

    secrets = own_secrets or {
        "GEN_DASH_MOT_DE_PASSE_HASH": hash_password("bon mot de passe éditeur")
    }
    at = start(secrets=secrets)
    at.sidebar.text_input(key="editeur_mot_de_passe").set_value("bon mot de passe éditeur")
    at.sidebar.button(key="editeur_connexion").click().run()
    return at


def test_publication_needs_a_label_an_author_and_a_confirmation(own_store):
    at = _editor()
    data = make_csv(
        [
            row(id_formation="C1"),
            row(id_formation="C2", apprenants_femmes="99"),
            row(id_formation="C3"),
        ]
    )
    upload(at, data, "confirmation-2018-02-01.csv")
    before = len(store.history(sources.engine()))
    _click(at, "Vérifier avant de publier")  # no label, no author
    assert any("indiquez le libellé, votre nom" in e.value for e in at.sidebar.error)
    assert len(store.history(sources.engine())) == before
    at.sidebar.text_input(key="publication_libelle").set_value("Février 2018")
    at.sidebar.text_input(key="publication_auteur").set_value("Dominique")
    _click(at, "Vérifier avant de publier")
    summary = " ".join(m.value for m in at.sidebar.markdown)
    assert "« Février 2018 », instantané du 1er février 2018, par Dominique" in summary
    assert (
        "2 ligne(s) acceptée(s), publiée(s)" in summary
        and "1 ligne(s) rejetée(s), **non publiée(s)**" in summary
    )
    assert len(store.history(sources.engine())) == before  # nothing published yet
    _click(at, "Annuler")
    assert _publish_form(at) and len(store.history(sources.engine())) == before
    _click(at, "Vérifier avant de publier")
    _click(at, "Confirmer la publication")
    latest = store.history(sources.engine()).iloc[0]
    assert (latest["libelle"], latest["publie_par"], latest["lignes_rejetees"]) == (
        "Février 2018",
        "Dominique",
        1,
    )
    # Published: the upload leaves the session, the published snapshot is on screen, and both places say so.
    assert session.UPLOADED not in at.session_state and at.session_state[session.SNAPSHOT] == str(
        latest["id"]
    )
    assert not any(
        o.startswith("Fichier déposé") for o in at.sidebar.selectbox(key=session.SNAPSHOT).options
    )
    assert any("Publié pour tous" in m.value for m in at.sidebar.success)
    assert any("Publié pour tous" in m.value for m in at.main.success)
    assert not any(w.value.startswith("Fichier déposé, non publié") for w in at.warning)


def test_one_snapshot_counts_per_date(own_store):
    at = _editor()
    for tag, learners in (("premier", "20"), ("second", "35")):
        upload(
            at,
            hand_csv(
                apprenants_femmes="1", apprenants_neet="1", apprenants=learners, nom_formation=tag
            ),
            f"meme-date-{tag}.csv",
        )
        at.sidebar.text_input(key="publication_libelle").set_value(f"Juin 2017, {tag}")
        at.sidebar.text_input(key="publication_auteur").set_value("Dominique")
        _click(at, "Vérifier avant de publier")
        if tag == "second":
            warning = " ".join(w.value for w in at.sidebar.warning)
            assert (
                "Un instantané de la même date existe déjà" in warning
                and "« Juin 2017, premier »" in warning
            )
            assert "ce sera celle-ci" in warning
        _click(at, "Confirmer la publication")
    history = store.history(sources.engine())
    first, second = (
        history[history["libelle"] == f"Juin 2017, {t}"].iloc[0] for t in ("premier", "second")
    )
    assert not first["compte"] and first["remplace_par"] == second["id"] and second["compte"]
    # the second is on screen
    assert not any(f"remplacé par le n° {second['id']}" in c.value for c in at.sidebar.caption)
    at.switch_page("pages/evolution.py").run()
    table = at.dataframe[0].value.set_index("date")
    assert table.loc["30 juin 2017", "apprenants"] == "210"  # 6 × 35: the second publication counts
    assert any(f"n° {first['id']} remplacé par le n° {second['id']}" in c.value for c in at.caption)


def test_first_start_creates_an_editor_password_printed_once(tmp_path, monkeypatch, capsys):

    monkeypatch.setenv("GEN_DASH_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("GEN_DASH_DATABASE_URL", f"sqlite:///{tmp_path / 'premier.sqlite3'}")
    at = start()
    printed = capsys.readouterr().err
    password = re.search(r"Mot de passe éditeur \(affiché une seule fois\) : (\S+)", printed).group(
        1
    )
    assert (
        len(password) >= 16
        and password not in (tmp_path / "mot-de-passe-editeur.argon2").read_text()
    )
    assert any("Demandez le mot de passe éditeur" in c.value for c in at.sidebar.caption), [
        c.value for c in at.sidebar.caption
    ]
    start()
    assert "Mot de passe éditeur" not in capsys.readouterr().err  # never printed twice
    at.sidebar.text_input(key="editeur_mot_de_passe").set_value(password)
    at.sidebar.button(key="editeur_connexion").click().run()
    upload(at, make_csv([row(id_formation="PREMIER")]), "premier-2018-03-01.csv")
    assert _publish_form(at)


_PAYLOADS = (
    "[cliquez](https://evil.example/login)",
    "![p](http://127.0.0.1:9999/track.png)",
    ":red[rouge]",
    "**gras**",
    "<b>html</b>",
)


def _markup_shown(at: AppTest) -> list[str]:
    """Every text of the page rendered through Markdown, in which a payload's unescaped tokens appear."""
    texts = [
        e.value
        for kind in ("warning", "error", "caption", "success", "markdown", "info")
        for e in getattr(at, kind)
    ]
    return [
        t
        for t in texts
        if any(token in t for token in ("](https://evil", "![", ":red[", "**gras**", "<b>"))
    ]


def test_text_from_a_file_or_the_store_puts_no_markup_on_the_page(own_store):
    # A file to map quotes its headers (in the notice, the form and the guess's evidence); an accepted one its name; a
    # publication its label and author.
    refused = make_csv([{**row(nom_formation=None), _PAYLOADS[0]: "x", _PAYLOADS[2]: "y"}])
    at = upload(_editor(), refused, "refus.csv")
    assert any("À confirmer" in w.value for w in at.sidebar.warning) and not _markup_shown(at)
    upload(at, make_csv([row(id_formation="MARKUP")]), f"{_PAYLOADS[1]}-2018-01-15.csv")
    assert not _markup_shown(at)
    at.sidebar.text_input(key="publication_auteur").set_value(_PAYLOADS[3] + " " + _PAYLOADS[4])
    at.sidebar.text_input(key="publication_libelle").set_value(_PAYLOADS[0])
    _click(at, "Vérifier avant de publier")
    assert not _markup_shown(at)
    _click(at, "Confirmer la publication")
    assert any("Publié pour tous" in e.value for e in at.success) and not _markup_shown(at)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception and not _markup_shown(at), page
