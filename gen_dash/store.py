"""The published snapshots: kept whole, immutable, audited. SQLite by default, PostgreSQL for several servers.

One database URL (SQLAlchemy) chooses the backend: ``GEN_DASH_DATABASE_URL``, else
``GEN_DASH_DATABASE_URL`` in ``.streamlit/secrets.toml``, else an SQLite file in
``var/`` (git-ignored, created on first use). Every write is one transaction:
a failure, or a process killed half-way, leaves the store exactly as before.
The schema is created and upgraded by :func:`ensure_schema`, never by hand.

A snapshot's accepted rows are kept as one Parquet file (columnar, typed) beside its original bytes, and its counts
for France, each région and each département are computed once, at publication, for the history's pages.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from gen_dash.ingest import read_snapshot
from gen_dash.schema import COLUMNS
from gen_dash.snapshot import DERIVED_COLUMNS, RECOMPUTED, Mapping, Snapshot
from gen_dash.store_reading import (
    figures_over_time,
    history,
    history_version,
    journal,
    load_file,
    load_snapshot,
    same_date,
)
from gen_dash.store_schema import (
    SCHEMA_VERSION,
    DuplicateSnapshot,
    StoreError,
    StoreUnavailable,
    UnknownSnapshot,
    audit,
    database_url,
    engine,
    ensure_schema,
    insert_rows,
    known_id,
    logins,
    schema_version,
    snapshots,
    translated,
    writing,
)

# The store's public face is this module: writing is here, reading and the schema in their own modules.
__all__ = [
    "SAMPLE_PUBLISHER",
    "SCHEMA_VERSION",
    "DuplicateSnapshot",
    "Published",
    "StoreError",
    "StoreUnavailable",
    "UnknownSnapshot",
    "check",
    "database_url",
    "engine",
    "ensure_schema",
    "figures_over_time",
    "history",
    "history_version",
    "journal",
    "load_file",
    "load_samples_once",
    "load_snapshot",
    "login_failures",
    "publish",
    "record_login",
    "same_date",
    "sha256",
    "withdraw",
]

SAMPLE_PUBLISHER = "gen-dash (exemples fournis)"


@dataclass(frozen=True)
class Published:
    """What a publication stored."""

    id: int
    date: date
    label: str
    rows: int
    rejected: int
    sha256: str


@translated
def check(eng: Engine) -> None:
    """Ask the store something small: raises :class:`StoreUnavailable` (French) when it cannot answer."""
    with eng.connect() as conn:
        conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()


def sha256(data: bytes) -> str:
    """Hex SHA-256 of *data*."""
    return hashlib.sha256(data).hexdigest()


@translated
def publish(
    eng: Engine,
    data: bytes,
    name: str,
    *,
    by: str,
    snapshot_date: date | None = None,
    label: str | None = None,
    sample: bool = False,
    snapshot: Snapshot | None = None,
    mapping: Mapping | None = None,
) -> Published:
    """Read, check and keep a snapshot: its bytes, date, label, who, when, report and accepted rows.

    Parameters
    ----------
    snapshot
        The file as already read (the dashboard has it); read here otherwise, with *mapping*.
    mapping
        The column mapping to read the file with (kept with the snapshot; the bytes stay as sent).

    Raises
    ------
    SnapshotError
        The file cannot be read at all.
    DuplicateSnapshot
        The same bytes are in the store already (the message names the earlier snapshot).
    StoreError
        No snapshot date: none in the file, none given.
    """
    digest = sha256(data)
    _refuse_duplicate(eng, digest)
    snapshot = snapshot or read_snapshot(data, name, mapping=mapping)
    when = snapshot_date or snapshot.date
    if when is None:
        raise StoreError(
            "Date de l'instantané inconnue : ni colonne date_extraction, ni date AAAA-MM-JJ dans le nom "
            "du fichier. Indiquez-la."
        )
    label = (label or "").strip() or f"Instantané du {when.strftime('%d/%m/%Y')}"
    report = snapshot.report
    extras = [c for c in snapshot.rows.columns if c not in (*_ROW_COLUMNS, *RECOMPUTED, "geometry")]
    try:
        with writing(eng) as conn, conn.begin():
            # SQLite's BEGIN IMMEDIATE already lets one writer in at a time
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(20160923)"))
            # Taken once the publication holds the store: numbers and times of publication follow the same order.
            now = datetime.now(UTC)
            snapshot_id = conn.execute(
                snapshots.insert().values(
                    sha256=digest,
                    date_instantane=when,
                    libelle=label,
                    nom_fichier=name or "instantane.csv",
                    fichier=data,
                    publie_par=by,
                    publie_le=now,
                    exemple=sample,
                    lignes=report.lignes,
                    lignes_acceptees=report.lignes_acceptees,
                    lignes_rejetees=report.lignes_rejetees,
                    rapport=report.problemes.to_json(orient="records", force_ascii=False),
                    autres_colonnes=json.dumps(extras, ensure_ascii=False),
                    correspondance=json.dumps(snapshot.mapping.to_dict(), ensure_ascii=False)
                    if snapshot.mapping
                    else None,
                )
            ).inserted_primary_key[0]
            insert_rows(conn, snapshot_id, snapshot.rows)
            _log(
                conn,
                by,
                "publication",
                snapshot_id,
                f"{label} ({when.isoformat()}, {name}) : {report.lignes_acceptees} lignes acceptées, "
                f"{report.lignes_rejetees} rejetées ; sha256 {digest[:12]}",
            )
    except sa.exc.IntegrityError:
        _refuse_duplicate(eng, digest)  # published by someone else meanwhile: say so
        raise
    return Published(
        snapshot_id, when, label, report.lignes_acceptees, report.lignes_rejetees, digest
    )


_ROW_COLUMNS = [c.name for c in COLUMNS] + [
    name for name in DERIVED_COLUMNS if name not in RECOMPUTED
]


def _refuse_duplicate(eng: Engine, digest: str) -> None:
    with eng.connect() as conn:
        earlier = (
            conn.execute(sa.select(snapshots).where(snapshots.c.sha256 == digest))
            .mappings()
            .first()
        )
    if earlier:
        withdrawn = f", retiré le {earlier['retire_le']:%d/%m/%Y}" if earlier["retire_le"] else ""
        raise DuplicateSnapshot(
            f"Ce fichier a déjà été publié : instantané n° {earlier['id']} « {earlier['libelle']} » du "
            f"{earlier['date_instantane']:%d/%m/%Y}, publié par {earlier['publie_par']} le "
            f"{earlier['publie_le']:%d/%m/%Y}{withdrawn}."
        )


@translated
def withdraw(eng: Engine, snapshot_id: int, *, by: str) -> None:
    """Take a snapshot out of the lists; it stays in the store and the journal says who and when."""
    known_id(snapshot_id)
    now = datetime.now(UTC)
    with writing(eng) as conn, conn.begin():
        row = conn.execute(
            sa.select(snapshots.c.id, snapshots.c.retire_le, snapshots.c.libelle).where(
                snapshots.c.id == snapshot_id
            )
        ).first()
        if row is None:
            raise UnknownSnapshot(f"Aucun instantané n° {snapshot_id}.")
        if row.retire_le is not None:
            raise StoreError(
                f"L'instantané n° {snapshot_id} est déjà retiré (le {row.retire_le:%d/%m/%Y})."
            )
        conn.execute(
            snapshots.update()
            .where(snapshots.c.id == snapshot_id)
            .values(retire_le=now, retire_par=by)
        )
        _log(conn, by, "retrait", snapshot_id, f"{row.libelle} retiré des listes")


def _log(conn: Connection, by: str, action: str, snapshot_id: int | None, details: str) -> None:
    conn.execute(
        audit.insert().values(
            le=datetime.now(UTC), par=by, action=action, snapshot_id=snapshot_id, details=details
        )
    )


@translated
def login_failures(
    eng: Engine, address: str, since: datetime
) -> tuple[list[datetime], list[datetime]]:
    """Failed editor logins since *since*, oldest first: those from *address* after its last success, and all of them
    (every server records its attempts here, so the counts are the deployment's)."""
    with eng.connect() as conn:
        rows = conn.execute(
            sa.select(logins.c.le, logins.c.adresse, logins.c.reussie)
            .where(logins.c.le >= since)
            .order_by(logins.c.le)
        ).all()
    mine: list[datetime] = []
    for row in rows:
        if row.adresse == address:
            mine = [] if row.reussie else [*mine, _aware(row.le)]
    return mine, [_aware(row.le) for row in rows if not row.reussie]


@translated
def record_login(eng: Engine, address: str, succeeded: bool, keep_days: int = 90) -> None:
    """Record an editor login attempt from *address*; a failure also goes to the journal. Attempts older than
    *keep_days*, and their lines in the journal, are erased (an address is personal data: the personal-data page says
    how long it is kept)."""
    now = datetime.now(UTC)
    with writing(eng) as conn, conn.begin():
        conn.execute(logins.insert().values(le=now, adresse=address, reussie=succeeded))
        if not succeeded:
            _log(conn, address, "connexion refusée", None, "mot de passe éditeur incorrect")
        before = now - timedelta(days=keep_days)
        conn.execute(logins.delete().where(logins.c.le < before))
        conn.execute(
            audit.delete().where(audit.c.action == "connexion refusée", audit.c.le < before)
        )


def _aware(moment: datetime) -> datetime:
    # SQLite gives back naive UTC times
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@translated
def load_samples_once(eng: Engine, samples: list[tuple[Path, date]]) -> int:
    """On an empty store, publish the bundled samples, marked as such; returns how many were loaded."""
    with eng.connect() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(snapshots)).scalar():
            return 0
    loaded = 0
    for path, when in sorted(samples, key=lambda item: item[1]):
        try:
            kind = ", export de tableur" if "tableur" in path.name else ""
            publish(
                eng,
                path.read_bytes(),
                path.name,
                by=SAMPLE_PUBLISHER,
                snapshot_date=when,
                label=f"Exemple (données illustratives{kind})",
                sample=True,
            )
            loaded += 1
        except DuplicateSnapshot:
            pass  # another server loaded it at the same moment
    return loaded
