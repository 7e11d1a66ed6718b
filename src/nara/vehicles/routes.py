"""JSON API of the vehicles agency under /api/vehicles."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/vehicles", tags=["vehicles"])
