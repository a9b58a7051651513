"""Reading the store: the history of published snapshots, their figures over time, a snapshot or its file, the
journal."""

from __future__ import annotations

import json
from datetime import date

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from gen_dash import epci, geo, metiers, trend
from gen_dash.schema import COLUMNS
from gen_dash.snapshot import PROBLEM_COLUMNS, Mapping, Report, Snapshot
from gen_dash.store_schema import (
    UnknownSnapshot,
    audit,
    counts,
    known_id,
    rows,
    snapshots,
    translated,
    typed,
)
from gen_dash.territory import Territory

_COUNTED_FROM = [
    "code_departement",
    "code_region",
    "cle_fabrique",
    "apprenants",
    "apprenants_femmes",
    "apprenants_neet",
]


@translated
def history(eng: Engine, include_withdrawn: bool = False) -> pd.DataFrame:
    """The published snapshots, newest snapshot date first.

    Returns
    -------
    DataFrame
        ``id``, ``date_instantane``, ``libelle``, ``nom_fichier``, ``publie_par``, ``publie_le``, ``exemple``,
        ``lignes_acceptees``, ``lignes_rejetees``, ``sha256``, ``retire_le``, ``retire_par``, and for the rule
        « one snapshot per date counts »: ``compte``, ``remplace_par``, ``remplace_le``.
    """
    columns = [
        snapshots.c[n]
        for n in (
            "id",
            "date_instantane",
            "libelle",
            "nom_fichier",
            "publie_par",
            "publie_le",
            "exemple",
            "lignes_acceptees",
            "lignes_rejetees",
            "sha256",
            "retire_le",
            "retire_par",
        )
    ]
    query = sa.select(*columns).order_by(snapshots.c.date_instantane.desc(), snapshots.c.id.desc())
    if not include_withdrawn:
        query = query.where(snapshots.c.retire_le.is_(None))
    with eng.connect() as conn:
        table = pd.DataFrame(
            conn.execute(query).mappings().all(), columns=[c.name for c in columns]
        )
    table["date_instantane"] = pd.to_datetime(table["date_instantane"]).dt.date
    return _mark_replaced(table)


@translated
def history_version(eng: Engine) -> tuple[int, int, int]:
    """What changes whenever :func:`history` does (snapshots are immutable but for their withdrawal): how many, the
    newest number, how many withdrawn; one small query, for a cache of the history to know it is still true."""
    query = sa.select(
        sa.func.count(), sa.func.max(snapshots.c.id), sa.func.count(snapshots.c.retire_le)
    )
    with eng.connect() as conn:
        count, newest, withdrawn = conn.execute(query).one()
    return int(count), int(newest or 0), int(withdrawn)


@translated
def figures_over_time(
    eng: Engine, snapshot_ids: list[int], territory: Territory | None = None
) -> pd.DataFrame:
    """:func:`gen_dash.trend.figures_over_time` of published snapshots (one per date) for *territory* (None: France).

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
        if (
            territory is None
            or territory.national
            or (len(territory.departements) <= 1 and not territory.epci)
        ):
            level, code = (
                ("france", "")
                if territory is None or territory.national
                else ("region", territory.region)
                if not territory.departements
                else ("departement", territory.departements[0])
            )
            joined = snapshots.outerjoin(
                counts,
                sa.and_(
                    counts.c.snapshot_id == snapshots.c.id,
                    counts.c.niveau == level,
                    counts.c.code == code,
                ),
            )
            query = (
                sa.select(snapshots.c.date_instantane, *[counts.c[name] for name in trend.COUNTED])
                .select_from(joined)
                .where(snapshots.c.id.in_(ids))
            )
            table = pd.DataFrame(conn.execute(query).all(), columns=["date", *trend.COUNTED])
            # A territory without a formation in a snapshot has no stored line: nothing there, 0 of everything.
            table.loc[table["formations"].isna(), trend.COUNTED] = 0
            table["date"] = pd.to_datetime(table["date"]).dt.date
            return trend.over_time(table.set_index("date"))
        dated = conn.execute(
            sa.select(snapshots.c.id, snapshots.c.date_instantane).where(snapshots.c.id.in_(ids))
        ).all()
        columns = _COUNTED_FROM + (
            ["code_commune", "latitude", "longitude"] if territory.epci else []
        )
        read = [(when, _read_rows(conn, i, columns)) for i, when in dated]
    if territory.epci:  # not stored: placed in today's EPCI, as every reading does
        read = [(when, frame.assign(code_epci=epci.epci_of(frame))) for when, frame in read]
    return trend.figures_over_time(read, territory)


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
    latest = (
        listed.sort_values(["publie_le", "id"])
        .groupby("date_instantane")
        .tail(1)
        .set_index("date_instantane")
    )
    winner = table["date_instantane"].map(latest["id"])
    table["compte"] = (table["id"] == winner) & table["retire_le"].isna()
    replaced = ~table["compte"] & table["retire_le"].isna()
    table.loc[replaced, "remplace_par"] = winner[replaced].astype(object)
    table.loc[replaced, "remplace_le"] = (
        table.loc[replaced, "date_instantane"].map(latest["publie_le"]).astype(object)
    )
    return table


@translated
def same_date(eng: Engine, when: date) -> pd.DataFrame:
    """The listed snapshots already published for the date *when* (those a new one would replace)."""
    table = history(eng)
    return table[table["date_instantane"] == when]


def _snapshot_row(conn: Connection, snapshot_id: int):
    known_id(snapshot_id)
    row = conn.execute(sa.select(snapshots).where(snapshots.c.id == snapshot_id)).mappings().first()
    if row is None:
        raise UnknownSnapshot(f"Aucun instantané n° {snapshot_id}.")
    return row


@translated
def load_file(eng: Engine, snapshot_id: int) -> tuple[bytes, str]:
    """The original file's bytes and name, as the user sent them."""
    with eng.connect() as conn:
        row = _snapshot_row(conn, snapshot_id)
    return bytes(row["fichier"]), row["nom_fichier"]


@translated
def load_snapshot(eng: Engine, snapshot_id: int) -> Snapshot:
    """A published snapshot as :func:`gen_dash.ingest.read_snapshot` returned it: rows, report, date."""
    with eng.connect() as conn:
        meta = _snapshot_row(conn, snapshot_id)
        frame = _with_every_column(_read_rows(conn, snapshot_id))
    problems = pd.DataFrame(json.loads(meta["rapport"]), columns=PROBLEM_COLUMNS)
    problems["code"] = problems["code"].fillna("")  # a report published before problems had codes
    problems["ligne"] = problems["ligne"].astype("int64")
    report = Report(lignes=meta["lignes"], problemes=problems)
    mapping = (
        Mapping.from_dict(json.loads(meta["correspondance"]))
        if meta["correspondance"]
        else Mapping()
    )
    # recomputed: a new rule applies to the whole history
    frame["famille_metier"] = metiers.family(frame["metier"])
    frame["code_epci"] = epci.epci_of(frame)  # likewise the EPCI map of today
    geometry = gpd.points_from_xy(frame["longitude"], frame["latitude"], crs=geo.CRS)
    return Snapshot(
        rows=gpd.GeoDataFrame(frame, geometry=geometry, crs=geo.CRS),
        report=report,
        date=meta["date_instantane"],
        name=meta["nom_fichier"],
        mapping=mapping,
    )


def _read_rows(
    conn: Connection, snapshot_id: int, columns: list[str] | None = None
) -> pd.DataFrame:
    """A snapshot's stored rows (only *columns*, when given), with their types."""
    blob = conn.execute(
        sa.select(rows.c.lignes).where(rows.c.snapshot_id == snapshot_id)
    ).scalar_one()
    return pq.read_table(pa.BufferReader(blob), columns=columns).to_pandas()


def _with_every_column(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows kept before a column joined the contract get it, empty, with the reader's type, in the reader's order."""
    missing = [c for c in COLUMNS if c.name not in frame]
    if not missing:
        return frame
    for c in missing:
        frame[c.name] = typed(
            pd.Series([None] * len(frame), index=frame.index, dtype=object), c.type
        )
    known = {c.name for c in COLUMNS}
    return frame[[c.name for c in COLUMNS] + [name for name in frame.columns if name not in known]]


@translated
def journal(eng: Engine) -> pd.DataFrame:
    """Every publication, withdrawal and refused editor password: when, who (or from which address), what; newest
    first."""
    with eng.connect() as conn:
        rows = conn.execute(sa.select(audit).order_by(audit.c.id.desc())).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in audit.columns])
