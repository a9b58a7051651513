"""Read an uploaded file where a runaway cannot hurt other users: in a process of its own, with a time and a memory
budget (:class:`gen_dash.config.Limits`, ``seconds`` and ``memory``).

The limits of :mod:`gen_dash.table` refuse the shapes known to be costly before the costly work; this is the net
under them, for the shapes nobody has thought of. The dashboard's server reads every upload through
:func:`read_upload`; the command line, run by the file's owner on their own machine, calls
:func:`gen_dash.ingest.read_snapshot` directly.

Processes come from a *forkserver* (``spawn`` where there is none): a clean process started once, which has
imported the reader, forks one child per upload, so a child starts in milliseconds, shares nothing with the
server's threads, and gives all its memory back when it ends. At most as many uploads are read at once as the
machine has cores; the others wait their turn.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.spawn
import os
import resource
import threading
import time

from gen_dash import config
from gen_dash.config import Limits
from gen_dash.snapshot import Mapping, Snapshot, SnapshotError

_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
_CONTEXT = multiprocessing.get_context(_METHOD)
if _METHOD == "forkserver":
    _CONTEXT.set_forkserver_preload(["gen_dash._reading_process"])
_PROCESS_NAME = "gen-dash-lecture"
_preparation_data = multiprocessing.spawn.get_preparation_data


def _reader_preparation(name: str) -> dict:
    """What a new process is told to prepare; a reader is not told to run the main script again. Under Streamlit the
    main module is the app's script (``app.py``): a reader would run the whole dashboard before reading (and fail)."""
    data = _preparation_data(name)
    if name.startswith(_PROCESS_NAME):
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


multiprocessing.spawn.get_preparation_data = (
    _reader_preparation  # read by the forkserver's and spawn's Popen
)
_SLOTS = threading.BoundedSemaphore(os.cpu_count() or 1)
_POLL_SECONDS = 0.02
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def start() -> None:
    """Start the forkserver now (it loads the reader and its tables, a second or two), in the background, so that the
    first upload does not wait for it."""
    if _METHOD == "forkserver":
        threading.Thread(
            target=multiprocessing.forkserver.ensure_running,
            name="gen-dash-forkserver",
            daemon=True,
        ).start()


def read_upload(
    data: bytes, name: str | None, mapping: Mapping | None = None, limits: Limits | None = None
) -> Snapshot:
    """:func:`gen_dash.ingest.read_snapshot` of *data*, in a child process stopped beyond its budget.

    Parameters
    ----------
    data, name, mapping
        As for :func:`~gen_dash.ingest.read_snapshot`.
    limits
        Default :func:`gen_dash.config.limits`; ``seconds`` and ``memory`` bound the child.

    Raises
    ------
    SnapshotError
        The reader's own, or a French message when the budget was spent (the child is then killed).
    """
    limits = limits or config.limits()
    with _SLOTS:
        receiver, sender = _CONTEXT.Pipe(duplex=False)
        child = _CONTEXT.Process(
            target=_read_in_child,
            args=(sender, data, name, mapping, limits),
            daemon=True,
            name=_PROCESS_NAME,
        )
        child.start()
        sender.close()  # the child holds the only writing end: its death ends our wait
        try:
            outcome = _wait(child, receiver, limits)
        finally:
            receiver.close()
            if child.is_alive():
                child.kill()
            child.join(5)
    if outcome[0] == "ok":
        return outcome[1]
    if outcome[0] == "refus":
        raise outcome[1]
    raise SnapshotError(
        _BUDGET_MESSAGES[outcome[0]].format(
            seconds=limits.seconds, memory=limits.memory // 1_000_000
        )
    )


_BUDGET_MESSAGES = {
    "temps": "La lecture du fichier a dépassé {seconds} secondes (réglage GEN_DASH_READ_SECONDS) et a été arrêtée. "
    "Un fichier de formations se lit en quelques secondes : vérifiez qu'il s'agit du bon fichier, ou "
    "exportez-le en CSV.",
    "memoire": "La lecture du fichier demandait plus de {memory} Mo de mémoire (réglage GEN_DASH_READ_MEMORY_MB) et a "
    "été arrêtée. Vérifiez qu'il s'agit du bon fichier, ou découpez-le.",
    "panne": "La lecture du fichier s'est interrompue sur le serveur, sans que le fichier soit en cause. Déposez-le à "
    "nouveau ; si cela se répète, signalez-le à la personne qui administre le tableau de bord.",
}


def _wait(child, receiver, limits: Limits) -> tuple:
    """What the child sends, or why it sent nothing: ``("temps",)`` or ``("memoire",)``."""
    deadline = time.monotonic() + limits.seconds
    while not receiver.poll(_POLL_SECONDS):
        if not child.is_alive() and not receiver.poll(0):
            child.join(1)
            # Killed (the system's OOM killer), or ended by the address-space limit: memory; any other end, a fault.
            return ("memoire",) if child.exitcode is None or child.exitcode < 0 else ("panne",)
        if time.monotonic() > deadline:
            return ("temps",)
        if _resident_bytes(child.pid) > limits.memory:
            return ("memoire",)
    try:
        return receiver.recv()
    except (EOFError, OSError):
        return ("memoire",)


def _resident_bytes(pid: int) -> int:
    # No /proc (not Linux) or the child just ended: 0, and the address-space limit still holds.
    return _statm(f"/proc/{pid}/statm", 1)


def _address_space() -> int:
    return _statm("/proc/self/statm", 0)


def _statm(path: str, field: int) -> int:
    """Bytes in *field* of a process's ``statm`` (0: its address space, 1: its resident memory); 0 if unreadable."""
    try:
        with open(path, "rb") as statm:
            return int(statm.read().split()[field]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _read_in_child(
    sender, data: bytes, name: str | None, mapping: Mapping | None, limits: Limits
) -> None:
    from gen_dash.ingest import read_snapshot

    # The address space may grow by twice the budget: allocators reserve more than they touch, and the parent
    # watches the resident memory, the real cost, against the budget itself.
    budget = _address_space() + 2 * limits.memory
    # a platform without the limit: the parent's watch remains
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (budget, budget))
    with contextlib.suppress(OSError):
        os.nice(5)  # page views of other users come first
    try:
        outcome = ("ok", read_snapshot(data, name, limits=limits, mapping=mapping))
    except SnapshotError as exc:
        outcome = ("refus", exc)
    except MemoryError:
        outcome = ("memoire",)
    del data
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(("memoire",))
    finally:
        sender.close()
