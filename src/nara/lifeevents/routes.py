"""JSON API of one-stop life events under /api/lifeevents.

Citizens (signed in) file reports, follow their cases and, as household heads, confirm or
decline a report that joins their household. Officials see the steps of their agency that
wait for them and retry or resolve them; each such action is written to the audit trail.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from sqlalchemy.orm import Session

from nara.core.errors import Forbidden, Message
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import ExchangeDep
from nara.identity import Principal, require_citizen
from nara.identity.access import require_signed_in
from nara.identity.audit import audit_action
from nara.lifeevents import engine, service
from nara.lifeevents.models import Case
from nara.lifeevents.moving_in import Filer, file_moving_in
from nara.lifeevents.schemas import (
    CaseRead,
    CaseSummaryRead,
    DeclineCreate,
    MovingInCreate,
    ResolutionCreate,
    StepRead,
)

router = APIRouter(prefix="/api/lifeevents", tags=["life events"])

Citizen = Annotated[Principal, Depends(require_citizen())]
SignedIn = Annotated[Principal, Depends(require_signed_in())]


def case_read(session: Session, case: Case) -> CaseRead:
    state = engine.STATE_MESSAGES[case.state]
    return CaseRead(
        id=case.id,
        reference=case.reference,
        kind=case.kind,
        state=case.state,
        state_en=state.en,
        state_ko=state.ko,
        applicant_person_id=case.applicant_person_id,
        confirmer_person_id=case.confirmer_person_id,
        submitted_at=case.submitted_at,
        confirmed_at=case.confirmed_at,
        finished_at=case.finished_at,
        report=case.report,
        outcome=case.outcome,
        steps=[
            StepRead.model_validate(step, from_attributes=True)
            for step in engine.steps_of(session, case.id)
        ],
    )


def summary_read(case: Case) -> CaseSummaryRead:
    return CaseSummaryRead(
        id=case.id,
        reference=case.reference,
        kind=case.kind,
        state=case.state,
        submitted_at=case.submitted_at,
        finished_at=case.finished_at,
    )


def filer_of(citizen: Principal) -> Filer:
    assert citizen.person_id is not None  # noqa: S101  (a citizen account is bound to a person)
    return Filer(person_id=citizen.person_id, account_id=citizen.account_id, actor=citizen.actor)


@router.post("/moving-in", status_code=status.HTTP_201_CREATED, response_model=CaseRead)
def file_moving_in_report(
    *,
    report: MovingInCreate,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> CaseRead:
    """File a moving-in report: checked now, carried to every agency concerned by steps."""
    case = file_moving_in(
        session, clock, exchange=exchange, cipher=cipher, filer=filer_of(citizen), report=report
    )
    service.notify_confirmer(session, clock, case)
    return case_read(session, case)


@router.get("/cases", response_model=list[CaseSummaryRead])
def my_cases(*, citizen: Citizen, session: DbSession) -> list[CaseSummaryRead]:
    """The citizen's cases, newest first."""
    assert citizen.person_id is not None  # noqa: S101
    return [summary_read(case) for case in service.cases_of_citizen(session, citizen.person_id)]


@router.get("/confirmations", response_model=list[CaseRead])
def confirmations(*, citizen: Citizen, session: DbSession) -> list[CaseRead]:
    """Reports waiting for the citizen's confirmation as household head."""
    assert citizen.person_id is not None  # noqa: S101
    return [
        case_read(session, case)
        for case in service.confirmations_awaiting(session, citizen.person_id)
    ]


@router.get("/cases/{case_id}", response_model=CaseRead)
def get_case(*, case_id: int, citizen: Citizen, session: DbSession) -> CaseRead:
    """A case the citizen filed or is asked to confirm, with every step's status."""
    return case_read(session, service.case_for_citizen(session, case_id, citizen))


@router.post("/cases/{case_id}/confirmation", response_model=CaseRead)
def confirm(*, case_id: int, citizen: Citizen, session: DbSession, clock: ClockDep) -> CaseRead:
    """The household head confirms: the case starts."""
    service.case_for_citizen(session, case_id, citizen)
    return case_read(session, service.confirm(session, clock, case_id, citizen))


@router.post("/cases/{case_id}/decline", response_model=CaseRead)
def decline(
    *,
    case_id: int,
    decline_in: DeclineCreate,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
) -> CaseRead:
    """The household head declines: the case is cancelled and nothing changes."""
    service.case_for_citizen(session, case_id, citizen)
    case = service.decline(session, clock, case_id, citizen, reason=decline_in.reason)
    return case_read(session, case)


def _official(principal: Principal) -> Principal:
    if principal.kind != "official" or principal.agency is None:
        raise Forbidden(
            "official_only",
            Message("Only officials may do this.", "공무원만 할 수 있습니다."),
        )
    return principal


@router.get("/attention", response_model=list[CaseRead])
def attention(*, principal: SignedIn, session: DbSession) -> list[CaseRead]:
    """Cases with a step of the official's agency waiting for an official."""
    official = _official(principal)
    assert official.agency is not None  # noqa: S101
    if not official.may(f"{official.agency}:applications:read"):
        raise Forbidden(
            "permission_missing",
            Message("Your roles do not allow reading cases.", "사건을 볼 권한이 없습니다."),
        )
    steps = service.attention_steps(session, official.agency)
    case_ids = list(dict.fromkeys(step.case_id for step in steps))
    return [case_read(session, service.get_case(session, case_id)) for case_id in case_ids]


@router.post("/cases/{case_id}/steps/{name}/retry", response_model=CaseRead)
def retry_step(
    *, case_id: int, name: str, principal: SignedIn, session: DbSession, clock: ClockDep
) -> CaseRead:
    """An official of the step's agency sends a flagged step again."""
    official = _official(principal)
    case = service.retry(session, clock, case_id, name, official)
    audit_action(session, official, "lifeevent.step_retry", f"case:{case.id}:{name}", clock=clock)
    return case_read(session, case)


@router.post("/cases/{case_id}/steps/{name}/resolution", response_model=CaseRead)
def resolve_step(
    *,
    case_id: int,
    name: str,
    resolution: ResolutionCreate,
    principal: SignedIn,
    session: DbSession,
    clock: ClockDep,
) -> CaseRead:
    """An official of the step's agency records that a flagged step was settled by hand."""
    official = _official(principal)
    case = service.resolve(session, clock, case_id, name, official, note=resolution.note)
    audit_action(
        session,
        official,
        "lifeevent.step_resolve",
        f"case:{case.id}:{name}",
        clock=clock,
        data={"note": resolution.note},
    )
    return case_read(session, case)
