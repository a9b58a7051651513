"""gen-dash data layer: reference geodata, snapshot reading, figures.

Nothing in this package imports streamlit: it serves the command line, the
tests and notebooks as well as the dashboard.
"""

__version__ = "0.1.0"
