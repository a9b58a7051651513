"""Open data out: what the read-only API and the Atom feed answer, from the published history (no HTTP here).

Every answer comes from the code the command line and the dashboard use: the rows of a published snapshot
(:func:`gen_dash.store.load_snapshot`, shared with the dashboard's sessions through :func:`published_snapshot`),
restricted to a territory by :meth:`gen_dash.territory.Territory.apply` as the dashboard's filter does, the key figures
of :func:`gen_dash.summary.summary_json` (``summary --json``), the exports of :mod:`gen_dash.export`. Only published
snapshots, never an upload; nothing here writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from xml.etree import ElementTree as ET

import pandas as pd

from gen_dash import config, epci, export, fmt, geo, memory, store
from gen_dash.snapshot import Snapshot
from gen_dash.summary import summary_json
from gen_dash.territory import Territory

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LATEST = "dernier"
SAMPLE_NOTE = (
    "données illustratives : instantané d'exemple généré, pas des chiffres officiels du programme"
)
_LONGEST_PARAMETER = 200  # a territory parameter longer than this is not a list of codes
_FEED_FIGURES = ("formations", "fabriques", "apprenants", "part_femmes", "part_neet")


class OpenDataError(ValueError):
    """A request the API cannot answer, in French, with its HTTP status."""

    status = 400


class BadParameter(OpenDataError):
    status = 400


class NotFound(OpenDataError):
    status = 404


class Withdrawn(OpenDataError):
    """A published snapshot since withdrawn (``410 Gone``), with its withdrawal date."""

    status = 410

    def __init__(self, message: str, withdrawn_on: datetime):
        super().__init__(message)
        self.withdrawn_on = withdrawn_on


@dataclass(frozen=True)
class Entry:
    """One published snapshot as the API describes it."""

    id: int
    date: date | None
    label: str
    published_on: datetime
    published_by: str
    rows: int
    sha256: str
    sample: bool
    file_name: str
    replaced_by: int | None
    withdrawn_on: datetime | None

    def describe(self, show_publisher: bool = False) -> dict:
        """The JSON object of ``/api/instantanes``."""
        out = {
            "id": self.id,
            "date": self.date.isoformat() if self.date else None,
            "libelle": self.label,
            "publie_le": iso(self.published_on),
            "lignes": self.rows,
            "sha256": self.sha256,
            "exemple": self.sample,
            "remplace_par": self.replaced_by,
            "retire": self.withdrawn_on is not None,
            "retire_le": iso(self.withdrawn_on),
        }
        if show_publisher:
            out["publie_par"] = self.published_by
        return out


def licence() -> str:
    """The licence the published data is under (``GEN_DASH_LICENCE``, default « Licence Ouverte 2.0 »)."""
    return config.setting("GEN_DASH_LICENCE") or "Licence Ouverte 2.0"


def show_publishers() -> bool:
    """Whether the API names who published each snapshot (``GEN_DASH_API_AUTEURS`` = ``oui``; default: no)."""
    return config.yes("GEN_DASH_API_AUTEURS")


def entries(eng) -> list[Entry]:
    """Every published snapshot, withdrawn ones included, newest snapshot date first."""
    table = store.history(eng, include_withdrawn=True)
    return [
        Entry(
            int(line.id),
            line.date_instantane,
            str(line.libelle or ""),
            line.publie_le,
            str(line.publie_par),
            int(line.lignes_acceptees),
            str(line.sha256),
            bool(line.exemple),
            str(line.nom_fichier),
            None if pd.isna(line.remplace_par) else int(line.remplace_par),
            None if pd.isna(line.retire_le) else line.retire_le,
        )
        for line in table.itertuples(index=False)
    ]


def entry(eng, reference: str) -> Entry:
    """The snapshot *reference* names: its number, or ``dernier`` (the newest listed one).

    Raises
    ------
    BadParameter
        Neither a number nor ``dernier``.
    NotFound
        No such snapshot.
    Withdrawn
        A withdrawn snapshot (its data is no longer served).
    """
    known = entries(eng)
    if reference == LATEST:
        listed = [e for e in known if e.withdrawn_on is None and e.replaced_by is None]
        if not listed:
            raise NotFound("Aucun instantané publié.")
        return listed[0]
    if not reference.isascii() or not reference.isdigit() or len(reference) > 18:
        raise BadParameter(
            f"« {reference[:40]} » n'est pas un numéro d'instantané (un nombre, ou « dernier »)."
        )
    found = next((e for e in known if e.id == int(reference)), None)
    if found is None:
        raise NotFound(f"Aucun instantané n° {int(reference)}.")
    if found.withdrawn_on is not None:
        raise Withdrawn(
            f"L'instantané n° {found.id} a été retiré le {fmt.day(found.withdrawn_on.date())}.",
            found.withdrawn_on,
        )
    return found


def published_snapshot(url: str, snapshot_id: int) -> Snapshot:
    """A published snapshot, read once per process and shared (read-only) with every session and request."""
    return memory.shared_cache().get(
        (url, snapshot_id), lambda: store.load_snapshot(store.engine(url), snapshot_id)
    )


def territory(
    region: str | None = None, departements: str | None = None, code_epci: str | None = None
) -> Territory:
    """The territory of the query's ``region``, ``departements`` or ``epci`` (at most one; none: France).

    Raises
    ------
    BadParameter
        Several given, or a value that cannot be a code.
    NotFound
        A well-formed code that names no territory.
    """
    given = {
        name: value
        for name, value in (("region", region), ("departements", departements), ("epci", code_epci))
        if value is not None
    }
    if len(given) > 1:
        raise BadParameter("Un seul territoire à la fois : region, departements ou epci.")
    for name, value in given.items():
        if (
            len(value) > _LONGEST_PARAMETER
            or not value.strip()
            or not all(
                part.strip().isascii() and part.strip().isalnum() for part in value.split(",")
            )
        ):
            raise BadParameter(
                f"Paramètre {name} : « {value[:40]} » n'est pas un code (31, 2A, 243100518…)."
            )
    chosen, notices = Territory.from_link(
        region, departements, geo.departements_table(), code_epci, epci.epci_table()
    )
    if notices or (departements is not None and not chosen.departements):
        raise NotFound(
            "Territoire inconnu : " + " ; ".join(notices or ["aucun département connu"]) + "."
        )
    return chosen


def rows_of(snapshot: Snapshot, place: Territory) -> pd.DataFrame:
    """The snapshot's accepted rows in *place*, exactly as the dashboard's territory filter gives them."""
    return snapshot.rows if place.national else place.apply(snapshot.rows)


def figures(snapshot: Snapshot, place: Territory) -> dict:
    """The key figures of *place*: the numbers and keys of ``python -m gen_dash summary --json``."""
    return summary_json(snapshot, None if place.national else place)


def rows_xlsx(snapshot: Snapshot, rows: pd.DataFrame) -> bytes:
    """The rows as ``.xlsx``: the sheet « Formations » and the reading's report, as ``export --format xlsx``."""
    return export.to_xlsx_bytes({"Formations": rows, "Rapport": snapshot.report.problemes})


def rows_json(rows: pd.DataFrame, about: dict) -> bytes:
    """The rows as a JSON object: *about* (licence, snapshot) and ``lignes``, one object per row, null where empty."""
    records = pd.DataFrame(rows.drop(columns=[c for c in ("geometry",) if c in rows])).to_json(
        orient="records", force_ascii=False, date_format="iso"
    )
    head = json.dumps(about, ensure_ascii=False)[:-1]
    return f'{head}, "lignes": {records}}}'.encode()


def rows_geojson(rows: pd.DataFrame, about: dict) -> bytes:
    """The rows as a GeoJSON FeatureCollection of points (WGS 84), *about* as a foreign member."""
    located = rows[rows.geometry.notna() & ~rows.geometry.is_empty].copy() if len(rows) else rows
    for column in located.columns:  # GeoJSON properties are JSON values: dates as ISO text
        if pd.api.types.is_datetime64_any_dtype(located[column]):
            located[column] = (
                located[column]
                .dt.strftime("%Y-%m-%d")
                .astype(object)
                .where(located[column].notna(), None)
            )
    collection = (
        json.loads(located.to_json(na="null", drop_id=True, to_wgs84=True))
        if len(located)
        else {"type": "FeatureCollection", "features": []}
    )
    return json.dumps({**about, **collection}, ensure_ascii=False, default=str).encode()


def feed(eng, place: Territory, base_url: str, now: datetime | None = None) -> bytes:
    """An Atom feed: one entry per publication or withdrawal of a snapshot that concerns *place* (it has formations
    there, or had at the snapshot before), newest first, with the figures that changed there and links to the view
    and to the CSV. Entry ids are stable (``tag:`` URIs of the snapshot's number and the event)."""
    known = sorted(entries(eng), key=lambda e: (e.date or date.min, e.id))
    counts = {e.id: _territory_counts(eng, e.id, place) for e in known}
    events = []
    for i, e in enumerate(known):
        before = next(
            (p for p in reversed(known[:i]) if p.date != e.date and p.withdrawn_on is None), None
        )
        mine, theirs = counts[e.id], counts[before.id] if before else None
        if not mine.get("formations") and not (theirs or {}).get("formations"):
            continue  # nothing of this territory in it, nor before it
        events.append((e.published_on, "publie", e, mine, theirs))
        if e.withdrawn_on is not None:
            events.append((e.withdrawn_on, "retire", e, mine, theirs))
    events.sort(key=lambda item: (utc(item[0]), item[2].id), reverse=True)
    base = base_url.rstrip("/")
    where = _query(place)
    atom = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", atom)
    root = ET.Element(f"{{{atom}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})
    _text(root, atom, "title", f"Grande école du numérique : instantanés publiés — {place.label}")
    _text(root, atom, "id", f"tag:gen-dash,2016:flux{('?' + where) if where else ''}")
    _text(root, atom, "updated", iso(utc(events[0][0]) if events else now or datetime.now(UTC)))
    _text(root, atom, "rights", licence())
    ET.SubElement(
        root,
        f"{{{atom}}}link",
        {"rel": "self", "href": f"{base}/flux.atom{('?' + where) if where else ''}"},
    )
    author = ET.SubElement(root, f"{{{atom}}}author")
    _text(author, atom, "name", "gen-dash, tableau de bord de la Grande école du numérique")
    for moment, kind, e, mine, theirs in events:
        item = ET.SubElement(root, f"{{{atom}}}entry")
        day = fmt.day(e.date) if e.date else "non daté"
        said = "publié" if kind == "publie" else "retiré"
        _text(
            item,
            atom,
            "title",
            f"Instantané du {day} {said} : {fmt.number(mine.get('formations') or 0)} "
            f"formation(s){'' if place.national else ' — ' + place.label}",
        )
        _text(item, atom, "id", f"tag:gen-dash,2016:instantane-{e.id}-{kind}")
        _text(item, atom, "updated", iso(utc(moment)))
        ET.SubElement(
            item,
            f"{{{atom}}}link",
            {
                "rel": "alternate",
                "type": "text/html",
                "href": f"{base}/?instantane={e.id}{('&' + where) if where else ''}",
            },
        )
        ET.SubElement(
            item,
            f"{{{atom}}}link",
            {
                "rel": "enclosure",
                "type": "text/csv",
                "href": f"{base}/api/instantanes/{e.id}.csv{('?' + where) if where else ''}",
            },
        )
        _text(item, atom, "summary", _changes(e, kind, mine, theirs, place))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _territory_counts(eng, snapshot_id: int, place: Territory) -> dict:
    table = store.figures_over_time(eng, [snapshot_id], None if place.national else place)
    return {} if table.empty else {k: (None if pd.isna(v) else v) for k, v in table.iloc[0].items()}


def _changes(e: Entry, kind: str, mine: dict, theirs: dict | None, place: Territory) -> str:
    if kind == "retire":
        return (
            f"L'instantané n° {e.id} ({e.label or e.file_name}) a été retiré : il ne compte plus."
        )
    note = f" ({SAMPLE_NOTE})" if e.sample else ""
    if theirs is None:
        return f"Premier instantané publié pour {place.label}{note}."
    changed = []
    for key in _FEED_FIGURES:
        new, old = mine.get(key), theirs.get(key)
        if new is None or old is None or new == old:
            continue
        if key.startswith("part_"):
            changed.append(f"{key.replace('_', ' ')} : {fmt.percent(old)} → {fmt.percent(new)}")
        else:
            changed.append(
                f"{key} : {fmt.number(old)} → {fmt.number(new)} ({'+' if new > old else ''}"
                f"{fmt.number(new - old)})"
            )
    return (
        f"Pour {place.label}, depuis l'instantané précédent : "
        + ("; ".join(changed) if changed else "aucun chiffre n'a changé")
        + "."
        + note
    )


def _query(place: Territory) -> str:
    if place.national:
        return ""
    if place.epci:
        return f"epci={place.epci}"
    return (
        f"departements={','.join(place.departements)}"
        if place.departements
        else f"region={place.region}"
    )


def _text(parent, namespace: str, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{namespace}}}{tag}").text = text


def utc(moment) -> datetime:
    """*moment* (a datetime or a Timestamp, naive meaning UTC, as SQLite gives it) in UTC: PostgreSQL gives its own
    zone, which HTTP dates and Atom must not carry."""
    moment = pd.Timestamp(moment).to_pydatetime()
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def iso(moment) -> str | None:
    """*moment* in ISO 8601, UTC; None for no moment."""
    return None if moment is None or pd.isna(moment) else utc(moment).isoformat()
