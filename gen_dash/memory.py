"""Memory the server keeps for all its sessions, bounded in bytes: what it shares between sessions (the published
snapshots read from the store and what is computed from them), and the files sessions have uploaded
(``GEN_DASH_MEMOIRE_MAX_MO``, see :mod:`gen_dash.config`).

What is shared is kept by a :class:`SharedCache`: the most recently used values within its budget; the others are
read or computed again when asked. An upload lives in its session only: a :class:`HeldUploads` counts the bytes of
those still held (a session's upload is counted until the object is freed, when the session ends or replaces it) and
refuses one that would pass the budget, with a French message.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd

from gen_dash.snapshot import Snapshot, SnapshotError

_POINT_BYTES = (
    120  # a shapely point, the object and its coordinates (pandas counts only the pointer)
)


def size_of(value: Any) -> int:
    """Bytes *value* takes in memory, as pandas counts them: a snapshot (its rows, geometry included, and its report),
    a table, or dicts, lists and tuples of them; another object, as Python counts it (its own bytes only)."""
    if isinstance(value, Snapshot):
        return size_of(value.rows) + size_of(value.report.problemes)
    if isinstance(value, pd.DataFrame):
        points = _POINT_BYTES * len(value) if "geometry" in value else 0
        # no copy of the rows: this runs on every upload
        return int(value.memory_usage(deep=True).sum()) + points
    if isinstance(value, pd.Series):
        return int(value.memory_usage(deep=True))
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(size_of(v) for v in value.values())
    if isinstance(value, list | tuple):
        return sys.getsizeof(value) + sum(size_of(v) for v in value)
    return sys.getsizeof(value)


class SharedCache:
    """Values every session reads and none changes, least recently used first out, within *budget* bytes (one value
    larger than the budget is still returned, and kept until the next one comes)."""

    def __init__(self, budget: int):
        self.budget = budget
        self._held: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get(
        self, key: Hashable, compute: Callable[[], Any], size: Callable[[Any], int] = size_of
    ) -> Any:
        """The value under *key*, computed by *compute* when not held (once, however many sessions ask at the same
        time), its bytes counted by *size*."""
        with self._lock:
            if key in self._held:
                self._held.move_to_end(key)
                return self._held[key][0]
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            with self._lock:
                if key in self._held:
                    return self._held[key][0]
            value = compute()
            bytes_ = size(value)
            with self._lock:
                self._held[key] = (value, bytes_)
                while len(self._held) > 1 and self.held_bytes() > self.budget:
                    self._held.popitem(last=False)
                self._computing.pop(key, None)
        return value

    def held_keys(self) -> list[Hashable]:
        """The keys held now, least recently used first."""
        with self._lock:
            return list(self._held)

    def held_bytes(self) -> int:
        """Bytes of the values held now."""
        return sum(bytes_ for _, bytes_ in self._held.values())

    def clear(self) -> None:
        with self._lock:
            self._held.clear()


@functools.cache
def shared_cache() -> SharedCache:
    """The process's one :class:`SharedCache`, within the configured budget: the dashboard's sessions and the API's
    requests read a published snapshot once between them."""
    from gen_dash.config import memory_budget

    return SharedCache(memory_budget())


class HeldUploads:
    """The bytes of the uploads sessions hold, against *budget*."""

    def __init__(self, budget: int):
        self.budget = budget
        self._sizes: dict[int, int] = {}
        self._lock = threading.Lock()

    def hold(self, snapshot: Snapshot) -> Snapshot:
        """Count *snapshot* until it is freed; refuse it (:class:`SnapshotError`, in French) beyond the budget."""
        size = size_of(snapshot)
        with self._lock:
            held = sum(self._sizes.values())
            if held + size > self.budget:
                raise SnapshotError(
                    f"Le serveur garde déjà {held // 1_000_000} Mo de fichiers déposés par les sessions ouvertes ; "
                    f"celui-ci en demande {max(1, size // 1_000_000)} de plus, au-delà de la limite de "
                    f"{self.budget // 1_000_000} Mo (réglage GEN_DASH_MEMOIRE_MAX_MO). Réessayez dans quelques "
                    "minutes, quand d'autres sessions seront fermées, ou demandez à l'administrateur de relever la limite."
                )
            token = id(snapshot)
            self._sizes[token] = size
        weakref.finalize(snapshot, self._release, token)
        return snapshot

    def held_bytes(self) -> int:
        """Bytes of the uploads held now."""
        with self._lock:
            return sum(self._sizes.values())

    def _release(self, token: int) -> None:
        with self._lock:
            self._sizes.pop(token, None)
        give_back_memory()


def give_back_memory(collect: bool = True) -> None:
    """Return to the system the memory freed since (an upload's rows when its session ended): the C allocator and
    Arrow's pool keep freed pages for later otherwise, and the server's resident memory would never come down.
    *collect*: the garbage collector first (the rows' cycles)."""
    import ctypes
    import ctypes.util

    import pyarrow as pa

    if collect:  # the server does not collect after every page view (.streamlit/config.toml)
        gc.collect()
    pa.default_memory_pool().release_unused()
    name = ctypes.util.find_library("c")
    if name:
        # not glibc: its allocator gives back by itself, or not
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(name).malloc_trim(0)
