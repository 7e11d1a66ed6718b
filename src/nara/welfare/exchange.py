"""What the welfare agency offers other agencies through the exchange, and what it uses."""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlalchemy.orm import Session

from nara.core.clock import Clock, SystemClock, today
from nara.core.idempotency import check_step_key
from nara.exchange import CallContext, Service
from nara.exchange.contracts.welfare import (
    BENEFITS_OF_PERSON,
    BIRTH_BUNDLE,
    STOP_BENEFITS,
    BenefitsOfPersonRequest,
    BenefitsReceived,
    BenefitsStopped,
    BirthBundle,
    BirthBundleRequest,
    StopBenefitsRequest,
)
from nara.exchange.preconditions import INHERITANCE_USES, deceased_for_an_heir
from nara.exchange.pubsub import Event, first_time
from nara.exchange.purposes import Purpose
from nara.welfare import service
from nara.welfare.registers import FAMILY_RELATIONS, Registers

INSURANCE_ENROLMENT = "welfare.insurance-enrolment"

WELFARE_ACT = "사회보장급여의 이용·제공 및 수급권자 발굴에 관한 법률"


def _actor(ctx: CallContext) -> str:
    return f"exchange:{ctx.client}:{ctx.user_id}"


def birth_bundle(ctx: CallContext, request: BirthBundleRequest) -> BirthBundle:
    """Decide a newborn's bundled benefit applications (행복출산), once per step key."""
    answer = service.apply_birth_bundle(
        session=ctx.session,
        clock=ctx.clock,
        registers=Registers.onward(ctx),
        actor=_actor(ctx),
        step_key=check_step_key(request.step_key),
        child_person_id=request.child_person_id,
        applicant_person_id=request.applicant_person_id,
        benefits=request.benefits,
        case_reference=ctx.case,
    )
    return BirthBundle.model_validate(answer)


def stop_benefits(ctx: CallContext, request: StopBenefitsRequest) -> BenefitsStopped:
    """Stop a deceased person's benefits from the day after the death, once per step key."""
    answer = service.stop_benefits_at_death(
        session=ctx.session,
        clock=ctx.clock,
        actor=_actor(ctx),
        step_key=check_step_key(request.step_key),
        person_id=request.person_id,
        died_on=request.died_on,
    )
    return BenefitsStopped.model_validate(answer)


def benefits_of_person(ctx: CallContext, request: BenefitsOfPersonRequest) -> BenefitsReceived:
    """The benefits and pensions paid to a person that had started by a day (today by
    default), each with its status then."""
    as_of = request.on or today(ctx.clock)
    return BenefitsReceived.model_validate(
        service.benefits_received(ctx.session, request.person_id, as_of)
    )


def _beneficiaries(answer: BenefitsReceived) -> list[int]:
    """The other persons a benefits answer reveals: the children paid for."""
    return [benefit.beneficiary_person_id for benefit in answer.benefits]


SERVICES: list[Service] = [
    Service.typed(
        BIRTH_BUNDLE,
        birth_bundle,
        subjects=lambda request: [request.child_person_id, request.applicant_person_id],
        purposes=(
            Purpose(
                code="birth-bundle",
                fields=frozenset(
                    {"child_person_id", "applicant_person_id", "decisions", "repeated"}
                ),
                lawful_basis="public_task",
                legal_reference=f"{WELFARE_ACT} 제5조",
                en="The birth report's bundled benefit applications (행복출산) reach the welfare "
                "office, which decides them and answers the parent.",
                ko="출생신고와 함께 한 급여 통합 신청(행복출산)이 복지 담당 기관에 전달되어 "
                "결정 결과를 부모에게 알립니다.",
            ),
        ),
    ),
    Service.typed(
        STOP_BENEFITS,
        stop_benefits,
        subjects=lambda request: [request.person_id],
        purposes=(
            Purpose(
                code="death-report",
                fields=frozenset({"person_id", "died_on", "stopped", "repeated"}),
                lawful_basis="public_task",
                legal_reference=f"{WELFARE_ACT} 제22조",
                en="A death report stops the benefits the deceased received or was paid for.",
                ko="사망신고에 따라 사망자가 받던 급여와 사망자를 위한 급여를 중지합니다.",
            ),
        ),
    ),
    Service.typed(
        BENEFITS_OF_PERSON,
        benefits_of_person,
        subjects=lambda request: [request.person_id],
        answer_subjects=_beneficiaries,
        purposes=(
            Purpose(
                code="inheritance-lookup",
                fields=frozenset({"person_id", "as_of", "benefits"}),
                lawful_basis="public_task",
                legal_reference="국민연금법 제123조",
                en="Safe Inheritance (안심상속) shows an heir the pensions and benefits the "
                "deceased received.",
                ko="안심상속 원스톱 서비스가 상속인에게 사망자의 연금·급여 수급 내역을 알려줍니다.",
                preconditions=(deceased_for_an_heir(lambda request: request.person_id),),
            ),
        ),
    ),
]
"""Services offered to other agencies (called through `nara.exchange`, never by import)."""

EVENTS: dict[str, str] = {
    "welfare.application_decided": "A benefit applied for was granted, refused or deferred, "
    "with its reason.",
    "welfare.benefit_started": "A benefit was granted to a recipient for a period at one "
    "amount (monthly or lump sum).",
    "welfare.benefit_stopped": "A benefit was stopped from a day (a death, or an official's "
    "decision), with the reason.",
    "welfare.insurance_recorded": "A person's social-insurance acquisition or loss was "
    "recorded from an employment.",
}
"""Event types this agency publishes through the outbox, with what each announces."""

USES: tuple[str, ...] = ("residents/person-summaries", FAMILY_RELATIONS, *INHERITANCE_USES)
"""Services of other agencies this agency calls (granted to it when the platform installs)."""

_ENROLMENTS: Final[dict[str, tuple[str, str]]] = {
    "employment.started": ("acquired", "started_on"),
    "employment.ended": ("lost", "ended_on"),
}


def insurance_enrolment(session: Session, event: Event, clock: Clock | None = None) -> None:
    """The consumer `welfare.insurance-enrolment`: record a hire as a social-insurance
    acquisition and a leaving as a loss, once per event."""
    enrolment = _ENROLMENTS.get(event.event_type)
    if enrolment is None or not first_time(session, INSURANCE_ENROLMENT, event.id):
        return
    kind, date_key = enrolment
    payload = event.payload
    service.record_insurance(
        session=session,
        clock=clock or SystemClock(),
        actor=f"consumer:{INSURANCE_ENROLMENT}",
        event_id=event.id,
        kind=kind,
        employment_id=int(event.subject_id),
        business_id=int(payload["business_id"]),
        person_id=int(payload["person_id"]),
        on=dt.date.fromisoformat(str(payload[date_key])),
    )


CONSUMERS = {INSURANCE_ENROLMENT: insurance_enrolment}
"""In-process consumers of other agencies' events (`nara worker` runs them)."""

SUBSCRIPTIONS: dict[str, str] = {
    "employment.started": INSURANCE_ENROLMENT,
    "employment.ended": INSURANCE_ENROLMENT,
}
"""The event types each consumer is subscribed to when the platform installs."""
