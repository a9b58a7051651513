"""French formatting of numbers, shares, money and dates (``10 000``, ``27,4 %``, ``22 septembre 2016``)."""

from __future__ import annotations

import math
from datetime import date

NBSP = "\u202f"  # narrow no-break space, the French thousands separator
NO_BREAK = "\u00a0"  # no-break space: before « % », « € », a unit or a colon
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
SHORT_MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def _missing(value) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or str(value) in ("<NA>", "NaT", "nan")
    )


def number(value, decimals: int = 0) -> str:
    """``12500.5`` -> ``12 500,5`` (``–`` for a missing value)."""
    if _missing(value):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def percent(value, decimals: int = 1) -> str:
    """A share (0.274) as ``27,4 %``."""
    if _missing(value):
        return "–"
    return number(float(value) * 100, decimals) + NO_BREAK + "%"


def euros(value) -> str:
    """``4700000`` -> ``4 700 000 €``."""
    if _missing(value):
        return "–"
    return number(value) + NO_BREAK + "€"


def day(value: date | None) -> str:
    """``2016-09-22`` -> ``22 septembre 2016`` (``1er`` for the first of the month)."""
    if _missing(value):
        return "–"
    first = "1er" if value.day == 1 else str(value.day)
    return f"{first} {MONTHS[value.month - 1]} {value.year}"


def short_day(value: date | None) -> str:
    """``2017-12-31`` -> ``31 déc. 2017`` (where room is short: a selector).

    >>> short_day(date(2016, 3, 1))
    '1er mars 2016'
    """
    if _missing(value):
        return "–"
    first = "1er" if value.day == 1 else str(value.day)
    return f"{first} {SHORT_MONTHS[value.month - 1]} {value.year}"


def month(value: date | None) -> str:
    """``2018-03-14`` -> ``mars 2018``."""
    if _missing(value):
        return "–"
    return f"{MONTHS[value.month - 1]} {value.year}"


def pace_sentence(pace, what: str) -> str:
    """The pace of a figure as a person would say it.

    *pace* is a :class:`gen_dash.trend.Pace`; *what* names the unit (« apprenants », « fabriques »).
    """
    target = f"l'objectif de {number(pace.target)} {what}"
    if pace.reached:
        return f"{target.capitalize()} est atteint : {number(pace.current)} {what}."
    parts = []
    if pace.projected_date is not None:
        when = ("en " if pace.projected_date > pace.deadline else "dès ") + month(
            pace.projected_date
        )
        parts.append(
            f"à ce rythme ({number(pace.per_month)} {what} de plus par mois), {target} serait atteint {when}"
        )
    elif pace.per_month is not None:
        parts.append(f"au rythme observé, {target} ne serait pas atteint")
    if pace.needed_per_month is not None:
        parts.append(
            f"il faudrait {number(pace.needed_per_month)} {what} de plus par mois d'ici le {day(pace.deadline)}"
        )
    else:
        parts.append(
            f"à l'échéance du {day(pace.deadline)}, le compte est de {number(pace.current)} {what}"
        )
    sentence = " ; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."


def quota_gap(value, quota: float) -> str:
    """A share against its quota, in points: a quota is a threshold to reach, not a quantity to accumulate.

    >>> quota_gap(0.262, 0.3)
    '3,8\u00a0points sous le quota de 30\u00a0%'
    >>> quota_gap(0.3, 0.3)
    'au quota de 30\u00a0%'
    """
    if _missing(value):
        return "non renseigné"
    points = round((float(value) - float(quota)) * 100, 1)
    threshold = f"quota de {percent(quota, 0 if round(quota * 100, 1).is_integer() else 1)}"
    if points == 0:
        return f"au {threshold}"
    unit = "point" if abs(points) < 2 else "points"
    return f"{number(abs(points), 1)}{NO_BREAK}{unit} {'sous le' if points < 0 else 'au-dessus du'} {threshold}"


def lowercase_first(text: str) -> str:
    """*text* to go inside a sentence, its other capitals kept.

    >>> lowercase_first("Part de jeunes NEET")
    'part de jeunes NEET'
    """
    return text[:1].lower() + text[1:]


def covered(value) -> str:
    """Whether one département has a fabrique: ``couvert`` or ``non couvert``."""
    return "–" if _missing(value) else "couvert" if value else "non couvert"


def by_nature(value, nature: str, missing: str = "–") -> str:
    """Format *value* as a ``part`` (percent), ``euros``, ``couverture`` (one département) or a number; *missing*
    where there is no value (« non renseigné » for a figure the snapshot does not give)."""
    if _missing(value):
        return missing
    return {"part": percent, "euros": euros, "couverture": covered}.get(nature, number)(value)


def signed_change(value, nature: str, missing: str = "–") -> str:
    """A change with its sign: ``+1 500``, ``−2,1 pt`` for a share, ``+12 000 €``."""
    if _missing(value):
        return missing
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    magnitude = abs(float(value))
    if nature == "part":
        return f"{sign}{number(magnitude * 100, 1)}{NO_BREAK}pt"
    return sign + by_nature(magnitude, nature)
