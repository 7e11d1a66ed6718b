"""Queries of the simulated financial data source."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nara.finance.models import Account, Institution


def add(session: Session, *rows: Institution | Account) -> None:
    session.add_all(rows)


def institutions(session: Session) -> list[Institution]:
    return list(session.scalars(select(Institution).order_by(Institution.id)))


def has_accounts(session: Session, person_id: int) -> bool:
    return (
        session.scalar(select(Account.id).where(Account.person_id == person_id).limit(1))
        is not None
    )


def accounts_open_on(
    session: Session, person_id: int, on: dt.date
) -> list[tuple[Account, Institution]]:
    """The person's accounts open on a day, with their institutions, oldest first."""
    rows = session.execute(
        select(Account, Institution)
        .join(Institution, Institution.id == Account.institution_id)
        .where(
            Account.person_id == person_id,
            Account.opened_on <= on,
            or_(Account.closed_on.is_(None), Account.closed_on > on),
        )
        .order_by(Account.opened_on, Account.seq)
    ).all()
    return [(account, institution) for account, institution in rows]
