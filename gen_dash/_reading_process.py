"""Imported once by the forkserver of :mod:`gen_dash.upload`: the reader and its reference tables are loaded there,
and every reading process forked from it starts with them (shared, copy-on-write)."""

from gen_dash import ingest

ingest.prepare()
