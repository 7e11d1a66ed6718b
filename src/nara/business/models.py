"""Tables of the business register (사업자등록) and of employment (고용) records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.address import AddressColumns
from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId

BUSINESS_KINDS = ("individual", "corporation")
BUSINESS_STATUSES = ("active", "suspended", "closed")


class Registration(Base, AddressColumns):
    """A registered business, identified by its BRN; an employer once it takes on staff."""

    __tablename__ = "business_registration"
    __table_args__ = (
        CheckConstraint("kind IN ('individual', 'corporation')", name="kind"),
        CheckConstraint("status IN ('active', 'suspended', 'closed')", name="status"),
        Index("ix_business_registration_representative", "representative_person_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    brn: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))
    representative_person_id: Mapped[int] = mapped_column(BigId)
    representative_name: Mapped[str] = mapped_column(String(40))
    industry_code: Mapped[str] = mapped_column(String(5))
    opened_on: Mapped[dt.date]
    closed_on: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(String(10))
    employer_since: Mapped[dt.date | None]


class Employment(Base):
    """A person's employment by a business, with its current monthly wage."""

    __tablename__ = "business_employment"
    __table_args__ = (
        CheckConstraint("monthly_wage_won >= 0", name="wage"),
        Index("ix_business_employment_person", "person_id", "started_on"),
        Index("ix_business_employment_business", "business_id", "ended_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("business_registration.id"))
    person_id: Mapped[int] = mapped_column(BigId)
    job_title: Mapped[str] = mapped_column(String(60))
    started_on: Mapped[dt.date]
    ended_on: Mapped[dt.date | None]
    end_reason: Mapped[str | None] = mapped_column(String(40))
    monthly_wage_won: Mapped[int] = mapped_column(BigInteger)


class WageChange(Base):
    """A wage in force from a date; the employment's wage history."""

    __tablename__ = "business_wage"
    __table_args__ = (Index("ix_business_wage_employment", "employment_id", "effective_from"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("business_employment.id"))
    monthly_wage_won: Mapped[int] = mapped_column(BigInteger)
    effective_from: Mapped[dt.date]


class BusinessChange(Base, ChangeLogMixin):
    """Append-only log of every change to the business register."""

    __tablename__ = "business_change"
