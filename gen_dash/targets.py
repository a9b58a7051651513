"""The programme's targets, read from ``data/targets.toml`` (data the staff can edit, not code)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from gen_dash.config import TARGETS_FILE


class TargetsError(ValueError):
    """The targets file is broken; the message (in French) says where."""


@dataclass(frozen=True)
class Wave:
    """One labelling wave."""

    numero: int
    lancement: date
    libelle_lancement: str
    enveloppe_eur: float
    formations_labellisees: int | None = None
    fabriques_labellisees: int | None = None
    apprenants_vises: int | None = None


@dataclass(frozen=True)
class Targets:
    """Programme targets, counted over all waves, due by ``echeance``."""

    echeance: date
    fabriques: int
    apprenants: int
    part_neet: float
    part_femmes: float
    vagues: tuple[Wave, ...]
    source: str = ""
    part_qpv: float | None = (
        None  # optional: a target for the share of learners from the priority neighbourhoods
    )

    @property
    def enveloppe_totale(self) -> float:
        """Sum of the waves' envelopes, in euros."""
        return float(sum(w.enveloppe_eur for w in self.vagues))

    def quota(self, indicator: str) -> float | None:
        """The quota a share indicator is measured against (``part_femmes``, ``part_neet``, ``part_qpv``), else None."""
        return {
            "part_femmes": self.part_femmes,
            "part_neet": self.part_neet,
            "part_qpv": self.part_qpv,
        }.get(indicator)

    def wave(self, numero: int) -> Wave | None:
        """The wave numbered *numero*, if the file describes it."""
        return next((w for w in self.vagues if w.numero == numero), None)


def load_targets(path: str | Path = TARGETS_FILE) -> Targets:
    """Read and check the targets file.

    Raises
    ------
    TargetsError
        With a French message naming the key that is missing or wrong.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TargetsError(f"Fichier des objectifs introuvable : {path}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise TargetsError(
            f"Fichier des objectifs {path.name} illisible (syntaxe TOML) : {exc}."
        ) from None
    cibles = _get(data, "cibles", dict, path)
    vagues = _get(data, "vagues", list, path)
    if not vagues:
        raise TargetsError(f"{path.name} : au moins une vague [[vagues]] est attendue.")
    waves = []
    for i, raw in enumerate(vagues, start=1):
        where = f"vague n° {i}"
        waves.append(
            Wave(
                numero=_positive(_get(raw, "numero", int, path, where), "numero", path, where),
                lancement=_get(raw, "lancement", date, path, where),
                libelle_lancement=str(raw.get("libelle_lancement", "")),
                enveloppe_eur=_positive(
                    _get(raw, "enveloppe_eur", (int, float), path, where),
                    "enveloppe_eur",
                    path,
                    where,
                ),
                formations_labellisees=raw.get("formations_labellisees"),
                fabriques_labellisees=raw.get("fabriques_labellisees"),
                apprenants_vises=raw.get("apprenants_vises"),
            )
        )
    numbers = [w.numero for w in waves]
    if len(set(numbers)) != len(numbers):
        raise TargetsError(f"{path.name} : deux vagues portent le même numéro ({numbers}).")
    targets = Targets(
        echeance=_get(data, "echeance", date, path),
        fabriques=_positive(
            _get(cibles, "fabriques", int, path, "[cibles]"), "fabriques", path, "[cibles]"
        ),
        apprenants=_positive(
            _get(cibles, "apprenants", int, path, "[cibles]"), "apprenants", path, "[cibles]"
        ),
        part_neet=_share(
            _get(cibles, "part_neet", (int, float), path, "[cibles]"), "part_neet", path
        ),
        part_femmes=_share(
            _get(cibles, "part_femmes", (int, float), path, "[cibles]"), "part_femmes", path
        ),
        vagues=tuple(sorted(waves, key=lambda w: w.numero)),
        source=str(data.get("source", "")),
        part_qpv=_share(cibles["part_qpv"], "part_qpv", path) if "part_qpv" in cibles else None,
    )
    return targets


_TYPE_NAMES = {
    int: "un nombre entier",
    date: "une date (AAAA-MM-JJ)",
    dict: "une table",
    list: "une liste",
    (int, float): "un nombre",
}


def _get(data: dict, key: str, kind, path: Path, where: str = ""):
    place = f"{path.name}{', ' + where if where else ''}"
    if key not in data:
        raise TargetsError(f"{place} : la clé « {key} » manque.")
    value = data[key]
    if kind is date and hasattr(value, "date") and not isinstance(value, date):
        value = value.date()
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TargetsError(
            f"{place} : « {key} » doit être {_TYPE_NAMES.get(kind, kind)}, pas {value!r}."
        )
    return value


def _positive(value, key: str, path: Path, where: str):
    if value <= 0:
        raise TargetsError(f"{path.name}, {where} : « {key} » doit être positif, pas {value}.")
    return value


def _share(value, key: str, path: Path) -> float:
    if not 0 < value <= 1:
        raise TargetsError(
            f"{path.name}, [cibles] : « {key} » est une part entre 0 et 1 (0.3 pour 30 %), pas {value}."
        )
    return float(value)
