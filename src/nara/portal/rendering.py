"""What every portal page shares: the template environment, the route class that renders
refusals as pages, the signed-in visitor's CSRF token and the session cookie.

`PortalRoute` (the route class of the account, "my data" and verification routers) adds the
security headers and, for HTML routes, turns a refusal (`NaraError`) into a page: a GET that
needs a session redirects to `/signin?next=<path>`; anything else renders `portal/error.html`
with the refusal's status and its message in the visitor's language. JSON routes (the passkey
ceremonies) answer problem+json as the API does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from nara.core.errors import NaraError, Unauthorized
from nara.core.settings import Settings
from nara.identity import sessions
from nara.identity.access import Principal
from nara.portal.i18n import choose_language, template_context
from nara.portal.security import SecureHtmlRoute, security_headers

environment = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(("html",)),
    extensions=["jinja2.ext.i18n"],
)
"""Portal templates; `gettext`/`_` come from the request's context (nara.portal.i18n)."""
# New-style gettext: `{% trans %}` passes its variables to gettext, which fills and escapes them.
environment.newstyle_gettext = True  # type: ignore[attr-defined]  # added by jinja2.ext.i18n

KST = dt.timezone(dt.timedelta(hours=9), "KST")


def when(value: dt.datetime | dt.date | None) -> str:
    """A time as Seoul reads it (`2026-03-02 09:00`); a date as `2026-03-02`."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(KST).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


environment.filters["when"] = when

templates = Jinja2Templates(env=environment, context_processors=[template_context])

SAFE_METHODS = frozenset({"GET", "HEAD"})


def language(request: Request) -> str:
    """The visitor's language, remembered on the request for the templates."""
    chosen = getattr(request.state, "language", None) or choose_language(request)
    request.state.language = chosen
    return str(chosen)


def local_path(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default` (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def csrf_of(request: Request) -> str:
    """The CSRF token of the visitor's session (empty without a session cookie)."""
    token = request.cookies.get(sessions.COOKIE)
    if not token:
        return ""
    return sessions.csrf_token(request.app.state.cipher, token)


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    principal: Principal | None = None,
) -> HTMLResponse:
    """Render a portal page in the visitor's language, with the CSRF token of his session."""
    language(request)
    values: dict[str, Any] = {"principal": principal, "csrf_token": csrf_of(request)}
    values.update(context or {})
    response = templates.TemplateResponse(request, name, values, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def message_of(request: Request, error: NaraError) -> str:
    return error.message.in_language(language(request))


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        sessions.COOKIE,
        token,
        max_age=settings.identity_session_max_hours * 3600,
        httponly=True,
        secure=settings.public_base_url.startswith("https://"),
        samesite="lax",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(sessions.COOKIE, path="/")


def error_page(request: Request, error: NaraError) -> Response:
    """A refusal as a page (or, for a GET that needs a session, a redirect to sign in)."""
    if isinstance(error, Unauthorized) and request.method in SAFE_METHODS:
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(f"/signin?next={quote(target, safe='/')}", status_code=303)
    lang = language(request)
    return render(
        request,
        "portal/error.html",
        {
            "title": error.title.in_language(lang),
            "message": error.message.in_language(lang),
            "code": error.code,
        },
        status_code=error.status,
    )


def secured_error_page(request: Request, error: NaraError) -> Response:
    """`error_page` with the portal's security headers, for refusals raised past the portal's
    routes (the application's handlers call it for HTML routes)."""
    response = error_page(request, error)
    for name, value in security_headers(response.headers.get("content-type", "")).items():
        response.headers.setdefault(name, value)
    return response


class PortalRoute(SecureHtmlRoute):
    """A portal route: security headers, and refusals of HTML routes rendered as pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        html = self.response_class is HTMLResponse

        async def rendered(request: Request) -> Response:
            try:
                return await handler(request)
            except NaraError as error:
                if not html:
                    raise
                response = error_page(request, error)
                for name, value in security_headers(
                    response.headers.get("content-type", "")
                ).items():
                    response.headers.setdefault(name, value)
                return response

        return rendered
