"""scripts/serve.py: the launcher waits for its server, and stops waiting when that server has ended."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import ROOT, free_ports

sys.path.insert(0, str(ROOT / "scripts"))
from serve import warm_up  # noqa: E402 - scripts/ is not a package


def test_waiting_stops_when_the_server_ends_before_answering():
    ended = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    ended.wait()
    with pytest.raises(TimeoutError, match=r"s'est arrêté \(code 3\)"):
        warm_up(f"http://127.0.0.1:{free_ports()[0]}", timeout=30, server=ended)
