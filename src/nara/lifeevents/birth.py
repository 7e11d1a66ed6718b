"""The birth report with the Happy Birth bundle (출생신고 · 행복출산).

A parent — a living adult resident with a household — files the report within one month of
the birth (가족관계의 등록 등에 관한 법률 제44조①, 제46조). The other parent is the filer's
spouse in the family register, or there is none (a single parent). With the report the
parent applies for the Happy Birth benefits chosen on the form (all four by default).
Filing checks, so that the citizen reads a clear message instead of a failed case: the
filer is a living adult resident with a household, the birth date is not in the future and
the report is not late, a spouse named as the other parent is in the family register, and
the household has no member of the child's name and birth date yet (a birth reported twice).

The case then runs:

- stage 0, `residents/birth-registration`: the newborn is registered with a new RRN in the
  reporting parent's household;
- stage 1, `family/birth-record`: the child is recorded with both parents (roles by sex);
- stage 2, `welfare/birth-bundle`: the welfare office decides the benefits applied for.

The child's person id exists only once the resident register has answered; the steps after
it take it from that answer when they run (`engine.from_answer`). When the case finishes, the
child's masked RRN and the welfare decisions are copied into the case's outcome, which the
case page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.dates import age_on
from nara.core.errors import Conflict, Forbidden, Message, invalid
from nara.core.pii import PiiCipher
from nara.exchange import CallContext, Exchange
from nara.exchange.contracts import family, residents, welfare
from nara.exchange.contracts.residents import BirthFacts, BirthFactsRequest
from nara.lifeevents.engine import CLIENT, StepPlan, from_answer, open_case, steps_of
from nara.lifeevents.models import Case
from nara.lifeevents.moving_in import ADULT_AGE, Filer, add_months

KIND: Final = "birth"
REPORT_MONTHS: Final = 1
"""A birth report is due within one month of the birth (가족관계등록법 제44조①)."""
PURPOSE: Final = "birth-report"
FAMILY_PURPOSE: Final = "family-register"

USES: Final[tuple[str, ...]] = (
    residents.BIRTH_FACTS.service,
    family.RELATIONS.service,
    residents.BIRTH_REGISTRATION.service,
    family.BIRTH_RECORD.service,
    welfare.BIRTH_BUNDLE.service,
)
"""Services of the agencies this kind of case reads and writes (granted to gov24)."""

BenefitKind = Literal[
    "parent_allowance", "child_allowance", "childcare_allowance", "first_meeting_voucher"
]
HAPPY_BIRTH: Final[tuple[BenefitKind, ...]] = (
    "parent_allowance",
    "child_allowance",
    "childcare_allowance",
    "first_meeting_voucher",
)
"""The Happy Birth benefits a parent may apply for with the report (행복출산 원스톱)."""
BENEFITS: Final[dict[str, tuple[Message, Message]]] = {
    "parent_allowance": (
        Message("Parent allowance", "부모급여"),
        Message(
            "A monthly allowance for a child under 24 months.",
            "만 24개월 미만 아동에게 매월 지급하는 급여입니다.",
        ),
    ),
    "child_allowance": (
        Message("Child allowance", "아동수당"),
        Message(
            "KRW 100,000 a month until the child turns 8.",
            "만 8세 미만 아동에게 매월 10만 원을 지급합니다.",
        ),
    ),
    "childcare_allowance": (
        Message("Home childcare allowance", "가정양육수당"),
        Message(
            "For a child cared for at home, from 24 months; decided now, paid from then.",
            "가정에서 양육하는 아동에게 24개월부터 지급합니다. 지금 신청하면 그때부터 지급됩니다.",
        ),
    ),
    "first_meeting_voucher": (
        Message("First-meeting voucher", "첫만남이용권"),
        Message(
            "A one-off voucher of KRW 2,000,000 (3,000,000 from the second child).",
            "200만 원(둘째 아이부터 300만 원)의 바우처를 한 번 지급합니다.",
        ),
    ),
}
"""Each benefit's name and a one-line explanation, as the form shows them."""

HANGUL_NAME: Final = r"^[가-힣]+( [가-힣]+)*$"
ROMAN_NAME: Final = r"^[A-Za-z][A-Za-z.'\- ]*[A-Za-z.]$"


class BirthCreate(BaseModel):
    """A birth report (출생신고) by a parent, with the Happy Birth applications."""

    model_config = ConfigDict(extra="forbid")

    name_ko: str = Field(
        min_length=1, max_length=40, pattern=HANGUL_NAME, description="The child's Hangul name."
    )
    name_en: str = Field(
        min_length=2,
        max_length=80,
        pattern=ROMAN_NAME,
        description="The child's name in Latin letters (romanised).",
    )
    sex: Literal["M", "F"]
    birth_date: dt.date = Field(description="Reported within one month of the birth.")
    other_parent: Literal["spouse", "none"] = Field(
        default="spouse",
        description="`spouse`: the other parent is the filer's spouse in the family register; "
        "`none`: a single parent.",
    )
    benefits: list[BenefitKind] = Field(
        default_factory=lambda: list(HAPPY_BIRTH),
        max_length=len(HAPPY_BIRTH),
        description="The Happy Birth benefits applied for (all four by default; none is allowed).",
    )


def file_birth(
    session: Session,
    clock: Clock,
    *,
    exchange: Exchange,
    cipher: PiiCipher,
    filer: Filer,
    report: BirthCreate,
) -> Case:
    """Check a birth report and open its case (nothing is written when a check fails)."""
    ctx = CallContext(
        session=session,
        clock=clock,
        cipher=cipher,
        client=CLIENT,
        purpose=PURPOSE,
        user_id=filer.actor,
    )
    _check_birth_date(clock, report.birth_date)
    other = _spouse_of(exchange, ctx, filer.person_id) if report.other_parent == "spouse" else None
    asked = BirthFactsRequest(
        person_id=filer.person_id,
        other_parent_person_id=other,
        child_name_ko=report.name_ko,
        child_birth_date=report.birth_date,
    )
    facts = _check_filer(clock, exchange.call(residents.BIRTH_FACTS, ctx, asked))
    if report.other_parent == "spouse" and other is None:
        raise invalid(
            "spouse_not_found",
            "The family register records no spouse of yours. If the other parent is not your "
            "spouse, choose 'single parent'; an acknowledgement of paternity is reported at "
            "a community centre (주민센터).",
            "가족관계등록부에 배우자가 없습니다. 다른 부모가 배우자가 아니면 '한부모'를 "
            "선택하세요. 인지 신고는 주민센터에서 하세요.",
            field_name="other_parent",
        )
    if facts.child_registered:
        raise Conflict(
            "birth_already_reported",
            Message(
                f"{report.name_ko}, born on {report.birth_date}, is already registered in your "
                "household: this birth was reported before.",
                f"{report.birth_date}에 태어난 {report.name_ko}은(는) 이미 세대에 등록되어 "
                "있습니다. 이미 신고된 출생입니다.",
            ),
        )
    steps = _steps(
        filer, report, _roles(facts), other_parent_person_id=other, reported_on=today(clock)
    )
    return open_case(
        session,
        clock,
        kind=KIND,
        applicant_person_id=filer.person_id,
        applicant_account_id=filer.account_id,
        report={
            **report.model_dump(mode="json"),
            "reported_on": today(clock).isoformat(),
            "other_parent_person_id": other,
        },
        steps=steps,
        actor=filer.actor,
    )


def _steps(
    filer: Filer,
    report: BirthCreate,
    roles: dict[str, int],
    *,
    other_parent_person_id: int | None,
    reported_on: dt.date,
) -> list[StepPlan]:
    steps = [
        StepPlan(
            name="residents",
            stage=0,
            service=residents.BIRTH_REGISTRATION.service,
            purpose=PURPOSE,
            params={
                "parent_person_id": filer.person_id,
                "other_parent_person_id": other_parent_person_id,
                "name_ko": report.name_ko,
                "name_en": report.name_en,
                "sex": report.sex,
                "birth_date": report.birth_date.isoformat(),
                "reported_on": reported_on.isoformat(),
            },
        ),
        StepPlan(
            name="family",
            stage=1,
            service=family.BIRTH_RECORD.service,
            purpose=PURPOSE,
            params={
                "child_person_id": from_answer("residents", "child_person_id"),
                "father_person_id": roles.get("father"),
                "mother_person_id": roles.get("mother"),
            },
        ),
    ]
    if report.benefits:
        steps.append(
            StepPlan(
                name="welfare",
                stage=2,
                service=welfare.BIRTH_BUNDLE.service,
                purpose="birth-bundle",
                params={
                    "child_person_id": from_answer("residents", "child_person_id"),
                    "applicant_person_id": filer.person_id,
                    "benefits": [kind for kind in HAPPY_BIRTH if kind in report.benefits],
                },
            )
        )
    return steps


def _check_birth_date(clock: Clock, born: dt.date) -> None:
    now = today(clock)
    if born > now:
        raise invalid(
            "birth_date_future",
            f"The birth date, {born}, is after today; report a birth once it happened.",
            f"출생일 {born}이(가) 오늘 이후입니다. 출생한 뒤에 신고하세요.",
            field_name="birth_date",
        )
    due = add_months(born, REPORT_MONTHS)
    if now > due:
        raise invalid(
            "birth_report_late",
            f"A birth report is due within one month of the birth (it was due on {due}). "
            "Report it at a community centre (주민센터), where a fine for late reporting may "
            "apply.",
            f"출생신고는 출생일부터 1개월 이내에 해야 합니다(기한 {due}). 주민센터에서 "
            "신고하세요(과태료가 부과될 수 있습니다).",
            field_name="birth_date",
        )


def _spouse_of(exchange: Exchange, ctx: CallContext, person_id: int) -> int | None:
    """The filer's spouse in the family register today, or None."""
    relations = exchange.call(
        family.RELATIONS,
        replace(ctx, purpose=FAMILY_PURPOSE),
        family.PersonOnDayRequest(person_id=person_id),
    )
    return None if relations.spouse is None else relations.spouse.person_id


def _check_filer(clock: Clock, facts: BirthFacts | None) -> BirthFacts:
    """The reporting parent's facts, once he is known to be a living adult resident with a
    household."""
    if facts is None or facts.status != "alive":
        raise Forbidden(
            "filer_not_resident",
            Message(
                "Only a living registered resident can file a birth report online.",
                "주민등록이 된 생존자만 온라인으로 출생신고를 할 수 있습니다.",
            ),
        )
    if age_on(facts.birth_date, today(clock)) < ADULT_AGE:
        raise Forbidden(
            "minor_cannot_file",
            Message(
                "A minor cannot file a birth report online: report it at a community centre "
                "(주민센터), or a parent of yours may help you there.",
                "미성년자는 온라인으로 출생신고를 할 수 없습니다. 주민센터에서 신고하세요.",
            ),
        )
    if facts.household_id is None:
        raise Conflict(
            "filer_without_household",
            Message(
                "The newborn joins the household of the parent who reports; the resident "
                "register holds no household of yours. Report your address first, or report "
                "the birth at a community centre (주민센터).",
                "출생자는 신고한 부모의 세대에 편입됩니다. 주민등록상 세대가 없으니 먼저 "
                "전입신고를 하거나 주민센터에서 출생신고를 하세요.",
            ),
        )
    return facts


def _roles(facts: BirthFacts) -> dict[str, int]:
    """Father and mother by sex: the filer, and the other parent if there is one."""
    roles = {_role(facts.sex): facts.person_id}
    other = facts.other_parent
    if other is None:
        return roles
    if _role(other.sex) in roles:
        raise invalid(
            "other_parent_unrecordable",
            "The family register records a father and a mother by birth; your spouse cannot "
            "be recorded as the other parent. Choose 'single parent', or report at a "
            "community centre (주민센터).",
            "가족관계등록부에는 친생 부와 모가 기록됩니다. 배우자를 다른 부모로 기록할 수 "
            "없습니다. '한부모'를 선택하거나 주민센터에서 신고하세요.",
            field_name="other_parent",
        )
    roles[_role(other.sex)] = other.person_id
    return roles


def _role(sex: str) -> str:
    return "father" if sex == "M" else "mother"


# Finishing ----------------------------------------------------------------------------------


def finish(session: Session, clock: Clock, case: Case) -> None:
    """Copy what the parent is shown into the case's outcome: the child and the decisions."""
    answers = {step.name: step.answer or {} for step in steps_of(session, case.id)}
    registered = answers.get("residents", {})
    outcome: dict[str, Any] = dict(case.outcome)
    if registered.get("child_person_id") is not None:
        outcome["child"] = {
            "person_id": registered["child_person_id"],
            "rrn_masked": registered.get("rrn_masked"),
            "household_id": registered.get("household_id"),
        }
    decisions = answers.get("welfare", {}).get("decisions")
    if decisions:
        outcome["welfare_decisions"] = [_named(decision) for decision in decisions]
    case.outcome = outcome


def _named(decision: dict[str, Any]) -> dict[str, Any]:
    """A welfare decision with the benefit's name in both languages."""
    name = BENEFITS.get(str(decision.get("kind")))
    if name is None:
        return decision
    return {**decision, "name_en": name[0].en, "name_ko": name[0].ko}
