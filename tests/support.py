"""Helpers shared by tests of every package."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.core.clock import Clock


def count_rows(session: Session, table: str) -> int:
    """How many rows a table holds (for 'nothing was written' checks)."""
    return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert a problem+json answer with this status and stable code; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["detail"], body
    return body


DIRECTORY_TABLES = (
    "exchange_access_right",
    "exchange_service",
    "exchange_subsystem",
    "exchange_member",
    "exchange_consent_agreement",
)
"""What the install's sync writes to the exchange directory, children before parents (its
change logs are append-only and stay: the tests count what they add)."""


def empty_directory(session: Session) -> Session:
    """Empty the exchange directory within the test's transaction, for the tests of the sync
    itself (the test database is otherwise synced as `nara db upgrade` leaves it)."""
    for table in DIRECTORY_TABLES:
        session.execute(text(f"DELETE FROM {table}"))
    return session


def api_routes(routes: list[Any]) -> Iterator[Any]:
    """Every route of an app, looking inside included routers (FastAPI includes them lazily)."""
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:
            yield from api_routes(original.routes)
        else:
            yield route


def grant(session: Session, clock: Clock, client: str, service: str) -> None:
    """Let the agency `client` call `service` (`land/properties-of-owner`), as an operator would.

    Registers the client's subsystem if this install has none for it, enables the service
    and grants the right.
    """
    from nara.core.errors import Conflict
    from nara.exchange.directory_admin.platform import register_platform
    from nara.exchange.directory_admin.service import grant_access, set_service_enabled
    from nara.exchange.members import service_id_for, subsystem_of

    register_platform(session, clock, [], agencies=[client])
    service_id = service_id_for(service)
    set_service_enabled(session, clock=clock, actor="test", service=service_id, enabled=True)
    try:
        grant_access(
            session, clock=clock, actor="test", client=subsystem_of(client), service=service_id
        )
    except Conflict as held:  # granted at install (the package's `USES`)
        assert held.code == "access_already_granted"
    session.flush()


def revoke(session: Session, clock: Clock, client: str, service: str) -> None:
    """End every right the agency `client` holds on `service` (one granted at install too)."""
    from nara.exchange.directory_admin.service import revoke_access, rights
    from nara.exchange.members import service_id_for, subsystem_of

    held, _ = rights(
        session,
        client=subsystem_of(client),
        service=service_id_for(service),
        include_revoked=False,
        offset=0,
        limit=100,
    )
    for right in held:
        revoke_access(session, clock=clock, actor="test", right_id=right.id)
    session.flush()


def call_json(exchange: Any, service: str, ctx: Any, **params: Any) -> Any:
    """Call an agency's service the way the tests state it, by id and JSON parameters: the
    request is made from its contract (`nara.exchange.contracts.registry`) and the answer
    given back as the JSON the service put on the wire."""
    from nara.exchange.contracts.registry import contract_of

    contract = contract_of(service)
    request = contract.request.model_validate(params)
    answer = exchange.call(contract, ctx, request)
    return contract.answers.dump_python(answer, mode="json")


def call_wire(exchange: Any, service: str, ctx: Any, **params: Any) -> Any:
    """Call a service with a JSON body as given (not checked against its contract on the way
    out), and give back the JSON the provider put on the wire (the purpose's view exactly);
    a refusal is raised as the provider's error."""
    from nara.exchange.client import call_service
    from nara.exchange.messages import encode_params

    return call_service(exchange, service, ctx, encode_params(params)).json()
