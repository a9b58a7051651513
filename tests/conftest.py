"""Shared fixtures: tiny snapshots written inline."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BASE_ROW = {
    "id_formation": "F1", "nom_formation": "Développeur web", "nom_fabrique": "Fabrique de Montreuil",
    "vague": "1", "code_commune": "93048", "apprenants": "20", "apprenants_femmes": "6", "apprenants_neet": "11",
}


def make_csv(rows: list[dict], sep: str = ",", encoding: str = "utf-8", header: list[str] | None = None,
             newline: str = "\n") -> bytes:
    """A CSV file from *rows* (dicts of text); the header is the union of their keys unless given."""
    columns = header or list(dict.fromkeys(k for row in rows for k in row))
    lines = [sep.join(columns)]
    keys = list(dict.fromkeys(k for row in rows for k in row)) if header else columns
    for row in rows:
        lines.append(sep.join(str(row.get(k, "")) for k in keys))
    return (newline.join(lines) + newline).encode(encoding)


def row(**changes) -> dict:
    """The base valid row with *changes* (None removes a key)."""
    out = dict(BASE_ROW)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return ROOT / "data" / "sample"
