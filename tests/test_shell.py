"""scripts/streamlit_fr.py and static/gen-dash-shell.js: Streamlit's page shell in French (what the browser tests
check in Chromium, here on the files)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _launcher():
    spec = importlib.util.spec_from_file_location(
        "streamlit_fr", ROOT / "scripts" / "streamlit_fr.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shell_is_french_and_carries_the_script(tmp_path):
    from streamlit import file_util

    launcher = _launcher()
    static = launcher.french_static_dir(
        __import__("pathlib").Path(file_util.get_static_dir()), tmp_path / "static"
    )
    index = (static / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in index and 'lang="en"' not in index
    assert "<title>Grande école du numérique – tableau de bord</title>" in index
    assert "Activez JavaScript" in index and "You need to enable JavaScript" not in index
    # the shell script, inlined
    assert '"Skip to main content": "Aller au contenu principal"' in index
    assert (static / "static").is_symlink()  # Streamlit's own files are linked, not copied
    again = launcher.french_static_dir(
        __import__("pathlib").Path(file_util.get_static_dir()), tmp_path / "static"
    )
    # a restart rebuilds it the same
    assert (again / "index.html").read_text(encoding="utf-8") == index


def test_an_unknown_shell_is_refused_in_french():
    with pytest.raises(RuntimeError, match="Page d'accueil de Streamlit inattendue"):
        _launcher().french_index("<html><head></head></html>", "")


@pytest.mark.skipif(
    shutil.which("node") is None,
    reason="Node.js absent (apt-get install nodejs ; .ci/run l'installe)",
)
def test_the_shell_script_is_valid_javascript():
    result = subprocess.run(
        ["node", "--check", str(ROOT / "static" / "gen-dash-shell.js")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_streamlit_formats_table_numbers_with_the_locale_the_shell_sets():
    """The shell sets navigator.languages to French (static/gen-dash-shell.js); that only reaches the tables while
    Streamlit's number formatter (« localized », « percent ») reads it: an upgrade that changes this fails here."""
    import streamlit

    bundle = Path(streamlit.__file__).parent / "static" / "static" / "js"
    formatter = "".join(p.read_text(encoding="utf-8") for p in bundle.glob("formatNumber*.js"))
    assert (
        "navigator.languages" in formatter
        and "`localized`" in formatter
        and "`percent`" in formatter
    )
    assert (
        'Object.defineProperty(navigator, "languages"'
        in (ROOT / "static" / "gen-dash-shell.js").read_text()
    )
