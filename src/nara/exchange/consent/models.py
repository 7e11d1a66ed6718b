"""Tables of the consent store: data agreements, consent records, their revisions, change log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId, JsonData

LAWFUL_BASIS_CHECK = (
    "lawful_basis IN ('consent', 'contract', 'legal_obligation', 'vital_interest', "
    "'public_task', 'legitimate_interest')"
)


class ExchangeConsentAgreement(Base):
    """A data agreement: one declared purpose of one service (GovStack `DataAgreement`).

    `uid` is the stable string id (`residents.person-summaries.ownership-check`); `version`
    goes up whenever the declaration changes; an agreement no longer declared is inactive.
    """

    __tablename__ = "exchange_consent_agreement"
    __table_args__ = (
        CheckConstraint(LAWFUL_BASIS_CHECK, name="lawful_basis"),
        Index("ix_exchange_consent_agreement_service", "service", "purpose", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    service: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(String(64))
    purpose_en: Mapped[str] = mapped_column(Text)
    purpose_ko: Mapped[str] = mapped_column(Text)
    lawful_basis: Mapped[str] = mapped_column(String(32))
    legal_reference: Mapped[str] = mapped_column(String(500))
    fields: Mapped[list[str]] = mapped_column(JsonData)
    version: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class ExchangeConsentRecord(Base):
    """The current consent of one individual (a resident's `person_id`) to one agreement.

    Exactly one per (agreement, person); every change appends an `ExchangeConsentRevision`.
    `uid` is the record's public id. `opt_in` false means withdrawn; `expires_at` ends it.
    """

    __tablename__ = "exchange_consent_record"
    __table_args__ = (
        Index("ix_exchange_consent_record_agreement", "agreement_id", "person_id", unique=True),
        Index("ix_exchange_consent_record_person", "person_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("exchange_consent_agreement.id"))
    person_id: Mapped[int] = mapped_column(BigId)
    opt_in: Mapped[bool] = mapped_column(Boolean)
    expires_at: Mapped[dt.datetime | None]
    agreement_version: Mapped[int] = mapped_column(Integer)
    revisions: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class ExchangeConsentRevision(Base):
    """One change of a consent record, hash-chained and signed by the platform; append-only.

    `hash` is SHA-256 over the canonical JSON of (record, seq, action, state, actor,
    recorded_at, prev_hash); `prev_hash` is the previous revision's hash (64 zeros first);
    `signature` is the platform member's signature of the hash (wire form `<kid>.<b64url>`).
    """

    __tablename__ = "exchange_consent_revision"
    __table_args__ = (
        Index("ix_exchange_consent_revision_record", "record_id", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("exchange_consent_record.id"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    state: Mapped[dict[str, Any]]
    actor: Mapped[str] = mapped_column(String(96))
    recorded_at: Mapped[dt.datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(200))


class ExchangeConsentChange(Base, ChangeLogMixin):
    """Append-only log of every change to agreements and consent records."""

    __tablename__ = "exchange_consent_change"
