"""Glossaire : the words the figures rest on, each with its definition and source."""

import streamlit as st

from gen_dash import legal

st.title("Glossaire")
st.write(
    "Les mots sur lesquels reposent les chiffres du tableau de bord ; les mêmes définitions s'affichent en aide "
    "(?) à côté des chiffres qui les utilisent."
)
for term in legal.GLOSSARY:
    st.header(term.term)
    st.markdown(term.definition)
    st.caption(f"Source : {term.source}")
