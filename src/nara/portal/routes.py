"""Portal pages. The home page lists the registries this install runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select

from nara.core.access import public
from nara.core.web import DbSession, language_of
from nara.portal.registries import REGISTRIES

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

router = APIRouter(tags=["portal"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(
    request: Request,
    session: DbSession,
    _access: Annotated[None, Depends(public("the home page is public"))],
) -> HTMLResponse:
    language = request.query_params.get("lang") or language_of(request)
    language = "en" if language == "en" else "ko"
    cards = [
        {
            "slug": registry.slug,
            "name": registry.name_ko if language == "ko" else registry.name_en,
            "agency": registry.agency_ko if language == "ko" else registry.agency_en,
            "records": session.scalar(select(func.count()).select_from(registry.table)) or 0,
        }
        for registry in REGISTRIES
    ]
    return templates.TemplateResponse(
        request, "portal/home.html", {"language": language, "cards": cards}
    )
