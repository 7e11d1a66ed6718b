"""The platform CA, members' signing keys, and signing and verifying messages."""

from __future__ import annotations

import base64
import datetime as dt
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from nara.core.clock import FixedClock
from nara.core.errors import Conflict, Forbidden, Invalid, NaraError, NotFound, Unauthorized
from nara.core.settings import Settings
from nara.exchange.trust import (
    Keystore,
    MemberId,
    Signature,
    Signer,
    create_root_ca,
    issue_member_certificate,
    key_id,
)

MASTER = bytes(range(32))
MOIS = MemberId.parse("KR/GOV/MOIS")
MOLIT = MemberId.parse("KR/GOV/MOLIT")
DATA = b'{"service":"KR/GOV/MOIS/residents/person-summaries/v1","person_ids":[1,2,3]}'
START = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def keystore(tmp_path: Path, clock: FixedClock) -> Keystore:
    store = Keystore(tmp_path / "keys", MASTER, clock=clock)
    store.create_ca()
    store.rotate(MOIS)
    return store


def refused_code(error: pytest.ExceptionInfo[NaraError]) -> str:
    assert isinstance(error.value, Unauthorized)
    return error.value.code


def test_the_ca_is_a_self_signed_p256_certificate_authority(keystore: Keystore) -> None:
    ca = keystore.ca_certificate
    ca.verify_directly_issued_by(ca)
    assert isinstance(ca.public_key(), ec.EllipticCurvePublicKey)
    assert isinstance(ca.public_key().curve, ec.SECP256R1)  # type: ignore[union-attr]
    constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and not usage.digital_signature
    assert (keystore.directory / "ca.pem").exists()


def test_the_ca_is_created_once(keystore: Keystore) -> None:
    with pytest.raises(Conflict, match="ca_exists"):
        keystore.create_ca()
    assert keystore.ensure_ca() == keystore.ca_certificate


def test_member_certificates_chain_to_the_ca(keystore: Keystore) -> None:
    [issued] = keystore.certificates(MOIS)
    certificate = issued.certificate
    certificate.verify_directly_issued_by(keystore.ca_certificate)
    subject = certificate.subject
    assert subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == "KR/GOV/MOIS"
    assert subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER)[0].value == "MOIS"
    assert subject.get_attributes_for_oid(x509.NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "GOV"
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and not usage.key_cert_sign
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert issued.not_after - START == dt.timedelta(days=730)
    assert issued.active and issued.trusted
    assert issued.key_id == key_id(certificate) == issued.fingerprint[:32]


def test_sign_and_verify(keystore: Keystore) -> None:
    signature = keystore.sign(MOIS, DATA)
    assert signature.key_id == keystore.active_signer(MOIS).key_id
    keystore.verify(MOIS, DATA, signature)
    keystore.verify(MOIS, DATA, signature.to_wire())


def test_the_wire_form(keystore: Keystore) -> None:
    signature = keystore.sign(MOIS, DATA)
    wire = signature.to_wire()
    kid, _, value = wire.partition(".")
    assert kid == signature.key_id and len(kid) == 32 and len(value) == 86 and len(wire) == 119
    assert base64.urlsafe_b64decode(value + "==") == signature.value
    assert Signature.from_wire(wire) == signature
    for bad in ("", "x", wire + "A", wire[:-1], wire.replace(".", "!"), wire.upper()):
        with pytest.raises(Invalid, match="signature_malformed"):
            Signature.from_wire(bad)


def test_a_keystore_reopened_from_disk_verifies_and_signs(
    keystore: Keystore, clock: FixedClock
) -> None:
    signature = keystore.sign(MOIS, DATA)
    reopened = Keystore(keystore.directory, MASTER, clock=clock)
    reopened.verify(MOIS, DATA, signature)
    assert reopened.active_signer(MOIS).key_id == signature.key_id
    keystore.verify(MOIS, DATA, reopened.sign(MOIS, DATA))


def test_a_one_byte_change_is_refused(keystore: Keystore) -> None:
    signature = keystore.sign(MOIS, DATA)
    for i in (0, len(DATA) // 2, len(DATA) - 1):
        changed = bytearray(DATA)
        changed[i] ^= 0x01
        with pytest.raises(Unauthorized) as caught:
            keystore.verify(MOIS, bytes(changed), signature)
        assert refused_code(caught) == "signature_invalid"
    for i in (0, 31, 32, 63):
        value = bytearray(signature.value)
        value[i] ^= 0x01
        with pytest.raises(Unauthorized) as caught:
            keystore.verify(MOIS, DATA, Signature(signature.key_id, bytes(value)))
        assert refused_code(caught) == "signature_invalid"
    with pytest.raises(Unauthorized, match="signature_invalid"):
        keystore.verify(MOIS, DATA, Signature(signature.key_id, bytes(64)))
    with pytest.raises(Unauthorized, match="signature_invalid"):
        keystore.verify(MOIS, DATA, Signature(signature.key_id, signature.value[:-1]))


def test_an_unknown_key_is_refused(keystore: Keystore) -> None:
    signature = keystore.sign(MOIS, DATA)
    keystore.rotate(MOLIT)
    for member, kid in [(MOIS, "0" * 32), (MOLIT, signature.key_id), (MOIS, "../../../ca")]:
        with pytest.raises(Unauthorized) as caught:
            keystore.verify(member, DATA, Signature(kid, signature.value))
        assert refused_code(caught) == "signature_unknown_key"


def test_a_certificate_from_a_foreign_ca_is_untrusted(
    keystore: Keystore, tmp_path: Path, clock: FixedClock
) -> None:
    foreign = Keystore(tmp_path / "foreign", MASTER, clock=clock)
    foreign.create_ca()
    foreign.rotate(MOIS)
    signature = foreign.sign(MOIS, DATA)
    [certificate] = foreign.certificates(MOIS)
    added = keystore.add_certificate(
        MOIS, certificate.certificate.public_bytes(serialization.Encoding.PEM)
    )
    assert not added.trusted
    for _ in range(2):  # the refusal is remembered, and raised again
        with pytest.raises(Unauthorized) as caught:
            keystore.verify(MOIS, DATA, signature)
        assert refused_code(caught) == "certificate_untrusted"


def test_a_certificate_of_another_member_is_untrusted(keystore: Keystore) -> None:
    keystore.rotate(MOLIT)
    signature = keystore.sign(MOLIT, DATA)
    [certificate] = keystore.certificates(MOLIT)
    keystore.add_certificate(MOIS, certificate.certificate.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(Unauthorized, match="certificate_untrusted"):
        keystore.verify(MOIS, DATA, signature)


def test_a_self_made_certificate_with_the_platform_ca_name_is_untrusted(
    keystore: Keystore,
) -> None:
    fake_ca_key, _ = create_root_ca(now=START, validity=dt.timedelta(days=10))
    member_key = ec.generate_private_key(ec.SECP256R1())
    certificate = issue_member_certificate(
        ca_key=fake_ca_key,
        ca_certificate=keystore.ca_certificate,  # same issuer name and key identifier
        member=MOIS,
        public_key=member_key.public_key(),
        now=START,
        validity=dt.timedelta(days=10),
    )
    keystore.add_certificate(MOIS, certificate.public_bytes(serialization.Encoding.PEM))
    signer = Signer(MOIS, key_id(certificate), certificate, START, member_key)
    signature = signer.sign(DATA)
    with pytest.raises(Unauthorized, match="certificate_untrusted"):
        keystore.verify(MOIS, DATA, signature)


def test_an_expired_certificate_is_refused(keystore: Keystore, clock: FixedClock) -> None:
    signature = keystore.sign(MOIS, DATA)
    [certificate] = keystore.certificates(MOIS)
    keystore.verify(MOIS, DATA, signature, at=certificate.not_after)
    clock.set(certificate.not_after + dt.timedelta(seconds=1))
    with pytest.raises(Unauthorized) as caught:
        keystore.verify(MOIS, DATA, signature)
    assert refused_code(caught) == "certificate_expired"
    # Checked on every call, though the certificate is cached.
    keystore.verify(MOIS, DATA, signature, at=START)
    with pytest.raises(Unauthorized, match="certificate_not_yet_valid"):
        keystore.verify(MOIS, DATA, signature, at=START - dt.timedelta(days=1))
    with pytest.raises(Conflict, match="signing_certificate_expired"):
        keystore.sign(MOIS, DATA)


def test_rotation_signs_with_the_new_key_and_old_signatures_still_verify(
    keystore: Keystore, clock: FixedClock
) -> None:
    old = keystore.sign(MOIS, DATA)
    clock.advance(dt.timedelta(days=365))
    rotated = keystore.rotate(MOIS)
    new = keystore.sign(MOIS, DATA)
    assert new.key_id == rotated.key_id != old.key_id
    assert keystore.active_signer(MOIS).key_id == rotated.key_id
    keystore.verify(MOIS, DATA, old)
    keystore.verify(MOIS, DATA, new)
    listed = keystore.certificates(MOIS)
    assert [c.key_id for c in listed] == [old.key_id, new.key_id]
    assert [c.active for c in listed] == [False, True]
    reopened = Keystore(keystore.directory, MASTER, clock=clock)
    assert reopened.sign(MOIS, DATA).key_id == new.key_id
    reopened.verify(MOIS, DATA, old)
    # The old certificate expires on its own date; the new one lives on.
    clock.set(listed[0].not_after + dt.timedelta(seconds=1))
    with pytest.raises(Unauthorized, match="certificate_expired"):
        keystore.verify(MOIS, DATA, old)
    keystore.verify(MOIS, DATA, new)


def test_private_keys_are_private_and_encrypted(keystore: Keystore, clock: FixedClock) -> None:
    directory = keystore.directory
    key_files = [directory / "ca.key", *directory.glob("members/KR/GOV/MOIS/*.key")]
    assert len(key_files) == 2
    for path in key_files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        text = path.read_bytes()
        assert text.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        with pytest.raises(TypeError):
            serialization.load_pem_private_key(text, password=None)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    stranger = Keystore(directory, bytes(32), clock=clock)
    with pytest.raises(Forbidden, match="keystore_locked"):
        stranger.active_signer(MOIS)
    with pytest.raises(Forbidden, match="keystore_locked"):
        stranger.rotate(MOLIT)
    # Verifying needs only certificates, which are public.
    stranger.verify(MOIS, DATA, keystore.sign(MOIS, DATA))


def test_missing_ca_and_missing_keys(tmp_path: Path, clock: FixedClock) -> None:
    store = Keystore(tmp_path / "empty", MASTER, clock=clock)
    with pytest.raises(NotFound, match="ca_missing"):
        store.rotate(MOIS)
    store.ensure_ca()
    with pytest.raises(NotFound, match="signing_key_missing"):
        store.sign(MOIS, DATA)
    assert store.certificates(MOIS) == []


def test_the_keystore_from_settings(tmp_path: Path, clock: FixedClock) -> None:
    settings = Settings(
        exchange_keys_dir=tmp_path / "settings-keys",
        exchange_cert_validity_days=30,
        exchange_ca_validity_days=60,
    )
    store = Keystore.from_settings(settings, MASTER, clock=clock)
    store.ensure_ca()
    issued = store.rotate(MOIS)
    assert issued.not_after - START == dt.timedelta(days=30)
    assert store.ca_certificate.not_valid_after_utc - START == dt.timedelta(days=60)
    assert Settings.model_fields["exchange_keys_dir"].default == Path("var/keys/exchange")
