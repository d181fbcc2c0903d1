"""The pages and the API reference run under the Content-Security-Policy with no violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

WATCH = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"""


@pytest.mark.csp
@pytest.mark.parametrize("path,ready", [
    ("/", "#network g"),
    ("/circuits", "#circuit-form"),
    ("/docs", ".swagger-ui .opblock"),
    ("/redoc", "[role=menuitem], .menu-content li"),
])
def test_no_policy_violation(page, path: str, ready: str) -> None:
    page.add_init_script(WATCH)
    response = page.goto(path)
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(ready).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__violations") == []
    # console errors (a refused script or style logs one) fail the test in the fixture
