"""Issuing a family relation certificate end to end, and verifying it by key and by file."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.documents import pdf
from nara.exchange.timestamps.authority import LocalAuthority
from nara.exchange.trust import Keystore
from tests.support import assert_problem, count_rows, revoke

Auth = Callable[..., dict[str, str]]
TABLES = ("documents_issuance", "documents_file", "documents_change", "core_outbox")


def _issue(client: TestClient, auth: Auth, person_id: int, **extra: Any) -> Any:
    return client.post(
        "/api/documents/issue",
        json={"kind": "family-relation", "person_id": person_id, "requester": "citizen:1"} | extra,
        headers=auth("documents:issue"),
    )


def _upload(client: TestClient, data: bytes) -> dict[str, Any]:
    response = client.post(
        "/api/documents/verify/upload", content=data, headers={"content-type": "application/pdf"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _fonts(reader: PdfFileReader) -> dict[str, bool]:
    """The fonts of every page, by name, and whether each has its font file embedded."""
    found: dict[str, bool] = {}

    def walk(node: Any) -> None:
        if "/Kids" in node:
            for kid in node["/Kids"]:
                walk(kid.get_object())
            return
        for reference in node["/Resources"]["/Font"].values():
            font = reference.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = described["/FontDescriptor"].get_object()
            found[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )

    walk(reader.root["/Pages"].get_object())
    return found


def _pyhanko_status(data: bytes, keystore: Keystore) -> Any:
    root = asn1_x509.Certificate.load(keystore.ca_certificate.public_bytes(Encoding.DER))
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    (embedded,) = reader.embedded_signatures
    return validate_pdf_signature(
        embedded, ValidationContext(trust_roots=[root], allow_fetching=False)
    )


@pytest.mark.slow
@pytest.mark.usefixtures("rights")
def test_a_family_relation_certificate_is_issued_signed_and_verifiable(
    *, app: FastAPI, client: TestClient, auth: Auth, family: dict[str, int], session: Session
) -> None:
    issued = _issue(client, auth, family["father"])
    assert issued.status_code == 201, issued.text
    body = issued.json()
    number, key = body["number"], body["possession_key"]
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{4}", number)
    assert body["status"] == "valid" and body["kind"] == "family-relation"
    content = body["content"]
    assert content["person"]["name_ko"] == "김철수"
    assert content["person"]["birth_date"] == "1970-05-01"
    assert [s["name_ko"] for s in content["spouse"]] == ["이영희"]
    assert [(c["name_ko"], c["birth_date"]) for c in content["children"]] == [
        ("김민준", "2000-03-01")
    ]
    assert content["parents"] == []

    # The holder downloads the signed PDF; it is the file the record describes.
    lookup = {"number": number, "possession_key": key}
    download = client.post("/api/documents/download", json=lookup)
    assert download.status_code == 200, download.text
    assert download.headers["content-type"] == "application/pdf"
    data = download.content
    assert hashlib.sha256(data).hexdigest() == body["sha256"]

    # PDF/A-2b, with the confirmation number in its metadata and the Nanum fonts embedded.
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    xmp = reader.root["/Metadata"].get_object().data.decode()
    assert re.search(r'pdfaid:part(="|>)2', xmp) and re.search(r'pdfaid:conformance(="|>)B', xmp)
    assert number in xmp
    fonts = _fonts(reader)
    assert fonts and all(embedded for embedded in fonts.values()), fonts
    assert any("NanumGothic" in name for name in fonts)
    assert any("NanumMyeongjo" in name for name in fonts)

    # pyHanko's own validator: intact, trusted by the platform root, covering the whole file.
    keystore: Keystore = app.state.keystore
    status = _pyhanko_status(data, keystore)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted

    verified = _upload(client, data)
    assert verified["outcome"] == "verified", verified
    assert verified["document"]["number"] == number
    assert verified["signature"]["intact"] and verified["signature"]["trusted"]

    # One byte changed inside the signed content: pyHanko and the service both refuse it.
    position = data.index(b"stream", len(data) // 4) + 40
    altered = data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]
    assert not _pyhanko_status(altered, keystore).bottom_line
    refused = _upload(client, altered)
    assert refused["outcome"] == "altered", refused
    assert refused["document"] is None
    assert refused["claimed_number"] == number

    # Content appended after signing is reported as well.
    appended = _upload(client, data + b"\n% appended\n")
    assert appended["outcome"] == "altered", appended


@pytest.mark.usefixtures("rights")
def test_the_number_and_possession_key_show_the_content_and_its_status(
    *, client: TestClient, auth: Auth, family: dict[str, int], session: Session
) -> None:
    issued = _issue(client, auth, family["child"])
    assert issued.status_code == 201, issued.text
    body = issued.json()
    number, key, content = body["number"], body["possession_key"], body["content"]
    assert [p["relation_en"] for p in content["parents"]] == ["Father", "Mother"]
    lookup = {"number": number, "possession_key": key}
    data = client.post("/api/documents/download", json=lookup).content

    # By number and possession key: the content and status; a wrong key reveals nothing.
    shown = client.post("/api/documents/verify", json=lookup)
    assert shown.status_code == 200 and shown.json()["content"] == content
    wrong_key = client.post(
        "/api/documents/verify", json={"number": number, "possession_key": "2222-2222-2222"}
    )
    assert_problem(wrong_key, 404, "document_unknown")
    wrong_number = client.post(
        "/api/documents/verify",
        json={"number": "1234-5678-9012-3452", "possession_key": key},
    )
    assert_problem(wrong_number, 404, "document_unknown")
    assert_problem(
        client.post("/api/documents/download", json={**lookup, "possession_key": "2222-2222-2222"}),
        404,
        "document_unknown",
    )

    # Revoked: both verifications show it.
    revoked = client.post(
        f"/api/documents/{number}/revoke",
        json={"reason": "issued in error"},
        headers=auth("documents:revoke"),
    )
    assert revoked.status_code == 200, revoked.text
    assert client.post("/api/documents/verify", json=lookup).json()["status"] == "revoked"
    assert _upload(client, data)["outcome"] == "revoked"
    again = client.post(
        f"/api/documents/{number}/revoke", json={"reason": "x"}, headers=auth("documents:revoke")
    )
    assert_problem(again, 409, "document_revoked")

    actions = (
        session.execute(text("SELECT action FROM documents_change ORDER BY id")).scalars().all()
    )
    assert actions == ["issued", "revoked"]
    events = (
        session.execute(
            text("SELECT event_type FROM core_outbox WHERE source = 'document' ORDER BY id")
        )
        .scalars()
        .all()
    )
    assert events == ["document.issued", "document.revoked"]


def test_files_not_signed_by_the_platform_are_reported_as_forged(
    *, client: TestClient, tmp_path: Path, clock: FixedClock
) -> None:
    unsigned = pdf.render_pdf("<html><body><p>Certificate</p></body></html>")
    assert _upload(client, unsigned)["outcome"] == "forged"

    # Signed by a look-alike authority of another keystore.
    other = Keystore(tmp_path / "other", bytes(32), clock=clock)
    key, certificate = other.document_signing_key()
    signed = pdf.sign(
        unsigned,
        key=key,
        certificate=certificate,
        ca_certificate=other.ca_certificate,
        authority=LocalAuthority(other, clock),
        reason="forgery",
    )
    answer = _upload(client, signed)
    assert answer["outcome"] == "forged", answer
    assert answer["signature"]["signed"] and not answer["signature"]["trusted"]

    assert _upload(client, b"not a pdf at all")["outcome"] == "altered"
    empty = client.post(
        "/api/documents/verify/upload", content=b"", headers={"content-type": "application/pdf"}
    )
    assert_problem(empty, 422, "document_empty")


@pytest.mark.usefixtures("rights")
def test_refused_issuances_leave_nothing_behind(
    *, client: TestClient, auth: Auth, family: dict[str, int], session: Session
) -> None:
    before = {table: count_rows(session, table) for table in TABLES}

    assert_problem(
        _issue(client, auth, family["father"], kind="marriage-x"), 404, "document_kind_unknown"
    )
    assert_problem(_issue(client, auth, 987_654), 404, "person_unknown")
    assert_problem(
        _issue(client, auth, family["father"], as_of="2030-01-01"), 422, "as_of_in_future"
    )
    no_scope = client.post(
        "/api/documents/issue",
        json={"kind": "family-relation", "person_id": family["father"], "requester": "x"},
        headers=auth("family:read"),
    )
    assert no_scope.status_code == 403

    assert {table: count_rows(session, table) for table in TABLES} == before


def test_without_a_right_on_the_exchange_the_single_window_cannot_issue(
    *, client: TestClient, auth: Auth, family: dict[str, int], session: Session, clock: FixedClock
) -> None:
    revoke(session, clock, "gov24", "family/relations")  # granted at install
    session.commit()
    response = _issue(client, auth, family["father"])
    assert response.status_code == 403, response.text
    assert response.json()["code"] in {"access_denied", "service_disabled", "service_unknown"}
