"""gen_dash.geo and data/reference: complete, valid, a clean coverage, small enough for a web map."""

from __future__ import annotations

import shapely

from gen_dash import geo
from gen_dash.config import REFERENCE_DIR


def test_101_departements_and_18_regions():
    deps = geo.load_departements()
    assert len(deps) == 101 and deps["code_departement"].is_unique
    assert set(deps["code_departement"]) >= {
        "01",
        "2A",
        "2B",
        "95",
        "971",
        "972",
        "973",
        "974",
        "976",
    }
    assert deps.crs.to_epsg() == 4326
    assert len(geo.load_regions()) == 18
    assert deps["population"].sum() == geo.load_communes()["population"].sum() == 68_350_798


def test_geometry_valid_and_a_coverage_without_gaps_or_overlaps():
    deps = geo.load_departements()
    assert deps.is_valid.all() and not deps.is_empty.any()
    metro = deps[deps["code_departement"].str.len() == 2].geometry.values
    assert shapely.coverage_is_valid(metro)  # edges matched, no overlap
    # A gap between neighbours would be a hole in the union. The source has two real
    # ones (large water bodies, over 10 km²); simplification must add no sliver.
    union = shapely.union_all(metro)
    holes = [shapely.Polygon(ring).area for part in union.geoms for ring in part.interiors]
    assert len(holes) <= 2 and min(holes, default=1) > 1e-3
    assert abs(union.area - sum(g.area for g in metro)) < 1e-9 * union.area + 1e-9
    regions = geo.load_regions()
    assert regions.is_valid.all()


def test_departement_map_file_is_below_600_kb():
    assert (REFERENCE_DIR / "departements.geojson").stat().st_size < 600_000


def test_every_commune_point_falls_in_its_own_departement():
    import geopandas as gpd

    communes = geo.load_communes()
    joined = gpd.sjoin(geo.load_placement_departements(), communes, predicate="contains")
    assert (joined["code_departement_left"] == joined["code_departement_right"]).all()
    assert joined["index_right"].nunique() == len(communes)


def test_departement_names_accept_articles():
    names = geo.departement_names()
    assert names["la reunion"] == names["reunion"] == "974"
    assert names["seine saint denis"] == "93"
