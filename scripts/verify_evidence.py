#!/usr/bin/env python3
"""Check a Nara message-log evidence bundle offline, with nothing of Nara's.

    python3 verify_evidence.py bundle.json [--ca-fingerprint HEX] [--tsa-anchor tsa-ca.pem]

A bundle comes from `nara exchange evidence --from A --to B --out bundle.json`. This script
needs Python 3.11 and the `cryptography` and `asn1crypto` packages only, and checks:

1. the chain: every entry's `entry_hash` is SHA-256(prev_hash + canonical JSON of the entry),
   the first chained to the bundle's `prev_hash`, the seqs contiguous over the range;
2. the signatures: for every entry that keeps its heads, the request hash is recomputed
   (base64 SHA-512(SHA-512(head) || SHA-512(body)), PR-REST 4.3) and the client member's
   signature of `nara-xroad-request/2 LF signed-at LF caller LF hash` verified with a
   certificate of that member issued by the bundle's CA; likewise the provider's signature of
   `nara-xroad-response/2 LF signed-at LF response hash`, whose head must carry the request hash;
3. the time-stamps: every RFC 3161 token stamps the `entry_hash` of its `last_seq`, its
   signature verifies, and its certificate was issued by the CA (or by `--tsa-anchor`).

The CA is the bundle's own: compare its fingerprint (printed) with the one the platform
publishes, or give `--ca-fingerprint`. Exit status 0 when everything holds, 1 otherwise, with
the first problem of each kind printed.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

HASHED = (
    "client",
    "legal_basis",
    "logged_at",
    "message_id",
    "purpose",
    "request_hash",
    "request_signature",
    "response_hash",
    "response_signature",
    "seq",
    "service",
    "status",
    "user_id",
)
EXTENDED = (
    "side",
    "caller",
    "user_asserted",
    "issue",
    "represented_party",
    "request_head",
    "request_body_digest",
    "request_signed_at",
    "response_head",
    "response_body_digest",
    "response_signed_at",
    "error_type",
)
REQUEST_REFUSED = {
    "Server.ServerProxy.SignatureVerification",
    "Server.ServerProxy.CertValidation",
    "Server.ServerProxy.InvalidMessage",
}
RESPONSE_REFUSED = {"Server.ClientProxy.SignatureVerification"}


def canonical(entry: dict[str, Any]) -> str:
    document = {name: entry.get(name) for name in HASHED}
    for name in EXTENDED:
        if entry.get(name) is not None:
            document[name] = entry[name]
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def check_chain(bundle: dict[str, Any]) -> str:
    prev, expected = str(bundle["prev_hash"]), int(bundle["seq_from"])
    for entry in bundle["entries"]:
        if entry.get("seq") != expected:
            return f"entry {expected} is missing (found {entry.get('seq')})"
        if entry.get("prev_hash") != prev:
            return f"entry {expected} is not chained to the entry before it"
        digest = hashlib.sha256((prev + canonical(entry)).encode()).hexdigest()
        if digest != entry.get("entry_hash"):
            return f"entry {expected} does not match its hash"
        prev, expected = digest, expected + 1
    if expected != int(bundle["seq_to"]) + 1:
        return f"entries {expected}..{bundle['seq_to']} are missing"
    return ""


def fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


def common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def message_hash(head: str, body_digest: str) -> str:
    inner = hashlib.sha512(head.encode()).digest()
    if body_digest:
        inner = hashlib.sha512(inner + base64.b64decode(body_digest)).digest()
    return base64.b64encode(inner).decode()


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Members:
    """Members' signing certificates by key id, each checked against the CA once."""

    def __init__(self, bundle: dict[str, Any], ca: x509.Certificate) -> None:
        self.keys: dict[tuple[str, str], x509.Certificate] = {}
        for member, pems in (bundle.get("certificates") or {}).items():
            for pem in pems:
                certificate = x509.load_pem_x509_certificate(pem.encode())
                try:
                    certificate.verify_directly_issued_by(ca)
                except (ValueError, TypeError, InvalidSignature):
                    continue
                if common_name(certificate) == member:
                    self.keys[(member, fingerprint(certificate)[:32])] = certificate

    def verify(self, member: str, data: bytes, wire: str, at: str) -> str:
        key_id, _, value = wire.partition(".")
        certificate = self.keys.get((member, key_id))
        if certificate is None:
            return f"no certificate of {member} with key id {key_id} in the bundle"
        when = instant(at)
        if not certificate.not_valid_before_utc <= when <= certificate.not_valid_after_utc:
            return f"the certificate {key_id} of {member} was not valid at {at}"
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            return "a signature is malformed"
        public = certificate.public_key()
        if len(raw) != 64 or not isinstance(public, ec.EllipticCurvePublicKey):
            return "a signature is malformed"
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            public.verify(der, data, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return f"the signature by {member} does not verify"
        return ""


def head_mismatch(entry: dict[str, Any]) -> str:
    """Why an entry's fields are not what its signed head says (the head is what is signed)."""
    lines = str(entry["request_head"]).split("\r\n")
    headers = {}
    for line in lines[2:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name] = value
    pairs = {
        "message id": (headers.get("x-road-id", ""), entry.get("message_id")),
        "client": (unquote(headers.get("x-road-client", "")), entry.get("client")),
        "user id": (unquote(headers.get("x-road-userid", ""))[:128], entry.get("user_id")),
        "purpose": (headers.get("x-road-purpose", ""), entry.get("purpose")),
        "issue": (unquote(headers.get("x-road-issue", ""))[:1000], entry.get("issue") or ""),
        "represented party": (
            unquote(headers.get("x-road-represented-party", ""))[:600],
            entry.get("represented_party") or "",
        ),
    }
    for name, (signed, logged) in pairs.items():
        if signed != logged:
            return f"its {name} is not the one the request signed"
    target = lines[1] if len(lines) > 1 else ""
    if not unquote(target.partition("?")[0]).startswith(f"/r1/{entry.get('service')}"):
        return "its service is not the one the request signed"
    return ""


def member_of(identifier: str) -> str:
    return "/".join(identifier.split("/")[:3])


def check_signatures(bundle: dict[str, Any], members: Members) -> tuple[int, str]:
    checked = 0
    for entry in bundle["entries"]:
        head = entry.get("request_head")
        if head is None:
            continue
        checked += 1
        seq = entry["seq"]
        mismatch = head_mismatch(entry)
        if mismatch:
            return checked, f"entry {seq}: {mismatch}"
        request_hash = message_hash(head, entry.get("request_body_digest") or "")
        error_type = entry.get("error_type")
        if entry.get("request_signature") and error_type not in REQUEST_REFUSED:
            text = (
                f"nara-xroad-request/2\n{entry['request_signed_at']}\n"
                f"{entry.get('caller') or ''}\n{request_hash}"
            )
            problem = members.verify(
                member_of(entry["client"]),
                text.encode(),
                entry["request_signature"],
                entry["request_signed_at"],
            )
            if problem:
                return checked, f"entry {seq}: the request: {problem}"
        response_head = entry.get("response_head")
        if response_head and entry.get("response_signature") and error_type not in RESPONSE_REFUSED:
            if f"x-road-request-hash:{request_hash}" not in response_head:
                return checked, f"entry {seq}: the response does not answer its request"
            response_hash = message_hash(response_head, entry.get("response_body_digest") or "")
            text = f"nara-xroad-response/2\n{entry['response_signed_at']}\n{response_hash}"
            problem = members.verify(
                member_of(entry["service"]),
                text.encode(),
                entry["response_signature"],
                entry["response_signed_at"],
            )
            if problem:
                return checked, f"entry {seq}: the response: {problem}"
    return checked, ""


def _verify_with(certificate: x509.Certificate, signature: bytes, data: bytes, algo: str) -> None:
    hasher = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}[algo]
    public = certificate.public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        public.verify(signature, data, ec.ECDSA(hasher))
    elif isinstance(public, rsa.RSAPublicKey):
        public.verify(signature, data, padding.PKCS1v15(), hasher)
    else:
        raise InvalidSignature


def check_token(token: bytes, digest: bytes, anchors: list[x509.Certificate]) -> str:  # noqa: PLR0911
    try:
        signed = cms.ContentInfo.load(token)["content"]
        tst_bytes = bytes(signed["encap_content_info"]["content"])
        tst_info = tsp.TSTInfo.load(tst_bytes)
        imprint = tst_info["message_imprint"]
        if imprint["hash_algorithm"]["algorithm"].native != "sha256":
            return "the imprint is not SHA-256"
        if imprint["hashed_message"].native != digest:
            return "the token stamps another hash"
        signer = signed["signer_infos"][0]
        serial = signer["sid"].chosen["serial_number"].native
        certificate = next(
            x509.load_der_x509_certificate(choice.chosen.dump())
            for choice in signed["certificates"]
            if choice.name == "certificate" and choice.chosen.serial_number == serial
        )
        algo = signer["digest_algorithm"]["algorithm"].native
        attributes = signer["signed_attrs"]
        found = next(a for a in attributes if a["type"].native == "message_digest")
        if found["values"][0].native != hashlib.new(algo, tst_bytes).digest():
            return "the signed attributes do not cover the TSTInfo"
        _verify_with(
            certificate,
            signer["signature"].native,
            b"\x31" + attributes.dump()[1:],
            algo,
        )
    except InvalidSignature:
        return "the token's signature does not verify"
    except (ValueError, KeyError, IndexError, StopIteration, TypeError) as error:
        return f"the token is malformed ({error})"
    for anchor in anchors:
        try:
            certificate.verify_directly_issued_by(anchor)
            return ""
        except (ValueError, TypeError, InvalidSignature):
            continue
    return "the time-stamping certificate was not issued by a trusted authority"


def check_stamps(bundle: dict[str, Any], anchors: list[x509.Certificate]) -> tuple[int, str]:
    hashes_by_seq = {int(e["seq"]): str(e["entry_hash"]) for e in bundle["entries"]}
    count = 0
    for stamp in bundle.get("timestamps") or []:
        last = int(stamp["last_seq"])
        logged = hashes_by_seq.get(last)
        if logged is None:
            return count, f"the stamp of entry {last}: the entry is not in the bundle"
        problem = check_token(base64.b64decode(stamp["token"]), bytes.fromhex(logged), anchors)
        if problem:
            return count, f"the stamp of entry {last}: {problem}"
        count += 1
    return count, ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--ca-fingerprint", help="the CA's SHA-256 fingerprint, hex")
    parser.add_argument("--tsa-anchor", type=Path, help="an external TSA's CA certificate")
    args = parser.parse_args(argv)
    try:
        bundle = json.loads(args.bundle.read_text())
        ca = x509.load_pem_x509_certificate(bundle["ca"].encode())
    except (OSError, ValueError, KeyError) as error:
        print(f"not a readable evidence bundle: {error}")
        return 1
    problems = []
    print(f"CA {common_name(ca)}, SHA-256 fingerprint {fingerprint(ca)}")
    if args.ca_fingerprint and args.ca_fingerprint.replace(":", "").lower() != fingerprint(ca):
        problems.append("the bundle's CA is not the one with the given fingerprint")
    chain = check_chain(bundle)
    if chain:
        problems.append(f"chain: {chain}")
    checked, signature = check_signatures(bundle, Members(bundle, ca))
    if signature:
        problems.append(f"signature: {signature}")
    anchors = [ca]
    if args.tsa_anchor:
        anchors.append(x509.load_pem_x509_certificate(args.tsa_anchor.read_bytes()))
    stamps, stamp = check_stamps(bundle, anchors)
    if stamp:
        problems.append(f"time-stamp: {stamp}")
    for problem in problems:
        print(f"FAILED {problem}")
    if problems:
        return 1
    print(
        f"OK entries {bundle['seq_from']}..{bundle['seq_to']}: chain sound, "
        f"{checked} entries' signatures verified, {stamps} time-stamps verified "
        f"(checked {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
