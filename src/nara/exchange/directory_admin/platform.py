"""The start-up sync: the agencies of this install and their declared services, in the directory.

Which member each agency's subsystem belongs to is `nara.exchange.members.AGENCY_MEMBERS`;
each declared `Service` `agency/code` is the service `<member>/<agency>/<code>`, with the
declaration's description.

`register_platform` is idempotent: it adds what is missing and leaves existing rows as they
are (a service keeps its `enabled` flag and its access rights; only its description follows
the declaration). New services start disabled. What it adds is written to `exchange_change`
(actor `system:platform-sync`) without outbox events: a deployment registering its own
services is not news to subscribers, whereas enabling a service or granting a right is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.exchange.directory_admin.models import (
    ExchangeAccessRight,
    ExchangeChange,
    ExchangeMember,
    ExchangeService,
    ExchangeSubsystem,
)
from nara.exchange.directory_admin.repository import find_member, find_services, find_subsystem
from nara.exchange.members import AGENCY_MEMBERS, SERVICE_VERSION, service_id_for, subsystem_of
from nara.exchange.openapi import service_openapi_text
from nara.exchange.services import Service
from nara.exchange.trust.identifiers import MemberId, ServiceId, SubsystemId

SYNC_ACTOR: Final = "system:platform-sync"


def service_id_of(service: Service) -> ServiceId:
    """The X-Road id of a declared service: `residents/person-summaries` →
    `KR/GOV/MOIS/residents/person-summaries`."""
    return service_id_for(service.id)


@dataclass(frozen=True)
class SyncReport:
    """What a sync added (counts) and which services it registered."""

    members: int = 0
    subsystems: int = 0
    services: tuple[str, ...] = ()
    grants: tuple[tuple[str, str], ...] = ()
    """Default rights applied by this sync: (client subsystem, service)."""


def directory_is_migrated(session: Session) -> bool:
    """Whether the directory's tables exist (a database not yet migrated has none)."""
    return bool(inspect(session.connection()).has_table(ExchangeService.__tablename__))


def _log(
    session: Session, clock: Clock, *, entity: str, entity_id: int, action: str, data: Any
) -> None:
    session.add(
        ExchangeChange(
            entity=entity,
            entity_id=entity_id,
            action=action,
            data=data,
            actor=SYNC_ACTOR,
            recorded_at=clock.now(),
        )
    )


def register_platform(
    session: Session,
    clock: Clock,
    services: Iterable[Service],
    *,
    agencies: Iterable[str] = (),
    uses: Mapping[str, Iterable[str]] | None = None,
) -> SyncReport:
    """Upsert the member, subsystem and services of every agency; never commits.

    `agencies` adds agencies that declare no service yet (their member and subsystem only);
    `uses` maps each agency to the services it calls, granted by `apply_default_grants`.
    """
    declared = list(services)
    wanted = list(dict.fromkeys([*agencies, *(s.provider for s in declared)]))
    now = clock.now()
    new_members = new_subsystems = 0
    subsystem_rows: dict[str, ExchangeSubsystem] = {}
    for agency in wanted:
        info = AGENCY_MEMBERS.get(agency)
        if info is None:
            raise ValueError(f"agency {agency!r} has no member in AGENCY_MEMBERS")
        member = find_member(session, info.id)
        if member is None:
            member = ExchangeMember(
                xroad_id=str(info.id),
                instance=info.id.instance,
                member_class=info.id.member_class,
                member_code=info.id.member_code,
                name_ko=info.name_ko,
                name_en=info.name_en,
                created_at=now,
            )
            session.add(member)
            session.flush()
            new_members += 1
            _log(
                session,
                clock,
                entity="member",
                entity_id=member.id,
                action="member_registered",
                data={"member": member.xroad_id},
            )
        subsystem_id = info.id.subsystem(agency)
        subsystem = find_subsystem(session, subsystem_id)
        if subsystem is None:
            subsystem = ExchangeSubsystem(
                xroad_id=str(subsystem_id),
                member_id=member.id,
                subsystem_code=agency,
                created_at=now,
            )
            session.add(subsystem)
            session.flush()
            new_subsystems += 1
            _log(
                session,
                clock,
                entity="subsystem",
                entity_id=subsystem.id,
                action="subsystem_registered",
                data={"subsystem": subsystem.xroad_id},
            )
        subsystem_rows[agency] = subsystem
    registered: list[str] = []
    for service in declared:
        service_id = service_id_of(service)
        existing = find_services(session, service_id)
        text = service.openapi or (
            None if service.rest else service_openapi_text(service, service_id)
        )
        if existing:
            if (existing[0].description, existing[0].openapi_text) != (service.description, text):
                existing[0].description = service.description
                existing[0].openapi_text = text
                existing[0].updated_at = now
            continue
        row = ExchangeService(
            xroad_id=str(service_id),
            subsystem_id=subsystem_rows[service.provider].id,
            service_code=service_id.service_code,
            version=SERVICE_VERSION,
            description=service.description,
            openapi_url=None,
            openapi_text=text,
            enabled=False,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        registered.append(row.xroad_id)
        _log(
            session,
            clock,
            entity="service",
            entity_id=row.id,
            action="service_registered",
            data={"service": row.xroad_id},
        )
    session.flush()
    grants = apply_default_grants(session, clock, uses or {})
    return SyncReport(
        members=new_members,
        subsystems=new_subsystems,
        services=tuple(registered),
        grants=tuple(grants),
    )


def _defaults_applied(session: Session) -> set[tuple[str, str]]:
    rows = session.scalars(
        select(ExchangeChange.data).where(
            ExchangeChange.actor == SYNC_ACTOR, ExchangeChange.action == "access_granted"
        )
    )
    return {(str(data.get("client")), str(data.get("service"))) for data in rows}


def apply_default_grants(
    session: Session, clock: Clock, uses: Mapping[str, Iterable[str]]
) -> list[tuple[str, str]]:
    """Grant each agency the services its code calls (its `USES`), once per install.

    A default right is applied the first time a sync sees it: the service is enabled and
    the right granted, written to `exchange_change` by `system:platform-sync` (without
    outbox events, like the rest of the sync). Later syncs never re-apply it, so an
    operator's revocation or disabling stands.
    """
    applied = _defaults_applied(session)
    now = clock.now()
    granted: list[tuple[str, str]] = []
    offered_by_id = {row.xroad_id: row for row in session.scalars(select(ExchangeService))}
    for agency, services in uses.items():
        client = find_subsystem(session, subsystem_of(agency))
        if client is None:
            continue
        for service in services:
            offered = offered_by_id.get(str(service_id_for(service)))
            if offered is None:
                continue
            key = (client.xroad_id, offered.xroad_id)
            if key in applied:
                continue
            if not offered.enabled:
                offered.enabled = True
                offered.updated_at = now
                _log(
                    session,
                    clock,
                    entity="service",
                    entity_id=offered.id,
                    action="service_enabled",
                    data={"service": offered.xroad_id},
                )
            right = ExchangeAccessRight(
                client_id=client.id,
                service_id=offered.id,
                method=None,
                path=None,
                granted_at=now,
                granted_by=SYNC_ACTOR,
                revoked_at=None,
                revoked_by=None,
            )
            session.add(right)
            session.flush()
            _log(
                session,
                clock,
                entity="access_right",
                entity_id=right.id,
                action="access_granted",
                data={"client": key[0], "service": key[1], "method": None, "path": None},
            )
            applied.add(key)
            granted.append(key)
    session.flush()
    return granted


@dataclass(frozen=True)
class PublishedEntries:
    """What a node's published configuration lists of the directory (`nara.exchange.
    configuration`): members (id, English and Korean names), subsystems, and services
    (`id`, `description`, `enabled`, `openapi`)."""

    members: tuple[tuple[str, str, str], ...] = ()
    subsystems: tuple[str, ...] = ()
    services: tuple[dict[str, Any], ...] = ()


def entries_served(session: Session, subsystems: Iterable[str]) -> PublishedEntries:
    """The subsystems of this node and their services, as the configuration publishes them."""
    wanted = sorted(set(subsystems))
    services: list[dict[str, Any]] = []
    for text in wanted:
        row = find_subsystem(session, SubsystemId.parse(text))
        if row is None:
            continue
        for service in session.scalars(
            select(ExchangeService)
            .where(ExchangeService.subsystem_id == row.id)
            .order_by(ExchangeService.service_code)
        ):
            services.append(
                {
                    "id": service.xroad_id,
                    "description": service.description,
                    "enabled": service.enabled,
                    "openapi": service.openapi_text or "",
                }
            )
    return PublishedEntries(subsystems=tuple(wanted), services=tuple(services))


def register_published(
    session: Session, clock: Clock, entries: PublishedEntries
) -> tuple[int, int, int]:
    """Add to this node's directory the members, subsystems and services another node
    publishes (those it lacks; its services in the state it publishes them, with their
    descriptions); never commits. How many members, subsystems and services were added."""
    now = clock.now()
    counts = [0, 0, 0]
    for member_text, name_en, name_ko in entries.members:
        member = MemberId.parse(member_text)
        if find_member(session, member) is None:
            row = ExchangeMember(
                xroad_id=str(member),
                instance=member.instance,
                member_class=member.member_class,
                member_code=member.member_code,
                name_ko=name_ko[:200] or str(member),
                name_en=name_en[:200] or str(member),
                created_at=now,
            )
            session.add(row)
            session.flush()
            counts[0] += 1
            _log(
                session,
                clock,
                entity="member",
                entity_id=row.id,
                action="member_imported",
                data={"member": row.xroad_id},
            )
    for subsystem_text in entries.subsystems:
        subsystem = SubsystemId.parse(subsystem_text)
        member_row = find_member(session, subsystem.member)
        if member_row is None or find_subsystem(session, subsystem) is not None:
            continue
        row_s = ExchangeSubsystem(
            xroad_id=str(subsystem),
            member_id=member_row.id,
            subsystem_code=subsystem.subsystem_code,
            created_at=now,
        )
        session.add(row_s)
        session.flush()
        counts[1] += 1
        _log(
            session,
            clock,
            entity="subsystem",
            entity_id=row_s.id,
            action="subsystem_imported",
            data={"subsystem": row_s.xroad_id},
        )
    for item in entries.services:
        service = ServiceId.parse(str(item["id"]))
        owner = find_subsystem(session, service.subsystem)
        if owner is None:
            continue
        existing = find_services(session, service)
        text = str(item.get("openapi") or "") or None
        if existing:
            existing[0].description = str(item.get("description", ""))
            existing[0].openapi_text = text
            existing[0].updated_at = now
            continue
        row_v = ExchangeService(
            xroad_id=str(service),
            subsystem_id=owner.id,
            service_code=service.service_code,
            version=service.version or SERVICE_VERSION,
            description=str(item.get("description", "")),
            openapi_url=None,
            openapi_text=text,
            enabled=bool(item.get("enabled", True)),
            created_at=now,
            updated_at=now,
        )
        session.add(row_v)
        session.flush()
        counts[2] += 1
        _log(
            session,
            clock,
            entity="service",
            entity_id=row_v.id,
            action="service_imported",
            data={"service": row_v.xroad_id},
        )
    session.flush()
    return counts[0], counts[1], counts[2]
