"""benchmarks/: the harness runs end to end on the 1,000-row size (timings are checked by the benchmark, not here)."""

from __future__ import annotations

import json
import subprocess
import sys

from benchmarks import __main__ as bench
from benchmarks.harness import Result
from tests.conftest import ROOT


def test_harness_runs_end_to_end_on_1000_rows():
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--sizes", "1000", "--repeat", "1", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode in (0, bench.TARGET_MISSED), result.stderr[
        -2000:
    ]  # a target missed is still a full run
    out = json.loads(result.stdout)
    assert out["machine"]["coeurs"] >= 1
    names = {m["mesure"] for m in out["mesures"]}
    for expected in (
        "read_snapshot",
        "chiffres (résumé, départements, régions)",
        "carte nationale : octets envoyés (1re visite)",
        "page overview : rerun après filtre",
        "page coverage : rerun après filtre",
        "mémoire du serveur (RSS), instantané chargé",
        "couverture : glouton / optimum exact (pire cas)",
        "publier un instantané (SQLite)",
        "page Évolution, rerun après filtre",
        "ligne de commande : validate",
        "CPU serveur par vue : carte (1re vue)",
        "4 sessions à la fois : couverture, script fini (la plus lente)",
        "page carte : changement de page, script fini",
        "cinq dépôts dans cinq sessions : RSS en plus après leur fin",
    ):
        assert expected in names, expected
    reading = next(m for m in out["mesures"] if m["mesure"] == "read_snapshot")
    assert reading["valeur"] > 0 and reading["plancher"] > 0


def test_table_is_markdown_with_verdicts():
    table = bench.render(
        [
            Result("lecture", "100 000", 0.81, "s", 0.095, "< 2 s", True),
            Result("carte", "x", 1_580_000, "o", None, "< 2,5 Mo", False),
        ]
    )
    assert table.splitlines()[2] == "| lecture | 100 000 | 0,810 s | 0,095 s | < 2 s | oui |"
    assert "1,58 Mo" in table and "**non**" in table


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
    main.get_by_text(
        "Territoire : Occitanie"
    ).first.wait_for()  # the browser shows what the client received
    main.get_by_text("Passer la carte").first.wait_for()
    assert "Passer la carte" in view.text
