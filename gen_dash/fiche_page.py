"""The page of the « fiche territoire »: A4, fonts embedded (DejaVu Sans, shipped with matplotlib), the document's
language and title set; its header (the territory, the snapshot) and footer (sources, method, when), and the means
its blocks share. The blocks in between are :mod:`gen_dash.fiche`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import matplotlib
from fpdf import FPDF

from gen_dash import fmt
from gen_dash.territory import Territory

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
BLUE, RED, GREY, TEXT = (0, 0, 145), (225, 0, 15), (90, 96, 108), (22, 22, 22)


@dataclass(frozen=True)
class Source:
    """Where the snapshot comes from, as the sheet's header and footer say it."""

    file_name: str
    date: date | None
    label: str = ""
    sha256: str = ""
    sample: bool = False


class SheetPage(FPDF):
    """One A4 page with its header and footer for *territory*'s figures from *source* (see the module)."""

    def __init__(self, territory: Territory, source: Source, generated: datetime):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.territory, self.source, self.generated = territory, source, generated
        self.set_auto_page_break(False)  # one page: each block has its place
        self.set_margins(12, 10, 12)
        for style, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
            self.add_font("DejaVu", style, str(FONTS / name))
        self.set_lang("fr")
        self.set_title(f"Grande école du numérique — {territory.label}")
        self.set_subject("Fiche territoire : chiffres clés, carte, vagues, quotas, classement")
        self.set_author("gen-dash")
        self.set_creator("gen-dash (fpdf2)")
        self.set_text_color(*TEXT)

    def header_block(self) -> None:
        self.set_font("DejaVu", "B", 16)
        self.cell(
            0,
            8,
            f"Grande école du numérique — {self.territory.label}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.set_font("DejaVu", "", 8.5)
        when = (
            f"Instantané du {fmt.day(self.source.date)}"
            if self.source.date
            else "Instantané non daté"
        )
        label = f" · {self.source.label}" if self.source.label else ""
        self.cell(
            0, 5, f"{when}{label} · fichier {self.source.file_name}", new_x="LMARGIN", new_y="NEXT"
        )
        if self.source.sample:
            self.set_text_color(*RED)
            self.set_font("DejaVu", "B", 8.5)
            self.cell(
                0,
                5,
                "Données illustratives : instantané d'exemple généré, pas des chiffres officiels du programme.",
                new_x="LMARGIN",
                new_y="NEXT",
            )
            self.set_text_color(*TEXT)
        self.ln(2)

    def footer_block(self) -> None:
        self.set_xy(12, self.h - 22)
        self.set_draw_color(200, 204, 212)
        self.line(12, self.h - 23, self.w - 12, self.h - 23)
        self.set_font("DejaVu", "", 6.5)
        self.set_text_color(*GREY)
        digest = f" (SHA-256 {self.source.sha256})" if self.source.sha256 else ""
        self.multi_cell(
            0,
            3.2,
            (
                f"Sources : IGN – Admin Express COG (contours) ; INSEE – Code officiel géographique et populations légales "
                f"(communes, populations) ; instantané « {self.source.file_name} »{digest}. Méthode : chiffres des formations "
                "acceptées à la lecture ; parts de femmes et de jeunes NEET parmi les apprenants, face aux quotas de "
                "30 % et 50 % (en points) ; couverture : distance à vol d'oiseau de chaque commune à la fabrique la plus "
                f"proche. Fiche produite le {self.generated:%d/%m/%Y à %H:%M} par gen-dash, tableau de bord de la Grande "
                "école du numérique."
            ),
        )
        self.set_text_color(*TEXT)

    def fit(self, text: str, width: float) -> str:
        """*text*, cut with « … » where it would overflow *width* mm in the current font."""
        text = str(text)
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def title_line(self, text: str) -> None:
        self.set_font("DejaVu", "B", 10)
        self.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
