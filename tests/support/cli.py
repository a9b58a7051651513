"""Running the command line from a test: in this process (the usual way: no Python to start, so a command costs what
its work costs), or as the process a user starts (the few smoke tests of what only a process shows: no traceback on
standard error, a closed pipe, the program's name in its help)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from unittest import mock

from tests.support import ROOT


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m gen_dash ARGS`` run by :func:`gen_dash.cli.main` in this process, with *env* added to the settings
    while it runs; its exit status and what it wrote, as text."""
    from gen_dash import cli

    out, err = io.StringIO(), io.StringIO()
    # The settings are read at each call: *env* in os.environ while the command runs, then as it was.
    with (
        mock.patch.dict(os.environ, env or {}),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            status = cli.main(list(args))
        except SystemExit as exc:  # argparse's own --help
            status = exc.code if isinstance(exc.code, int) else 0
    return subprocess.CompletedProcess(["gen_dash", *args], status, out.getvalue(), err.getvalue())


def run_cli_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m gen_dash ARGS`` as a process of its own, from the project's folder, with *env* added."""
    return subprocess.run(
        [sys.executable, "-m", "gen_dash", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env} if env else None,
    )
