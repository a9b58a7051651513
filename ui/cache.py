"""What a server keeps in memory for its sessions: values shared between them (a copy each), and uploads' bytes."""

from __future__ import annotations

import hashlib
import pickle

import pandas as pd
import streamlit as st

from gen_dash import config, memory


def shared_values() -> memory.SharedCache:
    """What this server shares between its sessions and the API's requests (the published snapshots it has read, what
    pages computed from them, the history's figures, built charts), within its memory budget in bytes."""
    return memory.shared_cache()


def kept(key: tuple, compute, size=memory.size_of):
    """A copy of the value shared under *key* (computed by *compute* once per server): a page may change what it is
    given, no other session may see it."""
    return copied(shared_values().get(key, compute, size))


def work_key(kind: str, build, args: tuple, kwargs: dict) -> tuple:
    """The key of what ``build(*args, **kwargs)`` gives, shared under *kind* (e.g. a chart, a rendered map): the same
    function on the same values, whatever the page that asks."""
    digest = hashlib.sha256(pickle.dumps((args, kwargs))).hexdigest()
    return (kind, build.__module__, build.__name__, digest)


def copied(value):
    """*value* with its tables copied (containers rebuilt, other values as they are)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy()
    if isinstance(value, dict):
        return {k: copied(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(copied(v) for v in value)
    return value


@st.cache_resource(show_spinner=False)
def held_uploads() -> memory.HeldUploads:
    """The bytes of the uploads this server's sessions hold, within its memory budget."""
    return memory.HeldUploads(config.memory_budget())
