"""pages/overview.py through AppTest: the key figures worked out by hand for France, a région and a département,
what they are measured against, the four objectives, the programme's published figures beside them."""

from __future__ import annotations

import json
import re

from gen_dash import fmt, metrics, store
from gen_dash.ingest import read_snapshot
from tests.conftest import hand_csv, make_csv, row
from tests.support.apptest import (
    LATEST,
    NBSP,
    NNBSP,
    headline,
    headline_with_references,
    sample_id,
    start,
    upload,
)
from tests.support.expected import WEB, communes_of, months_between, months_since, share_within
from ui import session, sources

# The hand-computed snapshot of tests/conftest.py, as the overview must show it (worked out by hand there).
HAND_FRANCE = {
    "Fabriques labellisées": ("5", f"2,5{NBSP}% de l'objectif (200)"),
    "Apprenants": ("140", f"1,4{NBSP}% de l'objectif (10{NNBSP}000)"),
    "Part de femmes": (f"29,3{NBSP}%", f"0,7{NBSP}point sous le quota de 30{NBSP}%"),
    "Part de jeunes NEET": (f"54,3{NBSP}%", f"4,3{NBSP}points au-dessus du quota de 50{NBSP}%"),
    "Départements couverts": ("3", "3 sur 101 départements"),
    "Subventions accordées": (
        f"70{NNBSP}000{NBSP}€",
        f"0,5{NBSP}% de l'enveloppe (15{NNBSP}000{NNBSP}000{NBSP}€)",
    ),
}
HAND_OCCITANIE = {
    "Fabriques labellisées": ("3", f"60,0{NBSP}% du total national"),
    "Apprenants": ("70", f"50,0{NBSP}% du total national"),
    "Part de femmes": (f"30,0{NBSP}%", f"au quota de 30{NBSP}%"),
    "Part de jeunes NEET": (f"52,9{NBSP}%", f"2,9{NBSP}points au-dessus du quota de 50{NBSP}%"),
    "Départements couverts": ("2", "2 sur 13 départements de la région"),
    "Subventions accordées": (f"35{NNBSP}000{NBSP}€", f"50,0{NBSP}% du total national"),
}
HAND_HAUTE_GARONNE = {
    "Fabriques labellisées": ("2", f"40,0{NBSP}% du total national"),
    "Apprenants": ("45", f"32,1{NBSP}% du total national"),
    "Part de femmes": (f"24,4{NBSP}%", f"5,6{NBSP}points sous le quota de 30{NBSP}%"),
    "Part de jeunes NEET": (f"55,6{NBSP}%", f"5,6{NBSP}points au-dessus du quota de 50{NBSP}%"),
    "Département couvert": ("couvert", ""),
    "Subventions accordées": (f"23{NNBSP}000{NBSP}€", f"32,9{NBSP}% du total national"),
}


def test_headline_by_hand_nation_region_departement():
    at = upload(start(), hand_csv(), "a-la-main.csv")
    assert headline_with_references(at) == HAND_FRANCE
    at.sidebar.selectbox(key=session.REGION).select("76").run()
    assert headline_with_references(at) == HAND_OCCITANIE
    # 50 % of the learners exactly: no « à vérifier » (the first warning is the upload's)
    assert not at.warning[1:]
    at.sidebar.multiselect(key=session.DEPARTEMENTS).select("31").run()
    assert headline_with_references(at) == HAND_HAUTE_GARONNE
    at.sidebar.selectbox(key=session.REGION).select(None).run()
    assert headline_with_references(at) == HAND_FRANCE


def test_an_absurd_figure_is_flagged_to_check():
    at = upload(
        start(),
        hand_csv(apprenants="100", apprenants_femmes="30", apprenants_neet="50"),
        "enorme.csv",
    )
    assert headline(at)["Apprenants"] == "600"
    at = upload(
        start(),
        make_csv(
            [
                row(
                    id_formation=f"X{i}",
                    apprenants="9000",
                    apprenants_femmes="3000",
                    apprenants_neet="5000",
                )
                for i in range(3)
            ]
        ),
        "absurde.csv",
    )
    warnings = [w.value for w in at.warning]
    assert any(
        w.startswith("À vérifier : Apprenants : 27") and "270,0" in w and "règle : plus de 200" in w
        for w in warnings
    ), warnings


def test_overview_says_the_four_objectives_for_the_territory():
    at = upload(start({"region": "76"}), hand_csv(), "a-la-main.csv")
    lines = [m.value.replace("\\", "") for m in at.markdown if re.match(r"\*\*[1-4]\. ", m.value)]
    hand = read_snapshot(hand_csv()).rows
    share = share_within(communes_of("76"), metrics.fabriques_of(hand), 30)
    history = store.history(sources.engine())
    dates = sorted(set(history["date_instantane"]))
    first, latest, count = dates[0], dates[-1], len(dates)
    assert lines == [
        "**1. Un réseau de formations d'excellence sur tout le territoire.** 2 sur 13 départements de la région ont au "
        f"moins une formation ; 3 sur 164 EPCI de la région en ont au moins une ; {fmt.percent(share)} de la population "
        "vit à moins de 30 km d'une fabrique.",
        "**2. Des formations qui répondent aux besoins économiques et sociaux.** 3 famille(s) de métiers proposée(s) ; "
        f"les plus grandes : {WEB} (50,0{NBSP}% des formations), Médiation numérique (25,0{NBSP}% des formations), "
        f"Réseaux, systèmes et support (25,0{NBSP}% des formations).",
        # The published history (the bundled samples, 1 March 2016 – 31 December 2017, and what other tests of this
        # worker published): read from the store; the upload is not in it.
        "**3. Une veille continue sur les besoins en métiers et compétences du numérique.** Dernier instantané publié : "
        f"{fmt.day(latest)}, il y a {months_since(latest)} mois ; l'historique couvre "
        f"{months_between(first, latest)} mois ({count} instantané(s) daté(s)).",
        f"**4. Des approches innovantes pour les publics éloignés de l'emploi.** Jeunes NEET : 52,9{NBSP}% (2,9{NBSP}points "
        f"au-dessus du quota de 50{NBSP}%).",
    ]
    links = [(link.proto.label, link.proto.page) for link in at.get("page_link")]
    assert [label for label, _ in links][:4] == [
        "Voir la couverture territoriale",
        "Voir les métiers",
        "Voir l'évolution dans le temps",
        "Voir les quotas",
    ]


def test_overview_objectives_give_boursiers_and_qpv_when_the_file_does():
    at = start()
    at.sidebar.selectbox(key=session.SNAPSHOT).select(sample_id("2017-12-31")).run()
    rows = read_snapshot(LATEST).rows
    line = next(m.value.replace("\\", "") for m in at.markdown if m.value.startswith("**4. "))
    boursiers = rows["apprenants_boursiers"].sum() / rows["apprenants"].sum()
    qpv = rows["apprenants_qpv"].sum() / rows["apprenants"].sum()
    assert f"boursiers : {fmt.percent(boursiers)}" in line
    assert f"habitants des quartiers prioritaires : {fmt.percent(qpv)}" in line


def test_published_figures_beside_the_key_figures_on_evolution_and_quotas():
    at = start()
    at.sidebar.selectbox(key=session.SNAPSHOT).select(sample_id("2017-12-31")).run()
    beside = [c.value.replace("\\", "") for c in at.caption if c.value.startswith("chiffre publié")]
    # the end-2017 sample is calibrated on the key figures of 2017: the same 9 582 learners, 23,6 % women for 24 %
    assert (
        f"chiffre publié : 9{NNBSP}582 en 2017 (GIP Grande École du Numérique, Chiffres clés 2017, 2018-06) ; "
        "cet instantané donne le même chiffre." in beside
    )
    assert any(
        line.startswith(f"chiffre publié : 24{NBSP}% en 2017")
        and f"0,4{NBSP}point de moins" in line
        for line in beside
    )
    listed = next(m.value for m in at.markdown if m.value.startswith("- **"))
    assert "- **Part d'apprenants de moins de 26 ans (en 2017)** : publié 46" in listed.replace(
        "\\", ""
    )
    assert not at.dataframe  # the first page of a visit loads no data grid
    at.switch_page("pages/quotas.py").run()
    assert not at.exception
    assert any(
        "sans emploi ni formation à leur entrée en formation" in m.value for m in at.markdown
    )
    # the three published definitions of NEET, a line each, not a grid
    definitions = next(m.value for m in at.markdown if "Définition :" in m.value).splitlines()
    assert [line.split("** : ")[1].split(",")[0] for line in definitions] == [
        f"65{NBSP}%",
        f"46{NBSP}%",
        f"31{NBSP}%",
    ]
    at.switch_page("pages/evolution.py").run()
    assert not at.exception
    learners = next(
        json.loads(c.proto.spec) for c in at.get("plotly_chart") if '"Apprenants"' in c.proto.spec
    )
    assert [t["marker"].get("symbol") for t in learners["data"][1:3]] == ["diamond", "diamond-open"]
    said = next(m.value for m in at.markdown if "Source :" in m.value).splitlines()
    assert any(f"** : 9{NNBSP}582, compté comme les instantanés." in line for line in said), said
    assert any("(en février 2016)** : 171, compté comme les instantanés." in line for line in said)
