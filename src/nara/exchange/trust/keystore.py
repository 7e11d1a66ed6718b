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

import base64
import datetime as dt
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from nara.core.clock import Clock
from nara.core.errors import Conflict, Forbidden, Message, NotFound
from nara.core.settings import Settings
from nara.exchange.trust.ca import (
    CA_NAME,
    common_name,
    create_root_ca,
    fingerprint,
    issue_document_signing_certificate,
    issue_member_certificate,
    issue_tls_certificate,
    issue_tsa_certificate,
    key_id,
    new_key,
)
from nara.exchange.trust.identifiers import MemberId
from nara.exchange.trust.signatures import KEY_ID, RAW_SIGNATURE_BYTES, Signature, refused

_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())
NODE_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")
"""A node's name: a host name (it names a directory of the keystore and a TLS SAN)."""
TLS_RENEW_BEFORE = dt.timedelta(days=7)
"""A node's TLS certificate is issued anew on first use within this time of its expiry."""
_HALF = RAW_SIGNATURE_BYTES // 2


def keystore_passphrase(master_key: bytes) -> bytes:
    """The passphrase of the keystore's private keys, derived from the PII master key."""
    if len(master_key) != 32:
        raise ValueError("the PII master key must be 32 bytes")
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"nara/exchange/keystore/v1"
    ).derive(master_key)
    return base64.b64encode(derived)


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


class Keystore:
    """The platform CA and members' signing keys, in a directory, cached in memory."""

    def __init__(
        self,
        directory: Path,
        master_key: bytes,
        *,
        clock: Clock,
        certificate_validity: dt.timedelta = dt.timedelta(days=730),
        ca_validity: dt.timedelta = dt.timedelta(days=7300),
    ) -> None:
        self.directory = Path(directory)
        self._passphrase = keystore_passphrase(master_key)
        self._clock = clock
        self._certificate_validity = certificate_validity
        self._ca_validity = ca_validity
        self._lock = threading.Lock()
        self._ca: tuple[x509.Certificate, ec.EllipticCurvePublicKey] | None = None
        self._ca_key: ec.EllipticCurvePrivateKey | None = None
        self._entries: dict[tuple[MemberId, str], _Entry] = {}
        self._signers: dict[MemberId, Signer] = {}
        self._tsa: tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None = None
        self._document_signer: tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, master_key: bytes, *, clock: Clock) -> Keystore:
        return cls(
            settings.exchange_keys_dir,
            master_key,
            clock=clock,
            certificate_validity=dt.timedelta(days=settings.exchange_cert_validity_days),
            ca_validity=dt.timedelta(days=settings.exchange_ca_validity_days),
        )

    @property
    def clock(self) -> Clock:
        return self._clock

    # -- the CA -------------------------------------------------------------------------------

    @property
    def _ca_key_path(self) -> Path:
        return self.directory / "ca.key"

    @property
    def _ca_cert_path(self) -> Path:
        return self.directory / "ca.pem"

    def create_ca(self, *, name: str = CA_NAME) -> x509.Certificate:
        """Create the platform CA; refused when the keystore already has one."""
        with self._lock:
            if self._ca_key_path.exists() or self._ca_cert_path.exists():
                raise Conflict(
                    "ca_exists",
                    Message(
                        f"The keystore {self.directory} already has a CA.",
                        f"키 저장소 {self.directory}에 이미 인증기관이 있습니다.",
                    ),
                )
            self._make_directory(self.directory)
            key, certificate = create_root_ca(
                now=self._clock.now(), validity=self._ca_validity, name=name
            )
            self._write_key(self._ca_key_path, key)
            self._write_certificate(self._ca_cert_path, certificate)
            self._ca_key = key
            self._ca = None
            return certificate

    def ensure_ca(self) -> x509.Certificate:
        """The platform CA's certificate, creating the CA when the keystore has none."""
        if not self._ca_cert_path.exists():
            try:
                return self.create_ca()
            except Conflict:
                pass  # made meanwhile by another caller
        return self.ca_certificate

    @property
    def ca_certificate(self) -> x509.Certificate:
        return self._trust_anchor()[0]

    def _trust_anchor(self) -> tuple[x509.Certificate, ec.EllipticCurvePublicKey]:
        if self._ca is None:
            try:
                pem = self._ca_cert_path.read_bytes()
            except FileNotFoundError:
                raise NotFound(
                    "ca_missing",
                    Message(
                        f"The keystore {self.directory} has no CA.",
                        f"키 저장소 {self.directory}에 인증기관이 없습니다.",
                    ),
                ) from None
            certificate = x509.load_pem_x509_certificate(pem)
            public_key = certificate.public_key()
            if not isinstance(public_key, ec.EllipticCurvePublicKey):
                raise ValueError("the CA key is not an elliptic-curve key")
            self._ca = (certificate, public_key)
        return self._ca

    def _ca_private_key(self) -> ec.EllipticCurvePrivateKey:
        if self._ca_key is None:
            self._trust_anchor()  # a clear error when there is no CA
            self._ca_key = self._read_key(self._ca_key_path)
        return self._ca_key

    # -- members' keys ------------------------------------------------------------------------

    def _member_directory(self, member: MemberId) -> Path:
        # Identifier parts never contain a separator and are never "." or "..".
        return (
            self.directory / "members" / member.instance / member.member_class / member.member_code
        )

    def rotate(self, member: MemberId) -> MemberCertificate:
        """Issue a new signing key and certificate for `member` and make it the active one."""
        with self._lock:
            ca_key = self._ca_private_key()
            ca_certificate = self._trust_anchor()[0]
            key = new_key()
            certificate = issue_member_certificate(
                ca_key=ca_key,
                ca_certificate=ca_certificate,
                member=member,
                public_key=key.public_key(),
                now=self._clock.now(),
                validity=self._certificate_validity,
            )
            kid = key_id(certificate)
            directory = self._member_directory(member)
            self._make_directory(directory)
            self._write_key(directory / f"{kid}.key", key)
            self._write_certificate(directory / f"{kid}.pem", certificate)
            temporary = directory / f".active.{os.getpid()}.{threading.get_ident()}"
            temporary.write_text(kid + "\n")
            temporary.replace(directory / "active")
            entry = self._check(member, kid, certificate)
            self._entries[(member, kid)] = entry
            self._signers[member] = Signer(member, kid, certificate, entry.not_after, key)
            return self._describe(member, kid, entry, active=True)

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

    # -- the local time-stamping authority ----------------------------------------------------

    def time_stamping_key(self) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        """The local TSA's key and certificate (`tsa.key`, `tsa.pem`).

        Issued by the platform CA (made too when missing) on first use, and issued anew once
        the certificate has expired; tokens embed the certificate that signed them, so earlier
        tokens stay verifiable after a renewal.
        """
        self.ensure_ca()
        with self._lock:
            if self._tsa is None or self._tsa[1].not_valid_after_utc <= self._clock.now():
                self._tsa = self._platform_key(
                    "tsa",
                    issue_tsa_certificate,
                    Conflict(
                        "tsa_key_mismatch",
                        Message(
                            f"The time-stamping key in {self.directory} does not match a "
                            "certificate of the platform CA.",
                            f"{self.directory}의 타임스탬프 키가 플랫폼 인증기관의 인증서와 "
                            "맞지 않습니다.",
                        ),
                    ),
                )
            return self._tsa

    # -- the document-signing key -------------------------------------------------------------

    def document_signing_key(self) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        """The key and certificate that sign issued documents (`documents.key`, `.pem`).

        Issued by the platform CA (made too when missing) on first use, and issued anew once
        the certificate has expired; signed documents embed the certificate that signed them.
        """
        self.ensure_ca()
        with self._lock:
            signer = self._document_signer
            if signer is None or signer[1].not_valid_after_utc <= self._clock.now():
                signer = self._document_signer = self._platform_key(
                    "documents",
                    issue_document_signing_certificate,
                    Conflict(
                        "document_signing_key_mismatch",
                        Message(
                            f"The document-signing key in {self.directory} does not match a "
                            "certificate of the platform CA.",
                            f"{self.directory}의 문서 서명 키가 플랫폼 인증기관의 인증서와 "
                            "맞지 않습니다.",
                        ),
                    ),
                )
            return signer

    def _platform_key(
        self,
        stem: str,
        issue: Callable[..., x509.Certificate],
        mismatch: Conflict,
    ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        """A key of the platform's own (`<stem>.key`, `<stem>.pem`): the one on disk while its
        certificate is current, else a new one issued by `issue`. Called under the lock."""
        now = self._clock.now()
        key_path, cert_path = self.directory / f"{stem}.key", self.directory / f"{stem}.pem"
        ca_certificate = self._trust_anchor()[0]
        if cert_path.exists():
            certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
            if certificate.not_valid_after_utc > now:
                key = self._read_key(key_path)
                try:
                    certificate.verify_directly_issued_by(ca_certificate)
                    matches = key.public_key() == certificate.public_key()
                except (ValueError, TypeError, InvalidSignature):
                    matches = False
                if not matches:
                    raise mismatch
                return key, certificate
        key = new_key()
        certificate = issue(
            ca_key=self._ca_private_key(),
            ca_certificate=ca_certificate,
            public_key=key.public_key(),
            now=now,
            validity=self._certificate_validity,
        )
        suffix = f".{os.getpid()}.{threading.get_ident()}.new"
        key_temporary = key_path.with_name(key_path.name + suffix)
        cert_temporary = cert_path.with_name(cert_path.name + suffix)
        key_temporary.unlink(missing_ok=True)
        self._write_key(key_temporary, key)
        self._write_certificate(cert_temporary, certificate)
        key_temporary.replace(key_path)
        cert_temporary.replace(cert_path)
        return key, certificate

    # -- nodes' TLS certificates --------------------------------------------------------------

    @property
    def ca_certificate_path(self) -> Path:
        """The platform CA's certificate file: the trust anchor of nodes' mutual TLS."""
        return self._ca_cert_path

    def tls_key_password(self) -> str:
        """The passphrase of the node TLS key file (`ssl_keyfile_password`)."""
        return self._passphrase.decode()

    def node_tls(self, name: str) -> tuple[Path, Path]:
        """The node `name`'s TLS certificate and key files (`nodes/<name>/tls.pem|tls.key`).

        Issued by the platform CA (made too when missing) on first use, and issued anew when
        the certificate expires within `TLS_RENEW_BEFORE` or no longer chains to the CA.
        """
        if not NODE_NAME.fullmatch(name) or ".." in name:
            raise ValueError(f"{name!r} is not a node name (a host name)")
        self.ensure_ca()
        directory = self.directory / "nodes" / name
        cert_path, key_path = directory / "tls.pem", directory / "tls.key"
        with self._lock:
            now = self._clock.now()
            ca_certificate = self._trust_anchor()[0]
            if cert_path.exists() and key_path.exists():
                certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
                try:
                    certificate.verify_directly_issued_by(ca_certificate)
                    current = certificate.not_valid_after_utc - TLS_RENEW_BEFORE > now
                except (ValueError, TypeError, InvalidSignature):
                    current = False
                if current:
                    return cert_path, key_path
            self._make_directory(directory)
            key = new_key()
            certificate = issue_tls_certificate(
                ca_key=self._ca_private_key(),
                ca_certificate=ca_certificate,
                public_key=key.public_key(),
                name=name,
                now=now,
                validity=self._certificate_validity,
            )
            suffix = f".{os.getpid()}.{threading.get_ident()}.new"
            key_temporary = key_path.with_name(key_path.name + suffix)
            cert_temporary = cert_path.with_name(cert_path.name + suffix)
            key_temporary.unlink(missing_ok=True)
            self._write_key(key_temporary, key)
            self._write_certificate(cert_temporary, certificate)
            key_temporary.replace(key_path)
            cert_temporary.replace(cert_path)
            return cert_path, key_path

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

    # -- files --------------------------------------------------------------------------------

    @staticmethod
    def _make_directory(path: Path) -> None:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _write_key(self, path: Path, key: ec.EllipticCurvePrivateKey) -> None:
        data = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(self._passphrase),
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)

    @staticmethod
    def _write_certificate(path: Path, certificate: x509.Certificate) -> None:
        path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))

    def _read_key(self, path: Path) -> ec.EllipticCurvePrivateKey:
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=self._passphrase)
        except (ValueError, TypeError):
            raise Forbidden(
                "keystore_locked",
                Message(
                    f"The key {path.name} cannot be read with this master key.",
                    f"이 마스터 키로는 키 {path.name}를 읽을 수 없습니다.",
                ),
            ) from None
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{path} does not hold an elliptic-curve key")
        return key


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
