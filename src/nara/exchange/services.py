"""The service directory and in-process calls between agencies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.errors import Message, NotFound, invalid
from nara.core.pii import PiiCipher


@dataclass(frozen=True)
class CallContext:
    """What a provider knows of a call: the transaction it runs in and who is asking why."""

    session: Session
    clock: Clock
    cipher: PiiCipher
    client: str
    purpose: str


@dataclass(frozen=True)
class Service:
    """A service an agency offers, e.g. `residents/person-summaries`.

    `handler(ctx, **params)` answers with JSON-able data. `personal` marks services that
    return a person's data (their reads are consented and logged as the exchange grows).
    """

    id: str
    description: str
    handler: Callable[..., Any]
    personal: bool = True

    @property
    def provider(self) -> str:
        return self.id.split("/", 1)[0]


class Exchange:
    """The directory of offered services and the way to call them."""

    def __init__(self, services: Iterable[Service] = ()) -> None:
        self._services: dict[str, Service] = {}
        for service in services:
            self.offer(service)

    def offer(self, service: Service) -> None:
        if service.id in self._services:
            raise ValueError(f"service {service.id} is offered twice")
        self._services[service.id] = service

    @property
    def services(self) -> list[Service]:
        return sorted(self._services.values(), key=lambda s: s.id)

    def call(self, service_id: str, ctx: CallContext, **params: Any) -> Any:
        service = self._services.get(service_id)
        if service is None:
            raise NotFound(
                "service_unknown",
                Message(
                    f"No agency offers the service {service_id}.",
                    f"{service_id} 서비스를 제공하는 기관이 없습니다.",
                ),
            )
        return service.handler(ctx, **params)


def date_param(value: dt.date | str | None, *, field_name: str) -> dt.date | None:
    """A date parameter of a service call: a `date`, an ISO string, or absent.

    Calls may cross a wire as JSON, so dates arrive as strings; a malformed one is the
    caller's error (422), not the provider's.
    """
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise invalid(
            "date_format",
            f"'{value}' is not a date written YYYY-MM-DD.",
            f"'{value}'은(는) YYYY-MM-DD 형식의 날짜가 아닙니다.",
            field_name=field_name,
        ) from None


def get_exchange(request: Request) -> Exchange:
    exchange: Exchange = request.app.state.exchange
    return exchange


ExchangeDep = Annotated[Exchange, Depends(get_exchange)]
