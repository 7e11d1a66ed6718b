"""Every query of the resident register. No rules here; writes only through `session.add`.

Periods are half-open: a membership runs from `joined_on` up to (not including) `left_on`,
a residence from `moved_in` up to `moved_out`. On the day of a move a person belongs to the
household and the address they moved to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, func, or_, select
from sqlalchemy.orm import Session

from nara.core.address import RoadAddress
from nara.residents.models import Address, Household, HouseholdMember, Person, Residence


def get_person(session: Session, person_id: int, *, for_update: bool = False) -> Person | None:
    """A person by id; `for_update` locks the row (PostgreSQL) so writes on one person queue."""
    query = select(Person).where(Person.id == person_id)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def person_by_rrn_index(session: Session, rrn_index: bytes) -> Person | None:
    return session.scalar(select(Person).where(Person.rrn_index == rrn_index))


def persons_by_name_and_birth(
    session: Session, *, name_ko: str, birth_date: dt.date, offset: int, limit: int
) -> tuple[Sequence[Person], int]:
    """One page of the persons with this Hangul name and birth date, and how many there are."""
    where = and_(Person.name_ko == name_ko, Person.birth_date == birth_date)
    total = session.scalar(select(func.count()).select_from(Person).where(where)) or 0
    rows = session.scalars(
        select(Person).where(where).order_by(Person.id).offset(offset).limit(limit)
    ).all()
    return rows, total


def get_household(
    session: Session, household_id: int, *, for_update: bool = False
) -> Household | None:
    query = select(Household).where(Household.id == household_id)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def get_address(session: Session, address_id: int) -> Address:
    return session.get_one(Address, address_id)


def find_address(session: Session, address: RoadAddress) -> Address | None:
    """The stored row of exactly this address, if one exists."""
    return session.scalar(
        select(Address)
        .where(
            Address.sigungu_code == address.sigungu_code,
            Address.road_name == address.road_name,
            Address.building_main == address.building_main,
            Address.building_sub == address.building_sub,
            Address.address_detail == address.address_detail,
            Address.postcode == address.postcode,
        )
        .order_by(Address.id)
        .limit(1)
    )


def current_membership(session: Session, person_id: int) -> HouseholdMember | None:
    """The person's open membership (a person is in at most one household at a time)."""
    return session.scalar(
        select(HouseholdMember)
        .where(HouseholdMember.person_id == person_id, HouseholdMember.left_on.is_(None))
        .order_by(HouseholdMember.id.desc())
        .limit(1)
    )


def current_members(session: Session, household_id: int) -> Sequence[HouseholdMember]:
    return session.scalars(
        select(HouseholdMember)
        .where(HouseholdMember.household_id == household_id, HouseholdMember.left_on.is_(None))
        .order_by(HouseholdMember.id)
    ).all()


def _member_on(on: dt.date) -> ColumnElement[bool]:
    return and_(
        HouseholdMember.joined_on <= on,
        or_(HouseholdMember.left_on.is_(None), HouseholdMember.left_on > on),
    )


def membership_on(session: Session, person_id: int, on: dt.date) -> HouseholdMember | None:
    """The person's household membership in force on a date, if any."""
    return session.scalar(
        select(HouseholdMember)
        .where(HouseholdMember.person_id == person_id, _member_on(on))
        .order_by(HouseholdMember.joined_on.desc(), HouseholdMember.id.desc())
        .limit(1)
    )


def members_with_persons(
    session: Session, household_id: int, *, on: dt.date | None = None
) -> Sequence[tuple[HouseholdMember, Person]]:
    """Members of a household now (`on` omitted) or on a date, each with their person row."""
    when = HouseholdMember.left_on.is_(None) if on is None else _member_on(on)
    rows = session.execute(
        select(HouseholdMember, Person)
        .join(Person, Person.id == HouseholdMember.person_id)
        .where(HouseholdMember.household_id == household_id, when)
        .order_by(HouseholdMember.joined_on, HouseholdMember.id)
    ).tuples()
    return rows.all()


def current_residence(session: Session, person_id: int) -> Residence | None:
    return session.scalar(
        select(Residence)
        .where(Residence.person_id == person_id, Residence.moved_out.is_(None))
        .order_by(Residence.moved_in.desc(), Residence.id.desc())
        .limit(1)
    )


def last_residence(session: Session, person_id: int) -> Residence | None:
    """The person's latest residence, open or closed."""
    return session.scalar(
        select(Residence)
        .where(Residence.person_id == person_id)
        .order_by(Residence.moved_in.desc(), Residence.id.desc())
        .limit(1)
    )


def residences_with_addresses(
    session: Session, person_id: int
) -> Sequence[tuple[Residence, Address]]:
    """Every residence of a person, oldest first, with its address (the abstract, 초본)."""
    rows = session.execute(
        select(Residence, Address)
        .join(Address, Address.id == Residence.address_id)
        .where(Residence.person_id == person_id)
        .order_by(Residence.moved_in, Residence.id)
    ).tuples()
    return rows.all()


def residence_on(session: Session, person_id: int, on: dt.date) -> tuple[Residence, Address] | None:
    """Where the person lived on a date, if anywhere."""
    row = session.execute(
        select(Residence, Address)
        .join(Address, Address.id == Residence.address_id)
        .where(
            Residence.person_id == person_id,
            Residence.moved_in <= on,
            or_(Residence.moved_out.is_(None), Residence.moved_out > on),
        )
        .order_by(Residence.moved_in.desc(), Residence.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def person_summary_rows(session: Session, person_ids: Iterable[int]) -> Sequence[Row[Any]]:
    """Id, names, birth date, sex and status of these persons (never the RRN)."""
    return session.execute(
        select(
            Person.id, Person.name_ko, Person.name_en, Person.birth_date, Person.sex, Person.status
        ).where(Person.id.in_(set(person_ids)))
    ).all()


def open_household_headed_by(
    session: Session, *, address_id: int, head_name: str
) -> Row[Any] | None:
    """(id, head_person_id) of the open household at an address whose head bears a name."""
    return session.execute(
        select(Household.id, Household.head_person_id)
        .join(Person, Person.id == Household.head_person_id)
        .where(
            Household.address_id == address_id,
            Household.dissolved_on.is_(None),
            Person.name_ko == head_name,
        )
        .order_by(Household.id)
        .limit(1)
    ).first()


def current_residences_with_addresses(
    session: Session, person_ids: Sequence[int]
) -> Sequence[Row[Any]]:
    """(person_id, household_id, moved_in, Address) of each person's open residence."""
    return session.execute(
        select(Residence.person_id, Residence.household_id, Residence.moved_in, Address)
        .join(Address, Address.id == Residence.address_id)
        .where(Residence.person_id.in_(person_ids), Residence.moved_out.is_(None))
    ).all()


def living_person_ids(session: Session, *, after_id: int, limit: int) -> list[int]:
    """Ids of living persons above `after_id`, in order."""
    return list(
        session.scalars(
            select(Person.id)
            .where(Person.id > after_id, Person.status == "alive")
            .order_by(Person.id)
            .limit(limit)
        )
    )
