"""JSON API of the residents agency under /api/residents.

An RRN travels only in a request body (`POST /persons`, `POST /persons/lookup`) and comes
back only masked.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy.orm import Session

from nara.core.access import Caller, require
from nara.core.pagination import PageParams, page_params
from nara.core.pii import PiiCipher
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.residents import service
from nara.residents.schemas import (
    AddressRead,
    HouseholdCreate,
    HouseholdMembersRead,
    HouseholdRead,
    MemberCreate,
    MemberRead,
    MemberRemoval,
    MoveCreate,
    MoveRead,
    PersonCreate,
    PersonLookup,
    PersonPage,
    PersonRead,
    ResidenceHistoryRead,
    ResidenceRead,
    StatusChange,
)

router = APIRouter(prefix="/api/residents", tags=["residents"])

Reader = Annotated[Caller, Depends(require("residents:read"))]
Writer = Annotated[Caller, Depends(require("residents:write"))]
OnDate = Annotated[dt.date | None, Query(description="A date (YYYY-MM-DD); omitted means now.")]


# Persons


@router.post("/persons", status_code=status.HTTP_201_CREATED)
def register_person(
    *,
    person_in: PersonCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
) -> PersonRead:
    """Register a person (주민등록). The RRN must agree with birth date, sex and nationality."""
    person = service.register_person(
        session=session, clock=clock, cipher=cipher, actor=caller.actor, person_in=person_in
    )
    return PersonRead.of(person, cipher)


@router.post("/persons/lookup")
def lookup_person(
    *,
    lookup_in: PersonLookup,
    caller: Reader,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
) -> PersonRead:
    """Find a person by RRN, sent in the body so that it never appears in a URL or log."""
    person = service.person_by_rrn(session=session, clock=clock, cipher=cipher, lookup_in=lookup_in)
    return PersonRead.of(person, cipher)


@router.get("/persons")
def find_persons(
    *,
    name_ko: Annotated[str, Query(min_length=1, max_length=40, description="Name in Hangul.")],
    birth_date: Annotated[dt.date, Query(description="Birth date (YYYY-MM-DD).")],
    page: Annotated[PageParams, Depends(page_params)],
    caller: Reader,
    session: DbSession,
    cipher: CipherDep,
) -> PersonPage:
    """Persons with this name and birth date, a page at a time."""
    rows, total = service.persons_by_name_and_birth(
        session=session,
        name_ko=name_ko,
        birth_date=birth_date,
        offset=page.offset,
        limit=page.size,
    )
    return PersonPage(
        items=[PersonRead.of(p, cipher) for p in rows], page=page.page, size=page.size, total=total
    )


@router.get("/persons/{person_id}")
def get_person(
    *, person_id: int, caller: Reader, session: DbSession, cipher: CipherDep
) -> PersonRead:
    return PersonRead.of(service.get_person(session=session, person_id=person_id), cipher)


@router.post("/persons/{person_id}/status")
def change_status(
    *,
    person_id: int,
    status_in: StatusChange,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
) -> PersonRead:
    """Record a death or emigration; the person's residence and membership end that day."""
    person = service.change_status(
        session=session, clock=clock, actor=caller.actor, person_id=person_id, status_in=status_in
    )
    return PersonRead.of(person, cipher)


@router.post("/persons/{person_id}/moves", status_code=status.HTTP_201_CREATED)
def move(
    *,
    person_id: int,
    move_in: MoveCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
) -> MoveRead:
    """Move a person to an address, forming a new household there or joining one."""
    done = service.move(
        session=session, clock=clock, actor=caller.actor, person_id=person_id, move_in=move_in
    )
    return MoveRead(
        person_id=person_id,
        residence=ResidenceRead.of(done.residence, done.address),
        household_id=done.household.id,
        household_formed=done.household_formed,
        left_household_id=done.departure.household_id,
        left_household_dissolved=done.departure.dissolved,
        new_head_person_id=done.departure.new_head_person_id,
    )


@router.get("/persons/{person_id}/residences")
def residence_history(
    *, person_id: int, caller: Reader, session: DbSession
) -> ResidenceHistoryRead:
    """Every address the person has lived at, oldest first (초본)."""
    rows = service.residence_history(session=session, person_id=person_id)
    return ResidenceHistoryRead(
        person_id=person_id,
        residences=[ResidenceRead.of(residence, address) for residence, address in rows],
    )


@router.get("/persons/{person_id}/address")
def address_on(
    *, person_id: int, caller: Reader, session: DbSession, on: OnDate = None
) -> ResidenceRead:
    """Where the person lives now, or lived on the date `on`."""
    residence, address = service.address_on(session=session, person_id=person_id, on=on)
    return ResidenceRead.of(residence, address)


# Households


@router.post("/households", status_code=status.HTTP_201_CREATED)
def form_household(
    *,
    household_in: HouseholdCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
) -> HouseholdRead:
    """Form a household at an address, headed by a person who is in no household."""
    household = service.form_household(
        session=session, clock=clock, actor=caller.actor, household_in=household_in
    )
    return _household_read(session, cipher, household.id)


@router.get("/households/{household_id}")
def get_household(
    *, household_id: int, caller: Reader, session: DbSession, cipher: CipherDep
) -> HouseholdRead:
    return _household_read(session, cipher, household_id)


@router.get("/households/{household_id}/members")
def household_members(
    *,
    household_id: int,
    caller: Reader,
    session: DbSession,
    cipher: CipherDep,
    on: OnDate = None,
) -> HouseholdMembersRead:
    """The members now, or on the date `on` (a member belongs from joined_on until left_on)."""
    rows = service.members(session=session, household_id=household_id, on=on)
    return HouseholdMembersRead(
        household_id=household_id,
        on=on,
        members=[MemberRead.of(member, person, cipher) for member, person in rows],
    )


@router.post("/households/{household_id}/members", status_code=status.HTTP_201_CREATED)
def add_member(
    *,
    household_id: int,
    member_in: MemberCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
) -> MemberRead:
    """Add a person who is in no household; they take up residence at its address."""
    member = service.add_member(
        session=session,
        clock=clock,
        actor=caller.actor,
        household_id=household_id,
        member_in=member_in,
    )
    person = service.get_person(session=session, person_id=member.person_id)
    return MemberRead.of(member, person, cipher)


@router.post("/households/{household_id}/members/{person_id}/removal")
def remove_member(
    *,
    household_id: int,
    person_id: int,
    removal_in: MemberRemoval,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
) -> MemberRead:
    """End a member's membership and residence; the head leaves by a move or status change."""
    member = service.remove_member(
        session=session,
        clock=clock,
        actor=caller.actor,
        household_id=household_id,
        person_id=person_id,
        removal_in=removal_in,
    )
    person = service.get_person(session=session, person_id=person_id)
    return MemberRead.of(member, person, cipher)


def _household_read(session: Session, cipher: PiiCipher, household_id: int) -> HouseholdRead:
    view = service.household_view(session=session, household_id=household_id)
    household = view.household
    return HouseholdRead(
        id=household.id,
        head_person_id=household.head_person_id,
        address=AddressRead.of(view.address),
        formed_on=household.formed_on,
        dissolved_on=household.dissolved_on,
        members=[MemberRead.of(member, person, cipher) for member, person in view.members],
    )
