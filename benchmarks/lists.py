"""Benchmark group « listes »: lists of places read with a guessed mapping (issue « Any list of places »).

A 100,000-row list in the shape of a directory export (``NOM``, ``CODE_POSTAL``, ``COMMUNE``, ``DN_LATITUDE``,
``DN_LONGITUDE``, no id, no wave) is made once from the synthetic snapshot; the guess is timed alone and with the
reading of the table, and the whole reading with the guessed mapping against bare ``pandas.read_csv``.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pandas as pd

from benchmarks.harness import CACHE, ROOT, Result, median_time, median_times, synthetic_file

LISTS = ROOT / "tests" / "fixtures" / "listes"


def list_file(rows: int) -> Path:
    """The synthetic snapshot of *rows* rows rewritten as a list of places, cached on disk."""
    from gen_dash import geo

    path = CACHE / f"liste-de-lieux-{rows}.csv"
    if not path.exists():
        source = pd.read_csv(synthetic_file(rows), dtype=str, keep_default_na=False)
        postal = (
            geo.load_postal_codes()
            .drop_duplicates("code_commune")
            .set_index("code_commune")["code_postal"]
        )
        pd.DataFrame(
            {
                "NOM": source["nom_fabrique"].str.upper(),
                "ADRESSE": "1 rue de la Mairie",
                "CODE_POSTAL": source["code_commune"].map(postal).fillna("NULL"),
                "COMMUNE": source["commune"].str.upper(),
                "DN_LATITUDE": source["latitude"],
                "DN_LONGITUDE": source["longitude"],
            }
        ).to_csv(path, sep=";", index=False)
    return path


def list_measures(repeat: int, size: int = 100_000) -> list[Result]:
    """Guess, read with the guess, and each fixture list read in one command."""
    from gen_dash import cli, config
    from gen_dash.guess import guess_mapping
    from gen_dash.ingest import read_snapshot
    from gen_dash.table import read_table

    path = list_file(size)
    data = path.read_bytes()
    table = read_table(data, config.limits())
    guessed = median_time(lambda: guess_mapping(table), repeat)
    mapping = guess_mapping(table).mapping()
    floor, measured = median_times(
        [
            lambda: pd.read_csv(path, sep=";"),
            lambda: read_snapshot(data, path.name, mapping=mapping),
        ],
        repeat,
    )
    label = f"{size:,}".replace(",", " ")

    def fixtures():
        for name in sorted(p.name for p in LISTS.iterdir()):
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                cli.main(["validate", str(LISTS / name), "--deviner", "--json"])

    slowest = median_time(fixtures, repeat) / len(list(LISTS.iterdir()))
    return [
        Result(
            "deviner la correspondance (échantillon de 2 000 lignes)",
            label,
            guessed,
            "s",
            None,
            "< 0,5 s",
            guessed < 0.5,
        ),
        Result(
            "lire une liste de lieux avec la correspondance devinée (identifiants générés)",
            label,
            measured,
            "s",
            floor,
            "< 2 s",
            measured < 2,
        ),
        Result(
            "validate --deviner d'une liste de tests/fixtures/listes (moyenne)",
            "6 à 13 lignes",
            slowest,
            "s",
            None,
            "< 2 s",
            slowest < 2,
        ),
    ]
