"""Read a snapshot file as staff send it: decode, parse, repair, validate and place every row.

The public verb is :func:`read_snapshot`. Every check is vectorised over the
whole table; a problem is recorded with the file's line number, the column as
written in the file, the value and a French message saying what to fix.

Here: which file column is which (headers, aliases, the mapping), the rules (types, plausible values, duplicates)
and the snapshot they make. Elsewhere: :mod:`gen_dash.table` (bytes to a table of text, within the limits),
:mod:`gen_dash.cells` (cells, their distinct texts, problems, French numbers and dates), :mod:`gen_dash.place`
(where each row is), :mod:`gen_dash.snapshot` (the types everyone imports).
"""

from __future__ import annotations

import functools
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import BinaryIO

import geopandas as gpd
import numpy as np
import pandas as pd

from gen_dash import config, epci, geo, guess, identity, metiers
from gen_dash.cells import Cells, factorize, parse_dates, parse_numbers
from gen_dash.config import Limits
from gen_dash.place import LOCATION_COLUMNS, locate
from gen_dash.schema import (
    BY_NAME,
    COLUMNS,
    COUNT_COLUMNS,
    DERIVED_TITLES,
    LARGEST,
    LEARNER_COLUMNS,
    PROGRAMME_START,
    REQUIRED,
    canonical_name,
)
from gen_dash.snapshot import (
    AVERTISSEMENT,
    DERIVED_COLUMNS,
    ERREUR,
    PROBLEM_COLUMNS,
    Mapping,
    MissingColumns,
    Report,
    Snapshot,
    SnapshotError,
)
from gen_dash.table import Table, read_table, too_many_rows
from gen_dash.text import fold, fold_series, os_error

_LARGEST_COUNT = (
    2**53
)  # beyond it a float no longer holds every integer: no effectif or wave number comes near
_DATE_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YES_NO = {
    **dict.fromkeys(
        ("oui", "o", "vrai", "v", "1", "x", "yes", "y", "true", "gratuite", "gratuit"), "oui"
    ),
    **dict.fromkeys(("non", "n", "faux", "f", "0", "no", "false", "payante", "payant"), "non"),
}
_log = logging.getLogger(__name__)


def read_snapshot(
    source: str | Path | bytes | BinaryIO,
    name: str | None = None,
    *,
    limits: Limits | None = None,
    mapping: Mapping | None = None,
) -> Snapshot:
    """Read a snapshot (CSV in any French spreadsheet shape, or ``.xlsx``).

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary file object (e.g. a Streamlit upload).
    name
        The file's name, used in messages and for a ``YYYY-MM-DD`` snapshot date.
    limits
        What the file may hold; default :func:`gen_dash.config.limits`.
    mapping
        File columns standing for canonical ones, and values constant for the file (see :class:`Mapping`).

    Returns
    -------
    Snapshot
        ``rows``: accepted rows as a GeoDataFrame of points (EPSG:4326), canonical
        columns first, then the file's other columns, ``ligne`` (line in the file),
        ``code_region``, ``cle_fabrique``, ``localisation`` and ``famille_metier`` (:func:`gen_dash.metiers.family`).

    Raises
    ------
    SnapshotError
        The file cannot be read at all (empty, not a table, too large, a
        required column missing...).
    """
    data, name = _read_bytes(source, name)
    try:
        return _read(data, name, limits or config.limits(), mapping or Mapping())
    except SnapshotError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the file holds, its reader gets a message, never a traceback
        _log.exception("Lecture de %s", name)
        raise SnapshotError(
            f"Le fichier n'a pas pu être lu : une erreur inattendue s'est produite ({type(exc).__name__}). "
            "Vérifiez qu'il s'agit bien d'un tableau CSV ou .xlsx ; si cela persiste, transmettez le "
            "fichier à l'administrateur du tableau de bord."
        ) from exc


def prepare() -> None:
    """Load the reference tables the reader consults (each is cached), so that a process forked afterwards reads its
    first file as fast as its tenth (see :mod:`gen_dash.upload`)."""
    for load in (
        geo.communes_by_code,
        geo.commune_names,
        geo.departement_names,
        geo.departement_regions,
        geo.former_communes,
        geo.known_commune_codes,
        geo.load_placement_departements,
        geo.postal_code_lookup,
        _largest_wave,
    ):
        load()


def _read(data: bytes, name: str | None, limits: Limits, mapping: Mapping) -> Snapshot:
    table = read_table(data, limits)
    if table.body.empty:
        raise SnapshotError(
            "Le fichier ne contient que la ligne d'en-tête : aucune formation à lire."
        )
    if len(table.body) > limits.rows:
        raise too_many_rows(len(table.body), limits)
    return _Reader(table, name, mapping).run()


def _read_bytes(source, name: str | None) -> tuple[bytes, str | None]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            return path.read_bytes(), name or path.name
        except OSError as exc:
            raise SnapshotError(f"Impossible de lire {path} : {os_error(exc)}.") from None
    data = source.read()
    return data, name or getattr(source, "name", None)


# --------------------------------------------------------------------------- rows


class _Reader(Cells):
    """One reading: the raw table, which file column is which canonical one, and the rules (types, plausible values,
    duplicates); placement is :func:`gen_dash.place.locate`'s."""

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
            for (
                canonical
            ) in fresh:  # one file column may stand for several (a list of places has one name)
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

    # -- the reading

    def run(self) -> Snapshot:
        # Hashing the columns happens in Arrow, outside the GIL: worker threads do it, in the order
        # the checks need it, while this thread goes on with the rest.
        needed = [c.name for c in COLUMNS if c.type in ("integer", "number", "date")] + [
            "id_formation",
            *LOCATION_COLUMNS,
        ]
        with ThreadPoolExecutor(max_workers=config.ARROW_THREADS) as pool:
            self._distinct.update(
                (c, pool.submit(factorize, self.values[c])) for c in needed if c in self.values
            )
            return self._run()

    def _run(self) -> Snapshot:
        out: dict[str, pd.Series] = {}
        for column in REQUIRED:
            if (self.list_only and column in LEARNER_COLUMNS) or column not in self.written:
                continue
            message = f"Valeur obligatoire manquante : renseignez « {self.written[column]} »."
            if BY_NAME[column].type == "string":
                self.flag(
                    self.text(column).eq(""), ERREUR, column, message, code="valeur-manquante"
                )
            else:  # hashed first: each distinct text is checked once
                self.flag_texts(
                    self.distinct(column)[1].eq("").to_numpy(),
                    ERREUR,
                    column,
                    message,
                    code="valeur-manquante",
                )
        for c in COLUMNS:
            if c.name == "gratuite":
                out[c.name] = self._yes_no(c.name)
            elif c.type == "string":
                out[c.name] = self.text(c.name).replace("", None)
            elif c.type == "integer":
                out[c.name] = self._integers(c.name)
            elif c.type == "number" and c.name not in ("latitude", "longitude"):
                out[c.name] = self._numbers(c.name)
            elif c.type == "date":
                out[c.name] = self._dates(c.name)
        for column in COUNT_COLUMNS:
            above = (out[column] > out["apprenants"]) & (out["apprenants"] >= 0)
            self.flag(
                above,
                ERREUR,
                column,
                "Valeur supérieure au nombre d'apprenants de la formation : "
                f"« {self.written.get(column, column)} » compte une partie des apprenants, pas plus.",
                code="effectif-superieur-aux-apprenants",
            )
        self._duplicates()
        if self.mapping.generate_ids and self.written["id_formation"] == "identifiant généré":
            repeated, first = identity.repeated_rows(self.raw)
            self.flag(
                repeated,
                AVERTISSEMENT,
                "identifiant généré",
                "Ligne identique à la ligne {} : elle est gardée "
                "(chacune reçoit son identifiant) ; vérifiez qu'il ne s'agit pas d'un doublon.",
                first,
                code="ligne-identique",
            )
        placed, points = locate(self, out["commune"])
        out.update(placed.items())
        out.update((header, values.replace("", None)) for header, values in self.extras.items())
        out["ligne"] = self.lines
        out["cle_fabrique"] = self._fabrique_keys(out)
        out["famille_metier"] = metiers.family(out["metier"])
        out["code_epci"] = epci.epci_of(out)

        problems = (
            pd.concat(self.problems, ignore_index=True)
            if self.problems
            else pd.DataFrame(columns=PROBLEM_COLUMNS)
        )
        problems["ligne"] = problems["ligne"].astype("int64")
        warning = problems["gravite"].ne(ERREUR)  # on a line, its errors first
        problems = problems.assign(_avertissement=warning).sort_values(
            ["ligne", "_avertissement"], kind="stable"
        )
        problems = problems.drop(columns="_avertissement").reset_index(drop=True)
        rejected = problems.loc[problems["gravite"] == ERREUR, "ligne"].unique()
        keep = ~self.lines.isin(rejected).to_numpy() if len(rejected) else slice(None)
        accepted = {
            name: out[name].array[keep]
            for name in [c.name for c in COLUMNS] + list(self.extras) + DERIVED_COLUMNS
        }
        points = points[keep]
        rows = gpd.GeoDataFrame(
            pd.DataFrame(accepted, index=pd.RangeIndex(len(points)), copy=False),
            geometry=points,
            crs=geo.CRS,
        )
        report = Report(lignes=len(self.raw), problemes=problems)
        return Snapshot(
            rows=rows,
            report=report,
            date=self._snapshot_date(out),
            name=self.name,
            mapping=self.mapping,
        )

    # -- types

    # Codes, counts and dates repeat a lot: each check runs once per distinct text of the
    # column, and its result is spread back to the rows.

    def _numbers(self, column: str) -> pd.Series:
        text = self.distinct(column)[1]
        parsed = parse_numbers(text).to_numpy()
        finite = np.isfinite(parsed)  # "nan" and "inf" read as numbers, but are not amounts
        self.flag_texts(
            text.ne("").to_numpy() & ~finite,
            ERREUR,
            column,
            "« {} » n'est pas un nombre : écrivez par exemple 12500 ou 12 500,50.",
            code="nombre-illisible",
        )
        minimum = BY_NAME[column].minimum
        if minimum is not None:
            self.flag_texts(
                finite & (parsed < minimum),
                ERREUR,
                column,
                "Valeur négative : un effectif ou un montant ne peut pas être inférieur à zéro."
                if minimum == 0
                else f"La valeur doit être au moins {minimum}.",
                code="nombre-negatif",
            )
        largest = LARGEST.get(column)
        if largest is not None:
            too_big = finite & (parsed > largest)
            self.flag_texts(
                too_big,
                ERREUR,
                column,
                f"Montant démesuré « {{}} » : plus de {largest:,} € pour une formation "
                "(l'enveloppe d'une vague) ; vérifiez la cellule.".replace(",", "\u202f"),
                code="montant-demesure",
            )
            finite &= ~too_big
        return self.spread(column, pd.array(np.where(finite, parsed, np.nan), dtype="Float64"))

    def _integers(self, column: str) -> pd.Series:
        text = self.distinct(column)[1]
        parsed = parse_numbers(text).to_numpy()
        number = ~np.isnan(parsed)
        with np.errstate(invalid="ignore"):  # inf % 1 is NaN: not an integer either
            bad = (text.ne("").to_numpy() & ~number) | (number & (parsed % 1 != 0))
        self.flag_texts(
            bad,
            ERREUR,
            column,
            "« {} » n'est pas un nombre entier : écrivez un entier, par exemple 12.",
            code="entier-illisible",
        )
        largest = _largest_wave() if column == "vague" else LARGEST.get(column, _LARGEST_COUNT)
        huge = ~bad & (np.abs(parsed) > largest)
        self.flag_texts(
            huge,
            ERREUR,
            column,
            f"Effectif démesuré « {{}} » : plus de {largest:,} pour une formation ; "
            "vérifiez la cellule.".replace(",", "\u202f")
            if column != "vague"
            else f"Vague « {{}} » inconnue : le fichier des objectifs décrit {largest - _WAVE_MARGIN} vague(s) ; "
            "vérifiez la cellule.",
            code="vague-inconnue" if column == "vague" else "effectif-demesure",
        )
        bad |= huge
        minimum = BY_NAME[column].minimum
        self.flag_texts(
            (parsed < minimum) & ~bad,
            ERREUR,
            column,
            "Nombre négatif : un effectif ne peut pas être inférieur à zéro."
            if minimum == 0
            else f"Le numéro doit être au moins {minimum}.",
            code="nombre-negatif" if minimum == 0 else "nombre-trop-petit",
        )
        return self.spread(
            column, pd.array(np.where(bad, np.nan, parsed), dtype="Float64").round().astype("Int64")
        )

    def _yes_no(self, column: str) -> pd.Series:
        """``oui`` or ``non`` from the usual French spellings; an error for anything else."""
        text = self.distinct(column)[1]
        answer = fold_series(text).map(_YES_NO)
        self.flag_texts(
            (text.ne("") & answer.isna()).to_numpy(),
            ERREUR,
            column,
            "« {} » : écrivez oui ou non (la formation est-elle gratuite ?).",
            code="oui-non-illisible",
        )
        spread = self.spread(column, answer.fillna("").to_numpy(dtype=object))
        return spread.astype("str").replace("", None)  # typed as every other text column

    def _dates(self, column: str) -> pd.Series:
        text = self.distinct(column)[1]
        parsed = parse_dates(text)
        self.flag_texts(
            (text.ne("") & parsed.isna()).to_numpy(),
            ERREUR,
            column,
            "« {} » n'est pas une date : écrivez 2016-12-15 ou 15/12/2016.",
            code="date-illisible",
        )
        # A date outside the programme's time is a typo, never a figure: before its start, or in the future.
        today = pd.Timestamp(date.today())
        latest = today + pd.Timedelta(days=1 if column == "date_extraction" else 366)
        early, late = (
            (parsed < pd.Timestamp(PROGRAMME_START)).to_numpy(),
            (parsed > latest).to_numpy(),
        )
        self.flag_texts(
            early,
            ERREUR,
            column,
            "Date « {} » avant le début du programme (2015) : vérifiez la cellule.",
            code="date-avant-programme",
        )
        self.flag_texts(
            late,
            ERREUR,
            column,
            "Date « {} » dans le futur : "
            + (
                "une extraction ne peut pas être datée de plus d'un jour après aujourd'hui."
                if column == "date_extraction"
                else "au plus un an après aujourd'hui ; vérifiez la cellule."
            ),
            code="date-dans-le-futur",
        )
        return self.spread(column, parsed.where(~(early | late)))

    def _duplicates(self) -> None:
        codes, ids = self.distinct("id_formation")
        repeated = (np.bincount(codes, minlength=len(ids)) > 1) & ids.ne("").to_numpy()
        if not repeated.any():
            return
        dup = self.spread("id_formation", pd.Series(repeated))
        ids = self.text("id_formation")
        lines_by_id = self.lines[dup].groupby(ids[dup]).agg(lambda s: ", ".join(map(str, s)))
        self.flag(
            dup,
            ERREUR,
            "id_formation",
            "Identifiant de formation en double (lignes {}) : chaque formation "
            "doit avoir un identifiant unique ; toutes ces lignes sont rejetées.",
            ids[dup].map(lines_by_id).reindex(ids.index),
            code="doublon-id",
        )

    def _fabrique_keys(self, out: dict[str, pd.Series]) -> pd.Series:
        """``id:<id_fabrique>``, else ``nom:<folded name>@<commune or département>``."""
        keys = "id:" + out["id_fabrique"]
        unnamed = keys.isna()
        if unnamed.any():
            place = out["code_commune"][unnamed].fillna(out["code_departement"][unnamed]).fillna("")
            keys[unnamed] = (
                "nom:" + fold_series(out["nom_fabrique"][unnamed].fillna("")) + "@" + place
            )
        return keys

    def _snapshot_date(self, out: dict[str, pd.Series]) -> date | None:
        dates = out["date_extraction"].dropna()
        if len(dates):
            common = dates.mode().iloc[0]
            if dates.nunique() > 1:
                self.file_warning(
                    self.written["date_extraction"],
                    f"Plusieurs dates d'extraction : la plus fréquente, {common:%d/%m/%Y}, est retenue.",
                    code="dates-extraction-multiples",
                )
            return common.date()
        match = _DATE_IN_NAME.search(self.name or "")
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                return None
        return None


_WAVE_MARGIN = 3  # waves the targets file does not describe yet, but may soon


@functools.cache
def _largest_wave() -> int:
    """The highest plausible wave number: the targets file's last wave, plus a margin."""
    from gen_dash.targets import TargetsError, load_targets

    try:
        return max(w.numero for w in load_targets().vagues) + _WAVE_MARGIN
    except TargetsError:
        return 99


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
