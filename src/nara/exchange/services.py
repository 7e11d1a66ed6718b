"""Services agencies offer each other, and the client side of calling them.

`Exchange.call(contract, ctx, request)` is the only door between registers. It builds an
X-Road REST request (`nara.exchange.messages`), signs it with the calling agency's member
key, hands it to a transport (in-process by default, HTTPS with mutual TLS to another node),
verifies the provider's signed response against the request, and returns the answer as the
contract's type, or raises the provider's refusal as a problem with its stable `code`. The
provider side (`nara.exchange.gateway.Gateway`) verifies, checks rights, consent and the
purpose's preconditions, answers with the purpose's view and logs the exchange.

A service is one of three kinds:

- **typed** (`Service.typed`): a handler of a contract's request model returning its answer;
  every agency's services are typed;
- **REST** (`Service.rest`): a handler of the request as sent (method, path, query, headers,
  body of any media type) returning a `Reply`, for services that are not JSON functions;
- **keyword** (the plain constructor): a handler of JSON parameters as keyword arguments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Annotated, Any, Protocol, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.errors import NaraError
from nara.core.pii import PiiCipher
from nara.exchange.contracts import Contract
from nara.exchange.purposes import Purpose

if TYPE_CHECKING:
    from nara.exchange.messages import Reply
    from nara.exchange.messages import Request as XRequest
    from nara.exchange.messages import Response as XResponse
    from nara.exchange.trust.keystore import Keystore

SYSTEM_USER = "system"
PLATFORM_CALLER = "platform"
"""The caller of a call made by Nara's own code (whose user id the platform vouches for)."""

Req = TypeVar("Req", bound=BaseModel)
Ans = TypeVar("Ans")


@dataclass(frozen=True)
class CallContext:
    """Who is asking, why, and in which transaction.

    `client` is the calling agency (`land`), `purpose` the code of a purpose the service
    declares, `user_id` the official (or `system`) on whose behalf, `case` the case behind
    the call (`X-Road-Issue`), `represented_party` a party the client acts for. `caller` is
    who the client's node authenticated (`platform` for Nara's own code, `token:<name>` or
    `certificate:<subject>` for an information system); a user id from anyone but the
    platform is the calling system's assertion, and is shown to the citizen as such.
    """

    session: Session
    clock: Clock
    cipher: PiiCipher
    client: str
    purpose: str
    user_id: str = SYSTEM_USER
    case: str = ""
    exchange: Exchange | None = field(default=None, compare=False, repr=False)
    """The exchange a provider's handler may call onward through (set by the gateway)."""
    represented_party: str = ""
    caller: str = PLATFORM_CALLER
    message_id: str = ""
    """The message id of the call being answered (set by the gateway)."""
    provider: str = ""
    """The agency answering the call (set by the gateway): who calls onward as itself."""

    @property
    def user_asserted(self) -> bool:
        """Whether the user id was asserted by a calling system rather than the platform."""
        return self.caller != PLATFORM_CALLER

    def onward(
        self, contract: Contract[Req, Ans], request: Req, *, client: str, purpose: str
    ) -> Ans:
        """Call another agency's service from inside a handler, as `client` (the provider
        itself) for `purpose`, in the same transaction, on behalf of the same user and case."""
        if self.exchange is None:
            raise RuntimeError("this call context has no exchange to call onward through")
        ctx = replace(self, client=client, purpose=purpose, caller=PLATFORM_CALLER)
        return self.exchange.call(contract, ctx, request)


Subjects = Callable[[Any], Sequence[int]]
"""The persons a call reads, from its parsed request."""

Precondition = Callable[[CallContext, Any], None]
"""A purpose's condition on a call, checked by the provider before answering: raises a
`NaraError` naming what does not hold (the gateway refuses the call with it)."""


def no_subjects(params: Any) -> Sequence[int]:
    return ()


def persons_answered(answer: Mapping[int, Any]) -> Iterable[int]:
    """`found` of a service answering a mapping of person id to record: its keys."""
    return answer.keys()


@dataclass(frozen=True)
class Service:
    """A service an agency offers, e.g. `residents/person-summaries`.

    A `personal` service returns persons' data: `subjects(parsed request)` names the persons
    a call reads, and each call must name one of `purposes`, whose lawful basis (consent or
    a statute), preconditions and view (fields) apply. A service that is not personal (a
    business's status) may be called for any well-formed purpose code, or none, and is
    logged but not consent-checked.
    """

    id: str
    description: str
    handler: Callable[..., Any]
    personal: bool = True
    purposes: tuple[Purpose, ...] = ()
    subjects: Subjects = no_subjects
    answer_subjects: Callable[[Any], Sequence[int]] | None = None
    found: Callable[[Any], Iterable[int]] | None = None
    """The persons asked about whom the answer holds a record (an id may name nobody): only
    they are recorded as read. None: every person asked about."""
    """Further persons an answer reveals (a household's members), recorded as read too."""
    openapi: str = ""
    """An OpenAPI 3 description of the service (YAML or JSON text); generated when empty."""
    contract: Contract[Any, Any] | None = None
    """The contract of a typed service."""
    rest: bool = False
    """A REST service: `handler(ctx, request) -> Reply` sees the request as sent."""

    def __post_init__(self) -> None:
        codes = [p.code for p in self.purposes]
        if len(set(codes)) != len(codes):
            raise ValueError(f"service {self.id} declares a purpose twice")
        if self.contract is not None and self.contract.service != self.id:
            raise ValueError(f"service {self.id} is bound to the contract {self.contract}")
        if (self.contract is None) == (not self.rest):
            raise ValueError(f"service {self.id} is neither typed on a contract nor REST")

    @classmethod
    def typed(
        cls,
        contract: Contract[Req, Ans],
        handler: Callable[[CallContext, Req], Ans],
        *,
        description: str = "",
        personal: bool = True,
        purposes: tuple[Purpose, ...] = (),
        subjects: Callable[[Req], Sequence[int]] = no_subjects,
        answer_subjects: Callable[[Ans], Sequence[int]] | None = None,
        found: Callable[[Ans], Iterable[int]] | None = None,
    ) -> Service:
        """A service answering `contract` with `handler(ctx, request) -> answer`."""
        return cls(
            id=contract.service,
            description=description or contract.summary,
            handler=handler,
            personal=personal,
            purposes=purposes,
            subjects=subjects,
            answer_subjects=answer_subjects,
            found=found,
            contract=contract,
        )

    @classmethod
    def rest_service(
        cls,
        id: str,
        handler: Callable[[CallContext, XRequest], Reply],
        *,
        description: str,
        openapi: str = "",
    ) -> Service:
        """A service seeing the request as sent and answering a `Reply` (not personal)."""
        return cls(
            id=id,
            description=description,
            handler=handler,
            personal=False,
            subjects=no_subjects,
            openapi=openapi,
            rest=True,
        )

    @property
    def typed_contract(self) -> Contract[Any, Any]:
        """The contract of a typed service (every service not REST has one)."""
        if self.contract is None:
            raise TypeError(f"service {self.id} is a REST service, without a contract")
        return self.contract

    @property
    def provider(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def code(self) -> str:
        return self.id.split("/", 1)[1]

    def purpose(self, code: str) -> Purpose | None:
        return next((p for p in self.purposes if p.code == code), None)


class Transport(Protocol):
    """Carries a signed request to the provider and brings back its signed response."""

    def deliver(self, request: XRequest, ctx: CallContext) -> XResponse: ...


@dataclass
class Exchange:
    """The directory of offered services and the client side of calling them."""

    keystore: Keystore | None = None
    replay_window: dt.timedelta = dt.timedelta(seconds=300)
    local_agencies: frozenset[str] = frozenset()
    """Agencies served in this process; empty means all of them."""
    transports: dict[str, Transport] = field(default_factory=dict)
    """The transport to each agency not served here (by agency)."""
    uses: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The services each agency calls (its `USES`), granted at install."""
    max_body: int = 4 * 1024 * 1024
    """The largest request body the exchange accepts (bytes)."""
    ca_holder: bool = True
    """Whether this node holds the CA and so may make a member's signing key on first use."""
    _services: dict[str, Service] = field(default_factory=dict)
    _local: Transport | None = None

    def offer(self, service: Service) -> None:
        if service.id in self._services:
            raise ValueError(f"service {service.id} is offered twice")
        self._services[service.id] = service

    def offer_all(self, services: Iterable[Service]) -> None:
        for service in services:
            self.offer(service)

    @property
    def services(self) -> list[Service]:
        return sorted(self._services.values(), key=lambda s: s.id)

    def find(self, service_id: str) -> Service | None:
        return self._services.get(service_id)

    def serves_locally(self, agency: str) -> bool:
        return not self.local_agencies or agency in self.local_agencies

    def local_transport(self) -> Transport:
        if self._local is None:
            from nara.exchange.gateway import Gateway, InProcessTransport

            self._local = InProcessTransport(Gateway(self))
        return self._local

    def transport_for(self, agency: str) -> Transport | None:
        """The transport to the node serving `agency`, or None when no node is known."""
        if self.serves_locally(agency):
            return self.local_transport()
        return self.transports.get(agency)

    def require_keystore(self) -> Keystore:
        if self.keystore is None:
            raise RuntimeError("this Exchange has no keystore: build it with build_exchange(...)")
        return self.keystore

    def call(self, contract: Contract[Req, Ans], ctx: CallContext, request: Req) -> Ans:
        """Call the contract's service for `ctx.purpose` as `ctx.client`; its typed answer."""
        from nara.exchange import client

        body = request.model_dump_json().encode()
        response = client.call_service(self, contract.service, ctx, body)
        try:
            return contract.answers.validate_json(response.body or b"null")
        except ValueError as error:
            raise client.answer_unreadable(contract.service, error) from None


def get_exchange(request: Request) -> Exchange:
    exchange: Exchange = request.app.state.exchange
    return exchange


ExchangeDep = Annotated[Exchange, Depends(get_exchange)]

__all__ = [
    "CallContext",
    "Exchange",
    "ExchangeDep",
    "NaraError",
    "Precondition",
    "Service",
]
