"""axe-core in Chromium (axe-playwright-python): the violations that fail a test, and their description."""

from __future__ import annotations

SERIOUS = {"moderate", "serious", "critical"}
# Rules deliberately accepted, each with the reason (none today).
ACCEPTED: dict[str, str] = {}


def axe_violations(target) -> list[dict]:
    """axe-core's violations of impact « moderate » or above on *target* (a Playwright page or frame), but the
    :data:`ACCEPTED` rules."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(target)
    return [
        v
        for v in results.response["violations"]
        if v["impact"] in SERIOUS and v["id"] not in ACCEPTED
    ]


def described(violations: list[dict]) -> str:
    """*violations*, one line each: the rule, its impact, what it asks, the first places it found."""
    return "\n".join(
        f"{v['id']} ({v['impact']}) : {v['help']} — {[n['target'] for n in v['nodes']][:4]}"
        for v in violations
    )
