"""The resident register's part in a death report: the person marked deceased.

Filing a death report (사망신고) reads here what the form needs about the deceased — alive
or not, born when, and whether he heads a household whose members stay (they then need a
new head) — and Safe Inheritance (안심상속) reads that a person is recorded as deceased, and
since when. The report's first step marks the person deceased with
`nara.residents.service.change_status`, once per step key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.idempotency import apply_once, check_step_key
from nara.exchange import CallContext, Service
from nara.exchange.contracts.residents import (
    DEATH_FACTS,
    DEATH_REPORT,
    DeathFacts,
    DeathRecorded,
    DeathReportRequest,
    PersonRequest,
)
from nara.exchange.purposes import Purpose
from nara.residents import repository
from nara.residents.reports import mask_name
from nara.residents.schemas import StatusChange
from nara.residents.service import change_status

DEATH_REPORT_REFERENCE: Final = "주민등록법 제10조 (신고사항), 제14조 (주민등록사항의 정리)"
INHERITANCE_REFERENCE: Final = "민법 제997조 (상속개시의 원인)"
FACT_FIELDS: Final = frozenset({"person_id", "birth_date", "status", "status_on", "household"})


def death_facts(session: Session, person_id: int) -> dict[str, Any] | None:
    """The person's status (and its day), birth date and current household, with whether he
    heads it and the members who would stay (names masked); None for an unknown person."""
    person = repository.get_person(session, person_id)
    if person is None:
        return None
    household = None
    membership = repository.current_membership(session, person.id)
    if membership is not None:
        others = [
            {"person_id": member.person_id, "name_ko": mask_name(found.name_ko)}
            for member, found in repository.members_with_persons(
                session, membership.household_id, on=None
            )
            if member.person_id != person.id
        ]
        household = {
            "household_id": membership.household_id,
            "is_head": membership.relation == "head",
            "others": others,
        }
    return {
        "person_id": person.id,
        "birth_date": person.birth_date.isoformat(),
        "status": person.status,
        "status_on": None if person.status_on is None else person.status_on.isoformat(),
        "household": household,
    }


def report_death(
    session: Session,
    clock: Clock,
    *,
    step_key: str,
    person_id: int,
    died_on: dt.date,
    new_head_person_id: int | None,
    actor: str,
) -> dict[str, Any]:
    """Mark a person deceased from a death report, once per step key."""

    def apply() -> dict[str, Any]:
        membership = repository.current_membership(session, person_id)
        person = change_status(
            session=session,
            clock=clock,
            actor=actor,
            person_id=person_id,
            status_in=StatusChange(
                status="deceased", on=died_on, new_head_person_id=new_head_person_id
            ),
        )
        return {
            "person_id": person.id,
            "died_on": died_on.isoformat(),
            "status": person.status,
            "left_household_id": None if membership is None else membership.household_id,
            "new_head_person_id": new_head_person_id,
        }

    return apply_once(session, clock, scope=DEATH_REPORT.service, step_key=step_key, apply=apply)


# Through the exchange ----------------------------------------------------------------------


def death_facts_of(ctx: CallContext, request: PersonRequest) -> DeathFacts | None:
    """What a death report or a Safe Inheritance request needs to know of the deceased."""
    facts = death_facts(ctx.session, request.person_id)
    return None if facts is None else DeathFacts.model_validate(facts)


def death_report(ctx: CallContext, request: DeathReportRequest) -> DeathRecorded:
    """Mark the deceased of a death report deceased, once per step key."""
    answer = report_death(
        ctx.session,
        ctx.clock,
        step_key=check_step_key(request.step_key),
        person_id=request.person_id,
        died_on=request.died_on,
        new_head_person_id=request.new_head_person_id,
        actor=f"{ctx.client}:{ctx.user_id}",
    )
    return DeathRecorded.model_validate(answer)


def _household_read(answer: DeathFacts | None) -> list[int]:
    """The members a facts answer reveals (who would stay in the household)."""
    if answer is None or answer.household is None:
        return []
    return [other.person_id for other in answer.household.others]


SERVICES: list[Service] = [
    Service.typed(
        DEATH_FACTS,
        death_facts_of,
        subjects=lambda request: [request.person_id],
        answer_subjects=_household_read,
        purposes=(
            Purpose(
                code="death-report",
                fields=FACT_FIELDS,
                lawful_basis="public_task",
                legal_reference=DEATH_REPORT_REFERENCE,
                en="The single window checks a death report against the resident register "
                "before filing it: the deceased is alive on the register, and who heads his "
                "household next.",
                ko="정부24가 사망신고를 접수하기 전에 사망자의 주민등록 상태와 세대를 확인합니다.",
            ),
            Purpose(
                code="inheritance-request",
                fields=frozenset({"person_id", "status", "status_on"}),
                lawful_basis="public_task",
                legal_reference=INHERITANCE_REFERENCE,
                en="Safe Inheritance (안심상속) checks that the person is recorded as deceased, "
                "and on which day.",
                ko="안심상속 원스톱 서비스가 피상속인의 사망 여부와 사망일을 확인합니다.",
            ),
        ),
    ),
    Service.typed(
        DEATH_REPORT,
        death_report,
        subjects=lambda request: [request.person_id],
        purposes=(
            Purpose(
                code="death-report",
                fields=frozenset(
                    {
                        "person_id",
                        "died_on",
                        "status",
                        "left_household_id",
                        "new_head_person_id",
                        "repeated",
                    }
                ),
                lawful_basis="public_task",
                legal_reference=DEATH_REPORT_REFERENCE,
                en="A death report filed online is entered in the resident register.",
                ko="온라인으로 접수된 사망신고를 주민등록에 반영합니다.",
            ),
        ),
    ),
]
"""Services of this part, offered through the agency's `exchange.SERVICES`."""
