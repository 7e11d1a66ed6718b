"""Tables of issued documents: each issuance, its signed file, the change log, and the
one-time links that share a document with a third party, with their openings.

The subject is the resident register's person, referred to by `subject_person_id` only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId

STATUSES = ("valid", "revoked")


class Issuance(Base):
    """One issued document: its confirmation number, the digest of its possession key, the
    SHA-256 of the signed PDF, what it is about, who asked, when, its status and the content
    it showed (the snapshot the public verification page displays)."""

    __tablename__ = "documents_issuance"
    __table_args__ = (
        CheckConstraint("status IN ('valid', 'revoked')", name="status"),
        Index("ix_documents_issuance_subject", "subject_person_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    key_digest: Mapped[bytes]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_person_id: Mapped[int] = mapped_column(BigId)
    requester: Mapped[str] = mapped_column(String(96))
    issuer: Mapped[str] = mapped_column(String(200))
    signer_fingerprint: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime]
    as_of: Mapped[dt.date]
    status: Mapped[str] = mapped_column(String(8))
    revoked_at: Mapped[dt.datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    content: Mapped[dict[str, Any]]


class IssuedFile(Base):
    """The signed PDF of an issuance, kept so that its holder can download it again."""

    __tablename__ = "documents_file"

    issuance_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("documents_issuance.id"), primary_key=True
    )
    media_type: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes]


class DocumentsChange(Base, ChangeLogMixin):
    """Append-only log of every issuance and revocation."""

    __tablename__ = "documents_change"


SHARE_OUTCOMES = (
    "viewed",
    "downloaded",
    "used",
    "expired",
    "revoked",
    "document_revoked",
)


class DocumentShare(Base):
    """A one-time link by which a holder sends an issued document to a third party (a bank's
    loan desk, ...). Only the keyed digest of the link's token is kept; the link expires
    after `documents_share_days`, is consumed by the first download, and may be revoked."""

    __tablename__ = "documents_share"
    __table_args__ = (Index("ix_documents_share_issuance", "issuance_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    issuance_id: Mapped[int] = mapped_column(BigId, ForeignKey("documents_issuance.id"))
    token_digest: Mapped[bytes] = mapped_column(unique=True)
    recipient_note: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(96))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class DocumentShareOpening(Base):
    """Append-only record of each opening of a share link: when, and what it answered (the
    page `viewed`, the file `downloaded`, or the refusal: `used`, `expired`, `revoked`,
    `document_revoked`)."""

    __tablename__ = "documents_share_opening"
    __table_args__ = (
        CheckConstraint(
            "outcome IN ('viewed', 'downloaded', 'used', 'expired', 'revoked', 'document_revoked')",
            name="outcome",
        ),
        Index("ix_documents_share_opening_share", "share_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    share_id: Mapped[int] = mapped_column(BigId, ForeignKey("documents_share.id"))
    opened_at: Mapped[dt.datetime]
    outcome: Mapped[str] = mapped_column(String(20))
