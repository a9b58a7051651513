"""Couverture territoriale: who lives near a fabrique, the white zones, where to open the next ones."""

from functools import partial

import streamlit as st

from gen_dash import export, fmt, maps
from ui import downloads, layout, map_frame, shared_work

view = layout.page_header("Couverture territoriale")
radius = st.slider(
    "Rayon (km, à vol d'oiseau)",
    min_value=5,
    max_value=100,
    value=30,
    step=5,
    key="couverture_rayon",
)
# Every fabrique counts, even across the territory's border.
covered = shared_work.coverage_of(view, view.territory, radius)
totals = covered["totals"]
where = "" if view.territory.national else f" ({layout.escape_md(view.territory.label)})"
st.markdown(
    f"## {fmt.percent(totals['part_couverte'])} de la population{where} vit à moins de {radius} km d'une fabrique"
)
left, middle, right = st.columns(3)
left.metric(
    "Habitants à portée",
    fmt.number(totals["population_couverte"]),
    border=True,
    help=f"Sur {fmt.number(totals['population'])} habitants (populations légales).",
)
middle.metric(
    "Distance médiane",
    f"{fmt.number(totals['distance_mediane_km'], 1)} km",
    border=True,
    help="La moitié de la population vit plus près d'une fabrique que cette distance.",
)
right.metric(
    "9 habitants sur 10 à moins de",
    f"{fmt.number(totals['distance_p90_km'], 1)} km",
    border=True,
    help="90e centile de la distance, pondéré par la population.",
)

st.header("Par intercommunalité (EPCI)")
by_epci = covered["by_epci"]
if len(by_epci) > 1:
    lowest = by_epci.iloc[0]
    st.markdown(
        f"{fmt.number(int((by_epci['part_couverte'] < 1).sum()))} EPCI sur {fmt.number(len(by_epci))} ont des "
        f"habitants à plus de {radius} km d'une fabrique ; le moins couvert : **{layout.escape_md(lowest['nom'])}** "
        f"({fmt.percent(lowest['part_couverte'])} de ses {fmt.number(lowest['population'])} habitants)."
    )
elif len(by_epci) == 1:
    st.markdown(
        f"{layout.escape_md(by_epci.iloc[0]['nom'])} : {fmt.percent(by_epci.iloc[0]['part_couverte'])} de ses "
        f"habitants à moins de {radius} km d'une fabrique."
    )
st.dataframe(
    by_epci,
    hide_index=True,
    width="stretch",
    height=260,
    column_order=[
        "nom",
        "code",
        "population",
        "population_couverte",
        "part_couverte",
        "distance_mediane_km",
    ],
    column_config={
        "nom": st.column_config.TextColumn("EPCI", pinned=True),
        "code": "Code SIREN",
        "population": st.column_config.NumberColumn("Population", format="localized"),
        "population_couverte": st.column_config.NumberColumn(
            "Habitants à portée", format="localized"
        ),
        "part_couverte": st.column_config.NumberColumn(
            "Part couverte", format="percent", step=0.001
        ),
        "distance_mediane_km": st.column_config.NumberColumn(
            "Distance médiane (km)", format="localized", step=0.1
        ),
    },
)
st.caption(
    "La part la plus basse d'abord. Les communes sans EPCI (quatre îles) ne figurent dans aucune ligne ; un "
    "EPCI à cheval sur plusieurs départements compte ici ses seules communes du territoire choisi."
)

st.header("Où ouvrir les prochaines fabriques")
missing = max(0, view.targets.fabriques - len(shared_work.fabriques(view)))
c1, c2, c3 = st.columns(3)
k = c1.number_input(
    "Nouvelles fabriques",
    min_value=0,
    max_value=300,
    value=min(missing, 100),
    step=1,
    key="couverture_k",
    help=f"Par défaut, ce qu'il manque pour atteindre {view.targets.fabriques} fabriques ({missing}).",
)
min_population = c2.number_input(
    "Population minimale d'une commune candidate",
    min_value=0,
    value=5000,
    step=1000,
    key="couverture_population",
)
first_white = c3.checkbox(
    "Zones blanches d'abord",
    key="couverture_zones_blanches",
    help="Donner d'abord une fabrique à chaque département qui n'en a aucune, puis continuer.",
)
suggestions = shared_work.suggestions(
    view, view.territory, int(k), radius, int(min_population), first_white
)

if view.territory.epci:  # the EPCI's own outline, its neighbours in grey
    map_frame.show_map(
        maps.coverage_map,
        by_epci,
        covered["drawn"],
        suggestions,
        radius,
        focus=[view.territory.epci],
        epci_region=view.territory.region,
        key="carte_couverture",
        height=620,
    )
else:
    map_frame.show_map(
        maps.coverage_map,
        covered["by_departement"],
        covered["drawn"],
        suggestions,
        radius,
        focus=view.territory.focus,
        key="carte_couverture",
        height=620,
    )
st.caption(
    f"Carte {'de l’EPCI' if view.territory.epci else 'des départements'} selon la part de leur population à moins de "
    f"{radius} km d'une fabrique ; en gris, les "
    f"{fmt.number(covered['uncovered'])} communes plus éloignées ({fmt.number(covered['uncovered_population'])} habitants ; "
    f"celles de plus de 2 000 habitants sont dessinées) ; en bleu numéroté, les {len(suggestions)} sites suggérés. "
    f"Départements sans fabrique : {', '.join(covered['white']) or 'aucun'}."
)

st.dataframe(
    suggestions,
    hide_index=True,
    width="stretch",
    column_order=[
        "rang",
        "nom_commune",
        "code_departement",
        "nom_epci",
        "population",
        "population_gagnee",
        "part_couverte_cumulee",
    ],
    column_config={
        # pinned, as the EPCI's name above: at 1 024 px the figures are scrolled to, beside the commune they are for
        "rang": st.column_config.NumberColumn("Ordre", pinned=True),
        "nom_commune": st.column_config.TextColumn("Commune", pinned=True),
        "code_departement": "Département",
        "nom_epci": "EPCI",
        "population": st.column_config.NumberColumn("Population", format="localized"),
        "population_gagnee": st.column_config.NumberColumn("Habitants gagnés", format="localized"),
        "part_couverte_cumulee": st.column_config.NumberColumn(
            "Part couverte (cumul)", format="percent", step=0.001
        ),
    },
)
downloads.offer(
    st,
    "Télécharger les suggestions (CSV)",
    partial(export.to_csv_bytes, suggestions.drop(columns=["lon", "lat"])),
    f"gen-suggestions-{radius}km.csv",
    "text/csv",
    key="couverture_export",
    icon=":material/download:",
)

with st.expander("Méthode et limites", expanded=False):
    st.markdown(f"""
- **Distance** : pour chaque commune (son point de référence et sa population légale), la distance à vol d'oiseau
  jusqu'à la fabrique la plus proche, sur la sphère terrestre. Ce n'est pas un temps de trajet : une montagne, un bras
  de mer ou l'absence de transport en commun ne sont pas pris en compte.
- **Population à portée** : la somme des populations des communes à moins de {radius} km d'une fabrique. Une commune
  compte en entier ou pas du tout, selon son point.
- **Sites suggérés** : parmi les communes d'au moins {fmt.number(min_population)} habitants du territoire choisi, on choisit
  tour à tour celle qui met le plus d'habitants nouveaux à moins de {radius} km (méthode gloutonne). Ce choix est vérifié,
  sur des cas assez petits pour être résolus exactement, contre l'optimum du problème de couverture maximale. Les
  fabriques existantes, y compris hors du territoire, comptent toutes.
- Les fabriques situées seulement par leur département (sans commune ni coordonnées) ne sont pas prises en compte ici.
""")
