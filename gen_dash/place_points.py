"""Where the coordinates and the département column of a row point, each read alone.

:class:`PointClues` is the other half of the reader of places (:mod:`gen_dash.place`): coordinates (a comma for a
decimal point, latitude and longitude swapped) and the département column (a name, « 93 - Seine-Saint-Denis », a lost
zero, Corsica's « 20 », three-character codes) are read and repaired with a warning.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gen_dash import geo
from gen_dash.cells import Cells, parse_numbers
from gen_dash.codes import THREE_CHARACTERS, departement_codes
from gen_dash.snapshot import AVERTISSEMENT, ERREUR

# Tolerance (metres, measured in Web Mercator, so at most this on the ground) for
# a point just off the simplified coast: it is placed in the nearest département.
_COAST_TOLERANCE_M = 3000


class PointClues(Cells):
    """Reading the coordinates and the département column of each place (see the module)."""

    def _coordinates(self) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
        """Latitude, longitude (swapped back when they were inverted), the département containing the point, and the
        points outside France."""
        lat_text, lon_text = self.text("latitude"), self.text("longitude")
        lat, lon = parse_numbers(lat_text), parse_numbers(lon_text)
        for column, text, parsed in (("latitude", lat_text, lat), ("longitude", lon_text, lon)):
            self.flag(
                text.ne("") & parsed.isna(),
                ERREUR,
                column,
                "« {} » n'est pas une coordonnée : écrivez des degrés décimaux, par exemple 48,8566.",
                text,
                code="coordonnee-illisible",
            )
        half = lat.notna() ^ lon.notna()
        self.flag(
            half & (lat_text.ne("") | lon_text.ne("")) & (lat_text.eq("") | lon_text.eq("")),
            ERREUR,
            "latitude" if "latitude" in self.written else "longitude",
            "Coordonnées incomplètes : donnez la latitude et la longitude, ou aucune des deux.",
            code="coordonnees-incompletes",
        )
        has_point = lat.notna() & lon.notna()
        dep_from_xy = _departement_of_points(lon.where(has_point), lat.where(has_point))
        outside = has_point & dep_from_xy.isna()
        if outside.any():  # swapped, if that puts the point in France
            dep_swapped = _departement_of_points(lat.where(outside), lon.where(outside))
            fix_swap = outside & dep_swapped.notna()
            self.flag(
                fix_swap,
                AVERTISSEMENT,
                "latitude",
                "Latitude et longitude inversées : elles ont été échangées.",
                value=self.coordinates_text(),
                code="coordonnees-inversees",
            )
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
        dep = departement_codes(dep_text)
        texts = self.distinct("code_departement")[1]
        fix_zero = (
            self.spread("code_departement", texts.str.fullmatch(r"\d", na=False)) & dep.notna()
        )
        self.flag(
            fix_zero,
            AVERTISSEMENT,
            "code_departement",
            "Zéro initial rétabli (perdu par le tableur) : département lu comme {}.",
            dep,
            code="zero-initial",
        )
        three = texts.str.fullmatch(THREE_CHARACTERS.pattern, case=False, na=False)
        if three.any():
            seen = ", ".join(f"« {t} »" for t in texts[three].head(4))
            nord = texts[three].str.upper().str.startswith("59").any()
            self.file_warning(
                "code_departement",
                f"Codes de département sur trois caractères ({seen}) : lus sans le "
                "zéro initial"
                + (", et 59L / 59V (les deux moitiés du Nord) comme 59." if nord else "."),
                code="departement-trois-caracteres",
            )
        is_20 = self.spread("code_departement", texts.str.fullmatch(r"20(\s*-.*)?", na=False))
        if is_20.any():
            corsican = finer.where(finer.eq("2A") | finer.eq("2B"))
            self.flag(
                is_20 & corsican.notna(),
                AVERTISSEMENT,
                "code_departement",
                "Le département 20 n'existe plus : la commune indique {}, retenu.",
                corsican,
                code="departement-20",
            )
            self.flag(
                is_20 & corsican.isna(),
                ERREUR,
                "code_departement",
                "Le département 20 n'existe plus : indiquez 2A (Corse-du-Sud) ou 2B (Haute-Corse), ou la commune.",
                code="departement-20",
            )
            dep = dep.where(~is_20, corsican)
        unknown = dep_text.ne("") & dep.isna()
        return dep, unknown


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
        # a point on two polygons (there should be none) takes the first
        order = np.lexsort((polygon, point))
        point, polygon = point[order], polygon[order]
        first = np.diff(point, prepend=-1) != 0
        result[valid[point[first]]] = codes[polygon[first]]
        rest = valid[np.setdiff1d(np.arange(len(valid)), point)]
        if len(rest):
            near = gpd.sjoin_nearest(
                gpd.GeoDataFrame(
                    geometry=shapely.points(x[rest], y[rest]), index=rest, crs=geo.CRS
                ).to_crs(3857),
                shapes.to_crs(3857),
                how="inner",
                max_distance=_COAST_TOLERANCE_M,
            )
            near = near[~near.index.duplicated()]
            result[near.index.to_numpy()] = near["code_departement"].to_numpy()
    return pd.Series(result, index=lon.index, dtype="str")
