"""JSON API of the residents agency under /api/residents."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/residents", tags=["residents"])
