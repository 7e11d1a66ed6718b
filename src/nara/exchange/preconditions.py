"""Conditions a provider checks before answering a purpose (`Purpose.preconditions`).

Safe Inheritance (안심상속) lets an heir learn what a deceased person held. Each agency that
answers its `inheritance-lookup` purpose checks, itself, through the exchange, that the person
read is recorded deceased in the resident register and that the party the single window acts
for (`X-Road-Represented-Party: PERSON/<person id>`) is his heir of the 1st or 2nd rank in the
family register on the day of the death. A call that does not hold is refused as access
denied, whoever sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from nara.core.errors import Forbidden, Message
from nara.exchange.contracts.family import HEIR_RANK, HeirRankRequest
from nara.exchange.contracts.residents import DEATH_FACTS, PersonRequest
from nara.exchange.services import CallContext, Precondition

PERSON_PARTY: Final = "PERSON/"
"""How a represented party names a resident: `PERSON/<person id>`."""
INHERITANCE_REQUEST: Final = "inheritance-request"
INHERITANCE_USES: Final = (DEATH_FACTS.service, HEIR_RANK.service)
"""What a provider checking the precondition calls (add it to the agency's `USES`)."""


def _refused(code: str, en: str, ko: str) -> Forbidden:
    return Forbidden(code, Message(en, ko))


def represented_person(ctx: CallContext) -> int | None:
    """The resident a call is made for, when its represented party names one."""
    party = ctx.represented_party
    code = party[len(PERSON_PARTY) :]
    if not party.startswith(PERSON_PARTY) or not (code.isascii() and code.isdigit()):
        return None
    return int(code)


def deceased_for_an_heir(person_of: Callable[[Any], int | None]) -> Precondition:
    """The precondition of an `inheritance-lookup`: `person_of(request)` is recorded deceased,
    and the represented party is his heir of the 1st or 2nd rank on the day of the death."""

    def check(ctx: CallContext, request: Any) -> None:
        person = person_of(request)
        if person is None:
            raise _refused(
                "precondition_not_a_person",
                "Safe Inheritance reads what a deceased person held, not a business's.",
                "안심상속은 사업자가 아닌 사망자의 재산을 조회합니다.",
            )
        heir = represented_person(ctx)
        if heir is None:
            raise _refused(
                "precondition_heir_missing",
                "Safe Inheritance is asked for an heir: name him in X-Road-Represented-Party "
                "(PERSON/<person id>).",
                "안심상속은 상속인을 위해 조회합니다. X-Road-Represented-Party에 상속인을 "
                "밝히십시오 (PERSON/<사람 id>).",
            )
        provider = ctx.provider or ctx.client
        facts = ctx.onward(
            DEATH_FACTS,
            PersonRequest(person_id=person),
            client=provider,
            purpose=INHERITANCE_REQUEST,
        )
        if facts is None or facts.status != "deceased" or facts.status_on is None:
            raise _refused(
                "person_not_deceased",
                "The resident register does not record this person as deceased: Safe "
                "Inheritance reads only what a deceased person held.",
                "주민등록상 사망자로 기록되어 있지 않습니다. 안심상속은 사망자의 재산만 "
                "조회합니다.",
            )
        rank = ctx.onward(
            HEIR_RANK,
            HeirRankRequest(deceased_person_id=person, heir_person_id=heir, on=facts.status_on),
            client=provider,
            purpose=INHERITANCE_REQUEST,
        )
        if rank.rank not in (1, 2):
            raise _refused(
                "heir_rank_refused",
                "The person the call is made for is not an heir of the 1st or 2nd rank of the "
                "deceased on the day of the death.",
                "조회를 요청한 사람은 사망일 기준 피상속인의 1순위 또는 2순위 상속인이 아닙니다.",
            )

    return check
