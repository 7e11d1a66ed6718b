"""X-Road REST on the wire: reading requests within limits, writing answers and errors."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import Request as HttpRequest
from starlette.responses import Response as HttpResponse

from nara.exchange import errors
from nara.exchange.errors import ExchangeError, refused, render_error
from nara.exchange.messages import H_CONTENT_TYPE, H_ERROR, H_ID, Response


async def read_body(request: HttpRequest, limit: int) -> bytes:
    """The request body, refused with 413 `body_too_large` beyond `limit` bytes (announced
    or streamed)."""
    announced = request.headers.get("content-length")
    if announced is not None and announced.isdigit() and int(announced) > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(limit: int) -> ExchangeError:
    return refused(
        errors.CLIENT_BAD_REQUEST,
        "body_too_large",
        f"The request body is larger than the exchange accepts ({limit:,} bytes).",
        f"요청 본문이 허용 크기({limit:,}바이트)를 넘습니다.",
        nara_status=413,
        limit=limit,
    )


def error_response(
    error: ExchangeError, message_id: str = "", accept: str | None = None
) -> HttpResponse:
    """An X-Road error of this node (not signed): `X-Road-Error` and the body `Accept` asks."""
    body, content_type = render_error(error, message_id, accept)
    headers = [(H_ERROR, error.xroad_type)]
    if message_id:
        headers.append((H_ID, message_id))
    return raw_response(error.http_status, headers, body, content_type)


def reply(response: Response, extra: Iterable[tuple[str, str]] = ()) -> HttpResponse:
    """A signed `Response` as an HTTP answer: its status, every header (repeated ones kept),
    the signature headers, and its body."""
    content_type = response.content_type
    headers = [(n, v) for n, v in response.wire_headers() if n != H_CONTENT_TYPE]
    return raw_response(response.status, [*headers, *extra], response.body, content_type)


def raw_response(
    status: int, headers: list[tuple[str, str]], body: bytes, content_type: str
) -> HttpResponse:
    answer = HttpResponse(body, status_code=status)
    raw = [(k, v) for k, v in answer.raw_headers if k.lower() != b"content-type"]
    if content_type:
        raw.append((b"content-type", content_type.encode("latin-1")))
    raw += [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    answer.raw_headers = raw
    return answer
