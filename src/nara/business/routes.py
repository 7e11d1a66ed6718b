"""JSON API of the business agency under /api/business."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/business", tags=["business"])
