"""The file-based keystore of the exchange: the platform CA and the members' signing keys.

Layout under the keys directory (`NARA_EXCHANGE_KEYS_DIR`, mode 0700)::

    ca.key                                    the CA's private key (mode 0600)
    ca.pem                                    the CA's certificate
    members/<INSTANCE>/<CLASS>/<MEMBER>/
        <key id>.key                          a signing key (mode 0600)
        <key id>.pem                          its certificate
        active                                the key id new signatures use
    tsa.key                                   the local time-stamping authority's key (0600)
    tsa.pem                                   its certificate (EKU timeStamping), from the CA
    documents.key                             the key that signs issued documents (0600)
    documents.pem                             its certificate (digitalSignature, nonRepudiation)
    nodes/<node name>/
        tls.key                               the node's TLS key (mode 0600, encrypted too)
        tls.pem                               its certificate (serverAuth + clientAuth)

Private keys are PKCS#8 PEM encrypted with `BestAvailableEncryption`; the passphrase is derived
from the PII master key with HKDF-SHA-256 (info `nara/exchange/keystore/v1`), so the keystore
is unreadable without that key (the node's TLS key too: the TLS contexts and uvicorn are given
the passphrase, `tls_key_password`, as `ssl_keyfile_password`). `rotate` issues a new key and
certificate and makes it the active one; earlier certificates stay, and verify earlier
signatures until they expire.

Loaded keys and parsed certificates are cached in memory. A certificate's chain to the CA,
its subject and its key usage are checked once, when it is first loaded; its validity period
is checked on every verification. One process rotating a member's key is seen by another
`Keystore` once that one is recreated (verification of the new key id works at once: an
unknown key id is looked up on disk).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from nara.core.clock import Clock
from nara.core.errors import Conflict, Message, NotFound
from nara.core.settings import Settings
from nara.exchange.trust.ca import (
    common_name,
    fingerprint,
    issue_client_certificate,
    issue_member_certificate,
    issue_tls_certificate,
    key_id,
    new_key,
)
from nara.exchange.trust.identifiers import MemberId, SubsystemId
from nara.exchange.trust.platform_keys import NODE_NAME, PlatformKeys
from nara.exchange.trust.signatures import KEY_ID, RAW_SIGNATURE_BYTES, Signature, refused

_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())
_HALF = RAW_SIGNATURE_BYTES // 2


@dataclass(frozen=True)
class MemberCertificate:
    """One of a member's signing certificates, as the keystore holds it."""

    member: MemberId
    key_id: str
    fingerprint: str
    certificate: x509.Certificate
    not_before: dt.datetime
    not_after: dt.datetime
    active: bool
    trusted: bool


@dataclass(frozen=True)
class Signer:
    """A member's active signing key with its certificate."""

    member: MemberId
    key_id: str
    certificate: x509.Certificate
    not_after: dt.datetime
    key: ec.EllipticCurvePrivateKey = field(repr=False)

    def sign(self, data: bytes) -> Signature:
        r, s = decode_dss_signature(self.key.sign(data, _ECDSA_SHA256))
        return Signature(self.key_id, r.to_bytes(_HALF, "big") + s.to_bytes(_HALF, "big"))


@dataclass(frozen=True, slots=True)
class _Entry:
    """A parsed certificate, checked once: `refusal` says why it is not trusted, if it is not."""

    certificate: x509.Certificate
    public_key: ec.EllipticCurvePublicKey | None
    not_before: dt.datetime
    not_after: dt.datetime
    refusal: tuple[str, str, str] | None


class Keystore(PlatformKeys):
    """The platform CA and members' signing keys, in a directory, cached in memory."""

    @classmethod
    def from_settings(cls, settings: Settings, master_key: bytes, *, clock: Clock) -> Keystore:
        return cls(
            settings.exchange_keys_dir,
            master_key,
            clock=clock,
            certificate_validity=dt.timedelta(days=settings.exchange_cert_validity_days),
            ca_validity=dt.timedelta(days=settings.exchange_ca_validity_days),
            may_create_ca=settings.exchange_ca_holder,
        )

    # -- members' keys ------------------------------------------------------------------------

    def rotate(self, member: MemberId) -> MemberCertificate:
        """Issue a new signing key and certificate for `member` and make it the active one."""
        key = new_key()
        certificate = self.issue_certificate("member", str(member), key.public_key())
        return self.install_signer(member, key, certificate)

    def install_signer(
        self, member: MemberId, key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate
    ) -> MemberCertificate:
        """Keep a key and its certificate (issued by the CA, for `member`) as the member's
        active signing key; refused (`certificate_untrusted`) for any other certificate."""
        with self._lock:
            kid = key_id(certificate)
            entry = self._check(member, kid, certificate)
            if entry.refusal is not None:
                raise refused(*entry.refusal, key_id=kid)
            if entry.public_key is None or key.public_key() != entry.public_key:
                raise Conflict(
                    "signing_key_mismatch",
                    Message(
                        f"The certificate {kid} of {member} is not for this key.",
                        f"{member} 기관의 인증서 {kid}는 이 키의 인증서가 아닙니다.",
                    ),
                )
            directory = self._member_directory(member)
            self._make_directory(directory)
            key_path = directory / f"{kid}.key"
            if not key_path.exists():
                self._write_key(key_path, key)
            self._write_certificate(directory / f"{kid}.pem", certificate)
            temporary = directory / f".active.{os.getpid()}.{threading.get_ident()}"
            temporary.write_text(kid + "\n")
            temporary.replace(directory / "active")
            self._entries[(member, kid)] = entry
            self._signers[member] = Signer(member, kid, certificate, entry.not_after, key)
            return self._describe(member, kid, entry, active=True)

    def issue_certificate(
        self, kind: str, name: str, public_key: ec.EllipticCurvePublicKey
    ) -> x509.Certificate:
        """A certificate of the platform CA (held here) for a key made elsewhere or here:
        `member` (a member's signing key; `name` its id), `node` (a node's TLS key; `name` its
        host name) or `client` (an information system's TLS key; `name` its subsystem)."""
        with self._lock:
            ca_key = self._ca_private_key()
            ca_certificate = self._trust_anchor()[0]
            now = self._clock.now()
            validity = self._certificate_validity
            if kind == "member":
                return issue_member_certificate(
                    ca_key=ca_key,
                    ca_certificate=ca_certificate,
                    member=MemberId.parse(name),
                    public_key=public_key,
                    now=now,
                    validity=validity,
                )
            if kind == "node":
                if not NODE_NAME.fullmatch(name) or ".." in name:
                    raise ValueError(f"{name!r} is not a node name (a host name)")
                return issue_tls_certificate(
                    ca_key=ca_key,
                    ca_certificate=ca_certificate,
                    public_key=public_key,
                    name=name,
                    now=now,
                    validity=validity,
                )
            if kind == "client":
                return issue_client_certificate(
                    ca_key=ca_key,
                    ca_certificate=ca_certificate,
                    subsystem=SubsystemId.parse(name),
                    public_key=public_key,
                    now=now,
                    validity=validity,
                )
            raise ValueError(f"unknown kind of certificate {kind!r}")

    def active_signer(self, member: MemberId) -> Signer:
        """The key `member` signs with now (the one the latest rotation made)."""
        signer = self._signers.get(member)
        if signer is None:
            signer = self._load_signer(member)
            self._signers[member] = signer
        return signer

    def ensure_signer(self, member: MemberId) -> Signer:
        """`member`'s active key, issuing its first one (and the CA) when it has none."""
        try:
            return self.active_signer(member)
        except NotFound:
            self.ensure_ca()
            self.rotate(member)
            return self.active_signer(member)

    def _load_signer(self, member: MemberId) -> Signer:
        directory = self._member_directory(member)
        try:
            kid = (directory / "active").read_text().strip()
        except FileNotFoundError:
            kid = ""
        if not KEY_ID.fullmatch(kid):
            raise NotFound(
                "signing_key_missing",
                Message(
                    f"The member {member} has no signing key.",
                    f"{member} 기관에 서명 키가 없습니다.",
                ),
            )
        entry = self._entry(member, kid)
        if entry.refusal is not None:
            raise refused(*entry.refusal, key_id=kid)
        key = self._read_key(directory / f"{kid}.key")
        if entry.public_key is None or key.public_key() != entry.public_key:
            raise Conflict(
                "signing_key_mismatch",
                Message(
                    f"The signing key {kid} of {member} does not match its certificate.",
                    f"{member} 기관의 서명 키 {kid}가 인증서와 맞지 않습니다.",
                ),
            )
        return Signer(member, kid, entry.certificate, entry.not_after, key)

    def certificates(self, member: MemberId) -> list[MemberCertificate]:
        """Every certificate the keystore holds for `member`, oldest first."""
        directory = self._member_directory(member)
        if not directory.is_dir():
            return []
        try:
            active = (directory / "active").read_text().strip()
        except FileNotFoundError:
            active = ""
        found = []
        for path in directory.glob("*.pem"):
            if KEY_ID.fullmatch(path.stem):
                entry = self._entry(member, path.stem)
                found.append(self._describe(member, path.stem, entry, active=path.stem == active))
        return sorted(found, key=lambda c: (c.not_before, c.key_id))

    def add_certificate(self, member: MemberId, pem: bytes) -> MemberCertificate:
        """Keep another node's certificate for `member`, to verify that member's signatures.

        Trust is decided when a signature is verified: a certificate that does not chain to the
        platform CA is kept but never accepted.
        """
        certificate = x509.load_pem_x509_certificate(pem)
        kid = key_id(certificate)
        directory = self._member_directory(member)
        with self._lock:
            self._make_directory(directory)
            path = directory / f"{kid}.pem"
            if not path.exists():
                self._write_certificate(path, certificate)
            self._entries.pop((member, kid), None)
        return self._describe(member, kid, self._entry(member, kid), active=False)

    # -- signing and verifying ----------------------------------------------------------------

    def sign(self, member: MemberId, data: bytes) -> Signature:
        """`member`'s signature of `data` with its active key."""
        signer = self.active_signer(member)
        if self._clock.now() > signer.not_after:
            raise Conflict(
                "signing_certificate_expired",
                Message(
                    f"The signing certificate {signer.key_id} of {member} has expired; "
                    "rotate the member's key.",
                    f"{member} 기관의 서명 인증서 {signer.key_id}가 만료되었습니다. "
                    "키를 교체하십시오.",
                ),
            )
        return signer.sign(data)

    def verify(
        self,
        member: MemberId,
        data: bytes,
        signature: Signature | str,
        *,
        at: dt.datetime | None = None,
    ) -> None:
        """Accept `signature` as `member`'s signature of `data` at `at` (now), or raise.

        Raises `Unauthorized` with code `signature_unknown_key` (no such key of the member),
        `certificate_untrusted` (not issued by the platform CA to this member for signing),
        `certificate_expired` / `certificate_not_yet_valid` (outside its validity at `at`) or
        `signature_invalid`; `Invalid` `signature_malformed` for a bad wire form.
        """
        if isinstance(signature, str):
            signature = Signature.from_wire(signature)
        entry = self._entry(member, signature.key_id)
        if entry.refusal is not None:
            raise refused(*entry.refusal, key_id=signature.key_id)
        instant = self._clock.now() if at is None else at
        if instant > entry.not_after:
            raise refused(
                "certificate_expired",
                f"The certificate {signature.key_id} of {member} expired on "
                f"{entry.not_after.isoformat()}.",
                f"{member} 기관의 인증서 {signature.key_id}는 {entry.not_after.isoformat()}에 "
                "만료되었습니다.",
                key_id=signature.key_id,
            )
        if instant < entry.not_before:
            raise refused(
                "certificate_not_yet_valid",
                f"The certificate {signature.key_id} of {member} is valid only from "
                f"{entry.not_before.isoformat()}.",
                f"{member} 기관의 인증서 {signature.key_id}는 {entry.not_before.isoformat()}부터 "
                "유효합니다.",
                key_id=signature.key_id,
            )
        value = signature.value
        try:
            # An entry without a usable key always carries a refusal; the check keeps mypy sure.
            if entry.public_key is None or len(value) != RAW_SIGNATURE_BYTES:
                raise InvalidSignature
            der = encode_dss_signature(
                int.from_bytes(value[:_HALF], "big"), int.from_bytes(value[_HALF:], "big")
            )
            entry.public_key.verify(der, data, _ECDSA_SHA256)
        except InvalidSignature:
            raise refused(
                "signature_invalid",
                f"The signature does not match the data and the key {signature.key_id} of "
                f"{member}.",
                f"서명이 데이터 및 {member} 기관의 키 {signature.key_id}와 맞지 않습니다.",
                key_id=signature.key_id,
            ) from None

    # -- certificates, checked once -----------------------------------------------------------

    def _entry(self, member: MemberId, kid: str) -> _Entry:
        entry = self._entries.get((member, kid))
        if entry is not None:
            return entry
        pem: bytes | None = None
        if KEY_ID.fullmatch(kid):  # never a path from outside
            try:
                pem = (self._member_directory(member) / f"{kid}.pem").read_bytes()
            except FileNotFoundError:
                pem = None
        if pem is None:
            raise refused(
                "signature_unknown_key",
                f"The member {member} has no signing key {kid}.",
                f"{member} 기관에 서명 키 {kid}가 없습니다.",
                key_id=kid,
            )
        entry = self._check(member, kid, x509.load_pem_x509_certificate(pem))
        self._entries[(member, kid)] = entry
        return entry

    def _check(self, member: MemberId, kid: str, certificate: x509.Certificate) -> _Entry:
        ca_certificate, _ = self._trust_anchor()
        not_before = max(certificate.not_valid_before_utc, ca_certificate.not_valid_before_utc)
        not_after = min(certificate.not_valid_after_utc, ca_certificate.not_valid_after_utc)
        public_key = certificate.public_key()
        usable = isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(
            public_key.curve, ec.SECP256R1
        )
        refusal = _untrusted_because(member, kid, certificate, ca_certificate, usable=usable)
        return _Entry(
            certificate,
            public_key if isinstance(public_key, ec.EllipticCurvePublicKey) and usable else None,
            not_before,
            not_after,
            refusal,
        )

    @staticmethod
    def _describe(member: MemberId, kid: str, entry: _Entry, *, active: bool) -> MemberCertificate:
        return MemberCertificate(
            member=member,
            key_id=kid,
            fingerprint=fingerprint(entry.certificate),
            certificate=entry.certificate,
            not_before=entry.certificate.not_valid_before_utc,
            not_after=entry.certificate.not_valid_after_utc,
            active=active,
            trusted=entry.refusal is None,
        )


def _untrusted_because(
    member: MemberId,
    kid: str,
    certificate: x509.Certificate,
    ca_certificate: x509.Certificate,
    *,
    usable: bool,
) -> tuple[str, str, str] | None:
    """Why `certificate` is not a trusted signing certificate of `member`, or None."""
    code = "certificate_untrusted"
    if key_id(certificate) != kid:
        return (
            code,
            f"The certificate filed as {kid} of {member} has another fingerprint.",
            f"{member} 기관의 {kid} 인증서의 지문이 다릅니다.",
        )
    try:
        certificate.verify_directly_issued_by(ca_certificate)
    except (ValueError, TypeError, InvalidSignature):
        return (
            code,
            f"The certificate {kid} of {member} was not issued by the platform CA.",
            f"{member} 기관의 인증서 {kid}는 플랫폼 인증기관이 발급한 것이 아닙니다.",
        )
    if common_name(certificate) != str(member):
        return (
            code,
            f"The certificate {kid} was issued to {common_name(certificate)}, not {member}.",
            f"인증서 {kid}는 {member}가 아니라 {common_name(certificate)}에 발급되었습니다.",
        )
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        signs = usage.digital_signature
    except x509.ExtensionNotFound:
        signs = False
    if not signs or not usable:
        return (
            code,
            f"The certificate {kid} of {member} is not an ECDSA P-256 signing certificate.",
            f"{member} 기관의 인증서 {kid}는 ECDSA P-256 서명용 인증서가 아닙니다.",
        )
    return None
