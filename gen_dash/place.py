"""Where a formation is: the commune, postal code, coordinates and département a row gives, reconciled.

The public verb is :func:`locate`. Each distinct combination of the location columns is placed once by a
:class:`_Places` (the rows of one fabrique, often of one commune, repeat it), then results and problems are spread
back to the rows. The most precise clue wins (commune, postal code, point, département column); a weaker clue that
disagrees or cannot be read gets a warning naming both, and rejects its row only when nothing else places it.
"""

from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
import pandas as pd
from geopandas.array import GeometryArray

from gen_dash import geo
from gen_dash.cells import Cells, combine_codes
from gen_dash.codes import (
    OVERSEAS,
    OVERSEAS_CODE,
    OVERSEAS_MESSAGE,
    OVERSEAS_POSTAL,
    OVERSEAS_POSTAL_NAMES,
    departement_codes,
)
from gen_dash.garbled import REPLACEMENT
from gen_dash.place_codes import CodeClues, communes_of
from gen_dash.place_points import PointClues
from gen_dash.snapshot import AVERTISSEMENT, ERREUR, OUTSIDE_PROGRAMME, PROBLEM_COLUMNS

LOCATION_COLUMNS = (
    "code_commune",
    "code_postal",
    "commune",
    "code_departement",
    "latitude",
    "longitude",
)


def locate(cells: Cells, commune: pd.Series) -> tuple[pd.DataFrame, GeometryArray]:
    """Place every row: ``code_commune``, ``code_postal``, ``commune`` (the file's name, else the reference's),
    ``code_departement``, ``code_region``, coordinates and ``localisation``; and each row's point.

    Placing depends only on the location columns, which repeat (every formation of
    a fabrique, often every fabrique of a commune): each distinct combination is
    placed once, then results and problems are spread back to the rows; the rows of
    one place share one (immutable) point object.
    """
    columns = [c for c in LOCATION_COLUMNS if c in cells.values]
    codes, first = combine_codes([cells.distinct(column) for column in columns], len(commune))
    # A reader of the distinct places: its "lines" are their numbers, mapped back to file lines below.
    places = pd.RangeIndex(len(first))
    places_read = _Places(
        places,
        cells.name,
        cells.written,
        {c: cells.values[c].iloc[first].set_axis(places) for c in columns},
    )
    placed = commune.iloc[first].set_axis(places).to_frame("commune")
    places_read.place(placed)
    points = gpd.points_from_xy(
        placed["longitude"].to_numpy(dtype=float, na_value=np.nan),
        placed["latitude"].to_numpy(dtype=float, na_value=np.nan),
        crs=geo.CRS,
    )
    for column, message, code in places_read.file_notes:
        cells.file_warning(cells.written.get(column, column), message, code=code)
    if places_read.problems:
        rows = pd.DataFrame({"_cle": codes, "ligne": cells.lines.to_numpy()})
        problems = pd.concat(places_read.problems, ignore_index=True).rename(
            columns={"ligne": "_cle"}
        )
        cells.problems.append(rows.merge(problems, on="_cle").drop(columns="_cle")[PROBLEM_COLUMNS])
    return placed.take(codes).set_axis(cells.index), points.take(codes)


class _Places(CodeClues, PointClues):
    """The distinct places of a file, as cells: their « lines » are their numbers, mapped back to the file's by
    :func:`locate`. Each clue is read by :class:`CodeClues` or :class:`PointClues`; here they are reconciled."""

    def __init__(self, *arguments):
        super().__init__(*arguments)
        self.file_notes: list[tuple[str, str, str]] = []

    def file_warning(self, column: str, message: str, *, code: str) -> None:
        """Said once for the file, not for a place: :func:`locate` passes it on to the file's cells."""
        self.file_notes.append((column, message, code))

    def place(self, out: pd.DataFrame) -> None:
        """Fill *out* (one row per distinct place, its ``commune`` column given) with where each place is."""
        cc, unknown = self._commune_codes()
        cp, unknown_cp, cp_as_commune, cp_prefix = self._postal_codes()
        cc = cc.fillna(cp_as_commune)
        cp_commune = self._postal_communes(cp)
        postal_dep = cp.map(geo.postal_code_lookup().departement).fillna(cp_prefix)
        # A name and its département (from the postal code, else the département column) designate a commune too.
        named = self._named_communes(
            cc.isna() & cp_commune.isna(),
            postal_dep.fillna(departement_codes(self.text("code_departement"))),
        )
        cp_commune = cp_commune.fillna(named)
        unknown_cp = self._corsican_cedex(unknown_cp, cc.isna() & cp_commune.isna(), cp_commune)
        cp_commune = cp_commune.fillna(
            self._garbled(
                cc.isna() & cp_commune.isna(),
                cp,
                postal_dep.fillna(departement_codes(self.text("code_departement"))),
            )
        )
        dep_from_cc = communes_of(cc, ["code_departement"])["code_departement"]
        dep_from_cp = communes_of(cp_commune, ["code_departement"])["code_departement"].fillna(
            postal_dep
        )
        lat, lon, dep_from_xy, outside = self._coordinates()
        dep, unknown_dep = self._departement_column(
            dep_from_cc.fillna(dep_from_cp).fillna(dep_from_xy)
        )
        chosen = self._most_precise(dep_from_cc, dep_from_cp, dep_from_xy, dep)
        self._weaker_clues(
            chosen,
            (dep_from_cc, dep_from_cp, dep_from_xy, dep),
            unknown,
            unknown_cp,
            cp_prefix,
            outside,
            unknown_dep,
        )

        ambiguous_cp = cp.notna() & dep_from_cp.isna()
        unplaced = chosen.isna() & ~unknown & ~unknown_cp & ~outside & ~unknown_dep
        self.flag(
            unplaced & ambiguous_cp,
            ERREUR,
            "code_postal",
            "Ce code postal dessert des communes de plusieurs départements : ajoutez le nom de la commune ou le "
            "code commune.",
            code="code-postal-ambigu",
        )
        self.flag(
            unplaced & ~ambiguous_cp,
            ERREUR,
            "code_departement",
            "Impossible de situer la formation : indiquez le code commune, le code postal, les coordonnées ou le "
            "département.",
            value=pd.Series("", index=out.index, dtype="str"),
            code="ligne-non-situee",
        )

        commune = cc.fillna(cp_commune)
        reference = communes_of(commune, ["nom_commune", "lat", "lon"])
        placed_point = dep_from_xy.notna() & (dep_from_xy == chosen)
        out["code_commune"] = commune
        out["code_postal"] = cp
        out["code_departement"] = chosen
        out["code_region"] = chosen.map(geo.departement_regions())
        garbled = (
            out["commune"].str.contains(REPLACEMENT, regex=False, na=False)
            & reference["nom_commune"].notna()
        )
        out["commune"] = (
            out["commune"]
            .where(~garbled, reference["nom_commune"])
            .fillna(reference["nom_commune"])
        )
        out["localisation"] = np.select(
            [placed_point, commune.notna(), chosen.notna()],
            ["coordonnees", "commune", "departement"],
            default=None,
        )
        out["latitude"] = lat.where(placed_point, reference["lat"]).astype("Float64")
        out["longitude"] = lon.where(placed_point, reference["lon"]).astype("Float64")

    def _weaker_clues(
        self,
        chosen: pd.Series,
        found: tuple[pd.Series, ...],
        unknown_cc: pd.Series,
        unknown_cp: pd.Series,
        cp_prefix: pd.Series,
        outside: pd.Series,
        unknown_dep: pd.Series,
    ) -> None:
        """A clue that cannot be read rejects its row only when no other clue places it in one of the 101 départements;
        otherwise the row is kept with a warning naming the clue that placed it."""
        columns = ("code_commune", "code_postal", "latitude", "code_departement")
        by = np.select(
            [f.notna() for f in found],
            ["coordonnées" if c == "latitude" else self.written.get(c, c) for c in columns],
            default="",
        )
        by = pd.Series(by, index=chosen.index, dtype="str")
        kept = chosen.notna()
        # A collectivité d'outre-mer is outside the programme whatever else the row says: named, never counted.
        overseas = self._overseas(
            "code_commune", unknown_cc, OVERSEAS_CODE, lambda t: t.str.slice(0, 3).map(OVERSEAS)
        )
        self.flag(
            unknown_cc & kept & ~overseas,
            AVERTISSEMENT,
            "code_commune",
            "Code commune inconnu : la ligne est gardée, située par « {} ».",
            by,
            code="commune-inconnue",
        )
        overseas_cp = self._overseas(
            "code_postal",
            unknown_cp & ~overseas,
            OVERSEAS_POSTAL,
            lambda t: (
                t.str.slice(0, 5)
                .map(OVERSEAS_POSTAL_NAMES)
                .fillna(t.str.slice(0, 3).map(OVERSEAS_POSTAL_NAMES))
                + " ("
                + t
                + ")"
            ),
        )
        unknown_cp = unknown_cp & ~overseas_cp
        self.flag(
            unknown_cc & ~kept & ~overseas,
            ERREUR,
            "code_commune",
            "Code commune inconnu : indiquez le code INSEE à 5 caractères (pas le code postal), par exemple 93066.",
            code="commune-inconnue",
        )
        by_prefix = (
            unknown_cp & cp_prefix.notna() & (by == self.written.get("code_postal", "code_postal"))
        )
        self.flag(
            by_prefix,
            AVERTISSEMENT,
            "code_postal",
            "Code postal inconnu (un code CEDEX ?) : la formation est "
            "située dans le département {}, celui de ses premiers chiffres.",
            chosen,
            code="code-postal-cedex",
        )
        self.flag(
            unknown_cp & kept & ~by_prefix,
            AVERTISSEMENT,
            "code_postal",
            "Code postal inconnu (un code CEDEX ?) : la ligne est gardée, située par « {} ».",
            by,
            code="code-postal-inconnu",
        )
        self.flag(
            unknown_cp & ~kept,
            ERREUR,
            "code_postal",
            "Code postal inconnu : indiquez un code postal français à 5 chiffres.",
            code="code-postal-inconnu",
        )
        self.flag(
            outside & kept,
            AVERTISSEMENT,
            "latitude",
            "Coordonnées hors de France, ignorées : la formation est située par « {} ».",
            by,
            value=self.coordinates_text(),
            code="coordonnees-hors-france",
        )
        self.flag(
            outside & ~kept,
            ERREUR,
            "latitude",
            "Coordonnées hors de France (départements et DROM) : vérifiez "
            "la latitude et la longitude (degrés décimaux WGS84).",
            value=self.coordinates_text(),
            code="coordonnees-hors-france",
        )
        dep_text = self.text("code_departement").where(unknown_dep, "")
        # the old Corsica: said above
        unknown_dep = unknown_dep & ~dep_text.str.fullmatch(r"20(\s*-.*)?", na=False)
        overseas_dep = self._overseas(
            "code_departement",
            unknown_dep,
            r"^9(7[5-8]|8\d)\b",
            lambda t: t.str.slice(0, 3).map(OVERSEAS),
        )
        self.flag(
            unknown_dep & kept & ~overseas_dep,
            AVERTISSEMENT,
            "code_departement",
            "Département inconnu : la ligne est gardée, située par « {} ».",
            by,
            code="departement-inconnu",
        )
        self.flag(
            unknown_dep & ~kept & ~overseas_dep,
            ERREUR,
            "code_departement",
            "Département inconnu : indiquez son code (01 à 95, 2A, 2B, 971 à 974, 976) ou son nom.",
            code="departement-inconnu",
        )

    def _overseas(self, column: str, unknown: pd.Series, pattern: str, named) -> pd.Series:
        """The places of *unknown* whose *column* names a collectivité d'outre-mer (*pattern*), each an error naming
        it (*named*: the name of each matching text); only the unknown texts are looked at."""
        text = self.text(column)[unknown].str.upper()
        hit = text[text.str.match(pattern, na=False)]
        mask = pd.Series(False, index=unknown.index)
        if len(hit):
            mask[hit.index] = True
            self.flag(
                mask,
                ERREUR,
                column,
                OVERSEAS_MESSAGE,
                named(hit).fillna("Ce territoire").reindex(mask.index),
                code=OUTSIDE_PROGRAMME,
            )
        return mask

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
            chosen_value = chosen_value.where(
                ~take, self.coordinates_text() if column == "latitude" else self.text(column)
            )
            taken = taken.fillna(each)
        labels = dict(
            zip(
                geo.departement_regions(),
                geo.departement_labels(list(geo.departement_regions())),
                strict=True,
            )
        )
        chosen_label = chosen.map(labels)
        for column, each, mask in zip(columns, found, differs, strict=False):
            # Priority (documented in the file contract): commune code, postal code, point, département column.
            message = (
                f"Désaccord sur le département : « {self.written.get(column, column)} » indique {{}}, "
                "mais « {} » ({}), plus précis, indique {} : la formation est placée selon « {} »."
            )
            self.flag(
                mask,
                AVERTISSEMENT,
                column,
                message,
                (each.map(labels), chosen_from, chosen_value, chosen_label, chosen_from),
                value=self.coordinates_text() if column == "latitude" else None,
                code="desaccord-departement",
            )
        return chosen
