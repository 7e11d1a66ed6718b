"""The web kit every agency's routes use: the unit of work, the clock, errors as problem+json."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from nara.core.body_limit import BodyTooLarge
from nara.core.clock import Clock
from nara.core.db import write_kept
from nara.core.errors import Invalid, Message, NaraError
from nara.core.logging import mask_identifiers
from nara.core.pii import PiiCipher
from nara.core.settings import Settings

PROBLEM_JSON = "application/problem+json"

log = structlog.get_logger("nara.web")


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed when the route returns, rolled back on error.

    Declared with `scope="function"` so that the commit happens before the response is
    sent: a client never sees success for a write that did not commit.
    """
    factory = request.app.state.session_factory
    session: Session = factory()
    committed = False
    try:
        yield session
        session.commit()
        committed = True
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        if not committed:
            write_kept(session, factory)


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_cipher(request: Request) -> PiiCipher:
    cipher: PiiCipher = request.app.state.cipher
    return cipher


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DbSession = Annotated[Session, Depends(get_session, scope="function")]
ClockDep = Annotated[Clock, Depends(get_clock)]
CipherDep = Annotated[PiiCipher, Depends(get_cipher)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def language_of(request: Request) -> str:
    """`ko` or `en` from the Accept-Language header (Korean unless English comes first)."""
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("ko"):
            return "ko"
    return "en"


def problem(
    request: Request, *, status: int, code: str, title: Message, detail: str, **extra: Any
) -> JSONResponse:
    language = language_of(request)
    body = {
        "type": f"https://nara.example/problems/{code}",
        "title": title.in_language(language),
        "status": status,
        "code": code,
        "detail": detail,
        "instance": mask_identifiers(request.url.path),
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


_VALIDATION_TITLE = Message("Invalid input", "입력값 오류")

HtmlErrorPage = Callable[[Request, NaraError], Response]
"""Renders a refusal as a page; set as `app.state.html_error_page` by the app that serves HTML
routes, for the errors raised past their own handling (a value the database refused)."""


def install_error_handlers(app: FastAPI) -> None:
    """Render every error as problem+json; never let a traceback reach the caller."""

    @app.exception_handler(NaraError)
    async def _domain(request: Request, exc: NaraError) -> JSONResponse:
        return problem(
            request,
            status=exc.status,
            code=exc.code,
            title=exc.title,
            detail=exc.message.in_language(language_of(request)),
            **exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ()) if p != "body"),
                "message": err.get("msg", ""),
                "type": err.get("type", ""),
            }
            for err in exc.errors()
        ]
        fields = ", ".join(e["field"] for e in errors if e["field"])
        ko = language_of(request) == "ko"
        detail = f"입력값을 확인하세요: {fields}" if ko else f"Some fields are not valid: {fields}"
        return problem(
            request,
            status=422,
            code="validation_failed",
            title=_VALIDATION_TITLE,
            detail=detail,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, BodyTooLarge):
            return problem(
                request,
                status=413,
                code=exc.code,
                title=Message("Request body too large", "요청 본문이 너무 큽니다"),
                detail=exc.message.in_language(language_of(request)),
            )
        code = {404: "route_not_found", 405: "method_not_allowed"}.get(
            exc.status_code, f"http_{exc.status_code}"
        )
        return problem(
            request,
            status=exc.status_code,
            code=code,
            title=Message(str(exc.detail), str(exc.detail)),
            detail=str(exc.detail),
        )

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        # A value no column can hold (a 30-digit id, a number beyond 64 bits): the database
        # refused it, the unit of work rolled back; the caller's input was wrong.
        error = Invalid(
            "value_out_of_range",
            Message(
                "A value given is outside the range the registers hold.",
                "입력한 값이 허용 범위를 벗어났습니다.",
            ),
        )
        page: HtmlErrorPage | None = getattr(request.app.state, "html_error_page", None)
        route = request.scope.get("route")
        if page is not None and getattr(route, "response_class", None) is HTMLResponse:
            return page(request, error)
        return await _domain(request, error)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", path=request.url.path)
        return problem(
            request,
            status=500,
            code="internal_error",
            title=Message("Internal error", "내부 오류"),
            detail="The request could not be completed; nothing was changed. "
            "The error has been logged.",
        )
