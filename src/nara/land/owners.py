"""Owners and shares named in a registration.

A person is checked against the resident register through the exchange
(`residents/person-summaries`) and recorded under the name that register holds. A business
is checked against the business register the same way (`business/summaries`) and recorded
under the name (상호) that register holds; an `owner_name` given with a business is ignored.
An unknown person or business is refused (404), and a deceased person or a closed business
cannot acquire (409). A public owner (the state, a local government) has a name and no id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from nara.core.errors import Conflict, Message, NotFound, invalid
from nara.exchange import CallContext, Exchange
from nara.exchange.contracts.business import (
    BUSINESS_SUMMARIES,
    BusinessSummariesRequest,
    BusinessSummary,
)
from nara.exchange.directory import PersonSummary, ResidentDirectory
from nara.land.models import OWNER_KINDS
from nara.land.schemas import OwnerIn

_SHARE = re.compile(r"^\s*(\d{1,9})\s*/\s*(\d{1,9})\s*$")

OwnerKey = tuple[str, int | str | None]


@dataclass(frozen=True)
class Owner:
    """An owner as the register records them."""

    kind: str
    id: int | None
    name: str

    @property
    def key(self) -> OwnerKey:
        return owner_key(self.kind, self.id, self.name)


def owner_key(kind: str, owner_id: int | None, name: str | None) -> OwnerKey:
    """Persons and businesses are told apart by id, public owners by name."""
    return (kind, name if kind == "public" else owner_id)


def parse_share(text: str) -> Fraction:
    """`"1/2"` → Fraction(1, 2); a share lies in (0, 1]."""
    match = _SHARE.match(text)
    if match is None or int(match.group(2)) == 0:
        raise invalid(
            "share_format",
            f"A share is written as a fraction such as 1/2, not '{text}'.",
            f"지분은 1/2과 같은 분수로 적습니다('{text}'은(는) 올바르지 않습니다).",
            field_name="share",
        )
    share = Fraction(int(match.group(1)), int(match.group(2)))
    if not 0 < share <= 1:
        raise invalid(
            "share_range",
            f"A share must be more than 0 and at most 1, not {text}.",
            f"지분은 0보다 크고 1 이하여야 합니다({text}).",
            field_name="share",
        )
    return share


def share_text(share: Fraction) -> str:
    return f"{share.numerator}/{share.denominator}"


def check_owner_kind(kind: str, owner_id: int | None, owner_name: str | None) -> None:
    """The shape of an owner reference: a known kind with the id or name that kind needs.

    Persons and businesses are named by id alone (an acquirer's name comes from its register;
    a transferor is found by id); a public owner needs its name.
    """
    if kind not in OWNER_KINDS:
        raise invalid(
            "owner_kind_unknown",
            f"An owner is a person, a business or a public body, not '{kind}'.",
            f"소유자 구분은 person, business, public 중 하나입니다('{kind}').",
            field_name="owner_kind",
        )
    if kind != "public" and owner_id is None:
        raise invalid(
            "owner_id_required",
            f"A {kind} owner is named by their register id.",
            "개인·사업자 소유자는 등록번호(id)로 지정합니다.",
            field_name="owner_id",
        )
    if kind == "public" and not owner_name:
        raise invalid(
            "owner_name_required",
            "A public owner needs its name.",
            "공공 소유자는 명칭이 필요합니다.",
            field_name="owner_name",
        )


def person_summaries(
    exchange: Exchange, ctx: CallContext, person_ids: Sequence[int]
) -> dict[int, PersonSummary]:
    """Summaries from the resident register; raises 404 `owner_unknown` for a missing id."""
    found = ResidentDirectory(exchange, ctx).summaries(person_ids)
    for person_id in person_ids:
        if person_id not in found:
            raise NotFound(
                "owner_unknown",
                Message(
                    f"No person with id {person_id} is on the resident register.",
                    f"주민등록부에 id {person_id}인 사람이 없습니다.",
                ),
                {"owner_id": person_id},
            )
    return found


def business_summaries(
    exchange: Exchange, ctx: CallContext, business_ids: Sequence[int]
) -> dict[int, BusinessSummary]:
    """Summaries from the business register; raises 404 `owner_unknown` for a missing id."""
    if not business_ids:
        return {}
    found = exchange.call(
        BUSINESS_SUMMARIES, ctx, BusinessSummariesRequest(business_ids=tuple(business_ids))
    )
    for business_id in business_ids:
        if business_id not in found:
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


def resolve_acquirers(
    owners_in: Sequence[tuple[str, int | None, str | None, Fraction]],
    *,
    exchange: Exchange,
    ctx: CallContext,
) -> list[tuple[Owner, Fraction]]:
    """Check the owners who acquire shares and give the names the register records.

    Each entry is `(kind, id, name, share)`. An owner named twice is refused (422); an
    unknown person or business is 404; a deceased person or a closed business cannot
    acquire (409). Persons and businesses get the name their register holds (a name given
    with them is ignored); public owners keep the name given.
    """
    seen: set[OwnerKey] = set()
    for kind, owner_id, name, _share in owners_in:
        check_owner_kind(kind, owner_id, name)
        key = owner_key(kind, owner_id, name)
        if key in seen:
            raise invalid(
                "owner_repeated",
                "The same owner is named twice; give them one share.",
                "같은 소유자가 두 번 적혀 있습니다. 지분을 하나로 합쳐 적으세요.",
                field_name="owners",
            )
        seen.add(key)
    persons = person_summaries(
        exchange, ctx, [oid for kind, oid, _, _ in owners_in if kind == "person" and oid]
    )
    businesses = business_summaries(
        exchange, ctx, [oid for kind, oid, _, _ in owners_in if kind == "business" and oid]
    )
    resolved: list[tuple[Owner, Fraction]] = []
    for kind, owner_id, name, share in owners_in:
        if kind == "person" and owner_id is not None:
            summary = persons[owner_id]
            if summary.status == "deceased":
                raise Conflict(
                    "owner_deceased",
                    Message(
                        f"Person {owner_id} is deceased and cannot acquire property.",
                        f"id {owner_id}인 사람은 사망하여 부동산을 취득할 수 없습니다.",
                    ),
                    {"owner_id": owner_id},
                )
            resolved.append((Owner(kind, owner_id, summary.name_ko), share))
        elif kind == "business" and owner_id is not None:
            business = businesses[owner_id]
            if business.status == "closed":
                raise Conflict(
                    "owner_closed",
                    Message(
                        f"Business {owner_id} is closed and cannot acquire property.",
                        f"id {owner_id}인 사업자는 폐업하여 부동산을 취득할 수 없습니다.",
                    ),
                    {"owner_id": owner_id, "closed_on": _closed_on(business)},
                )
            resolved.append((Owner(kind, owner_id, business.name), share))
        else:
            resolved.append((Owner(kind, None, name or ""), share))
    return resolved


def check_whole(shares: Sequence[Fraction]) -> None:
    """The shares of a property's current owners add up to exactly one."""
    total = sum(shares, Fraction(0))
    if total != 1:
        raise invalid(
            "shares_not_whole",
            f"The owners' shares must add up to exactly 1; they add up to {share_text(total)}.",
            f"소유자 지분의 합은 정확히 1이어야 합니다(현재 합계 {share_text(total)}).",
            field_name="share",
        )


def acquirers(
    owners_in: Sequence[OwnerIn], *, exchange: Exchange, ctx: CallContext
) -> list[tuple[Owner, Fraction]]:
    claims = [(o.owner_kind, o.owner_id, o.owner_name, parse_share(o.share)) for o in owners_in]
    return resolve_acquirers(claims, exchange=exchange, ctx=ctx)


def owners_data(owners: Sequence[tuple[Owner, Fraction]]) -> list[dict[str, Any]]:
    """Owners as change data: kind, register id and share (names stay in the register)."""
    return [{"owner_kind": o.kind, "owner_id": o.id, "share": share_text(s)} for o, s in owners]
