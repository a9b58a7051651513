"""Illustrative sample snapshots: seeded, plausible, and clearly labelled as such.

These are *not* programme data. They are calibrated on the programme's published figures
(``data/chiffres_publies.csv``): wave 1 as announced in February 2016 (171 formations, 130 fabriques, 4,000
learners); 419 formations after two calls (May 2017), of which 9 close before the end of 2017; at the end of 2017,
410 formations, 198 fabriques, 9,582 learners, 24 % women, 65 % NEET (« sans emploi ni formation », the contract's
definition), 17 % from the priority neighbourhoods, 74 % positive outcomes, 77 % free formations, and
Île-de-France about 110 formations and 40 % of the learners. Fabriques follow population and the programme's urban
concentration: denser in Île-de-France, the North and the West, present in most départements and some DROM, with a
few white zones.

``python -m gen_dash.sample_files [DIR]`` writes them (default ``data/sample``, :mod:`gen_dash.sample_files`).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from gen_dash import geo, metiers

SEED = 20160922  # the Conseil des ministres' date
SNAPSHOT_DATES = (date(2016, 3, 1), date(2016, 12, 15), date(2017, 6, 30), date(2017, 12, 31))
MESSY_DATE = date(2016, 12, 15)
STATUS_COLUMN = "statut_donnees"
STATUS = "illustratif (données générées, pas des chiffres officiels)"

# Relative weight of a département when placing fabriques.
_REGION_WEIGHT = {
    "11": 12.0,
    "32": 2.6,
    "53": 2.2,
    "52": 2.0,
    "28": 1.8,
    "84": 1.3,
    "93": 1.3,
    "76": 1.2,
    "75": 1.1,
}
_WHITE_ZONES = ("04", "05", "09", "15", "23", "32", "43", "46", "48", "52", "55", "70", "976")
_SMALL_DROM = {"973": 0.4}
_ALWAYS_PRESENT = ("2A", "2B", "971", "972", "973", "974")  # small, but the programme reached them
# Wave-by-wave learners at each snapshot date (cumulated enrolments of the formations open at that date): 4,000 as
# announced for wave 1; 4,587 published for 2016; 9,582 for 2017.
_LEARNERS = {
    date(2016, 3, 1): (4000, 0),
    date(2016, 12, 15): (4320, 250),
    date(2017, 6, 30): (5000, 2300),
    date(2017, 12, 31): (5420, 4162),
}
_WAVE2_LABELS = (date(2016, 11, 24), date(2017, 4, 12))
_WAVE2_FORMATIONS = 419 - 171  # « 419 formations après deux appels » (May 2017)
_CLOSED = (
    9  # … and 410 in the key figures of 2017: formations that closed in the second half of 2017
)
_CLOSED_ON = date(2017, 9, 30)
# Île-de-France: more formations per fabrique, and larger ones (published: 110 formations, 40 % of the learners).
_FORMATIONS_WEIGHT = {"11": 2.0}
_LEARNERS_WEIGHT = {"11": 1.8}
_WOMEN_OFFSET = -0.057  # the métiers' shares of women, lowered to the published 24 %
_NEET_MEAN = (
    0.635  # « sans emploi ni formation » à l'entrée, the contract's definition (published: 65 %)
)
_METIERS = {  # métier: (weight, share of women); its family comes from data/metiers.csv
    "Développeur web": (6, 0.24),
    "Développeur d'applications mobiles": (2, 0.22),
    "Intégrateur web": (2, 0.32),
    "Technicien réseau": (2, 0.10),
    "Technicien support informatique": (2, 0.14),
    "Technicien fibre optique": (1, 0.06),
    "Médiateur numérique": (3, 0.52),
    "Référent numérique": (2, 0.44),
    "Chargé de communication numérique": (1, 0.58),
    "Administrateur systèmes": (1, 0.11),
    "Analyste de données": (1, 0.33),
    "Concepteur de jeux vidéo": (1, 0.18),
    "Analyste en cybersécurité": (1, 0.16),
    "Designer web (UX/UI)": (1, 0.47),
}
# Each région's mix: a family's weight there, relative to the nation (1 when not said).
_REGION_MIX = {
    "11": {"Données (data)": 3.0, "Cybersécurité": 2.0, "Développement web et mobile": 1.3},
    "53": {"Cybersécurité": 5.0, "Réseaux, systèmes et support": 1.5},
    "76": {"Design et communication numérique": 2.0, "Médiation numérique": 1.5},
    "84": {"Données (data)": 1.8, "Design et communication numérique": 1.8},
    "32": {
        "Médiation numérique": 2.0,
        "Design et communication numérique": 1.5,
        "Données (data)": 0.5,
    },
    "75": {"Réseaux, systèmes et support": 2.0, "Médiation numérique": 1.5},
    "44": {"Réseaux, systèmes et support": 1.6, "Cybersécurité": 1.5},
    "28": {"Référent numérique": 2.5, "Cybersécurité": 0.0},
    "24": {"Référent numérique": 1.8, "Réseaux, systèmes et support": 1.5, "Données (data)": 0.0},
    "27": {"Référent numérique": 2.0, "Médiation numérique": 1.5, "Cybersécurité": 0.0},
    "52": {"Développement web et mobile": 1.5, "Données (data)": 1.5},
    "93": {"Cybersécurité": 1.5, "Design et communication numérique": 1.5},
    "94": {"Médiation numérique": 2.5, "Données (data)": 0.0, "Cybersécurité": 0.0},
    **dict.fromkeys(
        ("01", "02", "03", "04", "06"),
        {
            "Médiation numérique": 2.5,
            "Référent numérique": 2.0,
            "Données (data)": 0.0,
            "Cybersécurité": 0.0,
        },
    ),
}
_NAMES = (
    "Fabrique numérique de {c}",
    "Atelier du code – {c}",
    "Campus numérique {c}",
    "École du web de {c}",
    "Les Codeurs de {c}",
    "Numérique solidaire {c}",
    "Lab'inclusion {c}",
    "La Passerelle numérique – {c}",
    "Pôle numérique {c}",
    "Web School {c}",
)
_ASSOCIATIONS = (
    "Numérique pour tous",
    "Code & Cité",
    "Les Connecteurs",
    "Trait d'union numérique",
    "Solidarité Web",
    "Inser'Num",
    "Cap Numérique",
    "Les Bâtisseurs du Web",
)
_PORTEURS = (
    "Association {a}",
    "Mission locale de {c}",
    "GRETA {d}",
    "CCI {d}",
    "Régie de quartier de {c}",
    "Maison de l'emploi de {c}",
    "Centre social de {c}",
    "Coopérative {a}",
)

CANONICAL_ORDER = [
    "id_formation",
    "nom_formation",
    "nom_fabrique",
    "id_fabrique",
    "porteur",
    "vague",
    "date_labellisation",
    "metier",
    "code_commune",
    "code_postal",
    "commune",
    "code_departement",
    "latitude",
    "longitude",
    "places",
    "apprenants",
    "apprenants_femmes",
    "apprenants_neet",
    "apprenants_boursiers",
    "subvention_eur",
    "date_extraction",
    STATUS_COLUMN,
]


def sample_snapshots(seed: int = SEED) -> dict[date, pd.DataFrame]:
    """The illustrative snapshots, one DataFrame of canonical columns per date."""
    rng = np.random.default_rng(seed)
    fab1 = _place_fabriques(rng, 130, wave=1)
    fab2 = _place_fabriques(rng, 68, wave=2, taken=set(fab1["nom_fabrique"]))
    form1 = _formations(rng, fab1, 171, wave=1, label_dates=(date(2015, 12, 10),))
    # Wave 2 labels new fabriques and new formations of some wave-1 fabriques.
    returning = fab1.sample(24, random_state=rng.integers(1 << 31))
    form2 = _formations(
        rng, pd.concat([fab2, returning]), _WAVE2_FORMATIONS, wave=2, label_dates=_WAVE2_LABELS
    )
    formations = pd.concat([form1, form2], ignore_index=True)
    formations["id_formation"] = [
        f"GEN{v}-{i:04d}" for i, v in enumerate(formations["vague"], start=1)
    ]
    formations["_fermee"] = _closures(rng, formations)
    return {when: _snapshot_at(rng, formations, when) for when in SNAPSHOT_DATES}


def _closures(rng: np.random.Generator, formations: pd.DataFrame) -> pd.Series:
    """The date each formation closes (None: open): a few of the fabriques that carry several, so none is lost."""
    shared = formations["id_fabrique"].duplicated(keep="first").to_numpy().nonzero()[0]
    closed = rng.choice(shared, size=_CLOSED, replace=False)
    return pd.Series(
        [_CLOSED_ON if i in set(closed) else None for i in range(len(formations))],
        index=formations.index,
    )


def synthetic_snapshot(n_formations: int, seed: int = SEED) -> pd.DataFrame:
    """A large snapshot of *n_formations* rows, shaped like the samples (for benchmarks)."""
    rng = np.random.default_rng(seed)
    n_fabriques = max(1, round(n_formations / 1.3))
    fabriques = _place_fabriques(rng, n_fabriques, wave=1)
    formations = _formations(
        rng, fabriques, n_formations, wave=1, label_dates=(date(2015, 12, 10),)
    )
    formations["vague"] = rng.choice([1, 2, 3], size=len(formations), p=[0.45, 0.4, 0.15])
    formations["id_formation"] = [f"SYN-{i:06d}" for i in range(1, len(formations) + 1)]
    apprenants = rng.poisson(38, len(formations))
    snap = formations.assign(apprenants=apprenants, places=(apprenants * 1.15).astype(int) + 2)
    snap["apprenants_femmes"] = rng.binomial(apprenants, snap.pop("_p_femmes"))
    snap["apprenants_neet"] = rng.binomial(apprenants, snap.pop("_p_neet"))
    snap["apprenants_boursiers"] = rng.binomial(apprenants, 0.35)
    snap["date_extraction"] = "2017-12-31"
    snap[STATUS_COLUMN] = STATUS
    return snap.drop(columns=[c for c in snap.columns if c.startswith("_")])[CANONICAL_ORDER]


# --------------------------------------------------------------------------- building blocks


def _departement_weights() -> pd.Series:
    deps = geo.load_departements()
    weight = deps["code_region"].map(_REGION_WEIGHT).fillna(1.0) * np.sqrt(
        deps["population"] / 1e5
    ).clip(0.5, 3)
    weight = weight.where(~deps["code_departement"].isin(_WHITE_ZONES), 0.0)
    weight = weight * deps["code_departement"].map(_SMALL_DROM).fillna(1.0)
    return pd.Series(weight.to_numpy() / weight.sum(), index=deps["code_departement"])


def _place_fabriques(
    rng: np.random.Generator, n: int, wave: int, taken: set | None = None
) -> pd.DataFrame:
    communes = geo._communes()
    communes = communes[communes["population"] >= 2000]
    weights = _departement_weights()
    # The most weighted départements get one fabrique first when there are enough, then by weight:
    # the white zones are the listed ones and the few least weighted départements.
    ranked = weights[weights > 0].sort_values(ascending=False, kind="stable").index
    eligible = np.array([*_ALWAYS_PRESENT, *[c for c in ranked if c not in _ALWAYS_PRESENT]])
    base = eligible[: min(n, int(len(eligible) * 0.92))]
    extra = rng.choice(weights.index.to_numpy(), size=n - len(base), p=weights.to_numpy())
    deps = np.concatenate([base, extra])
    postal = (
        geo.load_postal_codes()
        .drop_duplicates("code_commune")
        .set_index("code_commune")["code_postal"]
        .to_dict()
    )
    dep_names = geo.load_departements().set_index("code_departement")["nom_departement"].to_dict()
    # Per département, once: its communes as plain lists and the draw probabilities (bigger towns likelier).
    pools = {}
    for code, group in communes.groupby("code_departement"):
        p = group["population"].to_numpy(dtype=float) ** 1.1
        pools[code] = (
            group[["code_commune", "nom_commune", "lat", "lon"]].to_numpy().tolist(),
            p / p.sum(),
        )
    taken = set(taken or ())
    rows = []
    for i, code in enumerate(deps):
        pool, p = pools[code]
        commune_code, commune_name, lat, lon = pool[rng.choice(len(pool), p=p)]
        name = _unique_name(rng, commune_name, taken)
        porteur = rng.choice(_PORTEURS).format(
            a=rng.choice(_ASSOCIATIONS), c=commune_name, d=dep_names[code]
        )
        rows.append(
            {
                "id_fabrique": f"FAB-{wave}{i + 1:05d}",
                "nom_fabrique": name,
                "porteur": porteur,
                "code_commune": commune_code,
                "code_postal": postal.get(commune_code),
                "commune": commune_name,
                "code_departement": code,
                "latitude": round(float(lat), 5),
                "longitude": round(float(lon), 5),
            }
        )
    return pd.DataFrame(rows)


def _unique_name(rng: np.random.Generator, commune: str, taken: set) -> str:
    for pattern in rng.permutation(_NAMES):
        name = pattern.format(c=commune)
        if name not in taken:
            taken.add(name)
            return name
    k = 2
    while f"{_NAMES[0].format(c=commune)} {k}" in taken:
        k += 1
    taken.add(name := f"{_NAMES[0].format(c=commune)} {k}")
    return name


def _formations(
    rng: np.random.Generator,
    fabriques: pd.DataFrame,
    n: int,
    wave: int,
    label_dates: tuple[date, ...],
) -> pd.DataFrame:
    """*n* formations: one per fabrique first, the rest to fabriques drawn at random (more in Île-de-France)."""
    regions = fabriques["code_departement"].map(
        geo.load_departements().set_index("code_departement")["code_region"]
    )
    p = regions.map(_FORMATIONS_WEIGHT).fillna(1.0).to_numpy()
    extra = rng.choice(len(fabriques), size=max(0, n - len(fabriques)), p=p / p.sum())
    order = np.concatenate([np.arange(len(fabriques)), extra])[:n]
    df = fabriques.iloc[order].reset_index(drop=True)
    df["metier"] = _draw_metiers(rng, df["code_departement"])
    df["nom_formation"] = df["metier"] + " – " + df["commune"]
    df["vague"] = wave
    # Formations of one fabrique share a label date when the wave has several.
    batch = pd.Series(
        rng.integers(0, len(label_dates), len(fabriques)), index=fabriques["id_fabrique"].to_numpy()
    )
    df["date_labellisation"] = [label_dates[b].isoformat() for b in df["id_fabrique"].map(batch)]
    df["_poids"] = (
        rng.lognormal(0, 0.45, n) * regions.iloc[order].map(_LEARNERS_WEIGHT).fillna(1.0).to_numpy()
    )
    df["_p_femmes"] = np.clip(
        df["metier"].map(lambda m: _METIERS[m][1]) + rng.normal(_WOMEN_OFFSET, 0.06, n), 0.02, 0.9
    )
    df["_p_neet"] = np.clip(rng.normal(_NEET_MEAN, 0.12, n), 0.1, 0.95)
    df["subvention_eur"] = np.round(rng.uniform(18_000, 44_000, n) / 50) * 50 + rng.choice(
        [0, 0, 0, 0.5], n
    )
    return df


def _draw_metiers(rng: np.random.Generator, departements: pd.Series) -> np.ndarray:
    """A métier for each formation, by its région's mix (as many draws as one ``rng.choice`` of the same size)."""
    names = list(_METIERS)
    family = metiers.family(pd.Series(names)).tolist()
    regions = departements.map(geo.load_departements().set_index("code_departement")["code_region"])
    base = np.array([_METIERS[m][0] for m in names], dtype=float)
    drawn = rng.random(len(departements))
    out = np.empty(len(departements), dtype=object)
    for region, members in regions.groupby(regions, sort=True).groups.items():
        mix = _REGION_MIX.get(region, {})
        cdf = np.cumsum(base * np.array([mix.get(f, 1.0) for f in family]))
        at = departements.index.get_indexer(members)
        out[at] = np.array(names, dtype=object)[
            np.searchsorted(cdf / cdf[-1], drawn[at], side="right")
        ]
    return out


def _snapshot_at(rng: np.random.Generator, formations: pd.DataFrame, when: date) -> pd.DataFrame:
    """Formations labelled by *when*, with learners cumulated up to *when* (monotonic across dates)."""
    if "_cumul" not in formations:
        formations["_cumul"] = 0
        formations["_femmes"] = 0
        formations["_neet"] = 0
        formations["_boursiers"] = 0
    closed = (
        formations["_fermee"]
        if "_fermee" in formations
        else pd.Series(None, index=formations.index)
    )
    live = (pd.to_datetime(formations["date_labellisation"]).dt.date <= when) & ~closed.map(
        lambda day: day is not None and day <= when
    )
    totals = _LEARNERS[when]
    for wave, total in enumerate(totals, start=1):
        members = live & formations["vague"].eq(wave)
        increment = total - formations.loc[members, "_cumul"].sum()
        if not members.any() or increment <= 0:
            continue
        p = formations.loc[members, "_poids"].to_numpy()
        added = rng.multinomial(increment, p / p.sum())
        formations.loc[members, "_cumul"] += added
        formations.loc[members, "_femmes"] += rng.binomial(
            added, formations.loc[members, "_p_femmes"]
        )
        formations.loc[members, "_neet"] += rng.binomial(added, formations.loc[members, "_p_neet"])
        if when > date(2016, 10, 31):  # financial aid exists since the October 2016 decree
            formations.loc[members, "_boursiers"] += rng.binomial(added, 0.36)
    snap = formations[live].copy()
    snap["apprenants"] = snap["_cumul"]
    snap["apprenants_femmes"] = snap["_femmes"]
    snap["apprenants_neet"] = snap["_neet"]
    snap["apprenants_boursiers"] = snap["_boursiers"]
    snap["places"] = np.maximum(snap["apprenants"], np.ceil(snap["_poids"] * 30 + 8)).astype(int)
    snap["date_extraction"] = when.isoformat()
    snap[STATUS_COLUMN] = STATUS
    return snap[CANONICAL_ORDER].reset_index(drop=True)
