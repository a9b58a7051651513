"""Where the codes and names of a row point: its commune code, postal code and commune name, each read alone.

:class:`CodeClues` is one half of the reader of places (:mod:`gen_dash.place`): every method reads one clue, repairs
what a spreadsheet or an old list typically broke (a lost leading zero, Corsica's former « 20 », a code of a commune
merged since, a name whose accents were lost) with a warning, and returns what it found; the reconciling is
:mod:`gen_dash.place`'s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gen_dash import geo
from gen_dash.cells import Cells, known
from gen_dash.codes import OVERSEAS_POSTAL
from gen_dash.garbled import match_garbled
from gen_dash.snapshot import AVERTISSEMENT
from gen_dash.text import fold_names, fold_series

_FORMER_WORDS = {
    "arrondissement-municipal": "arrondissement municipal, rattaché à",
    "commune-deleguee": "commune fusionnée, rattachée à",
    "commune-associee": "commune associée, rattachée à",
    "ancien-code": "ancien code de la commune, aujourd'hui",
}


class CodeClues(Cells):
    """Reading the commune code, postal code and commune name of each place (see the module)."""

    def _corsican_cedex(
        self, unknown_cp: pd.Series, wanted: pd.Series, found: pd.Series
    ) -> pd.Series:
        """Place an unknown Corsican code (« 20700 », a CEDEX: no département of its own since 1976) by the commune's
        name in 2A or 2B, into *found*; the unknown postal codes left."""
        corsican = (
            wanted & unknown_cp & self.text("code_postal").str.fullmatch(r"20\d{3}", na=False)
        )
        if not corsican.any():
            return unknown_cp
        south, north = (
            self._named_communes(corsican, pd.Series(dep, index=corsican.index))
            for dep in ("2A", "2B")
        )
        placed = south.notna() ^ north.notna()  # a name both halves have stays unplaced by it
        found[placed] = south.fillna(north)[placed]
        self.flag(
            placed,
            AVERTISSEMENT,
            "code_postal",
            "Code postal corse {} (un code CEDEX) : la formation est située "
            "par sa commune, {} ({}).",
            (self.text("code_postal"), self.text("commune"), found),
            code="code-postal-cedex-corse",
        )
        return unknown_cp & ~placed

    def _garbled(self, wanted: pd.Series, cp: pd.Series, departement: pd.Series) -> pd.Series:
        """The commune of a name whose accents were destroyed (U+FFFD), when exactly one fits (:mod:`gen_dash.garbled`)."""
        names = self.text("commune")
        found = match_garbled(names.where(wanted, ""), cp, departement)
        hit = found.notna()
        if not hit.any():
            return found.astype("str")
        self.flag(
            hit,
            AVERTISSEMENT,
            "commune",
            "« {} » : caractère illisible (accent perdu à l'encodage), lu comme "
            "{} ({}), la seule commune qui convienne.",
            (names, communes_of(found.where(hit), ["nom_commune"])["nom_commune"], found),
            code="nom-illisible",
        )
        return found.astype("str")

    def _named_communes(self, wanted: pd.Series, departement: pd.Series) -> pd.Series:
        """The commune a name designates in its département, current or merged since (with a warning), where *wanted*."""
        names = self.text("commune")
        want = wanted & names.ne("") & departement.notna()
        found = pd.Series(None, index=wanted.index, dtype="str")
        if not want.any():
            return found
        keys = departement[want] + "|" + fold_names(names[want])
        lookups = geo.commune_names()
        current = lookups.current.reindex(keys).to_numpy()
        former = lookups.former.reindex(keys)
        merged = pd.isna(current) & former["code_commune"].notna().to_numpy()
        found[want] = np.where(pd.isna(current), former["code_commune"].to_numpy(), current)
        if merged.any():
            hit = pd.Series(False, index=wanted.index)
            hit[want] = merged
            target = found.where(hit)

            def of_former(column: str) -> pd.Series:
                return pd.Series(former[column].to_numpy(), index=keys.index).reindex(found.index)

            self.flag(
                hit,
                AVERTISSEMENT,
                "commune",
                "« {} » ({}) : {}, {} {} {}.",
                (
                    names,
                    departement,
                    of_former("code_ancien"),
                    of_former("nature").map(_FORMER_WORDS),
                    target,
                    communes_of(target, ["nom_commune"])["nom_commune"],
                ),
                code="commune-ancienne",
            )
        return found

    # Each repair below runs only when some value is not already a known code.

    def _commune_codes(self) -> tuple[pd.Series, pd.Series]:
        """Known commune codes (NA otherwise), repairing lost leading zeros and the old "20" Corsican prefix; and the
        unknown ones."""
        codes = geo.communes_by_code().index
        cc, unknown = self._codes(
            "code_commune", geo.known_commune_codes(), r"\d{1,4}", "code commune"
        )
        if unknown.any():
            corsica = cc.where(unknown & cc.str.fullmatch(r"20\d{3}", na=False))
            as_2a, as_2b = "2A" + corsica.str.slice(2), "2B" + corsica.str.slice(2)
            in_2a, in_2b = known(as_2a, codes), known(as_2b, codes)
            fix_corsica = corsica.notna() & (in_2a ^ in_2b)
            corsica_code = as_2a.where(in_2a, as_2b)
            self.flag(
                fix_corsica,
                AVERTISSEMENT,
                "code_commune",
                "Ancien code corse 20 corrigé : code commune lu comme {}.",
                corsica_code,
                code="code-corse-20",
            )
            cc, unknown = cc.where(~fix_corsica, corsica_code), unknown & ~fix_corsica
        # A code of 2016 (merged since), a municipal arrondissement: placed in today's commune.
        hit = cc.notna() & ~unknown & ~known(cc, codes)
        if hit.any():
            found = geo.former_communes().reindex(cc.where(hit))
            found.index = cc.index
            words = found["nature"].map(_FORMER_WORDS)
            named = found["nom_ancien"].ne("")
            self.flag(
                hit & named,
                AVERTISSEMENT,
                "code_commune",
                "{} ({}) : {} {} {}.",
                (cc, found["nom_ancien"], words, found["code_commune"], found["nom_commune"]),
                code="commune-ancienne",
            )
            self.flag(
                hit & ~named,
                AVERTISSEMENT,
                "code_commune",
                "{} : {} {} {}.",
                (cc, words, found["code_commune"], found["nom_commune"]),
                code="commune-ancienne",
            )
            cc = cc.where(~hit, found["code_commune"])
        return cc.where(~unknown), unknown

    def _postal_codes(self) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
        """Known postal codes (NA otherwise), repairing a lost leading zero; the unknown ones (flagged once the row is
        placed or not); a commune code written in the postal code column; and the département an unknown code's first
        digits name (a CEDEX code), when they name one."""
        cp, unknown = self._codes(
            "code_postal", geo.postal_code_lookup().codes, r"\d{4}", "code postal"
        )
        none = pd.Series(None, index=cp.index, dtype="str")
        if not unknown.any():
            return cp.where(~unknown), unknown, none, none
        # A commune code in the postal code column is taken as one only when the row's commune name confirms it:
        # a CEDEX code may well equal some commune's code (27004 is Évreux's CEDEX and Les Andelys' code).
        named = communes_of(cp.where(unknown), ["nom_commune"])["nom_commune"]
        as_commune = (
            unknown
            & named.notna()
            & fold_series(named.fillna("")).eq(fold_series(self.text("commune")))
        )
        self.flag(
            as_commune,
            AVERTISSEMENT,
            "code_postal",
            "« {} » est le code commune de {}, pas un code postal : il est lu comme code commune.",
            (cp, named),
            code="code-commune-en-code-postal",
        )
        unknown &= ~as_commune
        digits = cp.where(
            unknown
            & cp.str.fullmatch(r"\d{5}", na=False)
            & ~cp.str.match(OVERSEAS_POSTAL, na=False)
        )
        prefix = digits.str.slice(0, 2).where(
            ~digits.str.startswith("97", na=False), digits.str.slice(0, 3)
        )
        prefix = prefix.where(known(prefix, pd.Index(list(geo.departement_regions()))))
        return cp.where(~unknown & ~as_commune), unknown, cp.where(as_commune), prefix

    def _codes(
        self, column: str, reference: pd.Index, short: str, label: str
    ) -> tuple[pd.Series, pd.Series]:
        """The column's codes (NA when blank) and which of them *reference* does not know, once a leading zero
        a spreadsheet dropped (*short*: the pattern of such a code) is restored where that makes a known code."""
        text = self.text(column).str.upper()
        values = text.where(text.ne(""))
        unknown = values.notna() & ~known(values, reference)
        if unknown.any():
            padded = values.where(unknown & values.str.fullmatch(short, na=False)).str.zfill(5)
            fixed = padded.notna() & known(padded, reference)
            self.flag(
                fixed,
                AVERTISSEMENT,
                column,
                f"Zéro initial rétabli (perdu par le tableur) : {label} lu comme {{}}.",
                padded,
                code="zero-initial",
            )
            values, unknown = values.where(~fixed, padded), unknown & ~fixed
        return values, unknown

    def _postal_communes(self, cp: pd.Series) -> pd.Series:
        """The commune of each postal code: its only one, else the one the commune's name designates."""
        postal = geo.postal_code_lookup()
        found = cp.map(postal.single)
        named = cp.notna() & found.isna() & self.text("commune").ne("")
        if named.any():
            # A postal code has five digits, so it and the name make an unambiguous key.
            codes, names = cp[named], self.text("commune")[named]
            by_name = postal.by_exact_name.reindex(codes + names).to_numpy()
            missing = pd.isna(by_name)
            if missing.any():
                by_name[missing] = postal.by_name.reindex(
                    codes[missing] + fold_names(names[missing])
                ).to_numpy()
            found[named] = by_name
        return found


def communes_of(codes: pd.Series, columns: list[str]) -> pd.DataFrame:
    """The reference *columns* of each commune code (NA for a missing one), aligned with *codes*."""
    communes = geo.communes_by_code()
    found = communes.index.get_indexer(codes)
    return pd.DataFrame(
        {c: communes[c].array.take(found, allow_fill=True) for c in columns}, index=codes.index
    )
