"""Safe Inheritance (안심상속): one request by an heir looks up the deceased's assets.

An heir of the 1st rank (descendants and the spouse) or the 2nd rank (ascendants and the
spouse) by the family register on the day of the death (민법 제1000조, 제1003조) asks once,
within one year of the death, for the deceased's land and buildings, vehicles, taxes owed or
refundable, pensions and benefits, businesses, and accounts at financial institutions (a
SIMULATED source, `finance`). Each lookup is a read step of the case, called for the purpose
`inheritance-lookup` and logged by the exchange as a read of the deceased's data. Each
agency's result reaches the heir as a notice in his inbox as soon as that agency answers;
when every agency has answered, the case page shows them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from nara.applications.service import notify_citizen
from nara.core.clock import Clock, today
from nara.core.db import serialise
from nara.core.errors import Conflict, Forbidden, Message, invalid
from nara.core.pii import PiiCipher
from nara.exchange import CallContext, Exchange
from nara.exchange.contracts import Id
from nara.exchange.contracts.family import (
    DECEASED_RELATIVES,
    HEIR_RANK,
    DeceasedRelativesRequest,
    HeirRankRequest,
)
from nara.exchange.contracts.residents import DEATH_FACTS, PersonRequest
from nara.lifeevents import repository
from nara.lifeevents.engine import CLIENT, StepPlan, open_case, steps_of
from nara.lifeevents.models import Case, Step
from nara.lifeevents.moving_in import Filer, add_months
from nara.lifeevents.reads import ReportedPerson, persons

KIND: Final = "inheritance"
REQUEST_MONTHS: Final = 12
"""An heir asks within one year of the death (the month the start of the inheritance is
known, 상속개시일이 속한 달의 말일부터 1년; here simply one year from the death)."""
LOOKUP: Final = "inheritance-lookup"
REQUEST: Final = "inheritance-request"
LIVE_STATES: Final = ("awaiting_confirmation", "running", "attention", "done")
"""States of a request that stands (a failed or cancelled one may be asked again)."""

USES: Final[tuple[str, ...]] = (
    "residents/person-summaries",
    "residents/death-facts",
    "family/heir-rank",
    "family/deceased-relatives",
    "land/properties-of-owner",
    "vehicles/vehicles-of-owner",
    "tax/balances-of-person",
    "welfare/benefits-of-person",
    "business/businesses-of-representative",
    "finance/accounts-of-person",
)
"""Services of the agencies this kind of case reads and writes (granted to gov24)."""

AGENCY_RESULTS: Final[dict[str, Message]] = {
    "land": Message("Land and buildings", "토지·건축물"),
    "vehicles": Message("Vehicles", "자동차"),
    "tax": Message("Taxes owed or refundable", "국세·지방세 체납·환급"),
    "welfare": Message("Pensions and benefits", "연금·복지 급여"),
    "business": Message("Businesses", "사업자"),
    "finance": Message(
        "Deposits, loans and insurance (SIMULATED data)", "예금·대출·보험 (모의 데이터)"
    ),
}
"""What each step looks up, in the order shown to the heir."""


class InheritanceCreate(BaseModel):
    """A Safe Inheritance request (안심상속 원스톱 서비스) by an heir (persons by id)."""

    model_config = ConfigDict(extra="forbid")

    deceased_person_id: Id = Field(
        description="The deceased, whom the family register shows as the heir's relative."
    )


def call_context(session: Session, clock: Clock, cipher: PiiCipher, filer: Filer) -> CallContext:
    return CallContext(
        session=session,
        clock=clock,
        cipher=cipher,
        client=CLIENT,
        purpose=REQUEST,
        user_id=filer.actor,
    )


def deceased_relatives(
    exchange: Exchange, ctx: CallContext, person_id: int
) -> list[tuple[ReportedPerson, dt.date]]:
    """The relatives whose death the family register records and the heir may ask about,
    by name, with the day of each death."""
    found = exchange.call(
        DECEASED_RELATIVES,
        replace(ctx, purpose=REQUEST),
        DeceasedRelativesRequest(person_id=person_id),
    )
    days = {item.person_id: item.died_on for item in found.deceased}
    summaries = persons(exchange, ctx, days)
    return [(summaries[pid], days[pid]) for pid in days if pid in summaries]


def file_inheritance(
    session: Session,
    clock: Clock,
    *,
    exchange: Exchange,
    cipher: PiiCipher,
    filer: Filer,
    request: InheritanceCreate,
) -> Case:
    """Check a Safe Inheritance request and open its lookup (nothing written on a refusal)."""
    ctx = call_context(session, clock, cipher, filer)
    deceased = request.deceased_person_id
    facts = exchange.call(DEATH_FACTS, ctx, PersonRequest(person_id=deceased))
    died_on = None if facts is None or facts.status != "deceased" else facts.status_on
    if died_on is None:
        raise Conflict(
            "person_not_deceased",
            Message(
                "The resident register does not record this person as deceased: report the "
                "death first.",
                "주민등록상 사망자로 기록되어 있지 않습니다. 먼저 사망신고를 하세요.",
            ),
            {"field": "deceased_person_id"},
        )
    _check_deadline(clock, died_on)
    asked = HeirRankRequest(deceased_person_id=deceased, heir_person_id=filer.person_id, on=died_on)
    rank = exchange.call(HEIR_RANK, ctx, asked)
    if rank.rank is None:
        raise Forbidden(
            "heir_rank_refused",
            Message(
                "Only an heir of the 1st rank (children, grandchildren, spouse) or the 2nd "
                "rank (parents, grandparents, spouse) in the family register on the day of "
                "the death can ask online (민법 제1000조, 제1003조). Brothers, sisters and "
                "other heirs ask at a community centre (주민센터).",
                "사망일 기준 가족관계등록부상 1순위(자녀·손자녀·배우자) 또는 2순위(부모·조부모·"
                "배우자) 상속인만 온라인으로 신청할 수 있습니다(민법 제1000조, 제1003조). "
                "형제자매 등 그 밖의 상속인은 주민센터에서 신청하세요.",
            ),
            {"field": "deceased_person_id"},
        )
    _check_once(session, filer.person_id, deceased)
    return open_case(
        session,
        clock,
        kind=KIND,
        applicant_person_id=filer.person_id,
        applicant_account_id=filer.account_id,
        report={
            "deceased_person_id": deceased,
            "died_on": died_on.isoformat(),
            "heir_rank": rank.rank,
            "relation": rank.relation,
        },
        steps=lookup_steps(deceased, died_on),
        actor=filer.actor,
    )


def lookup_steps(person_id: int, died_on: dt.date) -> list[StepPlan]:
    """One read per agency, all at once, of what the deceased held on the day of the death
    (taxes: what is unsettled today)."""
    day = died_on.isoformat()
    owner = {"owner_kind": "person", "owner_id": person_id, "as_of": day}
    reads = (
        ("land", "land/properties-of-owner", owner),
        ("vehicles", "vehicles/vehicles-of-owner", owner),
        ("tax", "tax/balances-of-person", {"person_id": person_id}),
        ("welfare", "welfare/benefits-of-person", {"person_id": person_id, "on": day}),
        (
            "business",
            "business/businesses-of-representative",
            {"person_id": person_id, "on": day},
        ),
        ("finance", "finance/accounts-of-person", {"person_id": person_id, "on": day}),
    )
    return [
        StepPlan(name=name, stage=0, service=service, purpose=LOOKUP, params=params, keyed=False)
        for name, service, params in reads
    ]


def _check_deadline(clock: Clock, died_on: dt.date) -> None:
    deadline = add_months(died_on, REQUEST_MONTHS)
    if today(clock) > deadline:
        raise invalid(
            "inheritance_request_late",
            f"Safe Inheritance is asked within one year of the death; this death was on "
            f"{died_on}, so the last day was {deadline}. Ask each institution directly, or "
            "a community centre (주민센터) for advice.",
            f"안심상속 원스톱 서비스는 사망일부터 1년 이내에 신청해야 합니다. 사망일은 "
            f"{died_on}이고 신청 기한은 {deadline}까지였습니다. 각 기관에 직접 문의하거나 "
            "주민센터에 상담하세요.",
            field_name="deceased_person_id",
        )


def requests_of(session: Session, heir_person_id: int, deceased_person_id: int) -> list[Case]:
    """The heir's standing requests about this deceased."""
    cases = repository.cases_of_kind_by(session, KIND, heir_person_id, LIVE_STATES)
    return [c for c in cases if c.report.get("deceased_person_id") == deceased_person_id]


def _check_once(session: Session, heir_person_id: int, deceased_person_id: int) -> None:
    serialise(session, "lifeevents.inheritance", heir_person_id, deceased_person_id)
    earlier = requests_of(session, heir_person_id, deceased_person_id)
    if earlier:
        raise Conflict(
            "inheritance_already_requested",
            Message(
                f"You already asked for this lookup ({earlier[0].reference}); it is asked "
                "once. Its results are on its page and in your inbox.",
                f"이미 이 조회를 신청했습니다({earlier[0].reference}). 안심상속 조회는 한 번만 "
                "신청할 수 있으며, 결과는 신청 내역과 알림함에서 볼 수 있습니다.",
            ),
            {"case_id": earlier[0].id},
        )


# Results ------------------------------------------------------------------------------------


def _won(amount: Any) -> str:
    return f"{int(amount or 0):,}"


def result_of(name: str, answer: dict[str, Any]) -> tuple[Message, list[str]]:
    """What a step's answer tells the heir: a summary and a line per item found."""
    rows: list[dict[str, Any]] = answer.get("answer", []) if "answer" in answer else []
    if name == "land":
        lines = [f"{r.get('label', '')} ({r.get('share', '')})" for r in rows]
        return Message(
            f"{len(lines)} parcel(s) or building(s)", f"토지·건축물 {len(lines)}건"
        ), lines
    if name == "vehicles":
        lines = [f"{r.get('plate', '')} {r.get('make', '')} {r.get('model', '')}" for r in rows]
        return Message(f"{len(lines)} vehicle(s)", f"자동차 {len(lines)}대"), lines
    if name == "tax":
        owed, refund = _won(answer.get("owed_total")), _won(answer.get("refundable_total"))
        lines = [
            f"{b.get('tax_year', '')} {b.get('item', '')}: "
            f"{_won(b.get('amount_owed'))} / {_won(b.get('amount_refundable'))}"
            for b in answer.get("balances", [])
        ]
        return Message(
            f"Owed {owed} won; refundable {refund} won", f"체납 {owed}원, 환급 {refund}원"
        ), lines
    if name == "welfare":
        benefits = answer.get("benefits", [])
        lines = [
            f"{b.get('kind', '')} ({b.get('status', '')}): {_won(b.get('monthly_amount'))}"
            for b in benefits
        ]
        return Message(
            f"{len(benefits)} pension(s) or benefit(s)", f"연금·급여 {len(benefits)}건"
        ), lines
    if name == "business":
        lines = [f"{r.get('name', '')} ({r.get('brn', '')}, {r.get('status', '')})" for r in rows]
        return Message(f"{len(lines)} business(es)", f"사업자 {len(lines)}건"), lines
    deposits, loans = _won(answer.get("deposits_total")), _won(answer.get("loans_total"))
    lines = [
        f"{a.get('institution', '')} {a.get('product', '')}: {_won(a.get('balance_won'))}"
        for a in answer.get("accounts", [])
    ]
    return Message(
        f"SIMULATED: deposits {deposits} won, loans {loans} won",
        f"모의 데이터: 예금 {deposits}원, 대출 {loans}원",
    ), lines


def _result(name: str, answer: dict[str, Any]) -> dict[str, Any]:
    what = AGENCY_RESULTS[name]
    summary, lines = result_of(name, answer)
    return {
        "agency": name,
        "en": what.en,
        "ko": what.ko,
        "summary_en": summary.en,
        "summary_ko": summary.ko,
        "lines": lines,
        "simulated": name == "finance",
    }


def results(session: Session, case: Case) -> list[dict[str, Any]]:
    """Each agency's result of a lookup, in the order shown, as far as they have come."""
    by_name = {step.name: step for step in steps_of(session, case.id)}
    return [
        _result(name, step.answer)
        for name in AGENCY_RESULTS
        if (step := by_name.get(name)) is not None
        and step.state == "done"
        and step.answer is not None
    ]


NOTIFIED: Final = "notified"
"""The case outcome's list of the agencies whose result has reached the heir's inbox."""


def step_done(
    session: Session, clock: Clock, case: Case, step: Step, answer: dict[str, Any]
) -> None:
    """An agency's reading has come: it reaches the heir's inbox at once, as a notice from
    that agency, whether or not the other agencies have answered yet."""
    if step.name in AGENCY_RESULTS:
        _notify(session, clock, case, _result(step.name, answer))


def finish(session: Session, clock: Clock, case: Case) -> None:
    """When the lookup is done: keep each agency's result on the case, and send any result
    that has not reached the heir yet (a step finished before results were sent as they
    came)."""
    if case.state != "done":
        return
    found = results(session, case)
    for result in found:
        if result["agency"] not in case.outcome.get(NOTIFIED, []):
            _notify(session, clock, case, result)
    case.outcome = {**case.outcome, "assets": found}


def _notify(session: Session, clock: Clock, case: Case, result: dict[str, Any]) -> None:
    """One agency's result to the heir's inbox, once per agency and case."""
    notified: list[str] = list(case.outcome.get(NOTIFIED, []))
    if case.applicant_account_id is None or result["agency"] in notified:
        return
    body = f"{result['summary_ko']} · {result['summary_en']}"
    if result["lines"]:
        body += "\n" + "\n".join(result["lines"])
    notify_citizen(
        session,
        clock,
        account_id=case.applicant_account_id,
        subject=f"[{case.reference}] 안심상속 {result['ko']} · Safe Inheritance: {result['en']}",
        body=body,
    )
    case.outcome = {**case.outcome, NOTIFIED: [*notified, result["agency"]]}
