"""Nodes' TLS certificates from the platform CA, and the TLS contexts of mutual TLS."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from nara.core.clock import FixedClock
from nara.exchange.http.tls import client_ssl_context, node_name, server_ssl_context
from nara.exchange.trust import Keystore
from nara.exchange.trust.platform_keys import TLS_RENEW_BEFORE

MASTER = bytes(range(32))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime.now(dt.UTC))


@pytest.fixture
def keystore(tmp_path: Path, clock: FixedClock) -> Keystore:
    return Keystore(
        tmp_path / "keys", MASTER, clock=clock, certificate_validity=dt.timedelta(days=30)
    )


def test_a_node_certificate_serves_both_ends_of_mutual_tls(keystore: Keystore) -> None:
    cert_path, key_path = keystore.node_tls("node-a.example")

    assert cert_path == keystore.directory / "nodes" / "node-a.example" / "tls.pem"
    assert key_path == cert_path.with_name("tls.key")
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    certificate.verify_directly_issued_by(keystore.ca_certificate)
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(usage) == {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH}
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(names.get_values_for_type(x509.DNSName)) == {"localhost", "node-a.example"}
    assert ipaddress.ip_address("127.0.0.1") in names.get_values_for_type(x509.IPAddress)
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_the_node_key_is_private_and_encrypted(keystore: Keystore) -> None:
    _, key_path = keystore.node_tls("node-a")

    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    serialization.load_pem_private_key(
        key_path.read_bytes(), password=keystore.tls_key_password().encode()
    )


def test_the_certificate_is_made_once_and_renewed_near_its_expiry(
    keystore: Keystore, clock: FixedClock
) -> None:
    cert_path, _ = keystore.node_tls("node-a")
    first = cert_path.read_bytes()

    assert keystore.node_tls("node-a")[0].read_bytes() == first
    clock.advance(dt.timedelta(days=30) - TLS_RENEW_BEFORE + dt.timedelta(hours=1))
    assert keystore.node_tls("node-a")[0].read_bytes() != first


@pytest.mark.parametrize("name", ["", "..", "a/b", "-x", "nodes/../ca"])
def test_a_node_name_is_a_host_name(keystore: Keystore, name: str) -> None:
    with pytest.raises(ValueError, match="node name"):
        keystore.node_tls(name)


def test_the_contexts_require_and_present_certificates(keystore: Keystore) -> None:
    server = server_ssl_context(keystore, "node-a")
    client = client_ssl_context(keystore, "node-b")

    assert server.verify_mode == ssl.CERT_REQUIRED
    assert client.verify_mode == ssl.CERT_REQUIRED and client.check_hostname
    assert node_name("Node-A.Example ") == "node-a.example"
