"""RFC 3161 time-stamp tokens: made by the local authority, checked for any authority.

A token is a CMS `ContentInfo` holding `SignedData` whose encapsulated content is a `TSTInfo`
(RFC 3161 §2.4.2). The local authority signs with ECDSA P-256 / SHA-256 and puts in the signed
attributes the content type, the message digest of the `TSTInfo` and an `ESSCertIDv2`
(RFC 5816) naming its certificate, which the token embeds.

`check_token` verifies a token from any authority: the imprint is SHA-256 of the expected
digest, the signed attributes match the `TSTInfo`, the signature verifies with the embedded
signer certificate (ECDSA or RSA PKCS#1 v1.5), that certificate has the critical extended key
usage timeStamping and was valid at the token's time, and it chains, through certificates in
the token, to one of the given trust anchors (none given: the chain is not checked).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from asn1crypto import cms, tsp  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

POLICY: Final = "2.25.120065802234068282509455849756748140282"
"""The TSA policy of the local authority (a UUID-based OID, arc 2.25)."""

_HASHES: Final[dict[str, type[hashes.HashAlgorithm]]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class TokenError(ValueError):
    """A time-stamp token that is malformed or does not verify; the message says why."""


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What a verified token says."""

    gen_time: dt.datetime
    tsa: str
    """The authority's name: the TSTInfo `tsa` field, else the signer certificate's subject."""
    serial_number: int
    certificate: x509.Certificate
    """The certificate that signed the token."""


def request_for(digest: bytes, *, nonce: bool = True) -> tsp.TimeStampReq:
    """A time-stamp request for a SHA-256 digest, asking for the authority's certificate."""
    if len(digest) != 32:
        raise ValueError("the digest must be 32 bytes of SHA-256")
    fields: dict[str, Any] = {
        "version": "v1",
        "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": digest},
        "cert_req": True,
    }
    if nonce:
        fields["nonce"] = secrets.randbits(63)
    return tsp.TimeStampReq(fields)


@dataclass(frozen=True)
class _AuthorityParts:
    """What every token of one authority certificate repeats, encoded once: re-encoding
    the certificate and the names from Python structures was most of a token's cost."""

    certificate: asn1_x509.Certificate
    name: asn1_x509.GeneralName
    signing_certificate: cms.CMSAttribute
    sid: cms.SignerIdentifier


@lru_cache(maxsize=8)
def _authority_parts(certificate_der: bytes) -> _AuthorityParts:
    certificate = asn1_x509.Certificate.load(certificate_der)
    signing_certificate = cms.CMSAttribute(
        {
            "type": "signing_certificate_v2",
            "values": [
                {
                    "certs": [
                        {
                            "hash_algorithm": {"algorithm": "sha256"},
                            "cert_hash": hashlib.sha256(certificate_der).digest(),
                            "issuer_serial": {
                                "issuer": [
                                    asn1_x509.GeneralName(
                                        name="directory_name", value=certificate.issuer
                                    )
                                ],
                                "serial_number": certificate.serial_number,
                            },
                        }
                    ]
                }
            ],
        }
    )
    sid = cms.SignerIdentifier(
        name="issuer_and_serial_number",
        value={"issuer": certificate.issuer, "serial_number": certificate.serial_number},
    )
    name = asn1_x509.GeneralName(name="directory_name", value=certificate.subject)
    # Loaded back from their encoding, they dump those bytes instead of encoding again.
    return _AuthorityParts(
        certificate=asn1_x509.Certificate.load(certificate_der),
        name=asn1_x509.GeneralName.load(name.dump()),
        signing_certificate=cms.CMSAttribute.load(signing_certificate.dump()),
        sid=cms.SignerIdentifier.load(sid.dump()),
    )


def sign_token(
    request: tsp.TimeStampReq,
    *,
    key: ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate,
    now: dt.datetime,
) -> tsp.TimeStampResp:
    """Grant a request: a `TimeStampResp` with a token signed by `key` at `now` (UTC)."""
    imprint = request["message_imprint"]
    if imprint["hash_algorithm"]["algorithm"].native != "sha256" or (
        len(imprint["hashed_message"].native) != 32
    ):
        return tsp.TimeStampResp(
            {
                "status": {
                    "status": "rejection",
                    "status_string": ["only SHA-256 imprints are accepted"],
                    "fail_info": {"bad_alg"},
                }
            }
        )
    signer = _authority_parts(certificate.public_bytes(Encoding.DER))
    info: dict[str, Any] = {
        "version": "v1",
        "policy": POLICY,
        "message_imprint": imprint,
        "serial_number": secrets.randbits(127),
        "gen_time": now.astimezone(dt.UTC),
        "ordering": False,
        "tsa": signer.name,
    }
    if request["nonce"].native is not None:
        info["nonce"] = request["nonce"]
    tst_info = tsp.TSTInfo(info).dump()
    signed_attrs = cms.CMSAttributes(
        [
            {"type": "content_type", "values": ["tst_info"]},
            {"type": "message_digest", "values": [hashlib.sha256(tst_info).digest()]},
            signer.signing_certificate,
        ]
    )
    signature = key.sign(signed_attrs.dump(), ec.ECDSA(hashes.SHA256()))
    signer_info = {
        "version": "v1",
        "sid": signer.sid,
        "digest_algorithm": {"algorithm": "sha256"},
        "signed_attrs": signed_attrs,
        "signature_algorithm": {"algorithm": "sha256_ecdsa"},
        "signature": signature,
    }
    token = cms.ContentInfo(
        {
            "content_type": "signed_data",
            "content": {
                "version": "v3",
                "digest_algorithms": [{"algorithm": "sha256"}],
                "encap_content_info": {
                    "content_type": "tst_info",
                    "content": cms.ParsableOctetString(tst_info),
                },
                "certificates": [signer.certificate],
                "signer_infos": [signer_info],
            },
        }
    )
    return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token})


def token_from_response(response: tsp.TimeStampResp, request: tsp.TimeStampReq) -> bytes:
    """The DER token of a granted response to `request` (status and nonce checked)."""
    status = response["status"]
    if status["status"].native not in ("granted", "granted_with_mods"):
        text = "; ".join(status["status_string"].native or [])
        raise TokenError(f"the time-stamp authority refused the request: {text or 'no reason'}")
    token = response["time_stamp_token"]
    tst_info = token["content"]["encap_content_info"]["content"].parsed
    if tst_info["nonce"].native != request["nonce"].native:
        raise TokenError("the time-stamp authority answered with another nonce")
    return bytes(token.dump())


def _certificate_of(signed_data: cms.SignedData, sid: cms.SignerIdentifier) -> Any:
    for choice in signed_data["certificates"]:
        if choice.name != "certificate":
            continue
        candidate = choice.chosen
        if sid.name == "issuer_and_serial_number":
            if (
                candidate.issuer == sid.chosen["issuer"]
                and candidate.serial_number == sid.chosen["serial_number"].native
            ):
                return candidate
        elif candidate.key_identifier == sid.chosen.native:
            return candidate
    raise TokenError("the token does not hold its signer's certificate")


def _attribute(attributes: cms.CMSAttributes, name: str) -> Any:
    for attribute in attributes:
        if attribute["type"].native == name:
            return attribute["values"][0]
    return None


def _verify_signature(certificate: x509.Certificate, signer_info: Any, data: bytes) -> None:
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    algorithm = _HASHES.get(digest_name)
    if algorithm is None:  # pragma: no cover  (checked with the attributes before)
        raise TokenError(f"unsupported digest algorithm {digest_name}")
    public_key = certificate.public_key()
    signature = signer_info["signature"].native
    scheme = signer_info["signature_algorithm"].signature_algo
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey) and scheme == "ecdsa":
            public_key.verify(signature, data, ec.ECDSA(algorithm()))
        elif isinstance(public_key, rsa.RSAPublicKey) and scheme == "rsassa_pkcs1v15":
            public_key.verify(signature, data, padding.PKCS1v15(), algorithm())
        else:
            raise TokenError(f"unsupported signature algorithm {scheme}")
    except InvalidSignature:
        raise TokenError("the token's signature does not verify") from None


def _chains(
    certificate: x509.Certificate,
    embedded: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
) -> bool:
    current = certificate
    for _ in range(5):
        for anchor in anchors:
            if current.issuer == anchor.subject:
                try:
                    current.verify_directly_issued_by(anchor)
                except (ValueError, TypeError, InvalidSignature):
                    continue
                return True
        issuers = [c for c in embedded if c.subject == current.issuer and c != current]
        for issuer in issuers:
            try:
                current.verify_directly_issued_by(issuer)
            except (ValueError, TypeError, InvalidSignature):
                continue
            current = issuer
            break
        else:
            return False
    return False


def _hasher(name: str) -> hashes.Hash:
    algorithm = _HASHES.get(name)
    if algorithm is None:
        raise TokenError(f"unsupported digest algorithm {name}")
    return hashes.Hash(algorithm())


def _digest(name: str, data: bytes) -> bytes:
    hasher = _hasher(name)
    hasher.update(data)
    return hasher.finalize()


def _check_attributes(
    attributes: cms.CMSAttributes, digest_name: str, tst: bytes, der: bytes
) -> None:
    """The signed attributes name the TSTInfo content, its digest and the signer certificate."""
    content_type = _attribute(attributes, "content_type")
    if content_type is None or content_type.native != "tst_info":
        raise TokenError("the signed content type is not TSTInfo")
    message_digest = _attribute(attributes, "message_digest")
    if message_digest is None or message_digest.native != _digest(digest_name, tst):
        raise TokenError("the signed message digest does not match the TSTInfo")
    reference_v2 = _attribute(attributes, "signing_certificate_v2")
    reference_v1 = _attribute(attributes, "signing_certificate")
    if reference_v2 is not None:
        first = reference_v2["certs"][0]
        expected = _digest(first["hash_algorithm"]["algorithm"].native, der)
    elif reference_v1 is not None:
        first = reference_v1["certs"][0]
        expected = hashlib.sha1(der, usedforsecurity=False).digest()
    else:
        raise TokenError("the token does not name its signing certificate")
    if first["cert_hash"].native != expected:
        raise TokenError("the signing certificate attribute names another certificate")


def _check_certificate(
    certificate: x509.Certificate,
    gen_time: dt.datetime,
    embedded: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate] | None,
) -> None:
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        usage = None
    if (
        usage is None
        or not usage.critical
        or list(usage.value) != [ExtendedKeyUsageOID.TIME_STAMPING]
    ):
        raise TokenError("the signer certificate is not a time-stamping certificate")
    if not certificate.not_valid_before_utc <= gen_time <= certificate.not_valid_after_utc:
        raise TokenError("the token's time lies outside its certificate's validity")
    if anchors is not None and not _chains(certificate, embedded, anchors):
        raise TokenError("the signer certificate does not chain to a trusted authority")


def check_token(
    token: bytes, digest: bytes, *, anchors: Sequence[x509.Certificate] | None
) -> TokenInfo:
    """Verify a DER time-stamp token over `digest` (SHA-256); raises `TokenError`.

    `anchors` are the certificates the TSA certificate must chain to; None skips that check.
    """
    try:
        content = cms.ContentInfo.load(token)
        if content["content_type"].native != "signed_data":
            raise TokenError("the token is not CMS SignedData")
        signed_data = content["content"]
        encapsulated = signed_data["encap_content_info"]
        if encapsulated["content_type"].native != "tst_info":
            raise TokenError("the token does not hold a TSTInfo")
        tst_bytes = bytes(encapsulated["content"])
        tst_info = tsp.TSTInfo.load(tst_bytes)
        imprint = tst_info["message_imprint"]
        if imprint["hash_algorithm"]["algorithm"].native != "sha256":
            raise TokenError("the token's imprint is not SHA-256")
        if imprint["hashed_message"].native != digest:
            raise TokenError("the token's imprint does not match the digest")
        if len(signed_data["signer_infos"]) != 1:
            raise TokenError("the token must have exactly one signer")
        signer_info = signed_data["signer_infos"][0]
        asn1_certificate = _certificate_of(signed_data, signer_info["sid"])
        certificate_der = asn1_certificate.dump()
        attributes = signer_info["signed_attrs"]
        _check_attributes(
            attributes,
            signer_info["digest_algorithm"]["algorithm"].native,
            tst_bytes,
            certificate_der,
        )
        signed = b"\x31" + attributes.dump()[1:]  # signed as a SET OF, not as [0] IMPLICIT
        gen_time = tst_info["gen_time"].native.astimezone(dt.UTC)
        tsa_field = tst_info["tsa"]
        if tsa_field.native is not None and tsa_field.name == "directory_name":
            tsa = tsa_field.chosen.human_friendly
        else:
            tsa = asn1_certificate.subject.human_friendly
        serial_number = int(tst_info["serial_number"].native)
        embedded = [
            x509.load_der_x509_certificate(choice.chosen.dump())
            for choice in signed_data["certificates"]
            if choice.name == "certificate"
        ]
        certificate = x509.load_der_x509_certificate(certificate_der)
    except TokenError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        raise TokenError(f"the token is malformed ({error})") from None
    _verify_signature(certificate, signer_info, signed)
    _check_certificate(certificate, gen_time, embedded, anchors)
    return TokenInfo(
        gen_time=gen_time, tsa=tsa, serial_number=serial_number, certificate=certificate
    )


def token_gen_time(token: bytes) -> dt.datetime:
    """The `genTime` of a token, unverified."""
    content = cms.ContentInfo.load(token)
    tst_info = content["content"]["encap_content_info"]["content"].parsed
    return tst_info["gen_time"].native.astimezone(dt.UTC)  # type: ignore[no-any-return]


__all__ = [
    "POLICY",
    "TokenError",
    "TokenInfo",
    "check_token",
    "request_for",
    "sign_token",
    "token_from_response",
    "token_gen_time",
]
