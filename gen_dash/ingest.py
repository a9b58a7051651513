"""Read a snapshot file as staff send it: decode, parse, repair, validate and place every row.

The public verb is :func:`read_snapshot`. Every check is vectorised over the
whole table; a problem is recorded with the file's line number, the column as
written in the file, the value and a French message saying what to fix.
"""

from __future__ import annotations

import functools
import logging
import re
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import BinaryIO

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from geopandas.array import GeometryArray

from gen_dash import config, geo
from gen_dash.config import Limits
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

_LOCATION_COLUMNS = ("code_commune", "code_postal", "commune", "code_departement", "latitude", "longitude")

_LARGEST_COUNT = 2**53  # beyond it a float no longer holds every integer: no effectif or wave number comes near
_DATE_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
# Tolerance (metres, measured in Web Mercator, so at most this on the ground) for
# a point just off the simplified coast: it is placed in the nearest département.
_COAST_TOLERANCE_M = 3000
_YES_NO = {**dict.fromkeys(("oui", "o", "vrai", "v", "1", "x", "yes", "y", "true", "gratuite", "gratuit"), "oui"),
           **dict.fromkeys(("non", "n", "faux", "f", "0", "no", "false", "payante", "payant"), "non")}
_FORMER_WORDS = {"arrondissement-municipal": "arrondissement municipal, rattaché à",
                 "commune-deleguee": "commune fusionnée, rattachée à", "commune-associee": "commune associée, rattachée à",
                 "ancien-code": "ancien code de la commune, aujourd'hui"}
# Collectivités d'outre-mer: outside the 101 départements the programme covers.
_OVERSEAS = {"975": "Saint-Pierre-et-Miquelon (975)", "977": "Saint-Barthélemy (977)", "978": "Saint-Martin (978)",
             "984": "Les Terres australes et antarctiques françaises (984)", "986": "Wallis-et-Futuna (986)",
             "987": "La Polynésie française (987)", "988": "La Nouvelle-Calédonie (988)", "989": "Clipperton (989)"}
_OVERSEAS_CODE = r"^9(7[5-8]|8\d)\d{2}$"
_OVERSEAS_MESSAGE = "{} est une collectivité d'outre-mer, hors du programme (qui couvre les 101 départements)."
_OVERSEAS_POSTAL = r"^(97133|97150|975|98)"  # Saint-Barthélemy and Saint-Martin share Guadeloupe's 971 prefix
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
        ``code_region``, ``cle_fabrique`` and ``localisation``.

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
        raise SnapshotError(f"Le fichier n'a pas pu être lu : une erreur inattendue s'est produite ({type(exc).__name__}). "
                            "Vérifiez qu'il s'agit bien d'un tableau CSV ou .xlsx ; si cela persiste, transmettez le "
                            "fichier à l'administrateur du tableau de bord.") from exc


def prepare() -> None:
    """Load the reference tables the reader consults (each is cached), so that a process forked afterwards reads its
    first file as fast as its tenth (see :mod:`gen_dash.upload`)."""
    for load in (geo.communes_by_code, geo.commune_names, geo.departement_names, geo.departement_regions,
                 geo.former_communes, geo.known_commune_codes, geo.load_placement_departements, geo.postal_code_lookup,
                 _largest_wave):
        load()


def _read(data: bytes, name: str | None, limits: Limits, mapping: Mapping) -> Snapshot:
    table = read_table(data, limits)
    if table.body.empty:
        raise SnapshotError("Le fichier ne contient que la ligne d'en-tête : aucune formation à lire.")
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


class _Reader:
    """One reading: the raw table, what the columns are, and the problems found so far."""

    def __init__(self, table: Table, name: str | None, mapping: Mapping):
        raw, headers = table.body, table.headers
        self._start(raw, name, {}, {})
        for line, message in table.notices:
            self.problems.append(pd.DataFrame([{"gravite": AVERTISSEMENT, "ligne": line, "colonne": "", "valeur": "",
                                                "message": message}]))
        self.mapping = mapping
        mapped = self._mapped_positions(headers)
        extras: dict[str, int] = {}
        # Names an extra column may not take, case and accents aside: every column the dashboard reads, adds or
        # displays (« Ligne du fichier », « Apprenants »), and the extra columns before it.
        taken = dict.fromkeys({fold(n) for c in COLUMNS for n in (c.name, c.title)}
                              | {fold(n) for n in (*DERIVED_COLUMNS, *DERIVED_TITLES.values(), "geometry")}, 2)
        for pos, header in enumerate(headers):
            canonical = mapped.get(pos) or (None if pos in mapped or canonical_name(header) in dict(mapping.columns)
                                            else canonical_name(header))
            if canonical and canonical not in self.written:
                self.written[canonical] = header
                self.values[canonical] = raw[pos]
            else:
                if canonical:
                    self._file_warning(header, f"La colonne « {header} » reprend « {self.written[canonical]} » "
                                       f"({canonical}) : seule la première est lue, l'autre est conservée telle quelle.")
                extras[_unique(header, taken)] = pos
        self.extras = {h: raw[pos] for h, pos in extras.items()}
        self._constant_values()
        if "nom_fabrique" not in self.written and "porteur" in self.written:
            # Lists the programme published name the structure, not the fabrique: the structure stands in for it.
            self.written["nom_fabrique"], self.values["nom_fabrique"] = self.written["porteur"], self.values["porteur"]
            self._file_warning(self.written["porteur"], f"Pas de colonne de nom de fabrique : la structure porteuse "
                               f"(« {self.written['porteur']} ») en tient lieu.")
        # No learner column at all, or all of them empty on every row: a list of formations, without learner figures.
        present = [c for c in LEARNER_COLUMNS if c in self.written]
        self.list_only = not present or all(self.values[c].eq("").all() for c in present)
        if self.list_only and present:
            self._file_warning(self.written[present[0]], "Les colonnes d'apprenants sont vides sur toutes les lignes : "
                               "le fichier est lu comme une liste de formations, sans effectifs.")
        missing = [c for c in REQUIRED if c not in self.written and not (self.list_only and c in LEARNER_COLUMNS)]
        if missing:
            wanted = ", ".join(f"{c} (« {BY_NAME[c].title} »)" for c in missing)
            distinct = list(dict.fromkeys(headers))
            found = ", ".join(f"« {h} »" for h in distinct[:40]) + (f" et {len(distinct) - 40} autres"
                                                                   if len(distinct) > 40 else "")
            raise MissingColumns(
                f"Colonne(s) obligatoire(s) absente(s) : {wanted}. Colonnes trouvées dans le fichier : {found}. "
                "Ajoutez-les, renommez les en-têtes (voir le modèle de fichier) ou dites quelle colonne du fichier en "
                "tient lieu.", missing, list(headers))

    def _mapped_positions(self, headers: list[str]) -> dict[int, str]:
        """The file columns the mapping names, by position: canonical name (checked, French errors)."""
        positions: dict[int, str] = {}
        for canonical, header in self.mapping.columns:
            if canonical not in BY_NAME:
                raise SnapshotError(f"Correspondance : « {canonical} » n'est pas une colonne du contrat (par exemple "
                                    "id_formation, nom_fabrique, vague, code_commune).")
            found = [pos for pos, h in enumerate(headers) if h == header] or [
                pos for pos, h in enumerate(headers) if fold(h) == fold(header)]
            if not found:
                raise SnapshotError(f"Correspondance : le fichier n'a pas de colonne « {header} » (pour {canonical}). "
                                    "Colonnes du fichier : " + ", ".join(f"« {h} »" for h in headers) + ".")
            positions[found[0]] = canonical
            self._file_warning(headers[found[0]], f"Colonne « {headers[found[0]]} » lue comme {canonical} "
                               f"(« {BY_NAME[canonical].title} ») : correspondance donnée.")
        return positions

    def _constant_values(self) -> None:
        """Columns the mapping gives one value for every row, checked against the column's type first."""
        for canonical, value in self.mapping.values:
            column = BY_NAME.get(canonical)
            if column is None:
                raise SnapshotError(f"Valeur donnée : « {canonical} » n'est pas une colonne du contrat.")
            text = pd.Series([str(value).strip()], dtype="str")
            parsed = _parse_dates(text) if column.type == "date" else _parse_numbers(text)
            if column.type != "string" and (pd.isna(parsed.iloc[0]) or (column.type == "integer" and parsed.iloc[0] % 1)):
                kind = {"integer": "un nombre entier", "number": "un nombre", "date": "une date (2016-12-15)"}[column.type]
                raise SnapshotError(f"Valeur donnée pour {canonical} : « {value} » n'est pas {kind}.")
            self.written[canonical] = f"{canonical} (valeur donnée)"
            self.values[canonical] = pd.Series(str(value).strip(), index=self.raw.index, dtype="str")
            self._file_warning(self.written[canonical], f"{canonical} : la valeur « {value} » est donnée pour toutes les "
                               "lignes (correspondance).")

    def _start(self, raw: pd.DataFrame, name: str | None, written: dict[str, str], values: dict[str, pd.Series]) -> None:
        self.raw, self.name, self.written, self.values = raw, name, written, values
        self.list_only = False
        self.lines = pd.Series(raw.index.to_numpy(), index=raw.index)
        self.problems: list[pd.DataFrame] = []
        self._distinct: dict[str, tuple[np.ndarray, pd.Series] | Future] = {}

    # -- recording problems

    def _file_warning(self, column: str, message: str) -> None:
        self.problems.append(pd.DataFrame([{"gravite": AVERTISSEMENT, "ligne": 1, "colonne": column, "valeur": "",
                                            "message": message}]))

    def flag(self, mask: pd.Series, severity: str, column: str, message: str,
             fill: pd.Series | tuple[pd.Series, ...] = (), value: pd.Series | None = None) -> None:
        """Record a problem on every row of *mask*.

        Each ``{}`` of *message* is filled, in order, from the Series of *fill*:
        only the flagged rows' messages are built.
        """
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        parts = message.split("{}")
        text = parts[0]
        for series, part in zip(fill if isinstance(fill, tuple) else (fill,), parts[1:], strict=False):
            text = text + series[mask].astype("str").fillna("") + part
        shown = self.values.get(column) if value is None else value
        self.problems.append(pd.DataFrame({
            "gravite": severity,
            "ligne": self.lines[mask],
            "colonne": self.written.get(column, column),
            "valeur": shown[mask] if shown is not None else "",
            "message": text,
        }))

    def distinct(self, column: str) -> tuple[np.ndarray, pd.Series]:
        """Per row, the position of its text among the column's distinct texts; and those texts."""
        found = self._distinct.get(column)
        if found is None or isinstance(found, Future):
            found = self._distinct[column] = found.result() if found else _factorize(self.text(column))
        return found

    def spread(self, column: str, per_text: pd.Series | pd.api.extensions.ExtensionArray | np.ndarray) -> pd.Series:
        """A result computed on the column's distinct texts, one value per row."""
        values = per_text.array if isinstance(per_text, pd.Series) else per_text
        return pd.Series(values.take(self.distinct(column)[0]), index=self.raw.index)

    def flag_texts(self, per_text: np.ndarray, severity: str, column: str, message: str) -> None:
        """:meth:`flag` for a mask on the column's distinct texts, spread to the rows only when something is flagged."""
        if per_text.any():
            self.flag(self.spread(column, per_text), severity, column, message, self.text(column))

    def text(self, column: str) -> pd.Series:
        """The column's stripped text, empty strings for a column the file does not have."""
        if column in self.values:
            return self.values[column]
        return pd.Series("", index=self.raw.index, dtype="str")

    # -- the reading

    def run(self) -> Snapshot:
        # Hashing the columns happens in Arrow, outside the GIL: worker threads do it, in the order
        # the checks need it, while this thread goes on with the rest.
        needed = [c.name for c in COLUMNS if c.type in ("integer", "number", "date")] + ["id_formation", *_LOCATION_COLUMNS]
        with ThreadPoolExecutor(max_workers=config.ARROW_THREADS) as pool:
            self._distinct.update((c, pool.submit(_factorize, self.values[c])) for c in needed if c in self.values)
            return self._run()

    def _run(self) -> Snapshot:
        out: dict[str, pd.Series] = {}
        for column in REQUIRED:
            if self.list_only and column in LEARNER_COLUMNS:
                continue
            message = f"Valeur obligatoire manquante : renseignez « {self.written[column]} »."
            if BY_NAME[column].type == "string":
                self.flag(self.text(column).eq(""), ERREUR, column, message)
            else:  # hashed first: each distinct text is checked once
                self.flag_texts(self.distinct(column)[1].eq("").to_numpy(), ERREUR, column, message)
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
            self.flag(above, ERREUR, column, "Valeur supérieure au nombre d'apprenants de la formation : "
                      f"« {self.written.get(column, column)} » compte une partie des apprenants, pas plus.")
        self._duplicates()
        placed, points = self._locate(out["commune"])
        out.update(placed.items())
        out.update((header, values.replace("", None)) for header, values in self.extras.items())
        out["ligne"] = self.lines
        out["cle_fabrique"] = self._fabrique_keys(out)

        problems = (pd.concat(self.problems, ignore_index=True) if self.problems
                    else pd.DataFrame(columns=PROBLEM_COLUMNS))
        problems["ligne"] = problems["ligne"].astype("int64")
        problems = problems.assign(_o=problems["gravite"].ne(ERREUR)).sort_values(["ligne", "_o"], kind="stable")
        problems = problems.drop(columns="_o").reset_index(drop=True)
        rejected = problems.loc[problems["gravite"] == ERREUR, "ligne"].unique()
        keep = ~self.lines.isin(rejected).to_numpy() if len(rejected) else slice(None)
        accepted = {name: out[name].array[keep] for name in [c.name for c in COLUMNS] + list(self.extras) + DERIVED_COLUMNS}
        points = points[keep]
        rows = gpd.GeoDataFrame(pd.DataFrame(accepted, index=pd.RangeIndex(len(points)), copy=False), geometry=points,
                                crs=geo.CRS)
        report = Report(lignes=len(self.raw), problemes=problems)
        return Snapshot(rows=rows, report=report, date=self._snapshot_date(out), name=self.name,
                        mapping=self.mapping)

    # -- types

    # Codes, counts and dates repeat a lot: each check runs once per distinct text of the
    # column, and its result is spread back to the rows.

    def _numbers(self, column: str) -> pd.Series:
        text = self.distinct(column)[1]
        parsed = _parse_numbers(text).to_numpy()
        finite = np.isfinite(parsed)  # "nan" and "inf" read as numbers, but are not amounts
        self.flag_texts(text.ne("").to_numpy() & ~finite, ERREUR, column,
                        "« {} » n'est pas un nombre : écrivez par exemple 12500 ou 12 500,50.")
        minimum = BY_NAME[column].minimum
        if minimum is not None:
            self.flag_texts(finite & (parsed < minimum), ERREUR, column,
                            "Valeur négative : un effectif ou un montant ne peut pas être inférieur à zéro."
                            if minimum == 0 else f"La valeur doit être au moins {minimum}.")
        largest = LARGEST.get(column)
        if largest is not None:
            too_big = finite & (parsed > largest)
            self.flag_texts(too_big, ERREUR, column, f"Montant démesuré « {{}} » : plus de {largest:,} € pour une formation "
                            "(l'enveloppe d'une vague) ; vérifiez la cellule.".replace(",", "\u202f"))
            finite &= ~too_big
        return self.spread(column, pd.array(np.where(finite, parsed, np.nan), dtype="Float64"))

    def _integers(self, column: str) -> pd.Series:
        text = self.distinct(column)[1]
        parsed = _parse_numbers(text).to_numpy()
        number = ~np.isnan(parsed)
        with np.errstate(invalid="ignore"):  # inf % 1 is NaN: not an integer either
            bad = (text.ne("").to_numpy() & ~number) | (number & (parsed % 1 != 0))
        self.flag_texts(bad, ERREUR, column, "« {} » n'est pas un nombre entier : écrivez un entier, par exemple 12.")
        largest = _largest_wave() if column == "vague" else LARGEST.get(column, _LARGEST_COUNT)
        huge = ~bad & (np.abs(parsed) > largest)
        self.flag_texts(huge, ERREUR, column, f"Effectif démesuré « {{}} » : plus de {largest:,} pour une formation ; "
                        "vérifiez la cellule.".replace(",", "\u202f") if column != "vague" else
                        f"Vague « {{}} » inconnue : le fichier des objectifs décrit {largest - _WAVE_MARGIN} vague(s) ; "
                        "vérifiez la cellule.")
        bad |= huge
        minimum = BY_NAME[column].minimum
        self.flag_texts((parsed < minimum) & ~bad, ERREUR, column,
                        "Nombre négatif : un effectif ne peut pas être inférieur à zéro." if minimum == 0
                        else f"Le numéro doit être au moins {minimum}.")
        return self.spread(column, pd.array(np.where(bad, np.nan, parsed), dtype="Float64").round().astype("Int64"))

    def _yes_no(self, column: str) -> pd.Series:
        """``oui`` or ``non`` from the usual French spellings; an error for anything else."""
        text = self.distinct(column)[1]
        answer = fold_series(text).map(_YES_NO)
        self.flag_texts((text.ne("") & answer.isna()).to_numpy(), ERREUR, column,
                        "« {} » : écrivez oui ou non (la formation est-elle gratuite ?).")
        spread = self.spread(column, answer.fillna("").to_numpy(dtype=object))
        return spread.astype("str").replace("", None)  # typed as every other text column

    def _dates(self, column: str) -> pd.Series:
        text = self.distinct(column)[1]
        parsed = _parse_dates(text)
        self.flag_texts((text.ne("") & parsed.isna()).to_numpy(), ERREUR, column,
                        "« {} » n'est pas une date : écrivez 2016-12-15 ou 15/12/2016.")
        # A date outside the programme's time is a typo, never a figure: before its start, or in the future.
        today = pd.Timestamp(date.today())
        latest = today + pd.Timedelta(days=1 if column == "date_extraction" else 366)
        early, late = (parsed < pd.Timestamp(PROGRAMME_START)).to_numpy(), (parsed > latest).to_numpy()
        self.flag_texts(early, ERREUR, column, "Date « {} » avant le début du programme (2015) : vérifiez la cellule.")
        self.flag_texts(late, ERREUR, column, "Date « {} » dans le futur : " + ("une extraction ne peut pas être datée "
                        "de plus d'un jour après aujourd'hui." if column == "date_extraction"
                        else "au plus un an après aujourd'hui ; vérifiez la cellule."))
        return self.spread(column, parsed.where(~(early | late)))

    def _duplicates(self) -> None:
        codes, ids = self.distinct("id_formation")
        repeated = (np.bincount(codes, minlength=len(ids)) > 1) & ids.ne("").to_numpy()
        if not repeated.any():
            return
        dup = self.spread("id_formation", pd.Series(repeated))
        ids = self.text("id_formation")
        lines_by_id = self.lines[dup].groupby(ids[dup]).agg(lambda s: ", ".join(map(str, s)))
        self.flag(dup, ERREUR, "id_formation", "Identifiant de formation en double (lignes {}) : chaque formation "
                  "doit avoir un identifiant unique ; toutes ces lignes sont rejetées.",
                  ids[dup].map(lines_by_id).reindex(ids.index))

    # -- location

    def _locate(self, commune: pd.Series) -> tuple[pd.DataFrame, GeometryArray]:
        """Place every row: ``code_commune``, ``code_postal``, ``commune`` (the file's name, else the reference's),
        ``code_departement``, ``code_region``, coordinates and ``localisation``; and each row's point.

        Placing depends only on the location columns, which repeat (every formation of
        a fabrique, often every fabrique of a commune): each distinct combination is
        placed once, then results and problems are spread back to the rows; the rows of
        one place share one (immutable) point object.
        """
        columns = [c for c in _LOCATION_COLUMNS if c in self.values]
        codes = np.zeros(len(commune), dtype=np.int64)
        size = 1
        for column in columns:  # combine the columns' codes, re-numbering only when the key could overflow
            column_codes, distinct = self.distinct(column)
            if size * (len(distinct) + 1) >= 2**62:
                codes = pd.factorize(codes)[0]
                size = int(codes.max()) + 1
            codes, size = codes * (len(distinct) + 1) + column_codes + 1, size * (len(distinct) + 1)
        codes, distinct = pd.factorize(codes)  # numbered in order of first appearance
        first = np.empty(len(distinct), dtype=np.int64)
        first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
        # A reader of the distinct places: its "lines" are their numbers, mapped back to file lines below.
        places = pd.RangeIndex(len(first))
        sub = _Reader.__new__(_Reader)
        sub._start(pd.DataFrame(index=places), self.name, self.written,
                   {c: self.values[c].iloc[first].set_axis(places) for c in columns})
        placed = commune.iloc[first].set_axis(places).to_frame("commune")
        sub._locate_distinct(placed)
        points = gpd.points_from_xy(placed["longitude"].to_numpy(dtype=float, na_value=np.nan),
                                    placed["latitude"].to_numpy(dtype=float, na_value=np.nan), crs=geo.CRS)
        if sub.problems:
            rows = pd.DataFrame({"_cle": codes, "ligne": self.lines.to_numpy()})
            problems = pd.concat(sub.problems, ignore_index=True).rename(columns={"ligne": "_cle"})
            self.problems.append(rows.merge(problems, on="_cle").drop(columns="_cle")[PROBLEM_COLUMNS])
        return placed.take(codes).set_axis(self.raw.index), points.take(codes)

    def _locate_distinct(self, out: pd.DataFrame) -> None:
        cc, unknown = self._commune_codes()
        cp, unknown_cp, cp_as_commune, cp_prefix = self._postal_codes()
        cc = cc.fillna(cp_as_commune)
        cp_commune = self._postal_communes(cp)
        postal_dep = cp.map(geo.postal_code_lookup().departement).fillna(cp_prefix)
        # A name and its département (from the postal code, else the département column) designate a commune too.
        named = self._named_communes(cc.isna() & cp_commune.isna(),
                                     postal_dep.fillna(_departement_codes(self.text("code_departement"))))
        cp_commune = cp_commune.fillna(named)
        dep_from_cc = _communes_of(cc, ["code_departement"])["code_departement"]
        dep_from_cp = _communes_of(cp_commune, ["code_departement"])["code_departement"].fillna(postal_dep)
        lat, lon, dep_from_xy, outside = self._coordinates()
        dep, unknown_dep = self._departement_column(dep_from_cc.fillna(dep_from_cp).fillna(dep_from_xy))
        chosen = self._most_precise(dep_from_cc, dep_from_cp, dep_from_xy, dep)
        self._weaker_clues(chosen, (dep_from_cc, dep_from_cp, dep_from_xy, dep), unknown, unknown_cp, cp_prefix,
                           outside, unknown_dep)

        ambiguous_cp = cp.notna() & dep_from_cp.isna()
        unplaced = chosen.isna() & ~unknown & ~unknown_cp & ~outside & ~unknown_dep
        self.flag(unplaced & ambiguous_cp, ERREUR, "code_postal",
                  "Ce code postal dessert des communes de plusieurs départements : ajoutez le nom de la commune ou le "
                  "code commune.")
        self.flag(unplaced & ~ambiguous_cp, ERREUR, "code_departement",
                  "Impossible de situer la formation : indiquez le code commune, le code postal, les coordonnées ou le "
                  "département.",
                  value=pd.Series("", index=out.index, dtype="str"))

        commune = cc.fillna(cp_commune)
        reference = _communes_of(commune, ["nom_commune", "lat", "lon"])
        placed_point = dep_from_xy.notna() & (dep_from_xy == chosen)
        out["code_commune"] = commune
        out["code_postal"] = cp
        out["code_departement"] = chosen
        out["code_region"] = chosen.map(geo.departement_regions())
        out["commune"] = out["commune"].fillna(reference["nom_commune"])
        out["localisation"] = np.select([placed_point, commune.notna(), chosen.notna()],
                                        ["coordonnees", "commune", "departement"], default=None)
        out["latitude"] = lat.where(placed_point, reference["lat"]).astype("Float64")
        out["longitude"] = lon.where(placed_point, reference["lon"]).astype("Float64")

    def _weaker_clues(self, chosen: pd.Series, found: tuple[pd.Series, ...], unknown_cc: pd.Series, unknown_cp: pd.Series,
                      cp_prefix: pd.Series, outside: pd.Series, unknown_dep: pd.Series) -> None:
        """A clue that cannot be read rejects its row only when no other clue places it in one of the 101 départements;
        otherwise the row is kept with a warning naming the clue that placed it."""
        columns = ("code_commune", "code_postal", "latitude", "code_departement")
        by = np.select([f.notna() for f in found], ["coordonnées" if c == "latitude" else self.written.get(c, c)
                                                    for c in columns], default="")
        by = pd.Series(by, index=chosen.index, dtype="str")
        kept = chosen.notna()
        cc_text, dep_text = self.text("code_commune").str.upper(), self.text("code_departement")
        self.flag(unknown_cc & kept, AVERTISSEMENT, "code_commune",
                  "Code commune inconnu : la ligne est gardée, située par « {} ».", by)
        overseas = cc_text.str.match(_OVERSEAS_CODE, na=False)
        self.flag(unknown_cc & ~kept & overseas, ERREUR, "code_commune", _OVERSEAS_MESSAGE,
                  cc_text.str.slice(0, 3).map(_OVERSEAS).fillna("Ce territoire"))
        self.flag(unknown_cc & ~kept & ~overseas, ERREUR, "code_commune",
                  "Code commune inconnu : indiquez le code INSEE à 5 caractères (pas le code postal), par exemple 93066.")
        by_prefix = unknown_cp & cp_prefix.notna() & (by == self.written.get("code_postal", "code_postal"))
        self.flag(by_prefix, AVERTISSEMENT, "code_postal", "Code postal inconnu (un code CEDEX ?) : la formation est "
                  "située dans le département {}, celui de ses premiers chiffres.", chosen)
        self.flag(unknown_cp & kept & ~by_prefix, AVERTISSEMENT, "code_postal",
                  "Code postal inconnu (un code CEDEX ?) : la ligne est gardée, située par « {} ».", by)
        self.flag(unknown_cp & ~kept, ERREUR, "code_postal",
                  "Code postal inconnu : indiquez un code postal français à 5 chiffres.")
        self.flag(outside & kept, AVERTISSEMENT, "latitude", "Coordonnées hors de France, ignorées : la formation est "
                  "située par « {} ».", by, value=self.coordinates_text())
        self.flag(outside & ~kept, ERREUR, "latitude", "Coordonnées hors de France (départements et DROM) : vérifiez "
                  "la latitude et la longitude (degrés décimaux WGS84).", value=self.coordinates_text())
        overseas_dep = dep_text.str.match(r"^9(7[5-8]|8\d)\b", na=False)
        unknown_dep = unknown_dep & ~dep_text.str.fullmatch(r"20(\s*-.*)?", na=False)  # the old Corsica: said above
        self.flag(unknown_dep & kept, AVERTISSEMENT, "code_departement",
                  "Département inconnu : la ligne est gardée, située par « {} ».", by)
        self.flag(unknown_dep & ~kept & overseas_dep, ERREUR, "code_departement", _OVERSEAS_MESSAGE,
                  dep_text.str.slice(0, 3).map(_OVERSEAS).fillna("Ce territoire"))
        self.flag(unknown_dep & ~kept & ~overseas_dep, ERREUR, "code_departement",
                  "Département inconnu : indiquez son code (01 à 95, 2A, 2B, 971 à 974, 976) ou son nom.")

    def _named_communes(self, wanted: pd.Series, departement: pd.Series) -> pd.Series:
        """The commune a name designates in its département, current or merged since (with a warning), where *wanted*."""
        names = self.text("commune")
        want = wanted & names.ne("") & departement.notna()
        found = pd.Series(None, index=wanted.index, dtype="str")
        if not want.any():
            return found
        keys = departement[want] + "|" + fold_series(names[want])
        lookups = geo.commune_names()
        current = lookups.current.reindex(keys).to_numpy()
        former = lookups.former.reindex(keys)
        merged = pd.isna(current) & former["code_commune"].notna().to_numpy()
        found[want] = np.where(pd.isna(current), former["code_commune"].to_numpy(), current)
        if merged.any():
            hit = pd.Series(False, index=wanted.index)
            hit[want] = merged
            target = found.where(hit)
            self.flag(hit, AVERTISSEMENT, "commune", "« {} » ({}) : {} {} {}.",
                      (names, departement, pd.Series(former["nature"].to_numpy(), index=keys.index).reindex(found.index)
                       .map(_FORMER_WORDS), target, _communes_of(target, ["nom_commune"])["nom_commune"]))
        return found

    # Each repair below runs only when some value is not already a known code.

    def _commune_codes(self) -> tuple[pd.Series, pd.Series]:
        """Known commune codes (NA otherwise), repairing lost leading zeros and the old "20" Corsican prefix; and the
        unknown ones."""
        codes = geo.communes_by_code().index
        cc, unknown = self._codes("code_commune", geo.known_commune_codes(), r"\d{1,4}", "code commune")
        if unknown.any():
            corsica = cc.where(unknown & cc.str.fullmatch(r"20\d{3}", na=False))
            as_2a, as_2b = "2A" + corsica.str.slice(2), "2B" + corsica.str.slice(2)
            in_2a, in_2b = _known(as_2a, codes), _known(as_2b, codes)
            fix_corsica = corsica.notna() & (in_2a ^ in_2b)
            corsica_code = as_2a.where(in_2a, as_2b)
            self.flag(fix_corsica, AVERTISSEMENT, "code_commune", "Ancien code corse 20 corrigé : code commune lu comme {}.",
                      corsica_code)
            cc, unknown = cc.where(~fix_corsica, corsica_code), unknown & ~fix_corsica
        # A code of 2016 (merged since), a municipal arrondissement: placed in today's commune.
        hit = cc.notna() & ~unknown & ~_known(cc, codes)
        if hit.any():
            found = geo.former_communes().reindex(cc.where(hit))
            found.index = cc.index
            words = found["nature"].map(_FORMER_WORDS)
            named = found["nom_ancien"].ne("")
            self.flag(hit & named, AVERTISSEMENT, "code_commune", "{} ({}) : {} {} {}.",
                      (cc, found["nom_ancien"], words, found["code_commune"], found["nom_commune"]))
            self.flag(hit & ~named, AVERTISSEMENT, "code_commune", "{} : {} {} {}.",
                      (cc, words, found["code_commune"], found["nom_commune"]))
            cc = cc.where(~hit, found["code_commune"])
        return cc.where(~unknown), unknown

    def _postal_codes(self) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
        """Known postal codes (NA otherwise), repairing a lost leading zero; the unknown ones (flagged once the row is
        placed or not); a commune code written in the postal code column; and the département an unknown code's first
        digits name (a CEDEX code), when they name one."""
        cp, unknown = self._codes("code_postal", geo.postal_code_lookup().codes, r"\d{4}", "code postal")
        none = pd.Series(None, index=cp.index, dtype="str")
        if not unknown.any():
            return cp.where(~unknown), unknown, none, none
        # A commune code in the postal code column is taken as one only when the row's commune name confirms it:
        # a CEDEX code may well equal some commune's code (27004 is Évreux's CEDEX and Les Andelys' code).
        named = _communes_of(cp.where(unknown), ["nom_commune"])["nom_commune"]
        as_commune = unknown & named.notna() & fold_series(named.fillna("")).eq(fold_series(self.text("commune")))
        self.flag(as_commune, AVERTISSEMENT, "code_postal", "« {} » est le code commune de {}, pas un code postal : il "
                  "est lu comme code commune.", (cp, named))
        unknown &= ~as_commune
        digits = cp.where(unknown & cp.str.fullmatch(r"\d{5}", na=False) & ~cp.str.match(_OVERSEAS_POSTAL, na=False))
        prefix = digits.str.slice(0, 2).where(~digits.str.startswith("97", na=False), digits.str.slice(0, 3))
        prefix = prefix.where(_known(prefix, pd.Index(list(geo.departement_regions()))))
        return cp.where(~unknown & ~as_commune), unknown, cp.where(as_commune), prefix

    def _codes(self, column: str, reference: pd.Index, short: str, label: str) -> tuple[pd.Series, pd.Series]:
        """The column's codes (NA when blank) and which of them *reference* does not know, once a leading zero
        a spreadsheet dropped (*short*: the pattern of such a code) is restored where that makes a known code."""
        text = self.text(column).str.upper()
        values = text.where(text.ne(""))
        unknown = values.notna() & ~_known(values, reference)
        if unknown.any():
            padded = values.where(unknown & values.str.fullmatch(short, na=False)).str.zfill(5)
            fixed = padded.notna() & _known(padded, reference)
            self.flag(fixed, AVERTISSEMENT, column, f"Zéro initial rétabli (perdu par le tableur) : {label} lu comme {{}}.",
                      padded)
            values, unknown = values.where(~fixed, padded), unknown & ~fixed
        return values, unknown

    def _postal_communes(self, cp: pd.Series) -> pd.Series:
        """The commune of each postal code: its only one, else the one the commune's name designates."""
        postal = geo.postal_code_lookup()
        found = cp.map(postal.single)
        named = cp.notna() & found.isna() & self.text("commune").ne("")
        if named.any():
            # A postal code has five digits, so it and the name make an unambiguous key.
            codes, names = cp[named], self.text("commune")[named]
            by_name = postal.by_exact_name.reindex(codes + names).to_numpy()
            missing = pd.isna(by_name)
            if missing.any():
                by_name[missing] = postal.by_name.reindex(codes[missing] + fold_series(names[missing])).to_numpy()
            found[named] = by_name
        return found

    def _coordinates(self) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
        """Latitude, longitude (swapped back when they were inverted), the département containing the point, and the
        points outside France."""
        lat_text, lon_text = self.text("latitude"), self.text("longitude")
        lat, lon = _parse_numbers(lat_text), _parse_numbers(lon_text)
        for column, text, parsed in (("latitude", lat_text, lat), ("longitude", lon_text, lon)):
            self.flag(text.ne("") & parsed.isna(), ERREUR, column,
                      "« {} » n'est pas une coordonnée : écrivez des degrés décimaux, par exemple 48,8566.", text)
        half = lat.notna() ^ lon.notna()
        self.flag(half & (lat_text.ne("") | lon_text.ne("")) & (lat_text.eq("") | lon_text.eq("")), ERREUR,
                  "latitude" if "latitude" in self.written else "longitude",
                  "Coordonnées incomplètes : donnez la latitude et la longitude, ou aucune des deux.")
        has_point = lat.notna() & lon.notna()
        dep_from_xy = _departement_of_points(lon.where(has_point), lat.where(has_point))
        outside = has_point & dep_from_xy.isna()
        if outside.any():  # swapped, if that puts the point in France
            dep_swapped = _departement_of_points(lat.where(outside), lon.where(outside))
            fix_swap = outside & dep_swapped.notna()
            self.flag(fix_swap, AVERTISSEMENT, "latitude", "Latitude et longitude inversées : elles ont été échangées.",
                      value=self.coordinates_text())
            lat, lon = lat.where(~fix_swap, lon), lon.where(~fix_swap, lat)
            dep_from_xy = dep_from_xy.fillna(dep_swapped)
            outside = has_point & dep_from_xy.isna()
        return lat, lon, dep_from_xy, outside

    def coordinates_text(self) -> pd.Series:
        """``latitude / longitude`` as written, the value shown for a problem with the point."""
        return self.text("latitude") + " / " + self.text("longitude")

    def _departement_column(self, finer: pd.Series) -> tuple[pd.Series, pd.Series]:
        """The département column read as a code, a name or ``93 - Seine-Saint-Denis`` (lost zero and Corsica's "20"
        repaired, the latter from *finer*, the département found by the commune, postal code or point); and the unknown ones."""
        dep_text = self.text("code_departement")
        dep = _departement_codes(dep_text)
        texts = self.distinct("code_departement")[1]
        fix_zero = self.spread("code_departement", texts.str.fullmatch(r"\d", na=False)) & dep.notna()
        self.flag(fix_zero, AVERTISSEMENT, "code_departement",
                  "Zéro initial rétabli (perdu par le tableur) : département lu comme {}.", dep)
        is_20 = self.spread("code_departement", texts.str.fullmatch(r"20(\s*-.*)?", na=False))
        if is_20.any():
            corsican = finer.where(finer.eq("2A") | finer.eq("2B"))
            self.flag(is_20 & corsican.notna(), AVERTISSEMENT, "code_departement",
                      "Le département 20 n'existe plus : la commune indique {}, retenu.", corsican)
            self.flag(is_20 & corsican.isna(), ERREUR, "code_departement",
                      "Le département 20 n'existe plus : indiquez 2A (Corse-du-Sud) ou 2B (Haute-Corse), ou la commune.")
            dep = dep.where(~is_20, corsican)
        unknown = dep_text.ne("") & dep.isna()
        return dep, unknown

    def _most_precise(self, *found: pd.Series) -> pd.Series:
        """The département from the most precise source (commune, postal code, point, département column);
        each other source that disagrees gets a warning naming both."""
        columns = ("code_commune", "code_postal", "latitude", "code_departement")
        chosen = functools.reduce(pd.Series.fillna, found)
        differs = [each.notna() & each.ne(chosen) for each in found]
        if not any(mask.any() for mask in differs):
            return chosen
        none = pd.Series(None, index=chosen.index, dtype="str")
        chosen_from, chosen_value, taken = none, none, none
        for column, each in zip(columns, found, strict=False):
            take = taken.isna() & each.notna()
            chosen_from = chosen_from.where(~take, self.written.get(column, column))
            chosen_value = chosen_value.where(~take, self.coordinates_text() if column == "latitude" else self.text(column))
            taken = taken.fillna(each)
        for column, each, mask in zip(columns, found, differs, strict=False):
            message = (f"Désaccord sur le département : « {self.written.get(column, column)} » indique {{}}, "
                       "mais « {} » ({}), plus précis, indique {} : {} est retenu.")
            self.flag(mask, AVERTISSEMENT, column, message, (each, chosen_from, chosen_value, chosen, chosen),
                      value=self.coordinates_text() if column == "latitude" else None)
        return chosen

    def _fabrique_keys(self, out: dict[str, pd.Series]) -> pd.Series:
        """``id:<id_fabrique>``, else ``nom:<folded name>@<commune or département>``."""
        keys = "id:" + out["id_fabrique"]
        unnamed = keys.isna()
        if unnamed.any():
            place = out["code_commune"][unnamed].fillna(out["code_departement"][unnamed]).fillna("")
            keys[unnamed] = "nom:" + fold_series(out["nom_fabrique"][unnamed].fillna("")) + "@" + place
        return keys

    def _snapshot_date(self, out: dict[str, pd.Series]) -> date | None:
        dates = out["date_extraction"].dropna()
        if len(dates):
            common = dates.mode().iloc[0]
            if dates.nunique() > 1:
                self._file_warning(self.written["date_extraction"],
                                   f"Plusieurs dates d'extraction : la plus fréquente, {common:%d/%m/%Y}, est retenue.")
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


def _communes_of(codes: pd.Series, columns: list[str]) -> pd.DataFrame:
    """The reference *columns* of each commune code (NA for a missing one), aligned with *codes*."""
    communes = geo.communes_by_code()
    found = communes.index.get_indexer(codes)
    return pd.DataFrame({c: communes[c].array.take(found, allow_fill=True) for c in columns}, index=codes.index)


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


def _factorize(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    codes, texts = pd.factorize(values)
    return codes, pd.Series(texts, dtype="str")


def _parse_numbers(text: pd.Series) -> pd.Series:
    """French number text to floats (NaN when empty or unreadable): ``12 500,50`` -> 12500.5."""
    cells = pa.array(text)
    try:  # plain numbers, the usual case: Arrow reads them as pandas would, many times faster
        plain = pc.cast(pc.if_else(pc.equal(cells, ""), pa.scalar(None, cells.type), cells), pa.float64())
        return pd.Series(plain.to_numpy(zero_copy_only=False), index=text.index)
    except pa.ArrowInvalid:
        pass
    values = text.where(text.ne(""))
    parsed = pd.to_numeric(values, errors="coerce").astype("float64")
    messy = values.notna() & parsed.isna()
    if messy.any():
        parsed[messy] = pd.to_numeric(_number_text(text[messy]), errors="coerce")
    return parsed


def _parse_dates(text: pd.Series) -> pd.Series:
    """``2016-12-15`` (a time after it is ignored) or ``15/12/2016`` (also with dots or dashes) to dates; NaT otherwise."""
    day = pc.utf8_slice_codeunits(pa.array(text), 0, 10)
    parsed = pc.strptime(day, format="%Y-%m-%d", unit="us", error_is_null=True)
    # Arrow's parser is lenient (2017-02-30 becomes 2 March): it is trusted only when every
    # date written reads back exactly as written, the usual case, and pandas decides otherwise.
    exact = pc.fill_null(pc.equal(pc.strftime(parsed, "%Y-%m-%d"), day), False)
    if pc.all(pc.or_(pc.equal(day, ""), exact)).as_py():
        return pd.Series(parsed.to_pandas(), index=text.index).astype("datetime64[us]")
    iso = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    french = pd.to_datetime(text.str.replace(r"[.\-]", "/", regex=True), format="%d/%m/%Y", errors="coerce")
    return iso.fillna(french).astype("datetime64[us]")


def _number_text(text: pd.Series) -> pd.Series:
    """French number text to what ``pd.to_numeric`` reads: ``12 500,50`` -> ``12500.50``."""
    compact = text.str.replace(_SPACES, "", regex=True).str.replace("€", "", regex=False)
    both = compact.str.contains(",", regex=False) & compact.str.contains(".", regex=False)
    # "1.234,5" (dots for thousands) when both appear with the comma last; else "1,234.5".
    comma_last = compact.str.rfind(",") > compact.str.rfind(".")
    compact = compact.where(~(both & comma_last), compact.str.replace(".", "", regex=False))
    compact = compact.where(~(both & ~comma_last), compact.str.replace(",", "", regex=False))
    return compact.str.replace(",", ".", regex=False).replace("", None)


def _known(values: pd.Series, reference: pd.Index) -> pd.Series:
    """``values.isin(reference)`` through the reference's own hash table (built once, as it is cached)."""
    return pd.Series(reference.get_indexer(values) >= 0, index=values.index)


def _departement_codes(text: pd.Series) -> pd.Series:
    """Département code from a code, a name or ``93 - Seine-Saint-Denis``; None when unknown."""
    codes = geo.departement_regions()
    names = geo.departement_names()
    uniques = pd.unique(text)
    found = {}
    for value in uniques:
        token = value.split(" - ")[0].strip().upper() if value else ""
        if token.isdigit() and len(token) == 1:
            token = token.zfill(2)
        if token in codes:
            found[value] = token
        else:
            key = fold(value)
            found[value] = names.get(key) or names.get(fold(value.split(" - ", 1)[-1]))
    return text.map(found)


def _departement_of_points(lon: pd.Series, lat: pd.Series) -> pd.Series:
    """Département containing each point (None for a missing point or one outside France)."""
    x = lon.to_numpy(dtype=float, na_value=np.nan)
    y = lat.to_numpy(dtype=float, na_value=np.nan)
    result = np.full(len(x), None, dtype=object)
    valid = np.flatnonzero((np.abs(x) <= 180) & (np.abs(y) <= 90))  # NaN compares False
    if len(valid):
        points = shapely.points(x[valid], y[valid])
        shapes = geo.load_placement_departements()
        polygons, codes = shapes.geometry.to_numpy(), shapes["code_departement"].to_numpy()
        # The polygons query a tree of the points: each polygon is prepared once, far faster
        # than testing every point alone.
        polygon, point = shapely.STRtree(points).query(polygons, predicate="contains")
        order = np.lexsort((polygon, point))  # a point on two polygons (there should be none) takes the first
        point, polygon = point[order], polygon[order]
        first = np.diff(point, prepend=-1) != 0
        result[valid[point[first]]] = codes[polygon[first]]
        rest = valid[np.setdiff1d(np.arange(len(valid)), point)]
        if len(rest):
            near = gpd.sjoin_nearest(gpd.GeoDataFrame(geometry=shapely.points(x[rest], y[rest]), index=rest,
                                                      crs=geo.CRS).to_crs(3857),
                                     shapes.to_crs(3857), how="inner", max_distance=_COAST_TOLERANCE_M)
            near = near[~near.index.duplicated()]
            result[near.index.to_numpy()] = near["code_departement"].to_numpy()
    return pd.Series(result, index=lon.index, dtype="str")
