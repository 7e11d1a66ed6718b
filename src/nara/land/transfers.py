"""Transfers of ownership (section A, 갑구): sale, inheritance, gift and auction.

A transfer names the current owners who give up a share (all of them, wholly, when none is
named) and the owners who receive one. Afterwards the current owners' shares must still add
up to exactly one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction

from sqlalchemy.orm import Session

from nara.core.clock import Clock, today
from nara.core.errors import Conflict, Message, invalid
from nara.core.history import record_change
from nara.core.pii import PiiCipher
from nara.exchange import CallContext, Exchange
from nara.land import repository
from nara.land.models import LandChange, Ownership
from nara.land.owners import (
    Owner,
    OwnerKey,
    acquirers,
    check_owner_kind,
    check_whole,
    owner_key,
    owners_data,
    parse_share,
    person_summaries,
    share_text,
)
from nara.land.schemas import TransferCreate, TransferorIn
from nara.land.service import (
    Property,
    call_context,
    new_entry,
    next_receipt,
    property_kind,
)

TRANSFER_CAUSES = ("sale", "inheritance", "gift", "auction")


def _outgoing(
    transferors: Sequence[TransferorIn], holdings: dict[OwnerKey, list[Ownership]]
) -> dict[OwnerKey, Fraction]:
    """The share each transferor gives up (all current owners, wholly, when none is named)."""

    def held(key: OwnerKey) -> Fraction:
        return sum((Fraction(e.share_num, e.share_den) for e in holdings[key]), Fraction(0))

    if not transferors:
        return {key: held(key) for key in holdings}
    outgoing: dict[OwnerKey, Fraction] = {}
    for t in transferors:
        check_owner_kind(t.owner_kind, t.owner_id, t.owner_name)
        key = owner_key(t.owner_kind, t.owner_id, t.owner_name)
        if key in outgoing:
            raise invalid(
                "owner_repeated",
                "The same transferor is named twice; give them one share.",
                "같은 양도인이 두 번 적혀 있습니다. 지분을 하나로 합쳐 적으세요.",
                field_name="transferors",
            )
        if key not in holdings:
            raise Conflict(
                "transferor_not_owner",
                Message(
                    f"The transferor ({t.owner_kind} {t.owner_id or t.owner_name}) is not a "
                    "current owner of this property.",
                    f"양도인({t.owner_kind} {t.owner_id or t.owner_name})은(는) 이 부동산의 "
                    "현재 소유자가 아닙니다.",
                ),
            )
        share = held(key) if t.share is None else parse_share(t.share)
        if share > held(key):
            raise Conflict(
                "share_exceeds_holding",
                Message(
                    f"The transferor holds {share_text(held(key))}, less than {share_text(share)}.",
                    f"양도인의 지분({share_text(held(key))})이 {share_text(share)}보다 적습니다.",
                ),
            )
        outgoing[key] = share
    return outgoing


def _check_deceased(keys: Sequence[OwnerKey], *, exchange: Exchange, ctx: CallContext) -> None:
    """Property is inherited only from persons who have died."""
    ids = [int(k[1]) for k in keys if k[0] == "person" and isinstance(k[1], int)]
    summaries = person_summaries(exchange, ctx, ids)
    if any(k[0] != "person" for k in keys) or any(
        s.status != "deceased" for s in summaries.values()
    ):
        raise Conflict(
            "transferor_not_deceased",
            Message(
                "Property passes by inheritance only from a person who has died.",
                "상속은 사망한 사람의 부동산에 대해서만 등기할 수 있습니다.",
            ),
        )


def transfer_ownership(
    *,
    session: Session,
    clock: Clock,
    cipher: PiiCipher,
    exchange: Exchange,
    actor: str,
    prop: Property,
    transfer_in: TransferCreate,
) -> str:
    """Register a transfer of ownership (section A); returns the receipt number.

    The transferors' current entries end; each gets a new entry for what it keeps, and each
    transferee an entry for what it receives, all under the next rank number.
    """
    on = today(clock)
    if transfer_in.cause not in TRANSFER_CAUSES:
        raise invalid(
            "cause_unknown",
            f"A transfer is caused by {', '.join(TRANSFER_CAUSES)}, not '{transfer_in.cause}'.",
            "이전 원인은 매매(sale), 상속(inheritance), 증여(gift), 경매(auction) 중 하나입니다.",
            field_name="cause",
        )
    if transfer_in.cause_on > on:
        raise invalid(
            "cause_on_future",
            "The date of the cause (contract, death, sale) cannot be in the future.",
            "등기원인일은 미래일 수 없습니다.",
            field_name="cause_on",
        )
    kind = property_kind(prop)
    holdings: dict[OwnerKey, list[Ownership]] = defaultdict(list)
    for entry in repository.ownerships(session, kind, prop.id, as_of=None):
        holdings[owner_key(entry.owner_kind, entry.owner_id, entry.owner_name)].append(entry)
    outgoing = _outgoing(transfer_in.transferors, holdings)
    ctx = call_context(session, clock, cipher, "register-check")
    incoming = acquirers(transfer_in.transferees, exchange=exchange, ctx=ctx)
    if any(owner.key in outgoing for owner, _ in incoming):
        raise invalid(
            "transfer_to_self",
            "A transferor cannot also be a transferee of the same transfer.",
            "양도인이 같은 이전의 양수인이 될 수 없습니다.",
            field_name="transferees",
        )
    remaining = {
        key: sum((Fraction(e.share_num, e.share_den) for e in entries), Fraction(0))
        - outgoing.get(key, Fraction(0))
        for key, entries in holdings.items()
    }
    check_whole([*remaining.values(), *(share for _, share in incoming)])
    if transfer_in.cause == "inheritance":
        _check_deceased(list(outgoing), exchange=exchange, ctx=ctx)
    rank_no = repository.next_ownership_rank(session, kind, prop.id)
    receipt_no = next_receipt(session, on)
    for key in outgoing:
        entries = holdings[key]
        for entry in entries:
            entry.ended_on = on
        if remaining[key]:
            last = entries[-1]
            keeper = Owner(last.owner_kind, last.owner_id, last.owner_name)
            repository.add(
                session,
                new_entry(
                    prop,
                    keeper,
                    remaining[key],
                    cause=last.cause,
                    cause_on=last.cause_on,
                    on=on,
                    rank_no=rank_no,
                    receipt_no=receipt_no,
                ),
            )
    for owner, share in incoming:
        repository.add(
            session,
            new_entry(
                prop,
                owner,
                share,
                cause=transfer_in.cause,
                cause_on=transfer_in.cause_on,
                on=on,
                rank_no=rank_no,
                receipt_no=receipt_no,
            ),
        )
    session.flush()
    record_change(
        session,
        clock,
        LandChange,
        entity=kind,
        entity_id=prop.id,
        action="ownership_transferred",
        actor=actor,
        event_type="land.ownership_transferred",
        data={
            "receipt_no": receipt_no,
            "rank_no": rank_no,
            "cause": transfer_in.cause,
            "cause_on": transfer_in.cause_on.isoformat(),
            "from": [
                {
                    "owner_kind": k[0],
                    "owner_id": k[1] if k[0] != "public" else None,
                    "share": share_text(s),
                }
                for k, s in outgoing.items()
            ],
            "to": owners_data(incoming),
        },
    )
    return receipt_no
