"""The programme's published figures (``data/chiffres_publies.csv``), set beside a snapshot's own.

Ministers' staff know the programme by what it published (171 formations in the first wave, 9 582 learners in
2017, 24 % women...). Each published figure is one row: when it was true, which dashboard indicator it measures
(``cle``), its value, its territory (``FR`` or a région's code), the exact definition of the publication, its source,
and whether it is measured as the dashboard measures it (``comparable``). The file is checked at load by the same
Table Schema machinery as snapshots (:func:`gen_dash.contract_schema.check_cells`): a wrong row is left out and said, never a
broken page; a test keeps the bundled file free of problems.

>>> gap_words(9750, 9582, "nombre")
'cet instantané donne 1,8\\xa0% de plus'
>>> gap_words(0.236, 0.24, "part")
'cet instantané donne 0,4\\xa0point de moins'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from gen_dash import fmt
from gen_dash.config import PUBLISHED_FILE, PUBLISHED_SCHEMA_FILE, Limits
from gen_dash.contract_schema import check_cells, table_schema, write_table_schema
from gen_dash.indicators import BY_KEY
from gen_dash.markdown import escape
from gen_dash.schema import Column
from gen_dash.table import read_table
from gen_dash.territory import Territory

FRANCE = "FR"
# Beside the indicators of gen_dash.indicators, what a publication gives of a territory: its share of the learners.
EXTRA_KEYS = {"part_nationale_apprenants": ("Part des apprenants du pays", "part")}
NATURES = ("nombre", "part", "euros")
NEET_DEFINITION = (
    "**Quelle définition ?** La colonne `apprenants_neet` d'un instantané compte, selon le contrat de fichier, les "
    "apprenants **sans emploi ni formation à leur entrée en formation, quel que soit leur âge** : la définition des "
    "chiffres clés 2017 du programme (65 %). Le programme a publié aussi la part des moins de 26 ans (46 %) et celle "
    "des moins de 26 ans sans emploi ni formation (31 %) : un instantané ne permet pas de les calculer. La jauge "
    "mesure le quota de 50 % dans la définition du contrat ; dans la plus étroite, la plus proche des mots du "
    "programme (« jeunes peu ou pas qualifiés, ni en emploi ni en formation »), il n'était pas atteint en 2017."
)
_REGIONS = (
    "01",
    "02",
    "03",
    "04",
    "06",
    "11",
    "24",
    "27",
    "28",
    "32",
    "44",
    "52",
    "53",
    "75",
    "76",
    "84",
    "93",
    "94",
)

COLUMNS: tuple[Column, ...] = (
    Column(
        "date_chiffre",
        "date",
        "Date du chiffre",
        "Le jour où le chiffre était vrai (fin de la période qu'il "
        "compte ; le 1er du mois quand la source ne dit que le mois).",
        True,
    ),
    Column(
        "libelle_date",
        "string",
        "Période, en mots",
        "La période telle qu'on la dit : « en 2017 », « fin 2017 », « en février 2016 ».",
        True,
    ),
    Column(
        "indicateur",
        "string",
        "Indicateur publié",
        "Le chiffre tel que la publication le nomme.",
        True,
    ),
    Column(
        "cle",
        "string",
        "Indicateur du tableau de bord",
        "La clé de l'indicateur du tableau de bord qu'il mesure ; "
        "vide quand le tableau de bord n'en a pas (un cumul sur plusieurs années, un niveau de diplôme).",
        enum=(*BY_KEY, *EXTRA_KEYS),
    ),
    Column(
        "valeur",
        "number",
        "Valeur",
        "Un nombre ; une part entre 0 et 1 (0.24 pour 24 %).",
        True,
        minimum=0,
    ),
    Column(
        "nature", "string", "Nature", "nombre, part (entre 0 et 1) ou euros.", True, enum=NATURES
    ),
    Column(
        "comparable",
        "string",
        "Comparable",
        "oui quand la publication compte comme le tableau de bord (même "
        "définition) : l'écart à l'instantané est alors donné ; non sinon.",
        True,
        enum=("oui", "non"),
    ),
    Column(
        "territoire",
        "string",
        "Territoire",
        "FR (France entière) ou le code d'une région.",
        True,
        enum=(FRANCE, *_REGIONS),
    ),
    Column("definition", "string", "Définition", "La définition exacte de la publication.", True),
    Column("source_editeur", "string", "Éditeur de la source", "Qui a publié le chiffre.", True),
    Column("source_titre", "string", "Titre de la source", "La publication.", True),
    Column(
        "source_date",
        "string",
        "Date de la source",
        "Année, ou année et mois (2018-06).",
        True,
        pattern=r"^[0-9]{4}(-[0-9]{2})?$",
    ),
    Column("note", "string", "Note", "Ce qu'il faut savoir pour lire le chiffre."),
)


@dataclass(frozen=True)
class PublishedFigures:
    """The published figures that passed the checks, and the problems of the rows left out."""

    figures: pd.DataFrame
    problems: list[tuple[int, str, str]]  # (line, code, French message)


def read_published(path: str | Path = PUBLISHED_FILE) -> PublishedFigures:
    """Read and check the published figures' file.

    Returns
    -------
    PublishedFigures
        ``figures``: one row per valid line, the file's columns typed (``date_chiffre`` a date, ``valeur`` a float),
        plus ``libelle`` (the dashboard's label for ``cle``) and ``source`` (« GIP Grande École du Numérique,
        Chiffres clés 2017, 2018-06 »); ``problems`` for each line left out, and for a share above 1.
    """
    table = read_table(Path(path).read_bytes(), Limits())
    # indexed by line, as a spreadsheet numbers them
    body = table.body.set_axis(table.headers, axis=1)
    typed, problems = check_cells(body, COLUMNS)
    above_one = typed["nature"].eq("part") & typed["valeur"].gt(1)
    problems += [
        (
            int(line),
            "part-au-dessus-de-un",
            f"Une part s'écrit entre 0 et 1 (0.24 pour 24 %) : {typed.at[line, 'valeur']} lu.",
        )
        for line in typed.index[above_one]
    ]
    typed = typed[~above_one].copy()
    typed["date_chiffre"] = pd.to_datetime(typed["date_chiffre"]).dt.date
    typed["libelle"] = typed["cle"].map(_label)
    typed["source"] = (
        typed["source_editeur"] + ", " + typed["source_titre"] + ", " + typed["source_date"]
    )
    return PublishedFigures(typed.reset_index(drop=True), sorted(problems))


@lru_cache(maxsize=1)
def bundled() -> pd.DataFrame:
    """The bundled file's valid figures, read once per process (shared read-only)."""
    return read_published().figures


def published_schema() -> dict:
    """The file's columns as a Table Schema (written beside the snapshot's, ``data/schema/``)."""
    return table_schema(
        COLUMNS,
        name="gen-chiffres-publies",
        title="Grande école du numérique : chiffres publiés",
        description="Une ligne par chiffre publié par le programme ou sur lui, avec sa source.",
    )


def territory_code(territory: Territory | None) -> str | None:
    """The published figures' territory for *territory*: ``FR``, a région's code, or None (below a région, nothing is
    published)."""
    if territory is None or territory.national:
        return FRANCE
    if territory.region and not territory.departements and not territory.epci:
        return territory.region
    return None


def of_territory(figures: pd.DataFrame, territory: Territory | None) -> pd.DataFrame:
    """The figures published for *territory*, oldest first."""
    code = territory_code(territory)
    return figures[figures["territoire"].eq(code)].sort_values("date_chiffre", kind="stable")


def near(figures: pd.DataFrame, when: date | None, territory: Territory | None) -> pd.DataFrame:
    """The figures of *territory* published for the same quarter as *when* (a snapshot's date)."""
    if when is None:
        return figures.iloc[0:0]
    mine = of_territory(figures, territory)
    quarter = pd.Period(when, freq="Q")
    return mine.loc[
        np.array([pd.Period(d, freq="Q") == quarter for d in mine["date_chiffre"]], dtype=bool)
    ]


def beside(
    figures: pd.DataFrame, values: dict, when: date | None, territory: Territory | None
) -> pd.DataFrame:
    """The published figures near a snapshot, each with the snapshot's own value and the gap in words.

    Parameters
    ----------
    values
        The snapshot's value of each indicator key (None when it does not give it).

    Returns
    -------
    DataFrame
        The rows of :func:`near` that have a ``cle``, plus ``valeur_instantane`` and ``ecart`` (« cet instantané
        donne 1,8 % de plus », « autre définition : pas d'écart calculé », « non renseigné dans cet instantané »)
        and ``phrase`` (« chiffre publié : 9 582 en 2017 (GIP…) »).
    """
    found = near(figures, when, territory)
    found = found[found["cle"].ne("")].copy()
    found["valeur_instantane"] = [values.get(key) for key in found["cle"]]
    found["ecart"] = [
        "autre définition : pas d'écart calculé"
        if comparable != "oui"
        else "non renseigné dans cet instantané"
        if mine is None or pd.isna(mine)
        else gap_words(mine, published, nature)
        for mine, published, nature, comparable in zip(
            found["valeur_instantane"],
            found["valeur"],
            found["nature"],
            found["comparable"],
            strict=True,
        )
    ]
    found["phrase"] = [sentence(line) for _, line in found.iterrows()]
    return found


def published_key(headline_key: str) -> str:
    """The key under which a publication gives the headline figure *headline_key* (the budget is « subvention_eur »).

    >>> published_key("budget"), published_key("apprenants")
    ('subvention_eur', 'apprenants')
    """
    return "subvention_eur" if headline_key == "budget" else headline_key


def snapshot_values(headline: pd.DataFrame, formations: int) -> dict:
    """A snapshot's value of each key a publication may give, from its headline figures
    (:func:`gen_dash.key_figures.headline_figures`) and its count of formations."""
    values = {published_key(key): value for key, value in headline["valeur"].items()}
    values["formations"] = formations
    values["part_nationale_apprenants"] = headline.loc["apprenants", "part_du_national"]
    return values


def beside_list(found: pd.DataFrame, missing: str = "non renseigné") -> str:
    """:func:`beside`'s rows as a Markdown list, one published figure a line: its value, the snapshot's, the gap in
    words, the publication's definition and source. A list reads as well on a phone as aloud; a table of six columns
    of sentences cut them at the screen's edge."""
    return "\n".join(
        f"- {_named(row)} : publié "
        f"{escape(written(row['valeur'], row['nature']))} ; cet instantané : "
        f"{escape(fmt.by_nature(row['valeur_instantane'], row['nature'], missing))} ; "
        f"{escape(row['ecart'])}. Définition de la publication : {_sentence(row['definition'])} "
        f"Source : {_sentence(row['source'])}"
        for row in found.to_dict("records")
    )


def _named(row: dict) -> str:
    """« **Apprenants (en 2017)** »: a published figure's name and period, in bold."""
    return f"**{escape(row['indicateur'])} ({escape(row['libelle_date'])})**"


def _sentence(text: str) -> str:
    """*text* from the published file, escaped, ending with one full stop."""
    return escape(text.strip().rstrip(".")) + "."


def figures_list(figures: pd.DataFrame) -> str:
    """Published figures as a Markdown list, one a line: the figure and its period, its value as published, whether
    it is counted as the snapshots count, its definition, source and note. The grid of eight columns of sentences ran
    2,000 px wide in a laptop's 560.

    >>> print(figures_list(read_published().figures.head(1)))  # doctest: +NORMALIZE_WHITESPACE
    - **Formations labellisées \\(première vague\\) (en février 2016)** : 171, compté comme les instantanés.
    Définition : Formations labellisées lors de la première vague. Source : Gouvernement \\(annonce reprise par
    la presse\\), Annonce de la première vague de labellisation, 2016\\-02. Note : Chiffre annoncé à la
    labellisation.
    """
    lines = []
    for row in figures.to_dict("records"):
        counted = (
            "compté comme les instantanés"
            if row["comparable"] == "oui"
            else "compté autrement que les instantanés"
        )
        line = (
            f"- {_named(row)} : {escape(written(row['valeur'], row['nature']))}, {counted}. "
            f"Définition : {_sentence(row['definition'])} Source : {_sentence(row['source'])}"
        )
        if isinstance(row["note"], str) and row["note"].strip():
            line += f" Note : {_sentence(row['note'])}"
        lines.append(line)
    return "\n".join(lines)


def sentence(line: pd.Series) -> str:
    """« chiffre publié : 9 582 en 2017 (GIP Grande École du Numérique, Chiffres clés 2017, 2018-06) »."""
    return f"chiffre publié : {written(line['valeur'], line['nature'])} {line['libelle_date']} ({line['source']})"


def written(value: float, nature: str) -> str:
    """A published value as the publication wrote it: « 24 % » (not « 24,0 % »), « 58,5 % », « 9 582 », « 5 000 000 € »."""
    if nature == "part":
        return fmt.percent(value, 0 if round(float(value) * 100, 6).is_integer() else 1)
    return fmt.by_nature(value, nature)


def gap_words(mine: float, published: float, nature: str) -> str:
    """The snapshot's value against the published one, in words: a relative gap for a count, points for a share."""
    if nature == "part":
        points = round((float(mine) - float(published)) * 100, 1)
        if points == 0:
            return "cet instantané donne la même part"
        unit = "point" if abs(points) < 2 else "points"
        return f"cet instantané donne {fmt.number(abs(points), 1)}\u00a0{unit} de {'plus' if points > 0 else 'moins'}"
    if not published:
        return "pas d'écart calculable (chiffre publié nul)"
    relative = float(mine) / float(published) - 1
    if round(relative, 3) == 0:
        return "cet instantané donne le même chiffre"
    return f"cet instantané donne {fmt.percent(abs(relative))} de {'plus' if relative > 0 else 'moins'}"


def _label(key: str) -> str:
    if key in EXTRA_KEYS:
        return EXTRA_KEYS[key][0]
    return BY_KEY[key].label if key in BY_KEY else ""


if __name__ == "__main__":
    write_table_schema(PUBLISHED_SCHEMA_FILE, published_schema())
    print(PUBLISHED_SCHEMA_FILE)
