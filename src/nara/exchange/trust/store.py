"""The keystore's files: the platform CA, private keys encrypted at rest, certificates.

`KeyFiles` is the base of `Keystore` (`nara.exchange.trust.keystore`): the directory, the
passphrase derived from the PII master key, the CA (its certificate, and its private key where
this keystore is the CA's holder) and the reading and writing of keys and certificates.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from nara.core.clock import Clock
from nara.core.errors import Conflict, Forbidden, Message, NotFound
from nara.exchange.trust.ca import CA_NAME, create_root_ca
from nara.exchange.trust.identifiers import MemberId

if TYPE_CHECKING:
    from nara.exchange.trust.keystore import Signer, _Entry


def keystore_passphrase(master_key: bytes) -> bytes:
    """The passphrase of the keystore's private keys, derived from the PII master key."""
    if len(master_key) != 32:
        raise ValueError("the PII master key must be 32 bytes")
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"nara/exchange/keystore/v1"
    ).derive(master_key)
    return base64.b64encode(derived)


class KeyFiles:
    """A keystore directory: the CA, and keys and certificates as files."""

    def __init__(
        self,
        directory: Path,
        master_key: bytes,
        *,
        clock: Clock,
        certificate_validity: dt.timedelta = dt.timedelta(days=730),
        ca_validity: dt.timedelta = dt.timedelta(days=7300),
        may_create_ca: bool = True,
    ) -> None:
        self.directory = Path(directory)
        self.may_create_ca = may_create_ca
        """False on a node that joined another's exchange: it never makes a CA of its own."""
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
        """The platform CA's certificate, creating the CA when the keystore has none (and may
        make one)."""
        if not self._ca_cert_path.exists() and not self.may_create_ca:
            raise NotFound(
                "ca_missing",
                Message(
                    f"The keystore {self.directory} trusts no CA yet: import the CA holder's "
                    "configuration (`nara exchange trust import <url> --ca-fingerprint <hex>`).",
                    f"키 저장소 {self.directory}가 아직 인증기관을 신뢰하지 않습니다. 인증기관을 "
                    "가진 노드의 구성을 가져오십시오 (`nara exchange trust import`).",
                ),
            )
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
            if not self._ca_key_path.exists():
                raise NotFound(
                    "ca_key_missing",
                    Message(
                        f"The keystore {self.directory} trusts the platform CA but does not "
                        "hold its key: certificates come from the CA's holder.",
                        f"키 저장소 {self.directory}는 플랫폼 인증기관을 신뢰하지만 그 키는 "
                        "없습니다. 인증서는 인증기관을 가진 노드에서 받으십시오.",
                    ),
                )
            self._ca_key = self._read_key(self._ca_key_path)
        return self._ca_key

    @property
    def holds_ca_key(self) -> bool:
        """Whether this keystore holds the CA's private key (the CA's holder) or only its
        certificate (a node that trusts it)."""
        return self._ca_key_path.exists()

    def import_ca(self, pem: bytes) -> x509.Certificate:
        """Trust the platform CA of another node (its certificate only); refused when this
        keystore already trusts a different CA (`ca_exists`)."""
        certificate = x509.load_pem_x509_certificate(pem)
        with self._lock:
            if self._ca_cert_path.exists():
                current = x509.load_pem_x509_certificate(self._ca_cert_path.read_bytes())
                if current == certificate:
                    return current
                raise Conflict(
                    "ca_exists",
                    Message(
                        f"The keystore {self.directory} already trusts another CA.",
                        f"키 저장소 {self.directory}는 이미 다른 인증기관을 신뢰합니다.",
                    ),
                )
            self._make_directory(self.directory)
            self._write_certificate(self._ca_cert_path, certificate)
            self._ca = None
            return certificate

    # -- files --------------------------------------------------------------------------------

    def _member_directory(self, member: MemberId) -> Path:
        # Identifier parts never contain a separator and are never "." or "..".
        return (
            self.directory / "members" / member.instance / member.member_class / member.member_code
        )

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
