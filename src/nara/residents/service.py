"""The rules of the resident register, as routes call them. Services never commit.

Persons (registration, death and emigration, finding a person) are here; households are in
`households.py`, moves in `moves.py`, address history in `residences.py`, and the rules they
share (lookups that 404, date checks, leaving a household) in `rules.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.core.history import record_change
from nara.core.identifiers import Rrn
from nara.core.pii import PiiCipher
from nara.residents import repository, rules
from nara.residents.households import (
    HouseholdView,
    add_member,
    form_household,
    household_view,
    members,
    remove_member,
)
from nara.residents.models import Person, ResidentsChange
from nara.residents.moves import Move, move
from nara.residents.nationalities import KOREA, is_known_nationality
from nara.residents.residences import address_on, get_person, residence_history
from nara.residents.schemas import PersonCreate, PersonLookup, StatusChange

__all__ = [
    "HouseholdView",
    "Move",
    "add_member",
    "address_on",
    "change_status",
    "form_household",
    "get_person",
    "household_view",
    "members",
    "move",
    "person_by_rrn",
    "persons_by_name_and_birth",
    "register_person",
    "remove_member",
    "residence_history",
]


def parse_rrn(clock: Clock, rrn_in: str, issued_on: dt.date | None) -> Rrn:
    if issued_on is not None:
        rules.check_not_future(clock, issued_on, "rrn_issued_on")
    return Rrn.parse(rrn_in, issued_on=issued_on)


def register_person(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    actor: str,
    person_in: PersonCreate,
) -> Person:
    """Register a person whose RRN agrees with their birth date, sex and nationality."""
    rrn = parse_rrn(clock, person_in.rrn, person_in.rrn_issued_on)
    _check_agrees_with_rrn(rrn, person_in)
    rules.check_not_future(clock, person_in.registered_on, "registered_on")
    if person_in.registered_on < person_in.birth_date:
        raise invalid(
            "date_before_birth",
            f"registered_on ({person_in.registered_on}) is before the birth date "
            f"({person_in.birth_date}).",
            f"주민등록일({person_in.registered_on})이 생년월일({person_in.birth_date}) 이전입니다.",
            field_name="registered_on",
        )
    rrn_index = cipher.blind_index(rrn.digits)
    if repository.person_by_rrn_index(session, rrn_index) is not None:
        raise _already_registered(rrn)
    person = Person(
        rrn_cipher=cipher.encrypt(rrn.digits),
        rrn_index=rrn_index,
        rrn_scheme=rrn.scheme,
        name_ko=person_in.name_ko,
        name_en=person_in.name_en,
        sex=person_in.sex,
        birth_date=person_in.birth_date,
        nationality=person_in.nationality,
        status="alive",
        status_on=None,
        registered_on=person_in.registered_on,
    )
    try:
        with session.begin_nested():
            session.add(person)
    except IntegrityError:  # the same number registered by a concurrent request
        raise _already_registered(rrn) from None
    record_change(
        session,
        clock,
        ResidentsChange,
        entity="person",
        entity_id=person.id,
        action="registered",
        data={
            "rrn_masked": rrn.masked,
            "rrn_scheme": rrn.scheme,
            "name_ko": person.name_ko,
            "name_en": person.name_en,
            "sex": person.sex,
            "birth_date": person.birth_date.isoformat(),
            "nationality": person.nationality,
            "registered_on": person.registered_on.isoformat(),
        },
        actor=actor,
        event_type="resident.registered",
    )
    return person


def _check_agrees_with_rrn(rrn: Rrn, person_in: PersonCreate) -> None:
    if rrn.birth_date != person_in.birth_date:
        raise invalid(
            "rrn_birth_date_mismatch",
            f"The birth date {person_in.birth_date} does not match the first six digits of "
            f"the resident registration number ({rrn.birth_date}).",
            f"생년월일 {person_in.birth_date}이(가) 주민등록번호 앞 6자리({rrn.birth_date})와 "
            "일치하지 않습니다.",
            field_name="birth_date",
        )
    if rrn.sex != person_in.sex:
        raise invalid(
            "rrn_sex_mismatch",
            f"The sex {person_in.sex} does not match the 7th digit of the resident "
            "registration number (odd for men, even for women).",
            f"성별 {person_in.sex}이(가) 주민등록번호 7번째 자리(남성 홀수, 여성 짝수)와 "
            "일치하지 않습니다.",
            field_name="sex",
        )
    if not is_known_nationality(person_in.nationality):
        raise invalid(
            "nationality_unknown",
            f"{person_in.nationality} is not an ISO 3166-1 alpha-3 country code.",
            f"{person_in.nationality}은(는) ISO 3166-1 alpha-3 국가 코드가 아닙니다.",
            field_name="nationality",
        )
    if rrn.is_foreign_resident == (person_in.nationality == KOREA):
        raise invalid(
            "rrn_nationality_mismatch",
            "A 7th digit of 5 to 8 marks a registration number of a foreign national, 1 to 4 "
            f"(0 and 9 before 1900) one of a Korean national; {person_in.nationality} does "
            "not agree.",
            "주민등록번호 7번째 자리 5~8은 외국인, 1~4(1900년 이전 출생은 9, 0)는 대한민국 "
            f"국민의 번호입니다. 국적 {person_in.nationality}과(와) 일치하지 않습니다.",
            field_name="nationality",
        )


def _already_registered(rrn: Rrn) -> Conflict:
    return Conflict(
        "rrn_already_registered",
        Message(
            f"A person with the resident registration number {rrn.masked} is already registered.",
            f"주민등록번호 {rrn.masked}인 주민이 이미 등록되어 있습니다.",
        ),
    )


def change_status(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    person_id: int,
    status_in: StatusChange,
) -> Person:
    """Record the death or emigration of a living person.

    Their residence and household membership end on that day; when they head a household
    that keeps other members, `new_head_person_id` names who heads it from then on.
    """
    person = rules.person_or_404(session, person_id, for_update=True)
    rules.require_alive(person)
    rules.check_not_future(clock, status_in.on, "on")
    rules.check_after_registration(person, status_in.on, "on")
    rules.check_after_residences(session, person, status_in.on, "on")
    departure = rules.leave_household(
        session,
        person=person,
        on=status_in.on,
        field="on",
        new_head_person_id=status_in.new_head_person_id,
    )
    previous = person.status
    person.status = status_in.status
    person.status_on = status_in.on
    record_change(
        session,
        clock,
        ResidentsChange,
        entity="person",
        entity_id=person.id,
        action=status_in.status,
        data={
            "previous_status": previous,
            "status": person.status,
            "status_on": status_in.on.isoformat(),
            "left_household_id": departure.household_id,
            "household_dissolved": departure.dissolved,
            "new_head_person_id": departure.new_head_person_id,
        },
        actor=actor,
        event_type="resident.status_changed",
    )
    return person


def person_by_rrn(
    *, session: Session, clock: Clock, cipher: PiiCipher, lookup_in: PersonLookup
) -> Person:
    rrn = parse_rrn(clock, lookup_in.rrn, lookup_in.rrn_issued_on)
    person = repository.person_by_rrn_index(session, cipher.blind_index(rrn.digits))
    if person is None:
        raise NotFound(
            "person_not_found",
            Message(
                f"No person with the resident registration number {rrn.masked} is registered.",
                f"주민등록번호 {rrn.masked}인 주민이 등록되어 있지 않습니다.",
            ),
        )
    return person


def persons_by_name_and_birth(
    *, session: Session, name_ko: str, birth_date: dt.date, offset: int, limit: int
) -> tuple[Sequence[Person], int]:
    return repository.persons_by_name_and_birth(
        session, name_ko=name_ko, birth_date=birth_date, offset=offset, limit=limit
    )
