"""The resident register's part in a birth report: the newborn registered with a new RRN.

The single window reads what filing a birth report needs (`residents/birth-facts`: the
parent's age, sex, status and current household) and later sends the registration itself
as a step (`residents/birth-registration`), applied once per step key:

- the child gets a new resident registration number in the random format used since
  5 October 2020: the birth date, the sex digit (3 or 4 for a Korean born from 2000) and six
  digits drawn from `secrets`; a number whose blind index is already taken is drawn again;
- the child is registered (Korean nationality) on the day of the report, and joins the
  reporting parent's current household from the birth date (or from the day the household
  was formed, if later), living at its address;
- the child's relation to the household head is `child` when a parent heads the household,
  `grandchild` when a parent is the head's child, and `other` otherwise.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from typing import Any, Final

from pydantic import ValidationError
from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.errors import Conflict, Message, invalid
from nara.core.history import record_change
from nara.core.idempotency import apply_once, check_step_key
from nara.core.identifiers import Rrn, sex_digit
from nara.core.pii import PiiCipher
from nara.exchange import CallContext, Service
from nara.exchange.contracts.residents import (
    BIRTH_FACTS,
    BIRTH_REGISTRATION,
    BirthFacts,
    BirthFactsRequest,
    BirthRegistered,
    BirthRegistrationRequest,
)
from nara.exchange.purposes import Purpose
from nara.residents import repository, rules
from nara.residents.households import enter
from nara.residents.models import Person, ResidentsChange
from nara.residents.nationalities import KOREA
from nara.residents.schemas import PersonCreate
from nara.residents.service import register_person

BIRTH_REPORT_REFERENCE: Final = "주민등록법 제7조의2 (주민등록번호의 부여)"
SERIAL_DIGITS: Final = 6
RRN_DRAWS: Final = 20
"""How many numbers are drawn before giving up (a collision is one in a million per draw)."""

Draw = Callable[[], int]


def draw_serial() -> int:
    """Six random digits for a new RRN, from the operating system's secure source."""
    return secrets.randbelow(10**SERIAL_DIGITS)


# Facts for filing -------------------------------------------------------------------------


def birth_facts(
    session: Session,
    *,
    person_id: int,
    other_parent_person_id: int | None = None,
    child_name_ko: str | None = None,
    child_birth_date: dt.date | None = None,
) -> dict[str, Any] | None:
    """What filing a birth report needs of the reporting parent (birth date, sex, status, the
    household he lives in now and whether he heads it), of the other parent named (birth
    date, sex, status), and whether the household already has a member of the child's name
    and birth date (a birth reported twice). None for an unknown reporting parent."""
    person = repository.get_person(session, person_id)
    if person is None:
        return None
    membership = repository.current_membership(session, person.id)
    other = (
        None
        if other_parent_person_id is None
        else repository.get_person(session, other_parent_person_id)
    )
    registered = (
        membership is not None
        and child_name_ko is not None
        and child_birth_date is not None
        and _member_named(session, membership.household_id, child_name_ko, child_birth_date)
    )
    return {
        **_summary(person),
        "household_id": None if membership is None else membership.household_id,
        "is_head": membership is not None and membership.relation == "head",
        "other_parent": None if other is None else _summary(other),
        "child_registered": registered,
    }


def _member_named(session: Session, household_id: int, name_ko: str, born: dt.date) -> bool:
    return any(
        person.name_ko == name_ko and person.birth_date == born
        for _, person in repository.members_with_persons(session, household_id)
    )


def _summary(person: Person) -> dict[str, Any]:
    return {
        "person_id": person.id,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "status": person.status,
    }


# A new number -----------------------------------------------------------------------------


def new_rrn(
    session: Session,
    cipher: PiiCipher,
    *,
    birth_date: dt.date,
    sex: str,
    issued_on: dt.date,
    draw: Draw = draw_serial,
) -> Rrn:
    """A resident registration number no one holds, in the random format (since 2020-10-05)."""
    front = f"{birth_date:%y%m%d}{sex_digit(birth_date, 'M' if sex == 'M' else 'F')}"
    for _ in range(RRN_DRAWS):
        rrn = Rrn.parse(f"{front}{draw():0{SERIAL_DIGITS}d}", issued_on=issued_on)
        if repository.person_by_rrn_index(session, cipher.blind_index(rrn.digits)) is None:
            return rrn
    raise _rrn_unavailable()


def birth_already_registered(name_ko: str, born: dt.date) -> Conflict:
    return Conflict(
        "birth_already_registered",
        Message(
            f"A child named {name_ko}, born on {born}, is already registered in this household.",
            f"이 세대에 {born}에 태어난 {name_ko}이(가) 이미 등록되어 있습니다.",
        ),
    )


def _rrn_unavailable() -> Conflict:
    return Conflict(
        "rrn_unavailable",
        Message(
            "No free resident registration number could be drawn; try again.",
            "사용 가능한 주민등록번호를 부여하지 못했습니다. 다시 시도하세요.",
        ),
    )


# The registration -------------------------------------------------------------------------


def relation_to_head(
    session: Session, *, head_person_id: int, parent_ids: Sequence[int], household_id: int
) -> str:
    """The newborn's relation to the head: `child` when a parent heads the household,
    `grandchild` when a parent is the head's child there, else `other`."""
    if head_person_id in parent_ids:
        return "child"
    for member in repository.current_members(session, household_id):
        if member.person_id in parent_ids and member.relation == "child":
            return "grandchild"
    return "other"


def register_newborn(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    actor: str,
    parent_person_id: int,
    other_parent_person_id: int | None,
    name_ko: str,
    name_en: str,
    sex: str,
    birth_date: dt.date,
    reported_on: dt.date,
    draw: Draw = draw_serial,
) -> dict[str, Any]:
    """Register a newborn with a new RRN in the reporting parent's household (not applied once:
    `apply_birth_registration` is)."""
    parent = rules.person_or_404(session, parent_person_id, for_update=True)
    rules.require_alive(parent)
    membership = repository.current_membership(session, parent.id)
    if membership is None:
        raise Conflict(
            "parent_in_no_household",
            Message(
                f"Person {parent.id} belongs to no household; the newborn joins the reporting "
                "parent's household.",
                f"주민 {parent.id}은(는) 세대에 속해 있지 않습니다. 출생자는 신고한 부모의 "
                "세대에 편입됩니다.",
            ),
            {"person_id": parent.id},
        )
    household = rules.household_or_404(session, membership.household_id, for_update=True)
    rules.require_open(household)
    if _member_named(session, household.id, name_ko, birth_date):
        raise birth_already_registered(name_ko, birth_date)
    child, rrn = _register(session, clock, cipher, actor, name_ko, name_en, sex, birth_date,
                           reported_on, draw)  # fmt: skip
    parents = [parent.id] if other_parent_person_id is None else [parent.id, other_parent_person_id]
    relation = relation_to_head(
        session,
        head_person_id=household.head_person_id,
        parent_ids=parents,
        household_id=household.id,
    )
    joined_on = max(birth_date, household.formed_on)
    enter(session, clock=clock, household=household, person=child, relation=relation, on=joined_on)
    record_change(
        session,
        clock,
        ResidentsChange,
        entity="household",
        entity_id=household.id,
        action="member_added",
        data={"person_id": child.id, "relation": relation, "joined_on": joined_on.isoformat()},
        actor=actor,
        event_type="household.member_added",
    )
    return {
        "child_person_id": child.id,
        "rrn_masked": rrn.masked,
        "household_id": household.id,
        "relation": relation,
        "registered_on": child.registered_on.isoformat(),
    }


def _register(  # noqa: PLR0917  (private helper, called positionally)
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    actor: str,
    name_ko: str,
    name_en: str,
    sex: str,
    birth_date: dt.date,
    reported_on: dt.date,
    draw: Draw,
) -> tuple[Person, Rrn]:
    for _ in range(RRN_DRAWS):
        rrn = new_rrn(
            session, cipher, birth_date=birth_date, sex=sex, issued_on=reported_on, draw=draw
        )
        person_in = PersonCreate(
            rrn=rrn.formatted,
            rrn_issued_on=reported_on,
            name_ko=name_ko,
            name_en=name_en,
            sex="M" if sex == "M" else "F",
            birth_date=birth_date,
            nationality=KOREA,
            registered_on=reported_on,
        )
        try:
            person = register_person(
                session=session, clock=clock, cipher=cipher, actor=actor, person_in=person_in
            )
        except Conflict as taken:  # drawn by a concurrent registration meanwhile
            if taken.code != "rrn_already_registered":
                raise
        else:
            return person, rrn
    raise _rrn_unavailable()


def apply_birth_registration(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    actor: str,
    step_key: str,
    parent_person_id: int,
    other_parent_person_id: int | None,
    name_ko: str,
    name_en: str,
    sex: str,
    birth_date: dt.date,
    reported_on: dt.date,
    draw: Draw = draw_serial,
) -> dict[str, Any]:
    """Register a newborn once per step key: the child, its masked RRN and its household."""

    def apply() -> dict[str, Any]:
        return register_newborn(
            session=session,
            clock=clock,
            cipher=cipher,
            actor=actor,
            parent_person_id=parent_person_id,
            other_parent_person_id=other_parent_person_id,
            name_ko=name_ko,
            name_en=name_en,
            sex=sex,
            birth_date=birth_date,
            reported_on=reported_on,
            draw=draw,
        )

    return apply_once(
        session, clock, scope=BIRTH_REGISTRATION.service, step_key=step_key, apply=apply
    )


# Exchange handlers ------------------------------------------------------------------------


def birth_facts_handler(ctx: CallContext, request: BirthFactsRequest) -> BirthFacts | None:
    """What filing a birth report needs of the parents (no RRN)."""
    facts = birth_facts(
        ctx.session,
        person_id=request.person_id,
        other_parent_person_id=request.other_parent_person_id,
        child_name_ko=request.child_name_ko,
        child_birth_date=request.child_birth_date,
    )
    return None if facts is None else BirthFacts.model_validate(facts)


def birth_registration(ctx: CallContext, request: BirthRegistrationRequest) -> BirthRegistered:
    """Register a newborn with a new RRN in the reporting parent's household, once per key."""
    try:
        answer = apply_birth_registration(
            session=ctx.session,
            clock=ctx.clock,
            cipher=ctx.cipher,
            actor=f"{ctx.client}:{ctx.user_id}",
            step_key=check_step_key(request.step_key),
            parent_person_id=request.parent_person_id,
            other_parent_person_id=request.other_parent_person_id,
            name_ko=request.name_ko,
            name_en=request.name_en,
            sex=request.sex,
            birth_date=request.birth_date,
            reported_on=request.reported_on or today(ctx.clock),
        )
    except ValidationError as error:  # a name the register does not accept (PersonCreate)
        raise invalid(
            "newborn_invalid",
            f"The newborn's particulars are not accepted: {error.errors()[0]['msg']}",
            "출생자의 인적 사항이 올바르지 않습니다.",
            field_name="name_ko",
        ) from None
    return BirthRegistered.model_validate(answer)


def _parents_named(request: BirthRegistrationRequest) -> Sequence[int]:
    named = [request.parent_person_id, request.other_parent_person_id]
    return [p for p in named if p is not None]


def _facts_persons(request: BirthFactsRequest) -> Sequence[int]:
    named = [request.person_id, request.other_parent_person_id]
    return [p for p in named if p is not None]


def _child_read(answer: BirthRegistered) -> list[int]:
    return [answer.child_person_id]


SERVICES: list[Service] = [
    Service.typed(
        BIRTH_FACTS,
        birth_facts_handler,
        subjects=_facts_persons,
        purposes=(
            Purpose(
                code="birth-report",
                fields=frozenset(
                    {
                        "person_id",
                        "birth_date",
                        "sex",
                        "status",
                        "household_id",
                        "is_head",
                        "other_parent",
                        "child_registered",
                    }
                ),
                lawful_basis="public_task",
                legal_reference="가족관계의 등록 등에 관한 법률 제44조 (출생신고의 기재사항)",
                en="The single window checks a birth report against the register before filing "
                "it: that the reporting parent is an adult living resident with a household.",
                ko="정부24가 출생신고를 접수하기 전에 신고인(부 또는 모)이 세대가 있는 생존 "
                "성인 주민인지 확인합니다.",
            ),
        ),
    ),
    Service.typed(
        BIRTH_REGISTRATION,
        birth_registration,
        subjects=_parents_named,
        answer_subjects=_child_read,
        purposes=(
            Purpose(
                code="birth-report",
                fields=frozenset(
                    {
                        "child_person_id",
                        "rrn_masked",
                        "household_id",
                        "relation",
                        "registered_on",
                        "repeated",
                    }
                ),
                lawful_basis="public_task",
                legal_reference=BIRTH_REPORT_REFERENCE,
                en="A birth report filed online registers the newborn and gives it a resident "
                "registration number.",
                ko="온라인으로 접수된 출생신고에 따라 출생자를 주민등록하고 주민등록번호를 "
                "부여합니다.",
            ),
        ),
    ),
]
"""Services of this part, offered through the agency's `exchange.SERVICES`."""
