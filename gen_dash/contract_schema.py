"""The file contract as a Table Schema (frictionless, schema.data.gouv.fr), and cells checked against a schema's
columns: the snapshot's (:data:`gen_dash.schema.COLUMNS`), or the published figures' (:mod:`gen_dash.published`).

``python -m gen_dash.contract_schema`` writes ``data/schema/snapshot.schema.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from gen_dash.cells import parse_dates, parse_numbers
from gen_dash.schema import COLUMNS, Column


def table_schema(columns: tuple[Column, ...] = COLUMNS, **about) -> dict:
    """*columns* as a Table Schema (frictionless / schema.data.gouv.fr); by default the snapshot's canonical columns.

    *about* gives the schema's ``name``, ``title``, ``description`` and ``primaryKey`` for other columns (the
    published figures' file, :mod:`gen_dash.published`).
    """
    fields = []
    key = about.get("primaryKey", "id_formation" if columns is COLUMNS else None)
    for c in columns:
        spec: dict = {
            "name": c.name,
            "title": c.title,
            "description": c.description,
            "type": c.type,
        }
        if c.type == "date":
            spec["format"] = "any"
        constraints: dict = {}
        if c.required:
            constraints["required"] = True
        if c.minimum is not None:
            constraints["minimum"] = c.minimum
        if c.pattern:
            constraints["pattern"] = c.pattern
        if c.enum:
            constraints["enum"] = list(c.enum)
        if c.name == key:
            constraints["unique"] = True
        if constraints:
            spec["constraints"] = constraints
        # the headers the reader also takes (files written elsewhere name columns their way)
        if columns is COLUMNS:
            spec["gen_dash:aliases"] = list(c.aliases)
        fields.append(spec)
    schema = {
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": about.get("name", "gen-formations-labellisees"),
        "title": about.get(
            "title", "Grande école du numérique : formations labellisées (instantané)"
        ),
        "description": about.get(
            "description",
            "Une ligne par formation labellisée, telle qu'elle est à la date de l'instantané.",
        ),
        "version": "1.0.0",
        "fields": fields,
    }
    if key:
        schema["primaryKey"] = key
    schema["missingValues"] = [""]
    return schema


def check_cells(
    body: pd.DataFrame, columns: tuple[Column, ...]
) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """Type a table of text cells (columns named as *columns*, indexed by line) by its Table Schema, as a snapshot's
    cells are: each cell that breaks a constraint is one problem (line, code, French message).

    Returns
    -------
    The typed table (``date`` columns as dates, ``number`` and ``integer`` as floats, text as text) of the lines
    without a problem, and the problems: ``colonne-manquante``, ``cellule-obligatoire``, ``type-invalide``,
    ``valeur-sous-minimum``, ``motif-invalide``, ``valeur-hors-liste``.
    """
    problems: list[tuple[int, str, str]] = []
    missing = [c.name for c in columns if c.name not in body]
    if missing:
        return body.iloc[0:0], [
            (1, "colonne-manquante", f"Colonne absente : {', '.join(missing)}.")
        ]
    typed = pd.DataFrame(index=body.index)
    for c in columns:
        text = body[c.name].fillna("").astype(str).str.strip()
        given = text.ne("")
        bad = pd.Series(False, index=body.index)
        if c.type in ("number", "integer"):
            typed[c.name] = parse_numbers(text)
            bad |= given & (
                typed[c.name].isna() | ((typed[c.name] % 1 != 0) if c.type == "integer" else False)
            )
            kind = "un nombre entier" if c.type == "integer" else "un nombre (0.24, 9582)"
        elif c.type == "date":
            typed[c.name] = parse_dates(text)
            bad |= given & typed[c.name].isna()
            kind = "une date (2017-12-31)"
        else:
            typed[c.name] = text
            kind = ""
        for line in body.index[bad]:
            problems.append(
                (
                    int(line),
                    "type-invalide",
                    f"« {text[line]} » en colonne {c.name} : il faut {kind}.",
                )
            )
        checks = [
            (
                ~given & c.required,
                "cellule-obligatoire",
                lambda v, c=c: f"Colonne {c.name} vide : elle est obligatoire.",
            ),
            (
                given & ~bad & (pd.to_numeric(typed[c.name], errors="coerce") < c.minimum)
                if c.minimum is not None
                else None,
                "valeur-sous-minimum",
                lambda v, c=c: f"« {v} » en colonne {c.name} : au moins {c.minimum}.",
            ),
            (
                given & ~text.str.fullmatch(c.pattern) if c.pattern else None,
                "motif-invalide",
                lambda v, c=c: f"« {v} » en colonne {c.name} ne suit pas le motif {c.pattern}.",
            ),
            (
                given & ~text.isin(c.enum) if c.enum else None,
                "valeur-hors-liste",
                lambda v, c=c: (
                    f"« {v} » en colonne {c.name} : valeurs admises {', '.join(c.enum)}."
                ),
            ),
        ]
        for flagged, code, message in checks:
            if flagged is None:
                continue
            for line in body.index[flagged]:
                problems.append((int(line), code, message(text[line])))
    wrong = {line for line, _, _ in problems}
    return typed[~typed.index.isin(wrong)], sorted(problems)


def write_table_schema(path: Path, schema: dict | None = None) -> None:
    """Write *schema* (default: :func:`table_schema`) to *path* as indented JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(schema or table_schema(), ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    from gen_dash.config import SCHEMA_FILE

    write_table_schema(SCHEMA_FILE)  # the published figures' own: python -m gen_dash.published
    print(SCHEMA_FILE)
