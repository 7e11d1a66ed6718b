"""The platform's own keys in the keystore: the local time-stamping authority, the key that
signs issued documents, and each node's TLS key (with the signing requests that obtain a
certificate for a key made here, from the CA's holder)."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec

from nara.core.errors import Conflict, Message, NotFound
from nara.exchange.trust.ca import (
    issue_document_signing_certificate,
    issue_tls_certificate,
    issue_tsa_certificate,
    new_key,
)
from nara.exchange.trust.identifiers import MemberId
from nara.exchange.trust.signatures import refused
from nara.exchange.trust.store import KeyFiles

NODE_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")
"""A node's name: a host name (it names a directory of the keystore and a TLS SAN)."""
TLS_RENEW_BEFORE = dt.timedelta(days=7)
"""A node's TLS certificate is issued anew on first use within this time of its expiry."""


class PlatformKeys(KeyFiles):
    """The platform's keys: time-stamping, document signing, node TLS."""

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
            if not self.holds_ca_key:
                raise NotFound(
                    "node_certificate_missing",
                    Message(
                        f"The node {name} has no current TLS certificate and this keystore "
                        "does not hold the CA: request one (`nara exchange node request`).",
                        f"노드 {name}에 유효한 TLS 인증서가 없고 이 키 저장소에는 인증기관이 "
                        "없습니다. 인증서를 요청하십시오 (`nara exchange node request`).",
                    ),
                )
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

    def pending_key(self, kind: str, name: str, *, new: bool) -> ec.EllipticCurvePrivateKey:
        """The key a certificate signing request was made for (`new`: make and keep one,
        replacing any earlier pending key); it waits here until its certificate comes."""
        if kind == "member":
            directory = self._member_directory(MemberId.parse(name))
        elif kind == "node" and NODE_NAME.fullmatch(name) and ".." not in name:
            directory = self.directory / "nodes" / name
        else:
            raise ValueError(f"no pending key of kind {kind!r} for {name!r}")
        path = directory / "pending.key"
        with self._lock:
            if new:
                self._make_directory(directory)
                path.unlink(missing_ok=True)
                key = new_key()
                self._write_key(path, key)
                return key
            if not path.exists():
                raise NotFound(
                    "pending_key_missing",
                    Message(
                        f"No certificate signing request of {name} is waiting for a certificate.",
                        f"{name}의 인증서 서명 요청이 인증서를 기다리고 있지 않습니다.",
                    ),
                )
            return self._read_key(path)

    def node_tls_key(self, name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        """The node's TLS key and certificate (as `node_tls` keeps them), for signing what the
        node publishes."""
        cert_path, key_path = self.node_tls(name)
        return self._read_key(key_path), x509.load_pem_x509_certificate(cert_path.read_bytes())

    def drop_pending_key(self, kind: str, name: str) -> None:
        """Forget a pending key once its certificate is installed."""
        directory = (
            self._member_directory(MemberId.parse(name))
            if kind == "member"
            else self.directory / "nodes" / name
        )
        (directory / "pending.key").unlink(missing_ok=True)

    def install_node_tls(
        self, name: str, key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate
    ) -> Path:
        """Keep a node's TLS key and its CA-issued certificate (`nodes/<name>/tls.*`)."""
        ca_certificate = self._trust_anchor()[0]
        try:
            certificate.verify_directly_issued_by(ca_certificate)
        except (ValueError, TypeError, InvalidSignature):
            raise refused(
                "certificate_untrusted",
                "The node certificate was not issued by the platform CA.",
                "노드 인증서는 플랫폼 인증기관이 발급한 것이 아닙니다.",
            ) from None
        if certificate.public_key() != key.public_key():
            raise Conflict(
                "node_key_mismatch",
                Message(
                    "The node certificate is not for this node's pending key.",
                    "노드 인증서가 이 노드의 대기 중인 키의 인증서가 아닙니다.",
                ),
            )
        directory = self.directory / "nodes" / name
        suffix = f".{os.getpid()}.{threading.get_ident()}.new"
        key_path, cert_path = directory / "tls.key", directory / "tls.pem"
        with self._lock:
            self._make_directory(directory)
            key_temporary = key_path.with_name(key_path.name + suffix)
            cert_temporary = cert_path.with_name(cert_path.name + suffix)
            key_temporary.unlink(missing_ok=True)
            self._write_key(key_temporary, key)
            self._write_certificate(cert_temporary, certificate)
            key_temporary.replace(key_path)
            cert_temporary.replace(cert_path)
            return cert_path
