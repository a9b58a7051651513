"""Start the dashboard: ``streamlit run app.py``, then run the app once before the first visitor.

Why the warm-up: with a ``pages/`` folder beside ``app.py``, Streamlit's legacy
multipage router handles the *first* session of a new server process, so the
first visitor arriving on a deep link (``/carte-des-fabriques``) would see a
spurious « Page not found ». Running the script once through Streamlit's script
health check (``server.scriptHealthCheckEnabled``) switches the process to
``st.navigation`` routing and fills the caches. Load balancers that probe
``/_stcore/script-health-check`` do the same in a deployment.

Usage: ``python scripts/serve.py [--port 8501] [other streamlit options]``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def warm_up(base_url: str, timeout: float = 120.0, run_once: bool = True, server=None) -> None:
    """Wait until the server answers, then (*run_once*) run the app once (raises TimeoutError if it never does, or
    at once if the *server* process it waits for has ended)."""
    deadline = time.monotonic() + timeout
    for endpoint in ("/_stcore/health", "/_stcore/script-health-check")[: 2 if run_once else 1]:
        while True:
            try:
                with urllib.request.urlopen(
                    base_url.rstrip("/") + endpoint, timeout=60
                ) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if server is not None and server.poll() is not None:
                raise TimeoutError(
                    f"le serveur s'est arrêté (code {server.returncode}) sans répondre"
                )
            if time.monotonic() > deadline:
                raise TimeoutError(f"{base_url}{endpoint} ne répond pas")
            time.sleep(0.3)


def main(argv: list[str]) -> int:
    port = "8501"
    if "--port" in argv:
        port = argv[argv.index("--port") + 1]
        del argv[argv.index("--port") : argv.index("--port") + 2]
    address = "localhost"
    # Under a sub-path (server.baseUrlPath, as behind nginx: deploy/), the health checks are under it too.
    prefix = ""
    for i, arg in enumerate(argv):
        if arg.startswith("--server.baseUrlPath"):
            prefix = "/" + (arg.split("=", 1)[1] if "=" in arg else argv[i + 1]).strip("/")
        if arg.startswith("--server.address"):
            address = arg.split("=", 1)[1] if "=" in arg else argv[i + 1]
    # Streamlit refuses a larger file in its own words (English): up to twice the reader's limit, the reader
    # refuses it instead, in French, naming the limit and its setting.
    sys.path.insert(0, str(ROOT))
    from gen_dash import config

    upload_mb = str(2 * config.limits().bytes // 1_000_000)
    command = [
        sys.executable,
        str(ROOT / "scripts" / "streamlit_fr.py"),
        "run",
        str(ROOT / "asgi.py"),
        "--server.port",
        port,
        "--server.maxUploadSize",
        upload_mb,
        *argv,
    ]
    server = subprocess.Popen(command, cwd=ROOT)
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        warm_up(f"http://{address}:{port}{prefix}", server=server)
        print(f"  Tableau de bord prêt : http://{address}:{port}{prefix}", flush=True)
    except TimeoutError as exc:
        print(f"  Avertissement : {exc}", file=sys.stderr, flush=True)
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        return server.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
