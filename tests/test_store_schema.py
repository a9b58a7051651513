"""gen_dash.store_schema: the store's schema versioned and ensured, an old store migrated with its snapshots, a
snapshot kept before a column existed read back with it empty; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa
from pandas.testing import assert_frame_equal

from gen_dash import geo, store, store_schema
from gen_dash.ingest import read_snapshot
from tests.conftest import make_csv, row

TABLE = pd.DataFrame(geo.load_departements().drop(columns="geometry"))


def test_schema_is_versioned_and_ensured_idempotently(eng):
    assert store.ensure_schema(eng) == store.SCHEMA_VERSION
    with eng.connect() as conn:
        assert conn.execute(sa.select(store.schema_version.c.version)).scalars().all() == [
            store.SCHEMA_VERSION
        ]


def test_a_version_1_store_with_its_rows_is_migrated_to_the_current_schema(tmp_path):
    """A store of version 1 keeping one SQL row per formation: upgraded, its snapshot reads back whole, with its other
    column and its counts, from the Parquet file version 5 keeps."""
    url = f"sqlite:///{tmp_path / 'v1.sqlite3'}"
    old = sa.create_engine(url)
    # columns of versions 2 and 3
    later = {
        "correspondance",
        "apprenants_qpv",
        "sorties_positives",
        "gratuite",
    }
    legacy = store_schema._formations_before_5
    read = read_snapshot(
        make_csv(
            [
                row(statut="ouverte"),
                row(
                    id_formation="F2",
                    code_commune="31555",
                    apprenants="12",
                    apprenants_femmes="5",
                    apprenants_neet="7",
                    statut="",
                ),
            ]
        ),
        "v1-2016-06-30.csv",
    ).rows
    with old.begin() as conn:
        v1 = sa.MetaData()
        for table in (store_schema.snapshots, legacy, store_schema.audit):
            sa.Table(
                table.name,
                v1,
                *[
                    sa.Column(c.name, c.type, primary_key=c.primary_key)
                    for c in table.columns
                    if c.name not in later
                ],
            )
        v1.create_all(conn)
        store.schema_version.create(conn)
        conn.execute(store.schema_version.insert().values(version=1))
        conn.execute(
            v1.tables["snapshots"]
            .insert()
            .values(
                id=1,
                sha256="0" * 64,
                date_instantane=date(2016, 6, 30),
                libelle="Juin",
                nom_fichier="v1-2016-06-30.csv",
                fichier=b"...",
                publie_par="alice",
                publie_le=pd.Timestamp("2016-07-01", tz="UTC"),
                exemple=False,
                lignes=2,
                lignes_acceptees=2,
                lignes_rejetees=0,
                rapport="[]",
                autres_colonnes='["statut"]',
            )
        )
        for line in (
            read.drop(columns="geometry")
            .astype(object)
            .where(read.notna(), None)
            .to_dict("records")
        ):
            values = {
                c.name: line[c.name] for c in v1.tables["formations"].columns if c.name in line
            }
            values["date_extraction"] = None
            conn.execute(
                v1.tables["formations"]
                .insert()
                .values(
                    snapshot_id=1,
                    **values,
                    autres='{"statut": "ouverte"}' if line["statut"] else None,
                )
            )
    old.dispose()
    eng = store.engine(url)
    assert "correspondance" in {c["name"] for c in sa.inspect(eng).get_columns("snapshots")}
    assert not sa.inspect(eng).has_table("formations")
    back = store.load_snapshot(eng, 1).rows
    assert back[
        ["id_formation", "code_departement", "apprenants", "famille_metier"]
    ].values.tolist() == [["F1", "93", 20, "non renseigné"], ["F2", "31", 12, "non renseigné"]]
    assert back.loc[0, "statut"] == "ouverte" and pd.isna(back.loc[1, "statut"])
    assert back["apprenants_qpv"].isna().all() and str(back["apprenants"].dtype) == "Int64"
    # Two fabriques: the same name in two communes.
    assert store.figures_over_time(eng, [1]).loc[date(2016, 6, 30)].tolist() == [
        2,
        2,
        32,
        11 / 32,
        18 / 32,
        2,
    ]
    published = store.publish(
        eng, make_csv([row(apprenants_qpv="3", gratuite="oui")]), "v3-2018-03-31.csv", by="alice"
    )
    back = store.load_snapshot(eng, published.id).rows
    assert (back.loc[0, "apprenants_qpv"], back.loc[0, "gratuite"]) == (3, "oui")


def test_a_snapshot_kept_before_a_column_existed_reads_back_with_it_empty(eng):
    """A column joins the contract: the Parquet files of earlier snapshots lack it, and need no migration."""
    import io

    import pyarrow.parquet as pq

    data = make_csv([row(), row(id_formation="F2", code_commune="31555")])
    published = store.publish(eng, data, "avant-2018-04-30.csv", by="alice")
    table = store_schema.rows
    with eng.begin() as conn:
        blob = conn.execute(
            sa.select(table.c.lignes).where(table.c.snapshot_id == published.id)
        ).scalar_one()
        older = pq.read_table(io.BytesIO(blob)).drop_columns(
            ["gratuite", "apprenants_qpv", "date_extraction"]
        )
        sink = io.BytesIO()
        pq.write_table(older, sink)
        conn.execute(
            table.update().where(table.c.snapshot_id == published.id).values(lignes=sink.getvalue())
        )
    back = store.load_snapshot(eng, published.id).rows
    assert_frame_equal(back, read_snapshot(data, "avant-2018-04-30.csv").rows, check_dtype=True)
