"""Which column of a list is which contract column, guessed from its headers and its content, with the evidence.

The public verb is :func:`guess_mapping`. Lists received from partners (a directory of digital-inclusion places, an
export of agencies) name their columns their own way (``NOM``, ``CODE_POSTAL``, ``DN_LATITUDE``,
``adresse_code_insee``) and often have no id nor wave. The guess reads the headers (the contract's aliases, then
synonyms in French and English, after prefixes such as ``adresse_`` or ``DN_``, then a near spelling for a header
whose accents were destroyed), then checks the content of a sample of rows: a postal code column must hold known
postal codes, an INSEE column known commune codes that agree with the postal code or the commune's name, coordinates
must fall in France's ranges. Each proposal says why in a French sentence; nothing is applied without the user
(``--deviner`` on the command line, the pre-filled form in the dashboard).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd
from stdnum.fr import siret

from gen_dash import fmt, geo
from gen_dash.cells import known, parse_numbers
from gen_dash.codes import departement_codes
from gen_dash.config import Limits
from gen_dash.guess_headers import header_candidates
from gen_dash.schema import ALIASES, BY_NAME, COLUMNS, REQUIRED, header_key
from gen_dash.snapshot import Mapping
from gen_dash.table import Table, read_table
from gen_dash.text import fold_names

SAMPLE_ROWS = (
    2000  # rows examined: enough for shares to the percent, small enough for any file in a few ms
)
NAME_COLUMNS = ("nom_formation", "nom_fabrique")
# metropolitan France, Réunion and Mayotte,
_FRENCH_LAT = (
    (41.0, 51.5),
    (-21.5, -12.5),
    (2.0, 6.0),
    (14.0, 18.5),
)
_FRENCH_LON = ((-5.5, 10.0), (44.5, 56.0), (-55.0, -51.0), (-62.0, -60.5))  # Guyane, the Antilles
_LOCATION = ("code_postal", "code_commune", "commune", "code_departement", "latitude", "longitude")


@dataclass(frozen=True)
class Proposal:
    """One contract column, the file column proposed for it, and why."""

    canonical: str
    header: str
    evidence: str
    by_alias: bool = (
        False  # the reader would take it by itself (its header is one of the contract's aliases)
    )


@dataclass(frozen=True)
class Guess:
    """What :func:`guess_mapping` proposes; :meth:`mapping` is what the reader is given once the user agrees."""

    proposals: tuple[Proposal, ...] = ()
    # what was considered and set aside, and what the reading will do without a column
    notes: tuple[str, ...] = ()
    unmapped: tuple[str, ...] = ()  # file columns kept as they are
    generate_ids: bool = False
    given: Mapping = field(default_factory=Mapping)

    def mapping(self) -> Mapping:
        """The mapping to read the file with: the user's own choices, then the guess for every other column."""
        mine = {c for c, _ in self.given.columns} | {c for c, _ in self.given.values}
        columns = [
            (p.canonical, p.header)
            for p in self.proposals
            if not p.by_alias and p.canonical not in mine
        ]
        return Mapping(
            tuple(sorted((*self.given.columns, *columns))),
            self.given.values,
            self.generate_ids or self.given.generate_ids,
        )

    def sentences(self) -> list[str]:
        """The evidence, one French sentence per proposal, then the notes."""
        return [p.evidence for p in self.proposals] + list(self.notes)

    def hint(self) -> str:
        """For an error message: the guess as the options that would apply it."""
        options = self.mapping().options()
        if not options:
            return ""
        return (
            " Correspondance devinée, à vérifier : "
            + " ".join(options)
            + " (ou relancez avec --deviner ; dans "
            "le tableau de bord, le formulaire la propose)."
        )

    def to_dict(self) -> dict:
        """As ``correspondance`` in ``--json`` output."""
        return self.mapping().to_dict() | {
            "propositions": [
                {"colonne": p.canonical, "colonne_fichier": p.header, "indice": p.evidence}
                for p in self.proposals
            ],
            "remarques": list(self.notes),
            "colonnes_gardees": list(self.unmapped),
        }


def guess_file(data: bytes, limits: Limits | None = None, given: Mapping | None = None) -> Guess:
    """:func:`guess_mapping` of a file's bytes (read as the reader reads them)."""
    from gen_dash import config

    return guess_mapping(read_table(data, limits or config.limits()), given)


def guess_mapping(table: Table, given: Mapping | None = None) -> Guess:
    """Propose, for each contract column, the file column that stands for it, with its evidence.

    Parameters
    ----------
    table
        The file as text (:func:`gen_dash.table.read_table`).
    given
        Choices the user made already: they are kept and win over the guess.

    Returns
    -------
    Guess
        The proposals (one file column may stand for several contract columns: a list of places has one name for
        the formation and the fabrique), the notes, the columns kept as they are, and whether ids are to be generated.
    """
    given = given or Mapping()
    sample = _sample(table.body)
    headers = list(table.headers)
    return _Guesser(sample, headers, len(table.body), given).run()


def _sample(body: pd.DataFrame) -> pd.DataFrame:
    if len(body) <= SAMPLE_ROWS:
        return body
    return body.iloc[np.linspace(0, len(body) - 1, SAMPLE_ROWS).astype(int)]


class _Guesser:
    def __init__(self, sample: pd.DataFrame, headers: list[str], rows: int, given: Mapping):
        self.sample, self.headers, self.rows, self.given = sample, headers, rows, given
        self.of = (
            f"échantillon de {fmt.number(len(sample))} lignes sur {fmt.number(rows)}"
            if len(sample) < rows
            else ""
        )
        self.proposals: dict[str, Proposal] = {}
        self.notes: list[str] = []
        self.used: set[int] = set()
        given_headers = {h for _, h in given.columns}
        self.free = [i for i, h in enumerate(headers) if h not in given_headers]
        self.mine = {c for c, _ in given.columns} | {c for c, _ in given.values}

    def run(self) -> Guess:
        candidates = {i: header_candidates(self.headers[i]) for i in self.free}
        self._location(candidates)
        self._names(candidates)
        self._identifiers(candidates)
        for i in self.free:  # every other column its header names (counts, dates, métier…)
            for canonical in candidates[i]:
                if canonical in BY_NAME and canonical not in _LOCATION:
                    self._propose(canonical, i, f"en-tête reconnu ({self._filled(i)})")
        self._absent()
        unmapped = tuple(self.headers[i] for i in self.free if i not in self.used)
        order = {c.name: n for n, c in enumerate(COLUMNS)}
        proposals = tuple(sorted(self.proposals.values(), key=lambda p: order[p.canonical]))
        return Guess(proposals, tuple(self.notes), unmapped, self._generate_ids, self.given)

    # -- helpers

    def _values(self, i: int) -> pd.Series:
        values = self.sample[i].astype("str")
        return values[values.ne("")]

    def _filled(self, i: int) -> str:
        return (
            f"{fmt.number(len(self._values(i)))} valeurs sur {fmt.number(len(self.sample))} lignes"
        )

    def _share(self, i: int, hits: pd.Series) -> tuple[float, str]:
        values = self._values(i)
        n, k = len(values), int(hits.sum())
        return (k / n if n else 0.0), f"{fmt.number(k)} valeurs sur {fmt.number(n)}" + (
            f" ({self.of})" if self.of else ""
        )

    def _propose(self, canonical: str, i: int, evidence: str) -> None:
        if canonical in self.proposals or canonical in self.mine:
            return
        header = self.headers[i]
        title = BY_NAME[canonical].title.lower() if canonical in BY_NAME else canonical
        self.proposals[canonical] = Proposal(
            canonical,
            header,
            f"« {header} » → {canonical} ({title}) : {evidence}.",
            ALIASES.get(header_key(header)) == canonical,
        )
        self.used.add(i)

    def _first(self, candidates: dict[int, list[str]], canonical: str) -> list[int]:
        return [i for i in self.free if canonical in candidates[i] and i not in self.used]

    # -- the place

    def _location(self, candidates: dict[int, list[str]]) -> None:
        postal_index = geo.postal_code_lookup().codes
        codes = geo.known_commune_codes()
        for i in self._first(candidates, "code_postal") + [
            i for i in self.free if not candidates[i]
        ]:
            padded = _padded(self._values(i))
            share, said = self._share(
                i, known(padded, postal_index) | padded.str.match(r"^(97[15]|98[678]|20)\d\d$")
            )
            header_said = "code_postal" in candidates[i]
            if share >= (0.5 if header_said else 0.8) and not self._insee_like(
                i, codes, postal_index
            ):
                self._propose("code_postal", i, f"{said} sont des codes postaux")
        postal = self.proposals.get("code_postal")
        named = self._first(candidates, "commune")
        for i in self._first(candidates, "code_commune") + [
            i for i in self.free if not candidates[i]
        ]:
            values = _padded(self._values(i).str.upper())
            share, said = self._share(i, known(values, codes))
            if share < (0.5 if "code_commune" in candidates[i] else 0.8):
                continue
            agree, compared = self._agreement(i, postal, named[0] if named else None)
            if compared >= 10 and agree / compared < 0.5:
                self.notes.append(
                    f"« {self.headers[i]} » ressemble à des codes INSEE ({said}), mais ne concorde avec "
                    f"le code postal ou la commune que sur {fmt.number(agree)} lignes sur "
                    f"{fmt.number(compared)} : ce n'est pas un code commune ; la colonne est gardée telle "
                    "quelle."
                )
                continue
            agreement = (
                f", qui concordent avec le code postal ou la commune sur {fmt.number(agree)} lignes sur "
                f"{fmt.number(compared)}"
                if compared
                else ""
            )
            self._propose("code_commune", i, f"{said} sont des codes INSEE de communes{agreement}")
        for i in named:
            share, said = self._share(i, known(fold_names(self._values(i)), _commune_name_keys()))
            self._propose("commune", i, f"{said} sont des noms de communes")
        for i in self._first(candidates, "code_departement"):
            share, said = self._share(i, departement_codes(self._values(i)).notna())
            if share >= 0.5:
                self._propose("code_departement", i, f"{said} sont des départements (code ou nom)")
        for canonical, ranges in (("latitude", _FRENCH_LAT), ("longitude", _FRENCH_LON)):
            for i in self._first(candidates, canonical):
                number = parse_numbers(self._values(i))
                inside = np.zeros(len(number), dtype=bool)
                for low, high in ranges:
                    inside |= ((number >= low) & (number <= high)).to_numpy()
                share, said = self._share(i, pd.Series(inside))
                if share >= 0.5:
                    self._propose(
                        canonical, i, f"{said} sont des {canonical}s de France (degrés décimaux)"
                    )

    def _insee_like(self, i: int, codes: pd.Index, postal_index: pd.Index) -> bool:
        """A column of commune codes is not taken for postal codes (many codes are both)."""
        values = _padded(self._values(i).str.upper())
        return (
            "code_postal" not in header_candidates(self.headers[i])
            and known(values, codes).mean() > known(values, postal_index).mean()
        )

    def _agreement(self, i: int, postal: Proposal | None, named: int | None) -> tuple[int, int]:
        """Rows where the commune code agrees with the postal code or the commune's name, and rows compared."""
        codes = _padded(self.sample[i].astype("str").str.upper())
        # an arrondissement: its commune
        codes = codes.map(geo.former_communes()["code_commune"]).fillna(codes)
        agree = pd.Series(False, index=codes.index)
        compared = pd.Series(False, index=codes.index)
        if postal is not None:
            cp = _padded(self.sample[self.headers.index(postal.header)].astype("str"))
            pairs = _postal_pairs()
            compared |= cp.ne("") & codes.ne("")
            agree |= pd.Series(
                pd.MultiIndex.from_arrays([codes, cp]).isin(pairs), index=codes.index
            )
        if named is not None:
            name = fold_names(self.sample[named].astype("str"))
            reference = codes.map(_reference_names())
            compared |= name.ne("") & codes.ne("")
            agree |= reference.eq(name)
        return int((agree & compared).sum()), int(compared.sum())

    # -- names and identifiers

    def _names(self, candidates: dict[int, list[str]]) -> None:
        for canonical in (*NAME_COLUMNS, "porteur"):
            for i in self._first(candidates, canonical)[:1]:
                self._propose(canonical, i, self._name_evidence(i))
        generic = [i for i in self.free if "nom" in candidates[i] and i not in self.used]
        source = generic[0] if generic else None
        for canonical in NAME_COLUMNS:
            if canonical in self.proposals or canonical in self.mine:
                continue
            if source is not None:
                self._propose_again(
                    canonical,
                    source,
                    self._name_evidence(source) + " ; le nom de la liste sert "
                    "pour la formation comme pour la fabrique",
                )
                continue
            # No name of its own: the other name, else the structure's (a list of structures names nothing else).
            other = self.proposals.get(
                NAME_COLUMNS[1 - NAME_COLUMNS.index(canonical)]
            ) or self.proposals.get("porteur")
            if other is not None:
                self._propose_again(
                    canonical,
                    self.headers.index(other.header),
                    f"pas de colonne propre, « {other.header} » en tient lieu",
                )

    def _propose_again(self, canonical: str, i: int, evidence: str) -> None:
        """:meth:`_propose` for a column another contract column already uses."""
        self.used.discard(i)
        self._propose(canonical, i, evidence)

    def _name_evidence(self, i: int) -> str:
        values = self._values(i)
        return f"{fmt.number(values.nunique())} noms distincts sur {fmt.number(len(values))}"

    def _identifiers(self, candidates: dict[int, list[str]]) -> None:
        for i in self._first(candidates, "id_fabrique"):
            digits = self._values(i).str.replace(r"\s", "", regex=True)
            share, said = self._share(
                i, digits.map(lambda v: siret.is_valid(v) or len(v) == 9 and v.isdigit())
            )
            self._propose(
                "id_fabrique",
                i,
                f"{said} sont des SIRET ou SIREN valides"
                if share >= 0.5
                else self._name_evidence(i).replace("noms", "valeurs"),
            )
        for i in self._first(candidates, "id_formation"):
            values = self._values(i)
            unique = values.nunique() == len(values) == len(self.sample)
            self._propose(
                "id_formation",
                i,
                f"{fmt.number(values.nunique())} valeurs distinctes sur "
                f"{fmt.number(len(self.sample))} lignes"
                + ("" if unique else " : des doublons, qui seront signalés"),
            )
        self._generate_ids = (
            "id_formation" not in self.proposals and "id_formation" not in self.mine
        )
        if self._generate_ids:
            self.notes.append(
                "id_formation : aucune colonne d'identifiant ; un identifiant stable sera généré à partir "
                "du nom et de la commune (le même à chaque export de la même liste)."
            )

    def _absent(self) -> None:
        if "vague" not in self.proposals and "vague" not in self.mine:
            self.notes.append(
                "vague : aucune colonne ; les formations seront comptées en « vague non renseignée » "
                "(ou donnez la vague, si elle est la même pour toutes)."
            )
        learners = [
            c for c in ("apprenants", "apprenants_femmes", "apprenants_neet") if c in self.proposals
        ]
        if not learners:
            self.notes.append(
                "Aucune colonne d'apprenants : la liste sera lue comme une liste de formations, sans "
                "effectifs."
            )
        left = [
            c
            for c in REQUIRED
            if c not in self.proposals
            and c not in self.mine
            and c
            not in ("vague", "id_formation", "apprenants", "apprenants_femmes", "apprenants_neet")
        ]
        for canonical in left:
            self.notes.append(
                f"{canonical} ({BY_NAME[canonical].title.lower()}) : aucune colonne ne semble en tenir "
                "lieu ; choisissez-la."
            )
        if not any(c in self.proposals or c in self.mine for c in _LOCATION):
            self.notes.append(
                "Aucune colonne de lieu (code postal, commune, code INSEE, coordonnées) : les lignes ne "
                "pourront pas être situées."
            )


def _padded(values: pd.Series) -> pd.Series:
    """A 4-digit code whose leading zero a spreadsheet ate, padded (as the reader does when that makes a known code)."""
    return values.where(~values.str.fullmatch(r"\d{4}", na=False), "0" + values)


@cache
def _postal_pairs() -> pd.MultiIndex:
    pairs = geo.load_postal_codes()
    return pd.MultiIndex.from_arrays([pairs["code_commune"], pairs["code_postal"]])


@cache
def _commune_name_keys() -> pd.Index:
    """Every commune's name as :func:`gen_dash.text.fold_names` writes it."""
    return pd.Index(fold_names(geo.communes_table()["nom_commune"]).unique())


@cache
def _reference_names() -> pd.Series:
    communes = geo.communes_by_code()
    return pd.Series(fold_names(communes["nom_commune"]).to_numpy(), index=communes.index)
