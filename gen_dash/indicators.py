"""The programme's indicators, once: the column that holds each, its French labels and unit, how a map classes it,
how a figure of it is written, and which target or quota it is measured against.

Adding an indicator is adding a row here and its computation (in :mod:`gen_dash.metrics`); metrics, maps, charts,
pages, exports and the command line take their words from this table.

>>> BY_KEY["part_femmes"].title
'Part de femmes (%)'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    """One indicator."""

    key: str  # its column in the figures (metrics.summary_figures, figures_by_territory)
    label: str  # as a headline or a heading says it
    short: str  # as a map's legend or a table's column says it
    unit: str = ""  # shown after the short label in tables: "%" (a share in points), "€"
    kind: str = (
        "count"  # how a map classes it: "count", "rate", "share", "coverage" (gen_dash.classes)
    )
    nature: str = "nombre"  # how gen_dash.fmt writes it: "nombre", "part", "euros"
    target: str | None = None  # the gen_dash.targets.Targets field of its national target or quota
    zero: str = "0"  # what a map's legend says of zero
    source: str | None = (
        None  # for an indicator the programme reports: the snapshot column it comes from
    )

    @property
    def title(self) -> str:
        """The short label with its unit, as a table's column header: « Part de femmes (%) »."""
        return f"{self.short} ({self.unit})" if self.unit else self.short


INDICATORS = (
    Indicator(
        "fabriques",
        "Fabriques labellisées",
        "Fabriques",
        target="fabriques",
        zero="aucune (zone blanche)",
    ),
    Indicator("formations", "Formations", "Formations", zero="aucune"),
    Indicator("apprenants", "Apprenants", "Apprenants", target="apprenants", zero="aucun"),
    Indicator(
        "departements_couverts", "Départements couverts", "Départements couverts", zero="aucun"
    ),
    Indicator(
        "apprenants_pour_100k",
        "Apprenants pour 100 000 habitants",
        "Apprenants pour 100 000 habitants",
        kind="rate",
        zero="aucun",
    ),
    Indicator(
        "part_femmes",
        "Part de femmes",
        "Part de femmes",
        "%",
        "share",
        "part",
        target="part_femmes",
    ),
    Indicator(
        "part_neet",
        "Part de jeunes NEET",
        "Part de jeunes NEET",
        "%",
        "share",
        "part",
        target="part_neet",
    ),
    Indicator(
        "part_boursiers",
        "Part de boursiers (aide financière aux apprenants)",
        "Part de boursiers",
        "%",
        "share",
        "part",
        source="apprenants_boursiers",
    ),
    Indicator(
        "part_qpv",
        "Part d'apprenants des quartiers prioritaires",
        "Part QPV",
        "%",
        "share",
        "part",
        target="part_qpv",
        source="apprenants_qpv",
    ),
    Indicator(
        "part_sorties_positives",
        "Part de sorties positives (emploi ou formation à six mois)",
        "Part de sorties positives",
        "%",
        "share",
        "part",
        source="sorties_positives",
    ),
    Indicator(
        "part_gratuites",
        "Part de formations gratuites",
        "Part de formations gratuites",
        "%",
        "share",
        "part",
        source="gratuite",
    ),
    Indicator(
        "subvention_eur",
        "Subventions accordées",
        "Subventions",
        "€",
        nature="euros",
        target="enveloppe_totale",
    ),
)
BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
# What the map can colour the départements by, in the order the map page offers them.
ON_MAP = {
    key: BY_KEY[key]
    for key in (
        "fabriques",
        "formations",
        "apprenants",
        "apprenants_pour_100k",
        "part_femmes",
        "part_neet",
    )
}
# The indicators the programme reports in some snapshots only (shown when the snapshot gives them).
REPORTED = tuple(indicator for indicator in INDICATORS if indicator.source)
