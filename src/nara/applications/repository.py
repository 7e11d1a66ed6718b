"""Queries of the applications package (no rules, no writes but `session.add`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nara.applications.models import (
    Application,
    ApplicationMessage,
    Attachment,
    InboxItem,
    Payment,
    StatusChange,
)


def application(session: Session, application_id: int) -> Application | None:
    return session.get(Application, application_id)


def number_taken(session: Session, number: str) -> bool:
    return session.scalar(select(Application.id).where(Application.number == number)) is not None


def receipt_taken(session: Session, receipt: str) -> bool:
    query = select(Payment.id).where(Payment.receipt_number == receipt)
    return session.scalar(query) is not None


def of_applicant(
    session: Session, account_id: int, *, offset: int, limit: int
) -> tuple[Sequence[Application], int]:
    where = Application.applicant_account_id == account_id
    rows = session.scalars(
        select(Application).where(where).order_by(Application.id.desc()).offset(offset).limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(Application).where(where)) or 0
    return rows, total


def queue(
    session: Session, agency: str, statuses: Sequence[str], *, offset: int, limit: int
) -> tuple[Sequence[Application], int]:
    where = (Application.agency == agency, Application.status.in_(statuses))
    rows = session.scalars(
        select(Application)
        .where(*where)
        .order_by(Application.submitted_at, Application.id)
        .offset(offset)
        .limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(Application).where(*where)) or 0
    return rows, total


def attachments(session: Session, application_id: int) -> Sequence[Attachment]:
    return session.scalars(
        select(Attachment)
        .where(Attachment.application_id == application_id)
        .order_by(Attachment.id)
    ).all()


def payment(session: Session, application_id: int) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.application_id == application_id))


def history(session: Session, application_id: int) -> Sequence[StatusChange]:
    return session.scalars(
        select(StatusChange)
        .where(StatusChange.application_id == application_id)
        .order_by(StatusChange.id)
    ).all()


def messages(session: Session, application_id: int) -> Sequence[ApplicationMessage]:
    return session.scalars(
        select(ApplicationMessage)
        .where(ApplicationMessage.application_id == application_id)
        .order_by(ApplicationMessage.id)
    ).all()


def inbox(
    session: Session, account_id: int, *, unread_only: bool, offset: int, limit: int
) -> tuple[Sequence[InboxItem], int, int]:
    where = [InboxItem.account_id == account_id]
    if unread_only:
        where.append(InboxItem.read_at.is_(None))
    rows = session.scalars(
        select(InboxItem).where(*where).order_by(InboxItem.id.desc()).offset(offset).limit(limit)
    ).all()
    total = session.scalar(select(func.count()).select_from(InboxItem).where(*where)) or 0
    unread = (
        session.scalar(
            select(func.count())
            .select_from(InboxItem)
            .where(InboxItem.account_id == account_id, InboxItem.read_at.is_(None))
        )
        or 0
    )
    return rows, total, unread


def inbox_item(session: Session, item_id: int) -> InboxItem | None:
    return session.get(InboxItem, item_id)
