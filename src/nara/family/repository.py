"""Every query of the family register. No rules here; writes only through `session.add`.

A link or marriage is in force on a day `d` when it started on or before `d` and has not
ended, or ended after `d` (the end date is the first day it no longer holds).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from nara.family.models import Death, Marriage, Parentage


def _in_force(
    start: InstrumentedAttribute[dt.date],
    end: InstrumentedAttribute[dt.date | None],
    on: dt.date,
) -> ColumnElement[bool]:
    return and_(start <= on, or_(end.is_(None), end > on))


def add(session: Session, *rows: Parentage | Marriage) -> None:
    session.add_all(rows)


def parentage(session: Session, parentage_id: int) -> Parentage | None:
    return session.get(Parentage, parentage_id)


def current_parentages_of_child(session: Session, child_id: int) -> list[Parentage]:
    """The child's links that have not ended."""
    query = (
        select(Parentage)
        .where(Parentage.child_id == child_id, Parentage.ended_on.is_(None))
        .order_by(Parentage.id)
    )
    return list(session.scalars(query))


def parents_on(session: Session, child_id: int, on: dt.date) -> list[Parentage]:
    query = (
        select(Parentage)
        .where(
            Parentage.child_id == child_id,
            _in_force(Parentage.established_on, Parentage.ended_on, on),
        )
        .order_by(Parentage.parent_role, Parentage.id)
    )
    return list(session.scalars(query))


def children_on(session: Session, parent_id: int, on: dt.date) -> list[Parentage]:
    query = (
        select(Parentage)
        .where(
            Parentage.parent_id == parent_id,
            _in_force(Parentage.established_on, Parentage.ended_on, on),
        )
        .order_by(Parentage.established_on, Parentage.id)
    )
    return list(session.scalars(query))


def adoptions_of_child(session: Session, child_id: int, until: dt.date) -> list[Parentage]:
    """The child's adoption links established on or before `until`, ended or not."""
    query = (
        select(Parentage)
        .where(
            Parentage.child_id == child_id,
            Parentage.kind.in_(("adoption", "full_adoption")),
            Parentage.established_on <= until,
        )
        .order_by(Parentage.established_on, Parentage.id)
    )
    return list(session.scalars(query))


def birth_link_ended_by_full_adoption(
    session: Session, child_id: int, role: str, ended_on: dt.date
) -> Parentage | None:
    """The birth link in `role` that a full adoption on `ended_on` ended, if any."""
    query = (
        select(Parentage)
        .where(
            Parentage.child_id == child_id,
            Parentage.parent_role == role,
            Parentage.kind == "birth",
            Parentage.end_cause == "full_adoption",
            Parentage.ended_on == ended_on,
        )
        .order_by(Parentage.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def parentages_between(session: Session, a: int, b: int) -> list[Parentage]:
    """Every link, ended or not, in which one of the two is the other's parent."""
    query = select(Parentage).where(
        or_(
            and_(Parentage.child_id == a, Parentage.parent_id == b),
            and_(Parentage.child_id == b, Parentage.parent_id == a),
        )
    )
    return list(session.scalars(query))


def marriage(session: Session, marriage_id: int) -> Marriage | None:
    return session.get(Marriage, marriage_id)


def _of_anyone(person_ids: Iterable[int]) -> ColumnElement[bool]:
    ids = list(person_ids)
    return or_(Marriage.spouse_a_id.in_(ids), Marriage.spouse_b_id.in_(ids))


def marriages_of(session: Session, person_id: int) -> list[Marriage]:
    """All of a person's marriages, oldest first."""
    query = (
        select(Marriage).where(_of_anyone([person_id])).order_by(Marriage.married_on, Marriage.id)
    )
    return list(session.scalars(query))


def marriages_holding_after(
    session: Session, person_ids: Iterable[int], on: dt.date
) -> list[Marriage]:
    """Marriages of any of these persons that have not ended by `on` (a new one would overlap)."""
    query = select(Marriage).where(
        _of_anyone(person_ids), or_(Marriage.ended_on.is_(None), Marriage.ended_on > on)
    )
    return list(session.scalars(query))


def marriage_on(session: Session, person_id: int, on: dt.date) -> Marriage | None:
    query = (
        select(Marriage)
        .where(_of_anyone([person_id]), _in_force(Marriage.married_on, Marriage.ended_on, on))
        .order_by(Marriage.married_on.desc())
        .limit(1)
    )
    return session.scalar(query)


def last_marriage_before(session: Session, person_id: int, on: dt.date) -> Marriage | None:
    """The person's latest marriage that began on or before `on`."""
    query = (
        select(Marriage)
        .where(_of_anyone([person_id]), Marriage.married_on <= on)
        .order_by(Marriage.married_on.desc(), Marriage.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def death_of(session: Session, person_id: int) -> Death | None:
    return session.scalar(select(Death).where(Death.person_id == person_id))


def deaths_of(session: Session, person_ids: Iterable[int]) -> list[Death]:
    """The recorded deaths among these persons, earliest first."""
    query = (
        select(Death)
        .where(Death.person_id.in_(sorted(set(person_ids))))
        .order_by(Death.died_on, Death.id)
    )
    return list(session.scalars(query))
