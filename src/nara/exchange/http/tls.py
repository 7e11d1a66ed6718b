"""TLS of the exchange: mutual TLS between nodes, and client certificates of information systems.

A node's listener (`nara serve --node`) requires a client certificate issued by the platform
CA; a node calling another verifies the server's certificate against the same CA (and its host
name against the certificate's names) and presents its own. The certificate and key come from
the keystore (`Keystore.node_tls`); the key file stays encrypted with the keystore passphrase.
Contexts are built once per process and shared: connections are kept alive, so the handshake
and the certificate parsing happen once per connection, not per request.

An information system may call `/r1` presenting a client certificate the platform CA issued
for its subsystem (PR-REST 4.7's recommendation; `nara exchange client-cert sign`), when the
platform is served over HTTPS (`nara serve --tls`): the certificate then names the calling
subsystem, and no token is needed. uvicorn does not pass the peer's certificate to the
application, so `TlsH11Protocol` adds it to each request's scope as the ASGI TLS extension
describes (`scope["extensions"]["tls"]["client_cert_chain"]`, PEM).
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from uvicorn.protocols.http.h11_impl import H11Protocol

from nara.core.errors import NaraError
from nara.exchange.trust.ca import INFORMATION_SYSTEM
from nara.exchange.trust.identifiers import SubsystemId
from nara.exchange.trust.keystore import Keystore

Scope = MutableMapping[str, Any]
Asgi = Callable[[Scope, Any, Any], Awaitable[None]]


def node_name(name: str | None = None) -> str:
    """The name of this node: `name` when given, else the host name (lowercase)."""
    return (name or socket.gethostname()).strip().lower()


def server_ssl_context(keystore: Keystore, name: str) -> ssl.SSLContext:
    """The listener's context: TLS 1.2+, this node's certificate, client certificates required."""
    cert, key = keystore.node_tls(name)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key, password=keystore.tls_key_password())
    context.load_verify_locations(cafile=keystore.ca_certificate_path)
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def client_ssl_context(keystore: Keystore, name: str) -> ssl.SSLContext:
    """The calling side's context: verify the peer against the platform CA, present our cert."""
    cert, key = keystore.node_tls(name)
    context = ssl.create_default_context(
        ssl.Purpose.SERVER_AUTH, cafile=str(keystore.ca_certificate_path)
    )
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key, password=keystore.tls_key_password())
    return context


def peer_certificate(scope: Scope) -> x509.Certificate | None:
    """The client certificate the TLS layer verified for this request, if any."""
    tls = scope.get("extensions", {}).get("tls") or {}
    chain = tls.get("client_cert_chain") or []
    if not chain:
        return None
    return x509.load_pem_x509_certificate(str(chain[0]).encode())


def certificate_subject(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def subsystem_of_certificate(  # noqa: PLR0911  (one reason per refusal)
    certificate: x509.Certificate, ca_certificate: x509.Certificate, now: dt.datetime
) -> SubsystemId | None:
    """The subsystem a client certificate was issued for by the platform CA, or None when it
    is not such a certificate (another issuer, not for client authentication, not a
    subsystem's, outside its validity)."""
    try:
        certificate.verify_directly_issued_by(ca_certificate)
    except (ValueError, TypeError, InvalidSignature):
        return None
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        return None
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return None
    if ExtendedKeyUsageOID.CLIENT_AUTH not in usage:
        return None
    units = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    if not units or units[0].value != INFORMATION_SYSTEM:
        return None
    try:
        return SubsystemId.parse(certificate_subject(certificate))
    except NaraError:
        return None


def web_tls_options(keystore: Keystore, name: str) -> dict[str, Any]:
    """uvicorn options serving the platform over HTTPS with the node's certificate, asking
    for (not requiring) a client certificate of the platform CA, which reaches `/r1`."""
    cert, key = keystore.node_tls(name)
    return {
        "ssl_certfile": str(cert),
        "ssl_keyfile": str(key),
        "ssl_keyfile_password": keystore.tls_key_password(),
        "ssl_ca_certs": str(keystore.ca_certificate_path),
        "ssl_cert_reqs": ssl.CERT_OPTIONAL,
        "http": TlsH11Protocol,
    }


class TlsH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, adding the peer's verified certificate to each request's scope."""

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        if not der:
            return
        pem = ssl.DER_cert_to_PEM_cert(der)
        app: Asgi = self.app

        async def with_peer(scope: Scope, receive: Any, send: Any) -> None:
            if scope.get("type") == "http":
                extensions = dict(scope.get("extensions") or {})
                extensions["tls"] = {"client_cert_chain": [pem]}
                scope = {**scope, "extensions": extensions}
            await app(scope, receive, send)

        self.app = with_peer
