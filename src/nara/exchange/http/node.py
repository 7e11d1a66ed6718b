"""The provider side of a node, served on its mutual-TLS listener (`nara serve --node`).

`POST|GET|... /r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICE}[/rest]` with the headers of
`nara.exchange.messages` is read into a `Request` and answered by the `Gateway` in a unit of
work of its own: the signed response (an answer or a refusal) is returned with its status,
X-Road headers and body once the exchange is logged and committed. A request that cannot be
read (a missing or malformed header, a bad path) is answered with an unsigned X-Road error
(`400`, `X-Road-Error: Client.<Code>`); a service of an agency this node does not serve with
`404` `Server.ServerProxy.ServiceUnknown`. The mutual-TLS handshake has already proved that the
caller is a node of the platform; the gateway then checks the member's signature.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import TYPE_CHECKING

import structlog
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as HttpRequest
from starlette.responses import Response as HttpResponse

from nara.core.db import unit_of_work
from nara.core.errors import Message, NaraError, NotFound
from nara.exchange.gateway import Gateway
from nara.exchange.http.wire import (
    client_of,
    error_response,
    message_id_of,
    reply,
    required,
    service_of_path,
)
from nara.exchange.messages import (
    H_CLIENT,
    H_ID,
    H_ISSUE,
    H_SIGNATURE,
    H_TIMESTAMP,
    H_USER,
    Issue,
    Request,
    parse_instant,
)

if TYPE_CHECKING:
    import uvicorn
    from sqlalchemy.orm import Session, sessionmaker

    from nara.core.clock import Clock
    from nara.core.pii import PiiCipher
    from nara.exchange.services import Exchange
    from nara.exchange.trust.keystore import Keystore

log = structlog.get_logger("nara.exchange.node")

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


class _Failed(NaraError):
    status = 500


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

    def read(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Request:
        """The request a message carries, or a 400 `NaraError` naming what is wrong."""
        service, rest = service_of_path(path)
        return Request(
            service=service,
            client=client_of(headers, H_CLIENT),
            message_id=message_id_of(required(headers, H_ID)),
            user_id=headers.get(H_USER, ""),
            issue=Issue.parse(required(headers, H_ISSUE)),
            timestamp=parse_instant(required(headers, H_TIMESTAMP)),
            body=body,
            method=method,
            path=rest,
            signature=headers.get(H_SIGNATURE, ""),
        )

    def handle(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> HttpResponse:
        message_id = headers.get(H_ID, "")
        try:
            request = self.read(method, path, headers, body)
            agency = request.service.subsystem.subsystem_code
            if not self.exchange.serves_locally(agency):
                raise NotFound(
                    "service_unknown",
                    Message(
                        f"This node does not serve the agency {agency}.",
                        f"이 노드는 {agency} 기관을 제공하지 않습니다.",
                    ),
                    {"service": str(request.service)},
                )
        except NaraError as error:
            return error_response(error, message_id)
        try:
            with unit_of_work(self.session_factory) as session:
                response = self.gateway.serve(request, session, self.clock, self.cipher)
        except Exception:
            log.exception("exchange_node_failed", service=str(request.service))
            failure = _Failed(
                "provider_failed",
                Message("The provider failed to answer.", "제공기관이 응답하지 못했습니다."),
            )
            return error_response(failure, message_id)
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
        body = await request.body()
        return await run_in_threadpool(
            node.handle, request.method, request.url.path, request.headers, body
        )

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
