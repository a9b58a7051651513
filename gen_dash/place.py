"""Where a formation is: the commune, postal code, coordinates and département a row gives, reconciled.

The public verb is :func:`locate`. Each distinct combination of the location columns is placed once by a
:class:`_Places` (the rows of one fabrique, often of one commune, repeat it), then results and problems are spread
back to the rows. The most precise clue wins (commune, postal code, point, département column); a weaker clue that
disagrees or cannot be read gets a warning naming both, and rejects its row only when nothing else places it.
"""

from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas.array import GeometryArray

from gen_dash import geo
from gen_dash.cells import Cells, combine_codes, known, parse_numbers
from gen_dash.codes import (
    OVERSEAS,
    OVERSEAS_CODE,
    OVERSEAS_MESSAGE,
    OVERSEAS_POSTAL,
    OVERSEAS_POSTAL_NAMES,
    THREE_CHARACTERS,
    departement_codes,
)
from gen_dash.garbled import REPLACEMENT, match_garbled
from gen_dash.snapshot import AVERTISSEMENT, ERREUR, OUTSIDE_PROGRAMME, PROBLEM_COLUMNS
from gen_dash.text import fold_names, fold_series

LOCATION_COLUMNS = (
    "code_commune",
    "code_postal",
    "commune",
    "code_departement",
    "latitude",
    "longitude",
)
# Tolerance (metres, measured in Web Mercator, so at most this on the ground) for
# a point just off the simplified coast: it is placed in the nearest département.
_COAST_TOLERANCE_M = 3000
_FORMER_WORDS = {
    "arrondissement-municipal": "arrondissement municipal, rattaché à",
    "commune-deleguee": "commune fusionnée, rattachée à",
    "commune-associee": "commune associée, rattachée à",
    "ancien-code": "ancien code de la commune, aujourd'hui",
}


def locate(cells: Cells, commune: pd.Series) -> tuple[pd.DataFrame, GeometryArray]:
    """Place every row: ``code_commune``, ``code_postal``, ``commune`` (the file's name, else the reference's),
    ``code_departement``, ``code_region``, coordinates and ``localisation``; and each row's point.

    Placing depends only on the location columns, which repeat (every formation of
    a fabrique, often every fabrique of a commune): each distinct combination is
    placed once, then results and problems are spread back to the rows; the rows of
    one place share one (immutable) point object.
    """
    columns = [c for c in LOCATION_COLUMNS if c in cells.values]
    codes, first = combine_codes([cells.distinct(column) for column in columns], len(commune))
    # A reader of the distinct places: its "lines" are their numbers, mapped back to file lines below.
    places = pd.RangeIndex(len(first))
    places_read = _Places(
        places,
        cells.name,
        cells.written,
        {c: cells.values[c].iloc[first].set_axis(places) for c in columns},
    )
    placed = commune.iloc[first].set_axis(places).to_frame("commune")
    places_read.place(placed)
    points = gpd.points_from_xy(
        placed["longitude"].to_numpy(dtype=float, na_value=np.nan),
        placed["latitude"].to_numpy(dtype=float, na_value=np.nan),
        crs=geo.CRS,
    )
    for column, message, code in places_read.file_notes:
        cells.file_warning(cells.written.get(column, column), message, code=code)
    if places_read.problems:
        rows = pd.DataFrame({"_cle": codes, "ligne": cells.lines.to_numpy()})
        problems = pd.concat(places_read.problems, ignore_index=True).rename(
            columns={"ligne": "_cle"}
        )
        cells.problems.append(rows.merge(problems, on="_cle").drop(columns="_cle")[PROBLEM_COLUMNS])
    return placed.take(codes).set_axis(cells.index), points.take(codes)


class _Places(Cells):
    """The distinct places of a file, as cells: their « lines » are their numbers, mapped back to the file's by
    :func:`locate`."""

    def __init__(self, *arguments):
        super().__init__(*arguments)
        self.file_notes: list[tuple[str, str, str]] = []

    def file_warning(self, column: str, message: str, *, code: str) -> None:
        """Said once for the file, not for a place: :func:`locate` passes it on to the file's cells."""
        self.file_notes.append((column, message, code))

    def place(self, out: pd.DataFrame) -> None:
        """Fill *out* (one row per distinct place, its ``commune`` column given) with where each place is."""
        cc, unknown = self._commune_codes()
        cp, unknown_cp, cp_as_commune, cp_prefix = self._postal_codes()
        cc = cc.fillna(cp_as_commune)
        cp_commune = self._postal_communes(cp)
        postal_dep = cp.map(geo.postal_code_lookup().departement).fillna(cp_prefix)
        # A name and its département (from the postal code, else the département column) designate a commune too.
        named = self._named_communes(
            cc.isna() & cp_commune.isna(),
            postal_dep.fillna(departement_codes(self.text("code_departement"))),
        )
        cp_commune = cp_commune.fillna(named)
        unknown_cp = self._corsican_cedex(unknown_cp, cc.isna() & cp_commune.isna(), cp_commune)
        cp_commune = cp_commune.fillna(
            self._garbled(
                cc.isna() & cp_commune.isna(),
                cp,
                postal_dep.fillna(departement_codes(self.text("code_departement"))),
            )
        )
        dep_from_cc = _communes_of(cc, ["code_departement"])["code_departement"]
        dep_from_cp = _communes_of(cp_commune, ["code_departement"])["code_departement"].fillna(
            postal_dep
        )
        lat, lon, dep_from_xy, outside = self._coordinates()
        dep, unknown_dep = self._departement_column(
            dep_from_cc.fillna(dep_from_cp).fillna(dep_from_xy)
        )
        chosen = self._most_precise(dep_from_cc, dep_from_cp, dep_from_xy, dep)
        self._weaker_clues(
            chosen,
            (dep_from_cc, dep_from_cp, dep_from_xy, dep),
            unknown,
            unknown_cp,
            cp_prefix,
            outside,
            unknown_dep,
        )

        ambiguous_cp = cp.notna() & dep_from_cp.isna()
        unplaced = chosen.isna() & ~unknown & ~unknown_cp & ~outside & ~unknown_dep
        self.flag(
            unplaced & ambiguous_cp,
            ERREUR,
            "code_postal",
            "Ce code postal dessert des communes de plusieurs départements : ajoutez le nom de la commune ou le "
            "code commune.",
            code="code-postal-ambigu",
        )
        self.flag(
            unplaced & ~ambiguous_cp,
            ERREUR,
            "code_departement",
            "Impossible de situer la formation : indiquez le code commune, le code postal, les coordonnées ou le "
            "département.",
            value=pd.Series("", index=out.index, dtype="str"),
            code="ligne-non-situee",
        )

        commune = cc.fillna(cp_commune)
        reference = _communes_of(commune, ["nom_commune", "lat", "lon"])
        placed_point = dep_from_xy.notna() & (dep_from_xy == chosen)
        out["code_commune"] = commune
        out["code_postal"] = cp
        out["code_departement"] = chosen
        out["code_region"] = chosen.map(geo.departement_regions())
        garbled = (
            out["commune"].str.contains(REPLACEMENT, regex=False, na=False)
            & reference["nom_commune"].notna()
        )
        out["commune"] = (
            out["commune"]
            .where(~garbled, reference["nom_commune"])
            .fillna(reference["nom_commune"])
        )
        out["localisation"] = np.select(
            [placed_point, commune.notna(), chosen.notna()],
            ["coordonnees", "commune", "departement"],
            default=None,
        )
        out["latitude"] = lat.where(placed_point, reference["lat"]).astype("Float64")
        out["longitude"] = lon.where(placed_point, reference["lon"]).astype("Float64")

    def _weaker_clues(
        self,
        chosen: pd.Series,
        found: tuple[pd.Series, ...],
        unknown_cc: pd.Series,
        unknown_cp: pd.Series,
        cp_prefix: pd.Series,
        outside: pd.Series,
        unknown_dep: pd.Series,
    ) -> None:
        """A clue that cannot be read rejects its row only when no other clue places it in one of the 101 départements;
        otherwise the row is kept with a warning naming the clue that placed it."""
        columns = ("code_commune", "code_postal", "latitude", "code_departement")
        by = np.select(
            [f.notna() for f in found],
            ["coordonnées" if c == "latitude" else self.written.get(c, c) for c in columns],
            default="",
        )
        by = pd.Series(by, index=chosen.index, dtype="str")
        kept = chosen.notna()
        # A collectivité d'outre-mer is outside the programme whatever else the row says: named, never counted.
        overseas = self._overseas(
            "code_commune", unknown_cc, OVERSEAS_CODE, lambda t: t.str.slice(0, 3).map(OVERSEAS)
        )
        self.flag(
            unknown_cc & kept & ~overseas,
            AVERTISSEMENT,
            "code_commune",
            "Code commune inconnu : la ligne est gardée, située par « {} ».",
            by,
            code="commune-inconnue",
        )
        overseas_cp = self._overseas(
            "code_postal",
            unknown_cp & ~overseas,
            OVERSEAS_POSTAL,
            lambda t: (
                t.str.slice(0, 5)
                .map(OVERSEAS_POSTAL_NAMES)
                .fillna(t.str.slice(0, 3).map(OVERSEAS_POSTAL_NAMES))
                + " ("
                + t
                + ")"
            ),
        )
        unknown_cp = unknown_cp & ~overseas_cp
        self.flag(
            unknown_cc & ~kept & ~overseas,
            ERREUR,
            "code_commune",
            "Code commune inconnu : indiquez le code INSEE à 5 caractères (pas le code postal), par exemple 93066.",
            code="commune-inconnue",
        )
        by_prefix = (
            unknown_cp & cp_prefix.notna() & (by == self.written.get("code_postal", "code_postal"))
        )
        self.flag(
            by_prefix,
            AVERTISSEMENT,
            "code_postal",
            "Code postal inconnu (un code CEDEX ?) : la formation est "
            "située dans le département {}, celui de ses premiers chiffres.",
            chosen,
            code="code-postal-cedex",
        )
        self.flag(
            unknown_cp & kept & ~by_prefix,
            AVERTISSEMENT,
            "code_postal",
            "Code postal inconnu (un code CEDEX ?) : la ligne est gardée, située par « {} ».",
            by,
            code="code-postal-inconnu",
        )
        self.flag(
            unknown_cp & ~kept,
            ERREUR,
            "code_postal",
            "Code postal inconnu : indiquez un code postal français à 5 chiffres.",
            code="code-postal-inconnu",
        )
        self.flag(
            outside & kept,
            AVERTISSEMENT,
            "latitude",
            "Coordonnées hors de France, ignorées : la formation est située par « {} ».",
            by,
            value=self.coordinates_text(),
            code="coordonnees-hors-france",
        )
        self.flag(
            outside & ~kept,
            ERREUR,
            "latitude",
            "Coordonnées hors de France (départements et DROM) : vérifiez "
            "la latitude et la longitude (degrés décimaux WGS84).",
            value=self.coordinates_text(),
            code="coordonnees-hors-france",
        )
        dep_text = self.text("code_departement").where(unknown_dep, "")
        unknown_dep = unknown_dep & ~dep_text.str.fullmatch(
            r"20(\s*-.*)?", na=False
        )  # the old Corsica: said above
        overseas_dep = self._overseas(
            "code_departement",
            unknown_dep,
            r"^9(7[5-8]|8\d)\b",
            lambda t: t.str.slice(0, 3).map(OVERSEAS),
        )
        self.flag(
            unknown_dep & kept & ~overseas_dep,
            AVERTISSEMENT,
            "code_departement",
            "Département inconnu : la ligne est gardée, située par « {} ».",
            by,
            code="departement-inconnu",
        )
        self.flag(
            unknown_dep & ~kept & ~overseas_dep,
            ERREUR,
            "code_departement",
            "Département inconnu : indiquez son code (01 à 95, 2A, 2B, 971 à 974, 976) ou son nom.",
            code="departement-inconnu",
        )

    def _overseas(self, column: str, unknown: pd.Series, pattern: str, named) -> pd.Series:
        """The places of *unknown* whose *column* names a collectivité d'outre-mer (*pattern*), each an error naming
        it (*named*: the name of each matching text); only the unknown texts are looked at."""
        text = self.text(column)[unknown].str.upper()
        hit = text[text.str.match(pattern, na=False)]
        mask = pd.Series(False, index=unknown.index)
        if len(hit):
            mask[hit.index] = True
            self.flag(
                mask,
                ERREUR,
                column,
                OVERSEAS_MESSAGE,
                named(hit).fillna("Ce territoire").reindex(mask.index),
                code=OUTSIDE_PROGRAMME,
            )
        return mask

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
            (names, _communes_of(found.where(hit), ["nom_commune"])["nom_commune"], found),
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
                    _communes_of(target, ["nom_commune"])["nom_commune"],
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
        named = _communes_of(cp.where(unknown), ["nom_commune"])["nom_commune"]
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

    def _coordinates(self) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
        """Latitude, longitude (swapped back when they were inverted), the département containing the point, and the
        points outside France."""
        lat_text, lon_text = self.text("latitude"), self.text("longitude")
        lat, lon = parse_numbers(lat_text), parse_numbers(lon_text)
        for column, text, parsed in (("latitude", lat_text, lat), ("longitude", lon_text, lon)):
            self.flag(
                text.ne("") & parsed.isna(),
                ERREUR,
                column,
                "« {} » n'est pas une coordonnée : écrivez des degrés décimaux, par exemple 48,8566.",
                text,
                code="coordonnee-illisible",
            )
        half = lat.notna() ^ lon.notna()
        self.flag(
            half & (lat_text.ne("") | lon_text.ne("")) & (lat_text.eq("") | lon_text.eq("")),
            ERREUR,
            "latitude" if "latitude" in self.written else "longitude",
            "Coordonnées incomplètes : donnez la latitude et la longitude, ou aucune des deux.",
            code="coordonnees-incompletes",
        )
        has_point = lat.notna() & lon.notna()
        dep_from_xy = _departement_of_points(lon.where(has_point), lat.where(has_point))
        outside = has_point & dep_from_xy.isna()
        if outside.any():  # swapped, if that puts the point in France
            dep_swapped = _departement_of_points(lat.where(outside), lon.where(outside))
            fix_swap = outside & dep_swapped.notna()
            self.flag(
                fix_swap,
                AVERTISSEMENT,
                "latitude",
                "Latitude et longitude inversées : elles ont été échangées.",
                value=self.coordinates_text(),
                code="coordonnees-inversees",
            )
            lat, lon = lat.where(~fix_swap, lon), lon.where(~fix_swap, lat)
            dep_from_xy = dep_from_xy.fillna(dep_swapped)
            outside = has_point & dep_from_xy.isna()
        return lat, lon, dep_from_xy, outside

    def coordinates_text(self) -> pd.Series:
        """``latitude / longitude`` as written, the value shown for a problem with the point."""
        return self.text("latitude") + " / " + self.text("longitude")

    def _departement_column(self, finer: pd.Series) -> tuple[pd.Series, pd.Series]:
        """The département column read as a code, a name or ``93 - Seine-Saint-Denis`` (lost zero and Corsica's "20"
        repaired, the latter from *finer*, the département found by the commune, postal code or point); and the unknown ones."""
        dep_text = self.text("code_departement")
        dep = departement_codes(dep_text)
        texts = self.distinct("code_departement")[1]
        fix_zero = (
            self.spread("code_departement", texts.str.fullmatch(r"\d", na=False)) & dep.notna()
        )
        self.flag(
            fix_zero,
            AVERTISSEMENT,
            "code_departement",
            "Zéro initial rétabli (perdu par le tableur) : département lu comme {}.",
            dep,
            code="zero-initial",
        )
        three = texts.str.fullmatch(THREE_CHARACTERS.pattern, case=False, na=False)
        if three.any():
            seen = ", ".join(f"« {t} »" for t in texts[three].head(4))
            nord = texts[three].str.upper().str.startswith("59").any()
            self.file_warning(
                "code_departement",
                f"Codes de département sur trois caractères ({seen}) : lus sans le "
                "zéro initial"
                + (", et 59L / 59V (les deux moitiés du Nord) comme 59." if nord else "."),
                code="departement-trois-caracteres",
            )
        is_20 = self.spread("code_departement", texts.str.fullmatch(r"20(\s*-.*)?", na=False))
        if is_20.any():
            corsican = finer.where(finer.eq("2A") | finer.eq("2B"))
            self.flag(
                is_20 & corsican.notna(),
                AVERTISSEMENT,
                "code_departement",
                "Le département 20 n'existe plus : la commune indique {}, retenu.",
                corsican,
                code="departement-20",
            )
            self.flag(
                is_20 & corsican.isna(),
                ERREUR,
                "code_departement",
                "Le département 20 n'existe plus : indiquez 2A (Corse-du-Sud) ou 2B (Haute-Corse), ou la commune.",
                code="departement-20",
            )
            dep = dep.where(~is_20, corsican)
        unknown = dep_text.ne("") & dep.isna()
        return dep, unknown

    def _most_precise(self, *found: pd.Series) -> pd.Series:
        """The département from the most precise source (commune, postal code, point, département column);
        each other source that disagrees gets a warning naming both."""
        columns = ("code_commune", "code_postal", "latitude", "code_departement")
        chosen = functools.reduce(pd.Series.fillna, found)
        differs = [each.notna() & each.ne(chosen) for each in found]
        if not any(mask.any() for mask in differs):
            return chosen
        none = pd.Series(None, index=chosen.index, dtype="str")
        chosen_from, chosen_value, taken = none, none, none
        for column, each in zip(columns, found, strict=False):
            take = taken.isna() & each.notna()
            chosen_from = chosen_from.where(~take, self.written.get(column, column))
            chosen_value = chosen_value.where(
                ~take, self.coordinates_text() if column == "latitude" else self.text(column)
            )
            taken = taken.fillna(each)
        labels = dict(
            zip(
                geo.departement_regions(),
                geo.departement_labels(list(geo.departement_regions())),
                strict=True,
            )
        )
        chosen_label = chosen.map(labels)
        for column, each, mask in zip(columns, found, differs, strict=False):
            # Priority (documented in the file contract): commune code, postal code, point, département column.
            message = (
                f"Désaccord sur le département : « {self.written.get(column, column)} » indique {{}}, "
                "mais « {} » ({}), plus précis, indique {} : la formation est placée selon « {} »."
            )
            self.flag(
                mask,
                AVERTISSEMENT,
                column,
                message,
                (each.map(labels), chosen_from, chosen_value, chosen_label, chosen_from),
                value=self.coordinates_text() if column == "latitude" else None,
                code="desaccord-departement",
            )
        return chosen


def _communes_of(codes: pd.Series, columns: list[str]) -> pd.DataFrame:
    """The reference *columns* of each commune code (NA for a missing one), aligned with *codes*."""
    communes = geo.communes_by_code()
    found = communes.index.get_indexer(codes)
    return pd.DataFrame(
        {c: communes[c].array.take(found, allow_fill=True) for c in columns}, index=codes.index
    )


def _departement_of_points(lon: pd.Series, lat: pd.Series) -> pd.Series:
    """Département containing each point (None for a missing point or one outside France)."""
    x = lon.to_numpy(dtype=float, na_value=np.nan)
    y = lat.to_numpy(dtype=float, na_value=np.nan)
    result = np.full(len(x), None, dtype=object)
    valid = np.flatnonzero((np.abs(x) <= 180) & (np.abs(y) <= 90))  # NaN compares False
    if len(valid):
        points = shapely.points(x[valid], y[valid])
        shapes = geo.load_placement_departements()
        polygons, codes = shapes.geometry.to_numpy(), shapes["code_departement"].to_numpy()
        # The polygons query a tree of the points: each polygon is prepared once, far faster
        # than testing every point alone.
        polygon, point = shapely.STRtree(points).query(polygons, predicate="contains")
        order = np.lexsort(
            (polygon, point)
        )  # a point on two polygons (there should be none) takes the first
        point, polygon = point[order], polygon[order]
        first = np.diff(point, prepend=-1) != 0
        result[valid[point[first]]] = codes[polygon[first]]
        rest = valid[np.setdiff1d(np.arange(len(valid)), point)]
        if len(rest):
            near = gpd.sjoin_nearest(
                gpd.GeoDataFrame(
                    geometry=shapely.points(x[rest], y[rest]), index=rest, crs=geo.CRS
                ).to_crs(3857),
                shapes.to_crs(3857),
                how="inner",
                max_distance=_COAST_TOLERANCE_M,
            )
            near = near[~near.index.duplicated()]
            result[near.index.to_numpy()] = near["code_departement"].to_numpy()
    return pd.Series(result, index=lon.index, dtype="str")
