"""Plan du site : every page, by section, with what it is for."""

import streamlit as st

from ui import layout

st.title("Plan du site")
for section, pages in layout.site_map():
    st.header(section)
    for listed in pages:
        st.page_link(listed.path, label=listed.title, icon=listed.icon)
        st.caption(listed.help)
