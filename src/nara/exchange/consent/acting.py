"""Who a `service` route of the consent API acts for: established, never asserted.

Two callers may give, withdraw or read an individual's consent:

- the **signed-in citizen** himself (the portal's session cookie; unsafe methods carry the
  session's CSRF token). The composition root injects the reader of the session as
  `app.state.signed_in_citizen` (`CitizenReader`), because `nara.exchange` may not import
  `nara.identity`. An individual named in the request must be he (403
  `individual_mismatch`).
- an **official's system** (a bearer token with `consent:write`) under a **mandate** recorded
  for the individual and held by that token, named in `X-Nara-Mandate` together with the
  individual (`X-ConsentBB-IndividualId`, or GovStack's `individualId`). The mandate must be
  in force (`nara.exchange.consent.mandates.acting_mandate`).

A bearer token, when one is sent, decides (a cookie riding along is ignored); without one the
session does. Neither: 401 `credentials_missing`. A token without a mandate: 403
`individual_not_established`. The checks run before the route does anything, so a refusal
writes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Final

from fastapi import Depends, Header, Query, Request

from nara.core.access import ACCESS_MARK, require
from nara.core.web import ClockDep, DbSession
from nara.exchange.consent import errors
from nara.exchange.consent.mandates import acting_mandate, mandate_actor

WRITE_SCOPE: Final = "consent:write"
MAX_PERSON_ID: Final = 2**63 - 1


@dataclass(frozen=True)
class SignedInCitizen:
    """The citizen signed in on a request: his resident's person id and how logs name him."""

    person_id: int
    actor: str


CitizenReader = Callable[[Request], Awaitable[SignedInCitizen | None]]
"""Reads the signed-in citizen of a request (None without a live citizen session) and, for
an unsafe method, refuses a request without the session's CSRF token (403)."""


@dataclass(frozen=True)
class Acting:
    """For whom a request acts, who does it, and under which mandate (None: himself)."""

    person_id: int
    actor: str
    mandate: str | None = None


_token_writer = require(WRITE_SCOPE)


def _bearer(request: Request) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


async def _signed_in(request: Request) -> SignedInCitizen | None:
    """The signed-in citizen, unless the request carries a bearer token (then it decides)."""
    if _bearer(request):
        return None
    reader: CitizenReader | None = getattr(request.app.state, "signed_in_citizen", None)
    if reader is None:
        return None
    return await reader(request)


Citizen = Annotated[SignedInCitizen | None, Depends(_signed_in)]
MandateId = Annotated[
    str | None,
    Header(
        alias=errors.MANDATE_HEADER,
        max_length=64,
        description="The mandate under which a system (token) acts for the individual.",
    ),
]
IndividualHeader = Annotated[
    int | None,
    Header(
        alias=errors.INDIVIDUAL_HEADER,
        ge=1,
        le=MAX_PERSON_ID,
        description="The person id of the individual; for a signed-in citizen, optional "
        "(and his own).",
    ),
]
IndividualQuery = Annotated[
    int | None,
    Query(
        alias="individualId",
        ge=1,
        le=MAX_PERSON_ID,
        description="GovStack's individual id (a person id), as the header.",
    ),
]


def establish(
    request: Request,
    *,
    citizen: SignedInCitizen | None,
    individual: int | None,
    mandate: str | None,
    session: DbSession,
    clock: ClockDep,
) -> Acting:
    """The individual a request acts for, by the rules of this module; raises otherwise."""
    if _bearer(request):
        caller = _token_writer(request)
        if mandate is None or individual is None:
            raise errors.individual_not_established()
        row = acting_mandate(
            session,
            mandate_id=mandate,
            holder=caller.actor,
            person_id=individual,
            at=clock.now(),
        )
        return Acting(individual, mandate_actor(caller.actor, row.uid), row.uid)
    if citizen is None:
        raise errors.credentials_missing()
    if mandate is not None:
        raise errors.citizen_holds_no_mandate()
    if individual is not None and individual != citizen.person_id:
        raise errors.individual_mismatch()
    return Acting(citizen.person_id, citizen.actor)


ACCESS = f"scope:{WRITE_SCOPE} under a mandate, or the signed-in citizen himself"


def acting_by_header(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    individual: IndividualHeader = None,
    mandate: MandateId = None,
) -> Acting:
    """Nara's own routes: the individual in `X-ConsentBB-IndividualId`."""
    return establish(
        request,
        citizen=citizen,
        individual=individual,
        mandate=mandate,
        session=session,
        clock=clock,
    )


def acting_by_query(
    *,
    request: Request,
    citizen: Citizen,
    session: DbSession,
    clock: ClockDep,
    individual_id: IndividualQuery = None,
    individual: IndividualHeader = None,
    mandate: MandateId = None,
) -> Acting:
    """GovStack's routes: the individual in `individualId` (or the header; both must agree)."""
    if individual_id is not None and individual is not None and individual_id != individual:
        raise errors.individual_ambiguous()
    return establish(
        request,
        citizen=citizen,
        individual=individual_id if individual_id is not None else individual,
        mandate=mandate,
        session=session,
        clock=clock,
    )


setattr(acting_by_header, ACCESS_MARK, ACCESS)
setattr(acting_by_query, ACCESS_MARK, ACCESS)

ActingFor = Annotated[Acting, Depends(acting_by_header)]
ActingForQuery = Annotated[Acting, Depends(acting_by_query)]
