"""Portal pages: office (being built)."""

from __future__ import annotations

from fastapi import APIRouter

from nara.portal.rendering import PortalRoute

router = APIRouter(route_class=PortalRoute, include_in_schema=False)
