"""Intercommunalités (EPCI à fiscalité propre): the reference table, their contours, and the EPCI of each row.

An EPCI belongs to every département and région where it has communes (89 lie in several départements, 26 in several
régions); its figures are those of all its communes. A formation is placed in an EPCI through its commune (after the
reader's former-code and arrondissement rules); one known only by coordinates goes to the EPCI whose contour contains
it; one placed only by its département, or in one of the four island communes that belong to no EPCI, has none.
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gen_dash import geo
from gen_dash.config import REFERENCE_DIR

# How the reference abbreviates each nature, and the words people read.
NATURES = {
    "CC": "Communauté de communes",
    "CA": "Communauté d'agglomération",
    "CU": "Communauté urbaine",
    "METRO": "Métropole",
    "MET69": "Métropole de Lyon",
}
_PREFIXES = {
    "CC": "Communauté de communes",
    "CA": "Communauté d'agglomération",
    "CU": "Communauté urbaine",
}


def full_name(name: str) -> str:
    """The EPCI's name with its « CC » / « CA » / « CU » written in full.

    >>> full_name("CA du Grand Dole")
    "Communauté d'agglomération du Grand Dole"
    >>> full_name("Toulouse Métropole")
    'Toulouse Métropole'
    """
    head, _, rest = str(name).partition(" ")
    return f"{_PREFIXES[head]} {rest}" if head in _PREFIXES and rest else str(name)


@cache
def _table() -> pd.DataFrame:
    table = pd.read_csv(REFERENCE_DIR / "epci.csv", dtype={"code_epci": str})
    members = geo.communes_by_code().dropna(subset=["code_epci"])
    places = members.groupby("code_epci").agg(
        departements=("code_departement", lambda s: tuple(sorted(set(s)))),
        regions=("code_region", lambda s: tuple(sorted(set(s)))),
        communes=("code_departement", "size"),
    )
    # Its main département and région: where most of its inhabitants live (a map insets and ranks it there).
    main = members.sort_values("population", kind="stable").drop_duplicates(
        "code_epci", keep="last"
    )
    table = table.join(places, on="code_epci")
    table["code_departement"] = table["code_epci"].map(
        main.set_index("code_epci")["code_departement"]
    )
    table["code_region"] = table["code_epci"].map(main.set_index("code_epci")["code_region"])
    table["nature"] = table["nature_epci"].map(NATURES)
    table["nom_complet"] = table["nom_epci"].map(full_name)
    return table


def epci_table() -> pd.DataFrame:
    """The 1,255 EPCI.

    Returns
    -------
    DataFrame
        ``code_epci`` (SIREN), ``nom_epci`` (as the reference writes it), ``nom_complet`` (« CA » written in full),
        ``nature_epci`` (``CC``, ``CA``, ``CU``, ``METRO``, ``MET69``) and ``nature`` (in words), ``population`` (of its
        communes), ``departements`` and ``regions`` (tuples of codes: every one where it has a commune),
        ``code_departement`` and ``code_region`` (where most of its inhabitants live), ``communes`` (their number).
    """
    return _table().copy()


@cache
def epci_by_code() -> pd.DataFrame:
    """:func:`epci_table` indexed by ``code_epci`` (shared, read only)."""
    return _table().set_index("code_epci")


@cache
def _contours(fine: bool) -> gpd.GeoDataFrame:
    name = "epci.geojson" if fine else "epci_france.geojson"
    shapes = gpd.read_file(REFERENCE_DIR / name).set_crs(geo.CRS, allow_override=True)
    if fine:
        shapely.prepare(shapes.geometry.to_numpy())  # every reading tests points against them
    return shapes


def load_epci(fine: bool = True) -> gpd.GeoDataFrame:
    """EPCI contours (``code_epci``, polygons in EPSG:4326): fine (~300 m, for a région's map and for placing points)
    or national (~2 km on a 100 m grid, for the map of France)."""
    return _contours(fine).copy()


def epci_of(rows: pd.DataFrame) -> pd.Series:
    """The EPCI of each row: that of its ``code_commune``; for a row without commune but with coordinates
    (``latitude``, ``longitude``), the EPCI whose contour contains the point; otherwise missing.

    Each distinct commune and each distinct point is looked up once (a fabrique's formations repeat them).
    """
    codes = rows["code_commune"]  # rows may be the reader's columns, a dict of Series
    keys, distinct = pd.factorize(codes)
    looked = np.append(
        geo.communes_by_code()["code_epci"].reindex(distinct).to_numpy(dtype=object), None
    )
    found = looked[keys]  # -1 (no commune) takes the None appended
    point_only = (
        (keys < 0) & rows["latitude"].notna().to_numpy() & rows["longitude"].notna().to_numpy()
    )
    if point_only.any():
        found[point_only] = _containing(rows["longitude"][point_only], rows["latitude"][point_only])
    return pd.Series(found, index=codes.index, dtype="str")


def _containing(lon: pd.Series, lat: pd.Series) -> np.ndarray:
    """The EPCI containing each point (None outside every contour)."""
    pairs = pd.DataFrame(
        {"lon": lon.astype("float64").to_numpy(), "lat": lat.astype("float64").to_numpy()}
    )
    keys, distinct = pd.factorize(pd.MultiIndex.from_frame(pairs))
    points = shapely.points(np.array([list(p) for p in distinct], dtype="float64"))
    shapes = _contours(True)
    point_at, shape_at = shapes.sindex.query(points, predicate="within")
    answer = np.full(len(distinct), None, dtype=object)
    answer[point_at] = shapes["code_epci"].to_numpy()[shape_at]
    return answer[keys]


@cache
def inset_features(
    region: str | None = None,
) -> tuple[tuple[str, dict, tuple[float, float, float, float]], ...]:
    """Web-map geometry, computed once: (code, GeoJSON geometry, bounds) per EPCI, the DROM in their insets beside
    metropolitan France (as :func:`gen_dash.geo.inset_features` places the départements).

    For France (*region* None) the national layer, on its 100 m grid; for a région, the fine contours of every EPCI
    lying in it (on a 10 m grid).
    """
    shapes = _contours(region is not None)
    main = _table().set_index("code_epci")
    if region is not None:
        shapes = shapes[shapes["code_epci"].map(main["regions"]).map(lambda codes: region in codes)]
    moved = geo.inset_drom(
        shapes.assign(code_departement=shapes["code_epci"].map(main["code_departement"]).to_numpy())
    )
    geometries = shapely.set_precision(moved.geometry.values, 1e-4 if region is not None else 1e-3)
    return tuple(
        (code, shapely.geometry.mapping(g), tuple(g.bounds))
        for code, g in zip(shapes["code_epci"], geometries, strict=True)
    )
