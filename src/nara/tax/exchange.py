"""What the tax agency offers other agencies through the exchange, and what it uses."""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlalchemy.orm import Session

from nara.core.clock import Clock, SystemClock, today
from nara.core.idempotency import apply_once, check_step_key
from nara.exchange import CallContext, Service
from nara.exchange.contracts import Address
from nara.exchange.contracts.tax import (
    BALANCES_OF_PERSON,
    TAXPAYER_ADDRESS,
    TAXPAYER_ADDRESSES,
    AddressFollowed,
    Balances,
    BalancesOfPersonRequest,
    TaxpayerAddress,
    TaxpayerAddressesRequest,
    TaxpayerAddressRequest,
)
from nara.exchange.preconditions import INHERITANCE_USES, deceased_for_an_heir
from nara.exchange.pubsub import Event, first_time
from nara.exchange.purposes import Purpose
from nara.exchange.services import persons_answered
from nara.tax import repository, service

EMPLOYMENT_NOTICES: Final = "tax.employment-notices"
ADDRESS_FIELDS: Final = tuple(Address.model_fields)


def _actor(ctx: CallContext) -> str:
    return f"exchange:{ctx.client}:{ctx.user_id}"[:96]


def taxpayer_address(ctx: CallContext, request: TaxpayerAddressRequest) -> AddressFollowed:
    """Follow a resident's move: the taxpayer's address becomes the new one (once per step)."""
    step_key = check_step_key(request.step_key)
    new_address = request.address.registered()

    def apply() -> dict[str, object]:
        row, changed = service.follow_address(
            session=ctx.session,
            clock=ctx.clock,
            actor=_actor(ctx),
            person_id=request.person_id,
            address_in=new_address,
            moved_on=request.moved_on,
        )
        return {"person_id": request.person_id, "taxpayer_id": row.id, "changed": changed}

    answer = apply_once(
        ctx.session, ctx.clock, scope=TAXPAYER_ADDRESS.service, step_key=step_key, apply=apply
    )
    return AddressFollowed.model_validate(answer)


def taxpayer_addresses(
    ctx: CallContext, request: TaxpayerAddressesRequest
) -> dict[int, TaxpayerAddress]:
    """The address tax holds for each person it knows, since when; unknown persons absent."""
    return {
        row.person_id: TaxpayerAddress.model_validate(
            {
                "person_id": row.person_id,
                **{name: getattr(row, name) for name in ADDRESS_FIELDS},
                "address_since": row.address_since,
            }
        )
        for row in repository.taxpayers_of_persons(ctx.session, request.person_ids)
    }


def balances_of_person(ctx: CallContext, request: BalancesOfPersonRequest) -> Balances:
    """A person's taxes owed and refundable not settled on a date (today by default)."""
    as_of = request.on or today(ctx.clock)
    sheet = service.balances_of_person(ctx.session, request.person_id, on=as_of)
    return Balances.model_validate(
        {
            "person_id": request.person_id,
            "as_of": as_of,
            "owed_total": sheet.owed_total,
            "refundable_total": sheet.refundable_total,
            "balances": [
                {
                    "item": b.item,
                    "tax_kind": b.tax_kind,
                    "tax_year": b.tax_year,
                    "amount_owed": b.amount_owed,
                    "amount_refundable": b.amount_refundable,
                    "due_on": b.due_on,
                }
                for b in sheet.balances
            ],
        }
    )


SERVICES: list[Service] = [
    Service.typed(
        TAXPAYER_ADDRESS,
        taxpayer_address,
        subjects=lambda request: [request.person_id],
        purposes=(
            Purpose(
                code="address-follows-move",
                fields=frozenset({"person_id", "taxpayer_id", "changed", "repeated"}),
                lawful_basis="public_task",
                legal_reference="전자정부법 제36조 (행정정보의 효율적 관리 및 이용)",
                en="The tax office keeps the taxpayer's address as the resident register "
                "reports a move.",
                ko="주민등록 전입신고에 따라 세무서가 납세자의 주소를 바꿉니다.",
            ),
        ),
    ),
    Service.typed(
        TAXPAYER_ADDRESSES,
        taxpayer_addresses,
        subjects=lambda request: request.person_ids,
        found=persons_answered,
        purposes=(
            Purpose(
                code="register-consistency",
                fields=frozenset({"person_id", *ADDRESS_FIELDS, "address_since"}),
                lawful_basis="public_task",
                legal_reference="전자정부법 제36조",
                en="Operators check that the tax office's addresses agree with the resident "
                "register.",
                ko="운영자가 세무서의 주소와 주민등록 주소가 일치하는지 확인합니다.",
            ),
        ),
    ),
    Service.typed(
        BALANCES_OF_PERSON,
        balances_of_person,
        subjects=lambda request: [request.person_id],
        purposes=(
            Purpose(
                code="inheritance-lookup",
                fields=frozenset(
                    {"person_id", "as_of", "owed_total", "refundable_total", "balances"}
                ),
                lawful_basis="public_task",
                legal_reference="국세기본법 제81조의13 제1항",
                en="Safe Inheritance shows a deceased person's heir the taxes owed or refundable.",
                ko="안심상속 원스톱 서비스가 상속인에게 피상속인의 체납·환급 세액을 알려 줍니다.",
                preconditions=(deceased_for_an_heir(lambda request: request.person_id),),
            ),
        ),
    ),
]
"""Services offered to other agencies (called through `nara.exchange`, never by import)."""

EVENTS: dict[str, str] = {
    "tax.taxpayer_registered": "The tax office registered a person as a taxpayer at an address.",
    "tax.address_changed": "A taxpayer's address changed, following a reported move.",
    "tax.balance_recorded": "A tax owed or refundable was recorded for a taxpayer.",
    "tax.balance_settled": "A taxpayer's balance was paid or refunded.",
    "tax.employment_noticed": "The tax office noted a hire or a leaving (its withholding agent).",
}
"""Event types this agency publishes through the outbox, with what each announces."""

USES: tuple[str, ...] = INHERITANCE_USES
"""Services of other agencies this agency calls (granted to it when the platform installs)."""

_NOTICES: Final[dict[str, tuple[service.NoticeKind, str]]] = {
    "employment.started": ("hired", "started_on"),
    "employment.ended": ("left", "ended_on"),
}


def employment_notices(session: Session, event: Event, clock: Clock | None = None) -> None:
    """The consumer `tax.employment-notices`: note each hire and leaving, once per event."""
    notice = _NOTICES.get(event.event_type)
    if notice is None or not first_time(session, EMPLOYMENT_NOTICES, event.id):
        return
    kind, date_key = notice
    payload = event.payload
    service.note_employment(
        session=session,
        clock=clock or SystemClock(),
        actor=f"consumer:{EMPLOYMENT_NOTICES}",
        event_id=event.id,
        kind=kind,
        employment_id=int(event.subject_id),
        business_id=int(payload["business_id"]),
        person_id=int(payload["person_id"]),
        on=dt.date.fromisoformat(str(payload[date_key])),
    )


CONSUMERS = {EMPLOYMENT_NOTICES: employment_notices}
"""In-process consumers of other agencies' events (`nara worker` runs them)."""

SUBSCRIPTIONS: dict[str, str] = {
    "employment.started": EMPLOYMENT_NOTICES,
    "employment.ended": EMPLOYMENT_NOTICES,
}
"""The event types each consumer is subscribed to when the platform installs."""
