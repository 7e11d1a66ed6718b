"""Portal pages of the passport office (여권): the citizen's passports and applications, and
the officials' review.

`/passports` lists the signed-in citizen's passports and applications and offers to apply:
a new passport, or a reissue when he holds a valid one (the only kind the service allows
him). A minor chooses the consenting parent among his parents in the family register (read
through `registers.parents_of`, as the service checks it). `/passports/applications/{id}`
shows an application's status history and, while it is a draft, the photo upload, the
simulated fee payment and the submission; once issued, the passport's number and expiry.
`/passports/{number}/loss` is the holder's loss report, confirmed on a second page.

`/office/passports` is the officials' queue (`passports:applications:read`, applicants'
names masked); an application's page shows the photo (served by a route that checks the
permission) and, to officials holding `passports:applications:decide`, the approve, reject
and issue forms. Each official action is audited in its own transaction.

Every page calls the passport office's service functions (`nara.passports.service`,
`nara.passports.issuance`) as its JSON API does; a citizen's calls pass `for_person`, so
another person's application or passport is unknown to him (404). A refusal re-renders the
page with the error summary and the service's message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.dates import age_on
from nara.core.errors import Message, NaraError, NotFound
from nara.core.pii import PiiCipher
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.exchange import CallContext, Exchange, ExchangeDep
from nara.exchange.directory import PersonSummary, ResidentDirectory
from nara.identity.access import Principal, require_citizen, require_official
from nara.identity.audit import audit_action
from nara.passports import issuance, registers, repository, rules, service
from nara.passports.models import Application, Passport
from nara.passports.photos import ASPECT_TOLERANCE, MAX_PHOTO_BYTES, MIN_HEIGHT, MIN_WIDTH
from nara.passports.routes import application_read
from nara.passports.schemas import (
    ApplicationCreate,
    DecisionCreate,
    LossCreate,
    PaymentCreate,
    shown_status,
)
from nara.portal.office import mask_name
from nara.portal.rendering import PortalRoute, language, message_of, render

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

READ: Final = "passports:applications:read"
DECIDE: Final = "passports:applications:decide"
Citizen = Annotated[Principal, Depends(require_citizen())]
Reader = Annotated[Principal, Depends(require_official(READ))]
Decider = Annotated[Principal, Depends(require_official(DECIDE))]

PAGE_SIZE: Final = 20
QUEUE_STATUSES: Final = ("submitted", "approved", "rejected", "issued")
"""The statuses the office's queue is filtered by; `submitted` (awaiting review) first."""

STATUS_TEXT: Final[dict[str, Message]] = {
    "draft": Message("Draft", "작성 중"),
    "submitted": Message("Submitted, under review", "접수 (심사 중)"),
    "approved": Message("Approved, to be issued", "승인 (발급 예정)"),
    "rejected": Message("Rejected", "거부"),
    "issued": Message("Issued", "발급 완료"),
}
PASSPORT_STATUS_TEXT: Final[dict[str, Message]] = {
    "valid": Message("Valid", "유효"),
    "expired": Message("Expired", "기간 만료"),
    "invalidated": Message("No longer valid", "효력 상실"),
    "lost": Message("Reported lost", "분실 신고됨"),
}
ACTION_TEXT: Final[dict[str, Message]] = {
    "created": Message("Application opened", "신청서 작성"),
    "photo_attached": Message("Photo attached", "사진 첨부"),
    "fee_paid": Message("Fee paid (simulated)", "수수료 납부 (모의)"),
    "submitted": Message("Submitted for review", "심사 요청"),
    "approved": Message("Approved", "승인"),
    "rejected": Message("Rejected", "거부"),
    "issued": Message("Passport issued", "여권 발급"),
}
KIND_TEXT: Final[dict[str, Message]] = {
    "new": Message("New passport", "신규 발급"),
    "reissue": Message("Reissue", "재발급"),
}
APPLY_FIELDS: Final = {
    "pages": "pages-58",
    "guardian_person_id": "guardian",
    "guardian_consent": "guardian-consent",
}
"""The id of the apply form's field for each field a refusal names; others go to its button."""
LOSS_FIELDS: Final = {
    "lost_on": "lost-on",
    "place": "loss-place",
    "circumstances": "loss-circumstances",
}
DONE: Final = frozenset({"approve", "reject", "issue"})


def _text(request: Request, message: Message) -> str:
    return message.in_language(language(request))


def _texts(request: Request, messages: dict[str, Message]) -> dict[str, str]:
    lang = language(request)
    return {key: message.in_language(lang) for key, message in messages.items()}


def _contexts(
    session: Session, clock: Clock, cipher: PiiCipher, principal: Principal
) -> registers.ContextFor:
    """The exchange call context of each purpose, on behalf of the signed-in user, in the
    request's transaction (as the JSON API builds it for an official)."""

    def context(purpose: str) -> CallContext:
        return CallContext(
            session=session,
            clock=clock,
            cipher=cipher,
            client=registers.CLIENT,
            purpose=purpose,
            user_id=principal.actor,
        )

    return context


def _person_of(citizen: Principal) -> int:
    assert citizen.person_id is not None  # noqa: S101  (a citizen is bound to a person)
    return citizen.person_id


def _history(request: Request, session: Session, application_id: int) -> list[dict[str, Any]]:
    lang = language(request)
    return [
        {
            "action": change.action,
            "what": ACTION_TEXT.get(change.action, Message(change.action, change.action)),
            "status": STATUS_TEXT[str(change.data["status"])].in_language(lang)
            if change.data.get("status") in STATUS_TEXT
            else "",
            "at": change.recorded_at,
        }
        for change in repository.history(session, "application", application_id)
    ]


# The citizen's passports and the apply form ----------------------------------------------


def _apply_offer(
    session: Session,
    exchange: Exchange,
    context: registers.ContextFor,
    person_id: int,
    on: dt.date,
) -> dict[str, Any] | None:
    """What the apply form offers him: the kind that applies, the fee of each page count,
    and for a minor his parents in the family register. None when he cannot apply now."""
    if repository.open_application_of(session, person_id) is not None:
        return None
    applicant = registers.person(exchange, context, person_id)
    if applicant is None or applicant.status != "alive":
        return None
    held = repository.valid_passports_of(session, person_id, on)
    age = age_on(applicant.birth_date, on)
    validity = rules.validity_for(age)
    parents: list[PersonSummary] = []
    if age < rules.ADULT_AGE:
        for parent_id in sorted(registers.parents_of(exchange, context, person_id, on)):
            parent = registers.person(exchange, context, parent_id)
            if parent is not None:
                parents.append(parent)
    return {
        "kind": "reissue" if held else "new",
        "replaces": held[-1] if held else None,
        "validity_years": validity,
        "fees": {
            pages: rules.fee_for(on=on, validity_years=validity, age=age, pages=pages)
            for pages in rules.PAGES
        },
        "minor": age < rules.ADULT_AGE,
        "parents": parents,
    }


def _overview_page(
    request: Request,
    citizen: Principal,
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    exchange: Exchange,
    errors: list[tuple[str, str]] | None = None,
    values: dict[str, str] | None = None,
    done: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    person_id = _person_of(citizen)
    on = today(clock)
    context = _contexts(session, clock, cipher, citizen)
    applications = list(reversed(repository.applications_of_person(session, person_id)))
    return render(
        request,
        "portal/passports/home.html",
        {
            "passports": [
                {"row": row, "status": shown_status(row, on)}
                for row in reversed(repository.passports_of_person(session, person_id))
            ],
            "applications": applications,
            "open_application": repository.open_application_of(session, person_id),
            "offer": _apply_offer(session, exchange, context, person_id, on),
            "status_text": _texts(request, STATUS_TEXT),
            "passport_status_text": _texts(request, PASSPORT_STATUS_TEXT),
            "kind_text": _texts(request, KIND_TEXT),
            "errors": errors or [],
            "error_of": dict(errors or []),
            "values": values or {},
            "done": done if done == "lost" else "",
        },
        status_code=status_code,
        principal=citizen,
    )


@router.get("/passports", response_class=HTMLResponse)
def passports_page(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
    done: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    """His passports and applications, and the apply form when he may apply."""
    return _overview_page(
        request, citizen, session=session, clock=clock, cipher=cipher, exchange=exchange, done=done
    )


def _apply_errors(request: Request, invalid: ValidationError) -> list[tuple[str, str]]:
    problem = Message(
        "Choose the number of pages and, for a minor, the consenting parent.",
        "면수를 선택하고, 미성년자는 동의하는 부모를 선택하십시오.",
    )
    names = {str(item["loc"][-1]) for item in invalid.errors() if item["loc"]}
    field = next((APPLY_FIELDS[name] for name in APPLY_FIELDS if name in names), "apply-submit")
    return [(field, _text(request, problem))]


@router.post("/passports/applications", response_class=HTMLResponse)
def apply(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
    kind: Annotated[str, Form(max_length=10)] = "",
    pages: Annotated[str, Form(max_length=4)] = "",
    guardian_person_id: Annotated[str, Form(max_length=20)] = "",
    guardian_consent: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Open a draft application; a refusal shows the page again with the error summary."""
    values = {
        "pages": pages,
        "guardian_person_id": guardian_person_id,
        "guardian_consent": guardian_consent,
    }
    try:
        application_in = ApplicationCreate.model_validate(
            {
                "person_id": _person_of(citizen),
                "kind": kind,
                "pages": int(pages) if pages.isdigit() else pages,
                "guardian_person_id": guardian_person_id or None,
                "guardian_consent": guardian_consent == "yes",
            }
        )
        row = service.create_application(
            session=session,
            clock=clock,
            exchange=exchange,
            context=_contexts(session, clock, cipher, citizen),
            actor=citizen.actor,
            application_in=application_in,
        )
    except ValidationError as invalid:
        errors, status_code = _apply_errors(request, invalid), 422
    except NaraError as refused:
        field = APPLY_FIELDS.get(str(refused.extra.get("field", "")), "apply-submit")
        errors, status_code = [(field, message_of(request, refused))], refused.status
    else:
        return RedirectResponse(f"/passports/applications/{row.id}", status_code=303)
    return _overview_page(
        request,
        citizen,
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        errors=errors,
        values=values,
        status_code=status_code,
    )


# An application, from draft to issuance ----------------------------------------------------


def _application_page(
    request: Request,
    citizen: Principal,
    session: Session,
    row: Application,
    *,
    errors: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    passport = repository.passport_of_application(session, row.id)
    return render(
        request,
        "portal/passports/application.html",
        {
            "application": application_read(session, row),
            "passport": passport,
            "history": _history(request, session, row.id),
            "status_text": _texts(request, STATUS_TEXT),
            "kind_text": _texts(request, KIND_TEXT),
            "photo_rules": {
                "max_kb": MAX_PHOTO_BYTES // 1024,
                "width": MIN_WIDTH,
                "height": MIN_HEIGHT,
                "tolerance": round(ASPECT_TOLERANCE * 100),
            },
            "errors": errors or [],
            "error_of": dict(errors or []),
        },
        status_code=status_code,
        principal=citizen,
    )


def _own(session: Session, citizen: Principal, application_id: int) -> Application:
    return service.get_application(session, application_id, for_person=_person_of(citizen))


@router.get("/passports/applications/{application_id}", response_class=HTMLResponse)
def application_page(
    *, application_id: int, request: Request, citizen: Citizen, session: DbSession
) -> HTMLResponse:
    """His application: its status history, the draft's photo, fee and submission."""
    return _application_page(request, citizen, session, _own(session, citizen, application_id))


@router.post("/passports/applications/{application_id}/photo", response_class=HTMLResponse)
async def upload_photo(
    *,
    application_id: int,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    photo: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Attach the photo; it is checked by its content, and a refused one stores nothing."""
    data = b"" if photo is None else await photo.read(MAX_PHOTO_BYTES + 1)
    return await run_in_threadpool(_attach, request, citizen, session, clock, application_id, data)


def _on_draft(
    request: Request,
    citizen: Principal,
    session: Session,
    row: Application,
    act: Callable[[], object],
    *,
    field: str,
    then: str = "",
) -> Response:
    """Do a citizen's step on his draft: back to the application (at `then`) when done, or
    the application page with the refusal at `field`."""
    try:
        act()
    except NaraError as refused:
        return _application_page(
            request,
            citizen,
            session,
            row,
            errors=[(field, message_of(request, refused))],
            status_code=refused.status,
        )
    return RedirectResponse(f"/passports/applications/{row.id}{then}", status_code=303)


def _attach(  # noqa: PLR0917  (the route's values, passed on)
    request: Request,
    citizen: Principal,
    session: Session,
    clock: Clock,
    application_id: int,
    data: bytes,
) -> Response:
    row = _own(session, citizen, application_id)
    return _on_draft(
        request,
        citizen,
        session,
        row,
        lambda: service.attach_photo(
            session=session,
            clock=clock,
            actor=citizen.actor,
            application_id=row.id,
            data=data,
            for_person=row.person_id,
        ),
        field="photo",
        then="#photo-section",
    )


@router.post("/passports/applications/{application_id}/payment", response_class=HTMLResponse)
def pay(
    *,
    application_id: int,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    amount_won: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Pay the fee shown. SIMULATED: a receipt number is recorded, no money moves."""
    row = _own(session, citizen, application_id)
    offered = int(amount_won) if amount_won.isdecimal() and len(amount_won) <= 9 else 0
    return _on_draft(
        request,
        citizen,
        session,
        row,
        lambda: service.pay_fee(
            session=session,
            clock=clock,
            actor=citizen.actor,
            application_id=row.id,
            payment_in=PaymentCreate(amount_won=offered),
            for_person=row.person_id,
        ),
        field="pay-fee",
        then="#fee-section",
    )


@router.post("/passports/applications/{application_id}/submit", response_class=HTMLResponse)
def submit(
    *,
    application_id: int,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """Submit the draft for review (its photo attached and its fee paid)."""
    row = _own(session, citizen, application_id)
    return _on_draft(
        request,
        citizen,
        session,
        row,
        lambda: service.submit_application(
            session=session,
            clock=clock,
            actor=citizen.actor,
            application_id=row.id,
            for_person=row.person_id,
        ),
        field="submit-application",
    )


# The loss report --------------------------------------------------------------------------


def _loss_page(
    request: Request,
    citizen: Principal,
    passport: Passport,
    *,
    clock: Clock,
    values: dict[str, str] | None = None,
    errors: list[tuple[str, str]] | None = None,
    confirming: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    status = shown_status(passport, today(clock))
    return render(
        request,
        "portal/passports/loss.html",
        {
            "passport": passport,
            "status": status,
            "status_text": PASSPORT_STATUS_TEXT[status].in_language(language(request)),
            "values": values or {},
            "errors": errors or [],
            "error_of": dict(errors or []),
            "confirming": confirming,
            "today": today(clock).isoformat(),
        },
        status_code=status_code,
        principal=citizen,
    )


@router.get("/passports/{number}/loss", response_class=HTMLResponse)
def loss_form(
    *, number: str, request: Request, citizen: Citizen, session: DbSession, clock: ClockDep
) -> HTMLResponse:
    """The loss report's form, for the holder of a valid passport."""
    passport = issuance.get_passport(session, number, for_person=_person_of(citizen))
    return _loss_page(request, citizen, passport, clock=clock)


def _loss_errors(request: Request, invalid: ValidationError) -> list[tuple[str, str]]:
    problems = {
        "lost_on": Message(
            "Enter the day as YYYY-MM-DD.", "날짜를 YYYY-MM-DD 형식으로 입력하십시오."
        ),
        "place": Message(
            "Describe the place in 200 characters at most.", "장소는 200자 이내로 입력하십시오."
        ),
        "circumstances": Message(
            "Describe the circumstances in 500 characters at most.",
            "경위는 500자 이내로 입력하십시오.",
        ),
    }
    names = [str(item["loc"][-1]) for item in invalid.errors() if item["loc"]]
    return [
        (LOSS_FIELDS[name], _text(request, problems[name]))
        for name in dict.fromkeys(names)
        if name in LOSS_FIELDS
    ] or [(LOSS_FIELDS["lost_on"], _text(request, problems["lost_on"]))]


@router.post("/passports/{number}/loss", response_class=HTMLResponse)
def report_loss(
    *,
    number: str,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    step: Annotated[str, Form(max_length=10)] = "review",
    lost_on: Annotated[str, Form(max_length=20)] = "",
    place: Annotated[str, Form(max_length=400)] = "",
    circumstances: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """`review` shows what will be reported and asks to confirm, `edit` returns to the form,
    `confirm` reports the loss (the passport is invalid from today). A refusal shows the form
    with the error summary."""
    holder = _person_of(citizen)
    passport = issuance.get_passport(session, number, for_person=holder)
    values = {"lost_on": lost_on, "place": place, "circumstances": circumstances}
    try:
        loss_in = LossCreate.model_validate(
            {
                "person_id": holder,
                "lost_on": lost_on.strip() or None,
                "place": place.strip() or None,
                "circumstances": circumstances.strip() or None,
            }
        )
    except ValidationError as invalid:
        return _loss_page(
            request,
            citizen,
            passport,
            clock=clock,
            values=values,
            errors=_loss_errors(request, invalid),
            status_code=422,
        )
    if step != "confirm":
        confirming = step == "review"
        return _loss_page(
            request, citizen, passport, clock=clock, values=values, confirming=confirming
        )
    try:
        issuance.report_loss(
            session=session, clock=clock, actor=citizen.actor, number=number, loss_in=loss_in
        )
    except NaraError as refused:
        if isinstance(refused, NotFound):
            raise
        field = LOSS_FIELDS.get(str(refused.extra.get("field", "")), "loss-form")
        return _loss_page(
            request,
            citizen,
            passport,
            clock=clock,
            values=values,
            errors=[(field, message_of(request, refused))],
            status_code=refused.status,
        )
    return RedirectResponse("/passports?done=lost#notice", status_code=303)


# The back office --------------------------------------------------------------------------


def _submitted(session: Session, application_id: int) -> Application:
    """An application the applicant has submitted; a draft is his alone, unknown to the
    office (404) until he submits it."""
    row = service.get_application(session, application_id)
    if row.status == "draft":
        raise NotFound(
            "application_unknown",
            Message(
                f"There is no submitted passport application with id {application_id}.",
                f"id {application_id}인 제출된 여권 신청이 없습니다.",
            ),
        )
    return row


def _names(
    exchange: Exchange, context: registers.ContextFor, person_ids: list[int]
) -> dict[int, PersonSummary]:
    directory = ResidentDirectory(exchange, context(registers.ELIGIBILITY))
    return directory.summaries(person_ids)


@router.get("/office/passports", response_class=HTMLResponse)
def office_queue(
    *,
    request: Request,
    official: Reader,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
    status: Annotated[str, Query(max_length=20)] = "submitted",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """The passport office's queue, by status; applicants' names masked."""
    chosen = status if status in QUEUE_STATUSES else "submitted"
    rows, total = repository.applications_in_status(
        session, chosen, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    names = _names(
        exchange, _contexts(session, clock, cipher, official), [r.person_id for r in rows]
    )
    lang = language(request)
    return render(
        request,
        "portal/passports/office_queue.html",
        {
            "status": chosen,
            "statuses": [(s, STATUS_TEXT[s].in_language(lang)) for s in QUEUE_STATUSES],
            "rows": [
                {
                    "application": row,
                    "applicant": mask_name(names[row.person_id].name_ko)
                    if row.person_id in names
                    else "",
                }
                for row in rows
            ],
            "kind_text": _texts(request, KIND_TEXT),
            "total": total,
            "page": page,
            "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
        },
        principal=official,
    )


def _office_page(
    request: Request,
    official: Principal,
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    exchange: Exchange,
    row: Application,
    errors: list[tuple[str, str]] | None = None,
    done: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    ids = [row.person_id] + ([row.guardian_person_id] if row.guardian_person_id else [])
    names = _names(exchange, _contexts(session, clock, cipher, official), ids)
    may_decide = official.may(DECIDE)
    return render(
        request,
        "portal/passports/office_application.html",
        {
            "application": application_read(session, row),
            "applicant": names.get(row.person_id),
            "guardian": names.get(row.guardian_person_id or 0),
            "passport": repository.passport_of_application(session, row.id),
            "history": _history(request, session, row.id),
            "status_text": _texts(request, STATUS_TEXT),
            "kind_text": _texts(request, KIND_TEXT),
            "can_decide": may_decide and row.status == "submitted",
            "can_issue": may_decide and row.status == "approved",
            "errors": errors or [],
            "error_of": dict(errors or []),
            "done": done if done in DONE else "",
        },
        status_code=status_code,
        principal=official,
    )


@router.get("/office/passports/applications/{application_id}", response_class=HTMLResponse)
def office_application(
    *,
    application_id: int,
    request: Request,
    official: Reader,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
    done: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    """An application with its photo, fee receipt and history, and the decision forms."""
    row = _submitted(session, application_id)
    return _office_page(
        request,
        official,
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        row=row,
        done=done,
    )


@router.get("/office/passports/applications/{application_id}/photo", response_class=HTMLResponse)
def office_photo(
    *, application_id: int, official: Reader, session: DbSession, clock: ClockDep
) -> Response:
    """The applicant's photo as it was accepted, with its stored media type (the viewing is
    audited)."""
    row = _submitted(session, application_id)
    photo = repository.photo_of(session, row.id)
    if photo is None:
        raise NotFound(
            "photo_unknown",
            Message("This application has no photo.", "이 신청에는 사진이 없습니다."),
        )
    audit_action(
        session, official, "passport.photo_view", f"passports_application:{row.id}", clock=clock
    )
    return Response(
        content=photo.data,
        media_type=photo.media_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": "inline",
            "Cache-Control": "no-store",
        },
    )


@router.post(
    "/office/passports/applications/{application_id}/decision", response_class=HTMLResponse
)
def office_decide(
    *,
    application_id: int,
    request: Request,
    official: Decider,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
    decision: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Approve, or reject with a reason; a refusal shows the page with the error summary."""
    row = _submitted(session, application_id)
    try:
        decision_in = DecisionCreate.model_validate(
            {"outcome": decision, "reason": reason.strip() or None}
        )
    except ValidationError:
        problem = Message(
            "Choose approve or reject; a reason has at most 500 characters.",
            "승인 또는 거부를 선택하십시오. 사유는 500자 이내입니다.",
        )
        field = "reject-reason" if decision == "reject" else "decision-approve"
        errors, status_code = [(field, _text(request, problem))], 422
    else:
        try:
            service.decide_application(
                session=session,
                clock=clock,
                exchange=exchange,
                context=_contexts(session, clock, cipher, official),
                actor=official.actor,
                application_id=row.id,
                decision_in=decision_in,
            )
        except NaraError as refused:
            field = "reject-reason" if refused.code == "reason_required" else "decision-approve"
            errors, status_code = [(field, message_of(request, refused))], refused.status
        else:
            audit_action(
                session,
                official,
                "passport.application_decide",
                f"passports_application:{row.id}",
                clock=clock,
                data={"outcome": decision_in.outcome},
            )
            return RedirectResponse(
                f"/office/passports/applications/{row.id}?done={decision_in.outcome}#notice",
                status_code=303,
            )
    return _office_page(
        request,
        official,
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        row=row,
        errors=errors,
        status_code=status_code,
    )


@router.post(
    "/office/passports/applications/{application_id}/issuance", response_class=HTMLResponse
)
def office_issue(
    *,
    application_id: int,
    request: Request,
    official: Decider,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> Response:
    """Issue the passport of an approved application."""
    row = _submitted(session, application_id)
    try:
        _, passport = issuance.issue_passport(
            session=session, clock=clock, actor=official.actor, application_id=row.id
        )
    except NaraError as refused:
        return _office_page(
            request,
            official,
            session=session,
            clock=clock,
            cipher=cipher,
            exchange=exchange,
            row=row,
            errors=[("issue-passport", message_of(request, refused))],
            status_code=refused.status,
        )
    audit_action(
        session,
        official,
        "passport.issue",
        f"passports_application:{row.id}",
        clock=clock,
        data={"passport_id": passport.id},
    )
    return RedirectResponse(
        f"/office/passports/applications/{row.id}?done=issue#notice", status_code=303
    )
