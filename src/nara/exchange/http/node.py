"""The provider side of a node, served on its mutual-TLS listener (`nara serve --node`).

Between nodes a request travels as the client sent it (any method,
`/r1/{service id}[/path][?query]`, its headers and body) plus the client node's signature
headers `X-Nara-Signed-At`, `X-Nara-Caller`, `X-Nara-Signature`, as X-Road's message
transport protocol adds the security servers' signatures. The node reads it into a `Request`
and answers it with the `Gateway` in a unit of work of its own: the signed response (an answer
or a refusal) is returned with its status, headers and body once the exchange is logged and
committed; a refusal's writes are rolled back first, its log entry kept. A request that cannot
be read (a bad path, a malformed header) is answered with an unsigned X-Road error
(`400 Client.*`). The mutual-TLS handshake has already proved that the caller is a node of the
platform; the gateway then checks the member's signature.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, Any

import structlog
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as HttpRequest
from starlette.responses import Response as HttpResponse

from nara.core.db import unit_of_work
from nara.exchange import errors
from nara.exchange.errors import ExchangeError, refused
from nara.exchange.gateway import Gateway
from nara.exchange.http.wire import error_response, read_body, reply
from nara.exchange.messages import (
    H_ACCEPT,
    H_CALLER,
    H_ID,
    H_SIGNATURE,
    H_SIGNED_AT,
    Request,
    check_message_id,
    checked_headers,
)

if TYPE_CHECKING:
    import uvicorn
    from sqlalchemy.orm import Session, sessionmaker

    from nara.core.clock import Clock
    from nara.core.pii import PiiCipher
    from nara.exchange.services import Exchange
    from nara.exchange.trust.keystore import Keystore

log = structlog.get_logger("nara.exchange.node")

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class _Refused(Exception):
    def __init__(self, response: Any) -> None:
        super().__init__(response.status)
        self.response = response


class Node:
    """Answers X-Road REST requests for the agencies this node serves."""

    def __init__(
        self,
        exchange: Exchange,
        session_factory: sessionmaker[Session],
        clock: Clock,
        cipher: PiiCipher,
    ) -> None:
        self.exchange = exchange
        self.gateway = Gateway(exchange)
        self.session_factory = session_factory
        self.clock = clock
        self.cipher = cipher

    def read(
        self, method: str, target: str, raw_headers: list[tuple[str, str]], body: bytes
    ) -> Request:
        """The request a message carries, or a 400 `ExchangeError` naming what is wrong."""
        signed_at = caller = signature = ""
        for name, value in raw_headers:
            lowered = name.lower()
            if lowered == H_SIGNED_AT:
                signed_at = value
            elif lowered == H_CALLER:
                caller = value
            elif lowered == H_SIGNATURE:
                signature = value
        headers = checked_headers(raw_headers)
        request = Request(method, target, headers, body, signed_at, caller, signature)
        request.service  # noqa: B018  (a malformed target is refused here)
        request.client  # noqa: B018
        check_message_id(request.message_id)
        return request

    def handle(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> HttpResponse:
        accept = next((v for k, v in headers if k.lower() == H_ACCEPT), None)
        message_id = next((v for k, v in headers if k.lower() == H_ID), "")
        try:
            request = self.read(method, target, headers, body)
        except ExchangeError as error:
            return error_response(error, message_id, accept)
        try:
            with unit_of_work(self.session_factory) as session:
                response = self.gateway.serve(request, session, self.clock, self.cipher)
                if response.status >= 400:
                    raise _Refused(response)
        except _Refused as refusal:
            response = refusal.response
        except Exception:
            log.exception("exchange_node_failed", target=target[:200])
            failure = refused(
                errors.SERVER_INTERNAL,
                "provider_failed",
                "The provider failed to answer.",
                "제공기관이 응답하지 못했습니다.",
                nara_status=502,
            )
            return error_response(failure, message_id, accept)
        return reply(response)


def create_node_app(
    exchange: Exchange,
    session_factory: sessionmaker[Session],
    clock: Clock,
    cipher: PiiCipher,
) -> FastAPI:
    """The ASGI app of the node's mutual-TLS listener."""
    node = Node(exchange, session_factory, clock, cipher)
    app = FastAPI(title="Nara exchange node", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.node = node

    async def serve(request: HttpRequest) -> HttpResponse:
        accept = request.headers.get(H_ACCEPT)
        try:
            body = await read_body(request, exchange.max_body)
        except ExchangeError as error:
            return error_response(error, request.headers.get(H_ID, ""), accept)
        target = request.scope.get("raw_path", b"").decode("latin-1")
        query = request.scope.get("query_string", b"").decode("latin-1")
        if query:
            target = f"{target}?{query}"
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        return await run_in_threadpool(node.handle, request.method, target, headers, body)

    app.add_api_route(
        "/r1/{target:path}", serve, methods=METHODS, include_in_schema=False, name="xroad"
    )
    return app


def node_config(
    app: FastAPI,
    keystore: Keystore,
    *,
    name: str,
    host: str,
    port: int,
    log_level: str = "info",
    access_log: bool = True,
) -> uvicorn.Config:
    """A uvicorn configuration serving `app` with mutual TLS: the node's certificate, client
    certificates of the platform CA required."""
    import uvicorn

    cert, key = keystore.node_tls(name)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=access_log,
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
        ssl_keyfile_password=keystore.tls_key_password(),
        ssl_ca_certs=str(keystore.ca_certificate_path),
        ssl_cert_reqs=ssl.CERT_REQUIRED,
        timeout_keep_alive=60,
    )
