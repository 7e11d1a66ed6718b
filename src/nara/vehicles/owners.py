"""Owners of vehicles: persons and businesses checked against their registers via the exchange.

A person owner is looked up with `residents/person-summaries` and recorded under the name
that register holds; an unknown person is refused (404) and a deceased one cannot acquire
(409). A business owner is looked up by its business register id with `business/summaries`
and recorded under the name (상호) that register holds; an `owner_name` given with it is
ignored. An unknown business is refused (404) and a closed one cannot acquire (409).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.core.pii import PiiCipher
from nara.exchange import CallContext, Exchange
from nara.exchange.contracts.business import (
    BUSINESS_SUMMARIES,
    BusinessSummariesRequest,
    BusinessSummary,
)
from nara.exchange.directory import PersonSummary, ResidentDirectory
from nara.vehicles.models import OWNER_KINDS
from nara.vehicles.schemas import OwnerIn


def person_summary(exchange: Exchange, ctx: CallContext, person_id: int) -> PersonSummary:
    """A person's summary from the resident register; 404 `owner_unknown` if absent."""
    found = ResidentDirectory(exchange, ctx).summaries([person_id]).get(person_id)
    if found is None:
        raise NotFound(
            "owner_unknown",
            Message(
                f"No person with id {person_id} is on the resident register.",
                f"주민등록부에 id {person_id}인 사람이 없습니다.",
            ),
            {"owner_id": person_id},
        )
    return found


def business_summary(exchange: Exchange, ctx: CallContext, business_id: int) -> BusinessSummary:
    """A business's summary from the business register; 404 `owner_unknown` if absent."""
    answer = exchange.call(
        BUSINESS_SUMMARIES, ctx, BusinessSummariesRequest(business_ids=(business_id,))
    )
    found = answer.get(business_id)
    if found is None:
        raise NotFound(
            "owner_unknown",
            Message(
                f"No business with id {business_id} is on the business register.",
                f"사업자등록부에 id {business_id}인 사업자가 없습니다.",
            ),
            {"owner_id": business_id},
        )
    return found


def _closed_on(business: BusinessSummary) -> str | None:
    return business.closed_on.isoformat() if business.closed_on else None


def owner_name_of(owner_in: OwnerIn, *, exchange: Exchange, ctx: CallContext) -> str:
    """The name the register records for a new owner, after checking they may own.

    The name always comes from the owner's register; an `owner_name` given is ignored.
    """
    if owner_in.owner_kind not in OWNER_KINDS:
        raise invalid(
            "owner_kind_unknown",
            f"A vehicle is owned by a person or a business, not '{owner_in.owner_kind}'.",
            f"자동차 소유자 구분은 person 또는 business입니다('{owner_in.owner_kind}').",
            field_name="owner.owner_kind",
        )
    if owner_in.owner_kind == "business":
        business = business_summary(exchange, ctx, owner_in.owner_id)
        if business.status == "closed":
            raise Conflict(
                "owner_closed",
                Message(
                    f"Business {owner_in.owner_id} is closed and cannot acquire a vehicle.",
                    f"id {owner_in.owner_id}인 사업자는 폐업하여 자동차를 취득할 수 없습니다.",
                ),
                {"owner_id": owner_in.owner_id, "closed_on": _closed_on(business)},
            )
        return business.name
    person = person_summary(exchange, ctx, owner_in.owner_id)
    if person.status == "deceased":
        raise Conflict(
            "owner_deceased",
            Message(
                f"Person {owner_in.owner_id} is deceased and cannot acquire a vehicle.",
                f"id {owner_in.owner_id}인 사람은 사망하여 자동차를 취득할 수 없습니다.",
            ),
            {"owner_id": owner_in.owner_id},
        )
    return person.name_ko


def call_context(session: Session, clock: Clock, cipher: PiiCipher, purpose: str) -> CallContext:
    return CallContext(
        session=session, clock=clock, cipher=cipher, client="vehicles", purpose=purpose
    )
