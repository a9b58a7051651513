"""Who may publish: editors named by e-mail (OpenID Connect) or holding the editor password.

Nothing here trusts the browser: the dashboard asks :func:`editor_role` at the
moment of every publishing or withdrawal action, from the identity the server
verified (``st.user``) or from this process's record of sessions that gave the
password.
"""

from __future__ import annotations

import os
import secrets as _secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from gen_dash import config

_HASHER = PasswordHasher()
_PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class AccessConfig:
    """How editors are recognised on this deployment."""

    editors: frozenset[str] = frozenset()  # e-mail addresses, lower-case (OIDC)
    password_hash: str | None = None  # argon2 hash of the editor password
    oidc: bool = False  # an [auth] section is configured for st.login

    @property
    def mode(self) -> str:
        """``oidc``, ``mot_de_passe`` or ``desactive`` (publishing only from the command line)."""
        if self.oidc:
            return "oidc"
        if self.password_hash:
            return "mot_de_passe"
        return "desactive"


def load_access(secrets: dict | None = None) -> AccessConfig:
    """Read the editors and the password hash from *secrets* (the app's ``st.secrets``) or the environment.

    Keys: ``GEN_DASH_EDITEURS`` (e-mail addresses, a list or comma-separated) and ``GEN_DASH_MOT_DE_PASSE_HASH``.
    Without either an ``[auth]`` section or a hash, the first-start password's hash (:func:`create_first_password`)
    is used if there is one.
    """
    secrets = secrets or {}

    def read(key: str):
        return secrets.get(key) or config.setting(key)

    editors = read("GEN_DASH_EDITEURS") or []
    if isinstance(editors, str):
        editors = editors.split(",")
    oidc = bool(secrets.get("auth"))
    password_hash = read("GEN_DASH_MOT_DE_PASSE_HASH") or None
    if not oidc and not password_hash:
        password_hash = _first_password_hash(config.var_dir())
    return AccessConfig(
        editors=frozenset(e.strip().lower() for e in editors if e and e.strip()),
        password_hash=password_hash,
        oidc=oidc,
    )


FIRST_PASSWORD_FILE = "mot-de-passe-editeur.argon2"


def _first_password_hash(folder: Path) -> str | None:
    try:
        return (folder / FIRST_PASSWORD_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def create_first_password(folder: Path) -> str | None:
    """Create the editor password of a fresh install, keep only its argon2 hash in *folder*, and return it; None when
    one exists already (it is never shown twice: delete the file and restart to get a new one).

    Several servers may start at once: the file is created exclusively, so only one of them creates a password.
    """
    folder.mkdir(parents=True, exist_ok=True)
    password = _secrets.token_urlsafe(15)
    try:
        descriptor = os.open(
            folder / FIRST_PASSWORD_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600
        )
    except FileExistsError:
        return None
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(hash_password(password) + "\n")
    return password


def first_password_banner(password: str, folder: Path) -> str:
    """What the server's terminal shows, once, on a fresh install."""
    line = "=" * 72
    return (
        f"\n{line}\n  Mot de passe éditeur (affiché une seule fois) : {password}\n"
        f"  Donnez-le aux personnes qui publient des instantanés depuis le tableau de bord.\n"
        f"  Seul son hachage est conservé ({folder / FIRST_PASSWORD_FILE}) ; pour en créer un autre, supprimez ce\n"
        f"  fichier et redémarrez. GEN_DASH_MOT_DE_PASSE_HASH ou OpenID Connect le remplacent (voir le README).\n"
        f"{line}\n"
    )


def hash_password(password: str) -> str:
    """An argon2id hash to put in the secrets as ``GEN_DASH_MOT_DE_PASSE_HASH``."""
    return _HASHER.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Whether *password* matches *password_hash* (argon2 compares in constant time)."""
    if not password_hash or not password:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class LoginPolicy:
    """The rules for editor password attempts (documented in the README, Accès éditeur).

    Attempts are checked one at a time on a server, and a wrong one holds the others back for ``pause`` seconds.
    An address with ``per_address`` failures within ``window`` (since its last success) is refused without its
    password being checked until the oldest of them leaves the window; so is every address once the deployment
    counts ``overall`` failures within the window. The correct password works again as soon as the window allows.
    """

    window: timedelta = timedelta(minutes=15)
    per_address: int = 5
    overall: int = 50
    pause: float = 1.0


def login_refusal(
    mine: list[datetime], everyone: list[datetime], policy: LoginPolicy = LoginPolicy()
) -> str | None:
    """Why an attempt is refused before its password is checked (French), or None to check it.

    *mine* and *everyone*: the failures within the window, oldest first, from this address and from all
    (:func:`gen_dash.store.login_failures`).
    """
    minutes = int(policy.window.total_seconds() // 60)
    for failures, limit, whose in (
        (mine, policy.per_address, "depuis votre adresse"),
        (everyone, policy.overall, "sur ce tableau de bord, toutes adresses confondues"),
    ):
        if len(failures) >= limit:
            until = (failures[-limit] + policy.window).astimezone(_PARIS)
            return (
                f"Trop de mots de passe incorrects {whose} ({limit} en {minutes} minutes) : la connexion est "
                f"suspendue jusqu'à {until:%H} h {until:%M}. Les éditeurs peuvent aussi publier sur le serveur "
                "(python -m gen_dash publish)."
            )
    return None


def failure_message(mine: list[datetime], policy: LoginPolicy = LoginPolicy()) -> str:
    """What a wrong password is told, with the attempts it has left (*mine*: its failures, this one included)."""
    left = policy.per_address - len(mine)
    if left <= 0:
        return login_refusal(mine, [], policy) or "Mot de passe incorrect."
    return (
        f"Mot de passe incorrect. Encore {left} essai{'s' if left > 1 else ''} avant une suspension de "
        f"{int(policy.window.total_seconds() // 60)} minutes."
    )


class EditorSessions:
    """This process's record of the sessions that gave the editor password (expiring)."""

    def __init__(self, lifetime: float = 8 * 3600):
        self.lifetime = lifetime
        self._sessions: dict[str, float] = {}
        self._lock = threading.Lock()

    def grant(self, session_id: str) -> None:
        with self._lock:
            self._sessions[session_id] = time.monotonic() + self.lifetime

    def holds(self, session_id: str | None) -> bool:
        with self._lock:
            return bool(session_id) and self._sessions.get(session_id, 0) > time.monotonic()


def editor_role(
    access: AccessConfig,
    sessions: EditorSessions,
    session_id: str | None,
    user_email: str | None,
    logged_in: bool,
) -> bool:
    """Whether this session may publish and withdraw now."""
    if access.mode == "oidc":
        return bool(logged_in and user_email and user_email.strip().lower() in access.editors)
    if access.mode == "mot_de_passe":
        return sessions.holds(session_id)
    return False
