"""Mentions légales : publisher, publication director, host, contact, licences."""

import streamlit as st

from gen_dash import legal

st.title("Mentions légales")
st.markdown(legal.legal_notice())
