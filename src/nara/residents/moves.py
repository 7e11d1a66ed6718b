"""Moves (전입): a person leaves their household and address and takes up new ones."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.errors import Conflict, Message, invalid
from nara.core.history import record_change
from nara.residents import repository, rules
from nara.residents.households import enter, start_household
from nara.residents.models import Address, Household, Residence, ResidentsChange
from nara.residents.schemas import MoveCreate


@dataclass(frozen=True)
class Move:
    """What a move did."""

    residence: Residence
    address: Address
    household: Household
    household_formed: bool
    departure: rules.Departure


def move(
    *, session: Session, clock: Clock, actor: str, person_id: int, move_in: MoveCreate
) -> Move:
    """Move a living person to an address, into a new household or one that lives there.

    The current residence and membership end on the move date and the new ones start on it.
    A head who leaves a household that keeps other members names its new head.
    """
    person = rules.person_or_404(session, person_id, for_update=True)
    rules.require_alive(person)
    _check_destination(move_in)
    _lock_households(session, person_id=person.id, join_household_id=move_in.join_household_id)
    on = move_in.moved_on
    rules.check_not_future(clock, on, "moved_on")
    rules.check_after_registration(person, on, "moved_on")
    rules.check_after_residences(session, person, on, "moved_on")
    joining = _household_to_join(session, person_id=person.id, move_in=move_in)

    departure = rules.leave_household(
        session,
        person=person,
        on=on,
        field="moved_on",
        new_head_person_id=move_in.new_head_person_id,
    )
    if joining is None:
        address = rules.address_row(session, move_in.address)
        household, residence = start_household(
            session, clock=clock, person=person, address_id=address.id, on=on
        )
    else:
        household, relation = joining
        address = repository.get_address(session, household.address_id)
        _, residence = enter(
            session, clock=clock, household=household, person=person, relation=relation, on=on
        )
    record_change(
        session,
        clock,
        ResidentsChange,
        entity="person",
        entity_id=person.id,
        action="moved",
        data={
            "moved_on": on.isoformat(),
            "residence_id": residence.id,
            "address_id": address.id,
            "sigungu_code": address.sigungu_code,
            "household_id": household.id,
            "household_formed": joining is None,
            "left_household_id": departure.household_id,
            "left_household_dissolved": departure.dissolved,
            "new_head_person_id": departure.new_head_person_id,
        },
        actor=actor,
        event_type="resident.moved",
    )
    return Move(residence, address, household, joining is None, departure)


def _lock_households(session: Session, *, person_id: int, join_household_id: int | None) -> None:
    """Lock the household left and the one joined in id order, so crossing moves cannot deadlock.

    Every write locks its person first and households after; later lookups of the same rows
    in the transaction find them already locked.
    """
    ids = set() if join_household_id is None else {join_household_id}
    current = repository.current_membership(session, person_id)
    if current is not None:
        ids.add(current.household_id)
    for household_id in sorted(ids):
        repository.get_household(session, household_id, for_update=True)


def _check_destination(move_in: MoveCreate) -> None:
    if move_in.new_household == (move_in.join_household_id is not None):
        raise invalid(
            "move_destination",
            "A move either forms a new household (new_household: true) or joins one "
            "(join_household_id); give exactly one of them.",
            "전입은 새 세대를 구성하거나(new_household: true) 기존 세대에 편입합니다"
            "(join_household_id). 둘 중 하나만 지정하세요.",
            field_name="join_household_id",
        )
    if move_in.new_household and move_in.relation is not None:
        raise invalid(
            "relation_unexpected",
            "A person who forms a new household is its head; leave out relation.",
            "새 세대를 구성하는 사람은 세대주이므로 관계(relation)를 지정하지 않습니다.",
            field_name="relation",
        )


def _household_to_join(
    session: Session, *, person_id: int, move_in: MoveCreate
) -> tuple[Household, str] | None:
    """The household joined and the relation to its head; None when a household is formed."""
    if move_in.join_household_id is None:
        return None
    if move_in.relation is None:
        raise invalid(
            "relation_required",
            "Joining a household needs the person's relation to its head.",
            "기존 세대에 편입하려면 세대주와의 관계를 지정해야 합니다.",
            field_name="relation",
        )
    household = rules.household_or_404(session, move_in.join_household_id, for_update=True)
    rules.require_open(household)
    current = repository.current_membership(session, person_id)
    if current is not None and current.household_id == household.id:
        raise Conflict(
            "already_in_household",
            Message(
                f"Person {person_id} already belongs to household {household.id}.",
                f"주민 {person_id}은(는) 이미 세대 {household.id}에 속해 있습니다.",
            ),
            {"household_id": household.id, "person_id": person_id},
        )
    lives_at = repository.get_address(session, household.address_id)
    if move_in.address.columns() != {
        name: getattr(lives_at, name) for name in move_in.address.columns()
    }:
        raise Conflict(
            "household_address_mismatch",
            Message(
                f"Household {household.id} lives at another address; a person joins a "
                "household at the address where it lives.",
                f"세대 {household.id}은(는) 다른 주소에 있습니다. 세대에 편입하려면 그 세대의 "
                "주소로 전입해야 합니다.",
            ),
            {"household_id": household.id},
        )
    rules.check_after_formed(household, move_in.moved_on, "moved_on")
    return household, move_in.relation
