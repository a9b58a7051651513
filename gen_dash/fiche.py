"""« Fiche territoire »: one A4 page, in French, with a territory's figures, its map and its sources.

The figures are the dashboard's own (:func:`gen_dash.key_figures.headline_figures`, the overview's; the map of
:mod:`gen_dash.static_map`, the web map's classes): the sheet a regional officer hands out says what the screen
says. The PDF is written with fpdf2, fonts embedded (DejaVu Sans, shipped with matplotlib), text selectable, the
document's language and title set, images with a text alternative.

Here: the blocks between the page's header and footer (:mod:`gen_dash.fiche_page`).
"""

from __future__ import annotations

import io
from datetime import datetime

import matplotlib
import matplotlib.pyplot as plt  # the Agg backend: chosen by gen_dash.static_map
import pandas as pd

from gen_dash import coverage, fmt, geo, key_figures, metrics, published, static_map, tables
from gen_dash.fiche_page import BLUE, GREY, RED, TEXT, SheetPage, Source
from gen_dash.indicators import BY_KEY, ON_MAP
from gen_dash.objectives import COVERAGE_KM
from gen_dash.snapshot import is_list_only
from gen_dash.targets import Targets
from gen_dash.territory import Territory


def territory_sheet(
    rows: pd.DataFrame,
    national: pd.DataFrame,
    territory: Territory,
    targets: Targets,
    source: Source,
    communes: pd.DataFrame,
    indicator: str = "fabriques",
    generated: datetime | None = None,
    published_figures: pd.DataFrame | None = None,
) -> bytes:
    """The one-page PDF of *territory*.

    Parameters
    ----------
    rows, national
        The territory's rows and all the snapshot's rows.
    source
        The snapshot's file, date, label, SHA-256, and whether it is an illustrative sample.
    communes
        The reference communes (coverage within 30 km).
    indicator
        What the map colours the départements by (a key of :data:`gen_dash.indicators.ON_MAP`).
    generated
        The time of generation said in the footer (default: now).
    published_figures
        The programme's published figures (default: the bundled ones); those of the snapshot's quarter and territory
        go in a table above the footer.
    """
    pdf = _Sheet(territory, source, generated or datetime.now())
    pdf.add_page()
    pdf.header_block()
    headline = key_figures.headline_figures(rows, targets, territory, national)
    pdf.headline_block(headline)
    figures, fabriques = metrics.figures_by_territory(national), metrics.fabriques_of(national)
    pdf.map_block(
        static_map.map_image(figures, fabriques, indicator, territory, targets.quota(indicator)),
        ON_MAP[indicator].short,
    )
    pdf.shares_block(headline, rows, fabriques, territory, targets, communes)
    pdf.waves_block(
        metrics.progress_by_wave(rows, targets, None if territory.national else national),
        targets,
        territory,
    )
    level = "region" if territory.national else "departement"
    pdf.ranking_block(
        figures if level == "departement" else metrics.figures_by_territory(national, level),
        territory,
        level,
        list_only=is_list_only(national),
    )
    said = published.bundled() if published_figures is None else published_figures
    pdf.published_block(
        published.beside(
            said, published.snapshot_values(headline, len(rows)), source.date, territory
        )
    )
    pdf.footer_block()
    return bytes(pdf.output())


class _Sheet(SheetPage):
    """The sheet's blocks, top to bottom, between the page's header and footer."""

    def headline_block(self, headline: pd.DataFrame) -> None:
        self.title_line("Chiffres clés")
        top, width, height, per_row = self.get_y(), (self.w - 24) / 4, 15.5, 4
        for i, (_, line) in enumerate(headline.iterrows()):
            x, y = 12 + (i % per_row) * width, top + (i // per_row) * height
            self.set_draw_color(200, 204, 212)
            self.rect(x, y, width - 2, height - 1.5)
            self.set_xy(x + 1.5, y + 1)
            self.set_font("DejaVu", "", 6.5)
            label = line["libelle"]
            # « Part de boursiers (aide …) »
            if self.get_string_width(label) > width - 5 and line.name in BY_KEY:
                label = BY_KEY[line.name].short
            self.cell(width - 5, 3.2, self.fit(label, width - 5))
            self.set_xy(x + 1.5, y + 4.3)
            self.set_font("DejaVu", "B", 11.5)
            value = fmt.by_nature(line["valeur"], line["nature"], "non renseigné")
            self.cell(width - 5, 5, value)
            self.set_xy(x + 1.5, y + 9.6)
            self.set_font("DejaVu", "", 6)
            self.set_text_color(*GREY)
            self.cell(
                width - 5,
                3,
                self.fit(line["repere"] if value != "non renseigné" else "", width - 5),
            )
            self.set_text_color(*TEXT)
        rows = -(-len(headline) // per_row)
        self.set_y(top + rows * height + 1)

    def map_block(self, image: static_map.MapImage, what: str) -> None:
        self.title_line(f"Carte : {what.lower()} par département")
        top = self.get_y()
        width = 118
        height = width * image.height / image.width
        self.image(
            io.BytesIO(image.data),
            x=12,
            y=top,
            w=width,
            h=height,
            alt_text=f"Carte de {self.territory.label}, départements selon « {what} », fabriques en points rouges.",
        )
        self.map_bottom = top + height
        self.side_x, self.side_top = 12 + width + 3, top

    def shares_block(
        self,
        headline: pd.DataFrame,
        rows: pd.DataFrame,
        fabriques: pd.DataFrame,
        territory: Territory,
        targets: Targets,
        communes: pd.DataFrame,
    ) -> None:
        """Beside the map: the headline's shares against their quotas (a bar and the quota's mark), and the coverage
        of the territory by every fabrique (*fabriques*: the nation's)."""
        x, width = self.side_x, self.w - 12 - self.side_x
        self.set_xy(x, self.side_top)
        self.set_font("DejaVu", "B", 9)
        self.cell(width, 5, "Parts face aux quotas", new_x="LEFT", new_y="NEXT")
        for key in [
            k
            for k in ("part_femmes", "part_neet", "part_qpv", "part_boursiers")
            if k in headline.index
        ]:
            value = (
                None if pd.isna(headline.loc[key, "valeur"]) else float(headline.loc[key, "valeur"])
            )
            quota = targets.quota(key)
            self.set_x(x)
            self.set_font("DejaVu", "", 7.5)
            self.cell(
                width,
                4,
                f"{BY_KEY[key].short} : {fmt.percent(value) if value is not None else 'non renseigné'}",
                new_x="LEFT",
                new_y="NEXT",
            )
            bar_y = self.get_y()
            self.set_fill_color(230, 232, 236)
            self.rect(x, bar_y, width - 2, 2.6, style="F")
            if value is not None:
                reached = quota is None or round(value, 3) >= quota
                self.set_fill_color(*(BLUE if reached else RED))
                self.rect(x, bar_y, (width - 2) * min(max(value, 0), 1), 2.6, style="F")
            if quota is not None:
                self.set_draw_color(*TEXT)
                self.set_line_width(0.5)
                self.line(
                    x + (width - 2) * quota, bar_y - 0.8, x + (width - 2) * quota, bar_y + 3.4
                )
                self.set_line_width(0.2)
            self.set_xy(x, bar_y + 3.4)
            self.set_font("DejaVu", "", 6.5)
            self.set_text_color(*GREY)
            self.cell(
                width,
                3.5,
                fmt.quota_gap(value, quota) if quota is not None else "sans objectif fixé",
                new_x="LEFT",
                new_y="NEXT",
            )
            self.set_text_color(*TEXT)
            self.ln(1)
        share = coverage.population_share_within(territory.apply(communes), fabriques, COVERAGE_KM)
        white = coverage.departements_without_fabrique(
            metrics.fabriques_of(rows), list(territory.codes)
        )
        self.ln(1)
        self.set_x(x)
        self.set_font("DejaVu", "B", 9)
        self.cell(width, 5, "Couverture", new_x="LEFT", new_y="NEXT")
        self.set_font("DejaVu", "", 7.5)
        self.multi_cell(
            width,
            3.6,
            f"{fmt.percent(share)} de la population vit à moins de {COVERAGE_KM} km d'une "
            f"fabrique (à vol d'oiseau). Départements sans fabrique : "
            f"{', '.join(geo.departement_labels(white[:12])) or 'aucun'}"
            f"{f' et {len(white) - 12} autres' if len(white) > 12 else ''}.",
            new_x="LEFT",
            new_y="NEXT",
        )
        self.set_y(max(self.map_bottom, self.get_y()) + 2)

    def waves_block(self, progress: pd.DataFrame, targets: Targets, territory: Territory) -> None:
        self.title_line(
            "Vagues : cumuls face aux objectifs"
            if territory.national
            else "Vagues : cumuls du territoire"
        )
        top = self.get_y()
        chart = _waves_chart(progress, targets if territory.national else None)
        self.image(
            io.BytesIO(chart),
            x=12,
            y=top,
            w=88,
            alt_text="Fabriques et apprenants cumulés, vague par vague"
            + (
                f", face aux objectifs de {fmt.number(targets.fabriques)} et {fmt.number(targets.apprenants)}."
                if territory.national
                else "."
            ),
        )
        self.set_font("DejaVu", "", 6.5)
        self.set_xy(12, top + 45)
        parts = " ; ".join(
            f"vague {w} : {fmt.number(f)} fabriques, {fmt.number(a)} apprenants"
            for w, f, a in zip(
                progress["vague"],
                progress["fabriques_cumulees"],
                progress["apprenants_cumules"],
                strict=False,
            )
        )
        self.multi_cell(
            88,
            3,
            f"Cumuls : {parts}." + ("" if territory.national else " Les objectifs sont nationaux."),
        )
        self.waves_bottom = self.get_y()
        self.ranking_x, self.ranking_top = 104, top - 6

    def ranking_block(
        self, figures: pd.DataFrame, territory: Territory, level: str, list_only: bool
    ) -> None:
        """The régions (France) or the région's départements, ranked (*figures*: of every territory of *level*)."""
        by = "formations" if list_only else "apprenants"
        ranking = tables.ranking(figures, territory, level, by)
        self.set_xy(self.ranking_x, self.ranking_top)
        self.set_font("DejaVu", "B", 10)
        title = (
            "Classement des régions"
            if territory.national
            else f"Départements de {territory.region_name}"
        )
        self.cell(0, 6, f"{title} (selon les {by})", new_x="LEFT", new_y="NEXT")
        widths = (7, 33, 13, 14, 14, 13)
        heads = ("Rang", "Nom", "Fabriques", "Formations", "Apprenants", "% femmes")
        aligns = ("L", "L", "R", "R", "R", "R")
        self.set_font("DejaVu", "B", 5.8)
        for w, head, align in zip(widths, heads, aligns, strict=True):
            self.cell(w, 4, head, border="B", align=align)
        self.ln(4)
        for _, line in ranking.head(19).iterrows():
            self.set_x(self.ranking_x)
            # The chosen départements in bold (a whole région: every line is, so none is).
            self.set_font(
                "DejaVu", "B" if line.get("choisi") and territory.departements else "", 6.5
            )
            rank = (
                line["rang_region"]
                if "rang_region" in line and not pd.isna(line.get("rang_region"))
                else line["rang"]
            )
            cells = (
                str(int(rank)),
                self.fit(str(line["nom"]), 33),
                fmt.number(line["fabriques"]),
                fmt.number(line["formations"]),
                fmt.number(line["apprenants"]) if not pd.isna(line["apprenants"]) else "–",
                fmt.number(line["part_femmes"], 1) if not pd.isna(line["part_femmes"]) else "–",
            )
            for w, text, align in zip(widths, cells, aligns, strict=True):
                self.cell(w, 3.4, text, align=align)
            self.ln(3.4)
        if not territory.national:
            self.set_x(self.ranking_x)
            self.set_font("DejaVu", "", 6)
            self.set_text_color(*GREY)
            self.cell(
                0,
                3.5,
                "Rang dans la région"
                + (" ; en gras, les départements de la fiche." if territory.departements else "."),
            )
            self.set_text_color(*TEXT)

    def published_block(self, found: pd.DataFrame) -> None:
        """The programme's published figures for the snapshot's quarter and territory, two per line, above the footer
        (as many as the page holds, the rest counted)."""
        if found.empty:
            return
        top, bottom, line_height = max(self.get_y(), self.waves_bottom) + 1, self.h - 24, 3.2
        per_line, width = 2, (self.w - 24) / 2
        room = int((bottom - top - 6 - 2 * line_height) // line_height) * per_line
        if room <= 0:
            return
        shown = found.head(room if len(found) <= room else room - 1)
        self.set_xy(12, top)
        self.title_line(
            f"Chiffres publiés par le programme ({', '.join(dict.fromkeys(shown['libelle_date']))}) et cet "
            "instantané"
        )
        self.set_font("DejaVu", "", 6.2)
        for i, (_, line) in enumerate(shown.iterrows()):
            if i % per_line == 0 and i:
                self.ln(line_height)
            said = published.written(line["valeur"], line["nature"])
            if line["comparable"] == "oui":
                mine = fmt.by_nature(line["valeur_instantane"], line["nature"], "non renseigné")
                gap = line["ecart"].removeprefix("cet instantané donne ")
                name = BY_KEY[line["cle"]].short if line["cle"] in BY_KEY else line["indicateur"]
                text = f"{name} : publié {said}, ici {mine} ({gap})"
            else:
                text = f"{line['indicateur']} : publié {said} (autre définition)"
            self.set_x(12 + (i % per_line) * width)
            self.cell(width - 2, line_height, self.fit(text, width - 2))
        self.ln(line_height)
        self.set_text_color(*GREY)
        more = (
            f" ; {len(found) - len(shown)} autres dans la Vue d'ensemble"
            if len(found) > len(shown)
            else ""
        )
        self.multi_cell(
            0,
            line_height,
            self.fit(
                "Sources : " + " ; ".join(dict.fromkeys(shown["source"])) + more,
                2 * (self.w - 24) - 4,
            ),
        )
        self.set_text_color(*TEXT)


def _waves_chart(progress: pd.DataFrame, targets: Targets | None) -> bytes:
    fig, axes = plt.subplots(1, 2, figsize=(3.6, 1.75), dpi=200)
    waves = [f"V{w}" if w != metrics.UNKNOWN_WAVE else "Sans vague" for w in progress["vague"]]
    for ax, column, title, target in (
        (axes[0], "fabriques_cumulees", "Fabriques", targets.fabriques if targets else None),
        (axes[1], "apprenants_cumules", "Apprenants", targets.apprenants if targets else None),
    ):
        values = progress[column].fillna(0).astype(float)
        ax.bar(waves, values, color="#000091")
        for i, v in enumerate(values):  # inside the bar's top: never under the target's line
            ax.text(i, v * 0.97, fmt.number(v), ha="center", va="top", fontsize=5.5, color="white")
        if target:
            ax.axhline(target, color="#e1000f", linestyle="--", linewidth=0.8)
            ax.text(
                -0.4,
                target,
                f"objectif {fmt.number(target)}",
                fontsize=5,
                color="#e1000f",
                va="bottom",
            )
        top = max(float(values.max() or 0), float(target or 0)) * 1.22 or 1
        ax.set_ylim(0, top)
        ax.set_title(title, fontsize=6.5)
        ax.tick_params(labelsize=5.5)
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, nbins=5))
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fmt.number(v)))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.tight_layout(pad=0.4)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=200)
    plt.close(fig)
    return out.getvalue()
