"""/docs and /redoc work offline: no external host, every asset served by the app."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_reference_no_external_host(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", response.text)
    assets = re.findall(r"(?:src|href)=[\"'](/[^\"']+)", response.text)
    assert assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_swagger_ui_loads_local_script_and_openapi(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in response.text
    assert "'/openapi.json'" in response.text or '"/openapi.json"' in response.text
