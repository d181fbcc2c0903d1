"""axe-core (the npm package, installed by README's test command into tests/js/node_modules)
run inside a Playwright page: the WCAG 2.1 A and AA rules, violations as readable lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page: Page) -> list[str]:
    """Every WCAG 2.1 A/AA violation on the page now: rule, impact, and the first nodes."""
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} is missing: run `npm ci --prefix tests/js`")
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ': ' +"
        " (n.failureSummary || '').split('\\n').slice(1, 2).join(''))})))",
        WCAG_21_AA)
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + " | ".join(v["nodes"]) for v in found]
