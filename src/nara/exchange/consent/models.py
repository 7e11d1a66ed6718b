"""Tables of the consent store: the policy, data agreements, consent records, their revisions,
the mandates under which a system may act for an individual, and the change log."""

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
MANDATE_KINDS = ("legal_guardian", "power_of_attorney", "court_order")
MANDATE_KIND_CHECK = "kind IN ('legal_guardian', 'power_of_attorney', 'court_order')"


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
    actor: Mapped[str] = mapped_column(String(160))
    """`citizen:<account>` for the individual himself, `token:<name> (mandate <uid>)` for a
    system acting under a mandate."""
    recorded_at: Mapped[dt.datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(200))


class ExchangeConsentMandate(Base):
    """A mandate (위임): who may give or withdraw consent for an individual besides himself.

    `holder` is the actor of the API token that holds it (`token:<name>`); `kind` says on what
    the power rests (`legal_guardian` 법정대리인, `power_of_attorney` 위임장, `court_order`
    법원 결정) and `document_reference` names the document proving it. It is in force from
    `valid_from` until `valid_until` (if any) unless revoked. Never deleted; revoking sets
    `revoked_at` and `revoked_by`.
    """

    __tablename__ = "exchange_consent_mandate"
    __table_args__ = (
        CheckConstraint(MANDATE_KIND_CHECK, name="kind"),
        CheckConstraint("document_reference <> ''", name="document_reference"),
        CheckConstraint("valid_until IS NULL OR valid_until > valid_from", name="period"),
        Index("ix_exchange_consent_mandate_person", "person_id", "id"),
        Index("ix_exchange_consent_mandate_holder", "holder", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    person_id: Mapped[int] = mapped_column(BigId)
    holder: Mapped[str] = mapped_column(String(110))
    kind: Mapped[str] = mapped_column(String(32))
    document_reference: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[dt.datetime]
    valid_until: Mapped[dt.datetime | None]
    recorded_by: Mapped[str] = mapped_column(String(110))
    recorded_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(110))


class ExchangeConsentPolicy(Base):
    """The policy that governs the data agreements (GovStack `Policy`); the platform has one.

    `path` is where it can be read, under the platform's public address
    (`NARA_PUBLIC_BASE_URL`).
    """

    __tablename__ = "exchange_consent_policy"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ko: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(String(500))
    jurisdiction: Mapped[str] = mapped_column(String(64))
    industry_sector: Mapped[str] = mapped_column(String(120))
    data_retention_period_days: Mapped[int] = mapped_column(Integer)
    geographic_restriction: Mapped[str | None] = mapped_column(String(64))
    storage_location: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class ExchangeConsentChange(Base, ChangeLogMixin):
    """Append-only log of every change to agreements, consent records and mandates."""

    __tablename__ = "exchange_consent_change"
