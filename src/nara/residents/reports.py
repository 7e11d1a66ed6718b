"""The resident register's part in one-stop reports: what a filing needs to know, and the
moving-in step applied once per step key.

The single window files a moving-in report (전입신고) as a case; it reads the facts the form
needs here (the current address and household, the household to join) and later sends the
move itself as a step, which `apply_once` applies once however often it arrives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from nara.core.address import RoadAddress
from nara.core.clock import Clock
from nara.core.idempotency import apply_once
from nara.residents import repository
from nara.residents.models import Address, Person
from nara.residents.moves import move
from nara.residents.schemas import MoveCreate

MOVING_IN = "residents/moving-in"


def address_json(row: Address) -> dict[str, Any]:
    road = RoadAddress.of(row)
    return {
        **road.model_dump(),
        "sido_code": row.sido_code,
        "label_ko": road.label("ko"),
        "label_en": road.label("en"),
    }


def moving_in_facts(
    session: Session, *, person_id: int, address: RoadAddress | None, head_name: str | None
) -> dict[str, Any] | None:
    """What filing a moving-in report needs: the person's current address and household (and
    whether he heads it, with the members who would stay), and the household at `address`
    whose head is named `head_name`, if there is one. None for an unknown person."""
    person = repository.get_person(session, person_id)
    if person is None:
        return None
    current = _current(session, person)
    join = None
    if address is not None and head_name:
        join = _household_headed_by(session, address, head_name.strip())
    return {
        "person_id": person.id,
        "birth_date": person.birth_date.isoformat(),
        "status": person.status,
        "current": current,
        "join": join,
    }


def _current(session: Session, person: Person) -> dict[str, Any] | None:
    residence = repository.current_residence(session, person.id)
    membership = repository.current_membership(session, person.id)
    if residence is None or membership is None:
        return None
    others = [
        {"person_id": member.person_id, "name_ko": mask_name(found.name_ko)}
        for member, found in repository.members_with_persons(
            session, membership.household_id, on=None
        )
        if member.person_id != person.id
    ]
    return {
        "address": address_json(repository.get_address(session, residence.address_id)),
        "moved_in": residence.moved_in.isoformat(),
        "household_id": membership.household_id,
        "is_head": membership.relation == "head",
        "others": others,
    }


def _household_headed_by(
    session: Session, address: RoadAddress, head_name: str
) -> dict[str, Any] | None:
    """The open household at the address whose head bears the name (exactly), or None."""
    row = repository.find_address(session, address)
    if row is None:
        return None
    found = repository.open_household_headed_by(session, address_id=row.id, head_name=head_name)
    if found is None:
        return None
    return {"household_id": found.id, "head_person_id": found.head_person_id}


def mask_name(name: str) -> str:
    """홍길동 → 홍*동; 이순 → 이*."""
    if len(name) <= 2:
        return name[:1] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def apply_moving_in(
    session: Session,
    clock: Clock,
    *,
    step_key: str,
    person_id: int,
    moved_on: dt.date,
    address: RoadAddress,
    join_household_id: int | None,
    relation: str | None,
    new_head_person_id: int | None,
    actor: str,
) -> dict[str, Any]:
    """The move of a moving-in report, once per step key: where from, where to."""

    def apply() -> dict[str, Any]:
        previous = repository.current_residence(session, person_id)
        from_address = (
            None
            if previous is None
            else address_json(repository.get_address(session, previous.address_id))
        )
        done = move(
            session=session,
            clock=clock,
            actor=actor,
            person_id=person_id,
            move_in=MoveCreate(
                address=address,
                moved_on=moved_on,
                new_household=join_household_id is None,
                join_household_id=join_household_id,
                relation=relation,
                new_head_person_id=new_head_person_id,
            ),
        )
        return {
            "person_id": person_id,
            "moved_on": moved_on.isoformat(),
            "residence_id": done.residence.id,
            "household_id": done.household.id,
            "household_formed": done.household_formed,
            "address": address_json(done.address),
            "from_address": from_address,
        }

    return apply_once(session, clock, scope=MOVING_IN, step_key=step_key, apply=apply)


def current_addresses(session: Session, person_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The address each living person lives at now (persons with no residence are absent)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    rows = repository.current_residences_with_addresses(session, ids)
    return {
        person_id: {
            "person_id": person_id,
            "household_id": household_id,
            "moved_in": moved_in.isoformat(),
            **address_json(address),
        }
        for person_id, household_id, moved_in, address in rows
    }


def living_person_ids(session: Session, *, after_id: int, limit: int) -> list[int]:
    """Ids of living persons above `after_id`, in order (to walk the register in pages)."""
    return repository.living_person_ids(session, after_id=after_id, limit=limit)


__all__ = [
    "MOVING_IN",
    "apply_moving_in",
    "current_addresses",
    "living_person_ids",
    "mask_name",
    "moving_in_facts",
]
