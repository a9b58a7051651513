"""The territory on screen: France, a région, some départements of a région, or an EPCI, as one value.

The sidebar builds a :class:`Territory` once per run; every page, figure and export receives it, so that a figure
computed for a territory always knows its denominators (its reference départements, its population).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

FRANCE = "France entière"


@dataclass(frozen=True)
class Territory:
    """A région, some of its départements, an intercommunalité (EPCI), or all France.

    Attributes
    ----------
    region
        The région's code, None for France.
    departements
        The départements chosen inside the région (empty: the whole région, or France).
    label
        How people name it: « France entière », « Occitanie », « Haute-Garonne (31) ».
    codes
        The reference départements of the territory (the 101 for France, 13 for Occitanie, the chosen ones).
    population
        The territory's population (sum of its départements' populations, or of its EPCI's communes).
    epci
        The EPCI's SIREN code (None: no EPCI chosen). Its ``codes`` are every département where it has communes,
        its ``region`` the région it was chosen in (or where most of its inhabitants live).
    straddles
        For an EPCI in several départements: « à cheval sur 2 départements ».
    """

    region: str | None
    departements: tuple[str, ...]
    label: str
    codes: tuple[str, ...]
    population: int = 0
    region_name: str | None = None
    epci: str | None = None
    straddles: str = ""

    @classmethod
    def of(cls, region: str | None, departements, table: pd.DataFrame) -> Territory:
        """The territory for *region* and *departements*, described from *table* (the reference départements:
        ``code_departement``, ``nom_departement``, ``code_region``, ``nom_region``, ``population``)."""
        departements = tuple(departements or ())
        if departements:
            chosen = table[table["code_departement"].isin(departements)]
            by_code = dict(zip(chosen["code_departement"], chosen["nom_departement"], strict=False))
            label = ", ".join(f"{by_code[d]} ({d})" for d in departements)
        elif region:
            chosen = table[table["code_region"] == region]
        else:
            chosen = table
        region_name = str(chosen["nom_region"].iloc[0]) if region and len(chosen) else None
        if not departements:
            label = region_name if region else FRANCE
        population = int(chosen["population"].sum()) if "population" in chosen else 0
        return cls(
            region, departements, label, tuple(chosen["code_departement"]), population, region_name
        )

    @classmethod
    def of_epci(
        cls, code: str, region: str | None, table: pd.DataFrame, epcis: pd.DataFrame
    ) -> Territory:
        """The territory of the EPCI *code* (``epcis``: :func:`gen_dash.epci.epci_table`), seen from *region* (one of
        the régions it lies in; None: the one where most of its inhabitants live)."""
        line = epcis.set_index("code_epci").loc[code]
        region = region if region in line["regions"] else line["code_region"]
        names = table.drop_duplicates("code_region").set_index("code_region")["nom_region"]
        # Short enough for a key figure's line and the sheet's cell; the sidebar names the régions.
        straddles = (
            f"à cheval sur {len(line['departements'])} départements"
            if len(line["departements"]) > 1
            else ""
        )
        return cls(
            region,
            (),
            str(line["nom_epci"]),
            tuple(line["departements"]),
            int(line["population"]),
            str(names.get(region, "")) or None,
            code,
            straddles,
        )

    @classmethod
    def from_link(
        cls,
        region: str | None,
        departements: str | None,
        table: pd.DataFrame,
        epci: str | None = None,
        epcis: pd.DataFrame | None = None,
    ) -> tuple[Territory, list[str]]:
        """The territory a shareable link asks for (``region``, ``dep``: comma-separated codes, ``epci``: a SIREN
        code), and notices in French for what was ignored.

        Départements given without a région choose the région of the first one; a département outside the région,
        an unknown code or an unknown région is dropped with a notice, never an error. A known EPCI wins over the
        départements (its région kept if it lies in it); an unknown one is dropped with a notice.
        """
        notices: list[str] = []
        if epci is not None and epcis is not None:
            wanted_epci = epci.strip()
            if wanted_epci in set(epcis["code_epci"]):
                chosen = region if region in set(table["code_region"]) else None
                return cls.of_epci(wanted_epci, chosen, table, epcis), notices
            notices.append(
                f"EPCI « {wanted_epci} » inconnu (un code SIREN à 9 chiffres est attendu)"
            )
        region_of = dict(zip(table["code_departement"], table["code_region"], strict=False))
        chosen_region = None
        if region:
            if region in set(table["code_region"]):
                chosen_region = region
            else:
                notices.append(f"région « {region} » inconnue")
        wanted = [code.strip() for code in (departements or "").split(",") if code.strip()]
        if wanted and chosen_region is None:
            chosen_region = next((region_of[code] for code in wanted if code in region_of), None)
        kept = [code for code in wanted if code in region_of and region_of[code] == chosen_region]
        dropped = [code for code in wanted if code not in kept]
        if dropped:
            notices.append(
                "département(s) "
                + ", ".join(f"« {d} »" for d in dropped)
                + " inconnu(s) ou hors de la région"
            )
        return cls.of(chosen_region, kept, table), notices

    def to_query(self) -> dict[str, str | None]:
        """The link's query parameters (``region``, ``dep``, ``epci``), None where a parameter is not needed."""
        return {
            "region": self.region,
            "dep": ",".join(self.departements) or None,
            "epci": self.epci,
        }

    @property
    def national(self) -> bool:
        """Whether this is all France."""
        return self.region is None and not self.departements

    @property
    def single(self) -> bool:
        """Whether one place is chosen (one département, or an EPCI): it is « couvert » or not."""
        return len(self.departements) == 1 or self.epci is not None

    @property
    def focus(self) -> list[str] | None:
        """The départements a map zooms to (None: all France, with the DROM insets)."""
        return None if self.national else list(self.codes)

    @property
    def slug(self) -> str:
        """A short name for files: ``france``, ``76``, ``31-32``, ``epci-243100518``."""
        return (
            f"epci-{self.epci}"
            if self.epci
            else "-".join(self.departements) or self.region or "france"
        )

    def apply(self, frame: pd.DataFrame, column: str = "code_departement") -> pd.DataFrame:
        """The rows of *frame* whose département (*column*) is in the territory (all rows for France).

        For an EPCI, rows that carry ``code_epci`` (formations, communes) are those of the EPCI; a table of
        départements (no ``code_epci``) keeps every département the EPCI lies in.
        """
        if self.national:
            return frame
        if self.epci and column == "code_departement" and "code_epci" in frame:
            return frame[frame["code_epci"] == self.epci]
        return frame[frame[column].isin(self.codes)]

    def covered(self, covered: int) -> str:
        """How many of its départements have a fabrique, said against the territory's own départements."""
        total = len(self.codes)
        # a région of one département (the DROM) too: never « 1 sur 1 départements »
        if self.single or total == 1:
            return "couvert" if covered else "non couvert"
        return f"{covered} sur {total} départements{self.within}"

    @property
    def within(self) -> str:
        """How a count of its parts names the territory: «  », « de la région », « choisis »."""
        return "" if self.national else " de la région" if not self.departements else " choisis"
