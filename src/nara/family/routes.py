"""JSON API of the family agency under /api/family."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/family", tags=["family"])
