"""Every query of the business register. No rules here; writes only through `session.add`.

An employment is in force on a day `d` when it started on or before `d` and has not ended,
or ended after `d` (the end date is the first day the person is no longer employed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from nara.business.models import Employment, Registration, WageChange


def add(session: Session, *rows: Registration | Employment | WageChange) -> None:
    session.add_all(rows)


def registration(session: Session, business_id: int) -> Registration | None:
    return session.get(Registration, business_id)


def registrations(session: Session, business_ids: Collection[int]) -> list[Registration]:
    """The registrations with these ids (unknown ids are left out), in id order."""
    if not business_ids:
        return []
    query = (
        select(Registration).where(Registration.id.in_(set(business_ids))).order_by(Registration.id)
    )
    return list(session.scalars(query))


def registration_by_brn(session: Session, brn_digits: str) -> Registration | None:
    return session.scalar(select(Registration).where(Registration.brn == brn_digits))


def registrations_of_representative(session: Session, person_id: int) -> list[Registration]:
    query = (
        select(Registration)
        .where(Registration.representative_person_id == person_id)
        .order_by(Registration.opened_on, Registration.id)
    )
    return list(session.scalars(query))


def employment(session: Session, employment_id: int) -> Employment | None:
    return session.get(Employment, employment_id)


def employment_with_business(
    session: Session, employment_id: int
) -> tuple[Employment, Registration] | None:
    query = (
        select(Employment, Registration)
        .join(Registration, Employment.business_id == Registration.id)
        .where(Employment.id == employment_id)
    )
    row = session.execute(query).tuples().first()
    return None if row is None else (row[0], row[1])


def _in_force(on: dt.date) -> ColumnElement[bool]:
    return and_(
        Employment.started_on <= on,
        or_(Employment.ended_on.is_(None), Employment.ended_on > on),
    )


def employments_of_person(
    session: Session, person_id: int, *, on: dt.date | None
) -> list[tuple[Employment, Registration]]:
    """The person's employments with their employers: in force on `on`, or all when None."""
    query = (
        select(Employment, Registration)
        .join(Registration, Employment.business_id == Registration.id)
        .where(Employment.person_id == person_id)
        .order_by(Employment.started_on, Employment.id)
    )
    if on is not None:
        query = query.where(_in_force(on))
    return [(e, r) for e, r in session.execute(query).tuples()]


def employments_reaching(
    session: Session, business_id: int, person_id: int, on: dt.date
) -> list[Employment]:
    """The person's employments at the business still open on `on` or ending after it."""
    query = select(Employment).where(
        Employment.business_id == business_id,
        Employment.person_id == person_id,
        or_(Employment.ended_on.is_(None), Employment.ended_on > on),
    )
    return list(session.scalars(query))


def open_employment_count(session: Session, business_id: int) -> int:
    query = select(func.count()).where(
        Employment.business_id == business_id, Employment.ended_on.is_(None)
    )
    return int(session.scalar(query) or 0)


def employees(
    session: Session, business_id: int, *, on: dt.date | None, offset: int, limit: int
) -> tuple[list[Employment], int]:
    """One page of the business's employments (in force on `on`, or all when None) and the total."""
    query: Select[tuple[Employment]] = select(Employment).where(
        Employment.business_id == business_id
    )
    if on is not None:
        query = query.where(_in_force(on))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Employment.started_on, Employment.id).offset(offset).limit(limit)
    )
    return list(rows), int(total)


def wages(session: Session, employment_id: int) -> list[WageChange]:
    query = (
        select(WageChange)
        .where(WageChange.employment_id == employment_id)
        .order_by(WageChange.effective_from, WageChange.id)
    )
    return list(session.scalars(query))


def latest_wage(session: Session, employment_id: int) -> WageChange | None:
    query = (
        select(WageChange)
        .where(WageChange.employment_id == employment_id)
        .order_by(WageChange.effective_from.desc(), WageChange.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def open_employments_of_businesses(
    session: Session, business_ids: Collection[int]
) -> list[Employment]:
    """The employments not yet ended at these businesses, earliest start first."""
    query = (
        select(Employment)
        .where(Employment.business_id.in_(list(business_ids)), Employment.ended_on.is_(None))
        .order_by(Employment.started_on, Employment.id)
    )
    return list(session.scalars(query))


def open_employment_id(session: Session, business_id: int, person_id: int) -> int | None:
    """The id of the person's employment not yet ended at this business, if any."""
    return session.scalar(
        select(Employment.id)
        .where(
            Employment.business_id == business_id,
            Employment.person_id == person_id,
            Employment.ended_on.is_(None),
        )
        .order_by(Employment.id)
        .limit(1)
    )
