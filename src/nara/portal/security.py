"""Security headers for the portal: a strict Content-Security-Policy and friends.

Pages load scripts, styles, fonts and images only from this origin; there is no inline script
or style anywhere (tests check every rendered page), so the policy needs no nonce and no
`'unsafe-inline'`. Portal routes carry the headers through `SecureHtmlRoute`; the ASGI
`SecurityHeadersMiddleware` applies the same to a whole application (HTML responses get the
CSP; every response gets `nosniff` and the referrer policy).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        # KRDS's stylesheet embeds one icon font (Swiper's) as a data: URL.
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)

COMMON_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def security_headers(content_type: str) -> dict[str, str]:
    """The headers a response of `content_type` carries."""
    headers = dict(COMMON_HEADERS)
    if content_type.startswith("text/html"):
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return headers


class SecureHtmlRoute(APIRoute):
    """A route whose responses carry `security_headers` (the portal router's route class)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def secured(request: Request) -> Response:
            response = await handler(request)
            for name, value in security_headers(response.headers.get("content-type", "")).items():
                response.headers.setdefault(name, value)
            return response

        return secured


class SecurityHeadersMiddleware:
    """ASGI middleware adding `security_headers` to every response outside `exempt` paths
    (by default the interactive API docs, which load their own inline script)."""

    def __init__(self, app: ASGIApp, exempt: tuple[str, ...] = ("/docs",)) -> None:
        self.app = app
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(self.exempt):
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in security_headers(headers.get("content-type", "")).items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_secured)
