"""Tables of the simulated financial data source, all named `finance_...`.

SIMULATED: no real financial institution is connected. The institutions and accounts here
are synthetic, generated deterministically from a person's id the first time the person's
accounts are asked for (see `nara.finance.service`).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId

INSTITUTION_KINDS: Final = ("bank", "insurer", "securities")
ACCOUNT_KINDS: Final = ("deposit", "loan", "insurance", "securities")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Institution(Base):
    """A (simulated) financial institution: a bank, an insurer or a securities firm."""

    __tablename__ = "finance_institution"
    __table_args__ = (CheckConstraint(_in("kind", INSTITUTION_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(10))


class Account(Base):
    """A (simulated) account of a person at an institution, with its balance in won.

    A loan's balance is what the person owes; any other kind's is what he holds. The
    account is open on day `d` when it was opened on or before `d` and not closed by then.
    """

    __tablename__ = "finance_account"
    __table_args__ = (
        CheckConstraint(_in("kind", ACCOUNT_KINDS), name="kind"),
        CheckConstraint("balance_won >= 0", name="balance"),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="period"),
        UniqueConstraint("person_id", "seq"),
        Index("ix_finance_account_person", "person_id", "opened_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId)
    seq: Mapped[int] = mapped_column(SmallInteger)
    """The account's number among the person's simulated accounts (1, 2, ...)."""
    institution_id: Mapped[int] = mapped_column(BigId, ForeignKey("finance_institution.id"))
    kind: Mapped[str] = mapped_column(String(12))
    product: Mapped[str] = mapped_column(String(40))
    balance_won: Mapped[int] = mapped_column(BigInteger)
    opened_on: Mapped[dt.date]
    closed_on: Mapped[dt.date | None]


class FinanceChange(Base, ChangeLogMixin):
    """Append-only log of every change to the simulated financial data source."""

    __tablename__ = "finance_change"
