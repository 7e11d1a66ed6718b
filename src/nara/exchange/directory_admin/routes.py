"""The directory's admin JSON API under /api/exchange.

Shaped after the GovStack Information Mediator directory and configuration APIs: members
(`listClients`), a member's subsystems, a subsystem's services with their OpenAPI
(`listMethods`, `getOpenAPI`), access rights (`rights/allow`) and enabling services.
X-Road ids appear in paths part by part (`/members/KR/GOV/MOIS/subsystems`) and in bodies
whole (`KR/GOV/MOIS/residents`). Reading needs `exchange:read`, changing `exchange:admin`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy.orm import Session

from nara.core.access import Caller, require
from nara.core.pagination import PageParams, page_params
from nara.core.web import ClockDep, DbSession
from nara.exchange.directory_admin import service
from nara.exchange.directory_admin.models import (
    ExchangeAccessRight,
    ExchangeService,
    ExchangeSubsystem,
)
from nara.exchange.directory_admin.schemas import (
    AccessRightCreate,
    AccessRightPage,
    AccessRightRead,
    MemberPage,
    MemberRead,
    ServicePage,
    ServiceRead,
    SubsystemPage,
    SubsystemRead,
)
from nara.exchange.trust.identifiers import MemberId, ServiceId, SubsystemId

router = APIRouter(prefix="/api/exchange", tags=["exchange"])

Reader = Annotated[Caller, Depends(require("exchange:read"))]
Admin = Annotated[Caller, Depends(require("exchange:admin"))]
Paging = Annotated[PageParams, Depends(page_params)]

SUBSYSTEM_PATH = "/subsystems/{instance}/{member_class}/{member_code}/{subsystem_code}"
SERVICE_PATH = "/services/{instance}/{member_class}/{member_code}/{subsystem_code}/{service_code}"


def _right(session: Session, row: ExchangeAccessRight) -> AccessRightRead:
    client = session.get_one(ExchangeSubsystem, row.client_id)
    offered = session.get_one(ExchangeService, row.service_id)
    return AccessRightRead.of(row, client=client.xroad_id, service=offered.xroad_id)


@router.get("/members")
def list_members(*, caller: Reader, session: DbSession, params: Paging) -> MemberPage:
    """The members of the exchange (GovStack `listClients`), by X-Road id."""
    rows, total = service.members(session, offset=params.offset, limit=params.size)
    return MemberPage(
        items=[MemberRead.of(r) for r in rows], page=params.page, size=params.size, total=total
    )


@router.get("/members/{instance}/{member_class}/{member_code}/subsystems")
def list_subsystems(
    *,
    instance: str,
    member_class: str,
    member_code: str,
    caller: Reader,
    session: DbSession,
    params: Paging,
) -> SubsystemPage:
    """The subsystems of a member."""
    member = MemberId(instance, member_class, member_code)
    rows, total = service.subsystems_of(
        session, member=member, offset=params.offset, limit=params.size
    )
    return SubsystemPage(
        items=[SubsystemRead.of(r) for r in rows], page=params.page, size=params.size, total=total
    )


@router.get(SUBSYSTEM_PATH + "/services")
def list_services(
    *,
    instance: str,
    member_class: str,
    member_code: str,
    subsystem_code: str,
    caller: Reader,
    session: DbSession,
    params: Paging,
) -> ServicePage:
    """The services a subsystem offers, with their OpenAPI (GovStack `listMethods`)."""
    subsystem = SubsystemId(instance, member_class, member_code, subsystem_code)
    rows, total = service.services_of(
        session, subsystem=subsystem, offset=params.offset, limit=params.size
    )
    return ServicePage(
        items=[ServiceRead.of(r) for r in rows], page=params.page, size=params.size, total=total
    )


def _set_enabled(
    *, session: Session, clock: ClockDep, caller: Caller, service_id: ServiceId, enabled: bool
) -> ServiceRead:
    row = service.set_service_enabled(
        session, clock=clock, actor=caller.actor, service=service_id, enabled=enabled
    )
    return ServiceRead.of(row)


@router.post(SERVICE_PATH + "/enable")
def enable_service(
    *,
    instance: str,
    member_class: str,
    member_code: str,
    subsystem_code: str,
    service_code: str,
    caller: Admin,
    session: DbSession,
    clock: ClockDep,
) -> ServiceRead:
    """Open a service to the clients that hold a right on it."""
    service_id = ServiceId.parse(
        f"{instance}/{member_class}/{member_code}/{subsystem_code}/{service_code}"
    )
    return _set_enabled(
        session=session, clock=clock, caller=caller, service_id=service_id, enabled=True
    )


@router.post(SERVICE_PATH + "/disable")
def disable_service(
    *,
    instance: str,
    member_class: str,
    member_code: str,
    subsystem_code: str,
    service_code: str,
    caller: Admin,
    session: DbSession,
    clock: ClockDep,
) -> ServiceRead:
    """Close a service to every client; rights are kept for when it is enabled again."""
    service_id = ServiceId.parse(
        f"{instance}/{member_class}/{member_code}/{subsystem_code}/{service_code}"
    )
    return _set_enabled(
        session=session, clock=clock, caller=caller, service_id=service_id, enabled=False
    )


@router.get("/rights")
def list_rights(
    *,
    caller: Reader,
    session: DbSession,
    params: Paging,
    client: Annotated[str | None, Query(description="A client subsystem id.")] = None,
    service_id: Annotated[str | None, Query(alias="service", description="A service id.")] = None,
    include_revoked: bool = False,
) -> AccessRightPage:
    """Access rights, optionally of one client or on one service (GovStack `rights/allow`)."""
    rows, total = service.rights(
        session,
        client=SubsystemId.parse(client) if client is not None else None,
        service=ServiceId.parse(service_id) if service_id is not None else None,
        include_revoked=include_revoked,
        offset=params.offset,
        limit=params.size,
    )
    return AccessRightPage(
        items=[_right(session, r) for r in rows], page=params.page, size=params.size, total=total
    )


@router.post("/rights", status_code=status.HTTP_201_CREATED)
def grant_right(
    *, body: AccessRightCreate, caller: Admin, session: DbSession, clock: ClockDep
) -> AccessRightRead:
    """Grant a client subsystem the right to call a service, or one endpoint of it."""
    row = service.grant_access(
        session,
        clock=clock,
        actor=caller.actor,
        client=SubsystemId.parse(body.client),
        service=ServiceId.parse(body.service),
        method=body.method,
        path=body.path,
    )
    return _right(session, row)


@router.post("/rights/{right_id}/revoke")
def revoke_right(
    *, right_id: int, caller: Admin, session: DbSession, clock: ClockDep
) -> AccessRightRead:
    """Revoke an access right (it stays listed with `include_revoked`)."""
    row = service.revoke_access(session, clock=clock, actor=caller.actor, right_id=right_id)
    return _right(session, row)
