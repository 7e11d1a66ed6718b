"""The rules of the tax office: taxpayers' addresses, balances, and notices of employment.

Persons are the resident register's, kept by id. Tax learns of a person when the resident
register reports his move (`follow_address`) or, in the synthetic nation, at his 19th
birthday; it learns of employments from the business register's events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from nara.core.address import RoadAddress
from nara.core.clock import Clock, today
from nara.core.dates import not_in_future
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.core.history import record_change
from nara.tax import repository
from nara.tax.models import ITEM_KINDS, Balance, EmploymentNotice, TaxChange, Taxpayer
from nara.tax.schemas import BalanceCreate, SettlementCreate

NoticeKind = Literal["hired", "left"]


def _change(
    session: Session,
    clock: Clock,
    actor: str,
    *,
    entity: str,
    entity_id: int,
    action: str,
    **data: Any,
) -> None:
    record_change(
        session,
        clock,
        TaxChange,
        entity=entity,
        entity_id=entity_id,
        action=action,
        data=data,
        actor=actor,
        event_type=f"tax.{action}",
    )


# Taxpayers and their addresses -------------------------------------------------------------


def get_taxpayer(session: Session, person_id: int) -> Taxpayer:
    row = repository.taxpayer_of_person(session, person_id)
    if row is None:
        raise NotFound(
            "taxpayer_unknown",
            Message(
                f"The tax office knows no taxpayer who is person {person_id}.",
                f"{person_id}번 사람은 세무서에 등록된 납세자가 아닙니다.",
            ),
        )
    return row


def follow_address(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    person_id: int,
    address_in: RoadAddress,
    moved_on: dt.date,
) -> tuple[Taxpayer, bool]:
    """Keep the taxpayer's address as the resident register reports a move.

    A person tax does not know yet becomes a taxpayer at that address. The same address
    again changes nothing (answers False); a move dated before the current address's is
    refused (`move_out_of_order`).
    """
    not_in_future(clock, moved_on, "moved_on")
    row = repository.taxpayer_of_person(session, person_id)
    columns = address_in.columns()
    if row is None:
        row = Taxpayer(
            person_id=person_id, address_since=moved_on, registered_on=today(clock), **columns
        )
        repository.add(session, row)
        session.flush()
        _change(
            session,
            clock,
            actor,
            entity="taxpayer",
            entity_id=row.id,
            action="taxpayer_registered",
            person_id=person_id,
            sigungu_code=row.sigungu_code,
            address_since=moved_on.isoformat(),
        )
        return row, True
    if RoadAddress.of(row) == address_in:
        return row, False
    if moved_on < row.address_since:
        raise Conflict(
            "move_out_of_order",
            Message(
                f"The taxpayer's address is known since {row.address_since}; "
                f"a move on {moved_on} is older than that.",
                f"납세자의 현 주소는 {row.address_since}부터입니다. "
                f"{moved_on} 이사는 그보다 이전입니다.",
            ),
            {"address_since": row.address_since.isoformat()},
        )
    previous_district = row.sigungu_code
    for name, value in columns.items():
        setattr(row, name, value)
    row.address_since = moved_on
    session.flush()
    _change(
        session,
        clock,
        actor,
        entity="taxpayer",
        entity_id=row.id,
        action="address_changed",
        person_id=person_id,
        sigungu_code=row.sigungu_code,
        previous_sigungu_code=previous_district,
        address_since=moved_on.isoformat(),
    )
    return row, True


# Balances ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceSheet:
    """A person's balances open on a day, with what he owes and may have refunded in all."""

    person_id: int
    as_of: dt.date
    balances: list[Balance]

    @property
    def owed_total(self) -> int:
        return sum(b.amount_owed for b in self.balances)

    @property
    def refundable_total(self) -> int:
        return sum(b.amount_refundable for b in self.balances)


def _check_balance(clock: Clock, balance_in: BalanceCreate) -> None:
    expected = ITEM_KINDS[balance_in.item]
    if balance_in.tax_kind != expected:
        raise invalid(
            "item_kind_mismatch",
            f"{balance_in.item} is a {expected} tax, not a {balance_in.tax_kind} one.",
            f"{balance_in.item}은(는) {'국세' if expected == 'national' else '지방세'}입니다.",
            field_name="tax_kind",
        )
    owed, refundable = balance_in.amount_owed, balance_in.amount_refundable
    if owed == 0 and refundable == 0:
        raise invalid(
            "balance_empty",
            "A balance owes or refunds some amount; both are zero.",
            "납부할 세액이나 환급할 세액 중 하나는 0보다 커야 합니다.",
            field_name="amount_owed",
        )
    if owed > 0 and refundable > 0:
        raise invalid(
            "balance_both_sides",
            "A balance is either owed or refundable, not both: record two balances.",
            "한 건의 세액은 납부 또는 환급 중 하나입니다. 두 건으로 기록하세요.",
            field_name="amount_refundable",
        )
    this_year = today(clock).year
    if balance_in.tax_year > this_year:
        raise invalid(
            "tax_year_in_future",
            f"The tax year {balance_in.tax_year} has not begun (this is {this_year}).",
            f"{balance_in.tax_year} 과세연도는 아직 시작되지 않았습니다 (올해는 {this_year}년).",
            field_name="tax_year",
        )
    if balance_in.due_on is not None:
        if refundable > 0:
            raise invalid(
                "refund_has_no_due_date",
                "A refundable balance has no payment deadline.",
                "환급 세액에는 납부기한이 없습니다.",
                field_name="due_on",
            )
        if balance_in.due_on.year < balance_in.tax_year:
            raise invalid(
                "due_before_tax_year",
                f"The deadline {balance_in.due_on} is before the tax year {balance_in.tax_year}.",
                f"납부기한 {balance_in.due_on}이(가) {balance_in.tax_year} 과세연도 이전입니다.",
                field_name="due_on",
            )


def record_balance(
    *, session: Session, clock: Clock, actor: str, person_id: int, balance_in: BalanceCreate
) -> Balance:
    """Record a taxpayer's balance of one item and year, owed or refundable."""
    get_taxpayer(session, person_id)
    _check_balance(clock, balance_in)
    row = Balance(
        person_id=person_id,
        tax_kind=balance_in.tax_kind,
        item=balance_in.item,
        tax_year=balance_in.tax_year,
        amount_owed=balance_in.amount_owed,
        amount_refundable=balance_in.amount_refundable,
        due_on=balance_in.due_on,
        settled_on=None,
    )
    repository.add(session, row)
    session.flush()
    _change(
        session,
        clock,
        actor,
        entity="balance",
        entity_id=row.id,
        action="balance_recorded",
        person_id=person_id,
        tax_kind=row.tax_kind,
        item=row.item,
        tax_year=row.tax_year,
        amount_owed=row.amount_owed,
        amount_refundable=row.amount_refundable,
        due_on=row.due_on.isoformat() if row.due_on else None,
    )
    return row


def get_balance(session: Session, balance_id: int) -> Balance:
    row = repository.balance(session, balance_id)
    if row is None:
        raise NotFound(
            "balance_unknown",
            Message(
                f"There is no tax balance with id {balance_id}.",
                f"id {balance_id}인 세액 기록이 없습니다.",
            ),
        )
    return row


def settle_balance(
    *, session: Session, clock: Clock, actor: str, balance_id: int, settlement_in: SettlementCreate
) -> Balance:
    """Mark a balance paid (owed) or refunded (refundable) on a day; final."""
    row = get_balance(session, balance_id)
    if row.settled_on is not None:
        raise Conflict(
            "balance_settled",
            Message(
                f"This balance was settled on {row.settled_on}.",
                f"이 세액은 {row.settled_on}에 이미 정리되었습니다.",
            ),
        )
    on = settlement_in.settled_on
    not_in_future(clock, on, "settled_on")
    if on.year < row.tax_year:
        raise invalid(
            "settled_before_tax_year",
            f"A balance of the tax year {row.tax_year} cannot be settled on {on}.",
            f"{row.tax_year} 과세연도의 세액은 {on}에 정리될 수 없습니다.",
            field_name="settled_on",
        )
    row.settled_on = on
    session.flush()
    _change(
        session,
        clock,
        actor,
        entity="balance",
        entity_id=row.id,
        action="balance_settled",
        person_id=row.person_id,
        settled_on=on.isoformat(),
    )
    return row


def balances_of_person(session: Session, person_id: int, *, on: dt.date) -> BalanceSheet:
    """The person's balances open on `on` (none for a person tax does not know)."""
    return BalanceSheet(person_id, on, repository.open_balances(session, person_id, on=on))


# Notices of employment ---------------------------------------------------------------------


def note_employment(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    event_id: int,
    kind: NoticeKind,
    employment_id: int,
    business_id: int,
    person_id: int,
    on: dt.date,
) -> EmploymentNotice:
    """Record a hire or a leaving the business register announced (once per event)."""
    found = repository.notice_of_event(session, event_id)
    if found is not None:
        return found
    row = EmploymentNotice(
        event_id=event_id,
        employment_id=employment_id,
        business_id=business_id,
        person_id=person_id,
        kind=kind,
        on=on,
        received_at=clock.now(),
    )
    repository.add(session, row)
    session.flush()
    _change(
        session,
        clock,
        actor,
        entity="employment_notice",
        entity_id=row.id,
        action="employment_noticed",
        event_id=event_id,
        kind=kind,
        employment_id=employment_id,
        business_id=business_id,
        person_id=person_id,
        on=on.isoformat(),
    )
    return row


def employment_notices(session: Session, person_id: int) -> list[EmploymentNotice]:
    """Every notice of the person's employments, oldest first; 404 when tax knows nothing
    of the person (neither a taxpayer nor a notice)."""
    rows = repository.employment_notices(session, person_id)
    if not rows:
        get_taxpayer(session, person_id)
    return rows
