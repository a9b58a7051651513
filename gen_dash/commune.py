"""« Ma commune »: a commune found by name, postal code or INSEE code, and the fabriques and formations near it.

The public verbs are :func:`find_commune` (what a search box typed designates) and :func:`near_commune` (the nearest
fabriques, the formations within a radius, and the sentence a mayor can copy). Distances are straight-line, on the
sphere, from the commune's reference point to each fabrique's point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from gen_dash import epci, fmt, geo
from gen_dash.coverage import EARTH_RADIUS_KM
from gen_dash.text import fold_name, fold_names

NEAREST = 5
_WITH_DEPARTEMENT = re.compile(r"^(?P<nom>.*?)[\s,]*\(?\b(?P<dep>\d{2,3}|2[ab])\)?$", re.IGNORECASE)
_COLUMNS = [
    "code_commune",
    "nom_commune",
    "code_departement",
    "nom_departement",
    "code_region",
    "code_epci",
    "nom_epci",
    "population",
    "lon",
    "lat",
]


def name_key(text: str) -> str:
    """A commune's name as searched: accents, case, punctuation and « St » / « Ste » / « Saint » ignored
    (:func:`gen_dash.text.fold_name`).

    >>> name_key("ST-DENIS"), name_key("Sainte-Marie"), name_key("L'Haÿ-les-Roses")
    ('saint denis', 'sainte marie', 'l hay les roses')
    """
    return fold_name(text)


@cache
def _communes() -> pd.DataFrame:
    communes = geo.communes_table()
    names = geo.departements_table().set_index("code_departement")["nom_departement"]
    communes["nom_departement"] = communes["code_departement"].map(names)
    communes["nom_epci"] = communes["code_epci"].map(epci.epci_by_code()["nom_epci"])
    communes["cle"] = fold_names(communes["nom_commune"])
    return communes[[*_COLUMNS, "cle"]]


@cache
def _communes_by_code() -> pd.DataFrame:
    return _communes().set_index("code_commune", drop=False)


@cache
def _by_name() -> dict[str, list[int]]:
    """Folded name -> row positions of the communes (current names and the names of merged communes)."""
    communes = _communes()
    positions: dict[str, list[int]] = {}
    for i, key in enumerate(communes["cle"]):
        positions.setdefault(key, []).append(i)
    former = geo.former_communes()
    named = former[former["nom_ancien"].ne("")]
    at = pd.Series(np.arange(len(communes)), index=communes["code_commune"])
    for name, code in zip(named["nom_ancien"], named["code_commune"], strict=True):
        key = name_key(name)
        if (
            code in at.index
            and at[code] not in positions.get(key, [])
            and key not in _current_names()
        ):
            positions.setdefault(key, []).append(int(at[code]))
    return positions


@cache
def _current_names() -> frozenset[str]:
    return frozenset(_communes()["cle"])


@cache
def _postal() -> pd.Series:
    """Postal code -> the codes of the communes it serves."""
    served: dict[str, set[str]] = {}
    for postal, code in geo.load_postal_codes()[["code_postal", "code_commune"]].itertuples(
        index=False
    ):
        served.setdefault(postal, set()).add(code)
    return pd.Series({postal: sorted(codes) for postal, codes in served.items()}, dtype=object)


@dataclass
class Found:
    """What a search designates.

    Attributes
    ----------
    communes
        The matching communes (columns ``code_commune``, ``nom_commune``, ``code_departement``, ``nom_departement``,
        ``code_region``, ``code_epci``, ``nom_epci``, ``population``, ``lon``, ``lat``): one when the search is
        unambiguous, several for homonyms or a shared postal code, none when unknown.
    how
        How it was matched, in French (« code INSEE », « code postal », « nom », « ancien code … »).
    closest
        For an unknown name: the closest names of communes, with their département (« Lunel (34) »).
    """

    communes: pd.DataFrame
    how: str = ""
    closest: list[str] = field(default_factory=list)

    @property
    def one(self) -> pd.Series | None:
        """The commune, when exactly one matches."""
        return self.communes.iloc[0] if len(self.communes) == 1 else None


def find_commune(query: str) -> Found:
    """The commune(s) a search designates: an INSEE code (current, former, or a municipal arrondissement), a postal
    code, or a name (optionally followed by its département: « Saint-Denis (93) », « Saint-Denis 974 »).

    >>> find_commune("34145").one["nom_commune"], find_commune("st denis (93)").one["code_commune"]
    ('Lunel', '93066')
    """
    text = str(query or "").strip()
    communes, by_code = _communes(), _communes_by_code()
    code = text.upper()
    if re.fullmatch(r"\d{5}|2[AB]\d{3}", code):
        if code in by_code.index:
            return Found(by_code.loc[[code]].reset_index(drop=True), "code INSEE")
        former = geo.former_communes()
        if code in former.index:
            line = former.loc[code]
            how = {
                "arrondissement-municipal": "arrondissement municipal",
                "ancien-code": "ancien code",
            }.get(line["nature"], "commune fusionnée")
            return Found(
                by_code.loc[[line["code_commune"]]].reset_index(drop=True), f"{how} {code}"
            )
        served = _postal().get(code)
        if served:
            return Found(by_code.loc[served].reset_index(drop=True), "code postal")
        return Found(communes.iloc[:0], "code")
    name, departement = text, None
    match = _WITH_DEPARTEMENT.match(text)
    if match and match.group("nom").strip():
        name, departement = match.group("nom"), match.group("dep").upper()
        departement = (
            departement.zfill(2) if departement.isdigit() and len(departement) == 1 else departement
        )
    key = name_key(name)
    found = communes.iloc[_by_name().get(key, [])]
    if departement is not None:
        found = found[found["code_departement"] == departement]
    if len(found):
        return Found(
            found.sort_values(["code_departement", "code_commune"]).reset_index(drop=True), "nom"
        )
    return Found(communes.iloc[:0], "nom", _closest(key))


def _closest(key: str, limit: int = 5) -> list[str]:
    """The names nearest to *key* (« Lunel (34) »), for an unknown name."""
    if not key:
        return []
    communes = _communes()
    hits = process.extract(key, _keys(), scorer=fuzz.ratio, limit=limit * 3)
    seen, out = set(), []
    for _, _, position in hits:
        line = communes.iloc[position]
        label = f"{line['nom_commune']} ({line['code_departement']})"
        if label not in seen:
            seen.add(label)
            out.append(label)
    return out[:limit]


@cache
def _keys() -> list[str]:
    return _communes()["cle"].tolist()


def distances_km(lon: float, lat: float, lons, lats) -> np.ndarray:
    """Great-circle distances (km) from one point to many (haversine)."""
    lon1, lat1 = np.radians(lon), np.radians(lat)
    lon2, lat2 = (
        np.radians(np.asarray(lons, dtype=float)),
        np.radians(np.asarray(lats, dtype=float)),
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass
class Near:
    """What lies near a commune (:func:`near_commune`)."""

    #: the nearest: ``cle_fabrique``, ``nom_fabrique``, ``commune``, ``distance_km``, ...
    fabriques: pd.DataFrame
    formations_within: int  #: formations placed within the radius
    radius_km: float
    covered: bool  #: a fabrique lies within the radius
    sentence: str  #: what a mayor can copy


def near_commune(
    commune: pd.Series,
    fabriques: pd.DataFrame,
    rows: pd.DataFrame,
    radius_km: float = 30,
    count: int = NEAREST,
) -> Near:
    """The *count* fabriques nearest to *commune* (a row of :attr:`Found.communes`), the formations of *rows* within
    *radius_km*, and a sentence.

    Parameters
    ----------
    fabriques
        :func:`gen_dash.metrics.fabriques_of` of the snapshot (all of them: the nearest may be across a border).
    rows
        The snapshot's rows (each formation's point; its ``metier`` and ``nom_formation`` describe the fabriques).

    Returns
    -------
    Near
        ``fabriques`` has ``cle_fabrique``, ``nom_fabrique``, ``commune``, ``code_departement``, ``distance_km``
        (rounded to 0.1), ``formations``, ``apprenants``, ``metiers`` and ``intitules`` (the formations' names, « ; »).
    """
    lon, lat = (
        fabriques[c].to_numpy(dtype=float, na_value=np.nan) for c in ("longitude", "latitude")
    )
    distance = distances_km(commune["lon"], commune["lat"], lon, lat)
    placed = np.flatnonzero(~np.isnan(distance))
    order = placed[np.argsort(distance[placed], kind="stable")[:count]]
    nearest = fabriques.iloc[order][
        ["cle_fabrique", "nom_fabrique", "commune", "code_departement", "formations", "apprenants"]
    ].reset_index(drop=True)
    nearest["distance_km"] = np.round(distance[order], 1)
    of_nearest = rows.loc[
        rows["cle_fabrique"].isin(nearest["cle_fabrique"]),
        ["cle_fabrique", "metier", "nom_formation"],
    ]
    metiers: dict[str, set[str]] = {}
    names: dict[str, list[str]] = {}
    for key, metier, title in of_nearest.itertuples(index=False):
        if isinstance(metier, str):
            metiers.setdefault(key, set()).add(metier)
        if isinstance(title, str):
            names.setdefault(key, []).append(title)
    nearest["metiers"] = [" ; ".join(sorted(metiers.get(k, ()))) for k in nearest["cle_fabrique"]]
    nearest["intitules"] = [" ; ".join(names.get(k, ())) for k in nearest["cle_fabrique"]]
    row_lon, row_lat = (
        rows[c].to_numpy(dtype=float, na_value=np.nan) for c in ("longitude", "latitude")
    )
    within = int(
        (distances_km(commune["lon"], commune["lat"], row_lon, row_lat) <= radius_km).sum()
    )
    covered = bool(len(nearest)) and float(nearest["distance_km"].iloc[0]) <= radius_km
    return Near(nearest, within, radius_km, covered, _sentence(commune, nearest, within, radius_km))


def _sentence(commune: pd.Series, nearest: pd.DataFrame, within: int, radius_km: float) -> str:
    name = commune["nom_commune"]
    if nearest.empty:
        return f"Aucune fabrique n'est située dans cet instantané : rien à proposer près de {name}."
    first = nearest.iloc[0]
    where = (
        f" ({first['commune']})"
        if isinstance(first["commune"], str) and first["commune"] != name
        else ""
    )
    distance = first["distance_km"]
    how_far = (
        "dans la commune même"
        if distance < 1
        else f"à {fmt.number(distance, 0 if distance >= 10 else 1)} km à vol d'oiseau"
    )
    formations = (
        "aucune formation"
        if within == 0
        else "1 formation"
        if within == 1
        else f"{fmt.number(within)} formations"
    )
    return (
        f"La fabrique la plus proche de {name} est « {first['nom_fabrique']} »{where}, {how_far} ; "
        f"{formations} à moins de {fmt.number(radius_km)} km."
    )
