"""The dashboard and its HTTP routes as one ASGI application.

``scripts/serve.py`` starts it (``streamlit run asgi.py``, which finds the ``st.App`` below); any ASGI server can too
(``uvicorn asgi:app``). The routes (open-data API, Atom feed, health check) are in :mod:`ui.routes`; the pages are
``app.py``'s.
"""

import streamlit as st

from ui.routes import MIDDLEWARE, ROUTES

app = st.App("app.py", routes=ROUTES, middleware=MIDDLEWARE)
