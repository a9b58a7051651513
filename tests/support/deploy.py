"""The production setup on free ports (``deploy/local.sh``: nginx in front of Streamlit servers), for the deployment
tests and the benchmarks that measure a visit through nginx."""

from __future__ import annotations

import contextlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.support import ROOT, free_ports

LOCAL = ROOT / "deploy" / "local.sh"


class StackRefused(RuntimeError):
    """``deploy/local.sh start`` failed; the message ends with what it printed on stderr."""


@dataclass(frozen=True)
class Stack:
    base: str  # the public URL, the last line local.sh prints
    folder: Path  # its logs, pid files and the servers' own folder
    nginx: int
    servers: list[int]
    env: dict[str, str]  # local.sh's settings, to start a server again as it does

    def pid(self, port: int | str) -> int:
        """The Streamlit process on *port* itself (the launcher's child, as local.sh found it)."""
        return int((self.folder / f"streamlit-{port}.pid").read_text().split()[0])

    def pids(self) -> list[int]:
        """The Streamlit processes of all the servers."""
        return [self.pid(port) for port in self.servers]

    @property
    def access_log(self) -> Path:
        """nginx's access log (deploy/nginx/local-main.conf.in)."""
        return self.folder / "nginx-access.log"


@contextlib.contextmanager
def local_stack(
    folder: Path, servers: int = 2, database_url: str | None = None, script: Path | None = None
):
    """``deploy/local.sh start`` in *folder* on free ports: nginx, then *servers* dashboard servers on
    *database_url* (default: the one local.sh starts), or servers of the Streamlit *script*; stopped on leaving.
    Raises :class:`StackRefused` when it does not start."""
    nginx, *ports = free_ports(servers + 1)
    env = {
        **os.environ,
        "GEN_DASH_DEPLOY_DIR": str(folder),
        "GEN_DASH_DEPLOY_PORT": str(nginx),
        "GEN_DASH_DEPLOY_SERVERS": " ".join(map(str, ports)),
    }
    if database_url:
        env["GEN_DASH_DATABASE_URL"] = database_url
    if script is not None:
        env["GEN_DASH_DEPLOY_SCRIPT"] = str(script)
    try:
        started = subprocess.run(
            ["bash", str(LOCAL), "start"], env=env, capture_output=True, text=True, timeout=600
        )
        if started.returncode != 0:
            raise StackRefused("deploy/local.sh start : " + started.stderr[-3000:])
        yield Stack(started.stdout.strip().splitlines()[-1], Path(folder), nginx, ports, env)
    finally:
        subprocess.run(["bash", str(LOCAL), "stop"], env=env, capture_output=True, timeout=120)
