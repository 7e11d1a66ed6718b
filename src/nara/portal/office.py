"""The back office (업무 처리): officials' work queues, applications and decisions.

Officials sign in with two factors (`/signin`). `/office` lists the agencies whose queue the
official may read (his permissions `<agency>:applications:read`) with the count of
applications per status. For each agency that decides a civil service there are pages under
`/office/<agency>`: the work queue (filtered by status, paged, applicants' names masked), an
application (its summary, attachments, fee receipt, status history and message thread) with
the reply form and, for officials holding `<agency>:applications:decide`, the decision forms.
Every page calls the applications service (`nara.applications.service`) as its JSON API does;
decisions, messages and attachment downloads are recorded in the identity audit trail there.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from nara.applications import catalogue, repository, service
from nara.applications.models import Application
from nara.applications.routes import get_issuer_factory
from nara.applications.schemas import DecisionCreate
from nara.core.errors import Forbidden, Message, NaraError
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.identity.access import Principal, require_official, require_signed_in
from nara.lifeevents.service import attention_steps
from nara.portal.registries import REGISTRIES
from nara.portal.rendering import PortalRoute, language, message_of, render

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

SignedIn = Annotated[Principal, Depends(require_signed_in())]
Page = Annotated[int, Query(ge=1, le=10_000)]

PAGE_SIZE = 20
QUEUE_STATUSES = ("submitted", "sent_back", "approved", "rejected", "completed")
"""The statuses a work queue is filtered by; `submitted` (awaiting a decision) first."""
DONE = frozenset({*service.DECISIONS, "message"})
REASON_FIELDS = {"reject": "reject-reason", "send_back": "send-back-reason"}
"""The id of the reason field of each decision form that needs one."""


def officials_only() -> Forbidden:
    return Forbidden(
        "official_only",
        Message(
            "Only officials may use the back office.",
            "업무 처리 화면은 공무원만 이용할 수 있습니다.",
        ),
    )


def mask_name(name: str) -> str:
    """A name as Korean systems show it to third parties: its middle hidden (홍*동, 김*,
    남**수)."""
    text = "".join(name.split())
    if len(text) <= 1:
        return "*" if text else ""
    if len(text) == 2:
        return f"{text[0]}*"
    return f"{text[0]}{'*' * (len(text) - 2)}{text[-1]}"


def readable_agencies(principal: Principal) -> list[str]:
    """The agencies whose work queue the official may read."""
    return [a for a in catalogue.agencies() if principal.may(f"{a}:applications:read")]


def agency_name(agency: str, lang: str) -> str:
    for card in REGISTRIES:
        if card.slug == agency:
            return card.name_ko if lang == "ko" else card.name_en
    return agency


def status_text(status: str, lang: str) -> str:
    text = service.STATUS_TEXT.get(status)
    return text.in_language(lang) if text else status


def _count(session: Session, agency: str, status: str) -> int:
    _, total = repository.queue(session, agency, (status,), offset=0, limit=1)
    return total


@router.get("/office", response_class=HTMLResponse)
def office_home(*, request: Request, principal: SignedIn, session: DbSession) -> HTMLResponse:
    """The agencies whose queue the signed-in official reads, with counts per status."""
    if principal.kind != "official":
        raise officials_only()
    lang = language(request)
    agencies = [
        {
            "code": agency,
            "name": agency_name(agency, lang),
            "counts": [
                (status, status_text(status, lang), _count(session, agency, status))
                for status in QUEUE_STATUSES
            ],
        }
        for agency in readable_agencies(principal)
    ]
    attention = (
        len(attention_steps(session, principal.agency))
        if principal.agency and principal.may(f"{principal.agency}:applications:read")
        else None
    )
    return render(
        request,
        "portal/office/home.html",
        {"agencies": agencies, "statuses": QUEUE_STATUSES, "attention": attention},
        principal=principal,
    )


# One set of pages per agency that decides services --------------------------------------------


def _queue_row(application: Application, lang: str) -> dict[str, Any]:
    civil = catalogue.service_of(application.service_code)
    return {
        "id": application.id,
        "number": application.number,
        "service": civil.name.in_language(lang),
        "applicant": mask_name(str(application.fields.get("name_ko", ""))),
        "submitted_at": application.submitted_at,
        "status": application.status,
        "status_text": status_text(application.status, lang),
    }


def _fields(summary: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    steps = []
    for step in summary.get("steps", []):
        steps.append(
            {
                "title": step.get(f"title_{lang}") or step.get("title_en", ""),
                "fields": [
                    {
                        "name": item.get("name", ""),
                        "label": item.get(f"label_{lang}") or item.get("label_en", ""),
                        "value": item.get("value"),
                        "from_register": item.get("from_register"),
                    }
                    for item in step.get("fields", [])
                ],
            }
        )
    return steps


def _detail_page(
    request: Request,
    *,
    session: Session,
    principal: Principal,
    agency: str,
    application: Application,
    errors: list[tuple[str, str]] | None = None,
    values: dict[str, str] | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = language(request)
    civil = catalogue.service_of(application.service_code)
    summary = application.summary or service.summary_of(session, application)
    history = [
        {
            "from": status_text(row.from_status, lang) if row.from_status else "",
            "to": status_text(row.to_status, lang),
            "reason": row.reason,
            "actor": row.actor,
            "changed_at": row.changed_at,
        }
        for row in repository.history(session, application.id)
    ]
    return render(
        request,
        "portal/office/application.html",
        {
            "agency": agency,
            "agency_name": agency_name(agency, lang),
            "base": f"/office/{agency}/applications/{application.id}",
            "application": application,
            "service_name": civil.name.in_language(lang),
            "status_text": status_text(application.status, lang),
            "steps": _fields(summary, lang),
            "attachments": repository.attachments(session, application.id),
            "kind_names": {k: m.in_language(lang) for k, m in catalogue.ATTACHABLE.items()},
            "payment": repository.payment(session, application.id),
            "fee_won": civil.fee_won,
            "history": history,
            "messages": repository.messages(session, application.id),
            "can_decide": principal.may(f"{agency}:applications:decide")
            and "approved" in service.TRANSITIONS[application.status],
            "issues_on_approval": civil.approval_issuance_available,
            "errors": errors or [],
            "error_of": dict(errors or []),
            "values": values or {},
            "done": done if done in DONE else None,
        },
        status_code=status_code,
        principal=principal,
    )


def _text(request: Request, message: Message) -> str:
    return message.in_language(language(request))


def _office_pages(agency: str) -> None:
    # Defaults, not local `Annotated` aliases: the annotations of these nested functions are
    # strings FastAPI resolves in the module's namespace, where a local alias does not exist.
    reader = Depends(require_official(f"{agency}:applications:read"))
    decider = Depends(require_official(f"{agency}:applications:decide"))
    issuer_factory = Depends(get_issuer_factory)
    base = f"/office/{agency}"

    @router.get(base, response_class=HTMLResponse, name=f"office_{agency}_queue")
    def queue_page(
        *,
        request: Request,
        official: Principal = reader,
        session: DbSession,
        page: Page = 1,
        status: Annotated[str, Query(max_length=20)] = "submitted",
    ) -> HTMLResponse:
        """The agency's work queue, oldest submission first."""
        lang = language(request)
        chosen = status if status in QUEUE_STATUSES else "submitted"
        rows, total = repository.queue(
            session, agency, (chosen,), offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
        return render(
            request,
            "portal/office/queue.html",
            {
                "agency": agency,
                "agency_name": agency_name(agency, lang),
                "status": chosen,
                "statuses": [(s, status_text(s, lang)) for s in QUEUE_STATUSES],
                "rows": [_queue_row(row, lang) for row in rows],
                "total": total,
                "page": page,
                "pages": max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
            },
            principal=official,
        )

    @router.get(
        f"{base}/applications/{{application_id}}",
        response_class=HTMLResponse,
        name=f"office_{agency}_application",
    )
    def application_page(
        *,
        application_id: int,
        request: Request,
        official: Principal = reader,
        session: DbSession,
        done: Annotated[str | None, Query(max_length=20)] = None,
    ) -> HTMLResponse:
        """An application of the agency's queue, its thread and the decision forms."""
        application = service.official_application(
            session, official=official, application_id=application_id
        )
        return _detail_page(
            request,
            session=session,
            principal=official,
            agency=agency,
            application=application,
            done=done,
        )

    @router.post(
        f"{base}/applications/{{application_id}}/decision",
        response_class=HTMLResponse,
        name=f"office_{agency}_decide",
    )
    def decide(
        *,
        application_id: int,
        request: Request,
        official: Principal = decider,
        session: DbSession,
        clock: ClockDep,
        cipher: CipherDep,
        issuer: service.IssuerFactory = issuer_factory,
        decision: Annotated[str, Form(max_length=20)] = "",
        reason: Annotated[str, Form(max_length=1000)] = "",
    ) -> Response:
        """Approve, reject (with a reason) or send back (with a reason), then back to the
        application with a notice."""
        if decision not in service.DECISIONS:
            application = service.official_application(
                session, official=official, application_id=application_id
            )
            problem = Message("Choose a decision.", "처리 방법을 선택해 주십시오.")
            return _detail_page(
                request,
                session=session,
                principal=official,
                agency=agency,
                application=application,
                errors=[("decision-approve", _text(request, problem))],
                status_code=422,
            )
        try:
            service.decide(
                session=session,
                clock=clock,
                cipher=cipher,
                official=official,
                application_id=application_id,
                decision_in=DecisionCreate.model_validate({"decision": decision, "reason": reason}),
                issuer=issuer,
            )
        except NaraError as refusal:
            if refusal.code != "reason_required":
                raise
            application = service.official_application(
                session, official=official, application_id=application_id
            )
            return _detail_page(
                request,
                session=session,
                principal=official,
                agency=agency,
                application=application,
                errors=[(REASON_FIELDS[decision], message_of(request, refusal))],
                values={"decision": decision},
                status_code=refusal.status,
            )
        return RedirectResponse(
            f"{base}/applications/{application_id}?done={decision}#notice", status_code=303
        )

    @router.post(
        f"{base}/applications/{{application_id}}/messages",
        response_class=HTMLResponse,
        name=f"office_{agency}_message",
    )
    def message(
        *,
        application_id: int,
        request: Request,
        official: Principal = reader,
        session: DbSession,
        clock: ClockDep,
        body: Annotated[str, Form(max_length=2000)] = "",
    ) -> Response:
        """Write to the applicant (he is notified in his inbox)."""
        application = service.official_application(
            session, official=official, application_id=application_id
        )
        if not body.strip():
            problem = Message("Write a message.", "메시지를 입력해 주십시오.")
            return _detail_page(
                request,
                session=session,
                principal=official,
                agency=agency,
                application=application,
                errors=[("message-body", _text(request, problem))],
                status_code=422,
            )
        service.post_message(
            session=session, clock=clock, author=official, application=application, body=body
        )
        return RedirectResponse(
            f"{base}/applications/{application_id}?done=message#notice", status_code=303
        )

    @router.get(
        f"{base}/applications/{{application_id}}/attachments/{{attachment_id}}",
        response_class=HTMLResponse,
        name=f"office_{agency}_attachment",
    )
    def attachment(
        *,
        application_id: int,
        attachment_id: int,
        official: Principal = reader,
        session: DbSession,
        clock: ClockDep,
    ) -> Response:
        """An attachment of the application, as the applicant uploaded it (the reading is
        audited)."""
        found = service.official_attachment(
            session=session,
            clock=clock,
            official=official,
            application_id=application_id,
            attachment_id=attachment_id,
        )
        return Response(
            content=found.data,
            media_type=found.media_type,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
                "Cache-Control": "no-store",
            },
        )


for _agency in catalogue.agencies():
    _office_pages(_agency)
