"""gen_dash.contract_schema: the published Table Schema is in step with the code's column definitions."""

from __future__ import annotations

import json

from gen_dash import contract_schema, schema
from gen_dash.config import SCHEMA_FILE
from gen_dash.ingest import read_snapshot
from tests.conftest import make_csv, row


def test_published_schema_matches_the_code():
    published = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert published == contract_schema.table_schema(), (
        "run `python -m gen_dash.contract_schema` to publish the new schema"
    )


def test_schema_lists_every_canonical_column_with_the_contract_required_ones():
    fields = {f["name"]: f for f in contract_schema.table_schema()["fields"]}
    assert list(fields) == [c.name for c in schema.COLUMNS]
    required = {n for n, f in fields.items() if f.get("constraints", {}).get("required")}
    assert required == {
        "id_formation",
        "nom_formation",
        "nom_fabrique",
        "vague",
        "apprenants",
        "apprenants_femmes",
        "apprenants_neet",
    }
    assert fields["vague"]["constraints"]["minimum"] == 1


def test_reader_returns_every_schema_column():
    rows = read_snapshot(make_csv([row()])).rows
    assert [f["name"] for f in contract_schema.table_schema()["fields"]] == list(
        rows.columns[: len(schema.COLUMNS)]
    )
