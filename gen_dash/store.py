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

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from gen_dash import config, epci, geo, metiers, metrics
from gen_dash.ingest import read_snapshot
from gen_dash.schema import COLUMNS
from gen_dash.snapshot import DERIVED_COLUMNS, PROBLEM_COLUMNS, RECOMPUTED, Mapping, Report, Snapshot
from gen_dash.territory import Territory

SCHEMA_VERSION = 5
SAMPLE_PUBLISHER = "gen-dash (exemples fournis)"
_TYPES = {"string": sa.Text, "integer": sa.Integer, "number": sa.Float, "date": sa.Date}
_DERIVED = [name for name in DERIVED_COLUMNS if name not in ("ligne", *RECOMPUTED)]  # text; "ligne" is part of the key

metadata = sa.MetaData()
schema_version = sa.Table("gen_dash_schema", metadata, sa.Column("version", sa.Integer, nullable=False))
snapshots = sa.Table(
    "snapshots", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("date_instantane", sa.Date, nullable=False),
    sa.Column("libelle", sa.Text, nullable=False),
    sa.Column("nom_fichier", sa.Text, nullable=False),
    sa.Column("fichier", sa.LargeBinary, nullable=False),
    sa.Column("publie_par", sa.Text, nullable=False),
    sa.Column("publie_le", sa.DateTime(timezone=True), nullable=False),
    sa.Column("exemple", sa.Boolean, nullable=False, default=False),
    sa.Column("lignes", sa.Integer, nullable=False),
    sa.Column("lignes_acceptees", sa.Integer, nullable=False),
    sa.Column("lignes_rejetees", sa.Integer, nullable=False),
    sa.Column("rapport", sa.Text, nullable=False),  # the validation problems, JSON
    sa.Column("autres_colonnes", sa.Text, nullable=False),  # the file's other column names, JSON, in order
    sa.Column("retire_le", sa.DateTime(timezone=True)),
    sa.Column("retire_par", sa.Text),
    sa.Column("correspondance", sa.Text),  # the column mapping the file was read with, JSON (version 2)
)
rows = sa.Table(  # a snapshot's accepted rows, one Parquet file (version 5)
    "lignes_instantanes", metadata,
    sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), primary_key=True),
    sa.Column("format", sa.Text, nullable=False),
    sa.Column("lignes", sa.LargeBinary, nullable=False),
)
counts = sa.Table(  # a snapshot's counts by territory, computed at publication (version 5)
    "chiffres_instantanes", metadata,
    sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), primary_key=True),
    sa.Column("niveau", sa.String(16), primary_key=True),  # france, region, departement
    sa.Column("code", sa.String(8), primary_key=True),  # empty for France
    *[sa.Column(name, sa.Integer, nullable=name.startswith("apprenants")) for name in metrics.COUNTED],
)
# Versions 1 to 4 kept one SQL row per formation; version 5 moves them into `rows` and drops the table.
_formations_before_5 = sa.Table(
    "formations", metadata,
    sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), primary_key=True),
    sa.Column("ligne", sa.Integer, primary_key=True),
    *[sa.Column(c.name, _TYPES[c.type]) for c in COLUMNS],
    *[sa.Column(name, sa.Text) for name in _DERIVED],
    sa.Column("autres", sa.Text),  # the other columns' values, JSON
)
audit = sa.Table(
    "journal", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("le", sa.DateTime(timezone=True), nullable=False),
    sa.Column("par", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id")),
    sa.Column("details", sa.Text, nullable=False),
)
logins = sa.Table(  # editor password attempts, so that every server counts the failures of all (version 4)
    "connexions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("le", sa.DateTime(timezone=True), nullable=False),
    sa.Column("adresse", sa.Text, nullable=False),
    sa.Column("reussie", sa.Boolean, nullable=False),
)
sa.Index("ix_connexions_le", logins.c.le)
_LARGEST_ID = 2**31 - 1  # an INTEGER key on PostgreSQL; no number beyond it names a snapshot


class StoreError(ValueError):
    """A publication or withdrawal refused; the message (in French) says why."""


class DuplicateSnapshot(StoreError):
    """The same bytes were published before."""


class UnknownSnapshot(StoreError):
    """No snapshot has this number."""


class StoreUnavailable(StoreError):
    """The database cannot be reached, opened or written; the message (in French) says which and what to check."""


def _translated(function):
    """*function* with the database's own failures (English, from the driver) turned into :class:`StoreUnavailable`."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except StoreError:
            raise
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            raise StoreUnavailable(_unavailable(exc)) from exc
    return wrapper


def _unavailable(exc: BaseException) -> str:
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text or "read only" in text or isinstance(exc, PermissionError):
        what = "La base de données est en lecture seule (droits du fichier ou du compte) : rien ne peut y être écrit."
    elif "unable to open database file" in text or isinstance(exc, FileNotFoundError):
        what = "Le fichier de la base SQLite ne peut pas être ouvert (dossier absent ou inaccessible)."
    elif "connection refused" in text or "could not connect" in text or "connection failed" in text:
        what = "Le serveur de base de données ne répond pas (connexion refusée)."
    elif "password authentication failed" in text or "authentication" in text:
        what = "Le serveur de base de données refuse l'identifiant ou le mot de passe."
    elif "disk" in text and ("full" in text or "space" in text):
        what = "Le disque de la base de données est plein."
    else:
        what = f"La base de données ne répond pas comme prévu ({type(exc).__name__})."
    return what + " Vérifiez GEN_DASH_DATABASE_URL et l'état du serveur (voir le README, Déploiement)."


def _known_id(snapshot_id: int) -> None:
    """A number no snapshot can have (0, negative, beyond the key's range) is unknown, not a database error."""
    if not 1 <= int(snapshot_id) <= _LARGEST_ID:
        raise UnknownSnapshot(f"Aucun instantané n° {snapshot_id}.")


@dataclass(frozen=True)
class Published:
    """What a publication stored."""

    id: int
    date: date
    label: str
    rows: int
    rejected: int
    sha256: str


# --------------------------------------------------------------------------- connection and schema


@_translated
def database_url() -> str:
    """The configured database URL (see the module docstring)."""
    url = config.setting("GEN_DASH_DATABASE_URL")
    if url:
        return url
    path = config.var_dir() / "gen-dash.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def engine(url: str | None = None) -> Engine:
    """An engine for *url* (default :func:`database_url`, read at each call), schema ensured; one per URL per process."""
    return _open(url or database_url())


@cache
@_translated
def _open(url: str) -> Engine:
    if url.startswith("sqlite"):
        created = sa.create_engine(url, connect_args={"timeout": 60})
        sa.event.listen(created, "connect", _sqlite_connect)
        sa.event.listen(created, "begin", _sqlite_begin)
    else:
        # A server that does not answer is said so in seconds, not after the system's TCP timeout.
        created = sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    ensure_schema(created)
    return created


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy drive transactions (pysqlite's own would defer BEGIN); WAL lets readers work during a write.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A write takes the database's write lock at once: concurrent publishers queue instead of failing mid-way.
    connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get("write") else "BEGIN")


def _writing(eng: Engine):
    return eng.connect().execution_options(write=True)


def _add_columns(*columns: sa.Column):
    """A migration adding *columns* to their table where it lacks them (a store created since has them already)."""
    def migrate(conn: Connection) -> None:
        for column in columns:
            if column.name not in {c["name"] for c in sa.inspect(conn).get_columns(column.table.name)}:
                conn.execute(sa.text(f"ALTER TABLE {column.table.name} ADD COLUMN {column.name} "
                                     f"{column.type.compile(dialect=conn.dialect)}"))
    return migrate


MIGRATIONS = {
    1: lambda conn: metadata.create_all(conn, tables=[snapshots, _formations_before_5, audit]),
    2: _add_columns(snapshots.c.correspondance),  # the column mapping a file was read with
    # The programme's reported indicators (QPV, positive outcomes, free formations).
    3: _add_columns(*(_formations_before_5.c[name] for name in ("apprenants_qpv", "sorties_positives", "gratuite"))),
    4: lambda conn: metadata.create_all(conn, tables=[logins]),
    5: lambda conn: _rows_into_parquet(conn),
}


def _rows_into_parquet(conn: Connection) -> None:
    """Version 5: each snapshot's SQL rows become its Parquet file and counts, in the migration's transaction."""
    metadata.create_all(conn, tables=[rows, counts])
    published = conn.execute(sa.select(snapshots.c.id, snapshots.c.autres_colonnes).order_by(snapshots.c.id)).all()
    for snapshot_id, extras in published:
        _insert_rows(conn, snapshot_id, _rows_before_5(conn, snapshot_id, json.loads(extras)))
    _formations_before_5.drop(conn)


def ensure_schema(eng: Engine) -> int:
    """Create or upgrade the schema to :data:`SCHEMA_VERSION`; returns the version found before."""
    with eng.connect() as conn:  # read first: a store already up to date is never written (it may be read-only)
        if sa.inspect(conn).has_table(schema_version.name):
            found = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
            if found >= SCHEMA_VERSION:
                return found
    with _writing(eng) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(20160922)"))  # one server migrates at a time
        schema_version.create(conn, checkfirst=True)
        current = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
        for version in range(current + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version](conn)
        if current < SCHEMA_VERSION:
            conn.execute(schema_version.delete())
            conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))
    return current


# --------------------------------------------------------------------------- writing


@_translated
def check(eng: Engine) -> None:
    """Ask the store something small: raises :class:`StoreUnavailable` (French) when it cannot answer."""
    with eng.connect() as conn:
        conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()


def sha256(data: bytes) -> str:
    """Hex SHA-256 of *data*."""
    return hashlib.sha256(data).hexdigest()


@_translated
def publish(eng: Engine, data: bytes, name: str, *, by: str, snapshot_date: date | None = None,
            label: str | None = None, sample: bool = False, snapshot: Snapshot | None = None,
            mapping: Mapping | None = None) -> Published:
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
        raise StoreError("Date de l'instantané inconnue : ni colonne date_extraction, ni date AAAA-MM-JJ dans le nom "
                         "du fichier. Indiquez-la.")
    label = (label or "").strip() or f"Instantané du {when.strftime('%d/%m/%Y')}"
    report = snapshot.report
    extras = [c for c in snapshot.rows.columns if c not in (*_ROW_COLUMNS, *RECOMPUTED, "geometry")]
    try:
        with _writing(eng) as conn, conn.begin():
            if conn.dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE already lets one writer in at a time
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(20160923)"))
            # Taken once the publication holds the store: numbers and times of publication follow the same order.
            now = datetime.now(UTC)
            snapshot_id = conn.execute(snapshots.insert().values(
                sha256=digest, date_instantane=when, libelle=label, nom_fichier=name or "instantane.csv", fichier=data,
                publie_par=by, publie_le=now, exemple=sample, lignes=report.lignes,
                lignes_acceptees=report.lignes_acceptees, lignes_rejetees=report.lignes_rejetees,
                rapport=report.problemes.to_json(orient="records", force_ascii=False),
                autres_colonnes=json.dumps(extras, ensure_ascii=False),
                correspondance=json.dumps(snapshot.mapping.to_dict(), ensure_ascii=False) if snapshot.mapping else None,
            )).inserted_primary_key[0]
            _insert_rows(conn, snapshot_id, snapshot.rows)
            _log(conn, by, "publication", snapshot_id,
                 f"{label} ({when.isoformat()}, {name}) : {report.lignes_acceptees} lignes acceptées, "
                 f"{report.lignes_rejetees} rejetées ; sha256 {digest[:12]}")
    except sa.exc.IntegrityError:
        _refuse_duplicate(eng, digest)  # published by someone else meanwhile: say so
        raise
    return Published(snapshot_id, when, label, report.lignes_acceptees, report.lignes_rejetees, digest)


_ROW_COLUMNS = [c.name for c in COLUMNS] + [name for name in DERIVED_COLUMNS if name not in RECOMPUTED]
_COUNTED_FROM = ["code_departement", "code_region", "cle_fabrique", "apprenants", "apprenants_femmes", "apprenants_neet"]


def _insert_rows(conn: Connection, snapshot_id: int, accepted: pd.DataFrame) -> None:
    """The accepted rows as one Parquet file (their types kept; the geometry and what is recomputed at reading left
    out), and their counts by territory."""
    frame = pd.DataFrame(accepted.drop(columns=["geometry", *RECOMPUTED], errors="ignore"))
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink, compression="zstd")
    conn.execute(rows.insert().values(snapshot_id=snapshot_id, format="parquet", lignes=sink.getvalue().to_pybytes()))
    by_territory = metrics.territory_figures(accepted).astype(object).where(lambda t: t.notna(), None)
    conn.execute(counts.insert(), [{"snapshot_id": snapshot_id, **line} for line in by_territory.to_dict("records")])


def _refuse_duplicate(eng: Engine, digest: str) -> None:
    with eng.connect() as conn:
        earlier = conn.execute(sa.select(snapshots).where(snapshots.c.sha256 == digest)).mappings().first()
    if earlier:
        withdrawn = f", retiré le {earlier['retire_le']:%d/%m/%Y}" if earlier["retire_le"] else ""
        raise DuplicateSnapshot(
            f"Ce fichier a déjà été publié : instantané n° {earlier['id']} « {earlier['libelle']} » du "
            f"{earlier['date_instantane']:%d/%m/%Y}, publié par {earlier['publie_par']} le "
            f"{earlier['publie_le']:%d/%m/%Y}{withdrawn}.")


@_translated
def withdraw(eng: Engine, snapshot_id: int, *, by: str) -> None:
    """Take a snapshot out of the lists; it stays in the store and the journal says who and when."""
    _known_id(snapshot_id)
    now = datetime.now(UTC)
    with _writing(eng) as conn, conn.begin():
        row = conn.execute(sa.select(snapshots.c.id, snapshots.c.retire_le, snapshots.c.libelle)
                           .where(snapshots.c.id == snapshot_id)).first()
        if row is None:
            raise UnknownSnapshot(f"Aucun instantané n° {snapshot_id}.")
        if row.retire_le is not None:
            raise StoreError(f"L'instantané n° {snapshot_id} est déjà retiré (le {row.retire_le:%d/%m/%Y}).")
        conn.execute(snapshots.update().where(snapshots.c.id == snapshot_id).values(retire_le=now, retire_par=by))
        _log(conn, by, "retrait", snapshot_id, f"{row.libelle} retiré des listes")


def _log(conn: Connection, by: str, action: str, snapshot_id: int | None, details: str) -> None:
    conn.execute(audit.insert().values(le=datetime.now(UTC), par=by, action=action, snapshot_id=snapshot_id,
                                       details=details))


@_translated
def login_failures(eng: Engine, address: str, since: datetime) -> tuple[list[datetime], list[datetime]]:
    """Failed editor logins since *since*, oldest first: those from *address* after its last success, and all of them
    (every server records its attempts here, so the counts are the deployment's)."""
    with eng.connect() as conn:
        rows = conn.execute(sa.select(logins.c.le, logins.c.adresse, logins.c.reussie).where(logins.c.le >= since)
                            .order_by(logins.c.le)).all()
    mine: list[datetime] = []
    for row in rows:
        if row.adresse == address:
            mine = [] if row.reussie else [*mine, _aware(row.le)]
    return mine, [_aware(row.le) for row in rows if not row.reussie]


@_translated
def record_login(eng: Engine, address: str, succeeded: bool, keep_days: int = 90) -> None:
    """Record an editor login attempt from *address*; a failure also goes to the journal. Attempts older than
    *keep_days*, and their lines in the journal, are erased (an address is personal data: the personal-data page says
    how long it is kept)."""
    now = datetime.now(UTC)
    with _writing(eng) as conn, conn.begin():
        conn.execute(logins.insert().values(le=now, adresse=address, reussie=succeeded))
        if not succeeded:
            _log(conn, address, "connexion refusée", None, "mot de passe éditeur incorrect")
        before = now - timedelta(days=keep_days)
        conn.execute(logins.delete().where(logins.c.le < before))
        conn.execute(audit.delete().where(audit.c.action == "connexion refusée", audit.c.le < before))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite gives back naive UTC times


@_translated
def load_samples_once(eng: Engine, samples: list[tuple[Path, date]]) -> int:
    """On an empty store, publish the bundled samples, marked as such; returns how many were loaded."""
    with eng.connect() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(snapshots)).scalar():
            return 0
    loaded = 0
    for path, when in sorted(samples, key=lambda item: item[1]):
        try:
            kind = ", export de tableur" if "tableur" in path.name else ""
            publish(eng, path.read_bytes(), path.name, by=SAMPLE_PUBLISHER, snapshot_date=when,
                    label=f"Exemple (données illustratives{kind})", sample=True)
            loaded += 1
        except DuplicateSnapshot:
            pass  # another server loaded it at the same moment
    return loaded


# --------------------------------------------------------------------------- reading


@_translated
def history(eng: Engine, include_withdrawn: bool = False) -> pd.DataFrame:
    """The published snapshots, newest snapshot date first.

    Returns
    -------
    DataFrame
        ``id``, ``date_instantane``, ``libelle``, ``nom_fichier``, ``publie_par``, ``publie_le``, ``exemple``,
        ``lignes_acceptees``, ``lignes_rejetees``, ``sha256``, ``retire_le``, ``retire_par``, and for the rule
        « one snapshot per date counts »: ``compte``, ``remplace_par``, ``remplace_le``.
    """
    columns = [snapshots.c[n] for n in ("id", "date_instantane", "libelle", "nom_fichier", "publie_par", "publie_le", "exemple",
                                        "lignes_acceptees", "lignes_rejetees", "sha256", "retire_le", "retire_par")]
    query = sa.select(*columns).order_by(snapshots.c.date_instantane.desc(), snapshots.c.id.desc())
    if not include_withdrawn:
        query = query.where(snapshots.c.retire_le.is_(None))
    with eng.connect() as conn:
        table = pd.DataFrame(conn.execute(query).mappings().all(), columns=[c.name for c in columns])
    table["date_instantane"] = pd.to_datetime(table["date_instantane"]).dt.date
    return _mark_replaced(table)


@_translated
def history_version(eng: Engine) -> tuple[int, int, int]:
    """What changes whenever :func:`history` does (snapshots are immutable but for their withdrawal): how many, the
    newest number, how many withdrawn; one small query, for a cache of the history to know it is still true."""
    query = sa.select(sa.func.count(), sa.func.max(snapshots.c.id), sa.func.count(snapshots.c.retire_le))
    with eng.connect() as conn:
        count, newest, withdrawn = conn.execute(query).one()
    return int(count), int(newest or 0), int(withdrawn)


@_translated
def figures_over_time(eng: Engine, snapshot_ids: list[int], territory: Territory | None = None) -> pd.DataFrame:
    """:func:`gen_dash.metrics.figures_over_time` of published snapshots (one per date) for *territory* (None: France).

    France, a région or one département: their counts stored at publication, in one query. Several départements or an
    EPCI: the few columns the counts need, read from each snapshot's rows.

    Returns
    -------
    DataFrame
        Indexed by snapshot date, oldest first: ``fabriques``, ``formations``, ``apprenants``, ``part_femmes``,
        ``part_neet``, ``departements_couverts`` (a share of no learner, or of a list without counts, is None).
    """
    ids = [int(i) for i in snapshot_ids]
    with eng.connect() as conn:
        if territory is None or territory.national or (len(territory.departements) <= 1 and not territory.epci):
            level, code = (("france", "") if territory is None or territory.national else ("region", territory.region)
                           if not territory.departements else ("departement", territory.departements[0]))
            joined = snapshots.outerjoin(counts, sa.and_(counts.c.snapshot_id == snapshots.c.id, counts.c.niveau == level,
                                                         counts.c.code == code))
            query = (sa.select(snapshots.c.date_instantane, *[counts.c[name] for name in metrics.COUNTED])
                     .select_from(joined).where(snapshots.c.id.in_(ids)))
            table = pd.DataFrame(conn.execute(query).all(), columns=["date", *metrics.COUNTED])
            # A territory without a formation in a snapshot has no stored line: nothing there, 0 of everything.
            table.loc[table["formations"].isna(), metrics.COUNTED] = 0
            table["date"] = pd.to_datetime(table["date"]).dt.date
            return metrics.over_time(table.set_index("date"))
        dated = conn.execute(sa.select(snapshots.c.id, snapshots.c.date_instantane).where(snapshots.c.id.in_(ids))).all()
        columns = _COUNTED_FROM + (["code_commune", "latitude", "longitude"] if territory.epci else [])
        read = [(when, _read_rows(conn, i, columns)) for i, when in dated]
    if territory.epci:  # not stored: placed in today's EPCI, as every reading does
        read = [(when, frame.assign(code_epci=epci.epci_of(frame))) for when, frame in read]
    return metrics.figures_over_time(read, territory)


def _mark_replaced(table: pd.DataFrame) -> pd.DataFrame:
    """One snapshot per date counts: the one published last among those not withdrawn. The others get
    ``compte`` False and ``remplace_par`` (the number of the one that counts) and ``remplace_le`` (when it was
    published)."""
    table["compte"] = False
    table["remplace_par"] = pd.Series([None] * len(table), dtype=object)
    table["remplace_le"] = pd.Series([None] * len(table), dtype=object)
    listed = table[table["retire_le"].isna()]
    if listed.empty:
        return table
    latest = listed.sort_values(["publie_le", "id"]).groupby("date_instantane").tail(1).set_index("date_instantane")
    winner = table["date_instantane"].map(latest["id"])
    table["compte"] = (table["id"] == winner) & table["retire_le"].isna()
    replaced = ~table["compte"] & table["retire_le"].isna()
    table.loc[replaced, "remplace_par"] = winner[replaced].astype(object)
    table.loc[replaced, "remplace_le"] = table.loc[replaced, "date_instantane"].map(latest["publie_le"]).astype(object)
    return table


@_translated
def same_date(eng: Engine, when: date) -> pd.DataFrame:
    """The listed snapshots already published for the date *when* (those a new one would replace)."""
    table = history(eng)
    return table[table["date_instantane"] == when]


def _snapshot_row(conn: Connection, snapshot_id: int):
    _known_id(snapshot_id)
    row = conn.execute(sa.select(snapshots).where(snapshots.c.id == snapshot_id)).mappings().first()
    if row is None:
        raise UnknownSnapshot(f"Aucun instantané n° {snapshot_id}.")
    return row


@_translated
def load_file(eng: Engine, snapshot_id: int) -> tuple[bytes, str]:
    """The original file's bytes and name, as the user sent them."""
    with eng.connect() as conn:
        row = _snapshot_row(conn, snapshot_id)
    return bytes(row["fichier"]), row["nom_fichier"]


@_translated
def load_snapshot(eng: Engine, snapshot_id: int) -> Snapshot:
    """A published snapshot as :func:`gen_dash.ingest.read_snapshot` returned it: rows, report, date."""
    with eng.connect() as conn:
        meta = _snapshot_row(conn, snapshot_id)
        frame = _with_every_column(_read_rows(conn, snapshot_id))
    problems = pd.DataFrame(json.loads(meta["rapport"]), columns=PROBLEM_COLUMNS)
    problems["code"] = problems["code"].fillna("")  # a report published before problems had codes
    problems["ligne"] = problems["ligne"].astype("int64")
    report = Report(lignes=meta["lignes"], problemes=problems)
    mapping = Mapping.from_dict(json.loads(meta["correspondance"])) if meta["correspondance"] else Mapping()
    frame["famille_metier"] = metiers.family(frame["metier"])  # recomputed: a new rule applies to the whole history
    frame["code_epci"] = epci.epci_of(frame)  # likewise the EPCI map of today
    geometry = gpd.points_from_xy(frame["longitude"], frame["latitude"], crs=geo.CRS)
    return Snapshot(rows=gpd.GeoDataFrame(frame, geometry=geometry, crs=geo.CRS), report=report,
                    date=meta["date_instantane"], name=meta["nom_fichier"], mapping=mapping)


def _read_rows(conn: Connection, snapshot_id: int, columns: list[str] | None = None) -> pd.DataFrame:
    """A snapshot's stored rows (only *columns*, when given), with their types."""
    blob = conn.execute(sa.select(rows.c.lignes).where(rows.c.snapshot_id == snapshot_id)).scalar_one()
    return pq.read_table(pa.BufferReader(blob), columns=columns).to_pandas()


def _with_every_column(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows kept before a column joined the contract get it, empty, with the reader's type, in the reader's order."""
    missing = [c for c in COLUMNS if c.name not in frame]
    if not missing:
        return frame
    for c in missing:
        frame[c.name] = _typed(pd.Series([None] * len(frame), index=frame.index, dtype=object), c.type)
    known = {c.name for c in COLUMNS}
    return frame[[c.name for c in COLUMNS] + [name for name in frame.columns if name not in known]]


def _typed(values: pd.Series, kind: str) -> pd.Series:
    """*values* with the type the reader gives a column of *kind* (:data:`gen_dash.schema.COLUMNS`)."""
    if kind == "string":
        return values.astype("str").where(values.notna(), None)
    if kind == "integer":
        return pd.to_numeric(values).astype("Int64")
    if kind == "number":
        return pd.to_numeric(values).astype("Float64")
    return pd.to_datetime(values).astype("datetime64[us]")


def _rows_before_5(conn: Connection, snapshot_id: int, extras: list[str]) -> pd.DataFrame:
    """A snapshot's rows as versions 1 to 4 kept them (one SQL row per formation), with the reader's types."""
    names = [c.name for c in _formations_before_5.columns]
    query = sa.select(*_formations_before_5.columns).where(_formations_before_5.c.snapshot_id == snapshot_id)
    table = pd.DataFrame(conn.execute(query.order_by(_formations_before_5.c.ligne)).all(), columns=names)
    out = pd.DataFrame({c.name: _typed(table[c.name], c.type) for c in COLUMNS}, index=table.index)
    if extras:
        # The other columns repeat a lot (a status, a comment): decode each distinct JSON text once.
        codes, distinct = pd.factorize(table["autres"].astype(object), use_na_sentinel=True)
        decoded = [json.loads(v) if v else {} for v in distinct]
        for name in extras:
            values = np.array([d.get(name) for d in decoded] + [None], dtype=object)
            out[name] = pd.Series(values[codes], index=table.index, dtype="str")
    out["ligne"] = table["ligne"].astype("int64")
    for name in _DERIVED:
        out[name] = _typed(table[name], "string")
    return out


@_translated
def journal(eng: Engine) -> pd.DataFrame:
    """Every publication, withdrawal and refused editor password: when, who (or from which address), what; newest
    first."""
    with eng.connect() as conn:
        rows = conn.execute(sa.select(audit).order_by(audit.c.id.desc())).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in audit.columns])

