"""JSON API of the passports agency under /api/passports.

Officials act with `passports:write` (on behalf of applicants, for reviews and issuance) and
read with `passports:read`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile, status
from sqlalchemy.orm import Session

from nara.core.access import Caller, require
from nara.core.clock import today
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import CallContext, ExchangeDep
from nara.passports import issuance, repository, restrictions, service
from nara.passports.models import Application
from nara.passports.photos import MAX_PHOTO_BYTES
from nara.passports.registers import CLIENT, ContextFor
from nara.passports.schemas import (
    ApplicationCreate,
    ApplicationRead,
    DecisionCreate,
    LossCreate,
    PassportRead,
    PaymentCreate,
    RestrictionCreate,
    RestrictionRead,
)

router = APIRouter(prefix="/api/passports", tags=["passports"])

Reader = Annotated[Caller, Depends(require("passports:read"))]
Writer = Annotated[Caller, Depends(require("passports:write"))]


def contexts(session: DbSession, clock: ClockDep, cipher: CipherDep, caller: Writer) -> ContextFor:
    """A dependency building the exchange call context of each purpose, in the request's
    transaction and on behalf of the calling official."""

    def context(purpose: str) -> CallContext:
        return CallContext(
            session=session,
            clock=clock,
            cipher=cipher,
            client=CLIENT,
            purpose=purpose,
            user_id=caller.actor,
        )

    return context


Contexts = Annotated[ContextFor, Depends(contexts)]


def application_read(session: Session, row: Application) -> ApplicationRead:
    """The application with its photo, payment, passport and status history."""
    passport = repository.passport_of_application(session, row.id)
    replaces = (
        None
        if row.replaces_passport_id is None
        else repository.passport(session, row.replaces_passport_id)
    )
    return ApplicationRead.of(
        row,
        photo=repository.photo_of(session, row.id),
        passport=passport,
        replaces=replaces,
        history=repository.history(session, "application", row.id),
    )


@router.post("/applications", status_code=status.HTTP_201_CREATED, response_model=ApplicationRead)
def create_application(
    *,
    application_in: ApplicationCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    exchange: ExchangeDep,
    context: Contexts,
) -> ApplicationRead:
    """Open a passport application (여권 발급 신청) on behalf of an applicant, as a draft."""
    row = service.create_application(
        session=session,
        clock=clock,
        exchange=exchange,
        context=context,
        actor=caller.actor,
        application_in=application_in,
    )
    return application_read(session, row)


@router.get("/applications/{application_id}", response_model=ApplicationRead)
def get_application(*, application_id: int, caller: Reader, session: DbSession) -> ApplicationRead:
    """An application with its status history."""
    return application_read(session, service.get_application(session, application_id))


@router.put("/applications/{application_id}/photo", response_model=ApplicationRead)
def attach_photo(
    *,
    application_id: int,
    photo: Annotated[UploadFile, File(description="JPEG or PNG, at most 500 KB, 35:45.")],
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
) -> ApplicationRead:
    """Attach (or replace) the applicant's photo; it is checked by its content."""
    data = photo.file.read(MAX_PHOTO_BYTES + 1)
    service.attach_photo(
        session=session,
        clock=clock,
        actor=caller.actor,
        application_id=application_id,
        data=data,
    )
    return application_read(session, service.get_application(session, application_id))


@router.post("/applications/{application_id}/payment", response_model=ApplicationRead)
def pay_fee(
    *,
    application_id: int,
    payment_in: PaymentCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
) -> ApplicationRead:
    """Pay the fee. SIMULATED: a receipt number and time are recorded, no money moves."""
    row = service.pay_fee(
        session=session,
        clock=clock,
        actor=caller.actor,
        application_id=application_id,
        payment_in=payment_in,
    )
    return application_read(session, row)


@router.post("/applications/{application_id}/submit", response_model=ApplicationRead)
def submit_application(
    *, application_id: int, caller: Writer, session: DbSession, clock: ClockDep
) -> ApplicationRead:
    """Submit a draft with its photo and paid fee for review."""
    row = service.submit_application(
        session=session, clock=clock, actor=caller.actor, application_id=application_id
    )
    return application_read(session, row)


@router.post("/applications/{application_id}/decision", response_model=ApplicationRead)
def decide_application(
    *,
    application_id: int,
    decision_in: DecisionCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    exchange: ExchangeDep,
    context: Contexts,
) -> ApplicationRead:
    """Approve or reject (with a reason) a submitted application."""
    row = service.decide_application(
        session=session,
        clock=clock,
        exchange=exchange,
        context=context,
        actor=caller.actor,
        application_id=application_id,
        decision_in=decision_in,
    )
    return application_read(session, row)


@router.post(
    "/applications/{application_id}/issuance",
    status_code=status.HTTP_201_CREATED,
    response_model=PassportRead,
)
def issue_passport(
    *, application_id: int, caller: Writer, session: DbSession, clock: ClockDep
) -> PassportRead:
    """Issue the passport of an approved application: its number and expiry."""
    _row, passport = issuance.issue_passport(
        session=session, clock=clock, actor=caller.actor, application_id=application_id
    )
    return PassportRead.of(passport, on=today(clock))


@router.get("/persons/{person_id}/applications", response_model=list[ApplicationRead])
def applications_of_person(
    *, person_id: int, caller: Reader, session: DbSession
) -> list[ApplicationRead]:
    """Every passport application of a person, oldest first, with its status history."""
    return [
        application_read(session, row)
        for row in repository.applications_of_person(session, person_id)
    ]


@router.get("/persons/{person_id}/passports", response_model=list[PassportRead])
def passports_of_person(
    *, person_id: int, caller: Reader, session: DbSession, clock: ClockDep
) -> list[PassportRead]:
    """Every passport issued to a person, oldest first, with its status today."""
    on = today(clock)
    return [
        PassportRead.of(row, on=on) for row in repository.passports_of_person(session, person_id)
    ]


@router.post("/passports/{number}/loss", response_model=PassportRead)
def report_loss(
    *, number: str, loss_in: LossCreate, caller: Writer, session: DbSession, clock: ClockDep
) -> PassportRead:
    """The holder reports his passport lost (여권 분실 신고); it is invalid from today."""
    passport = issuance.report_loss(
        session=session, clock=clock, actor=caller.actor, number=number, loss_in=loss_in
    )
    return PassportRead.of(passport, on=today(clock))


@router.post("/restrictions", status_code=status.HTTP_201_CREATED, response_model=RestrictionRead)
def record_restriction(
    *,
    restriction_in: RestrictionCreate,
    caller: Writer,
    session: DbSession,
    clock: ClockDep,
    exchange: ExchangeDep,
    context: Contexts,
) -> RestrictionRead:
    """Record a restriction on a person's passport or travel, at another authority's request."""
    row = restrictions.record_restriction(
        session=session,
        clock=clock,
        exchange=exchange,
        context=context,
        actor=caller.actor,
        restriction_in=restriction_in,
    )
    return RestrictionRead.model_validate(row)


@router.get("/restrictions", response_model=list[RestrictionRead])
def list_restrictions(
    *,
    caller: Reader,
    session: DbSession,
    person_id: Annotated[int | None, Query(gt=0, description="Only this person's.")] = None,
) -> list[RestrictionRead]:
    """Restrictions recorded, newest first; of one person with `person_id`."""
    return [
        RestrictionRead.model_validate(row)
        for row in repository.restrictions(session, person_id=person_id)
    ]
