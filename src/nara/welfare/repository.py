"""Every query of the welfare records. No rules here; writes only through `session.add`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nara.welfare.models import Application, Benefit, InsuranceRecord


def add(session: Session, *rows: Application | Benefit | InsuranceRecord) -> None:
    session.add_all(rows)


def benefit(session: Session, benefit_id: int) -> Benefit | None:
    return session.get(Benefit, benefit_id)


def benefits_of_person(session: Session, person_id: int) -> list[Benefit]:
    """Every benefit the person receives or is paid for, oldest first."""
    query = (
        select(Benefit)
        .where(
            or_(
                Benefit.recipient_person_id == person_id,
                Benefit.beneficiary_person_id == person_id,
            )
        )
        .order_by(Benefit.starts_on, Benefit.id)
    )
    return list(session.scalars(query))


def benefits_received(session: Session, person_id: int, *, started_by: dt.date) -> list[Benefit]:
    """The benefits paid to the person as recipient that started on or before a day."""
    query = (
        select(Benefit)
        .where(Benefit.recipient_person_id == person_id, Benefit.starts_on <= started_by)
        .order_by(Benefit.starts_on, Benefit.id)
    )
    return list(session.scalars(query))


def active_benefits_of_person(session: Session, person_id: int) -> list[Benefit]:
    """The active benefits whose beneficiary or recipient is the person, in id order."""
    query = (
        select(Benefit)
        .where(
            Benefit.status == "active",
            or_(
                Benefit.recipient_person_id == person_id,
                Benefit.beneficiary_person_id == person_id,
            ),
        )
        .order_by(Benefit.id)
    )
    return list(session.scalars(query))


def active_kinds_for(session: Session, beneficiary_person_id: int) -> set[str]:
    """The kinds of benefit the beneficiary has active (paid to anyone)."""
    query = select(Benefit.kind).where(
        Benefit.beneficiary_person_id == beneficiary_person_id, Benefit.status == "active"
    )
    return set(session.scalars(query))


def active_benefits_of_kind(
    session: Session, beneficiary_person_id: int, kind: str
) -> list[Benefit]:
    query = select(Benefit).where(
        Benefit.beneficiary_person_id == beneficiary_person_id,
        Benefit.kind == kind,
        Benefit.status == "active",
    )
    return list(session.scalars(query))


def applications_of_person(session: Session, person_id: int) -> list[Application]:
    """The applications a person made or that concern a person (as the child), oldest first."""
    query = (
        select(Application)
        .where(
            or_(
                Application.applicant_person_id == person_id,
                Application.child_person_id == person_id,
            )
        )
        .order_by(Application.submitted_on, Application.id)
    )
    return list(session.scalars(query))


def insurance_records_of_person(session: Session, person_id: int) -> list[InsuranceRecord]:
    query = (
        select(InsuranceRecord)
        .where(InsuranceRecord.person_id == person_id)
        .order_by(InsuranceRecord.occurred_on, InsuranceRecord.id)
    )
    return list(session.scalars(query))
