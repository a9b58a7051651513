"""The snapshot's canonical columns: one definition used to read files and to publish the Table Schema."""

from __future__ import annotations

from dataclasses import dataclass, field

from gen_dash.text import fold


@dataclass(frozen=True)
class Column:
    """One canonical column of a snapshot."""

    name: str
    type: str  # Table Schema type: string, integer, number, date
    title: str
    description: str
    required: bool = False
    minimum: int | None = None
    pattern: str | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)
    # the only values allowed (Table Schema's ``enum`` constraint), when given
    enum: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "id_formation",
        "string",
        "Identifiant de la formation",
        "Identifiant unique de la formation dans l'instantané.",
        True,
        aliases=("identifiant formation", "id", "identifiant", "code formation"),
    ),
    Column(
        "nom_formation",
        "string",
        "Intitulé de la formation",
        "Intitulé de la formation labellisée.",
        True,
        aliases=(
            "intitule de la formation",
            "intitule formation",
            "intitule",
            "formation",
            "nom de la formation",
            "libelle de la formation",
            "libelle formation",
        ),
    ),
    Column(
        "nom_fabrique",
        "string",
        "Nom de la fabrique",
        "Nom de la fabrique du numérique qui porte la formation.",
        True,
        aliases=("fabrique", "nom de la fabrique", "fabrique du numerique"),
    ),
    Column(
        "id_fabrique",
        "string",
        "Identifiant de la fabrique",
        "Identifiant de la fabrique ; à défaut, la fabrique est reconnue par son nom normalisé et sa commune "
        "(ou son département).",
        aliases=("identifiant fabrique", "identifiant de la fabrique"),
    ),
    Column(
        "porteur",
        "string",
        "Structure porteuse",
        "Structure qui porte le projet.",
        aliases=(
            "structure porteuse",
            "porteur de projet",
            "porteur du projet",
            "structure",
            "organisme",
            "organisme porteur",
        ),
    ),
    Column(
        "vague",
        "integer",
        "Vague de labellisation",
        "Numéro de la vague de labellisation (1, 2, ...).",
        True,
        minimum=1,
        aliases=("vague de labellisation", "numero de vague"),
    ),
    Column(
        "date_labellisation",
        "date",
        "Date de labellisation",
        "Date de labellisation, 2016-12-15 ou 15/12/2016.",
        aliases=("date de labellisation", "date label", "labellisee le"),
    ),
    Column(
        "metier",
        "string",
        "Métier visé",
        "Famille de métiers à laquelle la formation prépare.",
        aliases=("metier vise", "metiers", "famille de metiers", "famille metier"),
    ),
    Column(
        "code_commune",
        "string",
        "Code INSEE de la commune",
        "Code officiel géographique de la commune (5 caractères : 93066, 2A004, 97411).",
        pattern=r"^([0-9]{2}|2[AB])[0-9]{3}$",
        aliases=(
            "code insee",
            "insee",
            "code insee commune",
            "code commune insee",
            "cog",
            "insee com",
            "insee commune",
            "codgeo",
            "com code",
            "code com",
            "depcom",
        ),
    ),
    Column(
        "code_postal",
        "string",
        "Code postal",
        "Code postal à 5 chiffres.",
        pattern=r"^[0-9]{5}$",
        aliases=(
            "cp",
            "code postal commune",
            "code postal etablissement",
            "cp etablissement",
            "code postal structure",
        ),
    ),
    Column(
        "commune",
        "string",
        "Commune",
        "Nom de la commune.",
        aliases=(
            "nom commune",
            "nom de la commune",
            "ville",
            "libelle commune",
            "lib com",
            "libelle de la commune",
            "libcom",
            "nom com",
        ),
    ),
    Column(
        "code_departement",
        "string",
        "Département",
        "Code du département (01 à 95, 2A, 2B, 971 à 974, 976) ; un nom de département est accepté aussi.",
        aliases=(
            "departement",
            "dep",
            "dept",
            "code departement",
            "code dep",
            "num departement",
            "insee dep",
            "code insee departement",
            "numero departement",
        ),
    ),
    Column(
        "latitude",
        "number",
        "Latitude",
        "Latitude WGS84 en degrés décimaux.",
        aliases=("lat", "y", "y latitude", "latitude y", "coordonnee y", "wgs84 lat"),
    ),
    Column(
        "longitude",
        "number",
        "Longitude",
        "Longitude WGS84 en degrés décimaux.",
        aliases=(
            "lon",
            "lng",
            "long",
            "x",
            "x longitude",
            "longitude x",
            "coordonnee x",
            "wgs84 lon",
        ),
    ),
    Column(
        "places",
        "integer",
        "Places prévues",
        "Nombre d'apprenants prévus.",
        minimum=0,
        aliases=("places prevues",),
    ),
    Column(
        "apprenants",
        "integer",
        "Apprenants",
        "Nombre d'apprenants inscrits.",
        True,
        minimum=0,
        aliases=("effectif", "effectifs", "apprenants inscrits", "inscrits", "d apprenants"),
    ),
    Column(
        "apprenants_femmes",
        "integer",
        "Dont femmes",
        "Nombre d'apprenantes (au plus le nombre d'apprenants).",
        True,
        minimum=0,
        aliases=("dont femmes", "femmes", "apprenantes", "de femmes"),
    ),
    Column(
        "apprenants_neet",
        "integer",
        "Dont jeunes peu ou pas qualifiés (NEET)",
        "Apprenants sans emploi ni formation à leur entrée en formation, quel que soit leur âge (définition des "
        "chiffres clés 2017 du programme ; au plus le nombre d'apprenants).",
        True,
        minimum=0,
        aliases=(
            "dont jeunes neet",
            "jeunes neet",
            "neet",
            "dont neet",
            "jeunes peu ou pas qualifies",
            "dont jeunes peu ou pas qualifies",
            "de jeunes neet",
        ),
    ),
    Column(
        "apprenants_boursiers",
        "integer",
        "Dont boursiers",
        "Apprenants bénéficiant de l'aide financière (au plus le nombre d'apprenants).",
        minimum=0,
        aliases=("boursiers", "dont boursiers", "de boursiers"),
    ),
    Column(
        "apprenants_qpv",
        "integer",
        "Dont habitants des quartiers prioritaires (QPV)",
        "Apprenants habitant un quartier prioritaire de la politique de la ville (au plus le nombre d'apprenants).",
        minimum=0,
        aliases=(
            "dont qpv",
            "qpv",
            "apprenants qpv",
            "habitants qpv",
            "dont habitants qpv",
            "quartiers prioritaires",
            "de qpv",
        ),
    ),
    Column(
        "sorties_positives",
        "integer",
        "Sorties positives",
        "Apprenants en emploi ou en formation six mois après (au plus le nombre d'apprenants).",
        minimum=0,
        aliases=(
            "dont sorties positives",
            "sorties positives",
            "sorties emploi formation",
            "de sorties positives",
        ),
    ),
    Column(
        "gratuite",
        "string",
        "Formation gratuite",
        "La formation est-elle gratuite pour l'apprenant : oui ou non "
        "(aussi o, n, vrai, faux, 1, 0, gratuite, payante).",
        pattern=r"^(oui|non)$",
        aliases=("gratuite", "formation gratuite", "gratuit", "gratuite pour l apprenant"),
    ),
    Column(
        "subvention_eur",
        "number",
        "Subvention (€)",
        "Montant de la subvention en euros.",
        minimum=0,
        aliases=(
            "subvention",
            "montant subvention",
            "montant de la subvention",
            "subvention eur",
            "subvention euros",
        ),
    ),
    Column(
        "date_extraction",
        "date",
        "Date d'extraction",
        "Date de l'instantané.",
        aliases=("date d extraction", "date de l extraction", "extrait le"),
    ),
)

BY_NAME = {c.name: c for c in COLUMNS}
# The columns the reading adds, as tables show them.
DERIVED_TITLES = {
    "ligne": "Ligne du fichier",
    "code_region": "Région",
    "cle_fabrique": "Clé de fabrique",
    "localisation": "Situé par",
    "famille_metier": "Famille de métiers",
    "code_epci": "EPCI",
}
REQUIRED = tuple(c.name for c in COLUMNS if c.required)
# Plausible values (« effectif démesuré » beyond): no total can overflow, and a typo of a few zeros is caught.
# A formation of more learners than the whole programme's target, or a subsidy above a wave's envelope, is a typo.
LARGEST = {
    "places": 10_000,
    "apprenants": 10_000,
    "apprenants_femmes": 10_000,
    "apprenants_neet": 10_000,
    "apprenants_boursiers": 10_000,
    "apprenants_qpv": 10_000,
    "sorties_positives": 10_000,
    "subvention_eur": 5_000_000,
}
PROGRAMME_START = "2015-01-01"  # the programme's first labels: a date before it is a typo
COUNT_COLUMNS = (
    "apprenants_femmes",
    "apprenants_neet",
    "apprenants_boursiers",
    "apprenants_qpv",
    "sorties_positives",
)
# The programme's other reported indicators: optional; shown only when a snapshot gives them.
REPORTED_COLUMNS = ("apprenants_qpv", "sorties_positives", "gratuite")
# A file with none of these (or all of them empty on every row) is a list of formations: valid, without learner figures.
LEARNER_COLUMNS = ("apprenants", "apprenants_femmes", "apprenants_neet")

_PREFIXES = ("nombre d ", "nombre de ", "nombre ", "nb d ", "nb de ", "nb ")


def header_key(header: str) -> str:
    """Matching key of a header: accents, case, punctuation, spaces and a ``nb``/``nombre de`` prefix ignored."""
    key = fold(header)
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix) :]
            break
    return key.replace(" ", "")


ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _text in (_column.name, _column.title, *_column.aliases):
        ALIASES.setdefault(header_key(_text), _column.name)


def canonical_name(header: str) -> str | None:
    """Canonical column for a header as written in a file, or ``None`` for another column."""
    return ALIASES.get(header_key(header))
