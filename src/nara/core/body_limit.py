"""The largest request body any route reads, enforced while the body arrives.

Routes parse a body (JSON, a form) before they authenticate its sender, so without a limit an
anonymous sender could make the server hold gigabytes. `BodyLimit` (ASGI middleware) answers
413 `body_too_large` at once when `Content-Length` says the body is too large, and otherwise
counts the bytes as they are received and stops the route with the same 413 as soon as they
pass the limit (chunked bodies included), before any more is read. The exchange's `/r1` paths
are left to the exchange, which enforces its own limit with X-Road's error format.
"""

from __future__ import annotations

import json
from typing import Final

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nara.core.errors import Message as Text

CODE: Final = "body_too_large"
_EXEMPT: Final = ("/r1/", "/r1")


def refusal(limit: int) -> Text:
    return Text(
        f"The request body is larger than {limit:,} bytes.",
        f"요청 본문이 {limit:,}바이트를 넘습니다.",
    )


class BodyTooLarge(HTTPException):
    """Raised from inside `receive` when a body passes the limit (FastAPI passes an
    `HTTPException` raised while reading a body through unchanged)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=refusal(limit).en)
        self.code = CODE
        self.message = refusal(limit)


DEFAULT_LIMIT: Final = 8 * 1024 * 1024


class BodyLimit:
    """The limit is the app's `settings.max_request_bytes` (`NARA_MAX_REQUEST_BYTES`), read
    per request because one assembled app serves the platform it is bound to."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(_EXEMPT):
            await self.app(scope, receive, send)
            return
        settings = getattr(getattr(scope.get("app"), "state", None), "settings", None)
        limit = int(getattr(settings, "max_request_bytes", DEFAULT_LIMIT))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, send, limit)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(scope: Scope, send: Send, limit: int) -> None:
    korean = any(
        name == b"accept-language" and value.lower().startswith(b"ko")
        for name, value in scope.get("headers", [])
    )
    title = Text("Request body too large", "요청 본문이 너무 큽니다")
    message = refusal(limit)
    body = json.dumps(
        {
            "type": f"https://nara.example/problems/{CODE}",
            "title": title.ko if korean else title.en,
            "status": 413,
            "code": CODE,
            "detail": message.ko if korean else message.en,
        },
        ensure_ascii=False,
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
