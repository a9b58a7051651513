"""Which file column is which: headers, their aliases, the mapping the user confirmed, and values given for the file.

:class:`ColumnCells` is the first half of a reading (:mod:`gen_dash.ingest`): it matches each header to a column of
the contract (the mapping first, then aliases, case and accents aside), keeps the others as extra columns under
unique names, and says in a file note what it decided and why; a required column missing is a
:class:`~gen_dash.snapshot.MissingColumns` carrying the guessed mapping (:mod:`gen_dash.guess`).
"""

from __future__ import annotations

import pandas as pd

from gen_dash import guess, identity
from gen_dash.cells import Cells, parse_dates, parse_numbers
from gen_dash.schema import (
    BY_NAME,
    COLUMNS,
    DERIVED_TITLES,
    LEARNER_COLUMNS,
    REQUIRED,
    canonical_name,
)
from gen_dash.snapshot import AVERTISSEMENT, DERIVED_COLUMNS, Mapping, MissingColumns, SnapshotError
from gen_dash.table import Table
from gen_dash.text import fold


class ColumnCells(Cells):
    """The cells of a file, by canonical column: ``written`` (the header each came from), ``values`` (its texts),
    ``extras`` (the file's other columns), ``list_only`` (a list of places, without learner figures)."""

    def __init__(self, table: Table, name: str | None, mapping: Mapping):
        raw, headers = table.body, table.headers
        super().__init__(raw.index, name, {}, {})
        self.raw = raw
        for line, code, message in table.notices:
            self.problems.append(
                pd.DataFrame(
                    [
                        {
                            "gravite": AVERTISSEMENT,
                            "ligne": line,
                            "colonne": "",
                            "valeur": "",
                            "code": code,
                            "message": message,
                        }
                    ]
                )
            )
        self.mapping = mapping
        mapped = self._mapped_positions(headers)
        extras: dict[str, int] = {}
        # Names an extra column may not take, case and accents aside: every column the dashboard reads, adds or
        # displays (« Ligne du fichier », « Apprenants »), and the extra columns before it.
        taken = dict.fromkeys(
            {fold(n) for c in COLUMNS for n in (c.name, c.title)}
            | {fold(n) for n in (*DERIVED_COLUMNS, *DERIVED_TITLES.values(), "geometry")},
            2,
        )
        given = dict(mapping.columns)
        for pos, header in enumerate(headers):
            by_alias = canonical_name(header)
            canonicals = mapped.get(pos) or (
                [by_alias] if by_alias and by_alias not in given else []
            )
            fresh = [c for c in canonicals if c not in self.written]
            column = raw[pos]
            # one file column may stand for several (a list of places has one name)
            for canonical in fresh:
                self.written[canonical] = header
                self.values[canonical] = column
            if not fresh:
                if canonicals:
                    self.file_warning(
                        header,
                        f"La colonne « {header} » reprend « {self.written[canonicals[0]]} » "
                        f"({canonicals[0]}) : seule la première est lue, l'autre est conservée telle quelle.",
                        code="colonne-en-double",
                    )
                extras[_unique(header, taken)] = pos
        self.extras = {h: raw[pos] for h, pos in extras.items()}
        self._constant_values()
        if "nom_fabrique" not in self.written and "porteur" in self.written:
            # Lists the programme published name the structure, not the fabrique: the structure stands in for it.
            self.written["nom_fabrique"], self.values["nom_fabrique"] = (
                self.written["porteur"],
                self.values["porteur"],
            )
            self.file_warning(
                self.written["porteur"],
                f"Pas de colonne de nom de fabrique : la structure porteuse "
                f"(« {self.written['porteur']} ») en tient lieu.",
                code="fabrique-par-porteur",
            )
        # No learner column at all, or all of them empty on every row: a list of formations, without learner figures.
        present = [c for c in LEARNER_COLUMNS if c in self.written]
        self.list_only = not present or all(self.values[c].eq("").all() for c in present)
        if self.list_only and present:
            self.file_warning(
                self.written[present[0]],
                "Les colonnes d'apprenants sont vides sur toutes les lignes : "
                "le fichier est lu comme une liste de formations, sans effectifs.",
                code="apprenants-vides",
            )
        if "id_formation" not in self.written and mapping.generate_ids and self.values:
            self.written["id_formation"] = "identifiant généré"
            self.values["id_formation"] = identity.generated_ids(self.values)
            self.file_warning(
                "identifiant généré",
                "Pas de colonne d'identifiant : chaque ligne reçoit un identifiant "
                "stable tiré de son nom et de sa commune (le même à chaque export de la même liste).",
                code="identifiant-genere",
            )
        if "vague" not in self.written:
            # A list of places has no wave: its rows count under « vague non renseignée », never under a wave.
            self.file_warning(
                "vague",
                "Pas de colonne de vague : les formations sont comptées en « vague non "
                "renseignée » (donnez la vague avec la correspondance si elle est la même pour toutes).",
                code="vague-absente",
            )
        missing = [
            c
            for c in REQUIRED
            if c not in self.written
            and c != "vague"
            and not (self.list_only and c in LEARNER_COLUMNS)
        ]
        if missing:
            wanted = ", ".join(f"{c} (« {BY_NAME[c].title} »)" for c in missing)
            distinct = list(dict.fromkeys(headers))
            found = ", ".join(f"« {h} »" for h in distinct[:40]) + (
                f" et {len(distinct) - 40} autres" if len(distinct) > 40 else ""
            )
            proposed = guess.guess_mapping(Table(raw, list(headers)), mapping)
            raise MissingColumns(
                f"Colonne(s) obligatoire(s) absente(s) : {wanted}. Colonnes trouvées dans le fichier : {found}. "
                "Ajoutez-les, renommez les en-têtes (voir le modèle de fichier) ou dites quelle colonne du fichier en "
                "tient lieu.",
                missing,
                list(headers),
                proposed,
            )

    def _mapped_positions(self, headers: list[str]) -> dict[int, list[str]]:
        """The file columns the mapping names, by position: canonical names (checked, French errors)."""
        positions: dict[int, list[str]] = {}
        for canonical, header in self.mapping.columns:
            if canonical not in BY_NAME:
                raise SnapshotError(
                    f"Correspondance : « {canonical} » n'est pas une colonne du contrat (par exemple "
                    "id_formation, nom_fabrique, vague, code_commune)."
                )
            found = [pos for pos, h in enumerate(headers) if h == header] or [
                pos for pos, h in enumerate(headers) if fold(h) == fold(header)
            ]
            if not found:
                raise SnapshotError(
                    f"Correspondance : le fichier n'a pas de colonne « {header} » (pour {canonical}). "
                    "Colonnes du fichier : " + ", ".join(f"« {h} »" for h in headers) + "."
                )
            positions.setdefault(found[0], []).append(canonical)
            self.file_warning(
                headers[found[0]],
                f"Colonne « {headers[found[0]]} » lue comme {canonical} "
                f"(« {BY_NAME[canonical].title} ») : correspondance donnée.",
                code="correspondance-colonne",
            )
        return positions

    def _constant_values(self) -> None:
        """Columns the mapping gives one value for every row, checked against the column's type first."""
        for canonical, value in self.mapping.values:
            column = BY_NAME.get(canonical)
            if column is None:
                raise SnapshotError(
                    f"Valeur donnée : « {canonical} » n'est pas une colonne du contrat."
                )
            text = pd.Series([str(value).strip()], dtype="str")
            parsed = parse_dates(text) if column.type == "date" else parse_numbers(text)
            if column.type != "string" and (
                pd.isna(parsed.iloc[0]) or (column.type == "integer" and parsed.iloc[0] % 1)
            ):
                kind = {
                    "integer": "un nombre entier",
                    "number": "un nombre",
                    "date": "une date (2016-12-15)",
                }[column.type]
                raise SnapshotError(
                    f"Valeur donnée pour {canonical} : « {value} » n'est pas {kind}."
                )
            self.written[canonical] = f"{canonical} (valeur donnée)"
            self.values[canonical] = pd.Series(
                str(value).strip(), index=self.raw.index, dtype="str"
            )
            self.file_warning(
                self.written[canonical],
                f"{canonical} : la valeur « {value} » est donnée pour toutes les "
                "lignes (correspondance).",
                code="correspondance-valeur",
            )


def _unique(header: str, taken: dict[str, int]) -> str:
    """*header*, or ``header (2)``, ``header (3)``... when that name, case and accents aside, is taken. *taken* maps
    the folded names already used to the next number to try for them, so n equal headers cost n steps, not n²."""
    key = fold(header)
    if key not in taken:
        taken[key] = 2
        return header
    while True:
        n = taken[key]
        taken[key] = n + 1
        name = f"{header} ({n})"
        if fold(name) not in taken:
            taken[fold(name)] = 2
            return name
