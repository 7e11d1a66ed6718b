"""Tables of the passports agency, all named `passports_...`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId

APPLICATION_KINDS = ("new", "reissue")
APPLICATION_STATUSES = ("draft", "submitted", "approved", "rejected", "issued")
OPEN_STATUSES = ("draft", "submitted", "approved")
"""An application in one of these is still in progress."""
PASSPORT_STATUSES = ("valid", "invalidated", "lost")
RESTRICTION_KINDS = ("travel_ban", "passport_restriction")
PHOTO_MEDIA_TYPES = ("image/jpeg", "image/png")


class Application(Base):
    """A passport application (여권 발급 신청), from draft to issuance."""

    __tablename__ = "passports_application"
    __table_args__ = (
        CheckConstraint("kind IN ('new', 'reissue')", name="kind"),
        CheckConstraint("pages IN (26, 58)", name="pages"),
        CheckConstraint("validity_years IN (5, 10)", name="validity_years"),
        CheckConstraint(
            "status IN ('draft', 'submitted', 'approved', 'rejected', 'issued')", name="status"
        ),
        CheckConstraint("fee_won >= 0", name="fee_won"),
        Index("ix_passports_application_person", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(8))
    pages: Mapped[int]
    validity_years: Mapped[int]
    guardian_person_id: Mapped[int | None] = mapped_column(BigId)
    """The consenting parent of a minor applicant (법정대리인)."""
    replaces_passport_id: Mapped[int | None] = mapped_column(BigId)
    """For a reissue: the passport invalidated when the new one is issued."""
    applied_on: Mapped[dt.date]
    fee_won: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10))
    receipt_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    """Receipt of the (simulated) fee payment."""
    paid_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]
    submitted_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(96))
    decision_reason: Mapped[str | None] = mapped_column(String(500))


class Photo(Base):
    """The applicant's photo, as validated: one per application, replaced on a new upload."""

    __tablename__ = "passports_photo"
    __table_args__ = (
        CheckConstraint("media_type IN ('image/jpeg', 'image/png')", name="media_type"),
        CheckConstraint("width > 0 AND height > 0", name="size"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("passports_application.id"), unique=True)
    media_type: Mapped[str] = mapped_column(String(16))
    data: Mapped[bytes]
    size_bytes: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime]


class Passport(Base):
    """An issued passport (여권): its number, validity and whether it is still valid."""

    __tablename__ = "passports_passport"
    __table_args__ = (
        CheckConstraint("status IN ('valid', 'invalidated', 'lost')", name="status"),
        CheckConstraint("validity_years IN (5, 10)", name="validity_years"),
        CheckConstraint("expires_on > issued_on", name="expiry"),
        Index("ix_passports_passport_person", "person_id", "issued_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(9), unique=True)
    person_id: Mapped[int] = mapped_column(BigId)
    application_id: Mapped[int] = mapped_column(ForeignKey("passports_application.id"), unique=True)
    validity_years: Mapped[int]
    pages: Mapped[int]
    issued_on: Mapped[dt.date]
    expires_on: Mapped[dt.date]
    """The last day the passport is valid."""
    status: Mapped[str] = mapped_column(String(12))
    invalidated_on: Mapped[dt.date | None]
    """The first day it is no longer valid (reissue, loss, the holder's death)."""
    lost_on: Mapped[dt.date | None]
    loss_place: Mapped[str | None] = mapped_column(String(200))
    loss_circumstances: Mapped[str | None] = mapped_column(String(500))
    loss_reported_at: Mapped[dt.datetime | None]


class Restriction(Base):
    """A restriction on a person's passport or travel (여권 발급 제한, 출국금지), recorded at
    the request of another authority; in force from `from_on` to `until_on` inclusive."""

    __tablename__ = "passports_restriction"
    __table_args__ = (
        CheckConstraint("kind IN ('travel_ban', 'passport_restriction')", name="kind"),
        CheckConstraint("until_on IS NULL OR until_on >= from_on", name="period"),
        Index("ix_passports_restriction_person", "person_id", "from_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(24))
    authority: Mapped[str] = mapped_column(String(100))
    from_on: Mapped[dt.date]
    until_on: Mapped[dt.date | None]
    reason: Mapped[str] = mapped_column(String(500))
    recorded_by: Mapped[str] = mapped_column(String(96))
    recorded_at: Mapped[dt.datetime]


class PassportsChange(Base, ChangeLogMixin):
    """Append-only log of every change the passport office makes."""

    __tablename__ = "passports_change"
