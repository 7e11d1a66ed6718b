"""Public verification of issued documents (진위확인), without sign-in.

By confirmation number and possession key: what was issued and whether it is still valid
(`nara.documents.service.find_by_key`). By the file: an uploaded PDF (multipart, at most
10 MB) is checked by its signature and digest (`async_verify_file`): verified, revoked,
altered, forged or unknown, with the reason. `/verify/{number}` is the target of the QR
code printed on a document; it fills in the number.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from nara.core.access import public
from nara.core.errors import NaraError
from nara.core.web import CipherDep, DbSession
from nara.documents import service
from nara.documents.kinds import KINDS
from nara.documents.models import Issuance
from nara.documents.numbers import format_number
from nara.portal.rendering import PortalRoute, language, message_of, render

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

ANYONE = "anyone may check a document issued by the platform"
Anyone = Annotated[None, Depends(public(ANYONE))]

MAX_UPLOAD_BYTES = service.MAX_UPLOAD_BYTES


def _document(issuance: Issuance, lang: str) -> dict[str, Any]:
    kind = KINDS.get(issuance.kind)
    title = issuance.kind
    if kind is not None:
        title = kind.title_ko if lang == "ko" else kind.title_en
    return {
        "number": format_number(issuance.number),
        "title": title,
        "issuer": issuance.issuer,
        "issued_at": issuance.issued_at,
        "as_of": issuance.as_of,
        "status": "revoked" if issuance.status == "revoked" else "valid",
        "revoked_at": issuance.revoked_at,
        "sha256": issuance.sha256,
        "content": issuance.content,
    }


def _page(
    request: Request,
    *,
    number: str = "",
    document: dict[str, Any] | None = None,
    outcome: dict[str, Any] | None = None,
    errors: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "portal/verify/verify.html",
        {
            "number": number,
            "document": document,
            "outcome": outcome,
            "errors": errors or [],
            "max_megabytes": MAX_UPLOAD_BYTES // (1024 * 1024),
        },
        status_code=status_code,
    )


@router.get("/verify", response_class=HTMLResponse)
def verify_page(request: Request, _access: Anyone) -> HTMLResponse:
    return _page(request)


@router.get("/verify/{number}", response_class=HTMLResponse)
def verify_number_page(number: str, request: Request, _access: Anyone) -> HTMLResponse:
    """The QR code's target: the form with the confirmation number filled in."""
    return _page(request, number=number[:32])


@router.post("/verify", response_class=HTMLResponse)
def verify_by_key(
    *,
    request: Request,
    _access: Anyone,
    session: DbSession,
    cipher: CipherDep,
    number: Annotated[str, Form(max_length=32)] = "",
    possession_key: Annotated[str, Form(max_length=32)] = "",
) -> HTMLResponse:
    """What was issued under this number (with its possession key), and its status."""
    try:
        issuance = service.find_by_key(
            session, cipher, number=number.strip(), possession_key=possession_key.strip()
        )
    except NaraError as refusal:
        return _page(
            request,
            number=number,
            errors=[("verify-number", message_of(request, refusal))],
            status_code=refusal.status,
        )
    return _page(request, number=number, document=_document(issuance, language(request)))


@router.post("/verify/upload", response_class=HTMLResponse)
async def verify_upload(
    *,
    request: Request,
    _access: Anyone,
    session: DbSession,
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Check an uploaded PDF: verified, revoked, altered, forged or unknown, and why."""
    data = b"" if file is None else await file.read(MAX_UPLOAD_BYTES + 1)
    try:
        result = await service.async_verify_file(
            session, keystore=request.app.state.keystore, data=data
        )
    except NaraError as refusal:
        return _page(
            request,
            errors=[("verify-file", message_of(request, refusal))],
            status_code=refusal.status,
        )
    lang = language(request)
    outcome = {
        "outcome": result.outcome,
        "reason": result.reason.in_language(lang),
        "claimed_number": result.check.number,
        "signer": result.check.signer,
        "signed_at": result.check.signed_at,
        "document": None if result.issuance is None else _document(result.issuance, lang),
    }
    return _page(request, outcome=outcome)
