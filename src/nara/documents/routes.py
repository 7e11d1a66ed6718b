"""JSON API of issued documents under /api/documents.

Issuing needs the scope `documents:issue` (the portal calls the service itself for a signed-in
citizen); revoking `documents:revoke`. Downloading and both verifications are public: the
confirmation number with its possession key is the holder's credential, and anyone may check
a file. Rate limiting of the public routes belongs to the portal's front end.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from nara.core.access import Caller, public, require
from nara.core.web import CipherDep, ClockDep, DbSession, SettingsDep
from nara.documents import service
from nara.documents.models import Issuance
from nara.documents.schemas import (
    DocumentRead,
    IssueCreate,
    IssuedRead,
    KeyedLookup,
    RevokeCreate,
    SignatureRead,
    VerificationRead,
)
from nara.exchange import ExchangeDep
from nara.exchange.timestamps.authority import authority_from_settings
from nara.exchange.trust import Keystore

router = APIRouter(prefix="/api/documents", tags=["documents"])

Issuing = Annotated[Caller, Depends(require("documents:issue"))]
Revoking = Annotated[Caller, Depends(require("documents:revoke"))]
HOLDER = "the confirmation number with its possession key is the holder's credential"
ANYONE = "anyone may check an issued document"


def get_keystore(request: Request) -> Keystore:
    keystore: Keystore = request.app.state.keystore
    return keystore


KeystoreDep = Annotated[Keystore, Depends(get_keystore)]


def get_issuer(
    exchange: ExchangeDep, keystore: KeystoreDep, settings: SettingsDep, clock: ClockDep
) -> service.Issuer:
    return service.Issuer(
        exchange=exchange,
        keystore=keystore,
        authority=authority_from_settings(settings, keystore, clock),
        public_base_url=settings.public_base_url,
    )


def document_read(issuance: Issuance) -> DocumentRead:
    return DocumentRead(
        **DocumentRead.summary_of(issuance),
        revoked_at=issuance.revoked_at,
        sha256=issuance.sha256,
        content=issuance.content,
    )


@router.post("/issue", status_code=status.HTTP_201_CREATED, response_model=IssuedRead)
def issue(
    *,
    issue_in: IssueCreate,
    caller: Issuing,
    request: Request,
    clock: ClockDep,
    cipher: CipherDep,
    issuer: Annotated[service.Issuer, Depends(get_issuer)],
) -> IssuedRead:
    """Issue a certificate: read through the exchange, render, sign, record. The answer holds
    the possession key, shown this once; download the PDF with it.

    Issued in steps (the reads, then rendering and signing outside any transaction, then the
    record), so that the database is not held while the file is made."""
    issued = service.issue_document_in_steps(
        session_factory=request.app.state.session_factory,
        clock=clock,
        cipher=cipher,
        issuer=issuer,
        actor=caller.actor,
        issue_in=issue_in,
    )
    return IssuedRead(
        **document_read(issued.issuance).model_dump(), possession_key=issued.possession_key
    )


@router.post(
    "/download",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The signed PDF."}},
    dependencies=[Depends(public(HOLDER))],
)
def download(*, lookup: KeyedLookup, session: DbSession, cipher: CipherDep) -> Response:
    """The signed PDF of a document, for the holder of its number and possession key."""
    issuance, data = service.file_by_key(
        session, cipher, number=lookup.number, possession_key=lookup.possession_key
    )
    return Response(
        content=data,
        media_type=service.PDF_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{issuance.kind}-{issuance.number}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/verify", response_model=DocumentRead, dependencies=[Depends(public(HOLDER))])
def verify_by_key(*, lookup: KeyedLookup, session: DbSession, cipher: CipherDep) -> DocumentRead:
    """What was issued under this number, and whether it is still valid."""
    issuance = service.find_by_key(
        session, cipher, number=lookup.number, possession_key=lookup.possession_key
    )
    return document_read(issuance)


@router.post(
    "/verify/upload",
    response_model=VerificationRead,
    dependencies=[Depends(public(ANYONE))],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def verify_upload(
    request: Request, session: DbSession, keystore: KeystoreDep
) -> VerificationRead:
    """Check an uploaded PDF (the request body, `application/pdf`): its signature against the
    platform's CA and that it is exactly a file this platform issued."""
    data = await request.body()
    result = await service.async_verify_file(session, keystore=keystore, data=data)
    check = result.check
    return VerificationRead(
        outcome=result.outcome,
        reason_en=result.reason.en,
        reason_ko=result.reason.ko,
        claimed_number=check.number,
        signature=SignatureRead(
            readable=check.readable,
            signed=check.signed,
            intact=check.intact,
            trusted=check.trusted,
            entire_file=check.entire_file,
            signer=check.signer,
            signed_at=check.signed_at,
            summary=check.summary,
        ),
        document=None if result.issuance is None else document_read(result.issuance),
    )


@router.post("/{number}/revoke", response_model=DocumentRead)
def revoke(
    *, number: str, revoke_in: RevokeCreate, caller: Revoking, session: DbSession, clock: ClockDep
) -> DocumentRead:
    """Revoke an issued document; verification shows it as revoked from now on."""
    issuance = service.revoke_document(
        session=session, clock=clock, actor=caller.actor, number=number, revoke_in=revoke_in
    )
    return document_read(issuance)
