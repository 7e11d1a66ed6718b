"""The JSON API of the single window's civil services under `/api/applications`.

Citizens (signed in, `require_citizen`): drafts, the wizard's steps, attachments, the fee,
submission, their applications, messages and inbox. Officials (`require_official`): each
agency's work queue under `/office/<agency>/...`, decisions and messages. The catalogue is
public.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy.orm import Session

from nara.applications import catalogue, repository, service
from nara.applications.models import Application, ApplicationMessage, InboxItem
from nara.applications.schemas import (
    ApplicationPage,
    ApplicationRead,
    AttachmentRead,
    CataloguePage,
    DecisionCreate,
    DraftCreate,
    DraftRead,
    FieldsUpdate,
    InboxItemRead,
    InboxPage,
    MessageCreate,
    MessageRead,
    PaymentRead,
    ServiceBrief,
    ServiceRead,
    StatusChangeRead,
    SubmittedRead,
    SummaryRead,
    Text,
    ValidationRead,
)
from nara.core.access import public
from nara.core.pagination import PageParams, page_params
from nara.core.web import CipherDep, ClockDep, DbSession
from nara.documents.routes import get_issuer
from nara.documents.service import Issuer
from nara.exchange import ExchangeDep
from nara.identity import Principal, require_citizen, require_official

router = APIRouter(prefix="/api/applications", tags=["applications"])

Citizen = Annotated[Principal, Depends(require_citizen())]
Paging = Annotated[PageParams, Depends(page_params)]
CATALOGUE = "the catalogue of civil services is public information"


def application_read(session: Session, application: Application) -> ApplicationRead:
    civil = catalogue.service_of(application.service_code)
    payment = repository.payment(session, application.id)
    return ApplicationRead(
        id=application.id,
        number=application.number,
        service_code=application.service_code,
        service_name=Text.of(civil.name),
        agency=application.agency,
        status=application.status,
        fields=application.fields,
        prefilled=application.prefilled,
        summary=application.summary,
        document_number=application.document_number,
        decision_reason=application.decision_reason,
        created_at=application.created_at,
        updated_at=application.updated_at,
        submitted_at=application.submitted_at,
        decided_at=application.decided_at,
        attachments=[
            AttachmentRead.model_validate(a, from_attributes=True)
            for a in repository.attachments(session, application.id)
        ],
        payment=PaymentRead.model_validate(payment, from_attributes=True) if payment else None,
        fee_won=civil.fee_won,
    )


def message_read(message: ApplicationMessage) -> MessageRead:
    return MessageRead.model_validate(message, from_attributes=True)


def inbox_read(item: InboxItem) -> InboxItemRead:
    return InboxItemRead(
        id=item.id,
        application_id=item.application_id,
        kind=item.kind,
        subject=item.subject,
        body=item.body,
        created_at=item.created_at,
        read=item.read_at is not None,
    )


def get_issuer_factory(request: Request) -> service.IssuerFactory:
    """Builds the documents issuer only when an auto-issue submission needs it."""

    def make() -> Issuer:
        state = request.app.state
        return get_issuer(state.exchange, state.keystore, state.settings, state.clock)

    return make


# The catalogue (public) -------------------------------------------------------------------------


@router.get("/catalogue", response_model=CataloguePage, dependencies=[Depends(public(CATALOGUE))])
def list_catalogue(q: Annotated[str, Query(max_length=100)] = "") -> CataloguePage:
    """Civil services matching `q` (Korean or English words), or all of them."""
    return CataloguePage(
        query=q,
        items=[
            ServiceBrief(
                code=s.code,
                name=Text.of(s.name),
                description=Text.of(s.description),
                agency=s.agency,
                outcome=s.outcome,
                fee_won=s.fee_won,
            )
            for s in catalogue.search(q)
        ],
    )


@router.get(
    "/catalogue/{code}", response_model=ServiceRead, dependencies=[Depends(public(CATALOGUE))]
)
def read_service(code: str) -> ServiceRead:
    """A civil service with its guide, form, prefill, documents and fee."""
    return ServiceRead.of(catalogue.service_of(code))


# The applicant ----------------------------------------------------------------------------------


@router.post("/drafts", status_code=status.HTTP_201_CREATED, response_model=DraftRead)
def create_draft(
    *,
    draft_in: DraftCreate,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> DraftRead:
    """Start an application; the form is filled from the registries through the exchange."""
    application, notes = service.create_draft(
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        applicant=citizen,
        draft_in=draft_in,
    )
    read = application_read(session, application)
    return DraftRead(**read.model_dump(), prefill_notes=[Text.of(n) for n in notes])


@router.get("/mine", response_model=ApplicationPage)
def my_applications(*, citizen: Citizen, session: DbSession, paging: Paging) -> ApplicationPage:
    """The citizen's applications, newest first."""
    rows, total = repository.of_applicant(
        session, citizen.account_id, offset=paging.offset, limit=paging.size
    )
    return ApplicationPage(
        items=[application_read(session, row) for row in rows],
        total=total,
        page=paging.page,
        size=paging.size,
    )


@router.get("/mine/{application_id}", response_model=ApplicationRead)
def my_application(*, application_id: int, citizen: Citizen, session: DbSession) -> ApplicationRead:
    application = service.citizen_application(
        session, applicant=citizen, application_id=application_id
    )
    return application_read(session, application)


@router.patch("/mine/{application_id}", response_model=ApplicationRead)
def update_fields(
    *,
    application_id: int,
    update_in: FieldsUpdate,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
) -> ApplicationRead:
    """Set form values of a draft (or of an application sent back)."""
    application = service.update_fields(
        session=session,
        clock=clock,
        applicant=citizen,
        application_id=application_id,
        update_in=update_in,
    )
    return application_read(session, application)


@router.post("/mine/{application_id}/prefill", response_model=DraftRead)
def refill(
    *,
    application_id: int,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> DraftRead:
    """Fill the form from the registries again."""
    application, notes = service.refill(
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        applicant=citizen,
        application_id=application_id,
    )
    read = application_read(session, application)
    return DraftRead(**read.model_dump(), prefill_notes=[Text.of(n) for n in notes])


@router.post("/mine/{application_id}/steps/{step}/validate", response_model=ValidationRead)
def validate_step(
    *, application_id: int, step: str, citizen: Citizen, session: DbSession, clock: ClockDep
) -> ValidationRead:
    """Check one step of the form: 422 `field_invalid` with a message per field."""
    service.validate_step(
        session=session, clock=clock, applicant=citizen, application_id=application_id, step=step
    )
    return ValidationRead(step=step)


@router.post(
    "/mine/{application_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=AttachmentRead,
)
async def attach(
    *,
    application_id: int,
    request: Request,
    kind: Annotated[str, Query(max_length=32)],
    filename: Annotated[str, Query(max_length=200)] = "attachment",
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
) -> AttachmentRead:
    """Attach a file (the request body, at most 2 MiB; PDF, PNG or JPEG by its content)."""
    data = await request.body()
    attachment = service.attach(
        session=session,
        clock=clock,
        applicant=citizen,
        application_id=application_id,
        kind=kind,
        filename=filename,
        data=data,
    )
    return AttachmentRead.model_validate(attachment, from_attributes=True)


@router.post(
    "/mine/{application_id}/payment",
    status_code=status.HTTP_201_CREATED,
    response_model=PaymentRead,
)
def pay(
    *, application_id: int, citizen: Citizen, session: DbSession, clock: ClockDep
) -> PaymentRead:
    """Pay the fee. SIMULATED: no money is charged; a receipt number is recorded."""
    payment = service.pay(
        session=session, clock=clock, applicant=citizen, application_id=application_id
    )
    return PaymentRead.model_validate(payment, from_attributes=True)


@router.get("/mine/{application_id}/summary", response_model=SummaryRead)
def summary(*, application_id: int, citizen: Citizen, session: DbSession) -> SummaryRead:
    """What will be submitted (or, once submitted, the snapshot kept)."""
    application = service.citizen_application(
        session, applicant=citizen, application_id=application_id
    )
    return SummaryRead(summary=application.summary or service.summary_of(session, application))


@router.post("/mine/{application_id}/submit", response_model=SubmittedRead)
def submit(
    *,
    application_id: int,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    issuer: Annotated[service.IssuerFactory, Depends(get_issuer_factory)],
) -> SubmittedRead:
    """Submit the application; an auto-issue service answers with the issued document."""
    submitted = service.submit(
        session=session,
        clock=clock,
        cipher=cipher,
        applicant=citizen,
        application_id=application_id,
        issuer=issuer,
    )
    read = application_read(session, submitted.application)
    return SubmittedRead(
        **read.model_dump(),
        possession_key=submitted.possession_key,
        note=Text.of(submitted.note) if submitted.note else None,
    )


@router.get("/mine/{application_id}/history", response_model=list[StatusChangeRead])
def my_history(
    *, application_id: int, citizen: Citizen, session: DbSession
) -> list[StatusChangeRead]:
    application = service.citizen_application(
        session, applicant=citizen, application_id=application_id
    )
    return [
        StatusChangeRead.model_validate(row, from_attributes=True)
        for row in repository.history(session, application.id)
    ]


@router.get("/mine/{application_id}/messages", response_model=list[MessageRead])
def my_messages(*, application_id: int, citizen: Citizen, session: DbSession) -> list[MessageRead]:
    application = service.citizen_application(
        session, applicant=citizen, application_id=application_id
    )
    return [message_read(m) for m in repository.messages(session, application.id)]


@router.post(
    "/mine/{application_id}/messages",
    status_code=status.HTTP_201_CREATED,
    response_model=MessageRead,
)
def my_message(
    *,
    application_id: int,
    message_in: MessageCreate,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
) -> MessageRead:
    application = service.citizen_application(
        session, applicant=citizen, application_id=application_id
    )
    message = service.post_message(
        session=session, clock=clock, author=citizen, application=application, body=message_in.body
    )
    return message_read(message)


@router.get("/inbox", response_model=InboxPage)
def inbox(
    *,
    citizen: Citizen,
    session: DbSession,
    paging: Paging,
    unread: Annotated[bool, Query(description="Only unread notifications.")] = False,
) -> InboxPage:
    """The citizen's notifications, newest first, with the count of unread ones."""
    rows, total, unread_count = repository.inbox(
        session, citizen.account_id, unread_only=unread, offset=paging.offset, limit=paging.size
    )
    return InboxPage(
        items=[inbox_read(row) for row in rows],
        total=total,
        unread=unread_count,
        page=paging.page,
        size=paging.size,
    )


@router.post("/inbox/{item_id}/read", response_model=InboxItemRead)
def mark_read(
    *, item_id: int, citizen: Citizen, session: DbSession, clock: ClockDep
) -> InboxItemRead:
    return inbox_read(
        service.mark_read(session=session, clock=clock, citizen=citizen, item_id=item_id)
    )


# The back office: one set of routes per agency that decides services ----------------------------


def _office_routes(agency: str) -> None:
    # Defaults, not local `Annotated` aliases: the annotations of these nested functions are
    # strings FastAPI resolves in the module's namespace, where a local alias does not exist.
    reader = Depends(require_official(f"{agency}:applications:read"))
    decider = Depends(require_official(f"{agency}:applications:decide"))
    issuer_factory = Depends(get_issuer_factory)
    base = f"/office/{agency}"

    @router.get(f"{base}/queue", response_model=ApplicationPage, name=f"{agency}_queue")
    def queue(
        *,
        official: Principal = reader,
        session: DbSession,
        paging: Paging,
        state: Annotated[
            str,
            Query(
                alias="status", pattern="^(submitted|sent_back|approved|rejected|completed|open)$"
            ),
        ] = "submitted",
    ) -> ApplicationPage:
        """The agency's work queue, oldest submission first (`status=open`: submitted and
        sent back)."""
        statuses = ("submitted", "sent_back") if state == "open" else (state,)
        rows, total = repository.queue(
            session, agency, statuses, offset=paging.offset, limit=paging.size
        )
        return ApplicationPage(
            items=[application_read(session, row) for row in rows],
            total=total,
            page=paging.page,
            size=paging.size,
        )

    @router.get(
        f"{base}/applications/{{application_id}}",
        response_model=ApplicationRead,
        name=f"{agency}_application",
    )
    def read(
        *, application_id: int, official: Principal = reader, session: DbSession
    ) -> ApplicationRead:
        application = service.official_application(
            session, official=official, application_id=application_id
        )
        return application_read(session, application)

    @router.get(
        f"{base}/applications/{{application_id}}/history",
        response_model=list[StatusChangeRead],
        name=f"{agency}_history",
    )
    def history(
        *,
        application_id: int,
        official: Principal = reader,
        session: DbSession,
    ) -> list[StatusChangeRead]:
        application = service.official_application(
            session, official=official, application_id=application_id
        )
        return [
            StatusChangeRead.model_validate(row, from_attributes=True)
            for row in repository.history(session, application.id)
        ]

    @router.get(
        f"{base}/applications/{{application_id}}/attachments/{{attachment_id}}",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}, "image/png": {}, "image/jpeg": {}}}},
        name=f"{agency}_attachment",
    )
    def attachment(
        *,
        application_id: int,
        attachment_id: int,
        official: Principal = reader,
        session: DbSession,
        clock: ClockDep,
    ) -> Response:
        """An attachment as the applicant uploaded it; the reading is audited."""
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

    @router.post(
        f"{base}/applications/{{application_id}}/decision",
        response_model=ApplicationRead,
        name=f"{agency}_decide",
    )
    def decide(
        *,
        application_id: int,
        decision_in: DecisionCreate,
        official: Principal = decider,
        session: DbSession,
        clock: ClockDep,
        cipher: CipherDep,
        issuer: service.IssuerFactory = issuer_factory,
    ) -> ApplicationRead:
        """Approve, reject or send back (the last two need a reason). Approving a service
        that issues a certificate on approval issues it to the applicant (his wallet)."""
        application = service.decide(
            session=session,
            clock=clock,
            cipher=cipher,
            official=official,
            application_id=application_id,
            decision_in=decision_in,
            issuer=issuer,
        )
        return application_read(session, application)

    @router.get(
        f"{base}/applications/{{application_id}}/messages",
        response_model=list[MessageRead],
        name=f"{agency}_messages",
    )
    def messages(
        *,
        application_id: int,
        official: Principal = reader,
        session: DbSession,
    ) -> list[MessageRead]:
        application = service.official_application(
            session, official=official, application_id=application_id
        )
        return [message_read(m) for m in repository.messages(session, application.id)]

    @router.post(
        f"{base}/applications/{{application_id}}/messages",
        status_code=status.HTTP_201_CREATED,
        response_model=MessageRead,
        name=f"{agency}_message",
    )
    def message(
        *,
        application_id: int,
        message_in: MessageCreate,
        official: Principal = reader,
        session: DbSession,
        clock: ClockDep,
    ) -> MessageRead:
        application = service.official_application(
            session, official=official, application_id=application_id
        )
        posted = service.post_message(
            session=session,
            clock=clock,
            author=official,
            application=application,
            body=message_in.body,
        )
        return message_read(posted)


for _agency in catalogue.agencies():
    _office_routes(_agency)
