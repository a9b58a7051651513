"""The typed values of a file: numbers, integers, yes or no, dates, each checked for what is plausible.

:class:`TypedValues` is the second half of a reading (:mod:`gen_dash.ingest`). Codes, counts and dates repeat a lot:
each check runs once per distinct text of the column, and its result is spread back to the rows.
"""

from __future__ import annotations

import functools
from datetime import date

import numpy as np
import pandas as pd

from gen_dash.cells import Cells, parse_dates, parse_numbers
from gen_dash.schema import BY_NAME, LARGEST, PROGRAMME_START
from gen_dash.snapshot import ERREUR
from gen_dash.text import fold_series

# beyond it a float no longer holds every integer: no effectif or wave number comes near
_LARGEST_COUNT = 2**53
_YES_NO = {
    **dict.fromkeys(
        ("oui", "o", "vrai", "v", "1", "x", "yes", "y", "true", "gratuite", "gratuit"), "oui"
    ),
    **dict.fromkeys(("non", "n", "faux", "f", "0", "no", "false", "payante", "payant"), "non"),
}


class TypedValues(Cells):
    """Each column read as its type, its unreadable or implausible values flagged (see the module)."""

    def _numbers(self, column: str) -> pd.Series:
        text = self.distinct(column)[1]
        parsed = parse_numbers(text).to_numpy()
        finite = np.isfinite(parsed)  # "nan" and "inf" read as numbers, but are not amounts
        self.flag_texts(
            text.ne("").to_numpy() & ~finite,
            ERREUR,
            column,
            "« {} » n'est pas un nombre : écrivez par exemple 12500 ou 12 500,50.",
            code="nombre-illisible",
        )
        minimum = BY_NAME[column].minimum
        if minimum is not None:
            self.flag_texts(
                finite & (parsed < minimum),
                ERREUR,
                column,
                "Valeur négative : un effectif ou un montant ne peut pas être inférieur à zéro."
                if minimum == 0
                else f"La valeur doit être au moins {minimum}.",
                code="nombre-negatif",
            )
        largest = LARGEST.get(column)
        if largest is not None:
            too_big = finite & (parsed > largest)
            self.flag_texts(
                too_big,
                ERREUR,
                column,
                f"Montant démesuré « {{}} » : plus de {largest:,} € pour une formation "
                "(l'enveloppe d'une vague) ; vérifiez la cellule.".replace(",", "\u202f"),
                code="montant-demesure",
            )
            finite &= ~too_big
        return self.spread(column, pd.array(np.where(finite, parsed, np.nan), dtype="Float64"))

    def _integers(self, column: str) -> pd.Series:
        text = self.distinct(column)[1]
        parsed = parse_numbers(text).to_numpy()
        number = ~np.isnan(parsed)
        with np.errstate(invalid="ignore"):  # inf % 1 is NaN: not an integer either
            bad = (text.ne("").to_numpy() & ~number) | (number & (parsed % 1 != 0))
        self.flag_texts(
            bad,
            ERREUR,
            column,
            "« {} » n'est pas un nombre entier : écrivez un entier, par exemple 12.",
            code="entier-illisible",
        )
        largest = largest_wave() if column == "vague" else LARGEST.get(column, _LARGEST_COUNT)
        huge = ~bad & (np.abs(parsed) > largest)
        self.flag_texts(
            huge,
            ERREUR,
            column,
            f"Effectif démesuré « {{}} » : plus de {largest:,} pour une formation ; "
            "vérifiez la cellule.".replace(",", "\u202f")
            if column != "vague"
            else f"Vague « {{}} » inconnue : le fichier des objectifs décrit {largest - _WAVE_MARGIN} vague(s) ; "
            "vérifiez la cellule.",
            code="vague-inconnue" if column == "vague" else "effectif-demesure",
        )
        bad |= huge
        minimum = BY_NAME[column].minimum
        self.flag_texts(
            (parsed < minimum) & ~bad,
            ERREUR,
            column,
            "Nombre négatif : un effectif ne peut pas être inférieur à zéro."
            if minimum == 0
            else f"Le numéro doit être au moins {minimum}.",
            code="nombre-negatif" if minimum == 0 else "nombre-trop-petit",
        )
        return self.spread(
            column, pd.array(np.where(bad, np.nan, parsed), dtype="Float64").round().astype("Int64")
        )

    def _yes_no(self, column: str) -> pd.Series:
        """``oui`` or ``non`` from the usual French spellings; an error for anything else."""
        text = self.distinct(column)[1]
        answer = fold_series(text).map(_YES_NO)
        self.flag_texts(
            (text.ne("") & answer.isna()).to_numpy(),
            ERREUR,
            column,
            "« {} » : écrivez oui ou non (la formation est-elle gratuite ?).",
            code="oui-non-illisible",
        )
        spread = self.spread(column, answer.fillna("").to_numpy(dtype=object))
        return spread.astype("str").replace("", None)  # typed as every other text column

    def _dates(self, column: str) -> pd.Series:
        text = self.distinct(column)[1]
        parsed = parse_dates(text)
        self.flag_texts(
            (text.ne("") & parsed.isna()).to_numpy(),
            ERREUR,
            column,
            "« {} » n'est pas une date : écrivez 2016-12-15 ou 15/12/2016.",
            code="date-illisible",
        )
        # A date outside the programme's time is a typo, never a figure: before its start, or in the future.
        today = pd.Timestamp(date.today())
        latest = today + pd.Timedelta(days=1 if column == "date_extraction" else 366)
        early, late = (
            (parsed < pd.Timestamp(PROGRAMME_START)).to_numpy(),
            (parsed > latest).to_numpy(),
        )
        self.flag_texts(
            early,
            ERREUR,
            column,
            "Date « {} » avant le début du programme (2015) : vérifiez la cellule.",
            code="date-avant-programme",
        )
        self.flag_texts(
            late,
            ERREUR,
            column,
            "Date « {} » dans le futur : "
            + (
                "une extraction ne peut pas être datée de plus d'un jour après aujourd'hui."
                if column == "date_extraction"
                else "au plus un an après aujourd'hui ; vérifiez la cellule."
            ),
            code="date-dans-le-futur",
        )
        return self.spread(column, parsed.where(~(early | late)))


_WAVE_MARGIN = 3  # waves the targets file does not describe yet, but may soon


@functools.cache
def largest_wave() -> int:
    """The highest plausible wave number: the targets file's last wave, plus a margin."""
    from gen_dash.targets import TargetsError, load_targets

    try:
        return max(w.numero for w in load_targets().vagues) + _WAVE_MARGIN
    except TargetsError:
        return 99
