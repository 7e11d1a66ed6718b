"""Portal pages of the birth report (출생신고 · 행복출산).

`/life-events/birth` is the form: the child's names, sex and birth date, whether the other
parent is the filer's spouse, and the Happy Birth benefits (all ticked by default, each with
a one-line explanation). It is checked by `nara.lifeevents.birth` as the JSON API does; a
refusal re-renders the form with the error summary, and filing opens the case page
(`/life-events/cases/{id}`), where `birth_outcome.html` shows the child's masked RRN and the
welfare decisions once the case has finished.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from nara.core.clock import Clock, today
from nara.core.errors import Message, NaraError
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import ExchangeDep
from nara.identity.access import Principal, require_citizen
from nara.lifeevents.birth import BENEFITS, HAPPY_BIRTH, BirthCreate, file_birth
from nara.lifeevents.moving_in import Filer
from nara.portal.rendering import PortalRoute, language, message_of, render

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

Citizen = Annotated[Principal, Depends(require_citizen())]

FIELDS: dict[str, tuple[str, Message, Message]] = {
    "name_ko": (
        "child-name-ko",
        Message("Child's name in Hangul", "자녀 성명(한글)"),
        Message("Write the name in Hangul, e.g. 김하늘.", "성명을 한글로 입력하세요(예: 김하늘)."),
    ),
    "name_en": (
        "child-name-en",
        Message("Child's name in Latin letters", "자녀 성명(영문)"),
        Message(
            "Write the name in Latin letters, e.g. Kim Haneul.",
            "성명을 영문으로 입력하세요(예: Kim Haneul).",
        ),
    ),
    "sex": (
        "child-sex-m",
        Message("Sex", "성별"),
        Message("Choose the sex.", "성별을 선택하세요."),
    ),
    "birth_date": (
        "birth-date",
        Message("Date of birth", "출생일"),
        Message(
            "Write the date of birth as YYYY-MM-DD.", "출생일을 YYYY-MM-DD 형식으로 입력하세요."
        ),
    ),
    "other_parent": (
        "other-parent-spouse",
        Message("The other parent", "다른 부모"),
        Message("Choose who the other parent is.", "다른 부모를 선택하세요."),
    ),
    "benefits": (
        "benefit-parent_allowance",
        Message("Happy Birth benefits", "행복출산 급여"),
        Message("Choose among the listed benefits.", "목록에 있는 급여 중에서 선택하세요."),
    ),
}
"""Each form field: its element id, its label and what to do when it is malformed."""


def _page(
    request: Request,
    citizen: Principal,
    clock: Clock,
    *,
    values: dict[str, Any],
    problems: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    lang = language(request)
    errors = [
        (FIELDS[name][0], f"{FIELDS[name][1].in_language(lang)}: {text}")
        for name, text in problems.items()
    ]
    return render(
        request,
        "portal/lifeevents/birth_report.html",
        {
            "values": values,
            "problems": problems,
            "errors": errors,
            "benefits": [(kind, *BENEFITS[kind]) for kind in HAPPY_BIRTH],
            "today": today(clock).isoformat(),
        },
        status_code=status_code,
        principal=citizen,
    )


@router.get("/life-events/birth", response_class=HTMLResponse)
def birth_form(*, request: Request, citizen: Citizen, clock: ClockDep) -> HTMLResponse:
    """The birth report's form, every Happy Birth benefit ticked."""
    values = {"other_parent": "spouse", "benefits": list(HAPPY_BIRTH)}
    return _page(request, citizen, clock, values=values, problems={})


def _validation_problems(request: Request, error: ValidationError) -> dict[str, str]:
    problems: dict[str, str] = {}
    lang = language(request)
    for item in error.errors():
        name = next((str(part) for part in item["loc"] if str(part) in FIELDS), "birth_date")
        problems.setdefault(name, FIELDS[name][2].in_language(lang))
    return problems


@router.post("/life-events/birth", response_class=HTMLResponse)
def file_birth_page(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
    name_ko: Annotated[str, Form(max_length=60)] = "",
    name_en: Annotated[str, Form(max_length=100)] = "",
    sex: Annotated[str, Form(max_length=2)] = "",
    birth_date: Annotated[str, Form(max_length=20)] = "",
    other_parent: Annotated[str, Form(max_length=10)] = "spouse",
    benefits: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """File the report; a refusal shows the form again with its errors."""
    values: dict[str, Any] = {
        "name_ko": name_ko.strip(),
        "name_en": name_en.strip(),
        "sex": sex,
        "birth_date": birth_date,
        "other_parent": other_parent,
        "benefits": [b for b in (benefits or []) if b][: len(HAPPY_BIRTH)],
    }
    problems: dict[str, str] = {}
    try:
        report = BirthCreate.model_validate({**values, "birth_date": birth_date or None})
    except ValidationError as malformed:
        problems = _validation_problems(request, malformed)
    else:
        assert citizen.person_id is not None  # noqa: S101  (a citizen is bound to a person)
        try:
            case = file_birth(
                session,
                clock,
                exchange=exchange,
                cipher=cipher,
                filer=Filer(citizen.person_id, citizen.account_id, citizen.actor),
                report=report,
            )
        except NaraError as refused:
            name = str(refused.extra.get("field", "")) or "birth_date"
            problems[name if name in FIELDS else "birth_date"] = message_of(request, refused)
        else:
            return RedirectResponse(f"/life-events/cases/{case.id}", status_code=303)
    return _page(request, citizen, clock, values=values, problems=problems, status_code=422)
