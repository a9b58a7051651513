"""The pages a French public service must publish, and the glossary: their texts, from the settings.

Publisher, publication director, host, contact and the retention of login addresses are deployment settings
(:data:`gen_dash.config.SETTINGS`); while one is unset its place says so in brackets (« [éditeur à renseigner :
GEN_DASH_EDITEUR] ») and :func:`unset_settings` names it for the server's log. Nothing here imports Streamlit: the
pages (``pages/accessibility.py, legal_notice.py, personal_data.py``) show these texts.
"""

from __future__ import annotations

from dataclasses import dataclass

from gen_dash import config

LEGAL_SETTINGS = {
    "GEN_DASH_EDITEUR": "éditeur",
    "GEN_DASH_DIRECTEUR_PUBLICATION": "directeur ou directrice de la publication",
    "GEN_DASH_HEBERGEUR": "hébergeur (nom, adresse, téléphone)",
    "GEN_DASH_CONTACT": "adresse de contact",
}
DEFENSEUR = (
    "**Voies de recours.** Si vous nous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un "
    "contenu ou à un service et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez saisir le "
    "**Défenseur des droits** : par le formulaire en ligne (https://formulaire.defenseurdesdroits.fr/), en "
    "contactant le délégué du Défenseur des droits de votre région, ou par courrier postal, gratuit et sans "
    "timbre : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07."
)


def value(name: str) -> str:
    """A legal setting, or its placeholder in brackets while it is unset."""
    return config.setting(name) or f"[{LEGAL_SETTINGS[name]} à renseigner : {name}]"


def unset_settings() -> list[str]:
    """The legal settings not given yet (the server says them in its log at start-up)."""
    return [name for name in LEGAL_SETTINGS if not config.setting(name)]


def retention_days() -> int:
    """Days the addresses of editor login attempts are kept (``GEN_DASH_CONSERVATION_JOURS``, default 90)."""
    return config.whole_setting("GEN_DASH_CONSERVATION_JOURS", 90)


def accessibility_statement() -> str:
    """The RGAA accessibility statement, in Markdown: its compliance state said honestly (no full audit yet: « non
    conforme »), what the automatic checks verify (:data:`CHECKED`), the content known not to be accessible
    (:data:`KNOWN_LIMITS`), a contact and the recourse to the Défenseur des droits."""
    checks = "\n".join(f"- {line}" for line, _ in CHECKED)
    limits = "\n".join(f"- {line}" for line in KNOWN_LIMITS)
    return f"""{value("GEN_DASH_EDITEUR")} s'engage à rendre ce tableau de bord accessible, conformément à l'article 47
de la loi n° 2005-102 du 11 février 2005. Cette déclaration s'applique au tableau de bord de la Grande école du
numérique (gen-dash).

## État de conformité

Le tableau de bord est **non conforme** au référentiel général d'amélioration de l'accessibilité (RGAA 4.1) : il n'a
pas encore fait l'objet d'un audit complet par une personne, seul à même de mesurer un taux de conformité. Il le
restera dans cette déclaration tant que cet audit n'aura pas été fait.

## Ce qui est vérifié

Vérifié automatiquement à chaque modification du code (tests `tests/test_accessibility.py`, `tests/test_browser.py`,
`tests/test_classes.py`), dans un vrai navigateur (Chromium) :

{checks}

Méthode : axe-core 4 (règles WCAG 2.1 A et AA) et des tests écrits pour ce tableau de bord (clavier, textes de
remplacement, contrastes calculés, largeurs d'écran de 390 à 1 920 px). Technologies : HTML5, CSS, JavaScript
(Streamlit, Leaflet, Plotly).

## Contenus non accessibles

{limits}

**Dérogations** : aucune. **Contenus non soumis à l'obligation** : aucun.

## Retour d'information et contact

Si vous n'arrivez pas à accéder à un contenu ou à un service, écrivez à {value("GEN_DASH_CONTACT")} : nous vous
répondrons et vous donnerons l'information sous une autre forme.

{DEFENSEUR}
"""


def legal_notice() -> str:
    """The *mentions légales*, in Markdown."""
    return f"""## Éditeur

{value("GEN_DASH_EDITEUR")}

## Directeur ou directrice de la publication

{value("GEN_DASH_DIRECTEUR_PUBLICATION")}

## Hébergement

{value("GEN_DASH_HEBERGEUR")}

## Contact

{value("GEN_DASH_CONTACT")}

## Données et licences

Les instantanés publiés sont diffusés sous {config.setting("GEN_DASH_LICENCE") or "Licence Ouverte 2.0"} (API
`/api/`). Les instantanés d'exemple fournis avec le tableau de bord sont des **données illustratives**, générées, et
non des chiffres officiels du programme. Contours : IGN, Admin Express COG ; codes, noms et populations : INSEE, Code
officiel géographique, sous Licence Ouverte (Etalab). Les chiffres publiés par le programme (« chiffres publiés »)
sont cités avec leur source.

## Logiciel

gen-dash, tableau de bord de la Grande école du numérique : Streamlit, pandas, GeoPandas, folium, Plotly.
"""


def personal_data() -> str:
    """What personal data the dashboard keeps, why, how long, who sees it, how to ask for it; in Markdown."""
    days = retention_days()
    return f"""Le tableau de bord se consulte sans compte et sans cookie de mesure d'audience. Il garde peu de
données personnelles, toutes liées à la **publication** des instantanés. Responsable du traitement :
{value("GEN_DASH_EDITEUR")}.

{_table(_kept_items(days))}

Base légale : l'exécution d'une mission d'intérêt public (suivi du programme). Vous pouvez demander l'accès à ces
données, leur rectification ou leur effacement en écrivant à {value("GEN_DASH_CONTACT")}. Si vous estimez, après nous
avoir contactés, que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL
(https://www.cnil.fr/).
"""


# What the accessibility statement says is checked, each with the test that checks it (a test holds them together:
# the statement never claims a check that does not run).
CHECKED = (
    (
        "aucune violation axe-core d'impact « modéré » ou plus sur chaque page, vue pour un département de sa "
        "région (la vue qui montre le plus), pour la France là où la vue nationale a ses propres éléments (accueil, "
        "carte, couverture), et dans le cadre de chaque carte",
        "tests/test_accessibility.py::test_each_view_is_french_with_its_own_title_and_axe_finds_nothing",
    ),
    (
        "de même après le dépôt d'un fichier qui a des lignes rejetées",
        "tests/test_accessibility.py::test_axe_on_an_upload_with_errors",
    ),
    (
        'chaque page en français (`lang="fr"`) avec un titre qui lui est propre',
        "tests/test_accessibility.py::test_each_view_is_french_with_its_own_title_and_axe_finds_nothing",
    ),
    (
        "la carte atteinte et zoomée au clavier, en moins de 10 tabulations",
        "tests/test_accessibility.py::test_the_map_is_reached_and_zoomed_by_keyboard",
    ),
    (
        "un lien d'évitement qui mène de la carte à la liste des fabriques (un tableau)",
        "tests/test_accessibility.py::test_the_skip_link_leads_to_the_list_of_fabriques",
    ),
    (
        "chaque page à un clic, sans chiffre coupé, de 1 024 à 1 920 px et sur téléphone (390 px)",
        "tests/test_browser.py::test_every_page_is_one_click_away_at_every_width_and_no_figure_is_cut",
    ),
    (
        "les textes et barres contrastés (4,5:1 et 3:1), les classes des cartes distinctes dans les trois "
        "daltonismes courants",
        "tests/test_classes.py::test_map_classes_are_readable_and_told_apart_in_every_common_vision",
    ),
)
# Known limits, as the README's accessibility section lists them.
KNOWN_LIMITS = (
    "Les tableaux interactifs (tri, recherche) sont dessinés dans un canevas, moins commodes au lecteur d'écran : "
    "chaque graphique a aussi son tableau « Voir les données », et les exports CSV donnent les mêmes chiffres ; la "
    "liste des fabriques de la Carte, où mène son lien d'évitement, est un tableau de texte.",
    "La légende d'un graphique est son nom accessible et le texte qui le suit, pas un `aria-describedby`.",
    "Les icônes de Streamlit sont des ligatures de police (« upload ») : masquées aux lecteurs d'écran, mais lisibles "
    "si la police ne se charge pas.",
    "Les textes du cadre de Streamlit sont traduits en français à mesure qu'ils apparaissent : un texte nouveau d'une "
    "version future pourrait apparaître en anglais jusqu'à sa traduction (un test le signale).",
)


def _kept_items(days: int) -> tuple[tuple[str, str, str, str], ...]:
    return (
        (
            "le nom que donne une personne qui publie ou retire un instantané",
            "savoir qui a publié quoi (journal des publications)",
            "aussi longtemps que l'historique du programme",
            "les visiteurs du tableau de bord (page Données) ; l'API seulement si `GEN_DASH_API_AUTEURS` le permet",
        ),
        (
            "l'adresse IP d'une tentative de connexion éditeur, et l'heure",
            "compter les échecs et suspendre une adresse qui devine le mot de passe",
            f"{days} jours, puis effacée",
            "les administrateurs du serveur",
        ),
        (
            "l'identité OpenID Connect (adresse électronique) d'un éditeur connecté",
            "vérifier qu'il est éditeur",
            "le temps de sa session (jamais enregistrée)",
            "personne",
        ),
        (
            "un fichier déposé et non publié",
            "le lire et montrer ses chiffres à la personne qui l'a déposé",
            "le temps de sa session",
            "cette personne seule",
        ),
        (
            "le cookie `gendash_route` (derrière nginx)",
            "ramener un visiteur sur le serveur de sa session",
            "30 jours",
            "personne : le numéro d'un serveur, le même pour tous ses visiteurs",
        ),
    )


def _table(rows) -> str:
    head = "| donnée | pourquoi | combien de temps | qui la voit |\n|---|---|---|---|\n"
    return head + "\n".join("| " + " | ".join(row) + " |" for row in rows)


@dataclass(frozen=True)
class Term:
    """One word the figures rest on."""

    term: str
    definition: str
    source: str


GLOSSARY = (
    Term(
        "Fabrique du numérique",
        "Structure labellisée par le programme qui porte une ou plusieurs formations "
        "(une association, un organisme de formation, une école…). Le programme visait 200 fabriques fin 2017.",
        "Communication du Conseil des ministres, 22 septembre 2016",
    ),
    Term(
        "Formation labellisée",
        "Formation aux métiers du numérique retenue lors d'une vague de labellisation ; une "
        "ligne d'un instantané.",
        "Contrat de fichier (docs/contrat-fichier.md)",
    ),
    Term(
        "Vague de labellisation",
        "Appel à projets au terme duquel des formations sont labellisées : vague 1 "
        "(automne 2015, 171 formations, 130 fabriques), vague 2 (23 août 2016), vague 3 (2018).",
        "Conseil des ministres, 22 septembre 2016 ; presse, 2018",
    ),
    Term(
        "Apprenant, apprenante",
        "Personne inscrite à une formation labellisée, comptée dans la colonne "
        "`apprenants` d'un instantané (cumul des inscriptions à la date de l'instantané). Objectif : 10 000 fin "
        "2017.",
        "Contrat de fichier",
    ),
    Term(
        "Jeune NEET (« ni en emploi, ni en études, ni en formation »)",
        "Trois définitions publiées par le programme pour 2017 : **65 %** des apprenants étaient sans emploi ni "
        "formation à leur entrée (tout âge) ; **46 %** avaient moins de 26 ans ; **31 %** étaient les deux à la "
        "fois. Le tableau de bord suit **la première** (colonne `apprenants_neet` du contrat de fichier) : c'est "
        "dans celle-ci que la jauge mesure le quota de 50 %. La plus étroite est la plus proche des mots du "
        "programme (« jeunes peu ou pas qualifiés, ni en emploi, ni en formation »).",
        "Chiffres clés 2017 (GIP Grande École du Numérique, 2018) ; contrat de fichier",
    ),
    Term(
        "Quota",
        "Part minimale d'un public parmi les apprenants : 30 % de femmes, 50 % de jeunes NEET. Un quota est "
        "un seuil : l'écart se dit en points (« 6,4 points sous le quota de 30 % »).",
        "Conseil des ministres, 22 septembre 2016",
    ),
    Term(
        "Objectif",
        "Quantité à atteindre à une échéance : 200 fabriques et 10 000 apprenants au 31 décembre 2017 "
        "(fichier `data/targets.toml`).",
        "Conseil des ministres, 22 septembre 2016",
    ),
    Term(
        "Zone blanche",
        "Territoire (département ou intercommunalité) sans aucune fabrique, ou population à plus de R km "
        "de la fabrique la plus proche (page Couverture).",
        "Définition du tableau de bord",
    ),
    Term(
        "Quartier prioritaire (QPV)",
        "Quartier prioritaire de la politique de la ville ; la part d'apprenants qui y "
        "habitent (17 % en 2017).",
        "Chiffres clés 2017",
    ),
    Term(
        "Sortie positive",
        "Apprenant en emploi ou en formation six mois après la fin de sa formation (74 % en 2017).",
        "Chiffres clés 2017 ; contrat de fichier",
    ),
    Term(
        "Intercommunalité (EPCI)",
        "Établissement public de coopération intercommunale : communauté de communes, "
        "d'agglomération, urbaine, métropole. Une formation y est placée par sa commune.",
        "INSEE, Code officiel géographique",
    ),
    Term(
        "Instantané",
        "L'état de la liste des formations à une date (une extraction), déposé puis publié ; on compare "
        "les instantanés pour suivre le programme.",
        "Contrat de fichier",
    ),
)

BY_TERM = {t.term: t for t in GLOSSARY}
# The glossary's word behind each key figure: its definition is the figure's help, where it is read.
_TERM_OF = {
    "fabriques": "Fabrique du numérique",
    "apprenants": "Apprenant, apprenante",
    "part_neet": "Jeune NEET (« ni en emploi, ni en études, ni en formation »)",
    "part_femmes": "Quota",
    "part_qpv": "Quartier prioritaire (QPV)",
    "part_sorties_positives": "Sortie positive",
}


def definition(key: str) -> str | None:
    """The glossary's definition of what the figure *key* counts (its help on screen), or None."""
    term = _TERM_OF.get(key)
    return f"{term} : {BY_TERM[term].definition}" if term else None
