"""Tables of the tax agency, all named `tax_...`."""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.address import AddressColumns
from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId

TAX_KINDS: Final = ("national", "local")
"""National taxes (국세, the National Tax Service) and local taxes (지방세, the districts)."""

ITEM_KINDS: Final[dict[str, str]] = {
    "income_tax": "national",
    "vat": "national",
    "comprehensive_real_estate_tax": "national",
    "inheritance_tax": "national",
    "gift_tax": "national",
    "local_income_tax": "local",
    "property_tax": "local",
    "vehicle_tax": "local",
    "acquisition_tax": "local",
}
"""Each tax item (세목) and whether it is a national or a local tax."""

NOTICE_KINDS: Final = ("hired", "left")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Taxpayer(Base, AddressColumns):
    """A person the tax office knows (납세자), at the address it sends notices to."""

    __tablename__ = "tax_taxpayer"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, unique=True)
    address_since: Mapped[dt.date]
    registered_on: Mapped[dt.date]


class Balance(Base):
    """A tax of one item and year a person owes (체납·고지) or may have refunded (환급)."""

    __tablename__ = "tax_balance"
    __table_args__ = (
        CheckConstraint(_in("tax_kind", TAX_KINDS), name="tax_kind"),
        CheckConstraint(_in("item", tuple(ITEM_KINDS)), name="item"),
        CheckConstraint("amount_owed >= 0 AND amount_refundable >= 0", name="amounts"),
        CheckConstraint("amount_owed = 0 OR amount_refundable = 0", name="one_side"),
        Index("ix_tax_balance_person", "person_id", "tax_year"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId)
    tax_kind: Mapped[str] = mapped_column(String(8))
    item: Mapped[str] = mapped_column(String(40))
    tax_year: Mapped[int] = mapped_column(Integer)
    amount_owed: Mapped[int] = mapped_column(BigInteger)
    amount_refundable: Mapped[int] = mapped_column(BigInteger)
    due_on: Mapped[dt.date | None]
    settled_on: Mapped[dt.date | None]


class EmploymentNotice(Base):
    """A hire or a leaving the business register announced: the employer withholds the
    person's income tax (원천징수의무자) while the employment lasts."""

    __tablename__ = "tax_employment_notice"
    __table_args__ = (
        CheckConstraint(_in("kind", NOTICE_KINDS), name="kind"),
        Index("ix_tax_employment_notice_person", "person_id", "on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[int] = mapped_column(BigId, unique=True)
    employment_id: Mapped[int] = mapped_column(BigId)
    business_id: Mapped[int] = mapped_column(BigId)
    person_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(6))
    on: Mapped[dt.date]
    received_at: Mapped[dt.datetime]


class TaxChange(Base, ChangeLogMixin):
    """Append-only log of every change to the tax office's records."""

    __tablename__ = "tax_change"
