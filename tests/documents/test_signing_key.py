"""The platform's document-signing key and certificate, issued by the platform CA."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from nara.core.clock import FixedClock
from nara.core.errors import Conflict
from nara.exchange.trust import Keystore
from nara.exchange.trust.ca import DOCUMENT_SIGNER_NAME

MASTER = bytes(range(32))


def test_the_document_signing_certificate_is_for_signatures_and_non_repudiation(
    tmp_path: Path, clock: FixedClock
) -> None:
    keystore = Keystore(tmp_path / "keys", MASTER, clock=clock)
    key, certificate = keystore.document_signing_key()

    certificate.verify_directly_issued_by(keystore.ca_certificate)
    assert key.public_key() == certificate.public_key()
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert names[0].value == DOCUMENT_SIGNER_NAME
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    # Kept encrypted on disk, and the same key is found again by another keystore.
    stored = (tmp_path / "keys" / "documents.key").read_bytes()
    assert b"ENCRYPTED" in stored
    again = Keystore(tmp_path / "keys", MASTER, clock=clock).document_signing_key()
    assert again[1] == certificate
    # The time-stamping key is a different one.
    assert keystore.time_stamping_key()[1] != certificate


def test_a_document_signing_key_that_does_not_match_its_certificate_is_refused(
    tmp_path: Path, clock: FixedClock
) -> None:
    keystore = Keystore(tmp_path / "keys", MASTER, clock=clock)
    keystore.document_signing_key()
    keystore.time_stamping_key()
    tsa_key = (tmp_path / "keys" / "tsa.key").read_bytes()
    (tmp_path / "keys" / "documents.key").write_bytes(tsa_key)

    with pytest.raises(Conflict) as raised:
        Keystore(tmp_path / "keys", MASTER, clock=clock).document_signing_key()
    assert raised.value.code == "document_signing_key_mismatch"
