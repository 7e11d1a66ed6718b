"""Tables of the single window's applications: each application, its attachments, its
simulated payment, its status history, the messages about it, the citizens' inbox and the
change log.

Applicants and officials are identity accounts, referred to by id only; the person an
application is about is the resident register's person, by id only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId

STATUSES = ("draft", "submitted", "sent_back", "approved", "rejected", "completed")
"""Where an application stands. `draft` and `sent_back` are the applicant's to edit."""

AUTHORS = ("citizen", "official", "system")
INBOX_KINDS = ("status", "message")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Application(Base):
    """One application for a civil service of the catalogue, from draft to decision."""

    __tablename__ = "applications_application"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        Index("ix_applications_application_applicant", "applicant_account_id", "id"),
        Index("ix_applications_application_queue", "agency", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    service_code: Mapped[str] = mapped_column(String(64))
    agency: Mapped[str] = mapped_column(String(32))
    applicant_account_id: Mapped[int] = mapped_column(BigId)
    applicant_person_id: Mapped[int] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(16))
    fields: Mapped[dict[str, Any]]
    prefilled: Mapped[dict[str, Any]]
    """Form field → the exchange service it came from."""
    summary: Mapped[dict[str, Any] | None]
    """The snapshot the applicant confirmed at submission."""
    document_number: Mapped[str | None] = mapped_column(String(19))
    decision_reason: Mapped[str | None] = mapped_column(String(1000))
    decided_by: Mapped[str | None] = mapped_column(String(96))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    submitted_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]


class Attachment(Base):
    """A small file the applicant attached (only kinds the state does not hold)."""

    __tablename__ = "applications_attachment"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("applications_application.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes]
    uploaded_at: Mapped[dt.datetime]


class Payment(Base):
    """The fee of an application. SIMULATED: no money moves; the receipt says so."""

    __tablename__ = "applications_payment"
    __table_args__ = (CheckConstraint("method = 'simulated'", name="method"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("applications_application.id"), unique=True
    )
    amount_won: Mapped[int]
    receipt_number: Mapped[str] = mapped_column(String(24), unique=True)
    method: Mapped[str] = mapped_column(String(16))
    paid_at: Mapped[dt.datetime]


class StatusChange(Base):
    """Append-only: every transition of an application, with its reason and author."""

    __tablename__ = "applications_status"
    __table_args__ = (Index("ix_applications_status_application", "application_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(BigId, ForeignKey("applications_application.id"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(1000))
    actor: Mapped[str] = mapped_column(String(96))
    changed_at: Mapped[dt.datetime]


class ApplicationMessage(Base):
    """Append-only: the thread between the applicant and the officials about an application."""

    __tablename__ = "applications_message"
    __table_args__ = (
        CheckConstraint(_in("author_kind", AUTHORS), name="author_kind"),
        Index("ix_applications_message_application", "application_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(BigId, ForeignKey("applications_application.id"))
    author_kind: Mapped[str] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(96))
    author_name: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(String(2000))
    sent_at: Mapped[dt.datetime]


class InboxItem(Base):
    """A notification in a citizen's inbox on the portal (read or unread)."""

    __tablename__ = "applications_inbox"
    __table_args__ = (
        CheckConstraint(_in("kind", INBOX_KINDS), name="kind"),
        Index("ix_applications_inbox_account", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigId)
    application_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("applications_application.id")
    )
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[dt.datetime]
    read_at: Mapped[dt.datetime | None]


class ApplicationsChange(Base, ChangeLogMixin):
    """Append-only log of every change to applications, with its outbox event."""

    __tablename__ = "applications_change"
