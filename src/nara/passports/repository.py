"""Every query of the passport office. No rules here; writes only through `session.add`.

A passport is valid on a day when its status is `valid` and the day is not after its
expiry. A restriction is in force on a day between its `from_on` and `until_on` (inclusive;
open-ended when `until_on` is empty).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from nara.passports.models import (
    OPEN_STATUSES,
    Application,
    Passport,
    PassportsChange,
    Photo,
    Restriction,
)


def add(session: Session, *rows: Application | Photo | Passport | Restriction) -> None:
    session.add_all(rows)


def application(session: Session, application_id: int) -> Application | None:
    return session.get(Application, application_id)


def applications_of_person(session: Session, person_id: int) -> list[Application]:
    query = (
        select(Application)
        .where(Application.person_id == person_id)
        .order_by(Application.created_at, Application.id)
    )
    return list(session.scalars(query))


def open_application_of(session: Session, person_id: int) -> Application | None:
    """The person's application still in progress (draft, submitted or approved), if any."""
    query = (
        select(Application)
        .where(Application.person_id == person_id, Application.status.in_(OPEN_STATUSES))
        .order_by(Application.id)
        .limit(1)
    )
    return session.scalar(query)


def applications_in_status(
    session: Session, status: str, *, offset: int, limit: int
) -> tuple[list[Application], int]:
    """A page of the applications in one status, oldest submission first (the office's
    queue), and how many there are in all."""
    query = select(Application).where(Application.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Application.submitted_at, Application.id).offset(offset).limit(limit)
    )
    return list(rows), total


def photo_of(session: Session, application_id: int) -> Photo | None:
    return session.scalar(select(Photo).where(Photo.application_id == application_id))


def passport(session: Session, passport_id: int) -> Passport | None:
    return session.get(Passport, passport_id)


def passport_by_number(session: Session, number: str) -> Passport | None:
    return session.scalar(select(Passport).where(Passport.number == number))


def passport_of_application(session: Session, application_id: int) -> Passport | None:
    return session.scalar(select(Passport).where(Passport.application_id == application_id))


def passports_of_person(session: Session, person_id: int) -> list[Passport]:
    """Every passport issued to the person, oldest first."""
    query = (
        select(Passport)
        .where(Passport.person_id == person_id)
        .order_by(Passport.issued_on, Passport.id)
    )
    return list(session.scalars(query))


def valid_passports_of(session: Session, person_id: int, on: dt.date) -> list[Passport]:
    query = (
        select(Passport)
        .where(
            Passport.person_id == person_id,
            Passport.status == "valid",
            Passport.expires_on >= on,
        )
        .order_by(Passport.issued_on, Passport.id)
    )
    return list(session.scalars(query))


def restrictions(session: Session, *, person_id: int | None) -> list[Restriction]:
    """Restrictions, of one person or of everyone, newest first."""
    query = select(Restriction).order_by(Restriction.from_on.desc(), Restriction.id.desc())
    if person_id is not None:
        query = query.where(Restriction.person_id == person_id)
    return list(session.scalars(query))


def restriction_in_force(session: Session, person_id: int, on: dt.date) -> Restriction | None:
    query = (
        select(Restriction)
        .where(
            Restriction.person_id == person_id,
            Restriction.from_on <= on,
            or_(Restriction.until_on.is_(None), Restriction.until_on >= on),
        )
        .order_by(Restriction.from_on, Restriction.id)
        .limit(1)
    )
    return session.scalar(query)


def history(session: Session, entity: str, entity_id: int) -> list[PassportsChange]:
    """The change log of one application or passport, oldest first."""
    query = (
        select(PassportsChange)
        .where(PassportsChange.entity == entity, PassportsChange.entity_id == entity_id)
        .order_by(PassportsChange.id)
    )
    return list(session.scalars(query))
