"""Issued passports: issuance on an approved application, reissue, loss, invalidation.

A passport number is `M`, 3 digits, a capital letter and 4 digits (M123A4567), drawn at
random (`secrets`) and unique; a passport is valid until the day before the same date
5 or 10 years later. Passport numbers are unique identifiers of persons (고유식별정보):
change rows and events name passports by id only.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from collections.abc import Callable
from typing import Final

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.dates import not_in_future
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.passports import repository, rules
from nara.passports.models import Application, Passport
from nara.passports.schemas import LossCreate
from nara.passports.service import application_change, get_application, record

NUMBER_ATTEMPTS: Final = 8
"""How many fresh passport numbers are tried before giving up (collisions are rare)."""


def new_passport_number() -> str:
    """A random passport number: `M`, 3 digits, a capital letter, 4 digits (M123A4567)."""
    digits = string.digits
    return (
        "M"
        + "".join(secrets.choice(digits) for _ in range(3))
        + secrets.choice(string.ascii_uppercase)
        + "".join(secrets.choice(digits) for _ in range(4))
    )


def _insert_with_fresh_number(
    session: Session, make: Callable[[str], Passport], numbers: Callable[[], str]
) -> Passport:
    for _ in range(NUMBER_ATTEMPTS):
        number = numbers()
        if repository.passport_by_number(session, number) is not None:
            continue
        passport = make(number)
        try:
            with session.begin_nested():
                repository.add(session, passport)
        except IntegrityError:  # taken by a concurrent issuance since the check above
            continue
        return passport
    raise Conflict(
        "passport_number_unavailable",
        Message(
            "No free passport number was found; try again.",
            "사용 가능한 여권번호를 찾지 못했습니다. 다시 시도하십시오.",
        ),
    )


def _invalidate(
    session: Session, clock: Clock, actor: str, passport: Passport, *, on: dt.date, cause: str
) -> None:
    passport.status = "invalidated"
    passport.invalidated_on = on
    session.flush()
    record(
        session,
        clock,
        actor,
        entity="passport",
        entity_id=passport.id,
        action="invalidated",
        event_type="passport.invalidated",
        person_id=passport.person_id,
        status=passport.status,
        invalidated_on=on.isoformat(),
        cause=cause,
    )


def issue_passport(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    application_id: int,
    numbers: Callable[[], str] = new_passport_number,
) -> tuple[Application, Passport]:
    """Issue the passport of an approved application; a reissue invalidates the old one."""
    row = get_application(session, application_id)
    if row.status != "approved":
        raise Conflict(
            "application_not_approved",
            Message(
                f"The application is {row.status}; only an approved one is issued.",
                f"신청이 '{row.status}' 상태입니다. 승인된 신청만 발급합니다.",
            ),
            {"application_status": row.status},
        )
    on = today(clock)
    passport = _insert_with_fresh_number(
        session,
        lambda number: Passport(
            number=number,
            person_id=row.person_id,
            application_id=row.id,
            validity_years=row.validity_years,
            pages=row.pages,
            issued_on=on,
            expires_on=rules.expiry(on, row.validity_years),
            status="valid",
        ),
        numbers,
    )
    row.status = "issued"
    session.flush()
    application_change(
        session,
        clock,
        actor,
        row,
        "issued",
        event="issued",
        passport_id=passport.id,
        issued_on=on.isoformat(),
        expires_on=passport.expires_on.isoformat(),
        validity_years=passport.validity_years,
    )
    if row.replaces_passport_id is not None:
        old = repository.passport(session, row.replaces_passport_id)
        if old is not None and old.status == "valid":
            _invalidate(session, clock, actor, old, on=on, cause="reissued")
    return row, passport


def get_passport(session: Session, number: str, *, for_person: int | None = None) -> Passport:
    """The passport by its number; 404 `passport_unknown` if none (or not `for_person`'s)."""
    row = repository.passport_by_number(session, number.strip().upper())
    if row is None or (for_person is not None and row.person_id != for_person):
        raise NotFound(
            "passport_unknown",
            Message(
                "No such passport is known to this holder.",
                "해당 명의인의 여권이 없습니다.",
            ),
        )
    return row


def report_loss(
    *, session: Session, clock: Clock, actor: str, number: str, loss_in: LossCreate
) -> Passport:
    """The holder reports his valid passport lost (여권 분실 신고): invalid from today.

    Anyone but the holder is told the passport is unknown, so that a number cannot be probed.
    """
    passport = get_passport(session, number, for_person=loss_in.person_id)
    if passport.status == "lost":
        raise Conflict(
            "passport_already_lost",
            Message(
                f"This passport was reported lost on {passport.invalidated_on}.",
                f"이 여권은 {passport.invalidated_on}에 이미 분실 신고되었습니다.",
            ),
        )
    on = today(clock)
    if passport.status != "valid" or passport.expires_on < on:
        raise Conflict(
            "passport_not_valid",
            Message(
                "This passport is no longer valid; there is nothing to report.",
                "이 여권은 이미 효력이 없어 신고할 필요가 없습니다.",
            ),
        )
    if loss_in.lost_on is not None:
        not_in_future(clock, loss_in.lost_on, "lost_on")
        if loss_in.lost_on < passport.issued_on:
            raise invalid(
                "lost_before_issue",
                f"The passport was issued on {passport.issued_on}; {loss_in.lost_on} is before.",
                f"여권 발급일은 {passport.issued_on}입니다. {loss_in.lost_on}은(는) 그 이전입니다.",
                field_name="lost_on",
            )
    passport.status = "lost"
    passport.invalidated_on = on
    passport.lost_on = loss_in.lost_on
    passport.loss_place = loss_in.place
    passport.loss_circumstances = loss_in.circumstances
    passport.loss_reported_at = clock.now()
    session.flush()
    record(
        session,
        clock,
        actor,
        entity="passport",
        entity_id=passport.id,
        action="reported_lost",
        event_type="passport.reported_lost",
        person_id=passport.person_id,
        status=passport.status,
        invalidated_on=on.isoformat(),
        lost_on=None if loss_in.lost_on is None else loss_in.lost_on.isoformat(),
    )
    return passport


def invalidate_on_death(
    session: Session, clock: Clock, actor: str, person_id: int, died_on: dt.date
) -> list[Passport]:
    """Invalidate a dead holder's passports still valid (여권법 제13조: 명의인의 사망)."""
    held = repository.valid_passports_of(session, person_id, died_on)
    for passport in held:
        _invalidate(session, clock, actor, passport, on=died_on, cause="holder_died")
    return held
