"""JSON API of the land agency under /api/land."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/land", tags=["land"])
