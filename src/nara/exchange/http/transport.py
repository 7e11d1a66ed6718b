"""HTTPS with mutual TLS to another node: the transport of calls to agencies served elsewhere.

`HttpsTransport` sends a signed request (its method, target, the client's headers and the
client node's signature headers, its body) to `<base URL><target>` and rebuilds the provider's
`Response` from the reply. Nothing in the reply is trusted here: the client
(`nara.exchange.client`) accepts it only when the provider member's signature covers it and it
answers this request. One pooled keep-alive `httpx.Client` per node carries every call (it is
thread-safe): after the first call, a request costs no TLS handshake.

A node that cannot be reached is an `ExchangeError` (`Server.ClientProxy.NetworkError`) whose
`cause` names why — `name_resolution`, `connection_refused`, `untrusted_certificate`,
`tls_handshake`, `timeout`, `connection_lost`, `network` — in the error the caller gets and in
this node's log.

`connect_peers` gives an `Exchange` a transport to each agency `NARA_EXCHANGE_PEERS` names and
this node does not serve; agencies on the same node share one connection pool.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

import httpx
import structlog

from nara.core.errors import NaraError
from nara.exchange import errors
from nara.exchange.errors import ExchangeError, refused
from nara.exchange.http.tls import client_ssl_context, node_name
from nara.exchange.messages import H_SIGNATURE, H_SIGNED_AT, Request, Response

if TYPE_CHECKING:
    from nara.core.settings import Settings
    from nara.exchange.services import CallContext, Exchange
    from nara.exchange.trust.keystore import Keystore

log = structlog.get_logger("nara.exchange.transport")

CAUSES: Final = {
    "name_resolution": ("the node's name could not be resolved", "노드 이름을 찾을 수 없습니다"),
    "connection_refused": ("the node refused the connection", "노드가 연결을 거부했습니다"),
    "untrusted_certificate": (
        "the node's certificate is not one the platform CA issued for that name",
        "노드의 인증서가 플랫폼 인증기관이 그 이름으로 발급한 것이 아닙니다",
    ),
    "tls_handshake": (
        "the TLS handshake failed (the node may not accept this node's certificate)",
        "TLS 연결 설정에 실패했습니다 (상대 노드가 이 노드의 인증서를 받지 않을 수 있습니다)",
    ),
    "timeout": ("the node did not answer in time", "노드가 제시간에 응답하지 않았습니다"),
    "connection_lost": ("the connection was lost", "연결이 끊어졌습니다"),
    "network": ("a network error occurred", "네트워크 오류가 발생했습니다"),
    "node_certificate": (
        "this node has no TLS certificate yet",
        "이 노드에 아직 TLS 인증서가 없습니다",
    ),
}


def failure_cause(error: BaseException) -> str:  # noqa: PLR0911  (one answer per cause)
    """Why a call to a node failed, from the exception chain of an `httpx` error."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    for item in seen:
        if isinstance(item, ssl.SSLCertVerificationError):
            return "untrusted_certificate"
        if isinstance(item, socket.gaierror):
            return "name_resolution"
        if isinstance(item, ConnectionRefusedError):
            return "connection_refused"
    for item in seen:
        if isinstance(item, ssl.SSLError):
            return "tls_handshake"
        if isinstance(item, httpx.TimeoutException | TimeoutError):
            return "timeout"
        if isinstance(item, httpx.RemoteProtocolError | ConnectionResetError):
            return "connection_lost"
    text = " ".join(str(item) for item in seen).lower()
    if "name or service not known" in text or "name resolution" in text:
        return "name_resolution"
    if "connection refused" in text:
        return "connection_refused"
    if "certificate verify failed" in text:
        return "untrusted_certificate"
    return "network"


class HttpsTransport:
    """Delivers requests to the node at `base_url` over HTTPS with mutual TLS."""

    def __init__(
        self,
        base_url: str,
        *,
        ssl_context: ssl.SSLContext | bool | Callable[[], ssl.SSLContext],
        timeout: float = 30.0,
        max_connections: int = 64,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._context = ssl_context
        self._timeout = timeout
        self._max_connections = max_connections
        self._lock = threading.Lock()
        self._http: httpx.Client | None = None

    @property
    def _client(self) -> httpx.Client:
        """The pooled client, made on first use (the node's certificate is read then: a node
        that has not installed one yet can start, and learns of it at its first call)."""
        if self._http is None:
            with self._lock:
                if self._http is None:
                    context = self._context() if callable(self._context) else self._context
                    self._http = httpx.Client(
                        verify=context,
                        timeout=httpx.Timeout(self._timeout, connect=min(self._timeout, 10.0)),
                        limits=httpx.Limits(
                            max_connections=self._max_connections,
                            max_keepalive_connections=self._max_connections,
                            keepalive_expiry=60.0,
                        ),
                        follow_redirects=False,
                        trust_env=False,
                    )
        return self._http

    def deliver(self, request: Request, ctx: CallContext) -> Response:
        try:
            client = self._client
        except NaraError as error:
            raise refused(
                errors.CLIENT_PROXY_NETWORK,
                "provider_unreachable",
                f"This node cannot call {self.base_url}: {error.message.en}",
                f"이 노드는 {self.base_url}을(를) 호출할 수 없습니다: {error.message.ko}",
                nara_status=502,
                cause="node_certificate",
                peer=self.base_url,
            ) from None
        try:
            reply = client.request(
                request.method,
                self.base_url + request.target,
                headers=request.wire_headers(),
                content=request.body,
            )
        except httpx.HTTPError as error:
            raise self.unreachable(request, error) from error
        return response_from(reply.status_code, reply.headers.multi_items(), reply.content)

    def unreachable(self, request: Request, error: BaseException) -> ExchangeError:
        cause = failure_cause(error)
        en, ko = CAUSES[cause]
        log.warning(
            "exchange_peer_unreachable",
            peer=self.base_url,
            cause=cause,
            service=request.target[:200],
            message_id=request.message_id,
            error=f"{type(error).__name__}: {error}"[:300],
        )
        return refused(
            errors.CLIENT_PROXY_NETWORK,
            "provider_unreachable",
            f"The node {self.base_url} serving {request.service.subsystem} could not be "
            f"reached: {en}.",
            f"{request.service.subsystem}을(를) 제공하는 노드 {self.base_url}에 연결할 수 "
            f"없습니다: {ko}.",
            nara_status=502,
            cause=cause,
            peer=self.base_url,
        )

    def close(self) -> None:
        if self._http is not None:
            self._http.close()


def response_from(status: int, headers: list[tuple[str, str]], body: bytes) -> Response:
    """The `Response` a reply carries: its headers (lower-cased) less the signature headers,
    which become its signature (missing ones leave it unsigned, and so untrusted)."""
    signed_at = signature = ""
    kept: list[tuple[str, str]] = []
    for name, value in headers:
        lowered = name.lower()
        if lowered == H_SIGNED_AT:
            signed_at = value
        elif lowered == H_SIGNATURE:
            signature = value
        elif lowered not in {"content-length", "date", "server", "connection", "transfer-encoding"}:
            kept.append((lowered, value))
    return Response(status, tuple(kept), body, signed_at=signed_at, signature=signature)


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
    name = node_name(name or settings.exchange_node_name)

    def context() -> ssl.SSLContext:
        return client_ssl_context(keystore, name)

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
