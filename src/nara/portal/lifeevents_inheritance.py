"""Portal pages of Safe Inheritance (안심상속 원스톱 서비스).

`/life-events/inheritance` offers the relatives whose death the family register records (by
name, birth date and day of death; persons travel as ids in the form body, never an RRN,
never in a URL). The request is checked by `nara.lifeevents.inheritance` as the JSON API
does — an heir of the 1st or 2nd rank, within one year, once — and a refusal re-renders the
form with the error summary. Asking redirects to the case page, where
`portal/lifeevents/inheritance_results.html` shows each agency's result.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.errors import Message, NaraError
from nara.core.pii import PiiCipher
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import Exchange, ExchangeDep
from nara.identity.access import Principal, require_citizen
from nara.lifeevents.inheritance import (
    AGENCY_RESULTS,
    InheritanceCreate,
    call_context,
    deceased_relatives,
    file_inheritance,
)
from nara.lifeevents.moving_in import Filer
from nara.portal.rendering import PortalRoute, language, message_of, render

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

Citizen = Annotated[Principal, Depends(require_citizen())]

DECEASED = Message("The deceased", "피상속인")
CHOOSE = Message("Choose whose assets to look up.", "조회할 피상속인을 선택하세요.")


def _filer(citizen: Principal) -> Filer:
    assert citizen.person_id is not None  # noqa: S101  (a citizen is bound to a person)
    return Filer(citizen.person_id, citizen.account_id, citizen.actor)


def _deceased(
    session: Session, clock: Clock, cipher: PiiCipher, exchange: Exchange, citizen: Principal
) -> list[dict[str, Any]]:
    filer = _filer(citizen)
    ctx = call_context(session, clock, cipher, filer)
    return [
        {
            "person_id": person.person_id,
            "name_ko": person.name_ko,
            "birth_date": person.birth_date.isoformat(),
            "died_on": died_on.isoformat(),
        }
        for person, died_on in deceased_relatives(exchange, ctx, filer.person_id)
    ]


def _page(
    request: Request,
    citizen: Principal,
    *,
    deceased: list[dict[str, Any]],
    values: dict[str, Any],
    problem: str | None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = language(request)
    errors = [] if problem is None else [("deceased", f"{DECEASED.in_language(lang)}: {problem}")]
    return render(
        request,
        "portal/lifeevents/inheritance_form.html",
        {
            "deceased": deceased,
            "values": values,
            "errors": errors,
            "problem": problem,
            "lookups": list(AGENCY_RESULTS.values()),
        },
        status_code=status_code,
        principal=citizen,
    )


@router.get("/life-events/inheritance", response_class=HTMLResponse)
def inheritance_form(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> HTMLResponse:
    """The request's form, offering the relatives whose death is recorded."""
    return _page(
        request,
        citizen,
        deceased=_deceased(session, clock, cipher, exchange, citizen),
        values={},
        problem=None,
    )


@router.post("/life-events/inheritance", response_class=HTMLResponse)
def request_inheritance_page(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
    deceased_person_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Ask for the lookup; a refusal shows the form again with its error."""
    try:
        asked = InheritanceCreate.model_validate({"deceased_person_id": deceased_person_id or None})
    except ValidationError:
        problem = CHOOSE.in_language(language(request))
    else:
        try:
            case = file_inheritance(
                session,
                clock,
                exchange=exchange,
                cipher=cipher,
                filer=_filer(citizen),
                request=asked,
            )
        except NaraError as refused:
            problem = message_of(request, refused)
        else:
            return RedirectResponse(f"/life-events/cases/{case.id}", status_code=303)
    return _page(
        request,
        citizen,
        deceased=_deceased(session, clock, cipher, exchange, citizen),
        values={"deceased_person_id": deceased_person_id},
        problem=problem,
        status_code=422,
    )
