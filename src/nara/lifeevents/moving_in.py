"""The moving-in report (전입신고): checked when filed, then carried to every agency concerned.

Filing checks what can be checked at once, so that the citizen reads a clear message instead
of a failed case: the report is due within 14 days of the move; a minor cannot file online;
the day is after the mover's current residence began; the household joined lives at the new
address under the named head; the vehicles listed are the mover's. A move into another
province does not carry the vehicles (their registration must be changed at the new
province's office, and the citizen is told so).

The case then runs: the resident register moves the person (stage 0); the vehicle register
moves the listed vehicles' base address and the tax office the taxpayer's address (stage 1).
Joining a household waits for its head's confirmation before anything changes.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy.orm import Session

from nara.core.address import RoadAddress
from nara.core.clock import Clock, today
from nara.core.dates import age_on
from nara.core.errors import Conflict, Forbidden, Message, invalid
from nara.core.pii import PiiCipher
from nara.exchange import CallContext, Exchange
from nara.exchange.contracts import Address
from nara.exchange.contracts.residents import (
    MOVING_IN_FACTS,
    CurrentResidence,
    HouseholdToJoin,
    MovingInFacts,
    MovingInFactsRequest,
    RegisteredAddress,
)
from nara.lifeevents.engine import CLIENT, StepPlan, open_case
from nara.lifeevents.models import Case, PostalForwarding
from nara.lifeevents.reads import LIFE_EVENT_REPORT, vehicles_of
from nara.lifeevents.schemas import MovingInCreate

KIND: Final = "moving-in"
REPORT_DAYS: Final = 14
"""A moving-in report is due within 14 days of the move (주민등록법 제16조)."""
ADULT_AGE: Final = 19
FORWARDING_MONTHS: Final = 3
"""Korea Post forwards mail for three months after a move."""

USES: Final = (
    "residents/moving-in-facts",
    "residents/moving-in",
    "vehicles/vehicles-of-owner",
    "vehicles/base-address-follows",
    "tax/taxpayer-address",
)


@dataclass(frozen=True)
class Filer:
    """Who files, as the single window knows him from his signed-in account."""

    person_id: int
    account_id: int | None
    actor: str


def file_moving_in(
    session: Session,
    clock: Clock,
    *,
    exchange: Exchange,
    cipher: PiiCipher,
    filer: Filer,
    report: MovingInCreate,
) -> Case:
    """Check a moving-in report and open its case (nothing is written when a check fails)."""
    ctx = CallContext(
        session=session,
        clock=clock,
        cipher=cipher,
        client=CLIENT,
        purpose=LIFE_EVENT_REPORT,
        user_id=filer.actor,
    )
    asked = MovingInFactsRequest(
        person_id=filer.person_id,
        address=Address.model_validate(report.address.model_dump()),
        head_name=report.head_name if report.join_household else None,
    )
    facts = _check_filer(clock, exchange.call(MOVING_IN_FACTS, ctx, asked))
    current = facts.current
    _check_day(clock, report.moved_on, current)
    join = _household_to_join(report, facts, current)
    _check_new_head(report, current, joining=join is not None)
    carried, advice = _vehicles(exchange, ctx, filer.person_id, report)
    new_address = report.address.model_dump()
    steps = [
        StepPlan(
            name="residents",
            stage=0,
            service="residents/moving-in",
            purpose="moving-in-report",
            params={
                "person_id": filer.person_id,
                "moved_on": report.moved_on.isoformat(),
                "address": new_address,
                "join_household_id": None if join is None else join.household_id,
                "relation": report.relation if join is not None else None,
                "new_head_person_id": report.new_head_person_id,
            },
        ),
        StepPlan(
            name="tax",
            stage=1,
            service="tax/taxpayer-address",
            purpose="address-follows-move",
            params={
                "person_id": filer.person_id,
                "address": new_address,
                "moved_on": report.moved_on.isoformat(),
            },
        ),
    ]
    if carried:
        steps.append(
            StepPlan(
                name="vehicles",
                stage=1,
                service="vehicles/base-address-follows",
                purpose="moving-in-report",
                params={"person_id": filer.person_id, "plates": carried, "address": new_address},
            )
        )
    return open_case(
        session,
        clock,
        kind=KIND,
        applicant_person_id=filer.person_id,
        applicant_account_id=filer.account_id,
        report={
            **report.model_dump(mode="json"),
            "from_address": None if current is None else current.address.model_dump(mode="json"),
        },
        steps=steps,
        confirmer_person_id=None if join is None else join.head_person_id,
        outcome={"vehicle_advice": advice} if advice else {},
        actor=filer.actor,
    )


def finish(session: Session, clock: Clock, case: Case) -> None:
    """When the move is done: record the postal forwarding request, if the mover asked."""
    report = case.report
    if case.state != "done" or not report.get("postal_forwarding"):
        return
    if report.get("from_address") is None:
        return
    moved_on = dt.date.fromisoformat(report["moved_on"])
    session.add(
        PostalForwarding(
            case_id=case.id,
            person_id=case.applicant_person_id,
            from_address=report["from_address"],
            starts_on=moved_on,
            ends_on=add_months(moved_on, FORWARDING_MONTHS),
            requested_at=clock.now(),
            **RoadAddress.model_validate(report["address"]).columns(),
        )
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _check_filer(clock: Clock, facts: MovingInFacts | None) -> MovingInFacts:
    """The filer's facts, once he is known to be a living adult resident."""
    if facts is None or facts.status != "alive":
        raise Forbidden(
            "filer_not_resident",
            Message(
                "Only a living registered resident can file a moving-in report.",
                "주민등록이 된 생존자만 전입신고를 할 수 있습니다.",
            ),
        )
    if age_on(facts.birth_date, today(clock)) < ADULT_AGE:
        raise Forbidden(
            "minor_cannot_file",
            Message(
                "A minor cannot file a moving-in report online: a parent or the household "
                "head files it, or the report is made at a community centre (주민센터).",
                "미성년자는 온라인으로 전입신고를 할 수 없습니다. 부모나 세대주가 신고하거나 "
                "주민센터에서 신고하세요.",
            ),
        )
    return facts


def _check_day(clock: Clock, moved_on: dt.date, current: CurrentResidence | None) -> None:
    now = today(clock)
    if moved_on > now:
        raise invalid(
            "moved_on_future",
            f"The day of the move, {moved_on}, is after today; report a move once it happened.",
            f"전입일 {moved_on}이(가) 오늘 이후입니다. 이사한 뒤에 신고하세요.",
            field_name="moved_on",
        )
    late = (now - moved_on).days
    if late > REPORT_DAYS:
        raise invalid(
            "moving_in_late",
            f"A moving-in report is due within {REPORT_DAYS} days of the move; this move was "
            f"{late} days ago. Report it at a community centre (주민센터), where a fine for "
            "late reporting may apply.",
            f"전입신고는 이사한 날부터 {REPORT_DAYS}일 이내에 해야 합니다. 이 이사는 {late}일 "
            "전입니다. 주민센터에서 신고하세요(과태료가 부과될 수 있습니다).",
            field_name="moved_on",
        )
    if current is not None and moved_on <= current.moved_in:
        raise invalid(
            "moved_on_before_current",
            f"The move must come after the day you moved to your current address "
            f"({current.moved_in}).",
            f"전입일은 현재 주소로 전입한 날({current.moved_in}) 이후여야 합니다.",
            field_name="moved_on",
        )


def _household_to_join(
    report: MovingInCreate, facts: MovingInFacts, current: CurrentResidence | None
) -> HouseholdToJoin | None:
    same = current is not None and _same_address(current.address, report.address)
    if not report.join_household:
        if same:
            raise Conflict(
                "already_lives_there",
                Message(
                    "You are already registered at this address.",
                    "이미 이 주소에 주민등록이 되어 있습니다.",
                ),
            )
        return None
    if not report.head_name:
        raise invalid(
            "head_name_required",
            "To join a household, give the name of its head.",
            "기존 세대에 편입하려면 세대주의 성명을 입력하세요.",
            field_name="head_name",
        )
    if report.relation is None:
        raise invalid(
            "relation_required",
            "To join a household, give your relation to its head.",
            "기존 세대에 편입하려면 세대주와의 관계를 선택하세요.",
            field_name="relation",
        )
    join = facts.join
    if join is None:
        raise invalid(
            "household_not_found",
            "No household headed by this name lives at this address. Check the address and "
            "the head's name, or form a new household.",
            "이 주소에 입력한 성명의 세대주가 있는 세대가 없습니다. 주소와 세대주 성명을 "
            "확인하거나 새 세대를 구성하세요.",
            field_name="head_name",
        )
    if current is not None and join.household_id == current.household_id:
        raise Conflict(
            "already_in_household",
            Message("You already belong to this household.", "이미 이 세대에 속해 있습니다."),
        )
    return join


def _check_new_head(
    report: MovingInCreate, current: CurrentResidence | None, *, joining: bool
) -> None:
    staying = () if current is None or not current.is_head else current.others
    if not staying:
        if report.new_head_person_id is not None:
            raise invalid(
                "new_head_unexpected",
                "Only a household head whose members stay behind names a new head.",
                "남는 세대원이 있는 세대주만 새 세대주를 지정합니다.",
                field_name="new_head_person_id",
            )
        return
    ids = {other.person_id for other in staying}
    if report.new_head_person_id not in ids:
        raise invalid(
            "new_head_required",
            "You head a household whose other members stay: choose which of them becomes its head.",
            "세대원이 남는 세대의 세대주입니다. 남는 세대원 중 새 세대주를 선택하세요.",
            field_name="new_head_person_id",
        )


def _vehicles(
    exchange: Exchange, ctx: CallContext, person_id: int, report: MovingInCreate
) -> tuple[list[str], list[dict[str, Any]]]:
    """The plates whose base address follows the move, and advice for those that cannot."""
    if not report.vehicles:
        return [], []
    owned = vehicles_of(exchange, ctx, person_id)
    by_plate = {v.plate.replace(" ", ""): v for v in owned if v.status == "registered"}
    carried: list[str] = []
    advice: list[dict[str, Any]] = []
    for plate in dict.fromkeys(report.vehicles):
        vehicle = by_plate.get(plate.replace(" ", ""))
        if vehicle is None:
            raise Forbidden(
                "vehicle_not_owned",
                Message(
                    f"The vehicle {plate} is not registered to you.",
                    f"자동차 {plate}은(는) 신고인 소유로 등록되어 있지 않습니다.",
                ),
                {"field": "vehicles", "plate": plate},
            )
        if vehicle.sido_code != report.address.sido_code:
            advice.append(_crossing_advice(vehicle.plate))
        else:
            carried.append(vehicle.plate)
    return carried, advice


def _crossing_advice(plate: str) -> dict[str, Any]:
    return {
        "plate": plate,
        "code": "vehicle_province_crossing",
        "en": f"Your move crosses into another province, so the base address of {plate} does "
        "not follow it: apply for a change of registration (변경등록) at the vehicle "
        "registration office of your new province.",
        "ko": f"다른 시·도로 전입하므로 자동차 {plate}의 사용본거지는 함께 변경되지 않습니다. "
        "새 시·도의 자동차등록사업소에 변경등록을 신청하세요.",
    }


def _same_address(stored: RegisteredAddress, address: RoadAddress) -> bool:
    return (
        stored.sigungu_code,
        stored.road_name,
        stored.building_main,
        stored.building_sub,
        stored.address_detail,
        stored.postcode,
    ) == (
        address.sigungu_code,
        address.road_name,
        address.building_main,
        address.building_sub,
        address.address_detail,
        address.postcode,
    )
