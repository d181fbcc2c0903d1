"""HTML pages: the network view at / and the circuit view at /circuits."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app import __version__
from app.paths import TEMPLATES_DIR

router = APIRouter(tags=["pages"], include_in_schema=False)
templates = Jinja2Templates(directory=TEMPLATES_DIR)


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """The network view."""
    return templates.TemplateResponse(request, "index.html", {"version": __version__})


@router.get("/join", response_class=HTMLResponse)
def join_page(request: Request) -> HTMLResponse:
    """A student's way in: a box for the room code on the teacher's screen."""
    return templates.TemplateResponse(request, "index.html",
                                      {"version": __version__, "follow_code": ""})


@router.get("/join/{code}", response_class=HTMLResponse)
def follow_page(request: Request, code: str) -> HTMLResponse:
    """The network view following a room (the page checks the code through the API)."""
    clean = "".join(ch for ch in code.upper() if ch.isalnum())[:16]
    return templates.TemplateResponse(request, "index.html",
                                      {"version": __version__, "follow_code": clean})


@router.get("/circuits", response_class=HTMLResponse)
def circuits_page(request: Request) -> HTMLResponse:
    """The circuit view (gates, wires, values and gradients)."""
    return templates.TemplateResponse(request, "circuits.html", {"version": __version__})
