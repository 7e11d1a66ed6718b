"""Mutual TLS between exchange nodes: every node holds a certificate of the platform CA.

A node's listener (`nara serve --node`) requires a client certificate issued by the platform
CA; a node calling another verifies the server's certificate against the same CA (and its host
name against the certificate's names) and presents its own. The certificate and key come from
the keystore (`Keystore.node_tls`); the key file stays encrypted with the keystore passphrase.
Contexts are built once per process and shared: connections are kept alive, so the handshake
and the certificate parsing happen once per connection, not per request.
"""

from __future__ import annotations

import socket
import ssl

from nara.exchange.trust.keystore import Keystore


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
