"""Rights over a property (section B, 을구): mortgages, jeonse, easements and leases.

A right is registered under the next rank number of section B and stays on the register
when it is cancelled (말소), with `cancelled_on`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.core.history import record_change
from nara.land import repository
from nara.land.models import RIGHT_KINDS, LandChange, Right
from nara.land.schemas import RightCreate
from nara.land.service import Property, next_receipt, property_kind

RIGHTS_NEEDING_AMOUNT = ("mortgage", "jeonse")


def register_right(
    *, session: Session, clock: Clock, actor: str, prop: Property, right_in: RightCreate
) -> Right:
    """Register a right over a property in section B under the next rank number."""
    if right_in.kind not in RIGHT_KINDS:
        raise invalid(
            "right_kind_unknown",
            f"A right is one of {', '.join(RIGHT_KINDS)}, not '{right_in.kind}'.",
            f"권리의 종류는 {', '.join(RIGHT_KINDS)} 중 하나입니다('{right_in.kind}').",
            field_name="kind",
        )
    if right_in.amount_won < 0:
        raise invalid(
            "amount_negative",
            "An amount cannot be negative.",
            "금액은 음수일 수 없습니다.",
            field_name="amount_won",
        )
    if right_in.kind in RIGHTS_NEEDING_AMOUNT and right_in.amount_won == 0:
        raise invalid(
            "amount_required",
            "A mortgage needs its maximum claim amount and a jeonse its deposit, in won.",
            "근저당권은 채권최고액, 전세권은 전세금을 원 단위로 적어야 합니다.",
            field_name="amount_won",
        )
    on = today(clock)
    kind = property_kind(prop)
    right = Right(
        property_kind=kind,
        property_id=prop.id,
        rank_no=repository.next_right_rank(session, kind, prop.id),
        kind=right_in.kind,
        holder_name=right_in.holder_name,
        amount_won=right_in.amount_won,
        registered_on=on,
        receipt_no=next_receipt(session, on),
        cancelled_on=None,
    )
    repository.add(session, right)
    session.flush()
    record_change(
        session,
        clock,
        LandChange,
        entity=kind,
        entity_id=prop.id,
        action="right_registered",
        actor=actor,
        event_type="land.right_registered",
        data={
            "right_id": right.id,
            "kind": right.kind,
            "rank_no": right.rank_no,
            "amount_won": right.amount_won,
            "receipt_no": right.receipt_no,
        },
    )
    return right


def cancel_right(*, session: Session, clock: Clock, actor: str, right_id: int) -> Right:
    """Cancel a section B right (말소): it stays on the register with `cancelled_on`."""
    right = repository.right_by_id(session, right_id, for_update=True)
    if right is None:
        raise NotFound(
            "right_unknown",
            Message(
                f"No right with id {right_id} is registered.", f"id {right_id}인 권리가 없습니다."
            ),
        )
    if right.cancelled_on is not None:
        raise Conflict(
            "right_already_cancelled",
            Message(
                f"Right {right_id} was already cancelled on {right.cancelled_on.isoformat()}.",
                f"id {right_id}인 권리는 {right.cancelled_on.isoformat()}에 이미 말소되었습니다.",
            ),
        )
    right.cancelled_on = today(clock)
    session.flush()
    record_change(
        session,
        clock,
        LandChange,
        entity=right.property_kind,
        entity_id=right.property_id,
        action="right_cancelled",
        actor=actor,
        event_type="land.right_cancelled",
        data={"right_id": right.id, "kind": right.kind, "rank_no": right.rank_no},
    )
    return right
