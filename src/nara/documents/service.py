"""The rules of issued documents: issue, revoke, and verify by key or by the file itself.

Issuance reads the register through the exchange as the single window (`gov24`), renders the
kind's template to PDF/A-2b, signs it PAdES-B-T with the platform's document-signing key and
a time-stamp, and records the issuance (number, keyed digest of the possession key, SHA-256
of the file, subject, requester, issuer, time, content) with a change row, in the caller's
transaction. Verification needs no sign-in: the number with its possession key shows what
was issued and its status; an uploaded file is checked by its signature and its digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from cryptography import x509
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from nara.core.clock import Clock, today
from nara.core.db import unit_of_work
from nara.core.errors import Conflict, Invalid, Message, NotFound, invalid
from nara.core.history import record_change
from nara.core.pii import PiiCipher
from nara.documents import pdf, repository
from nara.documents.exchange import CLIENT
from nara.documents.kinds import DocumentKind, kind_of
from nara.documents.models import DocumentsChange, Issuance, IssuedFile
from nara.documents.numbers import (
    format_number,
    key_digest,
    new_number,
    new_possession_key,
    parse_number,
)
from nara.documents.render import render_html
from nara.documents.schemas import IssueCreate, RevokeCreate
from nara.exchange import CallContext, Exchange
from nara.exchange.trust.ca import fingerprint

if TYPE_CHECKING:
    from nara.exchange.timestamps.authority import TimeStampAuthority
    from nara.exchange.trust import Keystore

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PDF_MEDIA_TYPE = "application/pdf"
Outcome = Literal["verified", "revoked", "altered", "forged", "unknown"]


@dataclass(frozen=True)
class Issuer:
    """The platform parts issuance uses: the exchange, the keystore (document-signing key
    and CA), the time-stamping authority and the public address QR codes point to."""

    exchange: Exchange
    keystore: Keystore
    authority: TimeStampAuthority
    public_base_url: str


@dataclass(frozen=True)
class Issued:
    issuance: Issuance
    pdf: bytes
    possession_key: str
    """Shown to the holder once; only its keyed digest is stored."""


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    reason: Message
    check: pdf.SignatureCheck
    issuance: Issuance | None


def _unknown() -> NotFound:
    return NotFound(
        "document_unknown",
        Message(
            "No document matches this confirmation number and possession key.",
            "이 문서확인번호와 열람키에 맞는 문서가 없습니다.",
        ),
    )


@dataclass(frozen=True)
class Prepared:
    """What a certificate is made from, read and chosen before it is rendered and signed."""

    kind: DocumentKind
    issue_in: IssueCreate
    as_of: dt.date
    content: dict[str, Any]
    number: str
    possession_key: str
    issued_at: dt.datetime


@dataclass(frozen=True)
class Made:
    """The signed file of a prepared certificate and the certificate that signed it."""

    pdf: bytes
    signer_certificate: x509.Certificate


def issue_document(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    issuer: Issuer,
    actor: str,
    issue_in: IssueCreate,
) -> Issued:
    """Issue a certificate of `issue_in.kind` about `issue_in.person_id`, signed and recorded,
    all in the caller's transaction (`issue_document_in_steps` keeps rendering and signing
    out of any transaction)."""
    prepared = prepare_issuance(
        session=session, clock=clock, cipher=cipher, issuer=issuer, issue_in=issue_in
    )
    made = make_file(prepared, issuer=issuer)
    return record_issuance(
        session=session, clock=clock, cipher=cipher, actor=actor, prepared=prepared, made=made
    )


def issue_document_in_steps(
    *,
    session_factory: sessionmaker[Session],
    clock: Clock,
    cipher: PiiCipher,
    issuer: Issuer,
    actor: str,
    issue_in: IssueCreate,
) -> Issued:
    """`issue_document` in three steps, for callers with no transaction of their own: the
    exchange reads in one short transaction (committed: the reads stay logged even if
    signing then fails), rendering and signing outside any transaction, and the record in a
    second short one. On SQLite the database's write lock is then not held while a file is
    rendered and signed, so issuances in several processes overlap."""
    with unit_of_work(session_factory) as session:
        prepared = prepare_issuance(
            session=session, clock=clock, cipher=cipher, issuer=issuer, issue_in=issue_in
        )
    made = make_file(prepared, issuer=issuer)
    with unit_of_work(session_factory) as session:
        issued = record_issuance(
            session=session, clock=clock, cipher=cipher, actor=actor, prepared=prepared, made=made
        )
        session.expunge(issued.issuance)  # usable, loaded, after the session ends
    return issued


def prepare_issuance(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    issuer: Issuer,
    issue_in: IssueCreate,
) -> Prepared:
    """Check the request, read the register through the exchange, and choose the number,
    the possession key and the time of issue."""
    kind = kind_of(issue_in.kind)
    as_of = issue_in.as_of or today(clock)
    if as_of > today(clock):
        raise invalid(
            "as_of_in_future",
            "A certificate can only show the register as of today or earlier.",
            "증명서는 오늘 또는 그 이전 기준으로만 발급합니다.",
            field_name="as_of",
        )

    def context(purpose: str) -> CallContext:
        return CallContext(
            session=session,
            clock=clock,
            cipher=cipher,
            client=CLIENT,
            purpose=purpose,
            user_id=issue_in.requester,
        )

    try:
        content = kind.fetch(issuer.exchange, context, issue_in.person_id, as_of, issue_in.subject)
    except ValidationError as error:  # the person id or subject cannot even be asked about
        raise _request_unfit(error) from None
    number = new_number()
    while repository.number_taken(session, number):
        number = new_number()
    return Prepared(
        kind=kind,
        issue_in=issue_in,
        as_of=as_of,
        content=content,
        number=number,
        possession_key=new_possession_key(),
        issued_at=clock.now(),
    )


def _request_unfit(error: ValidationError) -> Invalid:
    """422 `params_invalid`: the person id or subject does not fit the register's service."""
    problems = [
        {"field": ".".join(str(part) for part in problem["loc"]), "message": problem["msg"]}
        for problem in error.errors(include_url=False, include_context=False, include_input=False)
    ]
    fields = ", ".join(problem["field"] for problem in problems)
    return Invalid(
        "params_invalid",
        Message(
            f"The person id or subject does not fit the register's service ({fields}).",
            f"사람 id 또는 대상이 기관 서비스의 형식에 맞지 않습니다 ({fields}).",
        ),
        {"errors": problems},
    )


def make_file(prepared: Prepared, *, issuer: Issuer) -> Made:
    """Render the prepared certificate to PDF/A-2b and sign it PAdES-B-T (no database)."""
    kind = prepared.kind
    html = render_html(
        kind,
        content=prepared.content,
        number=prepared.number,
        issued_at=prepared.issued_at,
        public_base_url=issuer.public_base_url,
    )
    key, certificate = issuer.keystore.document_signing_key()
    signed = pdf.sign(
        pdf.render_pdf(html),
        key=key,
        certificate=certificate,
        ca_certificate=issuer.keystore.ca_certificate,
        authority=issuer.authority,
        reason=f"{kind.title_ko} {format_number(prepared.number)}",
    )
    return Made(pdf=signed, signer_certificate=certificate)


def record_issuance(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    actor: str,
    prepared: Prepared,
    made: Made,
) -> Issued:
    """Record a signed certificate: the issuance, its file and a change row with its event."""
    kind, issue_in, number = prepared.kind, prepared.issue_in, prepared.number
    digest = hashlib.sha256(made.pdf).hexdigest()
    issuance = Issuance(
        number=number,
        key_digest=key_digest(cipher, number, prepared.possession_key),
        sha256=digest,
        kind=kind.code,
        subject_person_id=issue_in.person_id,
        requester=issue_in.requester,
        issuer=kind.issuer,
        signer_fingerprint=fingerprint(made.signer_certificate),
        issued_at=prepared.issued_at,
        as_of=prepared.as_of,
        status="valid",
        revoked_at=None,
        revoked_reason=None,
        content=prepared.content,
    )
    session.add(issuance)
    session.flush()
    session.add(IssuedFile(issuance_id=issuance.id, media_type=PDF_MEDIA_TYPE, data=made.pdf))
    record_change(
        session,
        clock,
        DocumentsChange,
        entity="document",
        entity_id=issuance.id,
        action="issued",
        data={
            "number": format_number(number),
            "kind": kind.code,
            "subject_person_id": issue_in.person_id,
            "requester": issue_in.requester,
            "sha256": digest,
        },
        actor=actor,
        event_type="document.issued",
    )
    session.flush()
    return Issued(issuance=issuance, pdf=made.pdf, possession_key=prepared.possession_key)


def find_by_key(
    session: Session, cipher: PiiCipher, *, number: str, possession_key: str
) -> Issuance:
    """The document with this number whose possession key is `possession_key`, or 404
    `document_unknown` (the same answer whichever of the two is wrong)."""
    digits = parse_number(number)
    issuance = None if digits is None else repository.by_number(session, digits)
    expected = key_digest(cipher, digits or "", possession_key)
    if issuance is None or not hmac.compare_digest(issuance.key_digest, expected):
        raise _unknown()
    return issuance


def file_by_key(
    session: Session, cipher: PiiCipher, *, number: str, possession_key: str
) -> tuple[Issuance, bytes]:
    """The signed PDF of a document, for the holder of its number and possession key."""
    issuance = find_by_key(session, cipher, number=number, possession_key=possession_key)
    stored = repository.file_of(session, issuance.id)
    if stored is None:
        raise _unknown()
    return issuance, stored.data


def revoke_document(
    *, session: Session, clock: Clock, actor: str, number: str, revoke_in: RevokeCreate
) -> Issuance:
    """Revoke an issued document: verification then shows it as revoked."""
    digits = parse_number(number)
    issuance = None if digits is None else repository.by_number(session, digits)
    if issuance is None:
        raise NotFound(
            "document_unknown",
            Message(
                f"No document has the confirmation number {number}.",
                f"문서확인번호 {number}인 문서가 없습니다.",
            ),
        )
    if issuance.status == "revoked":
        raise Conflict(
            "document_revoked",
            Message(
                f"The document {format_number(issuance.number)} is already revoked.",
                f"문서 {format_number(issuance.number)}는 이미 취소되었습니다.",
            ),
        )
    issuance.status = "revoked"
    issuance.revoked_at = clock.now()
    issuance.revoked_reason = revoke_in.reason
    record_change(
        session,
        clock,
        DocumentsChange,
        entity="document",
        entity_id=issuance.id,
        action="revoked",
        data={"number": format_number(issuance.number), "reason": revoke_in.reason},
        actor=actor,
        event_type="document.revoked",
    )
    session.flush()
    return issuance


def check_upload(data: bytes) -> None:
    """Refuse an upload that is empty or larger than `MAX_UPLOAD_BYTES` (422)."""
    if not data:
        raise invalid("document_empty", "Upload the PDF file.", "PDF 파일을 올려 주십시오.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise invalid(
            "document_too_large",
            f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
            f"파일이 {MAX_UPLOAD_BYTES // (1024 * 1024)}MB보다 큽니다.",
        )


def verify_file(session: Session, *, keystore: Keystore, data: bytes) -> Verification:
    """Check an uploaded PDF: its signature (pyHanko, trusting only the platform CA) and that
    it is, byte for byte, a document this platform issued.

    Outcomes: `verified` (genuine and valid), `revoked` (genuine, since revoked), `altered`
    (changed after signing, or damaged), `forged` (no signature of the platform),
    `unknown` (signed by the platform, but no issuance record has this file).
    """
    check_upload(data)
    return _decide(session, data, pdf.check(data, ca_certificate=keystore.ca_certificate))


async def async_verify_file(session: Session, *, keystore: Keystore, data: bytes) -> Verification:
    """`verify_file` for async callers (pyHanko's validator awaited on the caller's loop)."""
    check_upload(data)
    result = await pdf.async_check(data, ca_certificate=keystore.ca_certificate)
    return _decide(session, data, result)


def _known_number(session: Session, number: str | None) -> bool:
    digits = None if number is None else parse_number(number)
    return digits is not None and repository.number_taken(session, digits)


def _decide(session: Session, data: bytes, result: pdf.SignatureCheck) -> Verification:
    digest = hashlib.sha256(data).hexdigest()
    issuance = repository.by_sha256(session, digest) if result.valid else None
    claimed = f" It claims to be document {result.number}." if result.number else ""
    claimed_ko = f" 문서 {result.number}(으)로 표시되어 있습니다." if result.number else ""

    failures: list[tuple[bool, Outcome, str, str]] = [
        (
            not result.readable,
            "altered",
            "The file cannot be read as a PDF: it is damaged or was altered.",
            "파일을 PDF로 읽을 수 없습니다. 손상되었거나 변조되었습니다.",
        ),
        (
            not result.signed,
            "forged",
            "The file carries no signature: it was not issued by this platform." + claimed,
            "파일에 전자서명이 없습니다. 이 플랫폼이 발급한 문서가 아닙니다." + claimed_ko,
        ),
        (
            not result.intact,
            "altered",
            "The file was changed after it was signed." + claimed,
            "서명된 뒤에 파일이 변경되었습니다." + claimed_ko,
        ),
        (
            not result.trusted,
            "forged",
            "The signature is not by a key the platform's certification authority vouches for."
            + claimed,
            "플랫폼 인증기관이 보증하지 않은 키로 서명되었습니다." + claimed_ko,
        ),
        (
            not result.entire_file,
            "altered",
            "Content was added to the file after it was signed." + claimed,
            "서명된 뒤에 파일에 내용이 덧붙여졌습니다." + claimed_ko,
        ),
        (
            issuance is None and _known_number(session, result.number),
            "altered",
            "The file differs from the document it claims to be, as issued." + claimed,
            "파일이 발급된 문서와 다릅니다." + claimed_ko,
        ),
        (
            issuance is None,
            "unknown",
            "The signature is the platform's, but no issuance record has this file." + claimed,
            "플랫폼의 서명이지만 이 파일의 발급 기록이 없습니다." + claimed_ko,
        ),
    ]
    for failed, kind, en, ko in failures:
        if failed:
            return Verification(kind, Message(en, ko), result, issuance)
    assert issuance is not None  # noqa: S101  (the last failure above covers None)
    number = format_number(issuance.number)
    if issuance.status == "revoked":
        return Verification(
            "revoked",
            Message(
                f"The document {number} is genuine but was revoked.",
                f"문서 {number}는 진본이지만 취소되었습니다.",
            ),
            result,
            issuance,
        )
    return Verification(
        "verified",
        Message(
            f"The document {number} is genuine, unaltered and valid.",
            f"문서 {number}는 변조되지 않은 유효한 진본입니다.",
        ),
        result,
        issuance,
    )
