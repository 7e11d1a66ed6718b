"""Households (세대): forming one, adding and removing members, and reading them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.errors import Conflict, Message, NotFound
from nara.core.history import record_change
from nara.residents import repository, rules
from nara.residents.models import (
    Address,
    Household,
    HouseholdMember,
    Person,
    Residence,
    ResidentsChange,
)
from nara.residents.schemas import HouseholdCreate, MemberCreate, MemberRemoval


def form_household(
    *, session: Session, clock: Clock, actor: str, household_in: HouseholdCreate
) -> Household:
    """Form a household at an address, headed by a living person who is in no household."""
    person = rules.person_or_404(session, household_in.head_person_id, for_update=True)
    rules.require_alive(person)
    rules.require_in_no_household(session, person)
    on = household_in.formed_on
    rules.check_not_future(clock, on, "formed_on")
    rules.check_after_registration(person, on, "formed_on")
    rules.check_after_residences(session, person, on, "formed_on")
    address = rules.address_row(session, household_in.address)
    household, _ = start_household(
        session, clock=clock, person=person, address_id=address.id, on=on
    )
    record_change(
        session,
        clock,
        ResidentsChange,
        entity="household",
        entity_id=household.id,
        action="formed",
        data={
            "head_person_id": person.id,
            "address_id": household.address_id,
            "sigungu_code": household_in.address.sigungu_code,
            "formed_on": on.isoformat(),
        },
        actor=actor,
        event_type="household.formed",
    )
    return household


def start_household(
    session: Session, *, clock: Clock, person: Person, address_id: int, on: dt.date
) -> tuple[Household, Residence]:
    """A new household at the address with the person as head, and their residence there."""
    household = Household(
        head_person_id=person.id, address_id=address_id, formed_on=on, dissolved_on=None
    )
    session.add(household)
    session.flush()
    _, residence = enter(
        session, clock=clock, household=household, person=person, relation="head", on=on
    )
    return household, residence


def enter(
    session: Session,
    *,
    clock: Clock,
    household: Household,
    person: Person,
    relation: str,
    on: dt.date,
) -> tuple[HouseholdMember, Residence]:
    """Open the person's membership of the household and their residence at its address."""
    membership = HouseholdMember(
        household_id=household.id,
        person_id=person.id,
        relation=relation,
        joined_on=on,
        left_on=None,
    )
    session.add(membership)
    residence = Residence(
        person_id=person.id,
        address_id=household.address_id,
        household_id=household.id,
        moved_in=on,
        moved_out=None,
        reported_on=today(clock),
    )
    session.add(residence)
    session.flush()
    return membership, residence


def add_member(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    household_id: int,
    member_in: MemberCreate,
) -> HouseholdMember:
    """Add a living person who is in no household; they take up residence at its address."""
    person = rules.person_or_404(session, member_in.person_id, for_update=True)
    household = rules.household_or_404(session, household_id, for_update=True)
    rules.require_open(household)
    rules.require_alive(person)
    rules.require_in_no_household(session, person)
    on = member_in.joined_on
    rules.check_not_future(clock, on, "joined_on")
    rules.check_after_registration(person, on, "joined_on")
    rules.check_after_formed(household, on, "joined_on")
    rules.check_after_residences(session, person, on, "joined_on")
    membership, _ = enter(
        session,
        clock=clock,
        household=household,
        person=person,
        relation=member_in.relation,
        on=on,
    )
    record_change(
        session,
        clock,
        ResidentsChange,
        entity="household",
        entity_id=household.id,
        action="member_added",
        data={"person_id": person.id, "relation": member_in.relation, "joined_on": on.isoformat()},
        actor=actor,
        event_type="household.member_added",
    )
    return membership


def remove_member(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    household_id: int,
    person_id: int,
    removal_in: MemberRemoval,
) -> HouseholdMember:
    """End a member's membership and their residence at the household's address.

    The head is not removed: the head leaves by a move or a change of status, naming a new
    head when other members remain.
    """
    person = rules.person_or_404(session, person_id, for_update=True)
    household = rules.household_or_404(session, household_id, for_update=True)
    membership = repository.current_membership(session, person.id)
    if membership is None or membership.household_id != household.id:
        raise NotFound(
            "member_not_found",
            Message(
                f"Person {person.id} is not a current member of household {household.id}.",
                f"주민 {person.id}은(는) 세대 {household.id}의 현재 세대원이 아닙니다.",
            ),
            {"household_id": household.id, "person_id": person.id},
        )
    if household.head_person_id == person.id:
        raise Conflict(
            "head_cannot_be_removed",
            Message(
                f"Person {person.id} heads household {household.id}; the head leaves by a "
                "move or a change of status, naming a new head if members remain.",
                f"주민 {person.id}은(는) 세대 {household.id}의 세대주입니다. 세대주는 전출이나 "
                "상태 변경으로 세대를 떠나며, 세대원이 남으면 새 세대주를 지정합니다.",
            ),
            {"household_id": household.id, "person_id": person.id},
        )
    on = removal_in.left_on
    rules.check_not_future(clock, on, "left_on")
    rules.check_after_joined(membership, on, "left_on")
    rules.check_after_residences(session, person, on, "left_on")
    rules.leave_household(session, person=person, on=on, field="left_on", new_head_person_id=None)
    record_change(
        session,
        clock,
        ResidentsChange,
        entity="household",
        entity_id=household.id,
        action="member_removed",
        data={"person_id": person.id, "relation": membership.relation, "left_on": on.isoformat()},
        actor=actor,
        event_type="household.member_removed",
    )
    return membership


@dataclass(frozen=True)
class HouseholdView:
    """A household with its address and current members."""

    household: Household
    address: Address
    members: Sequence[tuple[HouseholdMember, Person]]


def household_view(*, session: Session, household_id: int) -> HouseholdView:
    household = rules.household_or_404(session, household_id)
    return HouseholdView(
        household,
        repository.get_address(session, household.address_id),
        repository.members_with_persons(session, household.id),
    )


def members(
    *, session: Session, household_id: int, on: dt.date | None = None
) -> Sequence[tuple[HouseholdMember, Person]]:
    """The members now, or on a date (`on`), each with their person."""
    rules.household_or_404(session, household_id)
    return repository.members_with_persons(session, household_id, on=on)
