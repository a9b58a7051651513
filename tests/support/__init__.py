"""The tests' own machinery for real components: a dashboard server, free ports, Debian's Chromium.

The tests and the benchmarks start servers and browsers here (benchmarks may import this package; tests never import
``benchmarks/``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRENCH_SHELL = [str(ROOT / "scripts" / "streamlit_fr.py")]
# Debian's Chromium (or the one GEN_DASH_CHROMIUM names); None on a machine without it. Its headless shell
# first when installed: the same engine without the windowing layer, 14 % less time per browser test here.
CHROMIUM = (
    os.environ.get("GEN_DASH_CHROMIUM")
    or shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
NO_CHROMIUM = "Chromium absent : `apt-get install chromium` (Debian) pour les tests navigateur"


def free_ports(count: int = 1) -> list[int]:
    """*count* distinct TCP ports free on 127.0.0.1 now (held together while chosen, so never the same twice)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for one in sockets:
            one.bind(("127.0.0.1", 0))
        return [one.getsockname()[1] for one in sockets]
    finally:
        for one in sockets:
            one.close()


def new_install(folder: Path | str) -> dict[str, str]:
    """The settings of a server installed afresh in *folder*: its own ``var/`` and SQLite store there."""
    return {
        "GEN_DASH_VAR_DIR": str(folder),
        "GEN_DASH_DATABASE_URL": f"sqlite:///{Path(folder) / 'gen-dash.sqlite3'}",
    }


def start_server(
    env: dict[str, str],
    script: Path = ROOT / "asgi.py",
    launcher: list[str] = FRENCH_SHELL,
    options: tuple[str, ...] = (),
    output=subprocess.DEVNULL,
    warm: bool = True,
) -> tuple[subprocess.Popen, str]:
    """A local server of *script* (default: the dashboard and its routes, ``asgi.py``, as ``scripts/serve.py``
    starts it), with the environment's variables and *env*, warmed up as ``scripts/serve.py`` does (the script has
    run once; not *warm*: as soon as it answers, as a visitor may find it): its process and its base URL."""
    if str(ROOT / "scripts") not in sys.path:  # the launcher's own warm-up, not a copy of it
        sys.path.insert(0, str(ROOT / "scripts"))
    from serve import warm_up

    port = free_ports()[0]
    process = subprocess.Popen(
        [
            sys.executable,
            *launcher,
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            *options,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        warm_up(base, timeout=600, run_once=warm, server=process)
    except BaseException:
        process.terminate()
        raise
    return process, base


def http_get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET *url*: its status (an error status too), headers (names in lower case) and body."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def rss_mb(pid: int) -> float:
    """The resident memory of process *pid*, in MB (Linux)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def launch_chromium(playwright, executable: str):
    """Debian's Chromium (*executable*) through Playwright, as the browser tests and the benchmarks run it."""
    return playwright.chromium.launch(
        executable_path=executable,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
