"""Tables as people read them: French column names, search, a file template."""

from __future__ import annotations

import pandas as pd

from gen_dash import fmt, markdown
from gen_dash.indicators import BY_KEY
from gen_dash.schema import BY_NAME, COLUMNS, DERIVED_TITLES
from gen_dash.territory import Territory
from gen_dash.text import fold_series

DERIVED_LABELS = DERIVED_TITLES


WARNINGS_TITLE = "À relire"


def readable_rows(rows: pd.DataFrame, problems: pd.DataFrame | None = None) -> pd.DataFrame:
    """A snapshot's rows for display: no geometry, canonical columns under their French titles, an empty cell (never
    « None ») where the file gave nothing; with *problems* (the report's), a last column « À relire » with each row's
    warnings (a repair, clues that disagree), so that a row is checked where it is read."""
    out = pd.DataFrame(rows.drop(columns=[c for c in ("geometry", "cle_fabrique") if c in rows]))
    if problems is not None and "ligne" in out:
        said = problems[problems["ligne"] > 1].groupby("ligne")["message"].agg(" ; ".join)
        out[WARNINGS_TITLE] = out["ligne"].map(said)
    for column in out.columns:
        # Text, and any column the file left empty throughout (an optional column it does not have), show blank.
        if (
            out[column].dtype == object
            or pd.api.types.is_string_dtype(out[column])
            or out[column].isna().all()
        ):
            out[column] = out[column].astype(object).where(out[column].notna(), "")
    return out.rename(columns={**{c.name: c.title for c in COLUMNS}, **DERIVED_LABELS})


def search(frame: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows of *frame* where any cell contains every word of *query* (case and accents ignored)."""
    words = [w for w in query.lower().split() if w]
    if not words:
        return frame
    text = frame.astype(str).agg(" ".join, axis=1)
    folded = fold_series(text)
    keep = pd.Series(True, index=frame.index)
    for word in words:
        keep &= folded.str.contains(fold_series(pd.Series([word])).iloc[0], regex=False)
    return frame[keep]


def template_csv() -> bytes:
    """A file to fill in: every canonical column and one example row (``;``, UTF-8 with BOM, for Excel)."""
    example = {
        "id_formation": "F-0001",
        "nom_formation": "Développeur web",
        "nom_fabrique": "Fabrique numérique de Montreuil",
        "id_fabrique": "FAB-001",
        "porteur": "Association Code & Cité",
        "vague": "2",
        "date_labellisation": "15/12/2016",
        "metier": "Développeur web",
        "code_commune": "93048",
        "code_postal": "93100",
        "commune": "Montreuil",
        "code_departement": "93",
        "latitude": "48,8639",
        "longitude": "2,4557",
        "places": "24",
        "apprenants": "20",
        "apprenants_femmes": "7",
        "apprenants_neet": "11",
        "apprenants_boursiers": "6",
        "subvention_eur": "25 000,00",
        "date_extraction": "31/12/2017",
    }
    header = ";".join(BY_NAME[c].name for c in example)
    return ("\ufeff" + header + "\r\n" + ";".join(example.values()) + "\r\n").encode("utf-8")


def french(frame: pd.DataFrame, natures: dict[str, str], missing: str = "–") -> pd.DataFrame:
    """Columns of *frame* formatted as French text (``nombre``, ``part``, ``euros``), for tables not meant to be sorted;
    *missing* where there is no value."""
    out = frame.copy()
    for column, nature in natures.items():
        out[column] = [fmt.by_nature(v, nature, missing) for v in out[column]]
    return out


def as_points(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Shares (0.274) as percentage points to one decimal (27.4), for sortable tables shown in the reader's locale;
    a share the frame does not have is left out."""
    out = frame.copy()
    for column in columns:
        if column in out:
            # numbers, a missing share NaN (an empty cell; « None » where an object column held one)
            out[column] = (
                pd.to_numeric(out[column], errors="coerce").astype("float64") * 100
            ).round(1)
    return out


def with_status(changes: pd.DataFrame, statuses: list[str]) -> pd.DataFrame:
    """The differences whose ``statut`` is one of *statuses*."""
    return changes[changes["statut"].isin(statuses)]


def french_by_row(
    frame: pd.DataFrame,
    columns: list[str],
    nature: str = "nature",
    signed: tuple[str, ...] = (),
    missing: str = "–",
) -> pd.DataFrame:
    """*columns* as French text, each row by the nature named in its *nature* column (a table of mixed indicators);
    *missing* where there is no value.

    Columns in *signed* are changes: written with their sign (``+1 500``, ``−2,1 pt``).
    """
    out = frame.copy()
    for column in columns:
        write = fmt.signed_change if column in signed else fmt.by_nature
        out[column] = [write(v, n, missing) for v, n in zip(out[column], out[nature], strict=False)]
    return out


RANK_COLUMNS = ["rang", "rang_region", "choisi"]
_SHARES = ["part_femmes", "part_neet", "part_boursiers"]  # shown in points in the tables


def _titles(*keys: str) -> dict[str, str]:
    return {key: BY_KEY[key].title for key in keys}


FIGURE_HEADERS = {
    "code": "Code",
    "nom": "Nom",
    "nom_region": "Région",
    **_titles("fabriques", "formations", "apprenants"),
    "apprenants_femmes": "Apprenantes",
    "apprenants_neet": "Jeunes NEET",
    "apprenants_boursiers": "Boursiers",
    **_titles(
        "part_femmes", "part_neet", "part_boursiers", "apprenants_pour_100k", "subvention_eur"
    ),
    "population": "Population",
}


def ranking(
    figures: pd.DataFrame, territory: Territory, level: str, by: str = "apprenants"
) -> pd.DataFrame:
    """Territories ranked by *by* (learners; formations for a list snapshot), the chosen territory marked, shares in
    points (27.4).

    Régions: all of them, ranked (``rang``); the territory's région marked. EPCI: those lying in the territory's
    départements, with their national rank and their rank in the région, the chosen EPCI marked. Départements: all
    France for France;
    otherwise the départements of the territory's région, with their national rank and their rank in the région
    (``rang_region``), the chosen départements (or the whole région) marked. ``choisi`` is ``True`` on the marked rows.
    """
    out = as_points(figures, _SHARES)
    out["rang"] = out[by].rank(ascending=False, method="min").astype("int64")
    # the EPCI lying in the territory's départements (all for France), ranked in the région too
    if level == "epci":
        if not territory.national:
            wanted = set(territory.codes)
            out = out[out["departements"].map(lambda codes: bool(set(codes) & wanted))].copy()
            in_region = out["regions"].map(lambda codes: territory.region in codes)
            out.loc[in_region, "rang_region"] = out.loc[in_region, by].rank(
                ascending=False, method="min"
            )
            out["rang_region"] = out["rang_region"].astype("Int64")
        out["choisi"] = out["code"].eq(territory.epci) if territory.epci else False
    elif level == "region":
        out["choisi"] = out["code"] == territory.region
    else:
        if territory.region:
            out = out[out["code_region"] == territory.region].copy()
            out["rang_region"] = out[by].rank(ascending=False, method="min").astype("int64")
        out["choisi"] = out["code"].isin(territory.codes) & (not territory.national)
    return out.sort_values(["rang", "code"]).reset_index(drop=True)


def figures_export(figures: pd.DataFrame, level: str = "departement") -> pd.DataFrame:
    """Figures by territory as the exports give them: French headers as on screen, shares in points rounded to one
    decimal, subsidies to the euro."""
    columns = [
        c
        for c in FIGURE_HEADERS
        if c in figures and not (level != "departement" and c == "nom_region")
    ]
    out = as_points(figures[columns], _SHARES)
    out["subvention_eur"] = out["subvention_eur"].round(0).astype("Int64")
    name = {"departement": "Département", "region": "Région", "epci": "EPCI"}[level]
    out = out.rename(columns={**FIGURE_HEADERS, "nom": name})
    if level == "epci":  # where it lies: every département where it has communes
        out.insert(2, "Nature", figures["nature"].to_numpy())
        out.insert(3, "Départements", figures["departements"].map(", ".join).to_numpy())
    return out


def beside_nation_on_page(
    comparison: pd.DataFrame, territory: Territory, missing: str = "–"
) -> str:
    """:func:`gen_dash.key_figures.compare_with_nation` as the Territoires page reads it: a Markdown table, one row per
    indicator, each figure written in French by its nature (*missing* where it has none) and right-aligned, under
    French headers (for France, one column of figures rather than two identical ones), then a sentence that says each
    share against its quota. The quotas are not a column: on a phone, a fifth column of sentences broke the figures
    and the words of every column to fit."""
    shown = (
        french_by_row(comparison.assign(nature_part="part"), ["territoire"], missing=missing)
        .pipe(french_by_row, ["france"], nature="nature_france", missing=missing)
        .pipe(french_by_row, ["part_du_national"], nature="nature_part", missing=missing)
    )
    headers = {"libelle": "Indicateur", "territoire": territory.label}
    if not territory.national:
        headers |= {"france": "France entière", "part_du_national": "Part du total national"}
    table = markdown.table(
        shown[list(headers)].rename(columns=headers), right=list(headers.values())[1:]
    )
    against = [
        f"{markdown.escape(fmt.lowercase_first(label))}, {markdown.escape(gap)}"
        for label, gap in zip(comparison["libelle"], comparison["quota"], strict=True)
        if gap
    ]
    return table + (f"\n\nFace aux quotas : {' ; '.join(against)}." if against else "")


def comparison_export(comparison: pd.DataFrame, territory: Territory) -> pd.DataFrame:
    """:func:`gen_dash.key_figures.compare_with_nation` as the export gives it: French headers, values as shown (shares in
    points to one decimal, euros to the euro), a unit column."""

    def shown(value, nature):
        if value is None or pd.isna(value):
            return None
        if nature == "couverture":
            return fmt.covered(value)
        return (
            round(float(value) * 100, 1)
            if nature == "part"
            else round(float(value))
            if nature == "euros"
            else value
        )

    out = pd.DataFrame(
        {
            "Indicateur": comparison["libelle"],
            "Unité": comparison["nature_france"].map({"part": "%", "euros": "€"}).fillna("nombre"),
        }
    )
    out[territory.label if not territory.national else "France entière"] = [
        shown(v, n) for v, n in zip(comparison["territoire"], comparison["nature"], strict=False)
    ]
    if not territory.national:
        out["France entière"] = [
            shown(v, n)
            for v, n in zip(comparison["france"], comparison["nature_france"], strict=False)
        ]
        out["Part du total national (%)"] = [
            None if v is None or pd.isna(v) else round(float(v) * 100, 1)
            for v in comparison["part_du_national"]
        ]
    out["Face au quota"] = comparison["quota"].values
    return out.reset_index(drop=True)


_METIER_HEADERS = {
    "famille": "Famille de métiers",
    **_titles("formations"),
    "part_formations": "Part des formations (%)",
    **_titles("fabriques"),
    "departements": "Départements où elle est proposée",
    **_titles("apprenants"),
    **_titles("part_femmes", "part_neet", "part_boursiers"),
}


def metiers_export(table: pd.DataFrame, territory: Territory) -> pd.DataFrame:
    """:func:`gen_dash.metrics.figures_by_metier` as the page and the exports give it: French headers, shares in points
    to one decimal; for a territory, its columns, then the nation's main ones (« France : formations »)."""
    shares = ["part_formations", *_SHARES]
    given = table.get("part_boursiers_france", table["part_boursiers"])
    columns = [
        c for c in _METIER_HEADERS if c in table and (c != "part_boursiers" or given.notna().any())
    ]
    out = as_points(table[columns], shares).rename(columns=_METIER_HEADERS)
    if not territory.national and "formations_france" in table:
        france = [
            c
            for c in ("formations", "part_formations", "apprenants", "part_femmes", "part_neet")
            if c in columns
        ]
        nation = as_points(table[[f"{c}_france" for c in france]].set_axis(france, axis=1), shares)
        headers = {c: "France : " + fmt.lowercase_first(_METIER_HEADERS[c]) for c in france}
        out = pd.concat([out, nation.rename(columns=headers)], axis=1)
    return out.reset_index(drop=True)


def fabriques_list(fabriques: pd.DataFrame) -> pd.DataFrame:
    """:func:`gen_dash.metrics.fabriques_of` as the list beside the map: name, commune, département, formations,
    learners, sorted by name (the list a keyboard or a screen reader uses instead of the markers)."""
    out = fabriques[
        ["nom_fabrique", "commune", "code_departement", "formations", "apprenants"]
    ].sort_values(["nom_fabrique", "commune"], key=lambda c: c.astype(str).str.lower())
    return out.rename(
        columns={
            "nom_fabrique": "Fabrique",
            "commune": "Commune",
            "code_departement": "Département",
            "formations": "Formations",
            "apprenants": "Apprenants",
        }
    ).reset_index(drop=True)


def fabriques_on_page(listed: pd.DataFrame) -> pd.DataFrame:
    """:func:`fabriques_list` as read on a page: the département beside the commune, « Toulouse (31) », one column
    fewer, so that the table fits a phone's width (the CSV keeps both columns)."""
    place = listed["Commune"].astype("string")
    code = listed["Département"].astype("string")
    return listed.drop(columns="Département").assign(
        Commune=(place + " (" + code + ")").fillna(code)
    )


def epci_without_formation(figures: pd.DataFrame) -> pd.DataFrame:
    """The EPCI of *figures* (:func:`gen_dash.metrics.figures_by_territory` at EPCI level) with no formation, the
    most populated first, as shown: the programme's white zones one level below the département."""
    empty = figures[figures["formations"] == 0].sort_values("population", ascending=False)
    return pd.DataFrame(
        {
            "EPCI": empty["nom"],
            "Code SIREN": empty["code"],
            "Nature": empty["nature"],
            "Départements": empty["departements"].map(", ".join),
            "Population": empty["population"],
        }
    )


def nearest_on_page(nearest: pd.DataFrame) -> str:
    """:attr:`gen_dash.commune.Near.fabriques` as « Ma commune » lists them: a numbered Markdown list, nearest first,
    each fabrique with its commune, distance, formations, métiers and titles in a sentence. A table of seven columns
    ran off a laptop's page and a phone's screen; a list wraps at any width and a screen reader counts its items.

    >>> print(nearest_on_page(pd.DataFrame({"nom_fabrique": ["Simplon"], "commune": ["Lunel"],
    ...     "code_departement": ["34"], "distance_km": [2.04], "formations": [1], "metiers": [None],
    ...     "intitules": ["Dév. web"]})))
    1. **Simplon**, Lunel (34)\u00a0: à 2,0\u00a0km ; 1 formation. Intitulés\u00a0: Dév\\. web.
    """
    # French spacing: a colon never begins a line, a distance never leaves its unit
    items = []
    for rank, fabrique in enumerate(nearest.itertuples(index=False), start=1):
        formations = int(fabrique.formations)
        code = markdown.escape(fabrique.code_departement)
        place = (
            f"{markdown.escape(fabrique.commune)} ({code})"
            if isinstance(fabrique.commune, str)
            else code
        )
        item = (
            f"{rank}. **{markdown.escape(fabrique.nom_fabrique)}**, {place}{fmt.NO_BREAK}: "
            f"à {fmt.number(fabrique.distance_km, 1)}{fmt.NO_BREAK}km ; {fmt.number(formations)} "
            f"formation{'s' if formations > 1 else ''}."
        )
        for title, text in (("Métiers", fabrique.metiers), ("Intitulés", fabrique.intitules)):
            if isinstance(text, str) and text.strip():
                item += f" {title}{fmt.NO_BREAK}: {markdown.escape(text.strip())}."
        items.append(item)
    return "\n".join(items)
