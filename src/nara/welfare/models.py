"""Tables of the welfare agency, all named `welfare_...`.

Persons (children, parents, pensioners) and employments are other registers' records,
kept here by id only.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId

_KINDS = (
    "kind IN ('parent_allowance', 'child_allowance', 'childcare_allowance', "
    "'first_meeting_voucher', 'basic_pension')"
)
_ONE_AMOUNT = (
    "(monthly_amount IS NULL AND lump_sum IS NOT NULL) "
    "OR (monthly_amount IS NOT NULL AND lump_sum IS NULL)"
)


class Application(Base):
    """One benefit applied for for a child (신청), with the decision taken on it (결정)."""

    __tablename__ = "welfare_application"
    __table_args__ = (
        CheckConstraint(_KINDS, name="kind"),
        CheckConstraint("decision IN ('granted', 'refused', 'deferred')", name="decision"),
        CheckConstraint("monthly_amount >= 0 AND lump_sum >= 0", name="amounts"),
        Index("ix_welfare_application_child", "child_person_id", "kind"),
        Index("ix_welfare_application_applicant", "applicant_person_id", "submitted_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    child_person_id: Mapped[int] = mapped_column(BigId)
    applicant_person_id: Mapped[int] = mapped_column(BigId)
    submitted_on: Mapped[dt.date]
    decision: Mapped[str] = mapped_column(String(10))
    reason_code: Mapped[str] = mapped_column(String(40))
    reason_en: Mapped[str] = mapped_column(String(300))
    reason_ko: Mapped[str] = mapped_column(String(300))
    monthly_amount: Mapped[int | None] = mapped_column(BigInteger)
    lump_sum: Mapped[int | None] = mapped_column(BigInteger)
    starts_on: Mapped[dt.date | None]
    ends_on: Mapped[dt.date | None]
    step_key: Mapped[str | None] = mapped_column(String(128))
    case_reference: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[dt.datetime]


class Benefit(Base):
    """A benefit paid to a recipient for a beneficiary over a period at one amount (급여).

    A child's allowance whose amount changes with age is several rows, one per amount.
    `ends_on` is the first day no longer paid; a stopped benefit is not paid from `stopped_on`.
    """

    __tablename__ = "welfare_benefit"
    __table_args__ = (
        CheckConstraint(_KINDS, name="kind"),
        CheckConstraint("status IN ('active', 'stopped', 'ended')", name="status"),
        CheckConstraint(_ONE_AMOUNT, name="one_amount"),
        CheckConstraint("monthly_amount >= 0 AND lump_sum >= 0", name="amounts"),
        CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name="period"),
        CheckConstraint(
            "(status = 'stopped') = (stopped_on IS NOT NULL AND stop_reason IS NOT NULL)",
            name="stopped",
        ),
        Index("ix_welfare_benefit_recipient", "recipient_person_id", "starts_on"),
        Index("ix_welfare_benefit_beneficiary", "beneficiary_person_id", "kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    beneficiary_person_id: Mapped[int] = mapped_column(BigId)
    recipient_person_id: Mapped[int] = mapped_column(BigId)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("welfare_application.id"))
    monthly_amount: Mapped[int | None] = mapped_column(BigInteger)
    lump_sum: Mapped[int | None] = mapped_column(BigInteger)
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(String(10))
    stopped_on: Mapped[dt.date | None]
    stop_reason: Mapped[str | None] = mapped_column(String(40))
    stop_note: Mapped[str | None] = mapped_column(String(200))


class InsuranceRecord(Base):
    """A social-insurance acquisition or loss (자격 취득·상실), from an employment event."""

    __tablename__ = "welfare_insurance_record"
    __table_args__ = (
        CheckConstraint("kind IN ('acquired', 'lost')", name="kind"),
        Index("ix_welfare_insurance_record_person", "person_id", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[int] = mapped_column(BigId, unique=True)
    employment_id: Mapped[int] = mapped_column(BigId)
    business_id: Mapped[int] = mapped_column(BigId)
    person_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(10))
    occurred_on: Mapped[dt.date]
    received_at: Mapped[dt.datetime]


class WelfareChange(Base, ChangeLogMixin):
    """Append-only log of every change to the welfare records."""

    __tablename__ = "welfare_change"
