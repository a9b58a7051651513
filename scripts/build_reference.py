"""Derive the project's compact reference geodata from ``../shared/data/reference``.

Run once when the reference changes::

    python scripts/build_reference.py [SOURCE_DIR]

Départements are simplified as a *coverage* (shared borders stay shared: no
gap, no overlap), each territory in a metric CRS of its own, then régions are
dissolved from the simplified départements so both layers match exactly.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "reference"
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "reference"

# Metric CRS per zone: Lambert-93 for metropolitan France, the official
# projected CRS of each DROM elsewhere (UTM-based).
METRIC_CRS = {
    "metro": "EPSG:2154",
    "971": "EPSG:5490",
    "972": "EPSG:5490",
    "973": "EPSG:2972",
    "974": "EPSG:2975",
    "976": "EPSG:4471",
}
# Visvalingam-Whyatt tolerance (~ square root of the removed triangles' area):
# coarse for the web map, finer for placing points in a département (at 200 m
# every commune's point falls in its own département).
MAP_TOLERANCE_M = 1200
PLACEMENT_TOLERANCE_M = 200
GRID_DEG = 1e-4  # ~10 m; coordinates stored with four decimals
# EPCI: fine enough for a région's map and for placing a point in its EPCI; the national layer coarser (2 km) and on
# a ~100 m grid, so that 1,255 contours weigh well under a megabyte in the browser.
EPCI_FINE_TOLERANCE_M = 300
EPCI_NATIONAL_TOLERANCE_M = 2000
EPCI_NATIONAL_GRID_DEG = 1e-3


def _simplify_coverage(deps: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    zone = deps["code_departement"].where(deps["zone"] == "drom", "metro")
    parts = []
    for key, group in deps.groupby(zone, sort=False):
        metric = group.to_crs(METRIC_CRS[key])
        simplified = shapely.coverage_simplify(metric.geometry.values, tolerance)
        parts.append(
            gpd.GeoDataFrame(
                group.drop(columns="geometry"), geometry=list(simplified), crs=metric.crs
            ).to_crs(4326)
        )
    out = pd.concat(parts).sort_values("code_departement")
    # Snapping to a grid keeps shared vertices shared (same input, same output).
    out["geometry"] = shapely.set_precision(out.geometry.values, GRID_DEG)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326).reset_index(drop=True)


def _write_geojson(gdf: gpd.GeoDataFrame, path: Path, decimals: int | None = None) -> None:
    data = json.loads(gdf.to_json(drop_id=True))
    if decimals is not None:  # a coordinate snapped to a grid may still print as 45.123000000000005
        for feature in data["features"]:
            feature["geometry"]["coordinates"] = _rounded(
                feature["geometry"]["coordinates"], decimals
            )
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _rounded(coordinates, decimals: int):
    if isinstance(coordinates, float | int):
        return round(coordinates, decimals)
    return [_rounded(c, decimals) for c in coordinates]


def build(source: Path = DEFAULT_SOURCE, out: Path = OUT) -> None:
    """Write ``departements.geojson``, ``regions.geojson`` and the CSV tables into *out*."""
    out.mkdir(parents=True, exist_ok=True)
    dep_table = pd.read_csv(source / "departements.csv", dtype=str)
    reg_table = pd.read_csv(source / "regions.csv", dtype=str)
    shapes = gpd.read_file(source / "departements.geojson").rename(
        columns={"code": "code_departement"}
    )
    deps = dep_table.merge(
        shapes[["code_departement", "geometry"]], on="code_departement", how="left", validate="1:1"
    )
    if deps.geometry.isna().any():
        raise SystemExit(
            "contour manquant pour " + ", ".join(deps.loc[deps.geometry.isna(), "code_departement"])
        )
    deps = gpd.GeoDataFrame(deps, geometry="geometry", crs=shapes.crs)
    columns = ["code_departement", "nom_departement", "code_region", "geometry"]
    fine = _simplify_coverage(deps, PLACEMENT_TOLERANCE_M)
    _write_geojson(fine[["code_departement", "geometry"]], out / "departements_placement.geojson")
    deps = _simplify_coverage(deps, MAP_TOLERANCE_M)
    _write_geojson(deps[columns], out / "departements.geojson")

    regions = deps.dissolve(by="code_region", as_index=False)[["code_region", "geometry"]]
    regions = regions.merge(reg_table, on="code_region", validate="1:1")
    _write_geojson(regions[["code_region", "nom_region", "geometry"]], out / "regions.geojson")

    dep_table.to_csv(out / "departements.csv", index=False)
    reg_table.to_csv(out / "regions.csv", index=False)
    communes = pd.read_csv(
        source / "communes.csv",
        dtype={"code_commune": str, "code_departement": str, "code_region": str},
    )
    membership = pd.read_csv(source / "communes_epci.csv", dtype=str)
    communes = communes.merge(membership, on="code_commune", how="left", validate="1:1")
    communes[
        ["code_commune", "nom_commune", "code_departement", "population", "lon", "lat", "code_epci"]
    ].to_csv(out / "communes.csv", index=False)
    write_epci(source, out, communes, dep_table)
    pd.read_csv(source / "codes_postaux.csv", dtype=str).to_csv(
        out / "codes_postaux.csv", index=False
    )
    write_former_communes(source, out)
    for path in sorted(out.iterdir()):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1000:.0f} kB")


def write_epci(source: Path, out: Path, communes: pd.DataFrame, dep_table: pd.DataFrame) -> None:
    """``epci.csv`` (code, name, nature, population of its communes) and the EPCI contours twice, simplified as a
    coverage in each zone's metric CRS: ``epci.geojson`` (fine: région maps and placing points) and
    ``epci_france.geojson`` (coarse and quantised: the national map, light enough to send to a browser)."""
    table = pd.read_csv(source / "epci.csv", dtype={"code_epci": str})
    members = communes.dropna(subset=["code_epci"])
    if not set(members["code_epci"]) <= set(table["code_epci"]):
        raise SystemExit("communes_epci.csv : un EPCI n'est pas dans epci.csv")
    # Its population is that of its communes, as every coverage figure counts it.
    table["population"] = (
        table["code_epci"]
        .map(members.groupby("code_epci")["population"].sum())
        .fillna(0)
        .astype(int)
    )
    table[["code_epci", "nom_epci", "nature_epci", "population"]].to_csv(
        out / "epci.csv", index=False
    )
    shapes = gpd.read_file(source / "epci.geojson")[["code_epci", "geometry"]]
    # Each EPCI's zone: the département holding most of its population (an EPCI never spans metropole and a DROM).
    main = (
        members.sort_values("population")
        .drop_duplicates("code_epci", keep="last")
        .set_index("code_epci")
    )
    zone = main["code_departement"].map(dep_table.set_index("code_departement")["zone"])
    shapes["zone"] = shapes["code_epci"].map(
        main["code_departement"].where(zone == "drom", "metro")
    )
    for name, tolerance, grid in (
        ("epci.geojson", EPCI_FINE_TOLERANCE_M, GRID_DEG),
        ("epci_france.geojson", EPCI_NATIONAL_TOLERANCE_M, EPCI_NATIONAL_GRID_DEG),
    ):
        parts = []
        for key, group in shapes.groupby("zone", sort=False):
            metric = group.to_crs(METRIC_CRS[key])
            simplified = shapely.coverage_simplify(metric.geometry.values, tolerance)
            parts.append(
                gpd.GeoDataFrame(
                    group[["code_epci"]], geometry=list(simplified), crs=metric.crs
                ).to_crs(4326)
            )
        layer = pd.concat(parts).sort_values("code_epci")
        layer["geometry"] = shapely.make_valid(shapely.set_precision(layer.geometry.values, grid))
        _write_geojson(
            gpd.GeoDataFrame(layer, geometry="geometry", crs=4326),
            out / name,
            decimals=_decimals(grid),
        )


def _decimals(grid: float) -> int:
    return len(f"{grid:.10f}".rstrip("0").split(".")[1])


def write_former_communes(source: Path = DEFAULT_SOURCE, out: Path = OUT) -> None:
    """``communes_anciennes.csv``: former codes, municipal arrondissements and merged communes, each with the current
    commune it now belongs to (its name is in ``communes.csv``)."""
    former = pd.read_csv(source / "communes_anciennes.csv", dtype=str, keep_default_na=False)
    current = set(pd.read_csv(source / "communes.csv", dtype=str)["code_commune"])
    if not set(former["code_commune"]) <= current:
        raise SystemExit(
            "communes_anciennes.csv : une commune de rattachement n'est pas une commune actuelle"
        )
    former[["code_ancien", "nom_ancien", "nature", "code_commune"]].to_csv(
        out / "communes_anciennes.csv", index=False
    )


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
