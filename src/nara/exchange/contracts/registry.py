"""Every contract of the install, by service id: for callers that name a service by data (a
one-stop case's steps) rather than in code."""

from __future__ import annotations

from functools import cache
from types import ModuleType
from typing import Any

from nara.core.errors import Message, NotFound
from nara.exchange.contracts import (
    Contract,
    business,
    family,
    finance,
    land,
    passports,
    residents,
    tax,
    vehicles,
    welfare,
)

MODULES: tuple[ModuleType, ...] = (
    residents,
    family,
    land,
    vehicles,
    business,
    tax,
    welfare,
    passports,
    finance,
)


@cache
def contracts() -> dict[str, Contract[Any, Any]]:
    """The contracts the agencies' modules declare, by service id."""
    found: dict[str, Contract[Any, Any]] = {}
    for module in MODULES:
        for value in vars(module).values():
            if isinstance(value, Contract):
                found[value.service] = value
    return found


def contract_of(service: str) -> Contract[Any, Any]:
    """The contract of a service id; 404 `service_unknown` for one no agency declares."""
    found = contracts().get(service)
    if found is None:
        raise NotFound(
            "service_unknown",
            Message(
                f"No agency declares the service {service}.",
                f"{service} 서비스를 선언한 기관이 없습니다.",
            ),
            {"service": service},
        )
    return found
