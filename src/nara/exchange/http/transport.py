"""HTTPS with mutual TLS to another node: the transport of calls to agencies served elsewhere.

`HttpsTransport` sends a signed request (`Request.headers()`, its body) to
`<base URL>/r1/<service>` and rebuilds the provider's `Response` from the reply's headers and
body. Nothing in the reply is trusted here: the client (`nara.exchange.client`) accepts the
response only when the provider member's signature covers it and it answers this request, so
a reply missing headers is simply refused there. One pooled keep-alive `httpx.Client` per node
carries every call (it is thread-safe): after the first call, a request costs no TLS handshake.

`connect_peers` gives an `Exchange` a transport to each agency `NARA_EXCHANGE_PEERS` names and
this node does not serve; agencies on the same node share one connection pool.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import httpx

from nara.core.errors import Message, NaraError
from nara.exchange.http.tls import client_ssl_context, node_name
from nara.exchange.messages import (
    H_ERROR,
    H_ID,
    H_REQUEST_HASH,
    H_REQUEST_ID,
    H_SERVICE,
    H_SIGNATURE,
    H_TIMESTAMP,
    ProviderFailed,
    Request,
    Response,
    parse_instant,
)
from nara.exchange.trust.identifiers import ServiceId

if TYPE_CHECKING:
    import ssl

    from nara.core.settings import Settings
    from nara.exchange.services import CallContext, Exchange
    from nara.exchange.trust.keystore import Keystore

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class HttpsTransport:
    """Delivers requests to the node at `base_url` over HTTPS with mutual TLS."""

    def __init__(
        self,
        base_url: str,
        *,
        ssl_context: ssl.SSLContext | bool,
        timeout: float = 30.0,
        max_connections: int = 64,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(
            verify=ssl_context,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx.Limits(
                max_connections=max_connections,
                max_keepalive_connections=max_connections,
                keepalive_expiry=60.0,
            ),
            follow_redirects=False,
            trust_env=False,
        )

    def deliver(self, request: Request, ctx: CallContext) -> Response:
        try:
            reply = self._client.request(
                request.method,
                self.base_url + request.url_path,
                headers=request.headers(),
                content=request.body,
            )
        except httpx.HTTPError as error:
            raise ProviderFailed(
                "provider_unreachable",
                Message(
                    f"The node serving {request.service.subsystem} could not be reached: "
                    f"{type(error).__name__}.",
                    f"{request.service.subsystem}을(를) 제공하는 노드에 연결할 수 없습니다: "
                    f"{type(error).__name__}.",
                ),
                {"service": str(request.service)},
            ) from error
        return response_from(request, reply.status_code, reply.headers, reply.content)

    def close(self) -> None:
        self._client.close()


def response_from(request: Request, status: int, headers: httpx.Headers, body: bytes) -> Response:
    """The `Response` a reply carries; missing or malformed headers leave fields empty (the
    client's check then refuses the response as untrusted)."""
    try:
        service = ServiceId.parse(headers[H_SERVICE])
    except (KeyError, NaraError):
        service = request.service
    try:
        timestamp = parse_instant(headers[H_TIMESTAMP])
    except (KeyError, NaraError):
        timestamp = _EPOCH
    return Response(
        status=status,
        service=service,
        message_id=headers.get(H_ID, ""),
        request_hash=headers.get(H_REQUEST_HASH, ""),
        timestamp=timestamp,
        body=body,
        request_id=headers.get(H_REQUEST_ID, ""),
        error_type=headers.get(H_ERROR, ""),
        signature=headers.get(H_SIGNATURE, ""),
    )


def connect_peers(
    exchange: Exchange, settings: Settings, keystore: Keystore, *, name: str | None = None
) -> dict[str, HttpsTransport]:
    """Give `exchange` an HTTPS transport to each peer agency it does not serve itself.

    The client TLS context presents this node's certificate (`node_tls(name)`, by default the
    host name's); it is made only when there is a peer to call. Returns the new transports.
    """
    peers = {
        agency: url
        for agency, url in settings.exchange_peers.items()
        if not exchange.serves_locally(agency)
    }
    if not peers:
        return {}
    context = client_ssl_context(keystore, node_name(name))
    pools: dict[str, HttpsTransport] = {}
    added: dict[str, HttpsTransport] = {}
    for agency, url in sorted(peers.items()):
        key = url.rstrip("/")
        transport = pools.get(key)
        if transport is None:
            transport = pools[key] = HttpsTransport(key, ssl_context=context)
        exchange.transports[agency] = transport
        added[agency] = transport
    return added
