"""Queries of the documents package."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from nara.documents.models import DocumentShare, DocumentShareOpening, Issuance, IssuedFile


def by_number(session: Session, number: str) -> Issuance | None:
    return session.scalars(select(Issuance).where(Issuance.number == number)).one_or_none()


def by_sha256(session: Session, sha256: str) -> Issuance | None:
    return session.scalars(
        select(Issuance).where(Issuance.sha256 == sha256).order_by(Issuance.id).limit(1)
    ).one_or_none()


def file_of(session: Session, issuance_id: int) -> IssuedFile | None:
    return session.get(IssuedFile, issuance_id)


def number_taken(session: Session, number: str) -> bool:
    return session.scalar(select(Issuance.id).where(Issuance.number == number)) is not None


# The wallet: documents issued at a requester's request about a person -----------------------


def holder_documents(
    session: Session, requester: str, person_id: int, *, offset: int, limit: int
) -> tuple[list[Issuance], int]:
    """One page of the documents issued to `requester` about `person_id`, newest first, and
    how many there are in all."""
    conditions = (Issuance.requester == requester, Issuance.subject_person_id == person_id)
    total = session.scalar(select(func.count()).select_from(Issuance).where(*conditions)) or 0
    query = (
        select(Issuance)
        .where(*conditions)
        .order_by(Issuance.issued_at.desc(), Issuance.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(query)), int(total)


def holder_document(
    session: Session, number: str, requester: str, person_id: int
) -> Issuance | None:
    return session.scalar(
        select(Issuance).where(
            Issuance.number == number,
            Issuance.requester == requester,
            Issuance.subject_person_id == person_id,
        )
    )


# Links shared with third parties ------------------------------------------------------------


def shares_of_documents(session: Session, issuance_ids: list[int]) -> list[DocumentShare]:
    """The links made for these documents, newest first."""
    return list(
        session.scalars(
            select(DocumentShare)
            .where(DocumentShare.issuance_id.in_(issuance_ids))
            .order_by(DocumentShare.created_at.desc(), DocumentShare.id.desc())
        )
    )


def openings_of_shares(session: Session, share_ids: list[int]) -> list[DocumentShareOpening]:
    """The openings of these links, oldest first."""
    return list(
        session.scalars(
            select(DocumentShareOpening)
            .where(DocumentShareOpening.share_id.in_(share_ids))
            .order_by(DocumentShareOpening.opened_at, DocumentShareOpening.id)
        )
    )


def share_for_update(session: Session, share_id: int, issuance_id: int) -> DocumentShare | None:
    """A link of this document, locked for the change."""
    return session.scalar(
        select(DocumentShare)
        .where(DocumentShare.id == share_id, DocumentShare.issuance_id == issuance_id)
        .with_for_update()
    )


def share_by_digest(session: Session, digest: bytes) -> tuple[DocumentShare, Issuance] | None:
    """The link whose token has this keyed digest, with its document."""
    row = session.execute(
        select(DocumentShare, Issuance)
        .join(Issuance, Issuance.id == DocumentShare.issuance_id)
        .where(DocumentShare.token_digest == digest)
    ).first()
    return None if row is None else (row[0], row[1])


def use_share(session: Session, share_id: int, now: dt.datetime) -> bool:
    """Mark the link used, if it still opens at `now`: one statement, so that two downloads
    at once cannot both take it. Whether this call took it."""
    result = session.execute(
        update(DocumentShare)
        .where(
            DocumentShare.id == share_id,
            DocumentShare.used_at.is_(None),
            DocumentShare.revoked_at.is_(None),
            DocumentShare.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1
