"""/docs (Swagger UI) and /redoc served from this app: classrooms may have no internet.

The assets come from the `fastapi-offline` package (Swagger UI and ReDoc builds, MIT),
mounted at /docs-assets; FastAPI's own pages would load them from a CDN.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from app.security import allow_own_inline

ASSETS_URL = "/docs-assets"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"

REDOC_JS = "redoc-offline.js"
# ReDoc's sidebar always loads its maker's logo from a CDN; offline rooms and the CSP refuse
# it, so the build served here draws an empty picture instead.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
BLANK_IMAGE = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def _redoc_js() -> bytes:
    text = (ASSETS_DIR / "redoc.standalone.js").read_text(encoding="utf-8")
    return text.replace(REDOC_LOGO, BLANK_IMAGE).encode()


@router.get(f"{ASSETS_URL}/{REDOC_JS}")
def redoc_js() -> Response:
    """ReDoc's build, with nothing loaded from elsewhere."""
    return Response(_redoc_js(), media_type="text/javascript",
                    headers={"cache-control": "public, max-age=86400"})


@router.get("/docs")
def swagger_ui(request: Request) -> Response:
    """The interactive API reference, every script and style from this server."""
    root = request.scope.get("root_path", "")
    page = get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}", title="backprop-viz API",
        swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
        swagger_ui_parameters={"validatorUrl": None})  # no badge from validator.swagger.io
    return allow_own_inline(page, request.app.state.settings.frame_ancestors)


@router.get("/redoc")
def redoc(request: Request) -> Response:
    """The same reference as one long page."""
    root = request.scope.get("root_path", "")
    page = get_redoc_html(
        openapi_url=f"{root}{request.app.openapi_url}", title="backprop-viz API",
        redoc_js_url=f"{root}{ASSETS_URL}/{REDOC_JS}",
        redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png", with_google_fonts=False)
    return allow_own_inline(page, request.app.state.settings.frame_ancestors,
                            dynamic_styles=True)


def install(app: FastAPI) -> None:
    """Add the two pages and their assets (the app is created with docs_url=None)."""
    app.include_router(router)  # before the mount, so its redoc build wins
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
