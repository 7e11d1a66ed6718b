"""The death report (사망신고): checked when filed, then carried to every register concerned.

A relative of the deceased — spouse, child, parent, brother or sister, as the family
register shows — who is a living adult resident files it within one month of the death
(가족관계의 등록 등에 관한 법률 제84조①). Filing checks, so that the citizen reads a clear
message instead of a failed case: the deceased is a living registered resident, the day of
death is neither in the future nor before the birth, the report is not late, and when the
deceased headed a household whose members stay, one of them is named its new head.

The case then runs: the resident register marks the person deceased (stage 0); the family
register records the death and ends the marriage by it, and the welfare office stops the
benefits (stage 1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Final

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.dates import age_on
from nara.core.errors import Conflict, Forbidden, Message, invalid
from nara.core.pii import PiiCipher
from nara.exchange import CallContext, Exchange
from nara.exchange.contracts import family, residents, welfare
from nara.exchange.contracts.residents import HouseholdStanding
from nara.lifeevents.engine import CLIENT, StepPlan, open_case
from nara.lifeevents.models import Case
from nara.lifeevents.moving_in import ADULT_AGE, Filer, add_months
from nara.lifeevents.reads import (
    DEATH_REPORT,
    LIFE_EVENT_REPORT,
    DeathToReport,
    ReportedPerson,
    death_to_report,
    persons,
)

KIND: Final = "death"
REPORT_MONTHS: Final = 1
"""A death report is due within one month of learning of the death (가족관계등록법 제84조①)."""
RELATIONS: Final[dict[str, Message]] = {
    "spouse": Message("Spouse", "배우자"),
    "child": Message("Child", "자녀"),
    "parent": Message("Parent", "부모"),
    "sibling": Message("Brother or sister", "형제자매"),
}
"""What the deceased may be to the filer."""

USES: Final[tuple[str, ...]] = (
    residents.PERSON_SUMMARIES.service,
    family.RELATIONS.service,
    residents.DEATH_FACTS.service,
    residents.DEATH_REPORT.service,
    family.DEATH_RECORD.service,
    welfare.STOP_BENEFITS.service,
)
"""Services of the agencies this kind of case reads and writes (granted to gov24)."""


class DeathCreate(BaseModel):
    """A death report (사망신고) by a relative of the deceased (persons by id, no RRN)."""

    model_config = ConfigDict(extra="forbid")

    deceased_person_id: int = Field(
        gt=0,
        description="The deceased, one of the filer's relatives in the family register "
        "(spouse, child, parent, brother or sister).",
    )
    died_on: dt.date = Field(description="The day of the death; reported within one month.")
    new_head_person_id: int | None = Field(
        default=None,
        description="When the deceased headed a household whose members stay: who heads it.",
    )


def call_context(session: Session, clock: Clock, cipher: PiiCipher, filer: Filer) -> CallContext:
    return CallContext(
        session=session,
        clock=clock,
        cipher=cipher,
        client=CLIENT,
        purpose=LIFE_EVENT_REPORT,
        user_id=filer.actor,
    )


def relatives_of(exchange: Exchange, ctx: CallContext, person_id: int) -> dict[int, str]:
    """The filer's spouse, children, parents, brothers and sisters in the family register
    today, by id, with what each is to the filer."""
    register = replace(ctx, purpose="family-register")

    def relations(of: int) -> family.Relations:
        return exchange.call(family.RELATIONS, register, family.PersonOnDayRequest(person_id=of))

    mine = relations(person_id)
    found: dict[int, str] = {}
    parents = [parent.person_id for parent in mine.parents]
    for parent in parents:
        for child in relations(parent).children:
            found[child.person_id] = "sibling"
    for parent in parents:
        found[parent] = "parent"
    for child in mine.children:
        found[child.person_id] = "child"
    if mine.spouse is not None:
        found[mine.spouse.person_id] = "spouse"
    found.pop(person_id, None)
    return found


def living_relatives(
    exchange: Exchange, ctx: CallContext, person_id: int
) -> list[tuple[ReportedPerson, str]]:
    """The filer's living relatives of the kinds who may be reported dead, by name."""
    relatives = relatives_of(exchange, ctx, person_id)
    people = persons(exchange, ctx, relatives)
    return [
        (summary, relatives[pid])
        for pid, summary in sorted(people.items())
        if summary.status == "alive"
    ]


def file_death(
    session: Session,
    clock: Clock,
    *,
    exchange: Exchange,
    cipher: PiiCipher,
    filer: Filer,
    report: DeathCreate,
) -> Case:
    """Check a death report and open its case (nothing is written when a check fails)."""
    ctx = call_context(session, clock, cipher, filer)
    _check_filer(clock, persons(exchange, ctx, [filer.person_id]).get(filer.person_id))
    relation = relatives_of(exchange, ctx, filer.person_id).get(report.deceased_person_id)
    if relation is None:
        raise Forbidden(
            "deceased_not_relative",
            Message(
                "The family register does not show this person as your spouse, child, parent, "
                "brother or sister: only they can report the death online. Other persons "
                "report it at a community centre (주민센터).",
                "가족관계등록부상 신고인의 배우자·자녀·부모·형제자매가 아닙니다. 그 밖의 "
                "신고인은 주민센터에서 신고하세요.",
            ),
            {"field": "deceased_person_id"},
        )
    facts = _check_alive(death_to_report(exchange, ctx, report.deceased_person_id))
    _check_day(clock, report.died_on, facts.birth_date)
    _check_new_head(report, facts.household)
    died_on = report.died_on.isoformat()
    person = {"person_id": report.deceased_person_id, "died_on": died_on}
    return open_case(
        session,
        clock,
        kind=KIND,
        applicant_person_id=filer.person_id,
        applicant_account_id=filer.account_id,
        report={**report.model_dump(mode="json"), "relation": relation},
        steps=[
            StepPlan(
                name="residents",
                stage=0,
                service=residents.DEATH_REPORT.service,
                purpose=DEATH_REPORT,
                params={**person, "new_head_person_id": report.new_head_person_id},
            ),
            StepPlan(
                name="family",
                stage=1,
                service=family.DEATH_RECORD.service,
                purpose=DEATH_REPORT,
                params=person,
            ),
            StepPlan(
                name="welfare",
                stage=1,
                service=welfare.STOP_BENEFITS.service,
                purpose=DEATH_REPORT,
                params=person,
            ),
        ],
        actor=filer.actor,
    )


def finish(session: Session, clock: Clock, case: Case) -> None:
    """Nothing besides the notice: each register did its part in its step."""


def _check_filer(clock: Clock, filer: ReportedPerson | None) -> None:
    if filer is None or filer.status != "alive":
        raise Forbidden(
            "filer_not_resident",
            Message(
                "Only a living registered resident can file a death report online.",
                "주민등록이 된 생존자만 온라인으로 사망신고를 할 수 있습니다.",
            ),
        )
    if age_on(filer.birth_date, today(clock)) < ADULT_AGE:
        raise Forbidden(
            "minor_cannot_file",
            Message(
                "A minor cannot file a death report online: another relative files it, or "
                "the report is made at a community centre (주민센터).",
                "미성년자는 온라인으로 사망신고를 할 수 없습니다. 다른 가족이 신고하거나 "
                "주민센터에서 신고하세요.",
            ),
        )


def _check_alive(facts: DeathToReport | None) -> DeathToReport:
    """The facts of the person whose death is reported, once he is known to be alive."""
    if facts is None or facts.status != "alive":
        raise Conflict(
            "person_not_alive",
            Message(
                "The resident register does not show this person as a living resident: the "
                "death may already be reported.",
                "주민등록상 생존한 주민이 아닙니다. 이미 사망신고가 되었을 수 있습니다.",
            ),
            {"field": "deceased_person_id"},
        )
    return facts


def _check_day(clock: Clock, died_on: dt.date, born: dt.date) -> None:
    now = today(clock)
    if died_on > now:
        raise invalid(
            "died_on_future",
            f"The day of death, {died_on}, is after today.",
            f"사망일 {died_on}이(가) 오늘 이후입니다.",
            field_name="died_on",
        )
    if died_on < born:
        raise invalid(
            "died_on_before_birth",
            f"The day of death cannot come before the birth ({born}).",
            f"사망일은 출생일({born})보다 앞설 수 없습니다.",
            field_name="died_on",
        )
    if now > add_months(died_on, REPORT_MONTHS):
        raise invalid(
            "death_report_late",
            f"A death report is due within {REPORT_MONTHS} month of the death; this death "
            f"was on {died_on}. Report it at a community centre (주민센터), where a fine for "
            "late reporting may apply.",
            f"사망신고는 사망 사실을 안 날부터 {REPORT_MONTHS}개월 이내에 해야 합니다. 사망일은 "
            f"{died_on}입니다. 주민센터에서 신고하세요(과태료가 부과될 수 있습니다).",
            field_name="died_on",
        )


def _check_new_head(report: DeathCreate, household: HouseholdStanding | None) -> None:
    staying = () if household is None or not household.is_head else household.others
    if not staying:
        if report.new_head_person_id is not None:
            raise invalid(
                "new_head_unexpected",
                "Only when the deceased headed a household whose members stay is a new head named.",
                "사망자가 남는 세대원이 있는 세대의 세대주인 경우에만 새 세대주를 지정합니다.",
                field_name="new_head_person_id",
            )
        return
    if report.new_head_person_id not in {other.person_id for other in staying}:
        raise invalid(
            "new_head_required",
            "The deceased headed a household whose other members stay: choose which of them "
            "becomes its head.",
            "사망자가 세대주인 세대에 세대원이 남습니다. 남는 세대원 중 새 세대주를 선택하세요.",
            field_name="new_head_person_id",
        )
