"""One-stop life events in the portal (생애 신고): file a report once, follow every agency's step.

`/life-events` lists the one-stop services, the citizen's reports and those waiting for his
confirmation as household head. `/life-events/moving-in` is the moving-in report: its form is
filled with what the registers hold (the current address, the household and its members, the
vehicles) and checked by `nara.lifeevents.moving_in` as the JSON API does; a refusal
re-renders the form with the error summary. `/life-events/cases/{id}` shows each step's
status (refreshed by htmx while the case runs), any advice, and to the household head the
confirm and decline forms. `/office/life-events` lists, for an official, the steps of his
agency that wait for him, with the retry and resolve forms (each action audited).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.errors import Message, NaraError
from nara.core.pii import PiiCipher
from nara.core.regions import PROVINCES
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import CallContext, Exchange, ExchangeDep
from nara.exchange.contracts.residents import (
    MOVING_IN_FACTS,
    CurrentResidence,
    MovingInFactsRequest,
)
from nara.identity.access import Principal, require_citizen, require_signed_in
from nara.identity.audit import audit_action
from nara.lifeevents import engine
from nara.lifeevents import service as cases
from nara.lifeevents.models import Case
from nara.lifeevents.moving_in import REPORT_DAYS, Filer, file_moving_in
from nara.lifeevents.reads import LIFE_EVENT_REPORT, VehicleOfMover, vehicles_of
from nara.lifeevents.schemas import MovingInCreate
from nara.portal.office import officials_only
from nara.portal.rendering import PortalRoute, language, message_of, render

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

Citizen = Annotated[Principal, Depends(require_citizen())]
SignedIn = Annotated[Principal, Depends(require_signed_in())]

AGENCY_NAMES: dict[str, Message] = {
    "residents": Message(
        "Resident registration (Ministry of the Interior)", "주민등록(행정안전부)"
    ),
    "family": Message("Family relations register (courts)", "가족관계등록(법원)"),
    "vehicles": Message("Vehicle register (Ministry of Land)", "자동차등록(국토교통부)"),
    "tax": Message("National Tax Service", "국세청"),
    "welfare": Message("Ministry of Health and Welfare", "보건복지부"),
    "business": Message("Business register (National Tax Service)", "사업자등록(국세청)"),
    "passports": Message("Passport office (Ministry of Foreign Affairs)", "여권(외교부)"),
    "land": Message("Real-estate register (courts)", "부동산등기(법원)"),
    "finance": Message(
        "Financial institutions (simulated, Financial Supervisory Service)",
        "금융회사(모의 자료, 금융감독원)",
    ),
}
STEP_WHAT: dict[str, Message] = {
    "residents/moving-in": Message("Address, household and address history", "주소·세대·주소 이력"),
    "vehicles/base-address-follows": Message("Base address of your vehicles", "자동차 사용본거지"),
    "tax/taxpayer-address": Message("Taxpayer address", "납세자 주소"),
    "residents/birth-registration": Message(
        "The child registered with a resident registration number in your household",
        "자녀의 주민등록번호 부여와 세대 등록",
    ),
    "family/birth-record": Message(
        "The child recorded with its parents", "가족관계등록부에 부모와 함께 기록"
    ),
    "welfare/birth-bundle": Message("Happy Birth benefits decided", "행복출산 급여 결정"),
    "business/employment-report": Message(
        "Employment record (hire or leave)", "고용 기록(채용·퇴사)"
    ),
    "residents/death-report": Message(
        "Recorded as deceased; the household's new head", "사망 처리와 세대주 변경"
    ),
    "family/death-record": Message(
        "The death recorded; a marriage ended by it", "사망 기록과 혼인 관계 종료"
    ),
    "welfare/stop-benefits": Message("Benefits stopped", "급여 지급 중지"),
    "land/properties-of-owner": Message("Land and buildings", "토지·건물"),
    "vehicles/vehicles-of-owner": Message("Vehicles", "자동차"),
    "tax/balances-of-person": Message("Taxes owed or refundable", "체납·환급 세금"),
    "welfare/benefits-of-person": Message("Pensions and benefits", "연금·급여"),
    "business/businesses-of-representative": Message("Businesses", "사업자"),
    "finance/accounts-of-person": Message(
        "Deposits, loans, insurance and securities (simulated)", "예금·대출·보험·증권(모의 자료)"
    ),
}
"""What each step's service changes, as the case page says it."""
STEP_STATES: dict[str, Message] = {
    "waiting": Message("Waiting for an earlier step", "앞 단계 대기"),
    "due": Message("In progress", "처리 중"),
    "done": Message("Done", "완료"),
    "failed": Message("Refused", "불수리"),
    "attention": Message("An official is looking into it", "담당자 확인 중"),
    "resolved": Message("Settled by an official", "담당자 처리 완료"),
    "cancelled": Message("Not carried out", "처리 안 함"),
}
RELATIONS: tuple[tuple[str, Message], ...] = (
    ("spouse", Message("Spouse", "배우자")),
    ("child", Message("Child", "자녀")),
    ("child_in_law", Message("Child's spouse", "자녀의 배우자")),
    ("parent", Message("Parent", "부모")),
    ("parent_in_law", Message("Spouse's parent", "배우자의 부모")),
    ("grandchild", Message("Grandchild", "손자녀")),
    ("sibling", Message("Sibling", "형제자매")),
    ("cohabitant", Message("Cohabitant", "동거인")),
    ("other", Message("Other", "기타")),
)
ADDRESS_FIELDS = ("sigungu_code", "road_name", "building_main", "building_sub", "address_detail",
                  "postcode")  # fmt: skip
FIELD_IDS = {
    "moved_on": "moved-on",
    "sigungu_code": "address-district",
    "road_name": "address-road",
    "building_main": "address-main",
    "building_sub": "address-sub",
    "address_detail": "address-detail",
    "postcode": "address-postcode",
    "address": "address-district",
    "head_name": "head-name",
    "relation": "relation",
    "new_head_person_id": "new-head",
    "vehicles": "vehicles",
    "join_household_id": "head-name",
}


# The hub ----------------------------------------------------------------------------------


@router.get("/life-events", response_class=HTMLResponse)
def hub(*, request: Request, citizen: Citizen, session: DbSession) -> HTMLResponse:
    """The one-stop services, the citizen's reports and the confirmations asked of him."""
    assert citizen.person_id is not None  # noqa: S101  (a citizen is bound to a person)
    return render(
        request,
        "portal/lifeevents/hub.html",
        {
            "cases": cases.cases_of_citizen(session, citizen.person_id),
            "confirmations": cases.confirmations_awaiting(session, citizen.person_id),
            "kinds": cases.KIND_NAMES,
            "states": engine.STATE_MESSAGES,
        },
        principal=citizen,
    )


# The moving-in report ---------------------------------------------------------------------


def _facts(
    session: Session, clock: Clock, cipher: PiiCipher, exchange: Exchange, citizen: Principal
) -> tuple[CurrentResidence | None, list[VehicleOfMover]]:
    """What the registers hold for the form: the mover's current address and household, and
    his registered vehicles."""
    assert citizen.person_id is not None  # noqa: S101  (a citizen is bound to a person)
    ctx = CallContext(
        session=session,
        clock=clock,
        cipher=cipher,
        client="gov24",
        purpose=LIFE_EVENT_REPORT,
        user_id=citizen.actor,
    )
    asked = MovingInFactsRequest(person_id=citizen.person_id)
    facts = exchange.call(MOVING_IN_FACTS, ctx, asked)
    vehicles = vehicles_of(exchange, ctx, citizen.person_id)
    current = None if facts is None else facts.current
    return current, [v for v in vehicles if v.status == "registered"]


def _moving_in_page(
    request: Request,
    citizen: Principal,
    *,
    current: CurrentResidence | None,
    vehicles: list[VehicleOfMover],
    values: dict[str, Any],
    errors: list[tuple[str, str]],
    problems: dict[str, str],
    clock: Clock,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "portal/lifeevents/moving_in.html",
        {
            "current": current,
            "vehicles": vehicles,
            "values": values,
            "errors": errors,
            "problems": problems,
            "provinces": PROVINCES,
            "relations": RELATIONS,
            "report_days": REPORT_DAYS,
            "today": today(clock).isoformat(),
        },
        status_code=status_code,
        principal=citizen,
    )


@router.get("/life-events/moving-in", response_class=HTMLResponse)
def moving_in_form(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> HTMLResponse:
    """The moving-in report's form, filled with what the registers hold."""
    current, vehicles = _facts(session, clock, cipher, exchange, citizen)
    return _moving_in_page(
        request,
        citizen,
        current=current,
        vehicles=vehicles,
        values={"moved_on": today(clock).isoformat(), "household": "new"},
        errors=[],
        problems={},
        clock=clock,
    )


def _report_of(form: dict[str, Any]) -> dict[str, Any]:
    """The JSON of a report from the form's fields (validated by `MovingInCreate`)."""
    address = {name: form.get(name, "") for name in ADDRESS_FIELDS}
    address["building_sub"] = address["building_sub"] or 0
    joining = form.get("household") == "join"
    return {
        "moved_on": form.get("moved_on") or None,
        "address": address,
        "join_household": joining,
        "head_name": (form.get("head_name") or None) if joining else None,
        "relation": (form.get("relation") or None) if joining else None,
        "new_head_person_id": form.get("new_head_person_id") or None,
        "vehicles": list(form.get("vehicles", [])),
        "postal_forwarding": form.get("postal_forwarding") == "yes",
    }


def _validation_problems(request: Request, error: ValidationError) -> dict[str, str]:
    problems: dict[str, str] = {}
    english = language(request) == "en"
    for item in error.errors():
        name = str(item["loc"][-1]) if item["loc"] else "moved_on"
        if name not in FIELD_IDS:
            name = "sigungu_code" if "address" in item["loc"] else "moved_on"
        text = item["msg"] if english else _korean(name)
        problems.setdefault(name, text)
    return problems


def _korean(name: str) -> str:
    return {
        "moved_on": "전입일을 YYYY-MM-DD 형식으로 입력하세요.",
        "sigungu_code": "주소의 시·군·구와 우편번호가 맞는지 확인하세요.",
        "road_name": "도로명을 입력하세요.",
        "building_main": "건물 본번을 숫자로 입력하세요.",
        "building_sub": "건물 부번을 숫자로 입력하세요.",
        "postcode": "우편번호 5자리를 입력하세요.",
        "address_detail": "상세주소는 100자 이내로 입력하세요.",
        "head_name": "세대주 성명을 확인하세요.",
        "relation": "세대주와의 관계를 선택하세요.",
        "new_head_person_id": "새 세대주를 선택하세요.",
    }.get(name, "입력값을 확인하세요.")


def _label(name: str, lang: str) -> str:
    labels = {
        "moved_on": Message("Day of the move", "전입일"),
        "sigungu_code": Message("District", "시·군·구"),
        "road_name": Message("Road name", "도로명"),
        "building_main": Message("Building number", "건물 본번"),
        "building_sub": Message("Building sub-number", "건물 부번"),
        "address_detail": Message("Flat, floor", "상세주소"),
        "postcode": Message("Postcode", "우편번호"),
        "head_name": Message("Name of the household head", "세대주 성명"),
        "relation": Message("Relation to the head", "세대주와의 관계"),
        "new_head_person_id": Message("New household head", "새 세대주"),
        "vehicles": Message("Vehicles", "자동차"),
    }
    found = labels.get(name)
    return found.in_language(lang) if found else name


@router.post("/life-events/moving-in", response_class=HTMLResponse)
def file_moving_in_page(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
    moved_on: Annotated[str, Form(max_length=20)] = "",
    sigungu_code: Annotated[str, Form(max_length=10)] = "",
    road_name: Annotated[str, Form(max_length=100)] = "",
    building_main: Annotated[str, Form(max_length=10)] = "",
    building_sub: Annotated[str, Form(max_length=10)] = "",
    address_detail: Annotated[str, Form(max_length=200)] = "",
    postcode: Annotated[str, Form(max_length=10)] = "",
    household: Annotated[str, Form(max_length=10)] = "new",
    head_name: Annotated[str, Form(max_length=60)] = "",
    relation: Annotated[str, Form(max_length=20)] = "",
    new_head_person_id: Annotated[str, Form(max_length=20)] = "",
    vehicles: Annotated[list[str] | None, Form()] = None,
    postal_forwarding: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """File the report; a refusal shows the form again with its errors."""
    form: dict[str, Any] = {
        "moved_on": moved_on,
        "sigungu_code": sigungu_code,
        "road_name": road_name,
        "building_main": building_main,
        "building_sub": building_sub,
        "address_detail": address_detail,
        "postcode": postcode,
        "household": household,
        "head_name": head_name,
        "relation": relation,
        "new_head_person_id": new_head_person_id,
        "vehicles": [v for v in (vehicles or []) if v][:20],
        "postal_forwarding": postal_forwarding,
    }
    lang = language(request)
    problems: dict[str, str] = {}
    try:
        report = MovingInCreate.model_validate(_report_of(form))
    except ValidationError as invalid:
        problems = _validation_problems(request, invalid)
    else:
        assert citizen.person_id is not None  # noqa: S101
        try:
            case = file_moving_in(
                session,
                clock,
                exchange=exchange,
                cipher=cipher,
                filer=Filer(citizen.person_id, citizen.account_id, citizen.actor),
                report=report,
            )
        except NaraError as refused:
            name = str(refused.extra.get("field", "")) or "moved_on"
            problems[name if name in FIELD_IDS else "moved_on"] = message_of(request, refused)
        else:
            cases.notify_confirmer(session, clock, case)
            return RedirectResponse(f"/life-events/cases/{case.id}", status_code=303)
    current, owned = _facts(session, clock, cipher, exchange, citizen)
    errors = [(FIELD_IDS[name], f"{_label(name, lang)}: {text}") for name, text in problems.items()]
    return _moving_in_page(
        request,
        citizen,
        current=current,
        vehicles=owned,
        values=form,
        errors=errors,
        problems=problems,
        clock=clock,
        status_code=422,
    )


# A case ----------------------------------------------------------------------------------


def _step_rows(session: Session, case: Case, lang: str) -> list[dict[str, Any]]:
    rows = []
    for step in engine.steps_of(session, case.id):
        error = None
        if step.error_en and step.state in ("failed", "attention", "due"):
            error = step.error_en if lang == "en" else step.error_ko
        rows.append(
            {
                "name": step.name,
                "agency": AGENCY_NAMES.get(step.agency, Message(step.agency, step.agency)),
                "what": STEP_WHAT.get(step.service, Message(step.service, step.service)),
                "state": step.state,
                "state_text": STEP_STATES[step.state],
                "error": error if step.state != "due" or step.attempts else None,
                "retrying": step.state == "due" and step.attempts > 0,
                "finished_at": step.finished_at,
                "note": step.resolution_note,
            }
        )
    return rows


def _case_page(
    request: Request,
    citizen: Principal,
    session: Session,
    case: Case,
    *,
    errors: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    fragment = (
        "hx-request" in request.headers and "hx-history-restore-request" not in request.headers
    )
    lang = language(request)
    response = render(
        request,
        "portal/lifeevents/_steps.html" if fragment else "portal/lifeevents/case.html",
        {
            "case": case,
            "kind": cases.KIND_NAMES[case.kind],
            "state": engine.STATE_MESSAGES[case.state],
            "steps": _step_rows(session, case, lang),
            "is_confirmer": case.confirmer_person_id == citizen.person_id
            and case.state == "awaiting_confirmation",
            "is_applicant": case.applicant_person_id == citizen.person_id,
            "errors": errors or [],
            "running": case.state in ("awaiting_confirmation", "running", "attention"),
        },
        status_code=status_code,
        principal=citizen,
    )
    if fragment and case.finished_at is not None:
        # The case finished under a polling page: reload it whole, so that what finishing
        # added (the decisions, the results) is shown too.
        response.headers["HX-Refresh"] = "true"
    return response


@router.get("/life-events/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    *, case_id: int, request: Request, citizen: Citizen, session: DbSession
) -> HTMLResponse:
    """A report's status, agency by agency."""
    case = cases.case_for_citizen(session, case_id, citizen)
    return _case_page(request, citizen, session, case)


@router.post("/life-events/cases/{case_id}/confirm", response_class=HTMLResponse)
def confirm_page(
    *, case_id: int, citizen: Citizen, session: DbSession, clock: ClockDep
) -> Response:
    """The household head confirms the report."""
    cases.case_for_citizen(session, case_id, citizen)
    cases.confirm(session, clock, case_id, citizen)
    return RedirectResponse(f"/life-events/cases/{case_id}", status_code=303)


@router.post("/life-events/cases/{case_id}/decline", response_class=HTMLResponse)
def decline_page(
    *,
    case_id: int,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """The household head declines the report, giving a reason."""
    case = cases.case_for_citizen(session, case_id, citizen)
    if not reason.strip():
        message = Message(
            "Reason for declining: give a reason.", "거절 사유: 사유를 입력하세요."
        ).in_language(language(request))
        return _case_page(
            request, citizen, session, case, errors=[("decline-reason", message)], status_code=422
        )
    cases.decline(session, clock, case_id, citizen, reason=reason.strip())
    return RedirectResponse(f"/life-events/cases/{case_id}", status_code=303)


# The back office -------------------------------------------------------------------------


def _attention_rows(session: Session, agency: str, lang: str) -> list[dict[str, Any]]:
    rows = []
    for step in cases.attention_steps(session, agency):
        case = cases.get_case(session, step.case_id)
        rows.append(
            {
                "case": case,
                "step": step,
                "kind": cases.KIND_NAMES[case.kind].in_language(lang),
                "error": step.error_en if lang == "en" else step.error_ko,
                "what": STEP_WHAT.get(
                    step.service, Message(step.service, step.service)
                ).in_language(lang),
            }
        )
    return rows


def _office_page(
    request: Request,
    official: Principal,
    session: Session,
    *,
    errors: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    assert official.agency is not None  # noqa: S101
    lang = language(request)
    return render(
        request,
        "portal/lifeevents/office.html",
        {
            "rows": _attention_rows(session, official.agency, lang),
            "agency": AGENCY_NAMES.get(official.agency, Message(official.agency, official.agency)),
            "may_decide": official.may(f"{official.agency}:applications:decide"),
            "errors": errors or [],
        },
        status_code=status_code,
        principal=official,
    )


def _official(principal: Principal) -> Principal:
    if principal.kind != "official" or principal.agency is None:
        raise officials_only()
    if not principal.may(f"{principal.agency}:applications:read"):
        raise officials_only()
    return principal


@router.get("/office/life-events", response_class=HTMLResponse)
def office_page(*, request: Request, principal: SignedIn, session: DbSession) -> HTMLResponse:
    """Steps of the official's agency that could not complete and wait for him."""
    return _office_page(request, _official(principal), session)


@router.post("/office/life-events/{case_id}/{step_name}/retry", response_class=HTMLResponse)
def office_retry(
    *, case_id: int, step_name: str, principal: SignedIn, session: DbSession, clock: ClockDep
) -> Response:
    """Send a flagged step again."""
    official = _official(principal)
    case = cases.retry(session, clock, case_id, step_name, official)
    audit_action(
        session, official, "lifeevent.step_retry", f"case:{case.id}:{step_name}", clock=clock
    )
    return RedirectResponse("/office/life-events", status_code=303)


@router.post("/office/life-events/{case_id}/{step_name}/resolve", response_class=HTMLResponse)
def office_resolve(
    *,
    case_id: int,
    step_name: str,
    request: Request,
    principal: SignedIn,
    session: DbSession,
    clock: ClockDep,
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Record that a flagged step was settled by hand (a note is required)."""
    official = _official(principal)
    if not note.strip():
        message = Message(
            "How it was settled: write a note.", "처리 내용: 메모를 입력하세요."
        ).in_language(language(request))
        return _office_page(
            request,
            official,
            session,
            errors=[(f"note-{case_id}-{step_name}", message)],
            status_code=422,
        )
    case = cases.resolve(session, clock, case_id, step_name, official, note=note.strip())
    audit_action(
        session,
        official,
        "lifeevent.step_resolve",
        f"case:{case.id}:{step_name}",
        clock=clock,
        data={"note": note.strip()},
    )
    return RedirectResponse("/office/life-events", status_code=303)
