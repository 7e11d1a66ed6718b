"""Portal pages of the death report (사망신고).

`/life-events/death` offers the citizen's living spouse, children, parents, brothers and
sisters from the family register (by name and birth date; persons travel as ids in the form
body, never an RRN, never in a URL) and the day of death. The report is checked by
`nara.lifeevents.death` as the JSON API does; a refusal re-renders the form with the error
summary. When the deceased headed a household whose members stay, the form shows them so
that one is chosen as its new head. Filing redirects to the case page.
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
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import Exchange, ExchangeDep
from nara.exchange.contracts.residents import PersonRequest, StayingMember
from nara.identity.access import Principal, require_citizen
from nara.lifeevents.death import (
    RELATIONS,
    DeathCreate,
    call_context,
    file_death,
    living_relatives,
)
from nara.lifeevents.moving_in import Filer
from nara.lifeevents.reads import death_to_report
from nara.portal.rendering import PortalRoute, language, message_of, render

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

Citizen = Annotated[Principal, Depends(require_citizen())]

FIELD_IDS = {
    "deceased_person_id": "deceased",
    "died_on": "died-on",
    "new_head_person_id": "new-head",
}
LABELS = {
    "deceased_person_id": Message("The deceased", "사망자"),
    "died_on": Message("Day of death", "사망일"),
    "new_head_person_id": Message("New household head", "새 세대주"),
}
KOREAN_INPUT = {
    "deceased_person_id": "사망한 가족을 선택하세요.",
    "died_on": "사망일을 YYYY-MM-DD 형식으로 입력하세요.",
    "new_head_person_id": "새 세대주를 선택하세요.",
}


def _filer(citizen: Principal) -> Filer:
    assert citizen.person_id is not None  # noqa: S101  (a citizen is bound to a person)
    return Filer(citizen.person_id, citizen.account_id, citizen.actor)


def _relatives(
    session: Session, clock: Clock, cipher: PiiCipher, exchange: Exchange, citizen: Principal
) -> list[dict[str, Any]]:
    filer = _filer(citizen)
    ctx = call_context(session, clock, cipher, filer)
    return [
        {
            "person_id": person.person_id,
            "name_ko": person.name_ko,
            "birth_date": person.birth_date.isoformat(),
            "relation": RELATIONS[relation],
        }
        for person, relation in living_relatives(exchange, ctx, filer.person_id)
    ]


def _staying(
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    exchange: Exchange,
    citizen: Principal,
    *,
    deceased: str,
) -> list[StayingMember]:
    """The members who stay in the household the deceased heads (names masked)."""
    if not deceased.isdigit():
        return []
    try:
        person = PersonRequest(person_id=int(deceased))
    except ValidationError:  # not a register's id (beyond 64 bits)
        return []
    ctx = call_context(session, clock, cipher, _filer(citizen))
    facts = death_to_report(exchange, ctx, person.person_id)
    household = None if facts is None else facts.household
    if household is None or not household.is_head:
        return []
    return list(household.others)


def _page(
    request: Request,
    citizen: Principal,
    *,
    relatives: list[dict[str, Any]],
    staying: list[StayingMember],
    values: dict[str, Any],
    errors: list[tuple[str, str]],
    problems: dict[str, str],
    clock: Clock,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "portal/lifeevents/death_form.html",
        {
            "relatives": relatives,
            "staying": staying,
            "values": values,
            "errors": errors,
            "problems": problems,
            "today": today(clock).isoformat(),
        },
        status_code=status_code,
        principal=citizen,
    )


@router.get("/life-events/death", response_class=HTMLResponse)
def death_form(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> HTMLResponse:
    """The death report's form, offering the citizen's living relatives."""
    return _page(
        request,
        citizen,
        relatives=_relatives(session, clock, cipher, exchange, citizen),
        staying=[],
        values={"died_on": today(clock).isoformat()},
        errors=[],
        problems={},
        clock=clock,
    )


def _validation_problems(request: Request, error: ValidationError) -> dict[str, str]:
    problems: dict[str, str] = {}
    english = language(request) == "en"
    for item in error.errors():
        name = str(item["loc"][-1]) if item["loc"] else "died_on"
        name = name if name in FIELD_IDS else "died_on"
        problems.setdefault(name, item["msg"] if english else KOREAN_INPUT[name])
    return problems


@router.post("/life-events/death", response_class=HTMLResponse)
def file_death_page(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
    deceased_person_id: Annotated[str, Form(max_length=20)] = "",
    died_on: Annotated[str, Form(max_length=20)] = "",
    new_head_person_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """File the report; a refusal shows the form again with its errors."""
    values = {
        "deceased_person_id": deceased_person_id,
        "died_on": died_on,
        "new_head_person_id": new_head_person_id,
    }
    problems: dict[str, str] = {}
    try:
        report = DeathCreate.model_validate(
            {
                "deceased_person_id": deceased_person_id or None,
                "died_on": died_on or None,
                "new_head_person_id": new_head_person_id or None,
            }
        )
    except ValidationError as invalid:
        problems = _validation_problems(request, invalid)
    else:
        try:
            case = file_death(
                session,
                clock,
                exchange=exchange,
                cipher=cipher,
                filer=_filer(citizen),
                report=report,
            )
        except NaraError as refused:
            name = str(refused.extra.get("field", "")) or "died_on"
            problems[name if name in FIELD_IDS else "died_on"] = message_of(request, refused)
        else:
            return RedirectResponse(f"/life-events/cases/{case.id}", status_code=303)
    lang = language(request)
    errors = [
        (FIELD_IDS[name], f"{LABELS[name].in_language(lang)}: {text}")
        for name, text in problems.items()
    ]
    relatives = _relatives(session, clock, cipher, exchange, citizen)
    staying: list[StayingMember] = []
    # Only a relative's household: the form never shows who lives with a stranger.
    if "new_head_person_id" in problems and deceased_person_id in {
        str(relative["person_id"]) for relative in relatives
    }:
        staying = _staying(session, clock, cipher, exchange, citizen, deceased=deceased_person_id)
    return _page(
        request,
        citizen,
        relatives=relatives,
        staying=staying,
        values=values,
        errors=errors,
        problems=problems,
        clock=clock,
        status_code=422,
    )
