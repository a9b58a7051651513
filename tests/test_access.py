"""gen_dash.access: who may publish: password hashes, slowed failures, editor sessions, OIDC editors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gen_dash import access


def test_password_hash_and_check():
    hashed = access.hash_password("un mot de passe assez long")
    assert hashed.startswith("$argon2id$")
    assert access.check_password(hashed, "un mot de passe assez long")
    assert not access.check_password(hashed, "un autre")
    assert not access.check_password(hashed, "")
    assert not access.check_password("pas un hachage", "x") and not access.check_password(None, "x")


UTC_ = UTC


def _failures(*minutes: int) -> list[datetime]:
    """Failures at 10:MM UTC on 1 December 2026 (11:MM in Paris)."""
    return [datetime(2026, 12, 1, 10, m, tzinfo=UTC_) for m in minutes]


@pytest.mark.parametrize(
    "mine, everyone, expected",
    [
        ([], [], None),
        (_failures(1, 2, 3, 4), _failures(1, 2, 3, 4), None),  # four: the fifth is still checked
        # the oldest of the five leaves the window at 10:16 UTC, 11:16 in Paris
        (
            _failures(1, 2, 3, 4, 5),
            _failures(1, 2, 3, 4, 5),
            "Trop de mots de passe incorrects depuis votre adresse (5 en 15 minutes) : la connexion est suspendue jusqu'à "
            "11 h 16.",
        ),
        # the fifth last
        (
            _failures(0, 1, 2, 3, 4, 5, 6),
            _failures(0, 1, 2, 3, 4, 5, 6),
            "suspendue jusqu'à 11 h 17.",
        ),
        (
            [],
            _failures(*range(50)),
            "Trop de mots de passe incorrects sur ce tableau de bord, toutes adresses confondues "
            "(50 en 15 minutes) : la connexion est suspendue jusqu'à 11 h 15.",
        ),
    ],
)
def test_login_refusal(mine, everyone, expected):
    refusal = access.login_refusal(mine, everyone)
    if expected is None:
        assert refusal is None
    else:
        assert expected in refusal and refusal.endswith("(python -m gen_dash publish).")


def test_failure_message_counts_what_is_left():
    assert access.failure_message(_failures(1)) == (
        "Mot de passe incorrect. Encore 4 essais avant une suspension de 15 minutes."
    )
    assert access.failure_message(_failures(1, 2, 3, 4)).startswith(
        "Mot de passe incorrect. Encore 1 essai avant"
    )
    assert access.failure_message(_failures(1, 2, 3, 4, 5)).startswith(
        "Trop de mots de passe incorrects depuis votre"
    )


def test_editor_sessions_expire():
    sessions = access.EditorSessions(lifetime=-1)
    sessions.grant("s1")
    assert not sessions.holds("s1")
    sessions = access.EditorSessions()
    sessions.grant("s1")
    assert sessions.holds("s1") and not sessions.holds("s2") and not sessions.holds(None)


@pytest.mark.parametrize(
    "config, session, email, logged_in, editor",
    [
        (access.AccessConfig(), "s1", None, False, False),  # nothing configured: nobody
        # the session gave the password
        (
            access.AccessConfig(password_hash="h"),
            "s1",
            None,
            False,
            True,
        ),
        (access.AccessConfig(password_hash="h"), "s2", None, False, False),
        # an e-mail is not the password
        (
            access.AccessConfig(password_hash="h"),
            "s2",
            "ed@gouv.fr",
            True,
            False,
        ),
        (
            access.AccessConfig(editors=frozenset({"ed@gouv.fr"}), oidc=True),
            "s9",
            "Ed@Gouv.fr",
            True,
            True,
        ),
        (
            access.AccessConfig(editors=frozenset({"ed@gouv.fr"}), oidc=True),
            "s9",
            "ed@gouv.fr",
            False,
            False,
        ),
        (
            access.AccessConfig(editors=frozenset({"ed@gouv.fr"}), oidc=True),
            "s1",
            "viewer@gouv.fr",
            True,
            False,
        ),
    ],
)
def test_editor_role(config, session, email, logged_in, editor):
    sessions = access.EditorSessions()
    sessions.grant("s1")
    assert access.editor_role(config, sessions, session, email, logged_in) is editor


def test_load_access_from_secrets_and_environment(monkeypatch):
    config = access.load_access(
        {"GEN_DASH_EDITEURS": ["A@x.fr", " b@x.fr "], "auth": {"client_id": "x"}}
    )
    assert config.editors == {"a@x.fr", "b@x.fr"} and config.mode == "oidc"
    monkeypatch.setenv("GEN_DASH_MOT_DE_PASSE_HASH", "$argon2id$x")
    monkeypatch.setenv("GEN_DASH_EDITEURS", "c@x.fr,d@x.fr")
    config = access.load_access({})
    assert config.mode == "mot_de_passe" and config.editors == {"c@x.fr", "d@x.fr"}
