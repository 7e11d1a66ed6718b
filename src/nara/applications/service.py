"""The rules of applications: drafts, validation, prefill, attachments, fee, submission,
decisions, messages and notifications.

Every function takes keyword-only arguments, never commits, and appends a change row (with
its outbox event) for each write. Status changes always go through `_transition`, which
enforces the allowed transitions, writes the status history and the applicant's inbox.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from nara.applications import errors, repository
from nara.applications.catalogue import (
    CivilService,
    Field,
    Prefill,
    service_of,
)
from nara.applications.models import (
    Application,
    ApplicationMessage,
    ApplicationsChange,
    Attachment,
    InboxItem,
    Payment,
    StatusChange,
)
from nara.applications.registers import READERS
from nara.applications.schemas import DecisionCreate, DraftCreate, FieldsUpdate
from nara.core.clock import Clock, today
from nara.core.errors import Message, NaraError, NotFound
from nara.core.history import record_change
from nara.core.identifiers import Brn
from nara.core.pii import PiiCipher
from nara.documents.schemas import IssueCreate
from nara.documents.service import Issued, Issuer, issue_document
from nara.exchange import CallContext, Exchange
from nara.identity import Principal, audit_action

CLIENT = "gov24"
"""The exchange subsystem the single window reads the registries as."""

EDITABLE = frozenset({"draft", "sent_back"})
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted"}),
    "sent_back": frozenset({"submitted"}),
    "submitted": frozenset({"approved", "rejected", "sent_back", "completed"}),
    "approved": frozenset(),
    "rejected": frozenset(),
    "completed": frozenset(),
}
"""Allowed status changes; anything else is `transition_invalid` (409)."""

DECISIONS = {"approve": "approved", "reject": "rejected", "send_back": "sent_back"}
STATUS_TEXT: dict[str, Message] = {
    "draft": Message("draft", "작성 중"),
    "submitted": Message("received", "접수"),
    "sent_back": Message("sent back for completion", "보완 요청"),
    "approved": Message("approved", "승인"),
    "rejected": Message("rejected", "반려"),
    "completed": Message("completed", "처리 완료"),
}

MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
ACCEPTED_TYPES: dict[str, tuple[str, ...]] = {
    "photo": ("image/jpeg", "image/png"),
    "signed_statement": ("application/pdf", "image/jpeg", "image/png"),
    "foreign_document": ("application/pdf", "image/jpeg", "image/png"),
}

_PHONE = re.compile(r"^01[016789]-?\d{3,4}-?\d{4}$")
_POSTCODE = re.compile(r"^\d{5}$")

IssuerFactory = Callable[[], Issuer]


# Reading --------------------------------------------------------------------------------------


def citizen_application(
    session: Session, *, applicant: Principal, application_id: int
) -> Application:
    """The applicant's own application; 404 for anyone else's (its existence is not revealed)."""
    application = repository.application(session, application_id)
    if application is None or application.applicant_account_id != applicant.account_id:
        raise errors.application_unknown()
    return application


def official_application(
    session: Session, *, official: Principal, application_id: int
) -> Application:
    """An application in the official's agency's queue (never a draft); 404 otherwise."""
    application = repository.application(session, application_id)
    if (
        application is None
        or application.agency != official.agency
        or application.status == "draft"
    ):
        raise errors.application_unknown()
    return application


# Drafts ---------------------------------------------------------------------------------------


def _new_number(session: Session, clock: Clock) -> str:
    while True:
        number = f"{today(clock):%Y%m%d}-{secrets.randbelow(10**8):08d}"
        if not repository.number_taken(session, number):
            return number


def _change(  # noqa: PLR0917  (private helper, called positionally)
    session: Session,
    clock: Clock,
    application: Application,
    action: str,
    actor: str,
    event_type: str,
    **data: Any,
) -> None:
    record_change(
        session,
        clock,
        ApplicationsChange,
        entity="application",
        entity_id=application.id,
        action=action,
        data={
            "number": application.number,
            "service_code": application.service_code,
            "agency": application.agency,
            "status": application.status,
            "applicant_account_id": application.applicant_account_id,
            **data,
        },
        actor=actor,
        event_type=event_type,
    )


def create_draft(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    exchange: Exchange | None,
    applicant: Principal,
    draft_in: DraftCreate,
) -> tuple[Application, list[Message]]:
    """Start an application for a civil service, its form filled from the registries.

    Returns the draft and a note for each registry that could not fill it (the applicant
    then types those fields).
    """
    service = service_of(draft_in.service_code)
    person_id = _person_of(applicant)
    now = clock.now()
    application = Application(
        number=_new_number(session, clock),
        service_code=service.code,
        agency=service.agency,
        applicant_account_id=applicant.account_id,
        applicant_person_id=person_id,
        status="draft",
        fields={},
        prefilled={},
        summary=None,
        created_at=now,
        updated_at=now,
    )
    session.add(application)
    session.flush()
    _history(session, clock, application, None, "draft", None, applicant.actor)
    notes: list[Message] = []
    if exchange is not None:
        notes = _prefill(
            session=session,
            clock=clock,
            cipher=cipher,
            exchange=exchange,
            application=application,
            service=service,
            applicant=applicant,
        )
    _change(
        session,
        clock,
        application,
        "created",
        applicant.actor,
        "application.created",
        prefilled=sorted(application.prefilled),
    )
    session.flush()
    return application, notes


def _person_of(applicant: Principal) -> int:
    if applicant.person_id is None:  # every citizen account is bound to a resident
        raise errors.application_unknown()
    return applicant.person_id


def _prefill(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    exchange: Exchange,
    application: Application,
    service: CivilService,
    applicant: Principal,
) -> list[Message]:
    fields = dict(application.fields)
    prefilled = dict(application.prefilled)
    notes: list[Message] = []
    for prefill in service.prefill:
        try:
            values = read_prefill(
                session=session,
                clock=clock,
                cipher=cipher,
                exchange=exchange,
                prefill=prefill,
                person_id=application.applicant_person_id,
                user_id=applicant.actor,
                case=application.number,
            )
        except NaraError as refused:
            notes.append(
                Message(
                    f"{prefill.service} could not fill the form ({refused.code}).",
                    f"{prefill.service}에서 서식을 채우지 못했습니다 ({refused.code}).",
                )
            )
            continue
        for name, value in values.items():
            fields[name] = value
            prefilled[name] = prefill.service
    application.fields = fields
    application.prefilled = prefilled
    return notes


def read_prefill(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    exchange: Exchange,
    prefill: Prefill,
    person_id: int,
    user_id: str,
    case: str = "",
) -> dict[str, str]:
    """The form values `prefill` reads about `person_id` through the exchange (as `gov24`)."""
    context = CallContext(
        session=session,
        clock=clock,
        cipher=cipher,
        client=CLIENT,
        purpose=prefill.purpose,
        user_id=user_id,
        case=case,
    )
    facts = READERS[prefill.service](exchange, context, person_id, today(clock))
    return {
        target: facts[source] for target, source in prefill.mapping.items() if facts.get(source)
    }


def refill(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    exchange: Exchange,
    applicant: Principal,
    application_id: int,
) -> tuple[Application, list[Message]]:
    """Fill the draft from the registries again (after a right was granted, or a correction)."""
    application = citizen_application(session, applicant=applicant, application_id=application_id)
    _ensure_editable(application)
    service = service_of(application.service_code)
    notes = _prefill(
        session=session,
        clock=clock,
        cipher=cipher,
        exchange=exchange,
        application=application,
        service=service,
        applicant=applicant,
    )
    application.updated_at = clock.now()
    _change(
        session,
        clock,
        application,
        "prefilled",
        applicant.actor,
        "application.updated",
        prefilled=sorted(application.prefilled),
    )
    session.flush()
    return application, notes


def _ensure_editable(application: Application) -> None:
    if application.status not in EDITABLE:
        raise errors.not_editable(application.status)


def update_fields(
    *,
    session: Session,
    clock: Clock,
    applicant: Principal,
    application_id: int,
    update_in: FieldsUpdate,
) -> Application:
    """Set form values of a draft (or of an application sent back). Values are checked when a
    step is validated and at submission; fields filled from a register cannot be changed."""
    application = citizen_application(session, applicant=applicant, application_id=application_id)
    _ensure_editable(application)
    service = service_of(application.service_code)
    fields = dict(application.fields)
    for name, value in update_in.fields.items():
        if service.field_named(name) is None:
            raise errors.field_unknown(name)
        if name in application.prefilled:
            if value is not None and str(value).strip() == str(fields.get(name, "")):
                continue
            raise errors.field_prefilled(name)
        text = "" if value is None else str(value).strip()
        if text:
            fields[name] = text
        else:
            fields.pop(name, None)
    application.fields = fields
    application.updated_at = clock.now()
    _change(
        session,
        clock,
        application,
        "fields_updated",
        applicant.actor,
        "application.updated",
        fields=sorted(update_in.fields),
    )
    session.flush()
    return application


# Validation -----------------------------------------------------------------------------------


def _date_error(item: Field, value: str, on: dt.date) -> Message | None:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return Message("Enter a date as YYYY-MM-DD.", "날짜를 YYYY-MM-DD 형식으로 입력하십시오.")
    if day > on:
        return Message("The date cannot be in the future.", "미래의 날짜는 입력할 수 없습니다.")
    return None


def _choice_error(item: Field, value: str, on: dt.date) -> Message | None:
    if value in {choice for choice, _ in item.choices}:
        return None
    return Message("Choose one of the options.", "선택지 중 하나를 고르십시오.")


def _number_error(item: Field, value: str, on: dt.date) -> Message | None:
    if not re.fullmatch(r"-?\d+", value):
        return Message("Enter a whole number.", "정수를 입력하십시오.")
    number = int(value)
    too_small = item.minimum is not None and number < item.minimum
    too_large = item.maximum is not None and number > item.maximum
    if too_small or too_large:
        return Message("The number is out of range.", "허용 범위를 벗어난 값입니다.")
    return None


def _phone_error(item: Field, value: str, on: dt.date) -> Message | None:
    if _PHONE.fullmatch(value):
        return None
    return Message(
        "Enter a mobile number such as 010-1234-5678.",
        "010-1234-5678 형식의 휴대전화 번호를 입력하십시오.",
    )


def _postcode_error(item: Field, value: str, on: dt.date) -> Message | None:
    if _POSTCODE.fullmatch(value):
        return None
    return Message("A postcode has five digits.", "우편번호는 5자리 숫자입니다.")


def _brn_error(item: Field, value: str, on: dt.date) -> Message | None:
    try:
        Brn.parse(value)
    except NaraError as bad:
        return bad.message
    return None


_TYPE_CHECKS: dict[str, Callable[[Field, str, dt.date], Message | None]] = {
    "date": _date_error,
    "choice": _choice_error,
    "number": _number_error,
    "phone": _phone_error,
    "postcode": _postcode_error,
    "brn": _brn_error,
}


def field_error(item: Field, value: str | None, *, on: dt.date) -> Message | None:
    """Why `value` does not fit `item`, or None when it does."""
    if value is None or value == "":
        return Message("This field is required.", "필수 항목입니다.") if item.required else None
    if len(value) > item.max_length:
        return Message(f"At most {item.max_length} characters.", f"최대 {item.max_length}자입니다.")
    check = _TYPE_CHECKS.get(item.type)
    problem = check(item, value, on) if check else None
    if problem is None and item.pattern and not re.fullmatch(item.pattern, value):
        problem = (
            Message(
                f"The value is not in the expected form ({item.hint.en}).",
                f"입력 형식이 올바르지 않습니다({item.hint.ko}).",
            )
            if item.hint
            else Message("The value is not in the expected form.", "입력 형식이 올바르지 않습니다.")
        )
    return problem


def step_errors(
    service: CivilService, fields: dict[str, Any], step: str | None, *, on: dt.date
) -> dict[str, Message]:
    """Field → what is wrong, for one step (or every step when `step` is None)."""
    steps = service.steps
    if step is not None:
        steps = tuple(s for s in service.steps if s.code == step)
        if not steps:
            raise errors.step_unknown(step)
    found: dict[str, Message] = {}
    for each in steps:
        for item in each.fields:
            value = fields.get(item.name)
            problem = field_error(item, None if value is None else str(value), on=on)
            if problem is not None:
                found[item.name] = problem
    return found


def validate_step(
    *, session: Session, clock: Clock, applicant: Principal, application_id: int, step: str
) -> None:
    """Check one step of the form: 422 `field_invalid` with a message per field, or nothing."""
    application = citizen_application(session, applicant=applicant, application_id=application_id)
    service = service_of(application.service_code)
    problems = step_errors(service, application.fields, step, on=today(clock))
    if problems:
        raise errors.fields_invalid(problems, step)


# Attachments and fee --------------------------------------------------------------------------


def sniff(data: bytes) -> str | None:
    """The media type the content's first bytes announce (PDF, PNG, JPEG), or None."""
    for magic, media_type in MAGIC:
        if data.startswith(magic):
            return media_type
    return None


def attach(
    *,
    session: Session,
    clock: Clock,
    applicant: Principal,
    application_id: int,
    kind: str,
    filename: str,
    data: bytes,
) -> Attachment:
    """Attach a file of a kind the service asks for; its type is read from its content."""
    application = citizen_application(session, applicant=applicant, application_id=application_id)
    _ensure_editable(application)
    service = service_of(application.service_code)
    if kind not in {document.kind for document in service.documents}:
        raise errors.attachment_kind_unexpected(kind)
    if not data:
        raise errors.attachment_empty()
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise errors.attachment_too_large(MAX_ATTACHMENT_BYTES)
    media_type = sniff(data)
    if media_type is None or media_type not in ACCEPTED_TYPES[kind]:
        raise errors.attachment_type_invalid(ACCEPTED_TYPES[kind])
    attachment = Attachment(
        application_id=application.id,
        kind=kind,
        filename=(filename or "attachment")[:200],
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_at=clock.now(),
    )
    session.add(attachment)
    session.flush()
    application.updated_at = clock.now()
    _change(
        session,
        clock,
        application,
        "attachment_added",
        applicant.actor,
        "application.updated",
        attachment_id=attachment.id,
        kind=kind,
        size=len(data),
        sha256=attachment.sha256,
    )
    session.flush()
    return attachment


def pay(*, session: Session, clock: Clock, applicant: Principal, application_id: int) -> Payment:
    """Pay the fee: a SIMULATED payment (no money moves) with a receipt number."""
    application = citizen_application(session, applicant=applicant, application_id=application_id)
    _ensure_editable(application)
    service = service_of(application.service_code)
    if service.fee_won <= 0 or repository.payment(session, application.id) is not None:
        raise errors.payment_not_needed()
    receipt = f"SIM-{secrets.token_hex(6).upper()}"
    while repository.receipt_taken(session, receipt):
        receipt = f"SIM-{secrets.token_hex(6).upper()}"
    payment = Payment(
        application_id=application.id,
        amount_won=service.fee_won,
        receipt_number=receipt,
        method="simulated",
        paid_at=clock.now(),
    )
    session.add(payment)
    session.flush()
    _change(
        session,
        clock,
        application,
        "paid",
        applicant.actor,
        "application.paid",
        amount_won=service.fee_won,
        receipt_number=receipt,
        simulated=True,
    )
    session.flush()
    return payment


# Summary and submission -----------------------------------------------------------------------


def summary_of(session: Session, application: Application) -> dict[str, Any]:
    """What the applicant confirms: every step's values with labels, attachments and fee."""
    service = service_of(application.service_code)
    payment = repository.payment(session, application.id)
    return {
        "service": {"code": service.code, "name_ko": service.name.ko, "name_en": service.name.en},
        "number": application.number,
        "steps": [
            {
                "code": step.code,
                "title_ko": step.title.ko,
                "title_en": step.title.en,
                "fields": [
                    {
                        "name": item.name,
                        "label_ko": item.label.ko,
                        "label_en": item.label.en,
                        "value": application.fields.get(item.name),
                        "from_register": application.prefilled.get(item.name),
                    }
                    for item in step.fields
                ],
            }
            for step in service.steps
        ],
        "attachments": [
            {"kind": a.kind, "filename": a.filename, "size": a.size, "sha256": a.sha256}
            for a in repository.attachments(session, application.id)
        ],
        "fee_won": service.fee_won,
        "receipt_number": payment.receipt_number if payment else None,
        "payment_simulated": True if payment else None,
    }


@dataclass(frozen=True)
class Submitted:
    application: Application
    possession_key: str | None
    note: Message | None


def submit(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    applicant: Principal,
    application_id: int,
    issuer: IssuerFactory | None,
) -> Submitted:
    """Submit: every field valid, every required attachment there, the fee paid. The summary
    is kept; a review service goes to its agency's queue, an auto-issue service is issued at
    once and completed (unless its certificate kind cannot be issued online yet)."""
    application = citizen_application(session, applicant=applicant, application_id=application_id)
    if application.status not in EDITABLE:
        raise errors.transition_invalid(application.status, "submitted")
    service = service_of(application.service_code)
    problems = step_errors(service, application.fields, None, on=today(clock))
    if problems:
        raise errors.fields_invalid(problems, None)
    present = {a.kind for a in repository.attachments(session, application.id)}
    missing = [d.kind for d in service.documents if d.required and d.kind not in present]
    if missing:
        raise errors.attachment_missing(missing)
    if service.fee_won > 0 and repository.payment(session, application.id) is None:
        raise errors.payment_required(service.fee_won)
    application.summary = summary_of(session, application)
    application.submitted_at = clock.now()
    _transition(session, clock, application, "submitted", None, applicant.actor)
    if service.outcome != "auto_issue" or service.auto_issue is None:
        session.flush()
        return Submitted(application, None, None)
    if not service.issuance_available or issuer is None:
        note = Message(
            f"Online issuance of {service.auto_issue} is not available yet; "
            "an official will issue it.",
            f"{service.auto_issue} 증명서의 온라인 발급이 아직 준비 중이어서 "
            "담당 공무원이 발급합니다.",
        )
        session.flush()
        return Submitted(application, None, note)
    issued = _issue_to_applicant(
        session=session,
        clock=clock,
        cipher=cipher,
        issuer=issuer(),
        application=application,
        kind=service.auto_issue,
        subject=None,
        actor=applicant.actor,
    )
    application.decided_at = clock.now()
    application.decided_by = "system:auto-issue"
    _transition(
        session,
        clock,
        application,
        "completed",
        f"Issued {service.auto_issue} {application.document_number}",
        "system:auto-issue",
    )
    session.flush()
    return Submitted(application, issued.possession_key, None)


def _issue_to_applicant(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    issuer: Issuer,
    application: Application,
    kind: str,
    subject: str | None,
    actor: str,
) -> Issued:
    """Issue a certificate of `kind` to the applicant through `nara.documents` and keep its
    number on the application. The applicant is the requester and the subject person, whoever
    causes the issuance (`actor`: himself at submission, an official at approval), so that
    his wallet finds the document."""
    issued = issue_document(
        session=session,
        clock=clock,
        cipher=cipher,
        issuer=issuer,
        actor=actor,
        issue_in=IssueCreate(
            kind=kind,
            person_id=application.applicant_person_id,
            requester=f"citizen:{application.applicant_account_id}",
            subject=subject,
        ),
    )
    number = issued.issuance.number
    application.document_number = f"{number[0:4]}-{number[4:8]}-{number[8:12]}-{number[12:16]}"
    return issued


# Status changes and notifications -------------------------------------------------------------


def _history(  # noqa: PLR0917  (private helper, called positionally)
    session: Session,
    clock: Clock,
    application: Application,
    before: str | None,
    after: str,
    reason: str | None,
    actor: str,
) -> None:
    session.add(
        StatusChange(
            application_id=application.id,
            from_status=before,
            to_status=after,
            reason=reason,
            actor=actor,
            changed_at=clock.now(),
        )
    )


def _notice_of_status(application: Application, status: str, reason: str | None) -> tuple[str, str]:
    service = service_of(application.service_code)
    text = STATUS_TEXT[status]
    subject = f"[{service.name.ko}] {text.ko} ({text.en})"
    body = f"신청번호 {application.number}: {text.ko}. Application {application.number} {text.en}."
    if reason:
        body += f" 사유 Reason: {reason}"
    if status == "approved" and application.document_number:
        body += (
            " 증명서가 발급되었습니다. 전자문서지갑에서 내려받으십시오."
            " A certificate is ready: download it from your document wallet."
        )
    if application.document_number:
        body += f" 문서확인번호 Document number: {application.document_number}"
    return subject, body[:1000]


def _inbox(  # noqa: PLR0917  (private helper, called positionally)
    session: Session,
    clock: Clock,
    application: Application,
    kind: str,
    subject: str,
    body: str,
) -> None:
    session.add(
        InboxItem(
            account_id=application.applicant_account_id,
            application_id=application.id,
            kind=kind,
            subject=subject[:200],
            body=body[:1000],
            created_at=clock.now(),
            read_at=None,
        )
    )


def _transition(  # noqa: PLR0917  (private helper, called positionally)
    session: Session,
    clock: Clock,
    application: Application,
    after: str,
    reason: str | None,
    actor: str,
) -> None:
    before = application.status
    if after not in TRANSITIONS[before]:
        raise errors.transition_invalid(before, after)
    application.status = after
    application.updated_at = clock.now()
    _history(session, clock, application, before, after, reason, actor)
    subject, body = _notice_of_status(application, after, reason)
    _inbox(session, clock, application, "status", subject, body)
    _change(
        session,
        clock,
        application,
        "status_changed",
        actor,
        "application.status-changed",
        from_status=before,
        reason=reason,
        notice={"subject": subject, "body": body},
    )


def decide(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    official: Principal,
    application_id: int,
    decision_in: DecisionCreate,
    issuer: IssuerFactory,
) -> Application:
    """An official's decision on an application of his agency: approve, reject or send back
    (the last two with a reason the applicant sees).

    Approving a service that issues a certificate on approval (`issue_on_approval`, when its
    kind is offered) issues it to the applicant in the same transaction; if the issuance is
    refused, the decision fails as a whole and nothing of it is written. The decision is
    recorded in the identity audit trail."""
    application = official_application(session, official=official, application_id=application_id)
    service = service_of(application.service_code)
    after = DECISIONS[decision_in.decision]
    reason = (decision_in.reason or "").strip() or None
    if after != "approved" and reason is None:
        raise errors.reason_required()
    before = application.status
    if after not in TRANSITIONS[before]:
        raise errors.transition_invalid(before, after)
    kind = service.issue_on_approval if service.approval_issuance_available else None
    with session.begin_nested():
        if kind is not None and after == "approved":
            subject = None
            if service.subject_field is not None:
                subject = str(application.fields.get(service.subject_field, "")) or None
            _issue_to_applicant(
                session=session,
                clock=clock,
                cipher=cipher,
                issuer=issuer(),
                application=application,
                kind=kind,
                subject=subject,
                actor=official.actor,
            )
        application.decision_reason = reason
        application.decided_by = official.actor
        application.decided_at = clock.now() if after != "sent_back" else None
        _transition(session, clock, application, after, reason, official.actor)
        audit_action(
            session,
            official,
            f"application.{decision_in.decision}",
            f"application:{application.id}",
            clock=clock,
            data={
                "number": application.number,
                "from_status": before,
                "to_status": after,
                "document_number": application.document_number,
            },
        )
        session.flush()
    return application


def official_attachment(
    *,
    session: Session,
    clock: Clock,
    official: Principal,
    application_id: int,
    attachment_id: int,
) -> Attachment:
    """An attachment of an application in the official's queue, for him to read; the reading
    is recorded in the identity audit trail. 404 `application_unknown` otherwise."""
    application = official_application(session, official=official, application_id=application_id)
    found = [a for a in repository.attachments(session, application.id) if a.id == attachment_id]
    if not found:
        raise NotFound(
            "attachment_unknown",
            Message("There is no such attachment.", "해당 첨부 파일이 없습니다."),
        )
    attachment = found[0]
    audit_action(
        session,
        official,
        "application.attachment-read",
        f"application:{application.id}",
        clock=clock,
        data={"number": application.number, "attachment_id": attachment.id},
    )
    session.flush()
    return attachment


# Messages -------------------------------------------------------------------------------------


def post_message(
    *,
    session: Session,
    clock: Clock,
    author: Principal,
    application: Application,
    body: str,
) -> ApplicationMessage:
    """Add a message to the application's thread; the applicant is notified of an official's.

    The caller has already found `application` through `citizen_application` or
    `official_application`, which decide who may write."""
    official = author.kind == "official"
    message = ApplicationMessage(
        application_id=application.id,
        author_kind="official" if official else "citizen",
        author=author.actor,
        author_name=author.display_name[:100],
        body=body.strip(),
        sent_at=clock.now(),
    )
    session.add(message)
    session.flush()
    data: dict[str, Any] = {"message_id": message.id, "author_kind": message.author_kind}
    if official:
        service = service_of(application.service_code)
        subject = f"[{service.name.ko}] 새 메시지 (New message)"
        notice = (
            f"신청번호 {application.number}에 담당 공무원의 메시지가 있습니다. "
            f"An official wrote about application {application.number}."
        )
        _inbox(session, clock, application, "message", subject, notice)
        data["notice"] = {"subject": subject, "body": notice}
        audit_action(
            session,
            author,
            "application.message",
            f"application:{application.id}",
            clock=clock,
            data={"number": application.number, "message_id": message.id},
        )
    _change(
        session,
        clock,
        application,
        "message_sent",
        author.actor,
        "application.message-sent",
        **data,
    )
    session.flush()
    return message


# Inbox ----------------------------------------------------------------------------------------


def mark_read(*, session: Session, clock: Clock, citizen: Principal, item_id: int) -> InboxItem:
    """Mark a notification of the citizen's inbox as read (again is harmless)."""
    item = repository.inbox_item(session, item_id)
    if item is None or item.account_id != citizen.account_id:
        raise errors.inbox_item_unknown()
    if item.read_at is None:
        item.read_at = clock.now()
        session.flush()
    return item


def notify_citizen(
    session: Session, clock: Clock, *, account_id: int, subject: str, body: str
) -> None:
    """Put a status notice in a citizen's inbox that no application carries (a life-event
    case), in the caller's transaction."""
    session.add(
        InboxItem(
            account_id=account_id,
            application_id=None,
            kind="status",
            subject=subject[:200],
            body=body[:1000],
            created_at=clock.now(),
            read_at=None,
        )
    )
