"""Run Streamlit with its page shell in French: ``python scripts/streamlit_fr.py run app.py [options]``.

Streamlit's shell (``index.html`` of its package) says ``<html lang="en">``, is titled « Streamlit », tells a browser
without JavaScript so in English, and its framework texts (the uploader's button, the skip link, help buttons, the
dataframe toolbar…) are English, with no setting for any of it (streamlit/streamlit#15726). This launcher gives
Streamlit a static folder of its own (``var/streamlit-static``): the package's files linked, not copied, and an
``index.html`` with ``lang="fr"``, a French title and noscript text, and ``static/gen-dash-shell.js`` inlined (it
translates the framework's texts as they appear, and folds the sidebar on a phone once a choice is made).
Everything else is Streamlit's own ``streamlit run``.

A change of Streamlit that moves these texts fails ``tests/test_accessibility.py`` (a list of English texts that must
not appear) rather than going unnoticed; :func:`french_index` refuses a shell it does not recognise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TITLE = "Grande école du numérique – tableau de bord"
NOSCRIPT = "Activez JavaScript pour utiliser ce tableau de bord."


def french_index(html: str, script: str, style: str = "") -> str:
    """Streamlit's ``index.html`` in French, with *style* and *script* inlined at the end of its head."""
    replacements = [
        ('<html lang="en">', '<html lang="fr">'),
        ("<title>Streamlit</title>", f"<title>{TITLE}</title>"),
        ("</head>", f"<style>\n{style}\n</style>\n<script>\n{script}\n</script>\n</head>"),
    ]
    for old, new in replacements:
        if old not in html:
            raise RuntimeError(
                f"Page d'accueil de Streamlit inattendue : « {old} » introuvable (version changée ?)"
            )
        html = html.replace(old, new, 1)
    start, end = html.find("<noscript>"), html.find("</noscript>")
    if start >= 0 and end > start:
        html = html[:start] + f"<noscript>{NOSCRIPT}</noscript>" + html[end + len("</noscript>") :]
    return html


def french_static_dir(source: Path, target: Path) -> Path:
    """*target* made a copy of Streamlit's static folder *source*: every entry linked, ``index.html`` in French."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        link = target / entry.name
        if entry.name == "index.html":
            continue
        if link.is_symlink() or link.exists():
            if link.is_symlink() and Path(os.readlink(link)) == entry:
                continue
            link.unlink()
        link.symlink_to(entry)
    script = (ROOT / "static" / "gen-dash-shell.js").read_text(encoding="utf-8")
    style = (ROOT / "static" / "gen-dash-shell.css").read_text(encoding="utf-8")
    index = french_index((source / "index.html").read_text(encoding="utf-8"), script, style)
    temporary = target / "index.html.tmp"
    temporary.write_text(index, encoding="utf-8")
    temporary.replace(target / "index.html")
    return target


def few_malloc_arenas(arenas: int = 2) -> None:
    """Run this launcher again with glibc's malloc arenas capped, unless ``MALLOC_ARENA_MAX`` is already set.

    glibc gives threads arenas of their own, up to eight per core, and Streamlit runs each session's script in a
    thread: what a session freed (its upload, its pages' tables) stayed reserved in its thread's arena. The server
    kept +432 MB after three 100,000-row uploads were browsed and their sessions closed; +69 MB with two arenas
    (``python -m benchmarks --only depots``). glibc reads the variable when the process starts, hence the new start
    (``mallopt`` once running left +331 MB).
    """
    if "MALLOC_ARENA_MAX" not in os.environ:
        os.environ["MALLOC_ARENA_MAX"] = str(arenas)
        os.execv(sys.executable, [sys.executable, *sys.argv])


def main(argv: list[str]) -> None:
    few_malloc_arenas()
    sys.path.insert(0, str(ROOT))
    from streamlit import file_util
    from streamlit.web import cli

    from gen_dash import config

    static = french_static_dir(
        Path(file_util.get_static_dir()), config.var_dir() / "streamlit-static"
    )
    file_util.get_static_dir = lambda: str(static)  # read when the server builds its routes
    sys.argv = ["streamlit", *argv]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
