"""Tables of issued documents: each issuance, its signed file and the change log.

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
