"""The sample snapshots as files: written into ``data/sample`` (the programme's other reported indicators added, and
for one date a spreadsheet export of it, messy as real exports are, beside its clean twin), and listed.

``python -m gen_dash.sample_files [DIR]`` writes them (default ``data/sample``); the snapshots themselves are
:mod:`gen_dash.sample`'s.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from gen_dash import geo
from gen_dash.config import SAMPLE_DIR
from gen_dash.sample import MESSY_DATE, SEED, STATUS_COLUMN, sample_snapshots

# How some exports write a métier (the messy sample uses them; they read back as the same family).
_SPELLINGS = {
    "Développeur web": ("Dév. web", "DEVELOPPEUR WEB", "Développeur Web/Web mobile"),
    "Technicien réseau": ("Technicien(ne) réseau", "technicien  reseau"),
    "Médiateur numérique": ("Médiateur(trice) numérique",),
}


def spreadsheet_export(snapshot: pd.DataFrame, seed: int = SEED) -> bytes:
    """*snapshot* as a French spreadsheet exports it: French headers, ``;``, Windows-1252,
    métiers spelt several ways, lost leading zeros, decimal commas, ``20`` for Corsica, a pair of swapped coordinates,
    trailing separators and a blank line. Reading it gives the same figures as *snapshot*.
    """
    rng = np.random.default_rng(seed)
    df = snapshot.drop(columns=["id_fabrique"]).copy()
    respelled = df["metier"].isin(list(_SPELLINGS)) & (rng.random(len(df)) < 0.4)
    df.loc[respelled, "metier"] = [rng.choice(_SPELLINGS[m]) for m in df.loc[respelled, "metier"]]
    if "gratuite" in df:  # as people type it
        df["gratuite"] = df["gratuite"].map({"oui": "Oui", "non": "NON"})
    for column in ("code_commune", "code_postal", "code_departement"):
        df[column] = df[column].str.lstrip("0")
    corsica = df["code_departement"].isin(["2A", "2B"])
    df.loc[corsica, "code_departement"] = "20"
    names = geo.load_departements().set_index("code_departement")["nom_departement"]
    named = rng.random(len(df)) < 0.15
    canonical_dep = snapshot["code_departement"]
    df.loc[named & ~corsica, "code_departement"] = (
        canonical_dep + " - " + canonical_dep.map(names)
    )[named & ~corsica]
    swap = rng.choice(len(df), size=min(2, len(df)), replace=False)
    (
        df.iloc[swap, df.columns.get_loc("latitude")],
        df.iloc[swap, df.columns.get_loc("longitude")],
    ) = (snapshot["longitude"].iloc[swap].to_numpy(), snapshot["latitude"].iloc[swap].to_numpy())
    for column in ("latitude", "longitude"):
        df[column] = df[column].map(lambda v: f"{v:.5f}".replace(".", ","))
    df["subvention_eur"] = df["subvention_eur"].map(
        lambda v: "" if pd.isna(v) else f"{v:,.2f}".replace(",", "\u00a0").replace(".", ",")
    )
    for column in ("date_labellisation", "date_extraction"):
        df[column] = pd.to_datetime(df[column]).dt.strftime("%d/%m/%Y")
    df = df.rename(
        columns={
            "id_formation": "Identifiant",
            "nom_formation": "Intitulé de la formation",
            "nom_fabrique": "Nom de la fabrique",
            "porteur": "Structure porteuse",
            "vague": "Vague de labellisation",
            "date_labellisation": "Date de labellisation",
            "metier": "Métier",
            "code_commune": "Code INSEE",
            "code_postal": "CP",
            "commune": "Commune",
            "code_departement": "Dép.",
            "latitude": "Lat",
            "longitude": "Long",
            "places": "Nb places",
            "apprenants": "Nombre d'apprenants",
            "apprenants_femmes": "Dont femmes",
            "apprenants_neet": "Dont jeunes NEET",
            "apprenants_boursiers": "Boursiers",
            "apprenants_qpv": "Dont QPV",
            "sorties_positives": "Sorties positives",
            "gratuite": "Gratuite",
            "subvention_eur": "Subvention (€)",
            "date_extraction": "Date d'extraction",
            STATUS_COLUMN: "Statut des données",
        }
    )
    lines = (
        df.fillna("").astype(str).to_csv(sep=";", index=False, lineterminator="\r\n").split("\r\n")
    )
    # trailing separators, as some exports write
    lines = [line + ";" if line else line for line in lines]
    lines.insert(len(lines) // 2, "")
    return "\r\n".join(lines).encode("cp1252")


def write_samples(directory: str | Path = SAMPLE_DIR, seed: int = SEED) -> list[Path]:
    """Write the sample snapshots into *directory*; the messy export's clean twin goes into ``propre/``."""
    directory = Path(directory)
    (directory / "propre").mkdir(parents=True, exist_ok=True)
    written = []
    for when, snap in sample_snapshots(seed).items():
        snap = with_reported_indicators(snap, seed)
        clean = snap.to_csv(index=False, lineterminator="\n").encode("utf-8")
        if when == MESSY_DATE:
            path = directory / f"gen-exemple-{when}-export-tableur.csv"
            path.write_bytes(spreadsheet_export(snap, seed))
            written.append(path)
            path = directory / "propre" / f"gen-exemple-{when}.csv"
        else:
            path = directory / f"gen-exemple-{when}.csv"
        path.write_bytes(clean)
        written.append(path)
    return written


def with_reported_indicators(snapshot: pd.DataFrame, seed: int = SEED) -> pd.DataFrame:
    """The programme's other reported indicators, added to a sample snapshot: learners from the priority
    neighbourhoods (about 17 % in 2017), positive outcomes six months after (about 74 %), free formations (about 77 %).

    Each formation keeps its own rates from one snapshot to the next (drawn from its identifier, with a generator of
    its own, so the other columns stay as they were).
    """
    out = snapshot.copy()
    ids = out["id_formation"].astype(str)
    keys = np.array(
        [int.from_bytes(i.encode()[-8:].rjust(8, b"\0"), "big") % (1 << 32) for i in ids],
        dtype=np.uint64,
    )
    draws = np.array([np.random.default_rng([seed, int(k)]).random(3) for k in keys]).reshape(-1, 3)
    learners = out["apprenants"].astype("Int64").fillna(0).to_numpy(dtype=np.int64)
    qpv_rate = np.clip(0.17 + (draws[:, 0] - 0.5) * 0.24, 0.0, 0.6)
    outcome_rate = np.clip(0.728 + (draws[:, 1] - 0.5) * 0.3, 0.3, 1.0)
    insert_at = out.columns.get_loc("apprenants_boursiers") + 1
    out.insert(insert_at, "apprenants_qpv", np.rint(learners * qpv_rate).astype(np.int64))
    out.insert(
        insert_at + 1, "sorties_positives", np.rint(learners * outcome_rate).astype(np.int64)
    )
    out.insert(insert_at + 2, "gratuite", np.where(draws[:, 2] < 0.77, "oui", "non"))
    return out


def bundled_samples(directory: str | Path = SAMPLE_DIR) -> list[tuple[Path, date]]:
    """The sample snapshots the dashboard lists (not the clean twin in ``propre/``), newest first."""
    found = []
    for path in Path(directory).glob("gen-exemple-*.csv"):
        found.append((path, date.fromisoformat(path.stem.split("-", 2)[2][:10])))
    return sorted(found, key=lambda item: item[1], reverse=True)


if __name__ == "__main__":
    for written in write_samples(sys.argv[1] if len(sys.argv) > 1 else SAMPLE_DIR):
        print(written)
