"""Queries of the exchange directory: the only place that reads its tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from nara.exchange.directory_admin.models import (
    ExchangeAccessRight,
    ExchangeMember,
    ExchangeService,
    ExchangeSubsystem,
)
from nara.exchange.trust.identifiers import MemberId, ServiceId, SubsystemId


def find_member(session: Session, member: MemberId) -> ExchangeMember | None:
    return session.scalar(select(ExchangeMember).where(ExchangeMember.xroad_id == str(member)))


def find_subsystem(session: Session, subsystem: SubsystemId) -> ExchangeSubsystem | None:
    return session.scalar(
        select(ExchangeSubsystem).where(ExchangeSubsystem.xroad_id == str(subsystem))
    )


def find_services(session: Session, service: ServiceId) -> list[ExchangeService]:
    """The versions of a service (one row when `service` names a version)."""
    query = (
        select(ExchangeService)
        .join(ExchangeSubsystem, ExchangeSubsystem.id == ExchangeService.subsystem_id)
        .where(
            ExchangeSubsystem.xroad_id == str(service.subsystem),
            ExchangeService.service_code == service.service_code,
        )
        .order_by(ExchangeService.version)
    )
    if service.version is not None:
        query = query.where(ExchangeService.version == service.version)
    return list(session.scalars(query))


def paged(
    session: Session, query: Select[Any], *, offset: int, limit: int
) -> tuple[list[Any], int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return list(session.scalars(query.offset(offset).limit(limit))), int(total or 0)


def members_page(session: Session, *, offset: int, limit: int) -> tuple[list[ExchangeMember], int]:
    query = select(ExchangeMember).order_by(ExchangeMember.xroad_id)
    return paged(session, query, offset=offset, limit=limit)


def subsystems_page(
    session: Session, *, member_id: int, offset: int, limit: int
) -> tuple[list[ExchangeSubsystem], int]:
    query = (
        select(ExchangeSubsystem)
        .where(ExchangeSubsystem.member_id == member_id)
        .order_by(ExchangeSubsystem.xroad_id)
    )
    return paged(session, query, offset=offset, limit=limit)


def services_page(
    session: Session, *, subsystem_id: int, offset: int, limit: int
) -> tuple[list[ExchangeService], int]:
    query = (
        select(ExchangeService)
        .where(ExchangeService.subsystem_id == subsystem_id)
        .order_by(ExchangeService.service_code, ExchangeService.version)
    )
    return paged(session, query, offset=offset, limit=limit)


def rights_page(
    session: Session,
    *,
    client_id: int | None,
    service_id: int | None,
    include_revoked: bool,
    offset: int,
    limit: int,
) -> tuple[list[ExchangeAccessRight], int]:
    query = select(ExchangeAccessRight).order_by(ExchangeAccessRight.id)
    if client_id is not None:
        query = query.where(ExchangeAccessRight.client_id == client_id)
    if service_id is not None:
        query = query.where(ExchangeAccessRight.service_id == service_id)
    if not include_revoked:
        query = query.where(ExchangeAccessRight.revoked_at.is_(None))
    return paged(session, query, offset=offset, limit=limit)


def held_right(
    session: Session, *, client_id: int, service_id: int, method: str | None, path: str | None
) -> ExchangeAccessRight | None:
    """The unrevoked right with exactly this client, service, method and path, if any."""
    right = ExchangeAccessRight
    return session.scalar(
        select(right).where(
            right.client_id == client_id,
            right.service_id == service_id,
            right.revoked_at.is_(None),
            right.method.is_(None) if method is None else right.method == method,
            right.path.is_(None) if path is None else right.path == path,
        )
    )


def rights_of_client(
    session: Session, *, client: SubsystemId, service_ids: list[int]
) -> list[ExchangeAccessRight]:
    """A client's unrevoked rights on any of these services, oldest first."""
    return list(
        session.scalars(
            select(ExchangeAccessRight)
            .join(ExchangeSubsystem, ExchangeSubsystem.id == ExchangeAccessRight.client_id)
            .where(
                ExchangeSubsystem.xroad_id == str(client),
                ExchangeAccessRight.service_id.in_(service_ids),
                ExchangeAccessRight.revoked_at.is_(None),
            )
            .order_by(ExchangeAccessRight.id)
        )
    )


# -- what the metaservices read (nara.exchange.metaservices) ---------------------------------


def enabled_services_of(session: Session, subsystem_id: int) -> list[ExchangeService]:
    """A subsystem's enabled services, by service code."""
    return list(
        session.scalars(
            select(ExchangeService)
            .where(ExchangeService.subsystem_id == subsystem_id, ExchangeService.enabled.is_(True))
            .order_by(ExchangeService.service_code)
        )
    )


def rights_on(
    session: Session, client: SubsystemId, service_ids: list[int]
) -> list[tuple[int, str | None, str | None]]:
    """The rights in force of `client` on those services: (service row id, method, path)."""
    rows = session.execute(
        select(ExchangeAccessRight.service_id, ExchangeAccessRight.method, ExchangeAccessRight.path)
        .join(ExchangeSubsystem, ExchangeSubsystem.id == ExchangeAccessRight.client_id)
        .where(
            ExchangeSubsystem.xroad_id == str(client),
            ExchangeAccessRight.revoked_at.is_(None),
            ExchangeAccessRight.service_id.in_(service_ids),
        )
    ).all()
    return [(row.service_id, row.method, row.path) for row in rows]


def enabled_openapi(session: Session, subsystem: SubsystemId, code: str) -> str | None:
    """The OpenAPI text of an enabled service of a subsystem, by service code."""
    return session.scalar(
        select(ExchangeService.openapi_text)
        .join(ExchangeSubsystem, ExchangeSubsystem.id == ExchangeService.subsystem_id)
        .where(
            ExchangeSubsystem.xroad_id == str(subsystem),
            ExchangeService.service_code == code,
            ExchangeService.enabled.is_(True),
        )
        .limit(1)
    )


def all_members_and_subsystems(
    session: Session,
) -> tuple[list[ExchangeMember], list[ExchangeSubsystem]]:
    """Every member and every subsystem, each by X-Road id."""
    members = session.scalars(select(ExchangeMember).order_by(ExchangeMember.xroad_id)).all()
    subsystems = session.scalars(
        select(ExchangeSubsystem).order_by(ExchangeSubsystem.xroad_id)
    ).all()
    return list(members), list(subsystems)
