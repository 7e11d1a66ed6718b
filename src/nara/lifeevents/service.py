"""Rules around cases: who may see and act on them, confirmations, officials' actions, and
what finishing a case does (notices, and each kind's own finishing work)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from sqlalchemy.orm import Session

from nara.applications.service import notify_citizen
from nara.core.clock import Clock
from nara.core.errors import Conflict, Forbidden, Message, NotFound
from nara.identity import Principal
from nara.identity.repository import account_by_person
from nara.lifeevents import (
    birth,
    death,
    employment,
    engine,
    inheritance,
    moving_in,
    repository,
)
from nara.lifeevents.models import Case, Step

FINISHERS: Final[dict[str, Callable[[Session, Clock, Case], None]]] = {
    moving_in.KIND: moving_in.finish,
    birth.KIND: birth.finish,
    death.KIND: death.finish,
    inheritance.KIND: inheritance.finish,
    employment.KIND: employment.finish,
}
"""Each kind's work when its case finishes, in the same transaction."""

STEP_DONE: Final[dict[str, Callable[[Session, Clock, Case, Step, dict[str, Any]], None]]] = {
    inheritance.KIND: inheritance.step_done,
}
"""Each kind's work when one of its steps is done, in the same transaction."""

KIND_NAMES: Final[dict[str, Message]] = {
    "moving-in": Message("Moving-in report", "전입신고"),
    "birth": Message("Birth report (Happy Birth)", "출생신고(행복출산)"),
    "death": Message("Death report", "사망신고"),
    "inheritance": Message("Safe Inheritance lookup", "안심상속 원스톱 조회"),
    "employment": Message("Employment report", "고용 신고"),
}


def case_unknown(case_id: int) -> NotFound:
    return NotFound(
        "case_unknown",
        Message(f"No case {case_id} of yours.", f"사건 {case_id}을(를) 찾을 수 없습니다."),
    )


def get_case(session: Session, case_id: int, *, for_update: bool = False) -> Case:
    case = repository.case(session, case_id, for_update=for_update)
    if case is None:
        raise case_unknown(case_id)
    return case


def case_for_citizen(session: Session, case_id: int, principal: Principal) -> Case:
    """A case the citizen filed or is asked to confirm; anyone else's reads as unknown."""
    case = repository.case(session, case_id)
    person = principal.person_id
    if (
        case is None
        or person is None
        or person
        not in (
            case.applicant_person_id,
            case.confirmer_person_id,
        )
    ):
        raise case_unknown(case_id)
    return case


def cases_of_citizen(session: Session, person_id: int, *, limit: int = 50) -> Sequence[Case]:
    """The cases a person filed, newest first."""
    return repository.cases_of_applicant(session, person_id, limit=limit)


def confirmations_awaiting(session: Session, person_id: int) -> Sequence[Case]:
    """Cases waiting for this person's confirmation as household head."""
    return repository.cases_awaiting_confirmation(session, person_id)


def _awaiting(case: Case, principal: Principal) -> None:
    if case.confirmer_person_id != principal.person_id:
        raise Forbidden(
            "not_confirmer",
            Message(
                "Only the head of the household joined confirms this report.",
                "편입할 세대의 세대주만 이 신고를 확인할 수 있습니다.",
            ),
        )
    if case.state != "awaiting_confirmation":
        raise Conflict(
            "case_not_awaiting_confirmation",
            Message(
                "This report is not waiting for a confirmation any more.",
                "이 신고는 더 이상 확인을 기다리고 있지 않습니다.",
            ),
            {"state": case.state},
        )


def confirm(session: Session, clock: Clock, case_id: int, principal: Principal) -> Case:
    """The household head agrees that the mover joins his household: the case starts."""
    case = get_case(session, case_id, for_update=True)
    _awaiting(case, principal)
    engine.start(session, clock, case, actor=principal.actor)
    _notify_applicant(
        session,
        clock,
        case,
        Message(
            "The household head confirmed your report; it is being processed.",
            "세대주가 신고를 확인하여 처리 중입니다.",
        ),
    )
    return case


def decline(
    session: Session, clock: Clock, case_id: int, principal: Principal, *, reason: str
) -> Case:
    """The household head refuses: the case is cancelled and nothing changes."""
    case = get_case(session, case_id, for_update=True)
    _awaiting(case, principal)
    engine.cancel(session, clock, case, actor=principal.actor, reason=reason)
    _notify_applicant(
        session,
        clock,
        case,
        Message(
            f"The household head declined your report; nothing was changed. Reason: {reason}",
            f"세대주가 신고를 거절하여 아무것도 변경되지 않았습니다. 사유: {reason}",
        ),
    )
    return case


def notify_confirmer(session: Session, clock: Clock, case: Case) -> None:
    """Tell the household head (if he has an account) that a report waits for him."""
    if case.confirmer_person_id is None:
        return
    account = account_by_person(session, case.confirmer_person_id)
    if account is None:
        return
    notify_citizen(
        session,
        clock,
        account_id=account.id,
        subject=f"[{case.reference}] 세대주 확인 요청 · Confirmation asked",
        body="세대에 전입하겠다는 신고가 있습니다. 정부24에서 확인하거나 거절하세요. "
        "A moving-in report names you as the head of the household joined: confirm or "
        "decline it on the portal.",
    )


def _notify_applicant(session: Session, clock: Clock, case: Case, message: Message) -> None:
    if case.applicant_account_id is None:
        return
    kind = KIND_NAMES[case.kind]
    notify_citizen(
        session,
        clock,
        account_id=case.applicant_account_id,
        subject=f"[{case.reference}] {kind.ko} · {kind.en}",
        body=f"{message.ko} {message.en}",
    )


def on_finished(session: Session, clock: Clock, case: Case) -> None:
    """What finishing a case does: the kind's own work, and a notice to the applicant."""
    finisher = FINISHERS.get(case.kind)
    if finisher is not None:
        finisher(session, clock, case)
    state = engine.STATE_MESSAGES[case.state]
    _notify_applicant(session, clock, case, state)


def on_step_done(
    session: Session, clock: Clock, case: Case, step: Step, answer: dict[str, Any]
) -> None:
    """What a step's answer does: the kind's own work (Safe Inheritance tells each agency's
    result as it comes)."""
    handler = STEP_DONE.get(case.kind)
    if handler is not None:
        handler(session, clock, case, step, answer)


def attention_steps(session: Session, agency: str, *, limit: int = 100) -> Sequence[Step]:
    """Steps of an agency that wait for an official, oldest first."""
    return repository.attention_steps(session, agency, limit=limit)


def step_of(session: Session, case: Case, name: str) -> Step:
    step = repository.step_named(session, case.id, name)
    if step is None:
        raise NotFound(
            "step_unknown",
            Message(f"Case {case.reference} has no step {name}.", f"{name} 단계가 없습니다."),
        )
    return step


def _official_of(step: Step, principal: Principal) -> None:
    if principal.kind != "official" or not principal.may(f"{step.agency}:applications:decide"):
        raise Forbidden(
            "permission_missing",
            Message(
                f"Only an official of {step.agency} may act on this step.",
                f"{step.agency} 기관의 공무원만 이 단계를 처리할 수 있습니다.",
            ),
        )
    if step.state != "attention":
        raise Conflict(
            "step_not_flagged",
            Message(
                "This step is not waiting for an official.",
                "이 단계는 담당자 처리를 기다리고 있지 않습니다.",
            ),
            {"state": step.state},
        )


def retry(session: Session, clock: Clock, case_id: int, name: str, principal: Principal) -> Case:
    case = get_case(session, case_id, for_update=True)
    step = step_of(session, case, name)
    _official_of(step, principal)
    engine.retry_step(session, clock, case, step, actor=principal.actor)
    return case


def resolve(
    session: Session, clock: Clock, case_id: int, name: str, principal: Principal, *, note: str
) -> Case:
    case = get_case(session, case_id, for_update=True)
    step = step_of(session, case, name)
    _official_of(step, principal)
    engine.resolve_step(session, clock, case, step, actor=principal.actor, note=note)
    if case.state == "done":
        on_finished(session, clock, case)
    return case
