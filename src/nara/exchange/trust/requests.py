"""Certificate signing requests: keys made where they are used, certified by the CA's holder.

A node joining the exchange, or an information system, never receives a private key: it makes
its own key, sends a PKCS #10 request (`make_request`) to the node that holds the platform CA,
and installs the certificate that comes back. The CA's holder checks the request
(`certify`): its signature (proof that the requester holds the key), an ECDSA P-256 key, and a
subject naming exactly what the certificate will be for — a member (`member`, e.g.
`KR/GOV/SCOURT`), a node (`node`, its host name) or a subsystem's information system
(`client`, e.g. `KR/GOV/SCOURT/land`).
"""

from __future__ import annotations

from typing import Final, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from nara.core.errors import Invalid, Message
from nara.exchange.trust.keystore import Keystore

Kind = Literal["member", "node", "client"]
KINDS: Final = ("member", "node", "client")


def make_request(key: ec.EllipticCurvePrivateKey, name: str) -> bytes:
    """A PEM certificate signing request for `key`, naming `name` (a member id, a node name
    or a subsystem id) as its common name."""
    request = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .sign(key, hashes.SHA256())
    )
    return request.public_bytes(Encoding.PEM)


def _refused(en: str, ko: str) -> Invalid:
    return Invalid("certificate_request_invalid", Message(en, ko), {"field": "csr"})


def read_request(pem: bytes) -> tuple[str, ec.EllipticCurvePublicKey]:
    """The common name and public key of a well-formed, self-signed P-256 request."""
    try:
        request = x509.load_pem_x509_csr(pem)
    except ValueError:
        raise _refused(
            "This is not a PEM certificate signing request (PKCS #10).",
            "PEM 형식의 인증서 서명 요청(PKCS #10)이 아닙니다.",
        ) from None
    if not request.is_signature_valid:
        raise _refused(
            "The request's signature does not verify: it was not made with its key.",
            "요청의 서명이 검증되지 않습니다. 요청의 키로 만든 것이 아닙니다.",
        )
    key = request.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise _refused(
            "The exchange certifies ECDSA P-256 keys only.",
            "정보공유 체계는 ECDSA P-256 키만 인증합니다.",
        )
    names = request.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    name = str(names[0].value) if names else ""
    return name, key


def certify(keystore: Keystore, pem: bytes, *, kind: Kind, name: str) -> bytes:
    """The CA holder's answer to a request for `kind` `name`: a PEM certificate.

    422 `certificate_request_invalid` when the request is malformed, not self-signed, not a
    P-256 key, or names something other than `name`; the CA's refusals otherwise.
    """
    if kind not in KINDS:
        raise _refused(
            f"Unknown kind of certificate {kind!r}.", f"알 수 없는 인증서 종류: {kind!r}"
        )
    subject, key = read_request(pem)
    if subject != name:
        raise _refused(
            f"The request names {subject!r}, not {name!r}.",
            f"요청에 적힌 이름은 {name!r}이(가) 아니라 {subject!r}입니다.",
        )
    try:
        certificate = keystore.issue_certificate(kind, name, key)
    except ValueError as error:
        raise _refused(str(error), str(error)) from None
    return certificate.public_bytes(Encoding.PEM)


def request_member_key(keystore: Keystore, member: str) -> bytes:
    """Make a new signing key for one of this node's members, kept pending here, and the
    request to send to the CA's holder."""
    return make_request(keystore.pending_key("member", member, new=True), member)


def request_node_key(keystore: Keystore, name: str) -> bytes:
    """Make this node's new TLS key, kept pending here, and its request."""
    return make_request(keystore.pending_key("node", name, new=True), name)


def install_member_certificate(keystore: Keystore, member: str, pem: bytes) -> str:
    """Install the CA's certificate for this node's pending key of `member`, which becomes the
    member's active signing key here; its key id."""
    from nara.exchange.trust.identifiers import MemberId

    key = keystore.pending_key("member", member, new=False)
    identity = MemberId.parse(member)
    installed = keystore.install_signer(identity, key, _certificate(pem))
    keystore.drop_pending_key("member", member)
    return installed.key_id


def install_node_certificate(keystore: Keystore, name: str, pem: bytes) -> None:
    """Install the CA's certificate for this node's pending TLS key."""
    key = keystore.pending_key("node", name, new=False)
    keystore.install_node_tls(name, key, _certificate(pem))
    keystore.drop_pending_key("node", name)


def _certificate(pem: bytes) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(pem)
    except ValueError:
        raise Invalid(
            "certificate_invalid",
            Message("This is not a PEM certificate.", "PEM 형식의 인증서가 아닙니다."),
            {"field": "certificate"},
        ) from None
