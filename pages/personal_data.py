"""Données personnelles : what is kept, why, how long, who sees it, how to ask for it."""

import streamlit as st

from gen_dash import legal

st.title("Données personnelles")
st.markdown(legal.personal_data())
