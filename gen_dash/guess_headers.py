"""What a header says a column is: the contract's aliases, the synonyms lists use, after a prefix, near spellings.

One half of the guess (:mod:`gen_dash.guess`): it reads the header alone; the other half checks the column's content.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from gen_dash.schema import ALIASES, header_key
from gen_dash.text import fold

# Headers lists use for the contract's columns, beside the contract's own aliases (keys as :func:`header_key`).
SYNONYMS = {
    **dict.fromkeys(
        (
            "nom",
            "name",
            "nomdulieu",
            "nomlieu",
            "nomstructure",
            "nomdelastructure",
            "raisonsociale",
            "denomination",
            "enseigne",
            "nometablissement",
            "nomdeletablissement",
            "nomsite",
            "nomdusite",
            "libelle",
            "title",
            "titre",
            "lieu",
        ),
        "nom",
    ),
    **dict.fromkeys(
        ("codepostal", "postcode", "zipcode", "zip", "postalcode", "cpostal", "codepostale"),
        "code_postal",
    ),
    **dict.fromkeys(
        (
            "city",
            "localite",
            "town",
            "municipality",
            "commune",
            "villeacheminement",
            "acheminement",
            "nomville",
            "libelleville",
        ),
        "commune",
    ),
    **dict.fromkeys(
        (
            "codeinsee",
            "citycode",
            "inseecode",
            "codecommune",
            "cityinsee",
            "codeinseecommune",
            "codecom",
            "insee",
        ),
        "code_commune",
    ),
    **dict.fromkeys(
        ("department", "departmentcode", "codedept", "numdep", "numerodepartement", "depcode"),
        "code_departement",
    ),
    **dict.fromkeys(("geolat", "gpslat", "coordlat", "latitudewgs84", "lat"), "latitude"),
    **dict.fromkeys(
        ("geolon", "geolng", "gpslon", "gpslng", "coordlon", "longitudewgs84", "lon", "lng"),
        "longitude",
    ),
    **dict.fromkeys(("siret", "numerosiret", "siren", "idstructure", "idlieu"), "id_fabrique"),
    **dict.fromkeys(("operateur", "gestionnaire", "structureporteuse", "organisation"), "porteur"),
    **dict.fromkeys(("wave", "numerovague"), "vague"),
}
_PREFIXES = (
    "adresse ",
    "address ",
    "adr ",
    "dn ",
    "result ",
    "geo ",
    "coord ",
    "lieu ",
    "site ",
    "etablissement ",
    "etab ",
    "structure ",
)
_NAME_WORDS = ("nom", "name", "raison", "denomination", "libelle", "enseigne")


def header_candidates(header: str) -> list[str]:
    """What a header says it is, best first: the contract's aliases, synonyms, the same after a prefix, a near
    spelling (``nom`` for the two names).

    >>> header_candidates("DN_LATITUDE"), header_candidates("adresse_code_insee"), header_candidates("R\ufffdgion")
    (['latitude'], ['code_commune'], [])
    """
    folded = fold(header)
    keys = [header_key(header)]
    for prefix in _PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            keys.append(header_key(folded[len(prefix) :]))
    found = [ALIASES.get(k) or SYNONYMS.get(k) for k in keys]
    found = [f for f in found if f]
    # « nom_agence », « raison sociale du lieu »
    if not found and folded.split(" ")[0] in _NAME_WORDS:
        found = ["nom"]
    # « Libell\ufffd » : accents destroyed
    if not found and "\ufffd" in header and len(keys[0]) >= 5:
        match = process.extractOne(keys[0], _KNOWN_KEYS, scorer=fuzz.ratio, score_cutoff=85)
        if match:
            found = [ALIASES.get(match[0]) or SYNONYMS[match[0]]]
    return list(dict.fromkeys(found))


_KNOWN_KEYS = sorted(set(ALIASES) | set(SYNONYMS))
