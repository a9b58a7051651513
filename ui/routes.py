"""The HTTP routes beside the dashboard (``st.App(…, routes=…)``, Starlette): the read-only open-data API, the Atom
feed of publications, and the health check.

Each route turns a query into a call of the data layer (:mod:`gen_dash.open_data`, the code the command line uses)
and its answer into HTTP: French JSON errors with their status (never a traceback), ``ETag`` / ``Last-Modified`` and
``304`` (a published snapshot never changes), CORS open for reading (it is open data), the licence in a ``Link``
header and in every JSON body that carries data. Nothing here writes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from email.utils import format_datetime
from functools import wraps
from urllib.parse import quote

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from streamlit.path_security import is_unsafe_path_pattern

from gen_dash import __version__, export, memory, open_data, store
from gen_dash.open_data import BadParameter, NotFound, OpenDataError, Withdrawn
from ui.readiness import NotBeforeFirstRun

STARTED = time.monotonic()
_LOG = logging.getLogger("gen_dash.routes")
ETALAB = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
_TERRITORY = ("region", "departements", "epci")
_LONG_CACHE, _SHORT_CACHE = "public, max-age=86400", "public, max-age=300"
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link, Content-Disposition",
}
ROUTES_SAID = {
    "/api/": "cette description",
    "/api/instantanes": "les instantanés publiés (numéro, date, libellé, date de publication, lignes, SHA-256 du "
    "fichier, remplacé par, retiré ou non)",
    "/api/instantanes/{id}.csv": "les lignes acceptées d'un instantané, colonnes du contrat (aussi .json, .geojson, "
    ".xlsx ; {id} = un numéro ou « dernier » ; ?region=, ?departements=, ?epci= "
    "restreignent comme le filtre du tableau de bord)",
    "/api/instantanes/{id}/fichier": "le fichier tel qu'il a été publié (nom et SHA-256 en en-têtes)",
    "/api/chiffres": "les chiffres clés d'une vue, ceux de `python -m gen_dash summary --json` "
    "(?instantane=, défaut « dernier » ; ?region=, ?departements=, ?epci=)",
    "/flux.atom": "un flux Atom des publications et retraits qui concernent un territoire (?region=, ?departements=, "
    "?epci=)",
    "/sante": "l'état du serveur : version, base joignable, dernier instantané, durée de fonctionnement (200 ou 503)",
}


def _json(data, status: int = 200, headers: dict | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, default=str).encode()
    return Response(body, status, {**_CORS, **(headers or {})}, "application/json; charset=utf-8")


def _licence_link(request: Request) -> str:
    name = open_data.licence()
    target = ETALAB if name == "Licence Ouverte 2.0" else str(request.url_for("api_index"))
    return f"<{target}>; rel=\"license\"; title*=UTF-8''{quote(name)}"


def answers(handler):
    """Run *handler* with its parameters checked, and say every failure in French with its status."""

    @wraps(handler)
    def run(request: Request) -> Response:
        started = time.perf_counter()
        response = _answer(request)
        # the server's own time (a streamed body's sending excluded): what an operator and the benchmark read
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    def _answer(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=_CORS)
        try:
            _check_query(request, handler.parameters)
            return handler(request)
        except Withdrawn as exc:
            return _json(
                {"erreur": str(exc), "statut": 410, "retire_le": open_data.iso(exc.withdrawn_on)},
                410,
            )
        except OpenDataError as exc:
            return _json({"erreur": str(exc), "statut": exc.status}, exc.status)
        except store.StoreUnavailable as exc:
            return _json(
                {"erreur": f"Historique momentanément indisponible : {exc}", "statut": 503},
                503,
                {"Retry-After": "30"},
            )
        except Exception:  # noqa: BLE001 - a fault of ours: logged with its traceback, said in French without it
            _LOG.exception("Route %s", request.url.path)
            return _json(
                {
                    "erreur": "Erreur interne du serveur : elle est consignée dans son journal.",
                    "statut": 500,
                },
                500,
            )

    return run


def _check_query(request: Request, allowed: tuple[str, ...]) -> None:
    """Refuse, in French, a parameter the route does not know, a repeated one, or a huge query."""
    if len(request.url.query) > 2_000:
        raise BadParameter("Requête trop longue.")
    names = [name for name, _ in request.query_params.multi_items()]
    unknown = sorted({n for n in names if n not in allowed})
    if unknown:
        raise BadParameter(
            f"Paramètre inconnu : « {unknown[0][:40]} » ; admis : {', '.join(allowed) or 'aucun'}."
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise BadParameter(f"Paramètre répété : « {repeated[0]} » (une seule valeur).")


def _territory(request: Request):
    return open_data.territory(*(request.query_params.get(name) for name in _TERRITORY))


def _cached(
    request: Request,
    entry: open_data.Entry,
    what: str,
    make,
    media: str,
    latest: bool,
    extra: dict | None = None,
) -> Response:
    """*make()*'s answer for a published snapshot, with its validators: ``304`` when the client has it already."""
    tag = _etag(entry.sha256, what, request.url.query)
    modified = format_datetime(open_data.utc(entry.published_on), usegmt=True)
    headers = {
        **_CORS,
        "ETag": tag,
        "Last-Modified": modified,
        "Cache-Control": _SHORT_CACHE if latest else _LONG_CACHE,
        "Link": _licence_link(request),
        "X-Instantane": str(entry.id),
        **(extra or {}),
    }
    if _client_has(request, tag):
        return Response(status_code=304, headers=headers)
    body = make()
    if isinstance(body, bytes):
        return Response(body, headers=headers, media_type=media)
    return StreamingResponse(body, headers=headers, media_type=media)


def _etag(*parts) -> str:
    """A strong validator of what *parts* (with the licence, which the answers carry) determine."""
    return (
        '"'
        + hashlib.sha256("|".join(map(str, (*parts, open_data.licence()))).encode()).hexdigest()[
            :32
        ]
        + '"'
    )


def _client_has(request: Request, tag: str) -> bool:
    """Whether the client's ``If-None-Match`` lists *tag* (one of its comma-separated validators, exactly)."""
    return tag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]


def _about(entry: open_data.Entry, place) -> dict:
    about = {
        "licence": open_data.licence(),
        "instantane": entry.describe(),
        "territoire": place.label,
    }
    if entry.sample:
        about["avertissement"] = open_data.SAMPLE_NOTE
    return about


def _snapshot(entry: open_data.Entry):
    return open_data.published_snapshot(store.database_url(), entry.id)


def api_index(request: Request) -> Response:
    return _json(
        {
            "description": "API en lecture seule des instantanés publiés de la Grande école du numérique.",
            "licence": open_data.licence(),
            "routes": ROUTES_SAID,
        }
    )


def snapshots(request: Request) -> Response:
    known = open_data.entries(store.engine())
    return _json(
        {
            "licence": open_data.licence(),
            "instantanes": [e.describe(open_data.show_publishers()) for e in known],
        },
        headers={"Cache-Control": _SHORT_CACHE, "Link": _licence_link(request)},
    )


def snapshot_rows(request: Request) -> Response:
    name = request.path_params["name"]
    reference, _, kind = name.rpartition(".")
    if kind not in open_data.FORMATS or not reference:
        raise NotFound(f"« {name[:60]} » : demandez {{numéro}}.csv, .json, .geojson ou .xlsx.")
    entry = open_data.entry(store.engine(), reference)
    place = _territory(request)
    stem = f"gen-instantane-{entry.id}" + ("" if place.national else "-" + place.slug)
    disposition = (
        {"Content-Disposition": f'attachment; filename="{stem}.{kind}"'}
        if kind in ("csv", "xlsx")
        else {}
    )

    def make():
        snapshot = _snapshot(entry)
        rows = open_data.rows_of(snapshot, place)
        if kind == "csv":
            return export.csv_chunks(rows)
        if kind == "xlsx":
            return open_data.rows_xlsx(snapshot, rows)
        if kind == "json":
            return open_data.rows_json(rows, _about(entry, place))
        return open_data.rows_geojson(rows, _about(entry, place))

    return _cached(
        request,
        entry,
        kind,
        make,
        open_data.FORMATS[kind],
        reference == open_data.LATEST,
        disposition,
    )


def snapshot_file(request: Request) -> Response:
    entry = open_data.entry(store.engine(), request.path_params["reference"])

    def make():
        return store.load_file(store.engine(), entry.id)[0]

    return _cached(
        request,
        entry,
        "fichier",
        make,
        "application/octet-stream",
        request.path_params["reference"] == open_data.LATEST,
        {
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(entry.file_name)}",
            "X-SHA-256": entry.sha256,
        },
    )


def key_figures(request: Request) -> Response:
    reference = request.query_params.get("instantane", open_data.LATEST)
    entry = open_data.entry(store.engine(), reference)
    place = _territory(request)

    def make():
        key = (store.database_url(), entry.id, "api-chiffres", place.label, place.codes, place.epci)
        figures = memory.shared_cache().get(key, lambda: open_data.figures(_snapshot(entry), place))
        return json.dumps(
            {**_about(entry, place), "chiffres": figures}, ensure_ascii=False, default=str
        ).encode()

    return _cached(
        request,
        entry,
        "chiffres",
        make,
        "application/json; charset=utf-8",
        reference == open_data.LATEST,
    )


def atom_feed(request: Request) -> Response:
    place = _territory(request)
    eng = store.engine()
    version = store.history_version(eng)
    tag = _etag(version, request.url.query)
    headers = {**_CORS, "ETag": tag, "Cache-Control": _SHORT_CACHE, "Link": _licence_link(request)}
    if _client_has(request, tag):
        return Response(status_code=304, headers=headers)
    base = _public_base(request)
    body = memory.shared_cache().get(
        (store.database_url(), "flux", version, place.label, place.codes, place.epci, base),
        lambda: open_data.feed(eng, place, base),
    )
    return Response(body, headers=headers, media_type="application/atom+xml; charset=utf-8")


def _public_base(request: Request) -> str:
    """The address the public reaches us at, for links: the reverse proxy's host and sub-path when it says them
    (``X-Forwarded-Host: gen-dash.gouv.fr:443``, ``X-Forwarded-Prefix: /gen-dash``) and they look sane."""

    def sane(text: str, extra: str) -> str:
        return text if len(text) < 100 and all(c.isalnum() or c in extra for c in text) else ""

    host = sane(request.headers.get("x-forwarded-host", ""), ".-:[]")
    scheme = request.url.scheme
    host = host.removesuffix(":443" if scheme == "https" else ":80") if host else request.url.netloc
    prefix = sane(request.headers.get("x-forwarded-prefix", "").rstrip("/"), "-_/")
    return f"{scheme}://{host}{prefix if prefix.startswith('/') else ''}"


def health(request: Request) -> Response:
    """Whether this server can serve: 200 with its figures, 503 when the history cannot be read."""
    out = {"version": __version__, "demarre_il_y_a_s": round(time.monotonic() - STARTED, 1)}
    try:
        eng = store.engine()
        store.check(eng)
        listed = [e for e in open_data.entries(eng) if e.withdrawn_on is None]
        out |= {"base": "joignable", "dernier_instantane": listed[0].describe() if listed else None}
        return _json(out, headers={"Cache-Control": "no-store"})
    except store.StoreError as exc:
        return _json(
            out | {"base": "injoignable", "erreur": str(exc)}, 503, {"Cache-Control": "no-store"}
        )


def unknown_route(request: Request) -> Response:
    raise NotFound(f"Aucune route « {request.url.path[:80]} » : voir /api/.")


for _handler, _parameters in (
    (api_index, ()),
    (snapshots, ()),
    (snapshot_rows, _TERRITORY),
    (snapshot_file, ()),
    (key_figures, ("instantane", *_TERRITORY)),
    (atom_feed, _TERRITORY),
    (unknown_route, ()),
):
    _handler.parameters = _parameters


class FrenchRefusals:
    """ASGI middleware: a path on our routes that Streamlit's own guard would refuse in English (``..``, a drive
    letter, ``//server``) is refused here first, in French and in JSON, with the same rule
    (:func:`streamlit.path_security.is_unsafe_path_pattern`)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith(_OURS) and (
            path.startswith(("//", "\\\\")) or is_unsafe_path_pattern(path.lstrip("/"))
        ):
            refused = _json(
                {
                    "erreur": "Chemin refusé : il ne peut contenir ni « .. », ni lecteur, ni chemin réseau.",
                    "statut": 400,
                },
                400,
            )
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)


_OURS = ("/api", "/flux", "/sante", "//", "\\\\")
_METHODS = ["GET", "HEAD", "OPTIONS"]
ROUTES = [
    Route("/api", answers(api_index), methods=_METHODS, name="api_index"),
    Route("/api/", answers(api_index), methods=_METHODS),
    Route("/api/instantanes", answers(snapshots), methods=_METHODS),
    Route("/api/instantanes/{reference}/fichier", answers(snapshot_file), methods=_METHODS),
    Route("/api/instantanes/{name}", answers(snapshot_rows), methods=_METHODS),
    Route("/api/chiffres", answers(key_figures), methods=_METHODS),
    Route("/api/{rest:path}", answers(unknown_route), methods=_METHODS),
    Route("/flux.atom", answers(atom_feed), methods=_METHODS),
    Route("/sante", health, methods=["GET", "HEAD"]),
]
MIDDLEWARE = [Middleware(NotBeforeFirstRun), Middleware(FrenchRefusals)]
