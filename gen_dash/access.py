"""Who may publish: editors named by e-mail (OpenID Connect) or holding the editor password.

Nothing here trusts the browser: the dashboard asks :func:`editor_role` at the
moment of every publishing or withdrawal action, from the identity the server
verified (``st.user``) or from this process's record of sessions that gave the
password.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from gen_dash import config

_HASHER = PasswordHasher()


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
    """
    secrets = secrets or {}

    def read(key: str):
        return secrets.get(key) or config.setting(key)

    editors = read("GEN_DASH_EDITEURS") or []
    if isinstance(editors, str):
        editors = editors.split(",")
    return AccessConfig(
        editors=frozenset(e.strip().lower() for e in editors if e and e.strip()),
        password_hash=(read("GEN_DASH_MOT_DE_PASSE_HASH") or None),
        oidc=bool(secrets.get("auth")),
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


@dataclass
class Throttle:
    """Failed password attempts slow down: 1 s, 2 s, 4 s... up to *ceiling*, per key (a session) and overall."""

    ceiling: float = 30.0
    _failures: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def delay(self, key: str) -> float:
        """Seconds to wait before answering the next attempt from *key*."""
        with self._lock:
            failures = self._failures.get(key, 0) + self._failures.get("*", 0) // 10
        return 0.0 if failures == 0 else min(self.ceiling, 2.0 ** (failures - 1))

    def failed(self, key: str) -> None:
        with self._lock:
            self._failures[key] = self._failures.get(key, 0) + 1
            self._failures["*"] = self._failures.get("*", 0) + 1

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


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


def editor_role(access: AccessConfig, sessions: EditorSessions, session_id: str | None,
                user_email: str | None, logged_in: bool) -> bool:
    """Whether this session may publish and withdraw now."""
    if access.mode == "oidc":
        return bool(logged_in and user_email and user_email.strip().lower() in access.editors)
    if access.mode == "mot_de_passe":
        return sessions.holds(session_id)
    return False
