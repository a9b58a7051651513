"""The commands that keep or produce: ``publish``, ``history``, ``withdraw``, ``export``, ``diff``, ``fiche``,
``hash-password``."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

import pandas as pd

from gen_dash import fmt
from gen_dash.cli_support import (
    EXIT_OK,
    EXIT_REFUSED,
    UsageError,
    mapping,
    out,
    read_file,
    source,
    territory,
)
from gen_dash.targets import load_targets


def publish(args: argparse.Namespace) -> int:
    from gen_dash import store

    data, name = read_file(args.file)
    published = store.publish(
        store.engine(),
        data,
        name,
        by=args.auteur,
        snapshot_date=args.date,
        label=args.libelle,
        mapping=mapping(args, data),
    )
    out(
        args,
        {
            "id": published.id,
            "date": published.date.isoformat(),
            "libelle": published.label,
            "lignes_acceptees": published.rows,
            "lignes_rejetees": published.rejected,
            "sha256": published.sha256,
        },
        f"Publié : instantané n° {published.id} « {published.label} » du {fmt.day(published.date)} ; "
        f"{fmt.number(published.rows)} ligne(s) acceptée(s), {fmt.number(published.rejected)} rejetée(s).",
    )
    return EXIT_OK


def history(args: argparse.Namespace) -> int:
    from gen_dash import store

    table = store.history(store.engine(), include_withdrawn=args.tous).drop(columns=["sha256"])
    records = table.astype(object).where(table.notna(), None).to_dict("records")
    lines = [
        f"{r.id:>4}  {r.date_instantane:%d/%m/%Y}  {r.libelle}  ({fmt.number(r.lignes_acceptees)} lignes, "
        f"publié par {r.publie_par}{', RETIRÉ' if not pd.isna(r.retire_le) else ''}"
        f"{f', remplacé par le n° {r.remplace_par}' if r.remplace_par is not None else ''})"
        for r in table.itertuples()
    ] or ["Aucun instantané publié."]
    out(args, records, "\n".join(lines))
    return EXIT_OK


def withdraw(args: argparse.Namespace) -> int:
    from gen_dash import store

    store.withdraw(store.engine(), args.id, by=args.auteur)
    out(
        args,
        {"id": args.id, "retire": True},
        f"Instantané n° {args.id} retiré des listes (conservé et journalisé).",
    )
    return EXIT_OK


def fiche(args: argparse.Namespace) -> int:
    from gen_dash import fiche, geo
    from gen_dash.territory import Territory

    if getattr(args, "sortie", None) is None:
        raise UsageError("il manque : --sortie (python -m gen_dash --help pour l'aide)")
    args.file = args.source
    rows, sheet_source = _sheet_source(args)
    table, communes = geo.departements_table(), geo.communes_table()
    targets = load_targets()
    if args.toutes_regions:
        from tqdm import tqdm

        args.sortie.mkdir(parents=True, exist_ok=True)
        territories = [Territory.of(None, (), table)] + [
            Territory.of(code, (), table) for code in sorted(table["code_region"].unique())
        ]
        written = []
        for place in tqdm(territories, desc="Fiches", unit="fiche", file=sys.stderr, disable=None):
            path = args.sortie / f"fiche-{place.slug}-{_slug(place.label)}.pdf"
            path.write_bytes(
                fiche.territory_sheet(
                    place.apply(rows), rows, place, targets, sheet_source, communes, args.indicateur
                )
            )
            written.append(str(path))
        out(args, {"fichiers": written}, f"Écrit : {len(written)} fiches dans {args.sortie}.")
        return EXIT_OK
    place = territory(args)
    data = fiche.territory_sheet(
        place.apply(rows), rows, place, targets, sheet_source, communes, args.indicateur
    )
    args.sortie.write_bytes(data)
    out(
        args,
        {"fichier": str(args.sortie), "territoire": place.label, "octets": len(data)},
        f"Écrit : {args.sortie} (fiche {place.label}, {fmt.number(len(data))} octets).",
    )
    return EXIT_OK


def _sheet_source(args: argparse.Namespace):
    """The rows and the :class:`gen_dash.fiche.Source` of a file or of a published snapshot's number."""
    from gen_dash import fiche, store

    given = source(args)
    snapshot = given.snapshot
    if given.published is not None:
        meta = (
            store.history(store.engine(), include_withdrawn=True)
            .set_index("id")
            .loc[given.published]
        )
        return snapshot.rows, fiche.Source(
            snapshot.name or f"instantane-{given.published}",
            snapshot.date,
            str(meta["libelle"]),
            str(meta["sha256"]),
            bool(meta["exemple"]),
        )
    sample = "statut_donnees" in snapshot.rows and bool(
        snapshot.rows["statut_donnees"].astype(str).str.startswith("illustratif").any()
    )
    return snapshot.rows, fiche.Source(
        snapshot.name, snapshot.date, "", store.sha256(given.data), sample
    )


def _slug(text: str) -> str:
    """« Provence-Alpes-Côte d'Azur » -> ``provence-alpes-cote-d-azur`` (a file name)."""
    from gen_dash.text import fold

    return fold(text).replace(" ", "-")


def export(args: argparse.Namespace) -> int:
    from gen_dash import export, store

    eng = store.engine()
    if args.format == "fichier":  # the bytes as published: what the report's line numbers refer to
        data, name = store.load_file(eng, args.id)
        output = args.sortie or Path(name)
        output.write_bytes(data)
        out(
            args,
            {"id": args.id, "format": args.format, "fichier": str(output), "octets": len(data)},
            f"Écrit : {output} (le fichier publié, {fmt.number(len(data))} octets).",
        )
        return EXIT_OK
    snapshot = store.load_snapshot(eng, args.id)
    output = args.sortie or Path(f"instantane-{args.id}.{args.format}")
    if args.format == "csv":
        output.write_bytes(export.to_csv_bytes(snapshot.rows))
    elif args.format == "xlsx":
        output.write_bytes(
            export.to_xlsx_bytes(
                {"Formations": snapshot.rows, "Rapport": snapshot.report.problemes}
            )
        )
    else:
        output.write_bytes(export.to_geopackage_bytes(snapshot.rows))
    out(
        args,
        {
            "id": args.id,
            "format": args.format,
            "fichier": str(output),
            "lignes": len(snapshot.rows),
        },
        f"Écrit : {output} ({fmt.number(len(snapshot.rows))} lignes).",
    )
    return EXIT_OK


def diff(args: argparse.Namespace) -> int:
    from gen_dash import compare, store

    eng = store.engine()
    old, new = store.load_snapshot(eng, args.id1), store.load_snapshot(eng, args.id2)
    changes = compare.diff_snapshots(old.rows, new.rows)
    counts = compare.count_by_status(changes)
    figures = compare.headline_changes(old.rows, new.rows, load_targets())
    data = {
        "de": args.id1,
        "a": args.id2,
        **counts,
        "chiffres": {
            k: {"avant": r.avant, "apres": r.apres, "ecart": r.ecart} for k, r in figures.iterrows()
        },
        "formations": json.loads(
            changes.drop(columns=["latitude", "longitude"]).to_json(
                orient="records", force_ascii=False
            )
        ),
    }
    lines = [
        f"Du n° {args.id1} ({fmt.day(old.date)}) au n° {args.id2} ({fmt.day(new.date)}) : "
        f"{counts['ajoutée']} formation(s) ajoutée(s), {counts['retirée']} retirée(s), {counts['modifiée']} modifiée(s)."
    ]
    lines += [
        f"  {r.libelle} : {fmt.by_nature(r.avant, r.nature)} → {fmt.by_nature(r.apres, r.nature)}"
        for r in figures.itertuples()
    ]
    lines += [
        f"  [{r.statut}] {r.id_formation} {r.nom_formation} ({r.code_departement})"
        + (f" : {r.champs_modifies}" if r.champs_modifies else "")
        for r in changes.itertuples()
    ]
    out(args, data, "\n".join(lines))
    return EXIT_OK


def hash_password(args: argparse.Namespace) -> int:
    from gen_dash.access import hash_password

    password = (
        sys.stdin.readline().rstrip("\n")
        if not sys.stdin.isatty()
        else getpass.getpass("Mot de passe éditeur : ")
    )
    if len(password) < 12:
        print("Refusé : choisissez un mot de passe d'au moins 12 caractères.")
        return EXIT_REFUSED
    print(hash_password(password))
    return EXIT_OK
