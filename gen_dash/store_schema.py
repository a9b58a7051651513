"""The store's tables, its connection and its schema versions: what every reading and writing of the store shares.

A snapshot's accepted rows are kept as one Parquet file (columnar, typed) beside its original bytes, and its counts
for France, each région and each département are computed once, at publication (:func:`insert_rows`), for the
history's pages. The schema is created and upgraded by :func:`ensure_schema`, never by hand; a failure of the
database itself becomes a :class:`StoreUnavailable` with a French message (:func:`translated`).
"""

from __future__ import annotations

import functools
import json
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from gen_dash import config, trend
from gen_dash.schema import COLUMNS
from gen_dash.snapshot import DERIVED_COLUMNS, RECOMPUTED

SCHEMA_VERSION = 5
_TYPES = {"string": sa.Text, "integer": sa.Integer, "number": sa.Float, "date": sa.Date}
# text; "ligne" is part of the key
_DERIVED = [name for name in DERIVED_COLUMNS if name not in ("ligne", *RECOMPUTED)]

metadata = sa.MetaData()
schema_version = sa.Table(
    "gen_dash_schema", metadata, sa.Column("version", sa.Integer, nullable=False)
)
snapshots = sa.Table(
    "snapshots",
    metadata,
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
    # the file's other column names, JSON, in order
    sa.Column("autres_colonnes", sa.Text, nullable=False),
    sa.Column("retire_le", sa.DateTime(timezone=True)),
    sa.Column("retire_par", sa.Text),
    # the column mapping the file was read with, JSON (version 2)
    sa.Column("correspondance", sa.Text),
)
rows = sa.Table(  # a snapshot's accepted rows, one Parquet file (version 5)
    "lignes_instantanes",
    metadata,
    sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), primary_key=True),
    sa.Column("format", sa.Text, nullable=False),
    sa.Column("lignes", sa.LargeBinary, nullable=False),
)
counts = sa.Table(  # a snapshot's counts by territory, computed at publication (version 5)
    "chiffres_instantanes",
    metadata,
    sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), primary_key=True),
    sa.Column("niveau", sa.String(16), primary_key=True),  # france, region, departement
    sa.Column("code", sa.String(8), primary_key=True),  # empty for France
    *[
        sa.Column(name, sa.Integer, nullable=name.startswith("apprenants"))
        for name in trend.COUNTED
    ],
)
# Versions 1 to 4 kept one SQL row per formation; version 5 moves them into `rows` and drops the table.
_formations_before_5 = sa.Table(
    "formations",
    metadata,
    sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), primary_key=True),
    sa.Column("ligne", sa.Integer, primary_key=True),
    *[sa.Column(c.name, _TYPES[c.type]) for c in COLUMNS],
    *[sa.Column(name, sa.Text) for name in _DERIVED],
    sa.Column("autres", sa.Text),  # the other columns' values, JSON
)
audit = sa.Table(
    "journal",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("le", sa.DateTime(timezone=True), nullable=False),
    sa.Column("par", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id")),
    sa.Column("details", sa.Text, nullable=False),
)
logins = sa.Table(  # editor password attempts, so that every server counts the failures of all (version 4)
    "connexions",
    metadata,
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


def translated(function):
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
    if (
        "readonly" in text
        or "read-only" in text
        or "read only" in text
        or isinstance(exc, PermissionError)
    ):
        what = "La base de données est en lecture seule (droits du fichier ou du compte) : rien ne peut y être écrit."
    elif "unable to open database file" in text or isinstance(exc, FileNotFoundError):
        what = (
            "Le fichier de la base SQLite ne peut pas être ouvert (dossier absent ou inaccessible)."
        )
    elif "connection refused" in text or "could not connect" in text or "connection failed" in text:
        what = "Le serveur de base de données ne répond pas (connexion refusée)."
    elif "password authentication failed" in text or "authentication" in text:
        what = "Le serveur de base de données refuse l'identifiant ou le mot de passe."
    elif "disk" in text and ("full" in text or "space" in text):
        what = "Le disque de la base de données est plein."
    else:
        what = f"La base de données ne répond pas comme prévu ({type(exc).__name__})."
    return (
        what + " Vérifiez GEN_DASH_DATABASE_URL et l'état du serveur (voir le README, Déploiement)."
    )


def known_id(snapshot_id: int) -> None:
    """A number no snapshot can have (0, negative, beyond the key's range) is unknown, not a database error."""
    if not 1 <= int(snapshot_id) <= _LARGEST_ID:
        raise UnknownSnapshot(f"Aucun instantané n° {snapshot_id}.")


# --------------------------------------------------------------------------- connection and schema


@translated
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
@translated
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
    connection.exec_driver_sql(
        "BEGIN IMMEDIATE" if connection.get_execution_options().get("write") else "BEGIN"
    )


def writing(eng: Engine):
    return eng.connect().execution_options(write=True)


def _add_columns(*columns: sa.Column):
    """A migration adding *columns* to their table where it lacks them (a store created since has them already)."""

    def migrate(conn: Connection) -> None:
        for column in columns:
            if column.name not in {
                c["name"] for c in sa.inspect(conn).get_columns(column.table.name)
            }:
                conn.execute(
                    sa.text(
                        f"ALTER TABLE {column.table.name} ADD COLUMN {column.name} "
                        f"{column.type.compile(dialect=conn.dialect)}"
                    )
                )

    return migrate


MIGRATIONS = {
    1: lambda conn: metadata.create_all(conn, tables=[snapshots, _formations_before_5, audit]),
    2: _add_columns(snapshots.c.correspondance),  # the column mapping a file was read with
    # The programme's reported indicators (QPV, positive outcomes, free formations).
    3: _add_columns(
        *(
            _formations_before_5.c[name]
            for name in ("apprenants_qpv", "sorties_positives", "gratuite")
        )
    ),
    4: lambda conn: metadata.create_all(conn, tables=[logins]),
    5: lambda conn: _rows_into_parquet(conn),
}


def _rows_into_parquet(conn: Connection) -> None:
    """Version 5: each snapshot's SQL rows become its Parquet file and counts, in the migration's transaction."""
    metadata.create_all(conn, tables=[rows, counts])
    published = conn.execute(
        sa.select(snapshots.c.id, snapshots.c.autres_colonnes).order_by(snapshots.c.id)
    ).all()
    for snapshot_id, extras in published:
        insert_rows(conn, snapshot_id, _rows_before_5(conn, snapshot_id, json.loads(extras)))
    _formations_before_5.drop(conn)


def ensure_schema(eng: Engine) -> int:
    """Create or upgrade the schema to :data:`SCHEMA_VERSION`; returns the version found before."""
    # read first: a store already up to date is never written (it may be read-only)
    with eng.connect() as conn:
        if sa.inspect(conn).has_table(schema_version.name):
            found = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
            if found >= SCHEMA_VERSION:
                return found
    with writing(eng) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            # one server migrates at a time
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(20160922)"))
        schema_version.create(conn, checkfirst=True)
        current = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
        for version in range(current + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version](conn)
        if current < SCHEMA_VERSION:
            conn.execute(schema_version.delete())
            conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))
    return current


def insert_rows(conn: Connection, snapshot_id: int, accepted: pd.DataFrame) -> None:
    """The accepted rows as one Parquet file (their types kept; the geometry and what is recomputed at reading left
    out), and their counts by territory."""
    frame = pd.DataFrame(accepted.drop(columns=["geometry", *RECOMPUTED], errors="ignore"))
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink, compression="zstd")
    conn.execute(
        rows.insert().values(
            snapshot_id=snapshot_id, format="parquet", lignes=sink.getvalue().to_pybytes()
        )
    )
    by_territory = trend.territory_figures(accepted).astype(object).where(lambda t: t.notna(), None)
    conn.execute(
        counts.insert(),
        [{"snapshot_id": snapshot_id, **line} for line in by_territory.to_dict("records")],
    )


def typed(values: pd.Series, kind: str) -> pd.Series:
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
    query = sa.select(*_formations_before_5.columns).where(
        _formations_before_5.c.snapshot_id == snapshot_id
    )
    table = pd.DataFrame(
        conn.execute(query.order_by(_formations_before_5.c.ligne)).all(), columns=names
    )
    out = pd.DataFrame({c.name: typed(table[c.name], c.type) for c in COLUMNS}, index=table.index)
    if extras:
        # The other columns repeat a lot (a status, a comment): decode each distinct JSON text once.
        codes, distinct = pd.factorize(table["autres"].astype(object), use_na_sentinel=True)
        decoded = [json.loads(v) if v else {} for v in distinct]
        for name in extras:
            values = np.array([d.get(name) for d in decoded] + [None], dtype=object)
            out[name] = pd.Series(values[codes], index=table.index, dtype="str")
    out["ligne"] = table["ligne"].astype("int64")
    for name in _DERIVED:
        out[name] = typed(table[name], "string")
    return out
