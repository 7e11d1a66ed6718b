"""Every query of the tax office. No rules here; writes only through `session.add`.

A balance is open on day `d` when it has not been settled, or was settled after `d`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nara.tax.models import Balance, EmploymentNotice, Taxpayer


def add(session: Session, *rows: Taxpayer | Balance | EmploymentNotice) -> None:
    session.add_all(rows)


def taxpayer_of_person(session: Session, person_id: int) -> Taxpayer | None:
    return session.scalar(select(Taxpayer).where(Taxpayer.person_id == person_id))


def taxpayers_of_persons(session: Session, person_ids: Collection[int]) -> list[Taxpayer]:
    """The taxpayers among these persons (persons tax does not know are left out)."""
    if not person_ids:
        return []
    query = (
        select(Taxpayer).where(Taxpayer.person_id.in_(set(person_ids))).order_by(Taxpayer.person_id)
    )
    return list(session.scalars(query))


def balance(session: Session, balance_id: int) -> Balance | None:
    return session.get(Balance, balance_id)


def open_balances(session: Session, person_id: int, *, on: dt.date) -> list[Balance]:
    """The person's balances not settled on `on`, oldest tax year first."""
    query = (
        select(Balance)
        .where(
            Balance.person_id == person_id,
            or_(Balance.settled_on.is_(None), Balance.settled_on > on),
        )
        .order_by(Balance.tax_year, Balance.id)
    )
    return list(session.scalars(query))


def notice_of_event(session: Session, event_id: int) -> EmploymentNotice | None:
    return session.scalar(select(EmploymentNotice).where(EmploymentNotice.event_id == event_id))


def employment_notices(session: Session, person_id: int) -> list[EmploymentNotice]:
    query = (
        select(EmploymentNotice)
        .where(EmploymentNotice.person_id == person_id)
        .order_by(EmploymentNotice.on, EmploymentNotice.id)
    )
    return list(session.scalars(query))
