"""Reading a person and where they have lived (the abstract of the register, 초본)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from nara.core.errors import Message, NotFound
from nara.residents import repository, rules
from nara.residents.models import Address, Person, Residence


def get_person(*, session: Session, person_id: int) -> Person:
    return rules.person_or_404(session, person_id)


def residence_history(*, session: Session, person_id: int) -> Sequence[tuple[Residence, Address]]:
    """Every residence of the person, oldest first, each with its address."""
    rules.person_or_404(session, person_id)
    return repository.residences_with_addresses(session, person_id)


def address_on(
    *, session: Session, person_id: int, on: dt.date | None
) -> tuple[Residence, Address]:
    """The person's residence on a date, or the current one when `on` is None."""
    rules.person_or_404(session, person_id)
    if on is None:
        current = repository.current_residence(session, person_id)
        found = (
            None
            if current is None
            else (current, repository.get_address(session, current.address_id))
        )
    else:
        found = repository.residence_on(session, person_id, on)
    if found is None:
        when_en = "now" if on is None else f"on {on}"
        when_ko = "현재" if on is None else f"{on}에"
        raise NotFound(
            "residence_not_found",
            Message(
                f"Person {person_id} has no address in the register {when_en}.",
                f"주민 {person_id}의 주소가 {when_ko} 등록되어 있지 않습니다.",
            ),
            {"person_id": person_id},
        )
    return found
