"""Civil services (민원) in the portal: the catalogue, the application wizard, my applications
and the inbox.

The pages call the applications service layer (`nara.applications.service`) exactly as its JSON
API does (`nara.applications.routes`): drafts are made by `create_draft` (prefilled from the
registries through the exchange as `gov24`), form values saved by `update_fields`, steps checked
by the service's validation, files attached by `attach`, the simulated fee paid by `pay`, the
application submitted by `submit` (an auto-issue service is issued at once through
`nara.documents`), messages written by `post_message`, notifications read by `mark_read`.

The wizard of a draft: guide → one page per step of the service's form → documents (when the
service asks for any) → fee (when it has one) → summary → submit. Every write is a POST carrying
the session's CSRF token (checked by `require_citizen`); a refusal of the service re-renders the
page with the error summary. A citizen reaches only his own applications (404 otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nara.applications import catalogue, repository, service
from nara.applications import errors as application_errors
from nara.applications.catalogue import CivilService, Step
from nara.applications.models import Application
from nara.applications.routes import get_issuer_factory
from nara.applications.schemas import DraftCreate, FieldsUpdate, MessageCreate
from nara.core.access import public
from nara.core.clock import Clock, today
from nara.core.errors import Message, NaraError
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.documents import service as documents
from nara.exchange import ExchangeDep
from nara.identity.access import Principal, current_principal, require_citizen
from nara.portal.registries import REGISTRIES
from nara.portal.rendering import PortalRoute, language, message_of, render

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

Citizen = Annotated[Principal, Depends(require_citizen())]
Issuers = Annotated[service.IssuerFactory, Depends(get_issuer_factory)]
CATALOGUE = "the catalogue of civil services is public information"

PAGE_SIZE = 20
INBOX_SIZE = 100
MAX_UPLOAD_BYTES = service.MAX_ATTACHMENT_BYTES

AGENCIES: dict[str, Message] = {
    registry.slug: Message(registry.agency_en, registry.agency_ko) for registry in REGISTRIES
}
"""The agency that decides a service, by its slug, in both languages."""


def agency_name(slug: str) -> Message:
    return AGENCIES.get(slug, Message(slug, slug))


# The wizard's stages -----------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """One stage of the wizard, as the step indicator shows it."""

    key: str
    title: Message
    path: str


def stages(civil: CivilService, application_id: int) -> list[Stage]:
    """Guide, one stage per step of the form, documents, fee and summary (as the service needs)."""
    base = f"/applications/{application_id}"
    found = [Stage("guide", Message("Guide", "안내"), f"{base}/guide")]
    found += [
        Stage(f"step:{step.code}", step.title, f"{base}/steps/{step.code}") for step in civil.steps
    ]
    if civil.documents:
        found.append(Stage("documents", Message("Documents", "첨부 서류"), f"{base}/documents"))
    if civil.fee_won > 0:
        found.append(Stage("fee", Message("Fee", "수수료"), f"{base}/fee"))
    found.append(Stage("summary", Message("Check and submit", "확인 및 제출"), f"{base}/summary"))
    return found


def _next_path(civil: CivilService, application_id: int, key: str) -> str:
    keys = stages(civil, application_id)
    for index, stage in enumerate(keys):
        if stage.key == key and index + 1 < len(keys):
            return keys[index + 1].path
    return f"/applications/{application_id}/summary"


def _step_of(civil: CivilService, code: str) -> Step:
    for step in civil.steps:
        if step.code == code:
            return step
    raise application_errors.step_unknown(code)


def _own(session: Session, citizen: Principal, application_id: int) -> Application:
    return service.citizen_application(session, applicant=citizen, application_id=application_id)


def _wizard(
    request: Request,
    citizen: Principal,
    application: Application,
    template: str,
    *,
    key: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    civil = catalogue.service_of(application.service_code)
    every = stages(civil, application.id)
    current = next((i for i, stage in enumerate(every) if stage.key == key), 0)
    values: dict[str, Any] = {
        "application": application,
        "civil": civil,
        "agency": agency_name(civil.agency),
        "stages": every,
        "current": current,
        "attachable": catalogue.ATTACHABLE,
        "errors": [],
    }
    values.update(context or {})
    return render(
        request,
        f"portal/services/{template}",
        values,
        status_code=status_code,
        principal=citizen,
    )


def _editable_or_redirect(application: Application) -> RedirectResponse | None:
    if application.status in service.EDITABLE:
        return None
    return RedirectResponse(f"/applications/{application.id}", status_code=303)


# The catalogue (public) ---------------------------------------------------------------------


@router.get("/services", response_class=HTMLResponse)
def catalogue_page(
    request: Request,
    _access: Annotated[None, Depends(public(CATALOGUE))],
    q: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    """The catalogue, searched in Korean or English; htmx swaps the results as one types."""
    found = catalogue.search(q)
    # The search box (htmx) swaps the results only; a history restore needs the whole page.
    fragment = (
        "hx-request" in request.headers and "hx-history-restore-request" not in request.headers
    )
    response = render(
        request,
        "portal/services/_results.html" if fragment else "portal/services/catalogue.html",
        {
            "query": q,
            "services": [(civil, agency_name(civil.agency)) for civil in found],
            "principal": current_principal(request),
        },
    )
    response.headers["Vary"] = "HX-Request"
    return response


@router.get("/services/{code}", response_class=HTMLResponse)
def guide_page(
    code: str,
    request: Request,
    _access: Annotated[None, Depends(public(CATALOGUE))],
) -> HTMLResponse:
    """A service's guide: what it does, who decides, the form, what the state already holds."""
    civil = catalogue.service_of(code)
    principal = current_principal(request)
    return render(
        request,
        "portal/services/guide.html",
        {
            "civil": civil,
            "agency": agency_name(civil.agency),
            "attachable": catalogue.ATTACHABLE,
            "signin_path": "/signin?next=" + quote(f"/services/{code}", safe=""),
        },
        principal=principal,
    )


@router.post("/services/{code}/apply", response_class=HTMLResponse)
def apply(
    *,
    code: str,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> Response:
    """Start an application: a draft filled from the registries, then the wizard."""
    civil = catalogue.service_of(code)  # 404 for no such service, before anything is written
    application, notes = service.create_draft(
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        applicant=citizen,
        draft_in=DraftCreate(service_code=civil.code),
    )
    target = f"/applications/{application.id}/guide"
    if notes:
        target += "?prefill=incomplete"
    return RedirectResponse(target, status_code=303)


# The wizard -------------------------------------------------------------------------------


@router.get("/applications/{application_id}/guide", response_class=HTMLResponse)
def wizard_guide(
    *,
    application_id: int,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    prefill: str = "",
) -> Response:
    """The first stage: what the service is, and which fields the registers filled in."""
    application = _own(session, citizen, application_id)
    redirect = _editable_or_redirect(application)
    if redirect is not None:
        return redirect
    civil = catalogue.service_of(application.service_code)
    return _wizard(
        request,
        citizen,
        application,
        "guide_step.html",
        key="guide",
        context={
            "prefill_incomplete": prefill == "incomplete",
            "next_path": _next_path(civil, application.id, "guide"),
            "attachable": catalogue.ATTACHABLE,
        },
    )


@router.post("/applications/{application_id}/prefill", response_class=HTMLResponse)
def wizard_refill(
    *,
    application_id: int,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> Response:
    """Fill the form from the registries again."""
    _, notes = service.refill(
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        applicant=citizen,
        application_id=application_id,
    )
    target = f"/applications/{application_id}/guide"
    if notes:
        target += "?prefill=incomplete"
    return RedirectResponse(target, status_code=303)


def _field_id(name: str) -> str:
    return f"field-{name}"


def _step_page(
    request: Request,
    citizen: Principal,
    application: Application,
    step: Step,
    *,
    values: Mapping[str, Any],
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    problems = problems or {}
    errors = [
        # The summary names each field, since its messages are read apart from the form.
        (
            _field_id(item.name),
            f"{item.label.in_language(language(request))}: {problems[item.name]}",
        )
        for item in step.fields
        if item.name in problems
    ]
    return _wizard(
        request,
        citizen,
        application,
        "step.html",
        key=f"step:{step.code}",
        context={
            "step": step,
            "values": values,
            "problems": problems,
            "errors": errors,
            "field_id": _field_id,
        },
        status_code=status_code,
    )


@router.get("/applications/{application_id}/steps/{step_code}", response_class=HTMLResponse)
def wizard_step(
    *,
    application_id: int,
    step_code: str,
    request: Request,
    citizen: Citizen,
    session: DbSession,
) -> Response:
    """One page of the form; fields filled from a register are shown read-only."""
    application = _own(session, citizen, application_id)
    redirect = _editable_or_redirect(application)
    if redirect is not None:
        return redirect
    step = _step_of(catalogue.service_of(application.service_code), step_code)
    return _step_page(request, citizen, application, step, values=application.fields)


@router.post("/applications/{application_id}/steps/{step_code}", response_class=HTMLResponse)
async def wizard_step_save(
    *,
    application_id: int,
    step_code: str,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """Check the step with the service's rules, save the values that are valid, go on or show
    what needs correcting."""
    form = await request.form()
    posted = {key: value for key, value in form.items() if isinstance(value, str)}
    return await run_in_threadpool(
        _save_step, request, citizen, session, clock, application_id, step_code, posted
    )


def _save_step(  # noqa: PLR0917  (the route's values, passed on)
    request: Request,
    citizen: Principal,
    session: Session,
    clock: Clock,
    application_id: int,
    step_code: str,
    posted: dict[str, str],
) -> Response:
    application = _own(session, citizen, application_id)
    redirect = _editable_or_redirect(application)
    if redirect is not None:
        return redirect
    civil = catalogue.service_of(application.service_code)
    step = _step_of(civil, step_code)
    lang = language(request)
    values: dict[str, str] = {}
    for item in step.fields:
        if item.name in application.prefilled and item.name not in posted:
            continue  # read-only on the page; the register's value stays
        values[item.name] = posted.get(item.name, "").strip()
    shown = {**application.fields, **values}
    problems = {
        name: message.in_language(lang)
        for name, message in service.step_errors(civil, shown, step.code, on=today(clock)).items()
    }
    valid = {name: value for name, value in values.items() if name not in problems}
    if valid:
        try:
            service.update_fields(
                session=session,
                clock=clock,
                applicant=citizen,
                application_id=application.id,
                update_in=FieldsUpdate(fields=dict(valid)),
            )
        except NaraError as refused:
            name = str(refused.extra.get("field", ""))
            problems[name or step.fields[0].name] = message_of(request, refused)
            return _step_page(
                request,
                citizen,
                application,
                step,
                values=shown,
                problems=problems,
                status_code=refused.status,
            )
    if problems:
        return _step_page(
            request, citizen, application, step, values=shown, problems=problems, status_code=422
        )
    return RedirectResponse(_next_path(civil, application.id, f"step:{step.code}"), status_code=303)


def _documents_page(
    request: Request,
    citizen: Principal,
    session: Session,
    application: Application,
    *,
    errors: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    civil = catalogue.service_of(application.service_code)
    return _wizard(
        request,
        citizen,
        application,
        "documents.html",
        key="documents",
        context={
            "attachments": repository.attachments(session, application.id),
            "attachable": catalogue.ATTACHABLE,
            "errors": errors or [],
            "next_path": _next_path(civil, application.id, "documents"),
            "max_mib": MAX_UPLOAD_BYTES // (1024 * 1024),
        },
        status_code=status_code,
    )


@router.get("/applications/{application_id}/documents", response_class=HTMLResponse)
def wizard_documents(
    *, application_id: int, request: Request, citizen: Citizen, session: DbSession
) -> Response:
    """The files the service asks for (never a document the state holds), and those uploaded."""
    application = _own(session, citizen, application_id)
    redirect = _editable_or_redirect(application)
    if redirect is not None:
        return redirect
    return _documents_page(request, citizen, session, application)


@router.post("/applications/{application_id}/documents", response_class=HTMLResponse)
async def wizard_upload(
    *,
    application_id: int,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    kind: Annotated[str, Form(max_length=32)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Attach one file of a kind the service asks for."""
    data = b"" if file is None else await file.read(MAX_UPLOAD_BYTES + 1)
    filename = (file.filename if file is not None else None) or "attachment"
    return await run_in_threadpool(
        _attach, request, citizen, session, clock, application_id, kind, filename, data
    )


def _attach(  # noqa: PLR0917  (the route's values, passed on)
    request: Request,
    citizen: Principal,
    session: Session,
    clock: Clock,
    application_id: int,
    kind: str,
    filename: str,
    data: bytes,
) -> Response:
    application = _own(session, citizen, application_id)
    redirect = _editable_or_redirect(application)
    if redirect is not None:
        return redirect
    try:
        service.attach(
            session=session,
            clock=clock,
            applicant=citizen,
            application_id=application.id,
            kind=kind,
            filename=filename,
            data=data,
        )
    except NaraError as refused:
        kinds = [
            document.kind for document in catalogue.service_of(application.service_code).documents
        ]
        field = kind if kind in kinds or not kinds else kinds[0]
        return _documents_page(
            request,
            citizen,
            session,
            application,
            errors=[(f"file-{field}", message_of(request, refused))],
            status_code=refused.status,
        )
    return RedirectResponse(f"/applications/{application.id}/documents", status_code=303)


@router.get("/applications/{application_id}/fee", response_class=HTMLResponse)
def wizard_fee(
    *, application_id: int, request: Request, citizen: Citizen, session: DbSession
) -> Response:
    """The fee and the (simulated) payment button, or the receipt once paid."""
    application = _own(session, citizen, application_id)
    redirect = _editable_or_redirect(application)
    if redirect is not None:
        return redirect
    civil = catalogue.service_of(application.service_code)
    return _wizard(
        request,
        citizen,
        application,
        "fee.html",
        key="fee",
        context={
            "payment": repository.payment(session, application.id),
            "next_path": _next_path(civil, application.id, "fee"),
        },
    )


@router.post("/applications/{application_id}/fee", response_class=HTMLResponse)
def wizard_pay(
    *, application_id: int, citizen: Citizen, session: DbSession, clock: ClockDep
) -> Response:
    """Pay the fee: SIMULATED, no money moves; a receipt number is recorded."""
    service.pay(session=session, clock=clock, applicant=citizen, application_id=application_id)
    return RedirectResponse(f"/applications/{application_id}/fee", status_code=303)


def _summary_page(
    request: Request,
    citizen: Principal,
    session: Session,
    application: Application,
    *,
    errors: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return _wizard(
        request,
        citizen,
        application,
        "summary.html",
        key="summary",
        context={"summary": service.summary_of(session, application), "errors": errors or []},
        status_code=status_code,
    )


@router.get("/applications/{application_id}/summary", response_class=HTMLResponse)
def wizard_summary(
    *, application_id: int, request: Request, citizen: Citizen, session: DbSession
) -> Response:
    """Everything that will be submitted: the form, what the registers filled, files, fee."""
    application = _own(session, citizen, application_id)
    redirect = _editable_or_redirect(application)
    if redirect is not None:
        return redirect
    return _summary_page(request, citizen, session, application)


def _submit_errors(request: Request, refused: NaraError) -> list[tuple[str, str]]:
    lang = language(request)
    fields = refused.extra.get("fields")
    if isinstance(fields, dict) and fields:
        return [
            (f"summary-{name}", f"{name}: {text.get(lang, '')}" if isinstance(text, dict) else name)
            for name, text in fields.items()
        ]
    return [("submit", message_of(request, refused))]


@router.post("/applications/{application_id}/submit", response_class=HTMLResponse)
def wizard_submit(
    *,
    application_id: int,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    issuer: Issuers,
) -> Response:
    """Submit: a review service enters its agency's queue; an auto-issue service is issued at
    once, and its confirmation number and possession key are shown this once."""
    application = _own(session, citizen, application_id)
    try:
        submitted = service.submit(
            session=session,
            clock=clock,
            cipher=cipher,
            applicant=citizen,
            application_id=application.id,
            issuer=issuer,
        )
    except NaraError as refused:
        if application.status not in service.EDITABLE:
            raise
        return _summary_page(
            request,
            citizen,
            session,
            application,
            errors=_submit_errors(request, refused),
            status_code=refused.status,
        )
    civil = catalogue.service_of(application.service_code)
    return render(
        request,
        "portal/services/submitted.html",
        {
            "application": submitted.application,
            "civil": civil,
            "agency": agency_name(civil.agency),
            "possession_key": submitted.possession_key,
            "note": submitted.note,
        },
        principal=citizen,
    )


@router.post("/applications/{application_id}/certificate", response_class=HTMLResponse)
def certificate(
    *,
    application_id: int,
    citizen: Citizen,
    session: DbSession,
    cipher: CipherDep,
    number: Annotated[str, Form(max_length=24)] = "",
    possession_key: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """The signed PDF of the certificate issued for the application, for the holder of its
    number and possession key (as `/api/documents/download`)."""
    application = _own(session, citizen, application_id)
    if application.document_number is None or number != application.document_number:
        raise application_errors.application_unknown()
    issuance, data = documents.file_by_key(
        session, cipher, number=number, possession_key=possession_key
    )
    return Response(
        content=data,
        media_type=documents.PDF_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{issuance.kind}-{issuance.number}.pdf"',
            "Cache-Control": "no-store",
        },
    )


# My applications and the inbox ----------------------------------------------------------------


@router.get("/applications", response_class=HTMLResponse)
def my_applications(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """The citizen's applications, newest first; drafts can be continued."""
    rows, total = repository.of_applicant(
        session, citizen.account_id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    _, _, unread = repository.inbox(
        session, citizen.account_id, unread_only=True, offset=0, limit=1
    )
    items = []
    for row in rows:
        civil = catalogue.service_of(row.service_code)
        first = stages(civil, row.id)[0].path
        items.append({"application": row, "civil": civil, "continue_path": first})
    return render(
        request,
        "portal/services/applications.html",
        {
            "items": items,
            "status_text": service.STATUS_TEXT,
            "unread": unread,
            "page": page,
            "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
        },
        principal=citizen,
    )


def _application_page(
    request: Request,
    citizen: Principal,
    session: Session,
    application: Application,
    *,
    errors: list[tuple[str, str]] | None = None,
    draft: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    civil = catalogue.service_of(application.service_code)
    return render(
        request,
        "portal/services/application.html",
        {
            "application": application,
            "civil": civil,
            "agency": agency_name(civil.agency),
            "status_text": service.STATUS_TEXT,
            "history": repository.history(session, application.id),
            "messages": repository.messages(session, application.id),
            "attachments": repository.attachments(session, application.id),
            "payment": repository.payment(session, application.id),
            "continue_path": stages(civil, application.id)[0].path,
            "attachable": catalogue.ATTACHABLE,
            "errors": errors or [],
            "draft": draft,
        },
        principal=citizen,
        status_code=status_code,
    )


@router.get("/applications/{application_id}", response_class=HTMLResponse)
def my_application(
    *, application_id: int, request: Request, citizen: Citizen, session: DbSession
) -> HTMLResponse:
    """One application: its status history, the thread with the official, its certificate."""
    application = _own(session, citizen, application_id)
    return _application_page(request, citizen, session, application)


@router.post("/applications/{application_id}/messages", response_class=HTMLResponse)
def my_message(
    *,
    application_id: int,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    body: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Write to the official who handles the application."""
    application = _own(session, citizen, application_id)
    try:
        message_in = MessageCreate(body=body.strip())
    except ValidationError:
        text = Message(
            "Write a message of at most 2,000 characters.",
            "메시지를 2,000자 이내로 입력하십시오.",
        )
        return _application_page(
            request,
            citizen,
            session,
            application,
            errors=[("message-body", text.in_language(language(request)))],
            draft=body,
            status_code=422,
        )
    service.post_message(
        session=session, clock=clock, author=citizen, application=application, body=message_in.body
    )
    return RedirectResponse(f"/applications/{application.id}#messages", status_code=303)


@router.get("/inbox", response_class=HTMLResponse)
def inbox(*, request: Request, citizen: Citizen, session: DbSession) -> HTMLResponse:
    """Notifications: unread ones first, then the read ones, newest first in each."""
    unread_rows, _, unread = repository.inbox(
        session, citizen.account_id, unread_only=True, offset=0, limit=INBOX_SIZE
    )
    every, total, _ = repository.inbox(
        session, citizen.account_id, unread_only=False, offset=0, limit=INBOX_SIZE
    )
    read_rows = [row for row in every if row.read_at is not None]
    return render(
        request,
        "portal/services/inbox.html",
        {
            "unread_items": unread_rows,
            "read_items": read_rows,
            "unread": unread,
            "total": total,
        },
        principal=citizen,
    )


@router.post("/inbox/{item_id}/read", response_class=HTMLResponse)
def inbox_read(*, item_id: int, citizen: Citizen, session: DbSession, clock: ClockDep) -> Response:
    """Mark a notification as read."""
    service.mark_read(session=session, clock=clock, citizen=citizen, item_id=item_id)
    return RedirectResponse("/inbox", status_code=303)
