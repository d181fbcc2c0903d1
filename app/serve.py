"""How the app is served: uvicorn with bounds on what one client can hold.

- Request heads (request line + headers) up to REQUEST_HEAD_BYTES: room for the longest
  query the API takes (MAX_QUERY_CHARS characters, percent-encoded), so an over-long
  `predict?inputs=` reaches the app and gets the API's JSON 422, not the server's plain 400.
"""

from __future__ import annotations

from typing import Any

import uvicorn
from fastapi import FastAPI

from app.schemas.common import MAX_QUERY_CHARS
from app.settings import Settings

# 12 bytes per character when percent-encoded (4-byte UTF-8), plus 32 KB of headers.
REQUEST_HEAD_BYTES = 12 * MAX_QUERY_CHARS + 32 * 1024


def run(app: FastAPI | str, settings: Settings, **options: Any) -> None:
    """Serve until stopped (`app` may be an import string, for several worker processes)."""
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level,
                h11_max_incomplete_event_size=REQUEST_HEAD_BYTES, **options)
