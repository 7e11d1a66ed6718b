"""The rules of passport applications (여권 발급 신청), from draft to an official's decision.

An application is made for a living resident (`residents/person-summaries`, purpose
`passport-eligibility`); a minor's names a consenting parent (`family/relations`, purpose
`family-register`). It moves `draft` → (photo and fee) → `submitted` → `approved` or
`rejected` by an official → `issued` (`nara.passports.issuance`). Each step appends to the
change log with its event.

Every function that a citizen's page may call takes `for_person`: when given, the
application or passport must be that person's, else it is unknown to him (404).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.dates import age_on
from nara.core.db import serialise
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.core.history import record_change
from nara.exchange import Exchange
from nara.exchange.directory import PersonSummary
from nara.passports import registers, repository, rules
from nara.passports.models import Application, Passport, PassportsChange, Photo
from nara.passports.photos import validate_photo
from nara.passports.registers import ContextFor
from nara.passports.restrictions import check_not_restricted
from nara.passports.schemas import ApplicationCreate, DecisionCreate, PaymentCreate


def record(
    session: Session,
    clock: Clock,
    actor: str,
    *,
    entity: str,
    entity_id: int,
    action: str,
    event_type: str,
    **data: Any,
) -> None:
    record_change(
        session,
        clock,
        PassportsChange,
        entity=entity,
        entity_id=entity_id,
        action=action,
        data=data,
        actor=actor,
        event_type=event_type,
    )


def application_change(
    session: Session,
    clock: Clock,
    actor: str,
    row: Application,
    action: str,
    *,
    event: str,
    **data: Any,
) -> None:
    record(
        session,
        clock,
        actor,
        entity="application",
        entity_id=row.id,
        action=action,
        event_type=f"passport.{event}",
        person_id=row.person_id,
        status=row.status,
        **data,
    )


# Applications ---------------------------------------------------------------------------


def _applicant(exchange: Exchange, context: ContextFor, person_id: int) -> PersonSummary:
    person = registers.person(exchange, context, person_id)
    if person is None:
        raise invalid(
            "applicant_unknown",
            f"No person with id {person_id} is in the resident register.",
            f"주민등록부에 id {person_id}인 사람이 없습니다.",
            field_name="person_id",
        )
    if person.status != "alive":
        raise Conflict(
            "applicant_not_alive",
            Message(
                f"Person {person_id} is recorded as {person.status}; a passport is issued only "
                "to a living resident.",
                f"{person_id}번 사람은 '{person.status}' 상태로 등록되어 있습니다. 여권은 생존한 "
                "주민에게만 발급됩니다.",
            ),
            {"person_id": person_id},
        )
    return person


def _check_passports_held(
    session: Session, application_in: ApplicationCreate, on: dt.date
) -> Passport | None:
    """The passport a reissue replaces; refuses a `new` one while a valid one is held."""
    held = repository.valid_passports_of(session, application_in.person_id, on)
    if application_in.kind == "new" and held:
        raise Conflict(
            "passport_held",
            Message(
                "The applicant holds a valid passport; apply to reissue it instead.",
                "신청인은 유효한 여권을 가지고 있습니다. 재발급을 신청하십시오.",
            ),
        )
    if application_in.kind == "reissue":
        if not held:
            raise Conflict(
                "no_valid_passport",
                Message(
                    "The applicant holds no valid passport to reissue; apply for a new one.",
                    "신청인에게 재발급할 유효한 여권이 없습니다. 신규 발급을 신청하십시오.",
                ),
            )
        return held[-1]
    return None


def _check_no_open_application(session: Session, person_id: int) -> None:
    serialise(session, "passports.open-application", person_id)
    open_one = repository.open_application_of(session, person_id)
    if open_one is not None:
        raise Conflict(
            "application_open",
            Message(
                f"The applicant's application {open_one.id} is still in progress.",
                f"신청인의 신청 {open_one.id}번이 아직 처리 중입니다.",
            ),
            {"application_id": open_one.id},
        )


def _validity(application_in: ApplicationCreate, age: int) -> int:
    allowed = rules.validity_for(age)
    asked = application_in.validity_years
    if asked is not None and asked != allowed:
        raise invalid(
            "validity_not_allowed",
            f"At age {age} a passport is valid {allowed} years, not {asked}.",
            f"만 {age}세의 여권 유효기간은 {asked}년이 아니라 {allowed}년입니다.",
            field_name="validity_years",
        )
    return allowed


def _check_guardian(
    exchange: Exchange,
    context: ContextFor,
    application_in: ApplicationCreate,
    age: int,
    on: dt.date,
) -> int | None:
    """The consenting parent of a minor, checked against the family register."""
    guardian_id = application_in.guardian_person_id
    if age >= rules.ADULT_AGE:
        if guardian_id is not None:
            raise invalid(
                "guardian_not_needed",
                "An adult applies on his own; no guardian is named.",
                "성인은 본인이 신청하므로 법정대리인을 지정하지 않습니다.",
                field_name="guardian_person_id",
            )
        return None
    if guardian_id is None or not application_in.guardian_consent:
        raise invalid(
            "guardian_consent_required",
            f"An applicant under {rules.ADULT_AGE} needs a parent's consent: name the parent "
            "and record the consent.",
            f"만 {rules.ADULT_AGE}세 미만 신청인은 부모의 동의가 필요합니다. 부모를 지정하고 "
            "동의를 기록하십시오.",
            field_name="guardian_person_id",
        )
    guardian = registers.person(exchange, context, guardian_id)
    if guardian is None or guardian.status != "alive":
        raise invalid(
            "guardian_not_alive",
            f"The guardian {guardian_id} is not a living resident.",
            f"법정대리인 {guardian_id}번은 생존한 주민이 아닙니다.",
            field_name="guardian_person_id",
        )
    if guardian_id not in registers.parents_of(exchange, context, application_in.person_id, on):
        raise invalid(
            "guardian_not_parent",
            f"Person {guardian_id} is not a parent of the applicant in the family register.",
            f"가족관계등록부상 {guardian_id}번은 신청인의 부모가 아닙니다.",
            field_name="guardian_person_id",
        )
    return guardian_id


def create_application(
    *,
    session: Session,
    clock: Clock,
    exchange: Exchange,
    context: ContextFor,
    actor: str,
    application_in: ApplicationCreate,
) -> Application:
    """Open a draft application for an eligible applicant, with its validity and fee."""
    on = today(clock)
    person_id = application_in.person_id
    applicant = _applicant(exchange, context, person_id)
    check_not_restricted(session, person_id, on)
    _check_no_open_application(session, person_id)
    replaces = _check_passports_held(session, application_in, on)
    age = age_on(applicant.birth_date, on)
    validity = _validity(application_in, age)
    guardian_id = _check_guardian(exchange, context, application_in, age, on)
    fee = rules.fee_for(on=on, validity_years=validity, age=age, pages=application_in.pages)
    row = Application(
        person_id=person_id,
        kind=application_in.kind,
        pages=application_in.pages,
        validity_years=validity,
        guardian_person_id=guardian_id,
        replaces_passport_id=None if replaces is None else replaces.id,
        applied_on=on,
        fee_won=fee,
        status="draft",
        created_at=clock.now(),
    )
    repository.add(session, row)
    session.flush()
    application_change(
        session,
        clock,
        actor,
        row,
        "created",
        event="application_created",
        kind=row.kind,
        pages=row.pages,
        validity_years=validity,
        fee_won=fee,
        guardian_person_id=guardian_id,
        replaces_passport_id=row.replaces_passport_id,
    )
    return row


def get_application(
    session: Session, application_id: int, *, for_person: int | None = None
) -> Application:
    """The application; 404 `application_unknown` if none (or not `for_person`'s)."""
    row = repository.application(session, application_id)
    if row is None or (for_person is not None and row.person_id != for_person):
        raise NotFound(
            "application_unknown",
            Message(
                f"There is no passport application with id {application_id}.",
                f"id {application_id}인 여권 신청이 없습니다.",
            ),
        )
    return row


def _in_draft(row: Application) -> None:
    if row.status != "draft":
        raise Conflict(
            "application_not_draft",
            Message(
                f"The application is {row.status}; it can no longer be changed.",
                f"신청이 '{row.status}' 상태이므로 더 이상 변경할 수 없습니다.",
            ),
            {"application_status": row.status},
        )


def attach_photo(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    application_id: int,
    data: bytes,
    for_person: int | None = None,
) -> Photo:
    """Validate the photo by its content and keep it with the draft (replacing any earlier)."""
    row = get_application(session, application_id, for_person=for_person)
    _in_draft(row)
    checked = validate_photo(data)
    photo = repository.photo_of(session, row.id)
    if photo is None:
        photo = Photo(application_id=row.id)
        repository.add(session, photo)
    photo.media_type = checked.media_type
    photo.data = checked.data
    photo.size_bytes = len(checked.data)
    photo.width = checked.width
    photo.height = checked.height
    photo.sha256 = checked.sha256
    photo.uploaded_at = clock.now()
    session.flush()
    application_change(
        session,
        clock,
        actor,
        row,
        "photo_attached",
        event="photo_attached",
        media_type=photo.media_type,
        width=photo.width,
        height=photo.height,
        sha256=photo.sha256,
    )
    return photo


def _receipt_number(clock: Clock) -> str:
    return f"SIM-{today(clock):%Y%m%d}-{secrets.token_hex(4).upper()}"


def pay_fee(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    application_id: int,
    payment_in: PaymentCreate,
    for_person: int | None = None,
) -> Application:
    """Record the fee as paid. SIMULATED: a receipt number and time, no money moves."""
    row = get_application(session, application_id, for_person=for_person)
    _in_draft(row)
    if row.receipt_number is not None:
        raise Conflict(
            "fee_already_paid",
            Message(
                f"The fee was paid already (receipt {row.receipt_number}).",
                f"수수료가 이미 납부되었습니다 (영수증 {row.receipt_number}).",
            ),
        )
    if payment_in.amount_won != row.fee_won:
        raise invalid(
            "payment_amount",
            f"The fee is {row.fee_won:,} won; {payment_in.amount_won:,} won was offered.",
            f"수수료는 {row.fee_won:,}원입니다. {payment_in.amount_won:,}원이 제시되었습니다.",
            field_name="amount_won",
        )
    row.receipt_number = _receipt_number(clock)
    row.paid_at = clock.now()
    session.flush()
    application_change(
        session,
        clock,
        actor,
        row,
        "fee_paid",
        event="fee_paid",
        fee_won=row.fee_won,
        receipt_number=row.receipt_number,
        simulated=True,
    )
    return row


def submit_application(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    application_id: int,
    for_person: int | None = None,
) -> Application:
    """Submit a draft with its photo and paid fee for an official's review."""
    row = get_application(session, application_id, for_person=for_person)
    _in_draft(row)
    if repository.photo_of(session, row.id) is None:
        raise Conflict(
            "photo_missing",
            Message("Attach the applicant's photo first.", "먼저 신청인의 사진을 첨부하십시오."),
        )
    if row.receipt_number is None:
        raise Conflict(
            "fee_unpaid",
            Message(
                f"Pay the fee of {row.fee_won:,} won first.",
                f"먼저 수수료 {row.fee_won:,}원을 납부하십시오.",
            ),
            {"fee_won": row.fee_won},
        )
    row.status = "submitted"
    row.submitted_at = clock.now()
    session.flush()
    application_change(session, clock, actor, row, "submitted", event="application_submitted")
    return row


def decide_application(
    *,
    session: Session,
    clock: Clock,
    exchange: Exchange,
    context: ContextFor,
    actor: str,
    application_id: int,
    decision_in: DecisionCreate,
) -> Application:
    """An official approves or rejects (with a reason) a submitted application.

    Approval checks again that the applicant is alive and under no restriction.
    """
    row = get_application(session, application_id)
    if row.status != "submitted":
        raise Conflict(
            "application_not_submitted",
            Message(
                f"The application is {row.status}; only a submitted one is decided.",
                f"신청이 '{row.status}' 상태입니다. 제출된 신청만 심사합니다.",
            ),
            {"application_status": row.status},
        )
    reason = (decision_in.reason or "").strip()
    if decision_in.outcome == "reject" and not reason:
        raise invalid(
            "reason_required",
            "A rejection states its reason.",
            "거부할 때는 사유를 적어야 합니다.",
            field_name="reason",
        )
    if decision_in.outcome == "approve":
        _applicant(exchange, context, row.person_id)
        check_not_restricted(session, row.person_id, today(clock))
    row.status = "approved" if decision_in.outcome == "approve" else "rejected"
    row.decided_at = clock.now()
    row.decided_by = actor
    row.decision_reason = reason or None
    session.flush()
    application_change(
        session,
        clock,
        actor,
        row,
        row.status,
        event="application_decided",
        reason=row.decision_reason,
    )
    return row
