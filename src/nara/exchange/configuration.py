"""A node's published configuration: how installs come to trust each other (X-Road's global
configuration, in small).

`GET /api/exchange/configuration` (public) answers a JSON document, signed by the node:

    {"format": "nara-exchange-configuration/1", "instance": "KR", "node": "node-a.example",
     "generated_at": "...",
     "ca": {"certificate": "<PEM>", "fingerprint": "<SHA-256 hex>"},
     "node_certificate": "<PEM: the node's TLS certificate, issued by the CA>",
     "members": [{"id": "KR/GOV/MOIS", "name_en": "...", "name_ko": "...",
                  "certificates": ["<PEM>", ...]}],
     "subsystems": ["KR/GOV/MOIS/residents", ...],
     "services": [{"id": "KR/GOV/MOIS/residents/person-summaries", "description": "...",
                   "enabled": true, "openapi": "<text>"}],
     "signature": "<base64 DER ECDSA-SHA256 by the node's TLS key over the document without
                   this field, as canonical JSON: sorted keys, no spaces, UTF-8>"}

`members` lists the members whose signing keys this node holds, with every signing certificate
it holds for them; `subsystems` and `services`, what this node serves. Another node imports it
(`nara exchange trust import <url> --ca-fingerprint <hex>`): the CA must have the fingerprint
the operator got from the CA's holder out of band, the node certificate must be the CA's, the
signature must verify; then the CA is trusted (the first time), each member certificate issued
by the CA for that member is kept for verifying signatures, and the members, subsystems and
services enter the directory. A document of another instance (federation) brings its directory
entries; its certificates are not trusted (the platform trusts one CA).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.errors import Invalid, Message, NaraError
from nara.exchange.directory_admin.platform import PublishedEntries, register_published
from nara.exchange.trust import Keystore, MemberId, fingerprint
from nara.exchange.trust.ca import common_name

FORMAT: Final = "nara-exchange-configuration/1"


def canonical(document: dict[str, Any]) -> bytes:
    """The bytes a configuration's signature covers: the document less `signature`."""
    unsigned = {key: value for key, value in document.items() if key != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(Encoding.PEM).decode()


def publish(
    keystore: Keystore,
    *,
    instance: str,
    node: str,
    now: dt.datetime,
    members: list[tuple[MemberId, str, str]],
    entries: PublishedEntries,
) -> dict[str, Any]:
    """This node's configuration, signed by its TLS key. `members`: (id, English name,
    Korean name) of the members whose signing keys it holds."""
    key, node_certificate = keystore.node_tls_key(node)
    ca_certificate = keystore.ca_certificate
    document: dict[str, Any] = {
        "format": FORMAT,
        "instance": instance,
        "node": node,
        "generated_at": now.astimezone(dt.UTC).isoformat(),
        "ca": {"certificate": _pem(ca_certificate), "fingerprint": fingerprint(ca_certificate)},
        "node_certificate": _pem(node_certificate),
        "members": [
            {
                "id": str(member),
                "name_en": name_en,
                "name_ko": name_ko,
                "certificates": [_pem(c.certificate) for c in keystore.certificates(member)],
            }
            for member, name_en, name_ko in members
        ],
        "subsystems": list(entries.subsystems),
        "services": [dict(service) for service in entries.services],
    }
    signature = key.sign(canonical(document), ec.ECDSA(hashes.SHA256()))
    document["signature"] = base64.b64encode(signature).decode()
    return document


def fetch(source: str) -> dict[str, Any]:
    """A configuration document from a URL (the CA's fingerprint, not TLS, is what makes it
    trusted) or a file."""
    try:
        if source.startswith(("http://", "https://")):
            with httpx.Client(verify=False, timeout=30, trust_env=False) as http:  # noqa: S501
                reply = http.get(source)
                reply.raise_for_status()
                found = reply.json()
        else:
            found = json.loads(Path(source).read_text())
    except (httpx.HTTPError, OSError, ValueError) as error:
        raise _invalid(
            f"The configuration could not be read from {source}: {error}",
            f"{source}에서 구성을 읽을 수 없습니다: {error}",
        ) from None
    if not isinstance(found, dict):
        raise _invalid("The configuration is not a JSON object.", "구성이 JSON 객체가 아닙니다.")
    return found


def _invalid(en: str, ko: str) -> Invalid:
    return Invalid("configuration_invalid", Message(en, ko))


@dataclass(frozen=True)
class ImportReport:
    ca_fingerprint: str
    certificates: int
    members: int
    subsystems: int
    services: int


def verify_document(document: dict[str, Any], *, ca_fingerprint: str) -> x509.Certificate:
    """The document's CA certificate, once the document is shown to be signed by a node of
    the CA whose fingerprint is `ca_fingerprint`; 422 `configuration_invalid` otherwise."""
    if document.get("format") != FORMAT:
        raise _invalid("Not a Nara exchange configuration.", "Nara 정보공유 구성이 아닙니다.")
    try:
        ca = x509.load_pem_x509_certificate(str(document["ca"]["certificate"]).encode())
        node = x509.load_pem_x509_certificate(str(document["node_certificate"]).encode())
        signature = base64.b64decode(str(document["signature"]), validate=True)
    except (KeyError, TypeError, ValueError):
        raise _invalid(
            "The configuration lacks its CA, node certificate or signature.",
            "구성에 인증기관, 노드 인증서 또는 서명이 없습니다.",
        ) from None
    wanted = ca_fingerprint.replace(":", "").strip().lower()
    if fingerprint(ca) != wanted:
        raise _invalid(
            f"The configuration's CA has the fingerprint {fingerprint(ca)}, not {wanted}.",
            f"구성의 인증기관 지문은 {wanted}이(가) 아니라 {fingerprint(ca)}입니다.",
        )
    try:
        node.verify_directly_issued_by(ca)
        public = node.public_key()
        if not isinstance(public, ec.EllipticCurvePublicKey):
            raise InvalidSignature
        public.verify(signature, canonical(document), ec.ECDSA(hashes.SHA256()))
    except (ValueError, TypeError, InvalidSignature):
        raise _invalid(
            "The configuration is not signed by a node of that CA.",
            "구성이 그 인증기관의 노드가 서명한 것이 아닙니다.",
        ) from None
    return ca


def import_configuration(
    session: Session,
    clock: Clock,
    keystore: Keystore,
    document: dict[str, Any],
    *,
    ca_fingerprint: str,
    home_instance: str = "KR",
) -> ImportReport:
    """Trust what a node publishes (module doc); never commits."""
    ca = verify_document(document, ca_fingerprint=ca_fingerprint)
    instance = str(document.get("instance", ""))
    federated = instance != home_instance
    certificates = 0
    if not federated:
        keystore.import_ca(ca.public_bytes(Encoding.PEM))
    members: list[tuple[str, str, str]] = []
    for item in document.get("members") or []:
        member = MemberId.parse(str(item["id"]))
        if member.instance != instance:
            raise _invalid(
                f"The member {member} is not of the instance {instance}.",
                f"{member} 회원은 {instance} 인스턴스에 속하지 않습니다.",
            )
        members.append((str(member), str(item.get("name_en", "")), str(item.get("name_ko", ""))))
        if federated:
            continue
        for pem in item.get("certificates") or []:
            certificate = x509.load_pem_x509_certificate(str(pem).encode())
            try:
                certificate.verify_directly_issued_by(ca)
            except (ValueError, TypeError, InvalidSignature):
                continue
            if common_name(certificate) == str(member):
                keystore.add_certificate(member, str(pem).encode())
                certificates += 1
    try:
        entries = PublishedEntries(
            members=tuple(members),
            subsystems=tuple(str(s) for s in document.get("subsystems") or []),
            services=tuple(dict(s) for s in document.get("services") or []),
        )
        added = register_published(session, clock, entries)
    except (KeyError, TypeError, ValueError, NaraError) as error:
        raise _invalid(
            f"The configuration's directory entries are malformed: {error}",
            f"구성의 디렉터리 항목 형식이 잘못되었습니다: {error}",
        ) from None
    return ImportReport(
        ca_fingerprint=fingerprint(ca),
        certificates=certificates,
        members=added[0],
        subsystems=added[1],
        services=added[2],
    )
