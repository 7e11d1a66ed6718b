"""The faster paths of issuance: issuing in steps, the kept signer and signature room, the
shared font configuration and the PNG QR code. No timings here: speed lives in
`bench/documents.py`; these check that the outputs stay what they were."""

from __future__ import annotations

import hashlib
import io
import re
import threading
from pathlib import Path

import pytest
from fastapi import FastAPI
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from nara.app import Platform
from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.documents import pdf, render, service
from nara.documents.schemas import IssueCreate
from nara.exchange.timestamps import authority_from_settings
from nara.exchange.timestamps.authority import LocalAuthority
from nara.exchange.trust import Keystore

HTML = "<html><body><p>Certificate 증명서</p></body></html>"


def _signed_room(data: bytes) -> int:
    """The hexadecimal digits reserved for the signature of `data`."""
    embedded = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures[-1]
    start, first, second, _ = (int(value) for value in embedded.sig_object["/ByteRange"])
    return second - (start + first) - 2


def _sign(keystore: Keystore, clock: FixedClock, unsigned: bytes) -> bytes:
    key, certificate = keystore.document_signing_key()
    return pdf.sign(
        unsigned,
        key=key,
        certificate=certificate,
        ca_certificate=keystore.ca_certificate,
        authority=LocalAuthority(keystore, clock),
        reason="test",
    )


def test_later_signatures_reserve_the_measured_room_and_stay_valid(
    tmp_path: Path, clock: FixedClock
) -> None:
    keystore = Keystore(tmp_path / "keys", bytes(32), clock=clock)
    unsigned = pdf.render_pdf(HTML)
    first = _sign(keystore, clock, unsigned)
    second = _sign(keystore, clock, unsigned)  # a new authority object: the same room
    assert _signed_room(second) < _signed_room(first)
    for data in (first, second):
        result = pdf.check(data, ca_certificate=keystore.ca_certificate)
        assert result.valid, result.summary
        assert "TIMESTAMP_TOKEN<INTACT:TRUSTED>" in result.summary
        position = data.index(b"stream", len(data) // 4) + 40
        altered = data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]
        assert not pdf.check(altered, ca_certificate=keystore.ca_certificate).valid


def test_a_room_too_small_is_measured_again(tmp_path: Path, clock: FixedClock) -> None:
    keystore = Keystore(tmp_path / "keys", bytes(32), clock=clock)
    unsigned = pdf.render_pdf(HTML)
    _sign(keystore, clock, unsigned)
    key, certificate = keystore.document_signing_key()
    signing = pdf._signing(key, certificate, keystore.ca_certificate)
    measured = signing.bytes_reserved["local"]
    signing.bytes_reserved["local"] = 100  # as if a later token were much larger

    data = _sign(keystore, clock, unsigned)
    assert pdf.check(data, ca_certificate=keystore.ca_certificate).valid
    # Measured anew on this signature (sizes vary by a few bytes: times, serial numbers).
    assert abs(signing.bytes_reserved["local"] - measured) < 64


def test_renderings_in_threads_share_nothing_they_should_not(tmp_path: Path) -> None:
    """Each thread renders with its own font configuration; every file embeds its fonts."""
    files: list[bytes] = []
    lock = threading.Lock()

    def work() -> None:
        data = pdf.render_pdf(HTML)
        with lock:
            files.append(data)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    files.append(pdf.render_pdf(HTML))
    assert len(files) == 3
    for data in files:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        xmp = reader.root["/Metadata"].get_object().data.decode()
        assert re.search(r'pdfaid:part(="|>)2', xmp)
        page = reader.root["/Pages"]["/Kids"][0].get_object()
        fonts = page["/Resources"]["/Font"].values()
        assert fonts
        for reference in fonts:
            font = reference.get_object()
            described = font["/DescendantFonts"][0].get_object()
            descriptor = described["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile2", "/FontFile3")), font


def test_the_qr_code_is_a_png() -> None:
    uri = render.qr_data_uri("https://nara.example/verify/1234-5678-9012-3452")
    assert uri.startswith("data:image/png;base64,")


@pytest.mark.slow
@pytest.mark.usefixtures("rights")
def test_issuing_in_steps_records_a_verifiable_document(
    *,
    app: FastAPI,
    platform: Platform,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    cipher: PiiCipher,
    family: dict[str, int],
) -> None:
    keystore: Keystore = app.state.keystore
    issuer = service.Issuer(
        exchange=app.state.exchange,
        keystore=keystore,
        authority=authority_from_settings(platform.settings, keystore, clock),
        public_base_url="https://nara.example",
    )
    issued = service.issue_document_in_steps(
        session_factory=session_factory,
        clock=clock,
        cipher=cipher,
        issuer=issuer,
        actor="test",
        issue_in=IssueCreate(
            kind="family-relation", person_id=family["father"], requester="citizen:1"
        ),
    )
    assert issued.issuance.sha256 == hashlib.sha256(issued.pdf).hexdigest()
    with session_factory() as session:
        found = service.find_by_key(
            session, cipher, number=issued.issuance.number, possession_key=issued.possession_key
        )
        assert found.status == "valid"
        assert found.content["person"]["name_ko"] == "김철수"
        verified = service.verify_file(session, keystore=keystore, data=issued.pdf)
        assert verified.outcome == "verified", verified.reason
        stored = session.execute(
            text("SELECT count(*) FROM documents_file WHERE issuance_id = :id"),
            {"id": found.id},
        ).scalar_one()
        assert stored == 1
    # The footer, with the QR code as an image, is on every page.
    reader = PdfFileReader(io.BytesIO(issued.pdf), strict=False)
    for page in range(reader.root["/Pages"]["/Count"]):
        resources = reader.root["/Pages"]["/Kids"][page]["/Resources"]
        assert "/XObject" in resources
