"""The rules of the business register: registration, suspension, closure, and employments.

Representatives and employees are the resident register's persons, read through the
exchange (`residents/person-summaries`) and kept by id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nara.business import repository
from nara.business.models import BusinessChange, Employment, Registration, WageChange
from nara.business.schemas import (
    BusinessCreate,
    ClosureCreate,
    EmploymentCreate,
    LeaveCreate,
    ResumptionCreate,
    SuspensionCreate,
    WageCreate,
)
from nara.core.clock import Clock
from nara.core.dates import age_on, not_in_future
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.core.history import record_change
from nara.core.identifiers import Brn
from nara.exchange.directory import ResidentDirectory, check_alive

WORKING_AGE = 15
"""Youngest age at which a person may be employed (Labor Standards Act art. 64)."""


def _business_change(
    session: Session, clock: Clock, actor: str, row: Registration, action: str, **data: Any
) -> None:
    record_change(
        session,
        clock,
        BusinessChange,
        entity="business",
        entity_id=row.id,
        action=action,
        data={"brn": row.brn, **data},
        actor=actor,
        event_type=f"business.{action}",
    )


def _employment_change(
    session: Session, clock: Clock, actor: str, row: Employment, action: str, **data: Any
) -> None:
    record_change(
        session,
        clock,
        BusinessChange,
        entity="employment",
        entity_id=row.id,
        action=action,
        data={"business_id": row.business_id, "person_id": row.person_id, **data},
        actor=actor,
        event_type=f"employment.{action}",
    )


def _brn_registered(brn: Brn) -> Conflict:
    return Conflict(
        "brn_registered",
        Message(
            f"The business registration number {brn} is already registered.",
            f"사업자등록번호 {brn}은(는) 이미 등록되어 있습니다.",
        ),
        {"brn": brn.digits},
    )


def register_business(
    *,
    session: Session,
    clock: Clock,
    residents: ResidentDirectory,
    actor: str,
    business_in: BusinessCreate,
) -> Registration:
    """Register a business under its BRN, led by a living representative."""
    brn = Brn.parse(business_in.brn)
    if brn.is_corporation != (business_in.kind == "corporation"):
        raise invalid(
            "brn_kind_mismatch",
            f"Middle digits 81-88 mark a corporation; {brn} is not an {business_in.kind}'s number.",
            f"가운데 두 자리 81~88은 법인을 뜻합니다. {brn}은(는) 이 사업자 유형과 맞지 않습니다.",
            field_name="kind",
        )
    not_in_future(clock, business_in.opened_on, "opened_on")
    person_id = business_in.representative_person_id
    representative = residents.require([person_id])[person_id]
    check_alive(representative)
    if repository.registration_by_brn(session, brn.digits) is not None:
        raise _brn_registered(brn)
    row = Registration(
        brn=brn.digits,
        name=business_in.name,
        kind=business_in.kind,
        representative_person_id=person_id,
        representative_name=representative.name_ko,
        industry_code=business_in.industry_code,
        opened_on=business_in.opened_on,
        closed_on=None,
        status="active",
        employer_since=None,
        **business_in.address.columns(),
    )
    repository.add(session, row)
    try:
        session.flush()
    except IntegrityError:  # registered by a concurrent request since the check above
        raise _brn_registered(brn) from None
    _business_change(
        session,
        clock,
        actor,
        row,
        "registered",
        kind=row.kind,
        industry_code=row.industry_code,
        opened_on=row.opened_on.isoformat(),
        representative_person_id=person_id,
        sigungu_code=row.sigungu_code,
    )
    return row


def get_business(session: Session, business_id: int) -> Registration:
    row = repository.registration(session, business_id)
    if row is None:
        raise NotFound(
            "business_unknown",
            Message(
                f"There is no business with id {business_id}.",
                f"id {business_id}인 사업자가 없습니다.",
            ),
        )
    return row


def get_business_by_brn(session: Session, brn_text: str) -> Registration:
    brn = Brn.parse(brn_text)
    row = repository.registration_by_brn(session, brn.digits)
    if row is None:
        raise NotFound(
            "business_unknown",
            Message(
                f"No business is registered under {brn}.",
                f"{brn}(으)로 등록된 사업자가 없습니다.",
            ),
        )
    return row


def _not_closed(row: Registration) -> None:
    if row.status == "closed":
        raise Conflict(
            "business_closed",
            Message(
                f"The business {row.brn} closed on {row.closed_on}; it cannot change any more.",
                f"사업자 {row.brn}은(는) {row.closed_on}에 폐업하여 더 이상 변경할 수 없습니다.",
            ),
        )


def _not_before_opening(row: Registration, on: dt.date, field_name: str) -> None:
    if on < row.opened_on:
        raise invalid(
            "date_before_opening",
            f"The business opened on {row.opened_on}; {on} is before that.",
            f"사업 개시일은 {row.opened_on}입니다. {on}은(는) 그 이전입니다.",
            field_name=field_name,
        )


def suspend_business(
    *, session: Session, clock: Clock, actor: str, business_id: int, suspension_in: SuspensionCreate
) -> Registration:
    row = get_business(session, business_id)
    _not_closed(row)
    if row.status == "suspended":
        raise Conflict(
            "business_suspended",
            Message("The business is already suspended.", "이미 휴업 중인 사업자입니다."),
        )
    on = suspension_in.suspended_on
    not_in_future(clock, on, "suspended_on")
    _not_before_opening(row, on, "suspended_on")
    row.status = "suspended"
    session.flush()
    _business_change(
        session,
        clock,
        actor,
        row,
        "suspended",
        suspended_on=on.isoformat(),
        reason=suspension_in.reason,
    )
    return row


def resume_business(
    *, session: Session, clock: Clock, actor: str, business_id: int, resumption_in: ResumptionCreate
) -> Registration:
    row = get_business(session, business_id)
    _not_closed(row)
    if row.status != "suspended":
        raise Conflict(
            "business_not_suspended",
            Message("The business is not suspended.", "휴업 중인 사업자가 아닙니다."),
        )
    on = resumption_in.resumed_on
    not_in_future(clock, on, "resumed_on")
    _not_before_opening(row, on, "resumed_on")
    row.status = "active"
    session.flush()
    _business_change(session, clock, actor, row, "resumed", resumed_on=on.isoformat())
    return row


def close_business(
    *, session: Session, clock: Clock, actor: str, business_id: int, closure_in: ClosureCreate
) -> Registration:
    """Close a business for good; its employments must have ended first."""
    row = get_business(session, business_id)
    _not_closed(row)
    on = closure_in.closed_on
    not_in_future(clock, on, "closed_on")
    _not_before_opening(row, on, "closed_on")
    still_open = repository.open_employment_count(session, row.id)
    if still_open:
        raise Conflict(
            "employments_open",
            Message(
                f"{still_open} employment(s) at this business have not ended; end them first.",
                f"이 사업장에 종료되지 않은 고용 {still_open}건이 있습니다. 먼저 종료하세요.",
            ),
            {"open_employments": still_open},
        )
    row.status = "closed"
    row.closed_on = on
    session.flush()
    _business_change(
        session, clock, actor, row, "closed", closed_on=on.isoformat(), reason=closure_in.reason
    )
    return row


def hire(
    *,
    session: Session,
    clock: Clock,
    residents: ResidentDirectory,
    actor: str,
    business_id: int,
    employment_in: EmploymentCreate,
) -> tuple[Employment, Registration]:
    """Start an employment at an active business; the first one makes the business an employer."""
    business = get_business(session, business_id)
    _not_closed(business)
    if business.status != "active":
        raise Conflict(
            "business_not_active",
            Message(
                "A suspended business cannot take on staff.",
                "휴업 중인 사업자는 고용할 수 없습니다.",
            ),
        )
    on = employment_in.started_on
    not_in_future(clock, on, "started_on")
    _not_before_opening(business, on, "started_on")
    person_id = employment_in.person_id
    person = residents.require([person_id])[person_id]
    check_alive(person)
    if age_on(person.birth_date, on) < WORKING_AGE:
        raise invalid(
            "under_working_age",
            f"Person {person_id} is under {WORKING_AGE} on {on}.",
            f"{person_id}번 사람은 {on}에 만 {WORKING_AGE}세 미만입니다.",
            field_name="person_id",
        )
    if repository.employments_reaching(session, business.id, person_id, on):
        raise Conflict(
            "already_employed",
            Message(
                f"Person {person_id} is employed by this business on or after {on}.",
                f"{person_id}번 사람은 {on} 이후에 이미 이 사업장에 고용되어 있습니다.",
            ),
            {"person_id": person_id},
        )
    row = Employment(
        business_id=business.id,
        person_id=person_id,
        job_title=employment_in.job_title,
        started_on=on,
        ended_on=None,
        end_reason=None,
        monthly_wage_won=employment_in.monthly_wage_won,
    )
    repository.add(session, row)
    session.flush()
    repository.add(
        session,
        WageChange(employment_id=row.id, monthly_wage_won=row.monthly_wage_won, effective_from=on),
    )
    if business.employer_since is None or on < business.employer_since:
        business.employer_since = on
    session.flush()
    _employment_change(
        session,
        clock,
        actor,
        row,
        "started",
        brn=business.brn,
        started_on=on.isoformat(),
        job_title=row.job_title,
        monthly_wage_won=row.monthly_wage_won,
        employer_since=business.employer_since.isoformat(),
    )
    return row, business


def get_employment(session: Session, employment_id: int) -> tuple[Employment, Registration]:
    found = repository.employment_with_business(session, employment_id)
    if found is None:
        raise NotFound(
            "employment_unknown",
            Message(
                f"There is no employment with id {employment_id}.",
                f"id {employment_id}인 고용 기록이 없습니다.",
            ),
        )
    return found


def _open(row: Employment) -> None:
    if row.ended_on is not None:
        raise Conflict(
            "employment_ended",
            Message(
                f"This employment ended on {row.ended_on}.",
                f"이 고용은 {row.ended_on}에 종료되었습니다.",
            ),
        )


def change_wage(
    *, session: Session, clock: Clock, actor: str, employment_id: int, wage_in: WageCreate
) -> WageChange:
    """Append a wage in force from a date; it becomes the employment's current wage."""
    row, _business = get_employment(session, employment_id)
    _open(row)
    on = wage_in.effective_from
    not_in_future(clock, on, "effective_from")
    if on < row.started_on:
        raise invalid(
            "wage_before_start",
            f"A wage cannot take effect before the employment began ({row.started_on}).",
            f"임금은 고용 시작일({row.started_on}) 이전부터 적용될 수 없습니다.",
            field_name="effective_from",
        )
    latest = repository.latest_wage(session, row.id)
    if latest is not None and on <= latest.effective_from:
        raise Conflict(
            "wage_change_out_of_order",
            Message(
                f"A wage change must take effect after the latest one ({latest.effective_from}).",
                f"임금 변경은 최근 변경일({latest.effective_from}) 이후부터 적용되어야 합니다.",
            ),
        )
    previous = row.monthly_wage_won
    wage = WageChange(
        employment_id=row.id, monthly_wage_won=wage_in.monthly_wage_won, effective_from=on
    )
    repository.add(session, wage)
    row.monthly_wage_won = wage_in.monthly_wage_won
    session.flush()
    _employment_change(
        session,
        clock,
        actor,
        row,
        "wage_changed",
        wage_id=wage.id,
        effective_from=on.isoformat(),
        monthly_wage_won=wage.monthly_wage_won,
        previous_wage_won=previous,
    )
    return wage


def end_employment(
    *, session: Session, clock: Clock, actor: str, employment_id: int, leave_in: LeaveCreate
) -> tuple[Employment, Registration]:
    """End an employment: `ended_on` is the first day the person is no longer employed."""
    row, business = get_employment(session, employment_id)
    _open(row)
    on = leave_in.ended_on
    not_in_future(clock, on, "ended_on")
    if on < row.started_on:
        raise invalid(
            "end_before_start",
            f"An employment cannot end before it began ({row.started_on}).",
            f"고용은 시작일({row.started_on}) 이전에 종료될 수 없습니다.",
            field_name="ended_on",
        )
    row.ended_on = on
    row.end_reason = leave_in.end_reason
    session.flush()
    _employment_change(
        session, clock, actor, row, "ended", ended_on=on.isoformat(), end_reason=row.end_reason
    )
    return row, business
