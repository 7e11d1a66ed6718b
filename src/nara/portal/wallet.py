"""The e-document wallet (전자문서지갑) and links sent to third parties.

Citizen pages: `/wallet` lists the documents issued to the signed-in citizen (newest first,
paged), each with its PDF, a form that makes a one-time link for a third party (the link is
shown once, on the page that answers the form) and the links made before, with their state,
expiry, openings and a button to withdraw them. Public pages: `/shared/{token}` shows a
link's recipient what was sent (kind, issuer, issue time, the holder's note) and
`/shared/{token}/file` hands over the PDF once.

The same operations are a JSON API under `/api/documents/mine` for the signed-in citizen.
They live here, not in `nara.documents.routes`, because the citizen's session belongs to
`nara.identity`, which the documents package may not import (the two are independent
packages of the platform level).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nara.core.access import public
from nara.core.errors import Message, NaraError, NotFound
from nara.core.pagination import Page, PageParams, page_params
from nara.core.web import CipherDep, ClockDep, DbSession, SettingsDep
from nara.documents import sharing, wallet
from nara.documents.kinds import KINDS
from nara.documents.models import Issuance
from nara.documents.numbers import format_number
from nara.documents.schemas import (
    ShareCreate,
    ShareCreated,
    ShareOpeningRead,
    ShareRead,
    WalletItemRead,
)
from nara.identity.access import Principal, require_citizen
from nara.portal.rendering import PortalRoute, language, message_of, render

router = APIRouter(route_class=PortalRoute, include_in_schema=False)
api = APIRouter(prefix="/api/documents/mine", tags=["documents"])

Citizen = Annotated[Principal, Depends(require_citizen())]
RECIPIENT = "the link's token is the recipient's credential; the holder chose to send it"
Recipient = Annotated[None, Depends(public(RECIPIENT))]

PAGE_SIZE = 20
PDF = "application/pdf"
PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def holder_of(principal: Principal) -> wallet.Holder:
    """The wallet of a signed-in citizen: documents he asked for, about himself."""
    if principal.person_id is None:  # a citizen account is always bound to a resident
        raise NotFound(
            "person_unknown",
            Message("No resident is bound to this account.", "계정에 연결된 주민이 없습니다."),
        )
    return wallet.Holder(requester=principal.actor, person_id=principal.person_id)


def _title(code: str, lang: str) -> str:
    kind = KINDS.get(code)
    if kind is None:
        return code
    return kind.title_ko if lang == "ko" else kind.title_en


def _pdf(issuance: Issuance, data: bytes) -> Response:
    return Response(
        content=data,
        media_type=PDF,
        headers={
            "Content-Disposition": f'attachment; filename="{issuance.kind}-{issuance.number}.pdf"',
            **PRIVATE,
        },
    )


# ---------------------------------------------------------------- the citizen's pages


def _wallet_page(
    request: Request,
    *,
    principal: Principal,
    session: DbSession,
    clock: ClockDep,
    page: int,
    created: dict[str, Any] | None = None,
    errors: list[tuple[str, str]] | None = None,
    notes: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = language(request)
    holder = holder_of(principal)
    rows, total = wallet.documents_of(
        session, holder, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    views = sharing.views_of(session, clock, [row.id for row in rows])
    documents = [
        {
            "number": format_number(row.number),
            "digits": row.number,
            "title": _title(row.kind, lang),
            "issuer": row.issuer,
            "issued_at": row.issued_at,
            "status": "revoked" if row.status == "revoked" else "valid",
            "shares": views[row.id],
        }
        for row in rows
    ]
    return render(
        request,
        "portal/wallet/wallet.html",
        {
            "documents": documents,
            "total": total,
            "page": page,
            "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
            "created": created,
            "errors": errors or [],
            "notes": notes or {},
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/wallet", response_class=HTMLResponse)
def wallet_page(
    *,
    request: Request,
    principal: Citizen,
    session: DbSession,
    clock: ClockDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """My documents, newest first, with their links."""
    return _wallet_page(request, principal=principal, session=session, clock=clock, page=page)


@router.get("/wallet/{number}/file", response_class=HTMLResponse)
def wallet_file(*, number: str, principal: Citizen, session: DbSession) -> Response:
    """The signed PDF of one of my documents."""
    issuance, data = wallet.file_of(session, holder_of(principal), number)
    return _pdf(issuance, data)


@router.post("/wallet/{number}/shares", response_class=HTMLResponse)
def wallet_share(
    *,
    number: str,
    request: Request,
    principal: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    settings: SettingsDep,
    recipient_note: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse:
    """Make a one-time link for a document; the answer shows it, this once."""
    try:
        created = sharing.create_share(
            session=session,
            clock=clock,
            cipher=cipher,
            holder=holder_of(principal),
            actor=principal.actor,
            number=number,
            recipient_note=recipient_note,
            days=settings.documents_share_days,
        )
    except NaraError as refusal:
        session.rollback()
        digits = number.replace("-", "")
        return _wallet_page(
            request,
            principal=principal,
            session=session,
            clock=clock,
            page=1,
            errors=[(f"share-note-{digits}", message_of(request, refusal))],
            notes={digits: recipient_note[:100]},
            status_code=refusal.status,
        )
    issuance = session.get(Issuance, created.share.issuance_id)
    return _wallet_page(
        request,
        principal=principal,
        session=session,
        clock=clock,
        page=1,
        created={
            "number": format_number(issuance.number) if issuance else number,
            "digits": issuance.number if issuance else number,
            "url": sharing.link_of(settings.public_base_url, created.token),
            "expires_at": created.share.expires_at,
            "note": created.share.recipient_note or "",
        },
    )


@router.post("/wallet/{number}/shares/{share_id}/revoke", response_class=HTMLResponse)
def wallet_revoke_share(
    *,
    number: str,
    share_id: int,
    principal: Citizen,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """Withdraw a link; 303 back to the wallet."""
    sharing.revoke_share(
        session=session,
        clock=clock,
        holder=holder_of(principal),
        actor=principal.actor,
        number=number,
        share_id=share_id,
    )
    digits = number.replace("-", "")
    return RedirectResponse(f"/wallet#doc-{digits}", status_code=303)


# ---------------------------------------------------------------- the recipient's pages


@router.get("/shared/{token}", response_class=HTMLResponse)
def shared_page(
    *,
    token: str,
    request: Request,
    _access: Recipient,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
) -> HTMLResponse:
    """What a link sends: the document's kind, issuer and time, and the holder's note."""
    shared = sharing.open_share(session=session, clock=clock, cipher=cipher, token=token[:200])
    issuance = shared.issuance
    response = render(
        request,
        "portal/wallet/shared.html",
        {
            "token": token,
            "title": _title(issuance.kind, language(request)),
            "number": format_number(issuance.number),
            "issuer": issuance.issuer,
            "issued_at": issuance.issued_at,
            "note": shared.share.recipient_note or "",
            "expires_at": shared.share.expires_at,
        },
    )
    response.headers.update(PRIVATE)
    return response


def _shared_file(token: str, session: DbSession, clock: ClockDep, cipher: CipherDep) -> Response:
    shared, data = sharing.download_share(
        session=session, clock=clock, cipher=cipher, token=token[:200]
    )
    return _pdf(shared.issuance, data)


@router.get("/shared/{token}/file", response_class=HTMLResponse)
def shared_file(
    *, token: str, _access: Recipient, session: DbSession, clock: ClockDep, cipher: CipherDep
) -> Response:
    """The PDF behind a link, once: the first download uses the link up."""
    return _shared_file(token, session, clock, cipher)


@router.post("/shared/{token}/file", response_class=HTMLResponse)
def shared_file_form(
    *, token: str, _access: Recipient, session: DbSession, clock: ClockDep, cipher: CipherDep
) -> Response:
    """The page's download button (a form, so that link previews never use the link up)."""
    return _shared_file(token, session, clock, cipher)


# ---------------------------------------------------------------- the JSON API


def _share_read(view: sharing.ShareView) -> ShareRead:
    share = view.share
    return ShareRead(
        id=share.id,
        recipient_note=share.recipient_note,
        created_at=share.created_at,
        expires_at=share.expires_at,
        status=view.status,
        used_at=share.used_at,
        revoked_at=share.revoked_at,
        openings=[
            ShareOpeningRead.model_validate(
                {"opened_at": opening.opened_at, "outcome": opening.outcome}
            )
            for opening in view.openings
        ],
    )


@api.get("", response_model=Page[WalletItemRead])
def my_documents(
    *,
    principal: Citizen,
    session: DbSession,
    paging: Annotated[PageParams, Depends(page_params)],
) -> Page[WalletItemRead]:
    """The documents issued to me, newest first."""
    rows, total = wallet.documents_of(
        session, holder_of(principal), offset=paging.offset, limit=paging.size
    )
    return Page[WalletItemRead](
        items=[WalletItemRead.of(row) for row in rows],
        page=paging.page,
        size=paging.size,
        total=total,
    )


@api.get(
    "/{number}/file",
    response_class=Response,
    responses={200: {"content": {PDF: {}}, "description": "The signed PDF."}},
)
def my_document_file(*, number: str, principal: Citizen, session: DbSession) -> Response:
    """The signed PDF of one of my documents (404 `document_unknown` for anyone else's)."""
    issuance, data = wallet.file_of(session, holder_of(principal), number)
    return _pdf(issuance, data)


@api.post("/{number}/shares", status_code=status.HTTP_201_CREATED, response_model=ShareCreated)
def create_share(
    *,
    number: str,
    share_in: ShareCreate,
    principal: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    settings: SettingsDep,
) -> ShareCreated:
    """Make a one-time link to send a document to a third party. The answer holds its
    address, shown this once."""
    created = sharing.create_share(
        session=session,
        clock=clock,
        cipher=cipher,
        holder=holder_of(principal),
        actor=principal.actor,
        number=number,
        recipient_note=share_in.recipient_note,
        days=settings.documents_share_days,
    )
    read = _share_read(sharing.ShareView(created.share, "active", []))
    return ShareCreated(
        **read.model_dump(), url=sharing.link_of(settings.public_base_url, created.token)
    )


@api.get("/{number}/shares", response_model=list[ShareRead])
def list_shares(
    *, number: str, principal: Citizen, session: DbSession, clock: ClockDep
) -> list[ShareRead]:
    """The links made for one of my documents, with state, expiry and openings."""
    views = sharing.shares_of(session, clock, holder_of(principal), number)
    return [_share_read(view) for view in views]


@api.post("/{number}/shares/{share_id}/revoke", response_model=ShareRead)
def revoke_share(
    *, number: str, share_id: int, principal: Citizen, session: DbSession, clock: ClockDep
) -> ShareRead:
    """Withdraw a link (409 `share_already_revoked` when it already was)."""
    view = sharing.revoke_share(
        session=session,
        clock=clock,
        holder=holder_of(principal),
        actor=principal.actor,
        number=number,
        share_id=share_id,
    )
    return _share_read(view)


router.include_router(api)
