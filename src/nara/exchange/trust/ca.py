"""The platform's own certification authority for the exchange.

The root CA is an ECDSA P-256 key with a self-signed certificate (basic constraints CA, path
length 0, key usage keyCertSign and cRLSign). It issues member signing certificates: subject
`CN=<member id>` (e.g. `KR/GOV/MOIS`), `OU=<member class>`, `serialNumber=<member code>`;
key usage digitalSignature only; not a CA. It also issues the message log's time-stamping
certificate (`issue_tsa_certificate`): subject `CN=Nara Exchange Time-Stamping Authority`, key
usage digitalSignature and nonRepudiation, extended key usage timeStamping only (critical, as
RFC 3161 requires); not a CA. And each exchange node's TLS certificate
(`issue_tls_certificate`): subject `CN=<node name>`, `O=Nara`, key usage digitalSignature,
extended key usage serverAuth and clientAuth (the same certificate serves the node's mutual-TLS
listener and its calls to other nodes), subject alternative names `localhost`, `127.0.0.1`,
`::1` and the node name (plus any others asked for); not a CA. And the certificate that signs
issued documents (`issue_document_signing_certificate`): subject `CN=Nara Document Issuance`,
`O=Nara`, key usage digitalSignature and nonRepudiation (critical); not a CA. And an
information system's client certificate for its subsystem (`issue_client_certificate`):
subject `CN=<subsystem id>`, `OU=information system`, `O=Nara`, key usage digitalSignature,
extended key usage clientAuth; not a CA. Keys an information system or another node made
itself reach the CA as certificate signing requests (`nara.exchange.trust.requests`): their
private keys never leave where they were made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from collections.abc import Iterable

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from nara.exchange.trust.identifiers import MemberId, SubsystemId

CA_NAME = "Nara Exchange Root CA"
INFORMATION_SYSTEM = "information system"
"""The organisational unit of a subsystem's client certificate."""
TSA_NAME = "Nara Exchange Time-Stamping Authority"
DOCUMENT_SIGNER_NAME = "Nara Document Issuance"
# Certificates start a little before the instant they are made, so that a verifier whose clock
# lags slightly behind still accepts them.
BACKDATE = dt.timedelta(minutes=5)


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def fingerprint(certificate: x509.Certificate) -> str:
    """The SHA-256 fingerprint of a certificate's DER encoding, lowercase hex."""
    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


def key_id(certificate: x509.Certificate) -> str:
    """The short name of a signing key: the first 16 bytes of its certificate's fingerprint."""
    return fingerprint(certificate)[:32]


def create_root_ca(
    *, now: dt.datetime, validity: dt.timedelta, name: str = CA_NAME
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A new root CA: its private key and self-signed certificate."""
    key = new_key()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Nara"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + validity)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _issue(
    *,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_certificate: x509.Certificate,
    public_key: ec.EllipticCurvePublicKey,
    subject: x509.Name,
    not_before: dt.datetime,
    not_after: dt.datetime,
    content_commitment: bool = False,
    extensions: Iterable[tuple[x509.ExtensionType, bool]] = (),
) -> x509.Certificate:
    """An end-entity certificate signed by the CA: digital signature (and, with
    `content_commitment`, non-repudiation), plus `extensions` as (value, critical)."""
    ca_ski = ca_certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=content_commitment,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    for value, critical in extensions:
        builder = builder.add_extension(value, critical=critical)
    return (
        builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )


def _platform_name(name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Nara"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )


def _within_ca(
    ca_certificate: x509.Certificate, now: dt.datetime, validity: dt.timedelta
) -> dt.datetime:
    return min(now + validity, ca_certificate.not_valid_after_utc)


def issue_member_certificate(
    *,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_certificate: x509.Certificate,
    member: MemberId,
    public_key: ec.EllipticCurvePublicKey,
    now: dt.datetime,
    validity: dt.timedelta,
) -> x509.Certificate:
    """A signing certificate for `member`'s key, issued by the CA."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, member.member_class),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, member.member_code),
            x509.NameAttribute(NameOID.COMMON_NAME, str(member)),
        ]
    )
    return _issue(
        ca_key=ca_key,
        ca_certificate=ca_certificate,
        public_key=public_key,
        subject=subject,
        not_before=now - BACKDATE,
        not_after=now + validity,
    )


def issue_tsa_certificate(
    *,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_certificate: x509.Certificate,
    public_key: ec.EllipticCurvePublicKey,
    now: dt.datetime,
    validity: dt.timedelta,
    name: str = TSA_NAME,
) -> x509.Certificate:
    """An RFC 3161 time-stamping certificate for `public_key`, issued by the CA."""
    return _issue(
        ca_key=ca_key,
        ca_certificate=ca_certificate,
        public_key=public_key,
        subject=_platform_name(name),
        not_before=now - BACKDATE,
        not_after=_within_ca(ca_certificate, now, validity),
        content_commitment=True,
        extensions=[(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True)],
    )


def issue_document_signing_certificate(
    *,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_certificate: x509.Certificate,
    public_key: ec.EllipticCurvePublicKey,
    now: dt.datetime,
    validity: dt.timedelta,
    name: str = DOCUMENT_SIGNER_NAME,
) -> x509.Certificate:
    """The certificate of the key that signs issued documents (PAdES), issued by the CA."""
    return _issue(
        ca_key=ca_key,
        ca_certificate=ca_certificate,
        public_key=public_key,
        subject=_platform_name(name),
        not_before=now - BACKDATE,
        not_after=_within_ca(ca_certificate, now, validity),
        content_commitment=True,
    )


def issue_tls_certificate(
    *,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_certificate: x509.Certificate,
    public_key: ec.EllipticCurvePublicKey,
    name: str,
    now: dt.datetime,
    validity: dt.timedelta,
    dns_names: Iterable[str] = (),
    ip_addresses: Iterable[str] = (),
) -> x509.Certificate:
    """A node's TLS certificate (server and client authentication) for `public_key`."""
    hosts = list(dict.fromkeys(["localhost", *dns_names]))
    addresses = list(dict.fromkeys(["127.0.0.1", "::1", *ip_addresses]))
    try:
        addresses.append(str(ipaddress.ip_address(name)))
    except ValueError:
        hosts.append(name)
    alternative_names: list[x509.GeneralName] = [x509.DNSName(h) for h in dict.fromkeys(hosts)]
    alternative_names += [
        x509.IPAddress(ipaddress.ip_address(address)) for address in dict.fromkeys(addresses)
    ]
    usages = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    return _issue(
        ca_key=ca_key,
        ca_certificate=ca_certificate,
        public_key=public_key,
        subject=_platform_name(name),
        not_before=now - BACKDATE,
        not_after=_within_ca(ca_certificate, now, validity),
        extensions=[
            (x509.ExtendedKeyUsage(usages), False),
            (x509.SubjectAlternativeName(alternative_names), False),
        ],
    )


def common_name(certificate: x509.Certificate) -> str | None:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not names:
        return None
    value = names[0].value
    return value if isinstance(value, str) else value.decode()


def issue_client_certificate(
    *,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_certificate: x509.Certificate,
    subsystem: SubsystemId,
    public_key: ec.EllipticCurvePublicKey,
    now: dt.datetime,
    validity: dt.timedelta,
) -> x509.Certificate:
    """An information system's client TLS certificate for `subsystem`: presented to `/r1`
    over HTTPS, it names the subsystem the system calls as (PR-REST 4.7)."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Nara"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, INFORMATION_SYSTEM),
            x509.NameAttribute(NameOID.COMMON_NAME, str(subsystem)),
        ]
    )
    return _issue(
        ca_key=ca_key,
        ca_certificate=ca_certificate,
        public_key=public_key,
        subject=subject,
        not_before=now - BACKDATE,
        not_after=_within_ca(ca_certificate, now, validity),
        extensions=[(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False)],
    )
