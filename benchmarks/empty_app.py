"""The floor of the page and memory measures: a Streamlit page that does nothing."""

import streamlit as st

st.write("")
