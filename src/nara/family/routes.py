"""JSON API of the family agency under /api/family."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from nara.core.access import Caller, require
from nara.core.clock import today
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import CallContext, ExchangeDep
from nara.exchange.directory import ResidentDirectory
from nara.family import records, service
from nara.family.models import Parentage
from nara.family.schemas import (
    AdoptionCreate,
    AdoptionEndCreate,
    AdoptionEndRead,
    AdoptionRead,
    BasicRecordRead,
    BirthCreate,
    BirthRead,
    ChildRead,
    DivorceCreate,
    FamilyRelationsRead,
    MarriageCreate,
    MarriageRead,
    MarriageRecordRead,
    ParentageRead,
    ParentRead,
    SpouseRead,
)

router = APIRouter(prefix="/api/family", tags=["family"])

Reader = Annotated[Caller, Depends(require("family:read"))]
Writer = Annotated[Caller, Depends(require("family:write"))]
OnDate = Annotated[
    dt.date | None, Query(description="The day the relations are read for; today by default.")
]


def residents_for(purpose: str) -> Callable[..., ResidentDirectory]:
    """A dependency giving the resident register, read in the request's transaction."""

    def dependency(
        session: DbSession, clock: ClockDep, cipher: CipherDep, exchange: ExchangeDep
    ) -> ResidentDirectory:
        ctx = CallContext(
            session=session, clock=clock, cipher=cipher, client="family", purpose=purpose
        )
        return ResidentDirectory(exchange, ctx)

    return dependency


def _reads(links: list[Parentage]) -> list[ParentageRead]:
    return [ParentageRead.model_validate(link) for link in links]


@router.post("/births", status_code=status.HTTP_201_CREATED, response_model=BirthRead)
def register_birth(
    *,
    birth_in: BirthCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    residents: Annotated[ResidentDirectory, Depends(residents_for("register-check"))],
) -> BirthRead:
    """Link a child to its father and/or mother by birth (출생신고)."""
    links = service.register_birth(
        session=session, clock=clock, residents=residents, actor=caller.actor, birth_in=birth_in
    )
    return BirthRead(child_id=birth_in.child_id, parentages=_reads(links))


@router.post("/adoptions", status_code=status.HTTP_201_CREATED, response_model=AdoptionRead)
def register_adoption(
    *,
    adoption_in: AdoptionCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    residents: Annotated[ResidentDirectory, Depends(residents_for("register-check"))],
) -> AdoptionRead:
    """Register an adoption (입양) or a full adoption (친양자 입양)."""
    adoption = service.register_adoption(
        session=session,
        clock=clock,
        residents=residents,
        actor=caller.actor,
        adoption_in=adoption_in,
    )
    return AdoptionRead(
        child_id=adoption_in.child_id,
        kind=adoption_in.kind,
        parentages=_reads(adoption.created),
        ended=_reads(adoption.ended),
    )


@router.post("/adoptions/{parentage_id}/end", response_model=AdoptionEndRead)
def end_adoption(
    *,
    parentage_id: int,
    end_in: AdoptionEndCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
) -> AdoptionEndRead:
    """Dissolve an adoption (파양); a full adoption's end restores the birth link it ended."""
    ending = service.end_adoption(
        session=session, clock=clock, actor=caller.actor, parentage_id=parentage_id, end_in=end_in
    )
    return AdoptionEndRead(
        ended=ParentageRead.model_validate(ending.ended), restored=_reads(ending.restored)
    )


@router.post("/marriages", status_code=status.HTTP_201_CREATED, response_model=MarriageRead)
def register_marriage(
    *,
    marriage_in: MarriageCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    residents: Annotated[ResidentDirectory, Depends(residents_for("register-check"))],
) -> MarriageRead:
    """Register a marriage (혼인신고)."""
    row = service.register_marriage(
        session=session,
        clock=clock,
        residents=residents,
        actor=caller.actor,
        marriage_in=marriage_in,
    )
    return MarriageRead.model_validate(row)


@router.post("/marriages/{marriage_id}/divorce", response_model=MarriageRead)
def register_divorce(
    *,
    marriage_id: int,
    divorce_in: DivorceCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
) -> MarriageRead:
    """Register a divorce (이혼신고): the marriage ends with cause `divorce`."""
    row = service.register_divorce(
        session=session,
        clock=clock,
        actor=caller.actor,
        marriage_id=marriage_id,
        divorce_in=divorce_in,
    )
    return MarriageRead.model_validate(row)


@router.get("/marriages/{marriage_id}", response_model=MarriageRead)
def get_marriage(marriage_id: int, caller: Reader, session: DbSession) -> MarriageRead:
    return MarriageRead.model_validate(service.get_marriage(session, marriage_id))


@router.get("/persons/{person_id}/parents", response_model=list[ParentRead])
def parents(
    *,
    person_id: int,
    caller: Reader,
    session: DbSession,
    clock: ClockDep,
    residents: Annotated[ResidentDirectory, Depends(residents_for("register-check"))],
    on: OnDate = None,
) -> list[ParentRead]:
    """The person's parents (birth and adoptive) on a date."""
    return records.parents(
        session=session, residents=residents, person_id=person_id, on=on or today(clock)
    )


@router.get("/persons/{person_id}/children", response_model=list[ChildRead])
def children(
    *,
    person_id: int,
    caller: Reader,
    session: DbSession,
    clock: ClockDep,
    residents: Annotated[ResidentDirectory, Depends(residents_for("register-check"))],
    on: OnDate = None,
) -> list[ChildRead]:
    """The person's children (birth and adopted) on a date."""
    return records.children(
        session=session, residents=residents, person_id=person_id, on=on or today(clock)
    )


@router.get("/persons/{person_id}/spouses", response_model=list[SpouseRead])
def spouses(
    *,
    person_id: int,
    caller: Reader,
    session: DbSession,
    clock: ClockDep,
    residents: Annotated[ResidentDirectory, Depends(residents_for("register-check"))],
    on: OnDate = None,
) -> list[SpouseRead]:
    """The person's spouse on a date (an empty list when unmarried)."""
    return records.spouses(
        session=session, residents=residents, person_id=person_id, on=on or today(clock)
    )


@router.get("/persons/{person_id}/relations", response_model=FamilyRelationsRead)
def family_relations(
    *,
    person_id: int,
    caller: Reader,
    session: DbSession,
    clock: ClockDep,
    residents: Annotated[ResidentDirectory, Depends(residents_for("register-check"))],
    on: OnDate = None,
) -> FamilyRelationsRead:
    """The data of the family relation certificate (가족관계증명서) on a date."""
    return records.family_relations(
        session=session, residents=residents, person_id=person_id, on=on or today(clock)
    )


@router.get("/persons/{person_id}/basic", response_model=BasicRecordRead)
def basic_record(
    *,
    person_id: int,
    caller: Reader,
    session: DbSession,
    clock: ClockDep,
    residents: Annotated[ResidentDirectory, Depends(residents_for("register-check"))],
    on: OnDate = None,
) -> BasicRecordRead:
    """The data of the basic certificate (기본증명서) on a date."""
    return records.basic_record(
        session=session, residents=residents, person_id=person_id, on=on or today(clock)
    )


@router.get("/persons/{person_id}/marriages", response_model=MarriageRecordRead)
def marriage_record(
    *,
    person_id: int,
    caller: Reader,
    session: DbSession,
    clock: ClockDep,
    residents: Annotated[ResidentDirectory, Depends(residents_for("register-check"))],
) -> MarriageRecordRead:
    """The data of the marriage relation certificate (혼인관계증명서): every marriage."""
    return records.marriage_record(session=session, residents=residents, person_id=person_id)
