"""Who may publish: password hashes, slowed failures, editor sessions, OIDC editors."""

from __future__ import annotations

import pytest

from gen_dash import access


def test_password_hash_and_check():
    hashed = access.hash_password("un mot de passe assez long")
    assert hashed.startswith("$argon2id$")
    assert access.check_password(hashed, "un mot de passe assez long")
    assert not access.check_password(hashed, "un autre")
    assert not access.check_password(hashed, "")
    assert not access.check_password("pas un hachage", "x") and not access.check_password(None, "x")


def test_failures_slow_down_per_session_and_overall():
    throttle = access.Throttle(ceiling=8)
    assert throttle.delay("a") == 0
    for expected in (1, 2, 4, 8, 8):
        throttle.failed("a")
        assert throttle.delay("a") == expected
    throttle.succeeded("a")
    assert throttle.delay("a") == 0
    for _ in range(20):
        throttle.failed("b")
    assert throttle.delay("c") > 0  # many failures anywhere slow everyone


def test_editor_sessions_expire():
    sessions = access.EditorSessions(lifetime=-1)
    sessions.grant("s1")
    assert not sessions.holds("s1")
    sessions = access.EditorSessions()
    sessions.grant("s1")
    assert sessions.holds("s1") and not sessions.holds("s2") and not sessions.holds(None)


@pytest.mark.parametrize("config, session, email, logged_in, editor", [
    (access.AccessConfig(), "s1", None, False, False),  # nothing configured: nobody
    (access.AccessConfig(password_hash="h"), "s1", None, False, True),  # the session gave the password
    (access.AccessConfig(password_hash="h"), "s2", None, False, False),
    (access.AccessConfig(password_hash="h"), "s2", "ed@gouv.fr", True, False),  # an e-mail is not the password
    (access.AccessConfig(editors=frozenset({"ed@gouv.fr"}), oidc=True), "s9", "Ed@Gouv.fr", True, True),
    (access.AccessConfig(editors=frozenset({"ed@gouv.fr"}), oidc=True), "s9", "ed@gouv.fr", False, False),
    (access.AccessConfig(editors=frozenset({"ed@gouv.fr"}), oidc=True), "s1", "viewer@gouv.fr", True, False),
])
def test_editor_role(config, session, email, logged_in, editor):
    sessions = access.EditorSessions()
    sessions.grant("s1")
    assert access.editor_role(config, sessions, session, email, logged_in) is editor


def test_load_access_from_secrets_and_environment(monkeypatch):
    config = access.load_access({"GEN_DASH_EDITEURS": ["A@x.fr", " b@x.fr "], "auth": {"client_id": "x"}})
    assert config.editors == {"a@x.fr", "b@x.fr"} and config.mode == "oidc"
    monkeypatch.setenv("GEN_DASH_MOT_DE_PASSE_HASH", "$argon2id$x")
    monkeypatch.setenv("GEN_DASH_EDITEURS", "c@x.fr,d@x.fr")
    config = access.load_access({})
    assert config.mode == "mot_de_passe" and config.editors == {"c@x.fr", "d@x.fr"}
