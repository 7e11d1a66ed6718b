"""The rules of the welfare agency: the birth bundle, stops at death, officials' grants and
stops, and the social-insurance records that follow employments.

Persons and family relations are read through the exchange (`Registers`) and kept by id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.dates import age_on, not_in_future
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.core.history import record_change
from nara.core.idempotency import apply_once
from nara.exchange.directory import PersonSummary
from nara.welfare import decisions, repository, rules
from nara.welfare.decisions import Decision
from nara.welfare.models import Application, Benefit, InsuranceRecord, WelfareChange
from nara.welfare.registers import Registers
from nara.welfare.schemas import BenefitCreate, StopCreate

BIRTH_BUNDLE_SERVICE = "welfare/birth-bundle"
STOP_BENEFITS_SERVICE = "welfare/stop-benefits"


def _change(
    session: Session,
    clock: Clock,
    actor: str,
    *,
    entity: str,
    entity_id: int,
    event: str,
    **data: Any,
) -> None:
    record_change(
        session,
        clock,
        WelfareChange,
        entity=entity,
        entity_id=entity_id,
        action=event,
        data=data,
        actor=actor,
        event_type=f"welfare.{event}",
    )


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _benefit_started(session: Session, clock: Clock, actor: str, row: Benefit) -> None:
    _change(
        session,
        clock,
        actor,
        entity="benefit",
        entity_id=row.id,
        event="benefit_started",
        kind=row.kind,
        beneficiary_person_id=row.beneficiary_person_id,
        recipient_person_id=row.recipient_person_id,
        application_id=row.application_id,
        monthly_amount=row.monthly_amount,
        lump_sum=row.lump_sum,
        starts_on=row.starts_on.isoformat(),
        ends_on=_iso(row.ends_on),
    )


def _benefit_stopped(session: Session, clock: Clock, actor: str, row: Benefit) -> None:
    _change(
        session,
        clock,
        actor,
        entity="benefit",
        entity_id=row.id,
        event="benefit_stopped",
        kind=row.kind,
        beneficiary_person_id=row.beneficiary_person_id,
        recipient_person_id=row.recipient_person_id,
        stopped_on=_iso(row.stopped_on),
        stop_reason=row.stop_reason,
    )


# The birth bundle (행복출산) ---------------------------------------------------------------


def bundle_kinds(benefits: Sequence[object] | None) -> list[str]:
    """The benefits applied for, in the bundle's order: all four when none are named."""
    if benefits is None:
        return list(rules.BIRTH_BUNDLE)
    if isinstance(benefits, str) or not isinstance(benefits, Sequence) or not benefits:
        raise invalid(
            "benefits_invalid",
            "Name the benefits applied for as a non-empty list.",
            "신청할 급여를 비어 있지 않은 목록으로 지정하세요.",
            field_name="benefits",
        )
    unknown = [str(b) for b in benefits if b not in rules.BIRTH_BUNDLE]
    if unknown:
        raise invalid(
            "benefit_kind_unknown",
            f"{', '.join(unknown)} is not a benefit of the birth bundle "
            f"({', '.join(rules.BIRTH_BUNDLE)}).",
            f"{', '.join(unknown)}은(는) 출생 통합 신청 급여가 아닙니다.",
            field_name="benefits",
        )
    return [kind for kind in rules.BIRTH_BUNDLE if kind in benefits]


def _require_alive(person: PersonSummary, code: str, who_en: str, who_ko: str) -> None:
    if person.status != "alive":
        raise Conflict(
            code,
            Message(
                f"The {who_en} (person {person.person_id}) is recorded as {person.status}.",
                f"{who_ko}({person.person_id}번)은(는) '{person.status}' 상태로 등록되어 있습니다.",
            ),
            {"person_id": person.person_id},
        )


def birth_order(registers: Registers, child: PersonSummary, mother_id: int) -> int:
    """The child's rank among the mother's children in the family register on its birth date:
    1 + those born before it (a twin registered earlier counts as born before)."""
    links = registers.relations(mother_id, child.birth_date).children
    siblings = registers.persons(
        link.person_id for link in links if link.person_id != child.person_id
    )
    earlier = [
        s
        for s in siblings.values()
        if (s.birth_date, s.person_id) < (child.birth_date, child.person_id)
    ]
    return len(earlier) + 1


def decide_bundle(
    *,
    session: Session,
    registers: Registers,
    child: PersonSummary,
    mother_id: int,
    kinds: Sequence[str],
    submitted_on: dt.date,
) -> list[Decision]:
    """The decision on each benefit applied for, by rule."""
    held = repository.active_kinds_for(session, child.person_id)
    found: list[Decision] = []
    for kind in kinds:
        if kind in held:
            found.append(decisions.already_granted(kind))
        elif kind == "first_meeting_voucher":
            order = birth_order(registers, child, mother_id)
            found.append(decisions.voucher(child.birth_date, submitted_on, order))
        else:
            found.append(decisions.monthly(kind, child.birth_date, submitted_on))
    return found


def _record_decision(
    session: Session,
    clock: Clock,
    actor: str,
    decision: Decision,
    *,
    child_id: int,
    applicant_id: int,
    submitted_on: dt.date,
    step_key: str,
    case_reference: str,
) -> None:
    application = Application(
        kind=decision.kind,
        child_person_id=child_id,
        applicant_person_id=applicant_id,
        submitted_on=submitted_on,
        decision=decision.decision,
        reason_code=decision.reason_code,
        reason_en=decision.reason_en,
        reason_ko=decision.reason_ko,
        monthly_amount=decision.monthly_amount,
        lump_sum=decision.lump_sum,
        starts_on=decision.starts_on,
        ends_on=decision.ends_on,
        step_key=step_key,
        case_reference=case_reference or None,
        decided_at=clock.now(),
    )
    repository.add(session, application)
    session.flush()
    _change(
        session,
        clock,
        actor,
        entity="application",
        entity_id=application.id,
        event="application_decided",
        kind=decision.kind,
        child_person_id=child_id,
        applicant_person_id=applicant_id,
        decision=decision.decision,
        reason_code=decision.reason_code,
        starts_on=_iso(decision.starts_on),
    )
    if decision.decision != "granted":
        return
    rows = [
        Benefit(
            kind=decision.kind,
            monthly_amount=period.monthly_amount,
            lump_sum=None,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
        )
        for period in decision.periods
    ] or [
        Benefit(
            kind=decision.kind,
            monthly_amount=decision.monthly_amount,
            lump_sum=decision.lump_sum,
            starts_on=decision.starts_on or submitted_on,
            ends_on=decision.ends_on,
        )
    ]
    for row in rows:
        row.beneficiary_person_id = child_id
        row.recipient_person_id = applicant_id
        row.application_id = application.id
        row.status = "active"
    repository.add(session, *rows)
    session.flush()
    for row in rows:
        _benefit_started(session, clock, actor, row)


def apply_birth_bundle(
    *,
    session: Session,
    clock: Clock,
    registers: Registers,
    actor: str,
    step_key: str,
    child_person_id: int,
    applicant_person_id: int,
    benefits: Sequence[object] | None = None,
    case_reference: str = "",
) -> dict[str, Any]:
    """Decide the birth report's bundled applications for a child, once per step key.

    Refused outright (nothing written): an unknown person (404 `person_unknown`), a child not
    living (409 `child_not_alive`), an applicant not living (409 `applicant_not_alive`) or not
    the child's parent in the family register (409 `applicant_not_parent`).
    """
    kinds = bundle_kinds(benefits)

    def apply() -> dict[str, Any]:
        submitted_on = today(clock)
        persons = registers.require([child_person_id, applicant_person_id])
        child, applicant = persons[child_person_id], persons[applicant_person_id]
        _require_alive(child, "child_not_alive", "child", "아동")
        _require_alive(applicant, "applicant_not_alive", "applicant", "신청인")
        parents = registers.relations(child.person_id, submitted_on).parents
        if applicant.person_id not in {link.person_id for link in parents}:
            raise Conflict(
                "applicant_not_parent",
                Message(
                    f"Person {applicant.person_id} is not a parent of child {child.person_id} "
                    "in the family register.",
                    f"가족관계등록부상 {applicant.person_id}번은 {child.person_id}번 아동의 "
                    "부모가 아닙니다.",
                ),
                {"person_id": applicant.person_id, "child_person_id": child.person_id},
            )
        mother = next((link.person_id for link in parents if link.role == "mother"), None)
        found = decide_bundle(
            session=session,
            registers=registers,
            child=child,
            mother_id=mother or applicant.person_id,
            kinds=kinds,
            submitted_on=submitted_on,
        )
        for decision in found:
            _record_decision(
                session,
                clock,
                actor,
                decision,
                child_id=child.person_id,
                applicant_id=applicant.person_id,
                submitted_on=submitted_on,
                step_key=step_key,
                case_reference=case_reference,
            )
        return {
            "child_person_id": child.person_id,
            "applicant_person_id": applicant.person_id,
            "decisions": [d.answer() for d in found],
        }

    return apply_once(session, clock, scope=BIRTH_BUNDLE_SERVICE, step_key=step_key, apply=apply)


# Stops ------------------------------------------------------------------------------------


def stop_benefits_at_death(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    step_key: str,
    person_id: int,
    died_on: dt.date,
) -> dict[str, Any]:
    """Stop, from the day after a death, every active monthly benefit the deceased received or
    was paid for, once per step key. A benefit whose recipient died and beneficiary lives
    stops with `recipient_deceased`, so that the other parent can apply; lump sums already
    granted stay as they are."""
    not_in_future(clock, died_on, "died_on")

    def apply() -> dict[str, Any]:
        stop_from = died_on + dt.timedelta(days=1)
        stopped: list[dict[str, Any]] = []
        for row in repository.active_benefits_of_person(session, person_id):
            if row.monthly_amount is None or (row.ends_on is not None and row.ends_on <= stop_from):
                continue
            row.status = "stopped"
            row.stopped_on = stop_from
            row.stop_reason = (
                "beneficiary_deceased"
                if row.beneficiary_person_id == person_id
                else "recipient_deceased"
            )
            session.flush()
            _benefit_stopped(session, clock, actor, row)
            stopped.append(
                {
                    "benefit_id": row.id,
                    "kind": row.kind,
                    "beneficiary_person_id": row.beneficiary_person_id,
                    "recipient_person_id": row.recipient_person_id,
                    "stopped_on": stop_from.isoformat(),
                    "stop_reason": row.stop_reason,
                }
            )
        return {"person_id": person_id, "died_on": died_on.isoformat(), "stopped": stopped}

    return apply_once(session, clock, scope=STOP_BENEFITS_SERVICE, step_key=step_key, apply=apply)


def get_benefit(session: Session, benefit_id: int) -> Benefit:
    row = repository.benefit(session, benefit_id)
    if row is None:
        raise NotFound(
            "benefit_unknown",
            Message(
                f"There is no benefit with id {benefit_id}.",
                f"id {benefit_id}인 급여가 없습니다.",
            ),
        )
    return row


def stop_benefit(
    *, session: Session, clock: Clock, actor: str, benefit_id: int, stop_in: StopCreate
) -> Benefit:
    """An official stops an active benefit from a day, giving the reason."""
    row = get_benefit(session, benefit_id)
    if row.status != "active":
        raise Conflict(
            "benefit_not_active",
            Message(
                f"The benefit {row.id} is {row.status}; only an active benefit can be stopped.",
                f"{row.id}번 급여는 '{row.status}' 상태입니다. "
                "지급 중인 급여만 중지할 수 있습니다.",
            ),
        )
    if row.ends_on is not None and stop_in.stopped_on >= row.ends_on:
        raise invalid(
            "stop_after_end",
            f"The benefit ends on {row.ends_on}; a stop must come before that.",
            f"이 급여는 {row.ends_on}에 종료됩니다. 중지일은 그 이전이어야 합니다.",
            field_name="stopped_on",
        )
    row.status = "stopped"
    row.stopped_on = stop_in.stopped_on
    row.stop_reason = "official_decision"
    row.stop_note = stop_in.reason
    session.flush()
    _benefit_stopped(session, clock, actor, row)
    return row


# Officials' grants -------------------------------------------------------------------------


def grant_benefit(
    *,
    session: Session,
    clock: Clock,
    registers: Registers,
    actor: str,
    benefit_in: BenefitCreate,
) -> Benefit:
    """An official grants a benefit outside the birth bundle: the basic pension (기초연금) to a
    living person aged 65 or older, at most the standard amount in force when it starts."""
    starts_on, ends_on = benefit_in.starts_on, benefit_in.ends_on
    if ends_on is not None and ends_on <= starts_on:
        raise invalid(
            "end_before_start",
            "A benefit ends after it starts.",
            "급여 종료일은 시작일 이후여야 합니다.",
            field_name="ends_on",
        )
    person = registers.require([benefit_in.person_id])[benefit_in.person_id]
    _require_alive(person, "person_not_alive", "person", "대상자")
    if age_on(person.birth_date, starts_on) < rules.BASIC_PENSION_AGE:
        raise invalid(
            "under_pension_age",
            f"The basic pension is for persons aged {rules.BASIC_PENSION_AGE} or older on "
            f"{starts_on}.",
            f"기초연금은 {starts_on} 현재 만 {rules.BASIC_PENSION_AGE}세 이상인 사람에게 "
            "지급됩니다.",
            field_name="person_id",
        )
    ceiling = rules.basic_pension_ceiling(starts_on)
    if ceiling is None:
        raise invalid(
            "no_rule_in_force",
            f"No standard basic pension amount is in force on {starts_on}.",
            f"{starts_on}에 적용되는 기초연금 기준연금액이 없습니다.",
            field_name="starts_on",
        )
    if benefit_in.monthly_amount > ceiling:
        raise invalid(
            "amount_above_standard",
            f"The basic pension is at most KRW {ceiling:,} a month on {starts_on}.",
            f"{starts_on} 기준 기초연금은 월 {ceiling:,}원을 넘을 수 없습니다.",
            field_name="monthly_amount",
        )
    overlapping = [
        b
        for b in repository.active_benefits_of_kind(session, person.person_id, benefit_in.kind)
        if (b.ends_on is None or b.ends_on > starts_on)
        and (ends_on is None or b.starts_on < ends_on)
    ]
    if overlapping:
        raise Conflict(
            "already_granted",
            Message(
                f"Person {person.person_id} already receives this benefit then "
                f"(benefit {overlapping[0].id}).",
                f"{person.person_id}번은 이 기간에 이미 같은 급여({overlapping[0].id}번)를 "
                "받고 있습니다.",
            ),
            {"benefit_id": overlapping[0].id},
        )
    row = Benefit(
        kind=benefit_in.kind,
        beneficiary_person_id=person.person_id,
        recipient_person_id=person.person_id,
        application_id=None,
        monthly_amount=benefit_in.monthly_amount,
        lump_sum=None,
        starts_on=starts_on,
        ends_on=ends_on,
        status="active",
    )
    repository.add(session, row)
    session.flush()
    _benefit_started(session, clock, actor, row)
    return row


# Reads -------------------------------------------------------------------------------------


def status_on(row: Benefit, on: dt.date) -> str:
    """A benefit's status as it stood on a day: stopped, ended or active."""
    if row.stopped_on is not None and row.stopped_on <= on:
        return "stopped"
    if row.ends_on is not None and row.ends_on <= on:
        return "ended"
    return "active"


def benefits_received(session: Session, person_id: int, on: dt.date) -> dict[str, Any]:
    """The benefits paid to a person as recipient that had started by a day, as they stood."""
    return {
        "person_id": person_id,
        "as_of": on.isoformat(),
        "benefits": [
            {
                "benefit_id": row.id,
                "kind": row.kind,
                "beneficiary_person_id": row.beneficiary_person_id,
                "monthly_amount": row.monthly_amount,
                "lump_sum": row.lump_sum,
                "starts_on": row.starts_on.isoformat(),
                "ends_on": _iso(row.ends_on),
                "status": status_on(row, on),
                "stopped_on": _iso(row.stopped_on if status_on(row, on) == "stopped" else None),
            }
            for row in repository.benefits_received(session, person_id, started_by=on)
        ],
    }


# Social insurance (from the business register's employment events) -------------------------


def record_insurance(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    event_id: int,
    kind: str,
    employment_id: int,
    business_id: int,
    person_id: int,
    on: dt.date,
) -> InsuranceRecord:
    """Record a social-insurance acquisition (a hire) or loss (a leaving) of a person."""
    row = InsuranceRecord(
        event_id=event_id,
        employment_id=employment_id,
        business_id=business_id,
        person_id=person_id,
        kind=kind,
        occurred_on=on,
        received_at=clock.now(),
    )
    repository.add(session, row)
    session.flush()
    _change(
        session,
        clock,
        actor,
        entity="insurance",
        entity_id=row.id,
        event="insurance_recorded",
        kind=kind,
        employment_id=employment_id,
        business_id=business_id,
        person_id=person_id,
        on=on.isoformat(),
    )
    return row
