"""Who lives near a fabrique, the white zones, and where to open the next fabriques.

Distances are great-circle distances on a sphere of radius 6,371 km, computed
exactly with a KD-tree on 3-D unit vectors (the chord between two points grows
with the arc between them, so the nearest by chord is the nearest by arc):
no Python loop over pairs. Straight-line distance, not travel time.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csr_matrix
from scipy.spatial import cKDTree

from gen_dash import epci, geo

EARTH_RADIUS_KM = 6371.0088
DEFAULT_RADIUS_KM = 30.0


def unit_vectors(lon, lat) -> np.ndarray:
    """Points on the unit sphere for longitudes and latitudes in degrees (n × 3)."""
    lon, lat = np.radians(np.asarray(lon, dtype=float)), np.radians(np.asarray(lat, dtype=float))
    cos_lat = np.cos(lat)
    return np.column_stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)])


def _chord(km: float) -> float:
    return 2.0 * np.sin(km / (2.0 * EARTH_RADIUS_KM))


def _arc_km(chord: np.ndarray) -> np.ndarray:
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))


def nearest_fabrique(communes: pd.DataFrame, fabriques: pd.DataFrame) -> pd.DataFrame:
    """*communes* with ``distance_km`` to the nearest fabrique and that fabrique's row position.

    Parameters
    ----------
    communes
        ``lon``, ``lat`` (degrees), and whatever else (population, codes).
    fabriques
        ``longitude``, ``latitude``; rows without a point are ignored.
    """
    placed = fabriques.dropna(subset=["longitude", "latitude"])
    out = communes.copy()
    if placed.empty:
        out["distance_km"] = np.inf
        out["fabrique_proche"] = -1
        return out
    tree = cKDTree(unit_vectors(placed["longitude"], placed["latitude"]))
    chord, index = tree.query(unit_vectors(communes["lon"], communes["lat"]), k=1)
    out["distance_km"] = _arc_km(chord)
    out["fabrique_proche"] = placed.index.to_numpy()[index]
    return out


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float | None:
    if len(values) == 0 or weights.sum() <= 0:
        return None
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, q * cumulative[-1])])


def _indicators(group: pd.DataFrame, radius_km: float) -> pd.Series:
    population = float(group["population"].sum())
    covered = float(group.loc[group["distance_km"] <= radius_km, "population"].sum())
    distances, weights = group["distance_km"].to_numpy(), group["population"].to_numpy(dtype=float)
    finite = np.isfinite(distances)
    return pd.Series(
        {
            "population": population,
            "population_couverte": covered,
            "part_couverte": covered / population if population else None,
            "distance_mediane_km": _weighted_quantile(distances[finite], weights[finite], 0.5),
            "distance_p90_km": _weighted_quantile(distances[finite], weights[finite], 0.9),
        }
    )


def coverage_indicators(
    distances: pd.DataFrame, radius_km: float = DEFAULT_RADIUS_KM, by: str | None = None
) -> pd.DataFrame | pd.Series:
    """Population within *radius_km* of a fabrique, its share, median and 90th-percentile distance (population-weighted).

    Parameters
    ----------
    distances
        :func:`nearest_fabrique` output (with ``population``, and ``code_departement``/``code_region`` to group).
    by
        None for the whole of *distances*, else ``"code_departement"`` or ``"code_region"``.
    """
    if by is None:
        return _indicators(distances, radius_km)
    return distances.groupby(by).apply(_indicators, radius_km, include_groups=False)


def population_share_within(
    communes: pd.DataFrame, fabriques: pd.DataFrame, radius_km: float = DEFAULT_RADIUS_KM
) -> float | None:
    """The share of *communes*' population within *radius_km* of one of *fabriques* (None for no population)."""
    return coverage_indicators(nearest_fabrique(communes, fabriques), radius_km)["part_couverte"]


def departements_without_fabrique(fabriques: pd.DataFrame, departements: list[str]) -> list[str]:
    """Départements (among *departements*) where no fabrique stands: the white zones of the map."""
    present = set(fabriques["code_departement"].dropna())
    return [code for code in departements if code not in present]


def uncovered_communes(
    distances: pd.DataFrame, radius_km: float = DEFAULT_RADIUS_KM
) -> pd.DataFrame:
    """Communes farther than *radius_km* from every fabrique, most populated first."""
    return distances[distances["distance_km"] > radius_km].sort_values(
        "population", ascending=False
    )


@dataclass(frozen=True)
class Instance:
    """A maximal covering problem: demand points with weights, candidate sites, and who covers whom."""

    weights: np.ndarray  # population of each demand point
    covers: list[np.ndarray]  # for each candidate, the demand points within the radius
    candidates: np.ndarray  # row positions of the candidates in the communes table


def covering_instance(
    communes: pd.DataFrame,
    fabriques: pd.DataFrame,
    radius_km: float,
    candidates: np.ndarray | None = None,
    min_population: int = 0,
) -> Instance:
    """Demand: communes not yet within *radius_km* of a fabrique, weighted by population.

    Candidates: the communes at row positions *candidates*, else those of at least *min_population*.
    """
    distances = nearest_fabrique(communes, fabriques)
    uncovered = (distances["distance_km"] > radius_km).to_numpy()
    weights = np.where(uncovered, communes["population"].to_numpy(dtype=float), 0.0)
    if candidates is None:
        candidates = np.flatnonzero(communes["population"].to_numpy() >= min_population)
    demand = np.flatnonzero(weights > 0)
    if len(demand) == 0 or len(candidates) == 0:
        return Instance(weights, [np.array([], dtype=int) for _ in candidates], candidates)
    points = unit_vectors(communes["lon"], communes["lat"])
    tree = cKDTree(points[demand])
    near = tree.query_ball_point(points[candidates], r=_chord(radius_km) * (1 + 1e-12))
    return Instance(weights, [demand[np.asarray(n, dtype=int)] for n in near], candidates)


def greedy_cover(
    instance: Instance, k: int, forced: list[int] | None = None
) -> list[tuple[int, float]]:
    """Pick *k* candidates (positions in ``instance.candidates``), each adding the most uncovered population.

    Lazy greedy: a candidate's gain can only shrink as others are picked, so a stale
    gain at the top of the heap is recomputed before it is trusted.

    Parameters
    ----------
    forced
        Candidates chosen first, in order (the « one per département » variant).

    Returns
    -------
    list of (candidate position, population gained), in order of choice.
    """
    covered = np.zeros(len(instance.weights), dtype=bool)
    picks: list[tuple[int, float]] = []

    def gain(c: int) -> float:
        members = instance.covers[c]
        return float(instance.weights[members[~covered[members]]].sum())

    def take(c: int) -> None:
        picks.append((c, gain(c)))
        covered[instance.covers[c]] = True

    for c in forced or []:
        if len(picks) < k:
            take(c)
    chosen = {c for c, _ in picks}
    heap = [(-gain(c), c) for c in range(len(instance.covers)) if c not in chosen]
    heapq.heapify(heap)
    while len(picks) < k and heap:
        stale, c = heapq.heappop(heap)
        fresh = gain(c)
        if heap and fresh < -heap[0][0] - 1e-9 and fresh < -stale:
            heapq.heappush(heap, (-fresh, c))
            continue
        if fresh <= 0:
            break
        take(c)
    return picks


def exact_cover(instance: Instance, k: int, time_limit: float = 60.0) -> tuple[list[int], float]:
    """The optimum of the maximal covering problem (``scipy.optimize.milp``), for small instances.

    Returns
    -------
    (chosen candidate positions, population covered)
    """
    # a quarter of a second of imports, for this only
    from scipy.optimize import (
        Bounds,
        LinearConstraint,
        milp,
    )

    demand = np.flatnonzero(instance.weights > 0)
    index = {d: i for i, d in enumerate(demand)}
    n_sites, n_demand = len(instance.covers), len(demand)
    # Variables: x (sites) then y (demand points). Maximise sum(w * y) with y_i <= sum of x covering i, sum(x) = k.
    rows, cols = [], []
    for site, members in enumerate(instance.covers):
        for member in members:
            rows.append(index[member])
            cols.append(site)
    if n_demand * n_sites >= 4_000_000:
        raise ValueError("instance trop grande pour la résolution exacte")
    cover = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_demand, n_sites))
    a = sparse.hstack([-cover, sparse.identity(n_demand)], format="csr")
    constraints = [
        LinearConstraint(a, -np.inf, 0),
        LinearConstraint(np.r_[np.ones(n_sites), np.zeros(n_demand)][None, :], k, k),
    ]
    c = -np.r_[np.zeros(n_sites), instance.weights[demand]]
    result = milp(
        c,
        constraints=constraints,
        integrality=np.ones(n_sites + n_demand),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit},
    )
    if result.x is None:
        raise RuntimeError(f"milp: {result.message}")
    chosen = [int(i) for i in np.flatnonzero(result.x[:n_sites] > 0.5)]
    return chosen, float(-result.fun)


def suggest_sites(
    communes: pd.DataFrame,
    fabriques: pd.DataFrame,
    k: int,
    radius_km: float = DEFAULT_RADIUS_KM,
    min_population: int = 5000,
    one_per_departement: bool = False,
) -> pd.DataFrame:
    """Where to open *k* new fabriques: communes that add the most population within *radius_km*, greedily.

    Parameters
    ----------
    communes
        Communes of the territory (``code_commune``, ``nom_commune``, ``code_departement``, ``population``, ``lon``, ``lat``).
    fabriques
        Existing fabriques (``longitude``, ``latitude``, ``code_departement``); they all count, even outside the territory.
    one_per_departement
        First give one fabrique to each département of *communes* that has none (its candidate adding the most, or
        its most populated commune when none reaches *min_population*), then continue greedily.

    Returns
    -------
    DataFrame
        One row per suggestion, in order of choice: ``rang``, ``code_commune``, ``nom_commune``, ``code_departement``
        (and ``code_epci``, ``nom_epci`` when *communes* give their EPCI),
        ``population``, ``population_gagnee``, ``population_couverte_cumulee``, ``part_couverte_cumulee``, ``lon``, ``lat``.
    """
    communes = communes.reset_index(drop=True)
    big_enough = (communes["population"] >= min_population).to_numpy().copy()
    white: list[str] = []
    if one_per_departement:
        white = departements_without_fabrique(
            fabriques, sorted(communes["code_departement"].unique())
        )
        # A white département with no commune above the threshold offers its most populated commune.
        for code in white:
            in_dep = (communes["code_departement"] == code).to_numpy()
            if not (in_dep & big_enough).any():
                big_enough[communes["population"].where(in_dep).idxmax()] = True
    instance = covering_instance(
        communes, fabriques, radius_km, candidates=np.flatnonzero(big_enough)
    )
    forced: list[int] = []
    departement_of = communes["code_departement"].to_numpy()[instance.candidates]
    for code in white:
        options = np.flatnonzero(departement_of == code)
        if len(options):
            forced.append(
                int(max(options, key=lambda c: instance.weights[instance.covers[c]].sum()))
            )
    picks = greedy_cover(instance, k, forced)
    chosen = communes.iloc[[instance.candidates[c] for c, _ in picks]]
    kept = ["code_commune", "nom_commune", "code_departement", "population", "lon", "lat"]
    out = chosen[kept + [c for c in ("code_epci",) if c in chosen]].reset_index(drop=True)
    if "code_epci" in out:
        out["nom_epci"] = out["code_epci"].map(epci.epci_by_code()["nom_epci"])
    out.insert(0, "rang", np.arange(1, len(out) + 1))
    out["population_gagnee"] = [int(g) for _, g in picks]
    total = float(communes["population"].sum())
    already = total - float(instance.weights.sum())
    out["population_couverte_cumulee"] = already + out["population_gagnee"].cumsum()
    out["part_couverte_cumulee"] = out["population_couverte_cumulee"] / total if total else None
    return out


def coverage_summary(
    distances: pd.DataFrame,
    fabriques: pd.DataFrame,
    departements: list[str],
    radius_km: float = DEFAULT_RADIUS_KM,
    drawn_population: int = 2000,
) -> dict:
    """What a page says of the coverage of *departements* (their communes' *distances* to the nearest fabrique).

    Returns
    -------
    dict
        ``totals`` (:func:`coverage_indicators`), ``by_departement`` (:func:`coverage_by_departement`), ``by_epci``
        (:func:`coverage_by_epci`),
        ``uncovered`` and ``uncovered_population`` (communes farther than the radius, and their inhabitants), ``drawn``
        (those of at least *drawn_population* inhabitants, most populated first), ``white``
        (:func:`departements_without_fabrique`).
    """
    uncovered = uncovered_communes(distances, radius_km)
    return {
        "totals": coverage_indicators(distances, radius_km),
        "by_departement": coverage_by_departement(distances, radius_km),
        "by_epci": coverage_by_epci(distances, radius_km),
        "uncovered": len(uncovered),
        "uncovered_population": int(uncovered["population"].sum()),
        "drawn": uncovered[uncovered["population"] >= drawn_population],
        "white": departements_without_fabrique(fabriques, departements),
    }


def coverage_report(
    communes: pd.DataFrame,
    fabriques: pd.DataFrame,
    radius_km: float = DEFAULT_RADIUS_KM,
    suggest: int = 0,
    min_population: int = 5000,
) -> dict:
    """The command line's ``coverage --json`` object for *communes* (all of France or a territory)."""
    distances = nearest_fabrique(communes, fabriques)
    totals = coverage_indicators(distances, radius_km)
    suggestions = (
        suggest_sites(communes, fabriques, suggest, radius_km, min_population)
        if suggest > 0
        else pd.DataFrame()
    )
    return {
        "rayon_km": radius_km,
        "population": int(totals["population"]),
        "population_couverte": int(totals["population_couverte"]),
        "part_couverte": round(float(totals["part_couverte"] or 0.0), 6),
        "departements_sans_fabrique": departements_without_fabrique(
            fabriques, sorted(communes["code_departement"].unique())
        ),
        "suggestions": [
            {
                "code_commune": r.code_commune,
                "nom_commune": r.nom_commune,
                "code_departement": r.code_departement,
                "population_gagnee": int(r.population_gagnee),
            }
            for r in suggestions.itertuples(index=False)
        ],
    }


def coverage_by_departement(
    distances: pd.DataFrame, radius_km: float = DEFAULT_RADIUS_KM
) -> pd.DataFrame:
    """:func:`coverage_indicators` for each département of *distances*, with ``code`` and ``nom`` for maps and tables."""
    table = coverage_indicators(distances, radius_km, by="code_departement").reset_index()
    names = geo.departements_table().set_index("code_departement")["nom_departement"]
    return table.rename(columns={"code_departement": "code"}).assign(
        nom=lambda t: t["code"].map(names)
    )


def coverage_by_epci(distances: pd.DataFrame, radius_km: float = DEFAULT_RADIUS_KM) -> pd.DataFrame:
    """Population, population within *radius_km*, its share and the median distance for each EPCI of *distances*
    (communes without EPCI left out), lowest share first: ``code``, ``nom``, ``population``, ``population_couverte``,
    ``part_couverte``, ``distance_mediane_km``.

    Computed at once for all EPCI (a group-by per EPCI of Python would take half a second for the 1,255).
    """
    if "code_epci" not in distances:  # communes given without their EPCI
        distances = distances.assign(code_epci=pd.Series(dtype="str"))
    placed = distances.dropna(subset=["code_epci"])
    frame = pd.DataFrame(
        {
            "code": placed["code_epci"].to_numpy(),
            "population": placed["population"].to_numpy(float),
            "distance": placed["distance_km"].to_numpy(float),
        }
    )
    frame["couverte"] = frame["population"].where(frame["distance"] <= radius_km, 0.0)
    out = frame.groupby("code").agg(
        population=("population", "sum"), population_couverte=("couverte", "sum")
    )
    out["part_couverte"] = (out["population_couverte"] / out["population"]).where(
        out["population"] > 0
    )
    # Population-weighted median: the first distance where an EPCI's cumulated population reaches half its total.
    ordered = frame[np.isfinite(frame["distance"])].sort_values(["code", "distance"], kind="stable")
    cumulated = ordered.groupby("code")["population"].cumsum()
    half = ordered.groupby("code")["population"].transform("sum") / 2
    out["distance_mediane_km"] = ordered[cumulated >= half].groupby("code")["distance"].first()
    names = epci.epci_by_code()["nom_epci"]
    out = out.reset_index().assign(nom=lambda t: t["code"].map(names))
    return out.sort_values(
        ["part_couverte", "population"], ascending=[True, False], kind="stable"
    ).reset_index(drop=True)
