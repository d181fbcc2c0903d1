"""/api/presets: the worked examples a network can start from."""

from __future__ import annotations

from fastapi import APIRouter

from app.schemas.common import errors
from app.schemas.networks import PresetPublic
from app.serialize import preset_public
from engine.presets import PRESETS

router = APIRouter(prefix="/api/presets", tags=["presets"], responses=errors(422))


@router.get("", summary="List presets")
async def list_presets() -> list[PresetPublic]:
    """Each preset's name, title, description and the source article it reproduces."""
    return [preset_public(preset) for preset in PRESETS.values()]
