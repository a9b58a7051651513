"""Accessibilité : la déclaration d'accessibilité (RGAA), from what the tests check."""

import streamlit as st

from gen_dash import legal

st.title("Déclaration d'accessibilité")
st.markdown(legal.accessibility_statement())
