"""The territory flow: région → départements → EPCI in the sidebar, and the same in the shareable link.

The territory is read from the link once per session (``?region=76&dep=31&epci=243100518``), chosen in the sidebar,
and written back to the link at every run, so that a link sent by e-mail reopens the same view. An unknown value is
ignored with a French notice, never an error.
"""

from __future__ import annotations

import streamlit as st

from gen_dash import epci, fmt
from gen_dash.territory import Territory
from ui import reference, session


def read_link() -> list[str]:
    """The territory the link asks for, put into the sidebar's widgets; the notices for what was ignored."""
    params = st.query_params
    linked, notices = Territory.from_link(
        params.get(session.Q_REGION),
        params.get(session.Q_DEPARTEMENTS),
        reference.departements_table(),
        params.get(session.Q_EPCI),
        reference.epci_table(),
    )
    if linked.region:
        st.session_state[session.REGION] = linked.region
    if linked.departements:
        st.session_state[session.DEPARTEMENTS] = list(linked.departements)
    if linked.epci:
        st.session_state[session.EPCI] = linked.epci
    return notices


def write_link(territory: Territory, extra: dict[str, str | None]) -> None:
    """Put *territory* (and *extra* parameters, None to remove) into the address bar, changing only what differs."""
    query = territory.to_query()
    wanted = {
        session.Q_REGION: query["region"],
        session.Q_DEPARTEMENTS: query["dep"],
        session.Q_EPCI: query["epci"],
        **extra,
    }
    for key, value in wanted.items():
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value:
            st.query_params[key] = value


def _on_region_change() -> None:
    st.session_state[session.DEPARTEMENTS] = []
    st.session_state[session.EPCI] = None


def _on_departements_change() -> None:
    # An EPCI outside the départements now chosen no longer belongs to the list: forget it.
    chosen = st.session_state.get(session.DEPARTEMENTS) or []
    code = st.session_state.get(session.EPCI)
    if code and chosen and not set(epci.epci_by_code().loc[code, "departements"]) & set(chosen):
        st.session_state[session.EPCI] = None


def epci_choices(region: str, departements: list[str]) -> dict[str, str]:
    """The EPCI the sidebar offers: those lying in *region* (in *departements*, when chosen), by name; each labelled
    with its name and its SIREN code, so that typing either finds it."""
    table = reference.epci_table()
    inside = table["regions"].map(lambda codes: region in codes)
    if departements:
        inside &= table["departements"].map(lambda codes: bool(set(codes) & set(departements)))
    chosen = table[inside].sort_values("nom_epci")
    # The reference's short name (« CA Lunel Agglo »): the sidebar is narrow; the full name is said under the list.
    return {
        code: f"{name} ({code})"
        for code, name in zip(chosen["code_epci"], chosen["nom_epci"], strict=True)
    }


def choose_territory(bar) -> Territory:
    """The sidebar's territory: région, then départements, then an EPCI; returns the territory chosen."""
    bar.header("Territoire")
    regions = reference.regions_table()
    region_names = dict(zip(regions["code_region"], regions["nom_region"], strict=False))
    region = bar.selectbox(
        "Région",
        [None, *region_names],
        key=session.REGION,
        on_change=_on_region_change,
        format_func=lambda c: "France entière" if c is None else region_names[c],
    )
    departements: list[str] = []
    code = None
    if region:
        of_region = territory_of(region, ()).apply(reference.departements_table())
        names = dict(zip(of_region["code_departement"], of_region["nom_departement"], strict=False))
        departements = bar.multiselect(
            "Départements",
            list(names),
            key=session.DEPARTEMENTS,
            format_func=lambda c: f"{names[c]} ({c})",
            placeholder="Toute la région",
            on_change=_on_departements_change,
        )
        choices = epci_choices(region, departements)
        if st.session_state.get(session.EPCI) not in choices:
            st.session_state[session.EPCI] = None
        code = bar.selectbox(
            "Intercommunalité (EPCI)",
            [None, *choices],
            key=session.EPCI,
            format_func=lambda c: "Toutes" if c is None else choices[c],
            placeholder="Toutes",
            help="Tapez un nom (« Lunel », « Métropole ») ou un code SIREN pour chercher.",
        )
    territory = territory_of(region, departements, code)
    if code:
        line = epci.epci_by_code().loc[code]
        said = f"{line['nom_complet']} : {fmt.number(line['communes'])} communes, {fmt.number(line['population'])} habitants"
        if territory.straddles:
            regions = len(line["regions"])
            said += (
                f" ; {territory.straddles}"
                + (f" et {regions} régions" if regions > 1 else "")
                + ", ses chiffres sont ceux de toutes ses communes"
            )
        bar.caption(said + ".")
    return territory


def go_to(region: str, departements: list[str], code: str | None) -> None:
    """A button's callback: choose this territory in the sidebar, then open the overview (see :func:`follow_link`)."""
    st.session_state[session.REGION] = region
    st.session_state[session.DEPARTEMENTS] = list(departements)
    st.session_state[session.EPCI] = code
    st.session_state[session.GO_TO] = "pages/overview.py"


def follow_link() -> None:
    """Open the page a button asked for (a callback cannot switch pages itself)."""
    target = st.session_state.pop(session.GO_TO, None)
    if target:
        st.switch_page(target)


def territory_of(region: str | None, departements, epci_code: str | None = None) -> Territory:
    """The territory of *region* and *departements* (or of the EPCI *epci_code*, seen from *region*)."""
    if epci_code:
        return _epci_territory(epci_code, region)
    return Territory.of(region, tuple(departements or ()), reference.departements_table())


@st.cache_resource(show_spinner=False, max_entries=2000)
def _epci_territory(code: str, region: str | None) -> Territory:
    return Territory.of_epci(code, region, reference.departements_table(), reference.epci_table())
