"""Rules of the exchange directory: enabling services, granting and checking access rights.

Functions take keyword-only arguments and never commit; every change appends a row to
`exchange_change` with its outbox event (`record_change`).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.errors import Conflict, Forbidden, Invalid, Message, NotFound
from nara.core.history import record_change
from nara.exchange.directory_admin import repository
from nara.exchange.directory_admin.models import (
    ExchangeAccessRight,
    ExchangeChange,
    ExchangeMember,
    ExchangeService,
    ExchangeSubsystem,
)
from nara.exchange.trust.identifiers import MemberId, ServiceId, SubsystemId

T = TypeVar("T", bound="RightRule")

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def log_change(
    session: Session,
    clock: Clock,
    *,
    entity: str,
    entity_id: int,
    action: str,
    data: dict[str, Any],
    actor: str,
) -> None:
    """Append a change to `exchange_change` and its `exchange.<action>` outbox event."""
    record_change(
        session,
        clock,
        ExchangeChange,
        entity=entity,
        entity_id=entity_id,
        action=action,
        data=data,
        actor=actor,
        event_type=f"exchange.{action}",
    )
    session.flush()


# Look-ups ---------------------------------------------------------------------------------


def get_member(session: Session, member: MemberId) -> ExchangeMember:
    row = repository.find_member(session, member)
    if row is None:
        raise NotFound(
            "member_unknown",
            Message(
                f"No member {member} is registered.", f"{member} 기관이 등록되어 있지 않습니다."
            ),
            {"member": str(member)},
        )
    return row


def get_subsystem(session: Session, subsystem: SubsystemId) -> ExchangeSubsystem:
    row = repository.find_subsystem(session, subsystem)
    if row is None:
        raise NotFound(
            "subsystem_unknown",
            Message(
                f"No subsystem {subsystem} is registered.",
                f"{subsystem} 서브시스템이 등록되어 있지 않습니다.",
            ),
            {"subsystem": str(subsystem)},
        )
    return row


def _service_unknown(service: ServiceId) -> Message:
    return Message(
        f"No service {service} is registered.", f"{service} 서비스가 등록되어 있지 않습니다."
    )


def get_service(session: Session, service: ServiceId) -> ExchangeService:
    """One version of a service; without a version in the id, the only version there is."""
    rows = repository.find_services(session, service)
    if not rows:
        raise NotFound("service_unknown", _service_unknown(service), {"service": str(service)})
    if len(rows) > 1:
        raise Invalid(
            "service_version_missing",
            Message(
                f"The service {service} has several versions; name one.",
                f"{service} 서비스에는 여러 버전이 있습니다. 버전을 지정하세요.",
            ),
            {"service": str(service)},
        )
    return rows[0]


def members(session: Session, *, offset: int, limit: int) -> tuple[list[ExchangeMember], int]:
    return repository.members_page(session, offset=offset, limit=limit)


def subsystems_of(
    session: Session, *, member: MemberId, offset: int, limit: int
) -> tuple[list[ExchangeSubsystem], int]:
    row = get_member(session, member)
    return repository.subsystems_page(session, member_id=row.id, offset=offset, limit=limit)


def services_of(
    session: Session, *, subsystem: SubsystemId, offset: int, limit: int
) -> tuple[list[ExchangeService], int]:
    row = get_subsystem(session, subsystem)
    return repository.services_page(session, subsystem_id=row.id, offset=offset, limit=limit)


def rights(
    session: Session,
    *,
    client: SubsystemId | None,
    service: ServiceId | None,
    include_revoked: bool,
    offset: int,
    limit: int,
) -> tuple[list[ExchangeAccessRight], int]:
    return repository.rights_page(
        session,
        client_id=None if client is None else get_subsystem(session, client).id,
        service_id=None if service is None else get_service(session, service).id,
        include_revoked=include_revoked,
        offset=offset,
        limit=limit,
    )


# Rules -------------------------------------------------------------------------------------


def set_service_enabled(
    session: Session, *, clock: Clock, actor: str, service: ServiceId, enabled: bool
) -> ExchangeService:
    """Enable or disable a service; asking for the state it is already in changes nothing."""
    row = get_service(session, service)
    if row.enabled != enabled:
        row.enabled = enabled
        row.updated_at = clock.now()
        session.flush()
        log_change(
            session,
            clock,
            entity="service",
            entity_id=row.id,
            action="service_enabled" if enabled else "service_disabled",
            data={"service": row.xroad_id},
            actor=actor,
        )
    return row


def _method(method: str | None) -> str | None:
    if method is None or method == "*":
        return None
    upper = method.upper()
    if upper not in METHODS:
        raise Invalid(
            "method_invalid",
            Message(
                f"'{method}' is not an HTTP method ({', '.join(sorted(METHODS))}).",
                f"'{method}'은(는) HTTP 메서드가 아닙니다 ({', '.join(sorted(METHODS))}).",
            ),
            {"field": "method"},
        )
    return upper


def _path(path: str | None) -> str | None:
    if path is None or path == "*":
        return None
    if not path.startswith("/") or not path.isprintable():
        raise Invalid(
            "path_invalid",
            Message(
                f"An endpoint path starts with '/' and is printable; got {path!r}.",
                f"엔드포인트 경로는 '/'로 시작하는 출력 가능한 문자열이어야 합니다: {path!r}",
            ),
            {"field": "path"},
        )
    return path


def grant_access(
    session: Session,
    *,
    clock: Clock,
    actor: str,
    client: SubsystemId,
    service: ServiceId,
    method: str | None = None,
    path: str | None = None,
) -> ExchangeAccessRight:
    """Let a client subsystem call a service, or only `method` on paths matching `path`.

    404 for an unknown client or service; 409 when the same right is already held.
    """
    method_in, path_in = _method(method), _path(path)
    client_row = get_subsystem(session, client)
    service_row = get_service(session, service)
    held = repository.held_right(
        session,
        client_id=client_row.id,
        service_id=service_row.id,
        method=method_in,
        path=path_in,
    )
    if held is not None:
        raise Conflict(
            "access_already_granted",
            Message(
                f"{client} already holds this right on {service_row.xroad_id}.",
                f"{client}은(는) 이미 {service_row.xroad_id}에 대한 이 권한을 가지고 있습니다.",
            ),
            {"right_id": held.id},
        )
    right = ExchangeAccessRight(
        client_id=client_row.id,
        service_id=service_row.id,
        method=method_in,
        path=path_in,
        granted_at=clock.now(),
        granted_by=actor,
        revoked_at=None,
        revoked_by=None,
    )
    session.add(right)
    session.flush()
    log_change(
        session,
        clock,
        entity="access_right",
        entity_id=right.id,
        action="access_granted",
        data={
            "client": client_row.xroad_id,
            "service": service_row.xroad_id,
            "method": method_in,
            "path": path_in,
        },
        actor=actor,
    )
    return right


def revoke_access(
    session: Session, *, clock: Clock, actor: str, right_id: int
) -> ExchangeAccessRight:
    """End an access right. 404 for an unknown right; 409 when it is already revoked."""
    right = session.get(ExchangeAccessRight, right_id)
    if right is None:
        raise NotFound(
            "access_right_unknown",
            Message(f"No access right {right_id}.", f"{right_id}번 접근 권한이 없습니다."),
        )
    if right.revoked_at is not None:
        raise Conflict(
            "access_already_revoked",
            Message(
                f"Access right {right_id} was already revoked.",
                f"{right_id}번 접근 권한은 이미 철회되었습니다.",
            ),
        )
    right.revoked_at = clock.now()
    right.revoked_by = actor
    session.flush()
    log_change(
        session,
        clock,
        entity="access_right",
        entity_id=right.id,
        action="access_revoked",
        data={"client_id": right.client_id, "service_id": right.service_id},
        actor=actor,
    )
    return right


class ServiceState(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def enabled(self) -> bool: ...


class RightRule(Protocol):
    @property
    def method(self) -> str | None: ...

    @property
    def path(self) -> str | None: ...


def _matches(right: RightRule, method: str, path: str) -> bool:
    if right.method is not None and right.method != method.upper():
        return False
    return right.path is None or fnmatch.fnmatchcase(path, right.path)


def decide_access(
    *,
    services: Sequence[ServiceState],
    rights_of: Callable[[list[int]], Iterable[T]],
    client: SubsystemId,
    service: ServiceId,
    method: str,
    path: str,
) -> T:
    """The right that lets `client` call `method path` on `service`, or Forbidden.

    `services` are the registered versions of the service; `rights_of(ids)` the client's
    unrevoked rights on those service ids. Codes: `service_unknown` (no such service is
    registered), `service_disabled` (registered but not enabled), `access_denied` (no
    unrevoked right of the client covers this endpoint, or the client is not registered).
    """
    if not services:
        raise Forbidden("service_unknown", _service_unknown(service), {"service": str(service)})
    enabled = [row.id for row in services if row.enabled]
    if not enabled:
        raise Forbidden(
            "service_disabled",
            Message(
                f"The service {service} is disabled.", f"{service} 서비스는 사용 중지 상태입니다."
            ),
            {"service": str(service)},
        )
    for right in rights_of(enabled):
        if _matches(right, method, path):
            return right
    raise Forbidden(
        "access_denied",
        Message(
            f"{client} may not call {method.upper()} {path} on {service}.",
            f"{client}은(는) {service}의 {method.upper()} {path}을(를) 호출할 권한이 없습니다.",
        ),
        {"client": str(client), "service": str(service)},
    )


def check_access(
    session: Session, *, client: SubsystemId, service: ServiceId, method: str, path: str
) -> ExchangeAccessRight:
    """The right that lets `client` call `method path` on `service`, or Forbidden (read from
    the database; see `decide_access` for the codes, and `nara.exchange.policy` for the
    cached form the gateway uses)."""
    return decide_access(
        services=repository.find_services(session, service),
        rights_of=lambda ids: repository.rights_of_client(session, client=client, service_ids=ids),
        client=client,
        service=service,
        method=method,
        path=path,
    )
