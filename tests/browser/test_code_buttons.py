"""Copy as NumPy and Download .py: the page hands over the script the API writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.support.page import idle, network_id, open_page


def test_download_runs_the_next_step_and_copy_fills_the_clipboard(
        page: Page, server_url: str, tmp_path: Path) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page, "#preset=xor&optimizer=momentum")
    page.get_by_test_id("step").click()
    idle(page)
    with page.expect_download() as info:
        page.get_by_test_id("download-py").click()
    download = info.value
    assert download.suggested_filename.endswith("step1.py")
    path = tmp_path / "step.py"
    download.save_as(path)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=60, check=True)
    printed = json.loads(done.stdout)
    trace = httpx.post(f"{server_url}/api/networks/{network_id(page)}/step",
                       json={"phase": "all"}).json()
    assert abs(printed["loss"] - trace["loss"]) <= 1e-12
    assert printed["step"] == trace["step"] == 2
    page.get_by_test_id("copy-numpy").click()
    expect(page.get_by_test_id("code-status")).to_contain_text("Copied")
    text = page.evaluate("navigator.clipboard.readText()")
    assert text.startswith('"""A 2-') and "import numpy as np" in text
