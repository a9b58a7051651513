"""The Streamlit glue, one module per flow (the data work is in :mod:`gen_dash`)."""
