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
    assert not _imports(path) & {"streamlit", "streamlit_folium", "appstate", "app", "pages"}


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_a_page_has_no_sidebar_of_its_own(path):
    text = path.read_text(encoding="utf-8")
    assert "st.sidebar" not in text and "file_uploader" not in text
