"""Quotas: women and NEET shares against 30 % and 50 %, nation and territory side by side."""

import streamlit as st

from gen_dash import charts, charts_breakdown, fmt, metrics, published, tables
from gen_dash.indicators import BY_KEY
from ui import layout, session, shared_work

view = layout.page_header("Quotas : femmes et jeunes peu ou pas qualifiés")
targets = view.targets
if view.snapshot.list_only:
    st.write(
        f"Part de femmes et part de jeunes NEET : {session.NOT_GIVEN}. Cet instantané est une liste de formations, sans "
        "effectifs : il n'y a pas de quota à mesurer."
    )
    st.stop()
national = metrics.quota_shares(view.national, targets)
local = metrics.quota_shares(view.rows, targets)
LABELS = {"femmes": BY_KEY["part_femmes"].label, "neet": BY_KEY["part_neet"].label}

for key, label in LABELS.items():
    st.header(label)
    columns = st.columns(1 if view.territory.national else 2)
    with columns[0]:
        layout.show_chart(
            charts.gauge,
            national.loc[key, "part"],
            national.loc[key, "quota"],
            f"{label}, France entière",
            key=f"jauge_{key}_france",
        )
    if not view.territory.national:
        with columns[1]:
            layout.show_chart(
                charts.gauge,
                local.loc[key, "part"],
                local.loc[key, "quota"],
                f"{label}, {view.territory.label}",
                reference=national.loc[key, "part"],
                key=f"jauge_{key}_territoire",
            )
    # the word has three published definitions: say which one the file's column follows
    if key == "neet":
        st.markdown(published.NEET_DEFINITION)
        definitions = published.of_territory(published.bundled(), None)
        definitions = definitions[definitions["cle"].eq("part_neet")]
        if len(definitions):
            st.markdown(published.figures_list(definitions))

# Beside the two quotas, the shares the snapshot reports (without a target unless targets.toml has one).
for key in [k for k in ("part_boursiers", "part_qpv") if k in metrics.reported(view.national)]:
    st.header(BY_KEY[key].label)
    boxes = st.columns(1 if view.territory.national else 2)
    target = getattr(view.targets, BY_KEY[key].target) if BY_KEY[key].target else None
    for box, label, rows in zip(
        boxes, ["France entière", view.territory.label], [view.national, view.rows], strict=False
    ):
        value = metrics.reported_share(rows, key)
        box.metric(
            label,
            fmt.percent(value) if value is not None else session.NOT_GIVEN,
            border=True,
            delta=fmt.quota_gap(value, target) if target else "sans objectif fixé",
            delta_color="off",
            delta_arrow="off",
        )

# France by région (18 bars one can read), a territory by département.
per = "région" if view.territory.national else "département"
figures = view.territory.apply(
    shared_work.figures(view, "region" if view.territory.national else "departement"), "code"
)
st.header("Par région" if view.territory.national else "Par département")
choice = st.radio(
    "Quota", list(LABELS), format_func=LABELS.get, horizontal=True, key="quotas_choix"
)
column = f"part_{choice}"
layout.show_chart(
    charts_breakdown.shares_by_territory,
    figures,
    column,
    national.loc[choice, "quota"],
    LABELS[choice],
    per,
    key="quotas_departements",
)
# An EPCI's départements are counted whole: their shares are not the EPCI's (at the top).
if view.territory.epci:
    st.caption(
        f"Les départements où s'étend {layout.escape_md(view.territory.label)}, chacun compté en entier : les parts "
        "de l'EPCI lui-même sont en haut de la page."
    )

st.header("Fabriques sous le quota")
minimum = st.number_input(
    "Apprenants au moins (pour qu'une part ait un sens)",
    min_value=1,
    value=10,
    step=5,
    key="quotas_minimum",
)
below = metrics.below_quota(
    shared_work.fabriques(view, view.territory), column, national.loc[choice, "quota"], minimum
)
st.write(
    f"{len(below)} fabrique(s) d'au moins {minimum} apprenants sous le quota ({LABELS[choice].lower()})."
)
st.dataframe(
    tables.as_points(below, [column]),
    hide_index=True,
    width="stretch",
    column_config={
        "nom_fabrique": "Fabrique",
        "porteur": "Porteur",
        "commune": "Commune",
        "code_departement": "Département",
        "apprenants": st.column_config.NumberColumn(BY_KEY["apprenants"].title, format="localized"),
        column: st.column_config.NumberColumn(f"{LABELS[choice]} (%)", format="localized"),
    },
)
