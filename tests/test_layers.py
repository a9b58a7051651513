"""The layers (docs/architecture.md): gen_dash never imports Streamlit nor the interface; pages hold no copied sidebar."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

DATA_LAYER = sorted((ROOT / "gen_dash").glob("*.py"))


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", DATA_LAYER, ids=[p.name for p in DATA_LAYER])
def test_the_data_layer_imports_neither_streamlit_nor_the_interface(path):
    assert not _imports(path) & {"streamlit", "streamlit_folium", "ui", "app", "pages"}


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_a_page_has_no_sidebar_of_its_own(path):
    text = path.read_text(encoding="utf-8")
    assert "st.sidebar" not in text and "file_uploader" not in text


def _project_imports(path) -> set[str]:
    """The project modules *path* imports (``ui.cache``, ``gen_dash.metrics``), wherever the import stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
            found.add(node.module)
    return found


def test_no_import_circle_in_the_data_layer_nor_the_glue():
    modules = {
        f"{p.parent.name}.{p.stem}": p
        for folder in ("gen_dash", "ui")
        for p in (ROOT / folder).glob("*.py")
    }
    graph = {
        name: sorted(_project_imports(path) & set(modules) - {name})
        for name, path in modules.items()
    }
    done, path = set(), []

    def visit(name):
        assert name not in path, "import circle: " + " → ".join([*path[path.index(name) :], name])
        if name in done:
            return
        path.append(name)
        for imported in graph[name]:
            visit(imported)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)
    # The glue sits above the data layer: gen_dash never imports it (see above), ui imports gen_dash.
    assert any(target.startswith("gen_dash.") for target in graph["ui.sources"])
