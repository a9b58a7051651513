"""How lists write the codes of a place that the reference does not: département codes on three characters, and the
overseas collectivités outside the programme's 101 départements.

The public verb is :func:`departement_codes`; the tables name each collectivité in the reader's messages.
"""

from __future__ import annotations

import re

import pandas as pd

from gen_dash import geo
from gen_dash.text import fold

# Collectivités d'outre-mer: outside the 101 départements the programme covers.
OVERSEAS = {
    "975": "Saint-Pierre-et-Miquelon (975)",
    "977": "Saint-Barthélemy (977)",
    "978": "Saint-Martin (978)",
    "984": "Les Terres australes et antarctiques françaises (984)",
    "986": "Wallis-et-Futuna (986)",
    "987": "La Polynésie française (987)",
    "988": "La Nouvelle-Calédonie (988)",
    "989": "Clipperton (989)",
}
OVERSEAS_CODE = r"^9(7[5-8]|8\d)\d{2}$"
OVERSEAS_MESSAGE = (
    "{} est une collectivité d'outre-mer, hors des 101 départements du programme : la ligne n'est pas "
    "comptée."
)
OVERSEAS_POSTAL = (
    r"^(97133|97150|975|98[678])"  # Saint-Barthélemy and Saint-Martin share Guadeloupe's 971 prefix
)
OVERSEAS_POSTAL_NAMES = {
    "97133": "Saint-Barthélemy",
    "97150": "Saint-Martin",
    "975": "Saint-Pierre-et-Miquelon",
    "986": "Wallis-et-Futuna",
    "987": "La Polynésie française",
    "988": "La Nouvelle-Calédonie",
}
# Département codes some files write on three characters: « 001 », « 02A », and the two halves of the Nord some State
# files keep apart (59L, Lille; 59V, Valenciennes).
THREE_CHARACTERS = re.compile(r"0(\d\d|2[AB])|59[LV]")


def departement_codes(text: pd.Series) -> pd.Series:
    """Département code from a code, a name or ``93 - Seine-Saint-Denis``; None when unknown."""
    codes = geo.departement_regions()
    names = geo.departement_names()
    uniques = pd.unique(text)
    found = {}
    for value in uniques:
        token = value.split(" - ")[0].strip().upper() if value else ""
        if token.isdigit() and len(token) == 1:
            token = token.zfill(2)
        # « 001 », « 02A » (a padded code), « 59L » / « 59V » (the Nord)
        elif THREE_CHARACTERS.fullmatch(token):
            token = token[1:] if token.startswith("0") else token[:2]
        if token in codes:
            found[value] = token
        else:
            key = fold(value)
            found[value] = names.get(key) or names.get(fold(value.split(" - ", 1)[-1]))
    return text.map(found)
