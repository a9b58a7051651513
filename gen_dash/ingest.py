"""Read a snapshot file as staff send it: decode, parse, repair, validate and place every row.

The public verb is :func:`read_snapshot`. Every check is vectorised over the
whole table; a problem is recorded with the file's line number, the column as
written in the file, the value and a French message saying what to fix.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from gen_dash import config, geo
from gen_dash.schema import BY_NAME, COLUMNS, COUNT_COLUMNS, REQUIRED, canonical_name
from gen_dash.text import fold, fold_series

ERREUR = "erreur"
AVERTISSEMENT = "avertissement"
PROBLEM_COLUMNS = ["gravite", "ligne", "colonne", "valeur", "message"]
_LOCATION_COLUMNS = ("code_commune", "code_postal", "commune", "code_departement", "latitude", "longitude")

_SEPARATORS = (";", ",", "\t", "|")
_SEPARATOR_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}
_DATE_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
# Tolerance (metres, measured in Web Mercator, so at most this on the ground) for
# a point just off the simplified coast: it is placed in the nearest département.
_COAST_TOLERANCE_M = 3000


class SnapshotError(ValueError):
    """The file cannot be read at all; the message (in French) says why and what to do."""


@dataclass
class Report:
    """What reading a snapshot found: row counts and every problem."""

    lignes: int
    problemes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))

    @property
    def lignes_rejetees(self) -> int:
        """Rows rejected: rows with at least one error."""
        return int(self.problemes.loc[self.problemes["gravite"] == ERREUR, "ligne"].nunique())

    @property
    def lignes_acceptees(self) -> int:
        """Rows accepted, repaired or not."""
        return self.lignes - self.lignes_rejetees

    @property
    def lignes_reparees(self) -> int:
        """Accepted rows that carry at least one warning."""
        errors = set(self.problemes.loc[self.problemes["gravite"] == ERREUR, "ligne"])
        warned = set(self.problemes.loc[self.problemes["gravite"] == AVERTISSEMENT, "ligne"]) - errors - {1}
        return len(warned)

    def to_dict(self) -> dict:
        """The report as the command line's ``validate --json`` prints it."""
        problems = self.problemes.astype(object).where(self.problemes.notna(), None)
        return {
            "lignes": self.lignes,
            "lignes_acceptees": self.lignes_acceptees,
            "lignes_rejetees": self.lignes_rejetees,
            "problemes": [
                {k: (int(v) if k == "ligne" else v) for k, v in row.items()}
                for row in problems.to_dict(orient="records")
            ],
        }


@dataclass
class Snapshot:
    """A snapshot as read: accepted rows, the report, the snapshot date and the file's name."""

    rows: gpd.GeoDataFrame
    report: Report
    date: date | None
    name: str | None = None
    columns_in_file: dict[str, str] = field(default_factory=dict)  # canonical -> header as written


def read_snapshot(
    source: str | Path | bytes | BinaryIO,
    name: str | None = None,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> Snapshot:
    """Read a snapshot (CSV in any French spreadsheet shape, or ``.xlsx``).

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary file object (e.g. a Streamlit upload).
    name
        The file's name, used in messages and for a ``YYYY-MM-DD`` snapshot date.
    max_bytes, max_rows
        Limits; default from :mod:`gen_dash.config`.

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
        return _read(data, name, max_bytes, max_rows)
    except SnapshotError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the file holds, its reader gets a message, never a traceback
        raise SnapshotError(f"Le fichier n'a pas pu être lu ({type(exc).__name__} : {exc}). "
                            "Vérifiez qu'il s'agit bien d'un tableau CSV ou .xlsx.") from exc


def _read(data: bytes, name: str | None, max_bytes: int | None, max_rows: int | None) -> Snapshot:
    max_bytes = config.max_upload_bytes() if max_bytes is None else max_bytes
    max_rows = config.max_rows() if max_rows is None else max_rows
    if len(data) > max_bytes:
        raise SnapshotError(
            f"Le fichier pèse {len(data) / 1e6:.1f} Mo, au-delà de la limite de {max_bytes / 1e6:.0f} Mo. "
            "Découpez-le ou demandez à l'administrateur de relever la limite."
        )
    if not data.strip():
        raise SnapshotError("Le fichier est vide : il ne contient aucune ligne.")
    table = _read_table(data)
    raw, headers = _split_header(table)
    if raw.empty:
        raise SnapshotError("Le fichier ne contient que la ligne d'en-tête : aucune formation à lire.")
    if len(raw) > max_rows:
        raise SnapshotError(
            f"Le fichier compte {len(raw):,} lignes, au-delà de la limite de {max_rows:,} lignes.".replace(",", "\u202f")
        )
    return _Reader(raw, headers, name).run()


# --------------------------------------------------------------------------- file to table


def _read_bytes(source, name: str | None) -> tuple[bytes, str | None]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            return path.read_bytes(), name or path.name
        except FileNotFoundError:
            raise SnapshotError(f"Fichier introuvable : {path}") from None
        except IsADirectoryError:
            raise SnapshotError(f"{path} est un dossier, pas un fichier.") from None
        except OSError as exc:
            raise SnapshotError(f"Impossible de lire {path} : {exc.strerror}.") from None
    data = source.read()
    return data, name or getattr(source, "name", None)


def _read_table(data: bytes) -> pd.DataFrame:
    """All cells as text, indexed by physical line number (the first line is 1)."""
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SnapshotError(
            "Ce fichier est un classeur Excel ancien (.xls) ou un document Office : "
            "enregistrez-le au format .xlsx ou CSV puis déposez-le à nouveau."
        )
    raw = _utf8_bytes(data)
    start = len(raw) - len(raw.lstrip(b"\r\n"))
    end = raw.find(b"\n", start)
    first = raw[start: end if end >= 0 else len(raw)].decode("utf-8", errors="replace")
    counts = {sep: first.count(sep) for sep in _SEPARATORS}
    separator = max(counts, key=counts.get)
    if counts[separator] == 0:
        raise SnapshotError(
            "Ce fichier n'est pas un tableau : sa première ligne ne contient aucun séparateur "
            "(point-virgule, virgule ou tabulation). Exportez le tableur au format CSV."
        )
    table = _read_regular_csv(raw, separator)
    if table is None:
        table = _read_ragged_csv(raw.decode("utf-8"), separator)
    return table


def _utf8_bytes(data: bytes) -> bytes:
    """The file as UTF-8 bytes without BOM: as it is when it is UTF-8 (no copy), else decoded and re-encoded."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise SnapshotError("Le fichier annonce un encodage UTF-16 mais ne peut pas être décodé.") from None
    head = data[:65536]
    if b"\x00" in head:
        raise SnapshotError(
            "Ce fichier n'est pas un fichier texte (CSV) ni un classeur .xlsx : il contient des données binaires. "
            "Vérifiez que vous avez déposé le bon fichier."
        )
    if sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 13)) > 0.01 * len(head):
        raise SnapshotError("Ce fichier n'est pas un fichier texte lisible (caractères de contrôle) : déposez un CSV ou un .xlsx.")
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if body.isascii():
        return body
    try:
        body.decode("utf-8")  # validation only: C speed, and UTF-8 files then reach Arrow untouched
        return body
    except UnicodeDecodeError:
        # Not UTF-8: a French spreadsheet's "CSV" is Windows-1252 (a superset of Latin-1's letters).
        try:
            return body.decode("cp1252").encode("utf-8")
        except UnicodeDecodeError:
            return body.decode("latin-1").encode("utf-8")


def _read_regular_csv(raw: bytes, separator: str) -> pd.DataFrame | None:
    """Fast path (Arrow's CSV reader) for a table whose lines all have the same width; None otherwise."""
    prefix = raw[:4096]
    lead = len(prefix) - len(prefix.lstrip(b"\r\n"))
    body = raw[lead:].rstrip(b"\r\n") if raw[-1:] in (b"\r", b"\n") else raw[lead:]
    if b"\n\n" in body or b"\n\r\n" in body:
        return None  # blank lines inside: the slow path keeps their line numbers (lines of spaces make Arrow refuse)
    newline = body.find(b"\n")
    width = body[: newline if newline >= 0 else len(body)].count(separator.encode()) + 1
    names = [str(i) for i in range(width)]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=True),
            parse_options=pa_csv.ParseOptions(delimiter=separator, newlines_in_values=False),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid:
        return None
    if table.num_rows != body.count(b"\n") + 1:
        return None  # a line break inside a quoted cell: line numbers would drift
    offset = raw[:lead].count(b"\n")
    df = pd.DataFrame({i: column.to_pandas() for i, column in enumerate(table.columns)})
    df.index = pd.RangeIndex(offset + 1, offset + 1 + len(df))
    return df


def _read_ragged_csv(text: str, separator: str) -> pd.DataFrame:
    """Any table: lines of uneven width, blank lines, line breaks inside quoted cells.

    Indexed by the physical line each record starts on, so messages point to the right line.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')
    records, starts, read = [], [], 0
    try:
        for record in reader:
            starts.append(read + 1)
            records.append(record)
            read = reader.line_num
    except csv.Error as exc:
        raise SnapshotError(
            f"Le tableau est mal formé vers la ligne {reader.line_num} (séparateur détecté : "
            f"{_SEPARATOR_NAMES[separator]}) : vérifiez les guillemets. Détail : {exc}"
        ) from None
    width = max((len(r) for r in records), default=0)
    table = pd.DataFrame([r + [""] * (width - len(r)) for r in records], index=starts, dtype="str")
    return table.set_axis(range(width), axis=1)


def _read_xlsx(data: bytes) -> pd.DataFrame:
    try:
        table = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a broken archive
        raise SnapshotError(f"Ce classeur .xlsx ne peut pas être lu ({type(exc).__name__}) : enregistrez-le à nouveau ou exportez-le en CSV.") from None
    table = table.map(_excel_cell).astype(str)
    table.index = table.index + 1
    return table


def _excel_cell(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _split_header(table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Stripped cells below the header (the first non-empty line), empty lines and empty trailing columns dropped."""
    table = table.apply(lambda col: col.str.strip())
    filled = table.ne("")
    nonempty_rows = filled.any(axis=1)
    if not nonempty_rows.any():
        raise SnapshotError("Le fichier est vide : il ne contient aucune ligne.")
    header_pos = int(np.argmax(nonempty_rows.to_numpy()))
    headers = [str(h) for h in table.iloc[header_pos]]
    below = slice(header_pos + 1, None)
    body = table.iloc[below][nonempty_rows.iloc[below].to_numpy()]
    # Trailing separators make columns with neither a header nor a value.
    keep_cols = [i for i, h in enumerate(headers) if h or filled.iloc[below, i].any()]
    body = body.iloc[:, keep_cols]
    headers = [headers[i] or f"colonne {i + 1}" for i in keep_cols]
    body.columns = range(len(headers))
    return body, headers


# --------------------------------------------------------------------------- rows


class _Reader:
    """One reading: the raw table, what the columns are, and the problems found so far."""

    def __init__(self, raw: pd.DataFrame, headers: list[str], name: str | None):
        self.raw = raw
        self.name = name
        self.lines = pd.Series(raw.index.to_numpy(), index=raw.index)
        self.written: dict[str, str] = {}
        self.problems: list[pd.DataFrame] = []
        self.values: dict[str, pd.Series] = {}
        extras: dict[str, int] = {}
        for pos, header in enumerate(headers):
            canonical = canonical_name(header)
            if canonical and canonical not in self.written:
                self.written[canonical] = header
                self.values[canonical] = raw[pos]
            else:
                if canonical:
                    self._file_warning(header, f"La colonne « {header} » reprend « {self.written[canonical]} » "
                                       f"({canonical}) : seule la première est lue, l'autre est conservée telle quelle.")
                extras[_unique(header, extras, self.written)] = pos
        self.extras = {h: raw[pos] for h, pos in extras.items()}
        missing = [c for c in REQUIRED if c not in self.written]
        if missing:
            wanted = ", ".join(f"{c} (« {BY_NAME[c].title} »)" for c in missing)
            found = ", ".join(f"« {h} »" for h in headers)
            raise SnapshotError(
                f"Colonne(s) obligatoire(s) absente(s) : {wanted}. Colonnes trouvées dans le fichier : {found}. "
                "Ajoutez-les ou renommez les en-têtes (voir le modèle de fichier)."
            )

    # -- recording problems

    def _file_warning(self, column: str, message: str) -> None:
        self.problems.append(pd.DataFrame([{"gravite": AVERTISSEMENT, "ligne": 1, "colonne": column, "valeur": "", "message": message}]))

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
        for series, part in zip(fill if isinstance(fill, tuple) else (fill,), parts[1:]):
            text = text + series[mask].astype("str").fillna("") + part
        shown = self.values.get(column) if value is None else value
        self.problems.append(pd.DataFrame({
            "gravite": severity,
            "ligne": self.lines[mask],
            "colonne": self.written.get(column, column),
            "valeur": shown[mask] if shown is not None else "",
            "message": text,
        }))

    def text(self, column: str) -> pd.Series:
        """The column's stripped text, empty strings for a column the file does not have."""
        if column in self.values:
            return self.values[column]
        return pd.Series("", index=self.raw.index, dtype="str")

    # -- the reading

    def run(self) -> Snapshot:
        out = pd.DataFrame(index=self.raw.index)
        for column in REQUIRED:
            self.flag(self.text(column).eq(""), ERREUR, column,
                      f"Valeur obligatoire manquante : renseignez « {self.written[column]} ».")
        for c in COLUMNS:
            if c.type == "string":
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
        self._locate(out)
        out["code_region"] = out["code_departement"].map(geo.load_departements().set_index("code_departement")["code_region"])
        for header, values in self.extras.items():
            out[header] = values.replace("", None)
        out["ligne"] = self.lines
        out["cle_fabrique"] = self._fabrique_keys(out)
        derived = ["ligne", "code_region", "cle_fabrique", "localisation"]
        out = out[[c.name for c in COLUMNS] + list(self.extras) + derived]

        problems = (pd.concat(self.problems, ignore_index=True) if self.problems
                    else pd.DataFrame(columns=PROBLEM_COLUMNS))
        problems["ligne"] = problems["ligne"].astype("int64")
        problems = problems.assign(_o=problems["gravite"].ne(ERREUR)).sort_values(["ligne", "_o"], kind="stable")
        problems = problems.drop(columns="_o").reset_index(drop=True)
        rejected = problems.loc[problems["gravite"] == ERREUR, "ligne"].unique()
        accepted = out[~out["ligne"].isin(rejected)] if len(rejected) else out
        geometry = gpd.points_from_xy(accepted["longitude"].to_numpy(dtype=float, na_value=np.nan),
                                      accepted["latitude"].to_numpy(dtype=float, na_value=np.nan), crs=geo.CRS)
        rows = gpd.GeoDataFrame(accepted.reset_index(drop=True), geometry=geometry, crs=geo.CRS)
        report = Report(lignes=len(self.raw), problemes=problems)
        return Snapshot(rows=rows, report=report, date=self._snapshot_date(out), name=self.name, columns_in_file=dict(self.written))

    # -- types

    def _numbers(self, column: str) -> pd.Series:
        text = self.text(column)
        parsed = _parse_numbers(text)
        bad = text.ne("") & parsed.isna()
        self.flag(bad, ERREUR, column, "« {} » n'est pas un nombre : écrivez par exemple 12500 ou 12 500,50.", text)
        minimum = BY_NAME[column].minimum
        if minimum is not None:
            self.flag(parsed < minimum, ERREUR, column, "Valeur négative : un effectif ou un montant ne peut pas être inférieur à zéro."
                      if minimum == 0 else f"La valeur doit être au moins {minimum}.")
        return parsed.astype("Float64")

    def _integers(self, column: str) -> pd.Series:
        text = self.text(column)
        parsed = _parse_numbers(text)
        fractional = parsed.notna() & (parsed % 1 != 0)
        bad = (text.ne("") & parsed.isna()) | fractional
        self.flag(bad, ERREUR, column, "« {} » n'est pas un nombre entier : écrivez un entier, par exemple 12.", text)
        minimum = BY_NAME[column].minimum
        below = parsed < minimum
        self.flag(below & ~bad, ERREUR, column,
                  "Nombre négatif : un effectif ne peut pas être inférieur à zéro." if minimum == 0
                  else f"Le numéro doit être au moins {minimum}.")
        return parsed.where(~bad).round().astype("Int64")

    def _dates(self, column: str) -> pd.Series:
        text = self.text(column)
        parsed = _on_uniques(text, _parse_distinct_dates).astype("datetime64[us]")
        self.flag(text.ne("") & parsed.isna(), ERREUR, column,
                  "« {} » n'est pas une date : écrivez 2016-12-15 ou 15/12/2016.", text)
        return parsed

    def _duplicates(self) -> None:
        ids = self.text("id_formation")
        dup = ids.ne("") & ids.duplicated(keep=False)
        if not dup.any():
            return
        lines_by_id = self.lines[dup].groupby(ids[dup]).agg(lambda s: ", ".join(map(str, s)))
        self.flag(dup, ERREUR, "id_formation", "Identifiant de formation en double (lignes {}) : chaque formation "
                  "doit avoir un identifiant unique ; toutes ces lignes sont rejetées.", ids[dup].map(lines_by_id).reindex(ids.index))

    # -- location

    def _locate(self, out: pd.DataFrame) -> None:
        """Fill ``code_commune``, ``code_departement``, coordinates and ``localisation`` for every row.

        Placing depends only on the location columns, which repeat (every formation of
        a fabrique, often every fabrique of a commune): each distinct combination is
        placed once, then results and problems are spread back to the rows.
        """
        columns = [c for c in _LOCATION_COLUMNS if c in self.values]
        codes = np.zeros(len(out), dtype=np.int64)
        for column in columns:  # combine the columns' codes, re-numbering so the key stays small
            column_codes, distinct = pd.factorize(self.text(column))
            codes = pd.factorize(codes * (len(distinct) + 1) + column_codes + 1)[0]
        first = np.unique(codes, return_index=True)[1]
        sub = _Reader.__new__(_Reader)
        sub.written, sub.problems, sub.name = self.written, [], self.name
        sub.raw = pd.DataFrame(index=pd.RangeIndex(len(first)))
        sub.lines = pd.Series(np.arange(len(first)), index=sub.raw.index)
        sub.values = {c: self.values[c].iloc[first].set_axis(sub.raw.index) for c in columns}
        placed = out[["commune"]].iloc[first].set_axis(sub.raw.index)
        sub._locate_distinct(placed)
        for column in placed.columns:
            out[column] = placed[column].take(codes).set_axis(out.index)
        if sub.problems:
            rows = pd.DataFrame({"_cle": codes, "ligne": self.lines.to_numpy()})
            problems = pd.concat(sub.problems, ignore_index=True).rename(columns={"ligne": "_cle"})
            self.problems.append(rows.merge(problems, on="_cle").drop(columns="_cle")[PROBLEM_COLUMNS])

    def _locate_distinct(self, out: pd.DataFrame) -> None:
        communes = geo._communes().set_index("code_commune")
        codes = communes.index
        index = out.index
        none = pd.Series(None, index=index, dtype="str")

        # 1. code commune, repairing lost leading zeros and the old "20" Corsican prefix.
        cc_text = self.text("code_commune").str.upper()
        cc = cc_text.where(cc_text.ne(""))
        padded = cc.where(cc.str.fullmatch(r"\d{1,4}", na=False)).str.zfill(5)
        fix_zero = padded.notna() & _known(padded, codes)
        self.flag(fix_zero, AVERTISSEMENT, "code_commune", "Zéro initial rétabli (perdu par le tableur) : code commune lu comme {}.", padded)
        cc = cc.where(~fix_zero, padded)
        corsica = cc.where(cc.str.fullmatch(r"20\d{3}", na=False))
        as_2a, as_2b = "2A" + corsica.str.slice(2), "2B" + corsica.str.slice(2)
        in_2a, in_2b = _known(as_2a, codes), _known(as_2b, codes)
        fix_corsica = corsica.notna() & (in_2a ^ in_2b)
        corsica_code = as_2a.where(in_2a, as_2b)
        self.flag(fix_corsica, AVERTISSEMENT, "code_commune", "Ancien code corse 20 corrigé : code commune lu comme {}.", corsica_code)
        cc = cc.where(~fix_corsica, corsica_code)
        unknown = cc.notna() & ~_known(cc, codes)
        self.flag(unknown, ERREUR, "code_commune",
                  "Code commune inconnu : indiquez le code INSEE à 5 caractères (pas le code postal), par exemple 93066.")
        cc = cc.where(~unknown)
        dep_from_cc = cc.map(communes["code_departement"])

        # 2. postal code, with the commune's name to choose among the communes it serves.
        cp_text = self.text("code_postal")
        cp = cp_text.where(cp_text.ne(""))
        cp_digits = cp.where(cp.str.fullmatch(r"\d{4,5}", na=False)).str.zfill(5)
        single, cp_departement, by_name = geo.postal_code_lookup()
        postal_codes = pd.Index(geo.load_postal_codes()["code_postal"].unique())
        fix_cp = cp.str.fullmatch(r"\d{4}", na=False) & _known(cp_digits, postal_codes)
        self.flag(fix_cp, AVERTISSEMENT, "code_postal", "Zéro initial rétabli (perdu par le tableur) : code postal lu comme {}.", cp_digits)
        unknown_cp = cp.notna() & ~_known(cp_digits, postal_codes)
        self.flag(unknown_cp, ERREUR, "code_postal", "Code postal inconnu : indiquez un code postal français à 5 chiffres.")
        cp = cp_digits.where(~unknown_cp)
        cp_commune = cp.map(single)
        named = cp.notna() & cp_commune.isna() & self.text("commune").ne("")
        if named.any():
            keys = pd.MultiIndex.from_arrays([cp[named].astype(object), fold_series(self.text("commune")[named]).astype(object)])
            cp_commune[named] = by_name.reindex(keys).to_numpy()
        dep_from_cp = cp_commune.map(communes["code_departement"]).fillna(cp.map(cp_departement))

        # 3. coordinates: the département whose polygon contains the point; swapped if that puts it in France.
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
        swapped = has_point & dep_from_xy.isna()
        dep_swapped = _departement_of_points(lat.where(swapped), lon.where(swapped))
        fix_swap = swapped & dep_swapped.notna()
        pair = lat_text + " / " + lon_text
        self.flag(fix_swap, AVERTISSEMENT, "latitude", "Latitude et longitude inversées : elles ont été échangées.", value=pair)
        lat, lon = lat.where(~fix_swap, lon), lon.where(~fix_swap, lat)
        dep_from_xy = dep_from_xy.fillna(dep_swapped)
        outside = has_point & dep_from_xy.isna()
        self.flag(outside, ERREUR, "latitude",
                  "Coordonnées hors de France (départements et DROM) : vérifiez la latitude et la longitude (degrés décimaux WGS84).",
                  value=pair)

        # 4. département: code, name, "93 - Seine-Saint-Denis", lost zero, Corsica's "20".
        dep_text = self.text("code_departement")
        dep = _departement_codes(dep_text)
        fix_dep_zero = dep_text.str.fullmatch(r"\d", na=False) & dep.notna()
        self.flag(fix_dep_zero, AVERTISSEMENT, "code_departement", "Zéro initial rétabli (perdu par le tableur) : département lu comme {}.", dep)
        is_20 = dep_text.str.fullmatch(r"20(\s*-.*)?", na=False)
        finer = dep_from_cc.fillna(dep_from_cp).fillna(dep_from_xy)
        corsican = finer.where(finer.eq("2A") | finer.eq("2B"))
        self.flag(is_20 & corsican.notna(), AVERTISSEMENT, "code_departement",
                  "Le département 20 n'existe plus : la commune indique {}, retenu.", corsican)
        self.flag(is_20 & corsican.isna(), ERREUR, "code_departement",
                  "Le département 20 n'existe plus : indiquez 2A (Corse-du-Sud) ou 2B (Haute-Corse), ou la commune.")
        dep = dep.where(~is_20, corsican)
        unknown_dep = dep_text.ne("") & dep.isna() & ~is_20
        self.flag(unknown_dep, ERREUR, "code_departement",
                  "Département inconnu : indiquez son code (01 à 95, 2A, 2B, 971 à 974, 976) ou son nom.")

        # The most precise source wins; each other source that disagrees gets a warning naming both.
        sources = [("code_commune", dep_from_cc), ("code_postal", dep_from_cp), ("latitude", dep_from_xy), ("code_departement", dep)]
        chosen, chosen_from, chosen_value = none.copy(), none.copy(), none.copy()
        for column, found in sources:
            take = chosen.isna() & found.notna()
            chosen_from = chosen_from.where(~take, self.written.get(column, column))
            chosen_value = chosen_value.where(~take, pair if column == "latitude" else self.text(column))
            chosen = chosen.fillna(found)
        for column, found in sources:
            differs = found.notna() & chosen.notna() & found.ne(chosen)
            message = (f"Désaccord sur le département : « {self.written.get(column, column)} » indique {{}}, "
                       "mais « {} » ({}), plus précis, indique {} : {} est retenu.")
            self.flag(differs, AVERTISSEMENT, column, message, (found, chosen_from, chosen_value, chosen, chosen),
                      value=pair if column == "latitude" else None)
        ambiguous_cp = cp.notna() & dep_from_cp.isna()
        unplaced = chosen.isna() & ~unknown & ~unknown_cp & ~outside & ~unknown_dep & ~(is_20 & corsican.isna())
        self.flag(unplaced & ambiguous_cp, ERREUR, "code_postal",
                  "Ce code postal dessert des communes de plusieurs départements : ajoutez le nom de la commune ou le code commune.")
        self.flag(unplaced & ~ambiguous_cp, ERREUR, "code_departement",
                  "Impossible de situer la formation : indiquez le code commune, le code postal, les coordonnées ou le département.",
                  value=none.fillna(""))

        commune = cc.fillna(cp_commune)
        out["code_commune"] = commune
        out["code_postal"] = cp
        out["code_departement"] = chosen
        out["commune"] = out["commune"].fillna(commune.map(communes["nom_commune"]))
        out["localisation"] = np.select(
            [has_point & dep_from_xy.notna(), commune.notna(), chosen.notna()],
            ["coordonnees", "commune", "departement"], default=None)
        out["latitude"] = lat.where(has_point & dep_from_xy.notna(), commune.map(communes["lat"])).astype("Float64")
        out["longitude"] = lon.where(has_point & dep_from_xy.notna(), commune.map(communes["lon"])).astype("Float64")

    def _fabrique_keys(self, out: pd.DataFrame) -> pd.Series:
        """``id:<id_fabrique>``, else ``nom:<folded name>@<commune or département>``."""
        keys = "id:" + out["id_fabrique"]
        unnamed = keys.isna()
        if unnamed.any():
            place = out.loc[unnamed, "code_commune"].fillna(out.loc[unnamed, "code_departement"]).fillna("")
            keys[unnamed] = "nom:" + fold_series(out.loc[unnamed, "nom_fabrique"].fillna("")) + "@" + place
        return keys

    def _snapshot_date(self, out: pd.DataFrame) -> date | None:
        dates = out["date_extraction"].dropna()
        if len(dates):
            common = dates.mode().iloc[0]
            if dates.nunique() > 1:
                self._file_warning(self.written["date_extraction"], f"Plusieurs dates d'extraction : la plus fréquente, {common:%d/%m/%Y}, est retenue.")
            return common.date()
        match = _DATE_IN_NAME.search(self.name or "")
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                return None
        return None


def _unique(header: str, taken: dict, canonical: dict) -> str:
    name, n = header, 2
    while name in taken or name in canonical:
        name, n = f"{header} ({n})", n + 1
    return name


def _on_uniques(values: pd.Series, func) -> pd.Series:
    """Apply a vectorised *func* to the distinct values only (codes and counts repeat a lot)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    result = func(pd.Series(uniques, dtype=values.dtype)).array
    # take() keeps the result's dtype (floats, datetimes, booleans) and fills the missing with NA.
    return pd.Series(result.take(codes, allow_fill=True), index=values.index)


def _parse_numbers(text: pd.Series) -> pd.Series:
    """French number text to floats (NaN when empty or unreadable): ``12 500,50`` -> 12500.5."""
    return _on_uniques(text, _parse_distinct_numbers).astype("float64")


def _parse_distinct_numbers(text: pd.Series) -> pd.Series:
    parsed = pd.to_numeric(text.where(text.ne("")), errors="coerce")
    messy = text.ne("") & parsed.isna()
    if messy.any():
        parsed[messy] = pd.to_numeric(_number_text(text[messy]), errors="coerce")
    return parsed


def _parse_distinct_dates(text: pd.Series) -> pd.Series:
    iso = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    french = pd.to_datetime(text.str.replace(r"[.\-]", "/", regex=True), format="%d/%m/%Y", errors="coerce")
    return iso.fillna(french)


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
    """``values.isin(reference)``, on distinct values (Arrow strings' ``isin`` loops in Python)."""
    return _on_uniques(values, lambda u: pd.Series(reference.get_indexer(u.astype(object)) >= 0)).fillna(False).astype(bool)


def _departement_codes(text: pd.Series) -> pd.Series:
    """Département code from a code, a name or ``93 - Seine-Saint-Denis``; None when unknown."""
    codes = set(geo.load_departements()["code_departement"])
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
    result = pd.Series(None, index=lon.index, dtype="str")
    valid = lon.notna() & lat.notna() & lon.between(-180, 180) & lat.between(-90, 90)
    if not valid.any():
        return result
    # Many rows share a point (a commune's): place each distinct point once.
    pairs = pd.DataFrame({"lon": lon[valid], "lat": lat[valid]})
    distinct = pairs.drop_duplicates()
    placed = _departement_of_distinct_points(distinct["lon"], distinct["lat"])
    keyed = pd.Series(placed.to_numpy(), index=pd.MultiIndex.from_frame(distinct))
    result[valid] = keyed.reindex(pd.MultiIndex.from_frame(pairs)).to_numpy()
    return result


def _departement_of_distinct_points(lon: pd.Series, lat: pd.Series) -> pd.Series:
    result = pd.Series(None, index=lon.index, dtype="str")
    valid = lon.notna()
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), index=lon.index, crs=geo.CRS)
    shapes = geo.load_placement_departements()
    # Polygons on the left are prepared once each: far faster than testing every point alone.
    hits = gpd.sjoin(shapes, points, how="inner", predicate="contains")
    found = hits.set_index("index_right")["code_departement"]
    found = found[~found.index.duplicated()]
    result.loc[found.index] = found
    rest = result.index[valid & result.isna()]
    if len(rest):
        near = gpd.sjoin_nearest(points.loc[rest].to_crs(3857), shapes.to_crs(3857), how="inner",
                                 max_distance=_COAST_TOLERANCE_M)
        near = near[~near.index.duplicated()]
        result.loc[near.index] = near["code_departement"]
    return result
