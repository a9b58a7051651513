"""Expectations computed apart from the code under test: a population's coverage by brute force, months between
two dates, the reference communes of a territory, a legend's label read as a person reads it."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

# The largest métier family of the hand-computed snapshot (tests/conftest.py, hand_csv).
WEB = "Développement web et mobile"


def share_within(communes, fabriques, radius_km: float) -> float:
    """Population share within *radius_km* of a fabrique, by brute force (haversine on every pair), independently of
    gen_dash.coverage's KD-tree."""
    lat1, lon1 = (
        np.radians(communes["lat"].to_numpy())[:, None],
        np.radians(communes["lon"].to_numpy())[:, None],
    )
    lat2, lon2 = (
        np.radians(fabriques["latitude"].to_numpy())[None],
        np.radians(fabriques["longitude"].to_numpy())[None],
    )
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    nearest = (2 * 6371.0088 * np.arcsin(np.sqrt(h))).min(axis=1)
    population = communes["population"].to_numpy()
    return float(population[nearest <= radius_km].sum() / population.sum())


def communes_of(region: str | None = None, departements: tuple[str, ...] = ()):
    from gen_dash import geo

    communes = pd.DataFrame(geo.load_communes().drop(columns="geometry"))
    if departements:
        return communes[communes["code_departement"].isin(departements)]
    return communes if region is None else communes[communes["code_region"] == region]


def months_between(earlier: date, later: date) -> int:
    return (
        (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)
    )


def months_since(day: date) -> int:
    return months_between(day, date.today())


_NUMBER = r"(\d[\d\u202f]*(?:,\d+)?)"


def _number(text: str) -> float:
    return float(text.replace("\u202f", "").replace(",", "."))


def label_holds(label: str, shown: str, kind: str) -> bool:
    """Whether the legend label *label* holds the value shown in the tooltip (*shown*), read as a person would."""
    if shown == "–":
        return label in ("aucun apprenant", "sans donnée")
    value = _number(shown.replace("\u00a0%", ""))
    if kind == "share":
        if m := re.fullmatch(rf"moins de {_NUMBER}\u00a0%", label):
            return value < _number(m[1])
        if m := re.fullmatch(rf"{_NUMBER}\u00a0% à moins de {_NUMBER}\u00a0%", label):
            return _number(m[1]) <= value < _number(m[2])
        if m := re.fullmatch(rf"{_NUMBER}\u00a0% ou plus", label):
            return value >= _number(m[1])
        return False
    if label in ("aucune (zone blanche)", "aucun", "0"):
        return value == 0
    if m := re.fullmatch(rf"(?:de |plus de )?{_NUMBER} à {_NUMBER}", label):
        low = _number(m[1])
        return (low < value if label.startswith("plus de") else low <= value) and value <= _number(
            m[2]
        )
    if m := re.fullmatch(_NUMBER, label):
        return value == _number(m[1])
    return False
