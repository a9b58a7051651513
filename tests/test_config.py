"""gen_dash.config: one table of settings, read by one function, and the README that documents it."""

from __future__ import annotations

import re

import pytest

from gen_dash import config
from tests.conftest import ROOT

# read by the test suite (README, Tests), not by the dashboard
TEST_ONLY = {"GEN_DASH_TEST_POSTGRES_URL"}


def _readme_settings() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1]
    table = section[section.index("\n|") :].split("\n\n", 1)[0]  # the section's first table
    return re.findall(r"^\| `(GEN_DASH_[A-Z0-9_]+)` \|", table, flags=re.M)


def test_every_setting_the_code_reads_is_in_the_table():
    code = (
        "".join(
            p.read_text(encoding="utf-8")
            for folder in ("gen_dash", "pages", "scripts", "ui")
            for p in (ROOT / folder).rglob("*.py")
        )
        + (ROOT / "app.py").read_text()
    )
    used = set(re.findall(r"GEN_DASH_[A-Z0-9_]+", code)) - TEST_ONLY
    assert used == set(config.BY_SETTING)


def test_the_readme_documents_every_setting_and_no_other():
    assert _readme_settings() == [s.name for s in config.SETTINGS]


def test_environment_before_secrets_and_lists_joined(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        'GEN_DASH_EDITEURS = ["a@x.fr", "b@x.fr"]\nGEN_DASH_MAX_ROWS = 7\nGEN_DASH_VAR_DIR = "/ailleurs"\n'
        'GEN_DASH_SECRETS_FILE = "/jamais"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("GEN_DASH_SECRETS_FILE", str(secrets))
    monkeypatch.delenv("GEN_DASH_MAX_ROWS", raising=False)
    assert config.setting("GEN_DASH_EDITEURS") == "a@x.fr,b@x.fr"
    assert config.limits().rows == 7
    # the environment wins, French spacing accepted
    monkeypatch.setenv("GEN_DASH_MAX_ROWS", "12 000")
    assert config.limits().rows == 12_000
    monkeypatch.setenv("GEN_DASH_MAX_ROWS", "beaucoup")  # not a number: the default, not a crash
    assert config.limits().rows == 500_000
    monkeypatch.setenv("GEN_DASH_MAX_ROWS", "-5")
    assert config.limits().rows == 500_000
    monkeypatch.setenv("GEN_DASH_VAR_DIR", "/ici")
    assert str(config.var_dir()) == "/ici"


def test_a_name_that_is_no_setting_is_refused():
    with pytest.raises(KeyError, match="GEN_DASH_MAXROWS n'est pas un réglage"):
        config.setting("GEN_DASH_MAXROWS")
