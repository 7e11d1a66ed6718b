"""Portal pages: the home page listing the registries, the language switch, the offline page,
and what makes the portal installable (manifest, service worker).

The citizen-facing pages live in their own modules, included at the end: sign-in and the
account (`account`), "my data" (`mydata`) and public verification (`verify`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from nara.core.access import public
from nara.core.errors import Message, NotFound
from nara.core.web import DbSession
from nara.portal import (
    account,
    lifeevents,
    lifeevents_birth,
    lifeevents_death,
    lifeevents_employment,
    lifeevents_inheritance,
    mydata,
    office,
    passports,
    pwa,
    services,
    verify,
    wallet,
)
from nara.portal.i18n import LANGUAGE_COOKIE, LANGUAGES, choose_language
from nara.portal.registries import REGISTRIES, RecordCounts
from nara.portal.rendering import environment, templates
from nara.portal.security import SecureHtmlRoute

router = APIRouter(tags=["portal"], route_class=SecureHtmlRoute)

LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


def _record_counts(request: Request) -> RecordCounts:
    """The application's cache of the registers' record counts, made on first use."""
    state = request.app.state
    if not hasattr(state, "record_counts"):
        state.record_counts = RecordCounts()
    counts: RecordCounts = state.record_counts
    return counts


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(
    request: Request,
    session: DbSession,
    _access: Annotated[None, Depends(public("the home page is public"))],
) -> HTMLResponse:
    language = choose_language(request)
    request.state.language = language
    counts = _record_counts(request).of(session)
    cards = [
        {
            "slug": registry.slug,
            "name": registry.name_ko if language == "ko" else registry.name_en,
            "agency": registry.agency_ko if language == "ko" else registry.agency_en,
            "records": counts[registry.slug],
        }
        for registry in REGISTRIES
    ]
    return templates.TemplateResponse(request, "portal/home.html", {"cards": cards})


def _local_path(target: str | None) -> str:
    """`target` if it is a path on this site, else `/` (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/lang/{code}", include_in_schema=False)
def switch_language(
    code: str,
    request: Request,
    _access: Annotated[None, Depends(public("anyone may choose the portal's language"))],
    next: str | None = None,
) -> RedirectResponse:
    if code not in LANGUAGES:
        raise NotFound(
            "language_unknown",
            Message(
                f"The portal is not available in '{code}'.",
                f"'{code}' 언어는 지원하지 않습니다.",
            ),
        )
    response = RedirectResponse(_local_path(next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=LANGUAGE_COOKIE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.get(pwa.OFFLINE_PATH, response_class=HTMLResponse, include_in_schema=False)
def offline(
    request: Request,
    _access: Annotated[None, Depends(public("the offline page is part of the public shell"))],
) -> HTMLResponse:
    return templates.TemplateResponse(request, "portal/offline.html", {})


@router.get("/manifest.webmanifest", include_in_schema=False)
def web_manifest(
    request: Request,
    _access: Annotated[None, Depends(public("browsers fetch the manifest to install the app"))],
) -> JSONResponse:
    return JSONResponse(
        pwa.manifest(choose_language(request)),
        media_type="application/manifest+json",
        headers={"Vary": "Cookie, Accept-Language"},
    )


@router.get("/sw.js", include_in_schema=False)
def service_worker(
    _access: Annotated[None, Depends(public("browsers fetch the service worker of the shell"))],
) -> Response:
    return Response(
        pwa.service_worker(),
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )


router.include_router(account.router)
router.include_router(mydata.router)
router.include_router(verify.router)
router.include_router(services.router)
router.include_router(lifeevents.router)
router.include_router(lifeevents_birth.router)
router.include_router(lifeevents_death.router)
router.include_router(lifeevents_inheritance.router)
router.include_router(lifeevents_employment.router)
router.include_router(office.router)
router.include_router(passports.router)
router.include_router(wallet.router)

__all__ = ["environment", "router", "templates"]
