"""Sending an issued document to a third party (전자문서 제출): one-time links.

The holder of a document creates a link for it, with an optional note of whom it is for
(`OO은행 대출 창구`). The link carries a random token (256 bits, URL-safe) shown once; only
its keyed digest is stored, as for the possession key. A link expires
`documents_share_days` after it was made, is consumed by the first download of the file,
and may be revoked by the holder; a revoked document cannot be shared nor downloaded
through a link made before. Every opening of a known link, answered or refused, is recorded
(`documents_share_opening`, append-only) so that the holder sees when it was opened.

Refusals: 404 `share_unknown` (no such link; also for a malformed token), 410 `share_used`,
`share_expired`, `share_revoked`, `document_revoked`. A refused opening is recorded even
though the request's transaction rolls back (`keep_on_rollback`).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from nara.core.clock import Clock
from nara.core.db import keep_on_rollback
from nara.core.errors import Conflict, Message, NaraError, NotFound, invalid
from nara.core.history import record_change
from nara.core.pii import PiiCipher
from nara.documents import repository
from nara.documents.models import (
    DocumentsChange,
    DocumentShare,
    DocumentShareOpening,
    Issuance,
)
from nara.documents.numbers import format_number
from nara.documents.wallet import Holder, document_of, stored_file

TOKEN_BYTES = 32
"""Random bytes of a link's token (256 bits; the token is their URL-safe base64)."""
NOTE_MAX = 100
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22,128}")

ShareStatus = Literal["active", "used", "expired", "revoked"]


class Gone(NaraError):
    """The link existed but no longer opens (used, expired, revoked)."""

    status = 410
    title = Message("No longer available", "더 이상 열 수 없음")


@dataclass(frozen=True)
class CreatedShare:
    share: DocumentShare
    token: str
    """Shown to the holder once, in the link; only its keyed digest is stored."""


@dataclass(frozen=True)
class ShareView:
    """A link with its openings, as its holder sees it."""

    share: DocumentShare
    status: ShareStatus
    openings: list[DocumentShareOpening]


@dataclass(frozen=True)
class SharedDocument:
    """What a link's recipient may see: the document and the holder's note."""

    share: DocumentShare
    issuance: Issuance


def token_digest(cipher: PiiCipher, token: str) -> bytes:
    """The keyed digest stored for a link's token."""
    return cipher.blind_index(f"nara/documents/share-token/v1:{token}")


def link_of(public_base_url: str, token: str) -> str:
    """The address a recipient opens: `{public_base_url}/shared/{token}`."""
    return f"{public_base_url.rstrip('/')}/shared/{token}"


def status_of(share: DocumentShare, now: dt.datetime) -> ShareStatus:
    if share.revoked_at is not None:
        return "revoked"
    if share.used_at is not None:
        return "used"
    if now >= share.expires_at:
        return "expired"
    return "active"


def _document_revoked(issuance: Issuance) -> Gone:
    number = format_number(issuance.number)
    return Gone(
        "document_revoked",
        Message(
            f"The document {number} was revoked; it can no longer be sent.",
            f"문서 {number}는 취소되어 더 이상 제출할 수 없습니다.",
        ),
    )


def _share_unknown() -> NotFound:
    return NotFound(
        "share_unknown",
        Message(
            "This link does not exist. Check that it was copied whole.",
            "없는 링크입니다. 링크 전체를 복사했는지 확인하십시오.",
        ),
    )


REFUSALS: dict[str, Message] = {
    "used": Message(
        "This link was already used: it opens the document only once. Ask the holder for a "
        "new link.",
        "이미 사용된 링크입니다. 링크는 한 번만 열 수 있습니다. 문서 소유자에게 새 링크를 "
        "요청하십시오.",
    ),
    "expired": Message(
        "This link has expired. Ask the holder for a new link.",
        "기한이 지난 링크입니다. 문서 소유자에게 새 링크를 요청하십시오.",
    ),
    "revoked": Message(
        "The holder withdrew this link.",
        "문서 소유자가 이 링크를 철회했습니다.",
    ),
}


def create_share(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    holder: Holder,
    actor: str,
    number: str,
    recipient_note: str | None,
    days: int,
) -> CreatedShare:
    """A new one-time link to one of the holder's documents, valid for `days` days."""
    issuance = document_of(session, holder, number)
    if issuance.status == "revoked":
        raise _document_revoked(issuance)
    note = (recipient_note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise invalid(
            "share_note_too_long",
            f"The note is at most {NOTE_MAX} characters.",
            f"메모는 {NOTE_MAX}자까지입니다.",
            field_name="recipient_note",
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = clock.now()
    share = DocumentShare(
        issuance_id=issuance.id,
        token_digest=token_digest(cipher, token),
        recipient_note=note,
        created_by=actor,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
        used_at=None,
        revoked_at=None,
    )
    session.add(share)
    session.flush()
    record_change(
        session,
        clock,
        DocumentsChange,
        entity="share",
        entity_id=share.id,
        action="shared",
        data={
            "number": format_number(issuance.number),
            "share_id": share.id,
            "expires_at": share.expires_at.isoformat(),
        },
        actor=actor,
        event_type="document.shared",
    )
    session.flush()
    return CreatedShare(share=share, token=token)


def views_of(session: Session, clock: Clock, issuance_ids: list[int]) -> dict[int, list[ShareView]]:
    """The links made for these documents (by issuance id), newest first, with openings."""
    found: dict[int, list[ShareView]] = {issuance_id: [] for issuance_id in issuance_ids}
    if not issuance_ids:
        return found
    shares = repository.shares_of_documents(session, issuance_ids)
    openings: dict[int, list[DocumentShareOpening]] = {share.id: [] for share in shares}
    if shares:
        for opening in repository.openings_of_shares(session, list(openings)):
            openings[opening.share_id].append(opening)
    now = clock.now()
    for share in shares:
        found[share.issuance_id].append(ShareView(share, status_of(share, now), openings[share.id]))
    return found


def shares_of(session: Session, clock: Clock, holder: Holder, number: str) -> list[ShareView]:
    """The links made for one of the holder's documents, newest first, with their openings."""
    issuance = document_of(session, holder, number)
    return views_of(session, clock, [issuance.id])[issuance.id]


def revoke_share(
    *, session: Session, clock: Clock, holder: Holder, actor: str, number: str, share_id: int
) -> ShareView:
    """Withdraw a link: it no longer opens (410 `share_revoked`)."""
    issuance = document_of(session, holder, number)
    share = repository.share_for_update(session, share_id, issuance.id)
    if share is None:
        raise _share_unknown()
    if share.revoked_at is not None:
        raise Conflict(
            "share_already_revoked",
            Message("This link was already withdrawn.", "이미 철회한 링크입니다."),
        )
    share.revoked_at = clock.now()
    record_change(
        session,
        clock,
        DocumentsChange,
        entity="share",
        entity_id=share.id,
        action="share_revoked",
        data={"number": format_number(issuance.number), "share_id": share.id},
        actor=actor,
        event_type="document.share_revoked",
    )
    session.flush()
    return ShareView(share, "revoked", [])


def _record_opening(session: Session, share_id: int, at: dt.datetime, outcome: str) -> None:
    def write(target: Session) -> None:
        target.add(DocumentShareOpening(share_id=share_id, opened_at=at, outcome=outcome))
        target.flush()

    keep_on_rollback(session, write)


def _known(session: Session, cipher: PiiCipher, token: str) -> tuple[DocumentShare, Issuance]:
    if not _TOKEN.fullmatch(token):
        raise _share_unknown()
    found = repository.share_by_digest(session, token_digest(cipher, token))
    if found is None:
        raise _share_unknown()
    return found


def _refusal(share: DocumentShare, issuance: Issuance, now: dt.datetime) -> Gone | None:
    """Why the link does not open now, or None when it does."""
    if issuance.status == "revoked":
        return _document_revoked(issuance)
    state = status_of(share, now)
    if state == "active":
        return None
    return Gone(f"share_{state}", REFUSALS[state])


def _open(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    token: str,
    outcome: str,
    then: Callable[[DocumentShare, dt.datetime], bool],
) -> SharedDocument:
    share, issuance = _known(session, cipher, token)
    now = clock.now()
    refusal = _refusal(share, issuance, now)
    if refusal is None and not then(share, now):
        # Another opening consumed the link between the read and the update.
        session.refresh(share)
        refusal = _refusal(share, issuance, now)
    if refusal is not None:
        _record_opening(session, share.id, now, refusal.code.removeprefix("share_"))
        raise refusal
    _record_opening(session, share.id, now, outcome)
    return SharedDocument(share=share, issuance=issuance)


def open_share(*, session: Session, clock: Clock, cipher: PiiCipher, token: str) -> SharedDocument:
    """What a link shows its recipient (the link stays unused), or why it does not open."""
    return _open(
        session=session,
        clock=clock,
        cipher=cipher,
        token=token,
        outcome="viewed",
        then=lambda share, now: True,
    )


def download_share(
    *, session: Session, clock: Clock, cipher: PiiCipher, token: str
) -> tuple[SharedDocument, bytes]:
    """The signed PDF behind a link; the first download consumes the link."""

    def consume(share: DocumentShare, now: dt.datetime) -> bool:
        if not repository.use_share(session, share.id, now):
            return False
        set_committed_value(share, "used_at", now)
        return True

    shared = _open(
        session=session,
        clock=clock,
        cipher=cipher,
        token=token,
        outcome="downloaded",
        then=consume,
    )
    return shared, stored_file(session, shared.issuance)
