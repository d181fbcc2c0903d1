"""GET /api/health: liveness and version."""

from fastapi import APIRouter

from app import __version__
from app.schemas.common import HealthOut, errors

router = APIRouter(prefix="/api", tags=["health"], responses=errors(422))
HEALTH = {"status": "ok", "version": __version__}


@router.get("/health", summary="Liveness and version", response_model=HealthOut)
async def health() -> dict[str, str]:
    """Liveness probe; also the framework's own floor in the load benchmark. Served on the
    event loop (no worker thread), so it answers while every thread is busy."""
    return HEALTH
