"""benchmarks/: each group of measures runs end to end on the smallest size, as a trial run (``--essai``: fewer
sessions, pages and visits; timings are checked by the benchmark, not here), run as users run it
(``python -m benchmarks``, never imported)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

TARGET_MISSED = 3  # the benchmark's exit status when a target is not held: still a full run

# Each group and one measure it must report (the start of its name).
GROUPS = {
    "lecture": "read_snapshot",
    "chiffres": "chiffres (résumé, départements, régions)",
    "carte": "carte nationale : octets envoyés (1re visite)",
    "pages": "page overview : rerun après filtre",
    "memoire": "mémoire du serveur (RSS), instantané chargé",
    "couverture": "couverture : glouton / optimum exact (pire cas)",
    "ligne_de_commande": "ligne de commande : validate",
    "sessions": "4 sessions à la fois : couverture, script fini (la plus lente)",
    "gros_instantane": "page carte : changement de page, script fini",
    "depots": "dépôts dans autant de sessions : RSS en plus après leur fin",
    "epci": "carte nationale par EPCI : octets envoyés (1re visite)",
    "listes": "deviner la correspondance (échantillon de 2 000 lignes)",
    "api": "/api/chiffres d'une région, après le premier appel (temps serveur)",
    "reseau": "Carte, nouveau visiteur : réponses",
    "historique": "publier un instantané (SQLite)",
}


def _bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", "--sizes", "1000", "--repeat", "1", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.parametrize("group", list(GROUPS))
def test_each_group_runs_end_to_end_on_the_smallest_size(group):
    result = _bench("--only", group, "--json", "--essai")
    assert result.returncode in (0, TARGET_MISSED), result.stderr[-2000:]
    out = json.loads(result.stdout)
    assert out["machine"]["coeurs"] >= 1
    names = [m["mesure"] for m in out["mesures"]]
    assert any(name.startswith(GROUPS[group]) for name in names), names


def test_every_group_is_tested_here():
    help_text = _bench("--help").stdout
    offered = re.search(r"--only \{([^}]*)\}", help_text).group(1).split(",")
    assert sorted(offered) == sorted(GROUPS)


def test_the_table_is_markdown_with_french_numbers_and_verdicts():
    table = _bench("--only", "chiffres", "ligne_de_commande").stdout.splitlines()
    assert table[:2] == [
        "| mesure | taille | médiane | plancher | cible | tenue |",
        "|---|---|---|---|---|---|",
    ]
    assert re.fullmatch(
        r"\| chiffres \(résumé, départements, régions\) \| 1 000 \| \d+,\d{3} s \| – \|  \|  \|",
        table[2],
    ), table[2]
    assert re.fullmatch(
        r"\| ligne de commande : validate \| 171 lignes \| \d+,\d{3} s \| \d+,\d{3} s \| < 0,8 s "
        r"\| (oui|\*\*non\*\*) \|",
        table[3],
    ), table[3]


def test_a_page_the_protocol_client_gets_is_the_page_a_browser_gets(page, server):
    """tests/support/protocol.py measures the server without a browser: the page it gets must be complete, and the same
    page a real browser shows."""
    from tests.conftest import open_page
    from tests.support import protocol as sessions

    view = sessions.view(server, "carte-des-fabriques", "region=76")
    assert view.finished and not view.exception and view.messages > 10
    assert (
        "Carte des fabriques et des formations" in view.text
        and "Territoire : Occitanie" in view.text
    )
    open_page(page, server, "carte-des-fabriques?region=76")
    assert page.locator("h1").first.inner_text() == "Carte des fabriques et des formations"
    main = page.locator('[data-testid="stMain"]')
    # the browser shows what the client received
    main.get_by_text("Territoire : Occitanie").first.wait_for()
    main.get_by_text("Passer la carte").first.wait_for()
    assert "Passer la carte" in view.text
