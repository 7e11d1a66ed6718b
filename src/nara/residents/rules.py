"""Rules shared by the register's writes: finding rows, checking dates, leaving a household."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from nara.core.address import RoadAddress
from nara.core.clock import Clock, today
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.residents import repository
from nara.residents.models import Address, Household, HouseholdMember, Person


def person_or_404(session: Session, person_id: int, *, for_update: bool = False) -> Person:
    person = repository.get_person(session, person_id, for_update=for_update)
    if person is None:
        raise NotFound(
            "person_not_found",
            Message(
                f"No person with id {person_id} is registered.",
                f"ID {person_id}인 주민이 등록되어 있지 않습니다.",
            ),
            {"person_id": person_id},
        )
    return person


def household_or_404(session: Session, household_id: int, *, for_update: bool = False) -> Household:
    household = repository.get_household(session, household_id, for_update=for_update)
    if household is None:
        raise NotFound(
            "household_not_found",
            Message(
                f"There is no household with id {household_id}.",
                f"ID {household_id}인 세대가 없습니다.",
            ),
            {"household_id": household_id},
        )
    return household


def require_alive(person: Person) -> None:
    if person.status != "alive":
        raise Conflict(
            "person_not_alive",
            Message(
                f"Person {person.id} is recorded as {person.status}; the register can no "
                "longer change their residence, household or status.",
                f"주민 {person.id}은(는) {_STATUS_KO[person.status]}(으)로 기록되어 있어 주소, "
                "세대, 상태를 더 이상 변경할 수 없습니다.",
            ),
            {"person_id": person.id, "person_status": person.status},
        )


_STATUS_KO = {"alive": "생존", "deceased": "사망", "emigrated": "국외이주"}


def require_open(household: Household) -> None:
    if household.dissolved_on is not None:
        raise Conflict(
            "household_dissolved",
            Message(
                f"Household {household.id} was dissolved on {household.dissolved_on}.",
                f"세대 {household.id}은(는) {household.dissolved_on}에 소멸되었습니다.",
            ),
            {"household_id": household.id},
        )


def require_in_no_household(session: Session, person: Person) -> None:
    membership = repository.current_membership(session, person.id)
    if membership is not None:
        raise Conflict(
            "person_in_household",
            Message(
                f"Person {person.id} already belongs to household {membership.household_id}; "
                "a person is in one household at a time (use a move to change it).",
                f"주민 {person.id}은(는) 이미 세대 {membership.household_id}에 속해 있습니다. "
                "한 사람은 한 세대에만 속할 수 있습니다(세대 변경은 전입으로 하세요).",
            ),
            {"person_id": person.id, "household_id": membership.household_id},
        )


def check_not_future(clock: Clock, on: dt.date, field: str) -> None:
    if on > today(clock):
        raise invalid(
            "date_in_future",
            f"{field} ({on}) is after today ({today(clock)}); the register records what "
            "has happened.",
            f"{field}({on})이(가) 오늘({today(clock)}) 이후입니다. 등록부에는 이미 일어난 "
            "일만 기록합니다.",
            field_name=field,
        )


def check_after_registration(person: Person, on: dt.date, field: str) -> None:
    if on < person.registered_on:
        raise invalid(
            "date_before_registration",
            f"{field} ({on}) is before the person was registered ({person.registered_on}).",
            f"{field}({on})이(가) 주민등록일({person.registered_on}) 이전입니다.",
            field_name=field,
        )


def check_after_residences(session: Session, person: Person, on: dt.date, field: str) -> None:
    """A new stay starts no earlier than the person's current or last one."""
    last = repository.last_residence(session, person.id)
    if last is None:
        return
    if last.moved_out is None and on < last.moved_in:
        raise invalid(
            "date_before_current_residence",
            f"{field} ({on}) is before the person moved into their current address "
            f"({last.moved_in}).",
            f"{field}({on})이(가) 현재 주소 전입일({last.moved_in}) 이전입니다.",
            field_name=field,
        )
    if last.moved_out is not None and on < last.moved_out:
        raise invalid(
            "date_before_last_residence",
            f"{field} ({on}) is before the person left their last address ({last.moved_out}).",
            f"{field}({on})이(가) 마지막 주소 전출일({last.moved_out}) 이전입니다.",
            field_name=field,
        )


def check_after_formed(household: Household, on: dt.date, field: str) -> None:
    if on < household.formed_on:
        raise invalid(
            "date_before_household_formed",
            f"{field} ({on}) is before household {household.id} was formed "
            f"({household.formed_on}).",
            f"{field}({on})이(가) 세대 {household.id} 구성일({household.formed_on}) 이전입니다.",
            field_name=field,
        )


def check_after_joined(member: HouseholdMember, on: dt.date, field: str) -> None:
    if on < member.joined_on:
        raise invalid(
            "date_before_joined",
            f"{field} ({on}) is before person {member.person_id} joined the household "
            f"({member.joined_on}).",
            f"{field}({on})이(가) 주민 {member.person_id}의 세대 편입일({member.joined_on}) "
            "이전입니다.",
            field_name=field,
        )


def address_row(session: Session, address: RoadAddress) -> Address:
    """The stored row of this address, added when the register does not hold it yet."""
    row = repository.find_address(session, address)
    if row is None:
        row = Address(**address.columns())
        session.add(row)
        session.flush()
    return row


@dataclass(frozen=True)
class Departure:
    """What leaving a household did to it."""

    household_id: int | None = None
    dissolved: bool = False
    new_head_person_id: int | None = None


def leave_household(
    session: Session,
    *,
    person: Person,
    on: dt.date,
    field: str,
    new_head_person_id: int | None,
) -> Departure:
    """Close the person's current membership and residence on `on`.

    The head may leave a household that keeps other members only by naming one of them as
    the new head; that member's row closes and a new one opens with the relation `head`.
    The last member to leave dissolves the household. Checks come before any change.
    """
    membership = repository.current_membership(session, person.id)
    if membership is None:
        _no_new_head_needed(new_head_person_id)
        return Departure()
    household = household_or_404(session, membership.household_id, for_update=True)
    others = [
        m for m in repository.current_members(session, household.id) if m.person_id != person.id
    ]
    successor: HouseholdMember | None = None
    if household.head_person_id == person.id and others:
        successor = _successor(household, others, new_head_person_id)
        check_after_joined(successor, on, "new_head_person_id")
    else:
        _no_new_head_needed(new_head_person_id)
    check_after_joined(membership, on, field)

    membership.left_on = on
    residence = repository.current_residence(session, person.id)
    if residence is not None:
        residence.moved_out = on
    if successor is not None:
        successor.left_on = on
        session.add(
            HouseholdMember(
                household_id=household.id,
                person_id=successor.person_id,
                relation="head",
                joined_on=on,
                left_on=None,
            )
        )
        household.head_person_id = successor.person_id
    if not others:
        household.dissolved_on = on
    return Departure(
        household_id=household.id,
        dissolved=not others,
        new_head_person_id=None if successor is None else successor.person_id,
    )


def _successor(
    household: Household, others: list[HouseholdMember], new_head_person_id: int | None
) -> HouseholdMember:
    if new_head_person_id is None:
        raise Conflict(
            "head_leaves_members",
            Message(
                f"The head of household {household.id} cannot leave it while other members "
                "remain; name one of them as new_head_person_id.",
                f"세대 {household.id}의 세대주는 다른 세대원이 남아 있는 동안 세대를 떠날 수 "
                "없습니다. 남는 세대원 중 한 명을 new_head_person_id로 지정하세요.",
            ),
            {"household_id": household.id, "members": [m.person_id for m in others]},
        )
    for member in others:
        if member.person_id == new_head_person_id:
            return member
    raise Conflict(
        "new_head_not_member",
        Message(
            f"Person {new_head_person_id} is not a remaining member of household "
            f"{household.id} and cannot become its head.",
            f"주민 {new_head_person_id}은(는) 세대 {household.id}에 남는 세대원이 아니므로 "
            "세대주가 될 수 없습니다.",
        ),
        {"household_id": household.id, "new_head_person_id": new_head_person_id},
    )


def _no_new_head_needed(new_head_person_id: int | None) -> None:
    if new_head_person_id is not None:
        raise invalid(
            "new_head_not_needed",
            "A new head is named only when the head leaves a household that keeps other members.",
            "새 세대주는 세대주가 다른 세대원이 남는 세대를 떠날 때만 지정합니다.",
            field_name="new_head_person_id",
        )
