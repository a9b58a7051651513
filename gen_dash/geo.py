"""Reference geodata: départements, régions, communes and postal codes (the project's own copy in ``data/``)."""

from __future__ import annotations

import math
from functools import cache
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gen_dash.config import REFERENCE_DIR
from gen_dash.text import fold, fold_names

CRS = "EPSG:4326"
ATTRIBUTION = (
    "Sources : IGN – Admin Express COG ; INSEE – Code officiel géographique et populations légales"
)
_CODES = {
    "code_commune": str,
    "code_departement": str,
    "code_region": str,
    "code_postal": str,
    "code_epci": str,
}


@cache
def _departements() -> gpd.GeoDataFrame:
    shapes = gpd.read_file(REFERENCE_DIR / "departements.geojson").set_crs(CRS, allow_override=True)
    table = pd.read_csv(REFERENCE_DIR / "departements.csv", dtype=str)
    regions = pd.read_csv(REFERENCE_DIR / "regions.csv", dtype=str)[["code_region", "nom_region"]]
    population = _communes().groupby("code_departement")["population"].sum()
    out = table.merge(regions, on="code_region").merge(
        shapes[["code_departement", "geometry"]], on="code_departement"
    )
    out["population"] = out["code_departement"].map(population).fillna(0).astype("int64")
    return gpd.GeoDataFrame(out, geometry="geometry", crs=CRS)


@cache
def _communes() -> pd.DataFrame:
    communes = pd.read_csv(REFERENCE_DIR / "communes.csv", dtype=_CODES)
    table = pd.read_csv(REFERENCE_DIR / "departements.csv", dtype=str)
    communes["code_region"] = communes["code_departement"].map(
        table.set_index("code_departement")["code_region"]
    )
    return communes


def load_departements() -> gpd.GeoDataFrame:
    """The 101 départements (96 metropolitan, 5 DROM), simplified for a web map.

    Returns
    -------
    GeoDataFrame
        ``code_departement``, ``nom_departement``, ``code_region``, ``nom_region``,
        ``zone`` (``metro``/``drom``), ``population``, polygons in EPSG:4326.
    """
    return _departements().copy()


def departements_table() -> pd.DataFrame:
    """:func:`load_departements` without the polygons: names, région, zone, population."""
    return pd.DataFrame(_departements().drop(columns="geometry"))


def load_regions() -> gpd.GeoDataFrame:
    """The 18 régions, dissolved from the simplified départements (same borders).

    Returns
    -------
    GeoDataFrame
        ``code_region``, ``nom_region``, ``zone``, ``population``, polygons in EPSG:4326.
    """
    return _regions().copy()


def regions_table() -> pd.DataFrame:
    """:func:`load_regions` without the polygons: names, zone, population."""
    return pd.DataFrame(_regions().drop(columns="geometry"))


@cache
def _regions() -> gpd.GeoDataFrame:
    shapes = gpd.read_file(REFERENCE_DIR / "regions.geojson").set_crs(CRS, allow_override=True)
    table = pd.read_csv(REFERENCE_DIR / "regions.csv", dtype=str)
    population = _communes().groupby("code_region")["population"].sum()
    out = table.merge(shapes[["code_region", "geometry"]], on="code_region")
    out["population"] = out["code_region"].map(population).fillna(0).astype("int64")
    return gpd.GeoDataFrame(out, geometry="geometry", crs=CRS)


def load_communes() -> gpd.GeoDataFrame:
    """Every commune with its population and a point inside it.

    Returns
    -------
    GeoDataFrame
        ``code_commune``, ``nom_commune``, ``code_departement``, ``code_region``,
        ``population``, ``lon``, ``lat``, points in EPSG:4326.
    """
    communes = _communes()
    return gpd.GeoDataFrame(
        communes.copy(), geometry=gpd.points_from_xy(communes["lon"], communes["lat"]), crs=CRS
    )


def communes_table() -> pd.DataFrame:
    """:func:`load_communes` without the points (``lon`` and ``lat`` are columns): what distances are computed on."""
    return _communes().copy()


@cache
def communes_by_code() -> pd.DataFrame:
    """Communes indexed by ``code_commune``: one shared index, whose hash table every lookup reuses."""
    return _communes().set_index("code_commune")


@cache
def former_communes() -> pd.DataFrame:
    """Codes that are no current commune code but name a place inside one, indexed by ``code_ancien``:
    ``nom_ancien``, ``nature`` (``arrondissement-municipal``, ``commune-deleguee``, ``commune-associee``,
    ``ancien-code``), ``code_commune`` (the current commune), ``nom_commune``."""
    former = pd.read_csv(REFERENCE_DIR / "communes_anciennes.csv", dtype=str, keep_default_na=False)
    former["nom_commune"] = former["code_commune"].map(
        _communes().set_index("code_commune")["nom_commune"]
    )
    return former.set_index("code_ancien")


@cache
def known_commune_codes() -> pd.Index:
    """Every code that designates a commune: current codes, and former codes and arrondissements."""
    return communes_by_code().index.append(former_communes().index).unique()


class CommuneNames(NamedTuple):
    """The commune a name designates inside a département (key: département code, ``|``, folded name)."""

    #: current communes' names (a name two communes of one département share is left out)
    current: pd.Series
    #: merged communes' and arrondissements' names: ``code_commune``, ``code_ancien``, ``nature``
    former: pd.DataFrame


@cache
def commune_names() -> CommuneNames:
    """Lookups from a commune's name and its département to its current code (see :class:`CommuneNames`)."""
    communes = _communes()
    keys = communes["code_departement"] + "|" + fold_names(communes["nom_commune"])
    current = communes.set_index(keys)["code_commune"]
    current = current[~current.index.duplicated(keep=False)]
    named = former_communes().reset_index()
    named = named[named["nom_ancien"].ne("")]
    departements = named["code_commune"].map(communes.set_index("code_commune")["code_departement"])
    former = named.set_index(departements + "|" + fold_names(named["nom_ancien"]))[
        ["code_commune", "code_ancien", "nature"]
    ]
    former = former[~former.index.duplicated(keep=False) & ~former.index.isin(current.index)]
    return CommuneNames(current, former)


@cache
def load_postal_codes() -> pd.DataFrame:
    """Pairs ``code_commune``, ``code_postal`` (a postal code may serve several communes)."""
    return pd.read_csv(REFERENCE_DIR / "codes_postaux.csv", dtype=str)


@cache
def load_placement_departements() -> gpd.GeoDataFrame:
    """Finer département contours, used only to find the département containing a point."""
    shapes = gpd.read_file(REFERENCE_DIR / "departements_placement.geojson").set_crs(
        CRS, allow_override=True
    )
    shapely.prepare(shapes.geometry.to_numpy())  # every reading tests points against them
    return shapes


@cache
def departement_regions() -> dict[str, str]:
    """Map every département code to its région's code."""
    return dict(_departements()[["code_departement", "code_region"]].itertuples(index=False))


def departement_labels(codes: list[str]) -> list[str]:
    """Départements as people name them: ``["Ariège (09)", …]`` (an unknown code as itself)."""
    names = dict(_departements()[["code_departement", "nom_departement"]].itertuples(index=False))
    return [f"{names[code]} ({code})" if code in names else code for code in codes]


@cache
def departement_names() -> dict[str, str]:
    """Map every accepted spelling of a département (folded name, with or without article) to its code."""
    names: dict[str, str] = {}
    for code, name in _departements()[["code_departement", "nom_departement"]].itertuples(
        index=False
    ):
        key = fold(name)
        names[key] = code
        for article in ("la ", "le ", "les ", "l "):
            if key.startswith(article):
                names[key[len(article) :]] = code
    return names


class PostalCodes(NamedTuple):
    """Lookups from a postal code to communes and départements."""

    codes: pd.Index  #: every postal code
    single: pd.Series  #: the commune of a postal code that serves one commune only
    departement: pd.Series  #: the département of a postal code whose communes all share one
    #: the commune, by postal code followed by the commune's name as the reference spells it
    by_exact_name: pd.Series
    #: the commune, by postal code followed by the commune's folded name (see :func:`fold`)
    by_name: pd.Series


@cache
def postal_code_lookup() -> PostalCodes:
    """Lookups from a postal code to communes and départements (see :class:`PostalCodes`)."""
    pairs = load_postal_codes().merge(
        _communes()[["code_commune", "nom_commune", "code_departement"]], on="code_commune"
    )
    per_code = pairs.groupby("code_postal").agg(
        communes=("code_commune", "nunique"),
        premier=("code_commune", "first"),
        departements=("code_departement", "nunique"),
        departement=("code_departement", "first"),
    )
    single = per_code.loc[per_code["communes"] == 1, "premier"]
    departement = per_code.loc[per_code["departements"] == 1, "departement"]
    codes = pd.Index(load_postal_codes()["code_postal"].unique())
    by_exact_name = pairs.set_index(pairs["code_postal"] + pairs["nom_commune"])["code_commune"]
    by_name = pairs.set_index(pairs["code_postal"] + fold_names(pairs["nom_commune"]))[
        "code_commune"
    ]
    return PostalCodes(
        codes, single, departement, _first_of_each(by_exact_name), _first_of_each(by_name)
    )


def _first_of_each(lookup: pd.Series) -> pd.Series:
    return lookup[~lookup.index.duplicated()]


# Where the five DROM are drawn beside metropolitan France, as French statistical maps do:
# boxes in the Atlantic west of Brittany and the Bay of Biscay (lon_min, lat_min, lon_max, lat_max).
INSET_BOXES = {
    "971": (-10.6, 49.35, -7.6, 50.75),
    "972": (-10.6, 47.65, -7.6, 49.05),
    "973": (-10.6, 45.45, -7.6, 47.35),
    "974": (-10.6, 43.75, -7.6, 45.15),
    "976": (-10.6, 42.05, -7.6, 43.45),
}


@cache
def _inset_transforms() -> dict[str, tuple[float, float, float, float]]:
    """Per DROM: (sx, sy, x_offset, y_offset) mapping its lon/lat into its inset box, shapes kept on a Mercator map."""
    shapes = _departements().set_index("code_departement").geometry
    transforms = {}
    for code, (x0, y0, x1, y1) in INSET_BOXES.items():
        minx, miny, maxx, maxy = shapes[code].bounds
        cos_s, cos_t = (
            math.cos(math.radians((miny + maxy) / 2)),
            math.cos(math.radians((y0 + y1) / 2)),
        )
        # Visual sizes on a Mercator map: a degree of latitude is 1/cos(lat) times a degree of longitude.
        k = min((x1 - x0) / (maxx - minx), ((y1 - y0) / cos_t) / ((maxy - miny) / cos_s))
        sx, sy = k, k * cos_t / cos_s
        xoff = (x0 + x1) / 2 - sx * (minx + maxx) / 2
        yoff = (y0 + y1) / 2 - sy * (miny + maxy) / 2
        transforms[code] = (sx, sy, xoff, yoff)
    return transforms


def inset_drom(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Move and scale the DROM rows of *frame* (polygons or points) into their insets beside metropolitan France.

    *frame* needs ``code_departement`` and EPSG:4326 geometries; metropolitan rows are unchanged.
    """
    out = frame.copy()
    for code, (sx, sy, xoff, yoff) in _inset_transforms().items():
        rows = out["code_departement"] == code
        if rows.any():
            out.loc[rows, "geometry"] = shapely.transform(
                out.loc[rows, "geometry"].values,
                lambda xy, a=sx, b=sy, c=xoff, d=yoff: xy * [a, b] + [c, d],
            )
    return out


def inset_scale(code_departement: str) -> float:
    """How much smaller a DROM is drawn in its inset (1 for metropolitan France): a distance on its map times this."""
    transform = _inset_transforms().get(code_departement)
    return transform[1] if transform else 1.0


def inset_points(codes: pd.Series, lon: pd.Series, lat: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The same move for plain coordinates (marker positions)."""
    index, codes = lon.index, codes.to_numpy()
    lon, lat = (values.to_numpy(dtype=float, na_value=np.nan, copy=True) for values in (lon, lat))
    for code, (sx, sy, xoff, yoff) in _inset_transforms().items():
        rows = codes == code
        lon[rows] = lon[rows] * sx + xoff
        lat[rows] = lat[rows] * sy + yoff
    return pd.Series(lon, index=index), pd.Series(lat, index=index)


@cache
def inset_features(
    level: str = "departement",
) -> tuple[tuple[str, dict, tuple[float, float, float, float]], ...]:
    """Web-map geometry, computed once: (code, GeoJSON geometry, bounds) per département or région, DROM in their insets.

    Coordinates are snapped to 1e-4° (about 10 m), which keeps shared borders shared and the map light.
    """
    if level == "departement":
        frame = _departements()[["code_departement", "geometry"]].rename(
            columns={"code_departement": "code"}
        )
        codes = frame["code"]
    else:
        frame = load_regions()[["code_region", "geometry"]].rename(columns={"code_region": "code"})
        codes = frame["code"].map(_DROM_OF_REGION)
    moved = inset_drom(frame.assign(code_departement=codes.to_numpy()))
    geometries = shapely.set_precision(moved.geometry.values, 1e-4)
    return tuple(
        (code, shapely.geometry.mapping(g), tuple(g.bounds))
        for code, g in zip(frame["code"], geometries, strict=False)
    )


_DROM_OF_REGION = {"01": "971", "02": "972", "03": "973", "04": "974", "06": "976"}
