"""The start-up sync: the agencies of this install and their declared services, in the directory.

Which member each agency's subsystem belongs to (`AGENCY_MEMBERS`):

| agency | member | organisation |
|---|---|---|
| residents | `KR/GOV/MOIS` | Ministry of the Interior and Safety (행정안전부) |
| family, land | `KR/GOV/SCOURT` | Supreme Court, court registries (대법원) |
| vehicles | `KR/GOV/MOLIT` | Ministry of Land, Infrastructure and Transport (국토교통부) |
| business | `KR/GOV/NTS` | National Tax Service (국세청) |

Each agency is the subsystem `<member>/<agency>`; each declared `Service` `agency/code` is
the service `<member>/<agency>/<code>/v1`, with the declaration's description.

`register_platform` is idempotent: it adds what is missing and leaves existing rows as they
are (a service keeps its `enabled` flag and its access rights; only its description follows
the declaration). New services start disabled. What it adds is written to `exchange_change`
(actor `system:platform-sync`) without outbox events: a deployment registering its own
services is not news to subscribers, whereas enabling a service or granting a right is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.exchange.directory_admin.models import (
    ExchangeChange,
    ExchangeMember,
    ExchangeService,
    ExchangeSubsystem,
)
from nara.exchange.directory_admin.repository import find_member, find_services, find_subsystem
from nara.exchange.services import Service
from nara.exchange.trust.identifiers import MemberId, ServiceId, SubsystemId

SYNC_ACTOR: Final = "system:platform-sync"
SERVICE_VERSION: Final = "v1"


@dataclass(frozen=True)
class MemberInfo:
    id: MemberId
    name_ko: str
    name_en: str


_MOIS = MemberInfo(
    MemberId("KR", "GOV", "MOIS"), "행정안전부", "Ministry of the Interior and Safety"
)
_SCOURT = MemberInfo(MemberId("KR", "GOV", "SCOURT"), "대법원", "Supreme Court of Korea")
_MOLIT = MemberInfo(
    MemberId("KR", "GOV", "MOLIT"), "국토교통부", "Ministry of Land, Infrastructure and Transport"
)
_NTS = MemberInfo(MemberId("KR", "GOV", "NTS"), "국세청", "National Tax Service")

AGENCY_MEMBERS: Final[dict[str, MemberInfo]] = {
    "residents": _MOIS,
    "family": _SCOURT,
    "land": _SCOURT,
    "vehicles": _MOLIT,
    "business": _NTS,
}
"""The member whose subsystem each agency is."""


def subsystem_of(agency: str) -> SubsystemId:
    """The subsystem of an agency, e.g. `KR/GOV/MOIS/residents`."""
    try:
        return AGENCY_MEMBERS[agency].id.subsystem(agency)
    except KeyError:
        raise ValueError(f"agency {agency!r} has no member in AGENCY_MEMBERS") from None


def service_id_of(service: Service) -> ServiceId:
    """The X-Road id of a declared service: `residents/person-summaries` → `.../v1`."""
    agency, _, code = service.id.partition("/")
    return subsystem_of(agency).service(code, SERVICE_VERSION)


@dataclass(frozen=True)
class SyncReport:
    """What a sync added (counts) and which services it registered."""

    members: int = 0
    subsystems: int = 0
    services: tuple[str, ...] = ()


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
    session: Session, clock: Clock, services: Iterable[Service], *, agencies: Iterable[str] = ()
) -> SyncReport:
    """Upsert the member, subsystem and services of every agency; never commits.

    `agencies` adds agencies that declare no service yet (their member and subsystem only).
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
        if existing:
            if existing[0].description != service.description:
                existing[0].description = service.description
                existing[0].updated_at = now
            continue
        row = ExchangeService(
            xroad_id=str(service_id),
            subsystem_id=subsystem_rows[service.provider].id,
            service_code=service_id.service_code,
            version=SERVICE_VERSION,
            description=service.description,
            openapi_url=None,
            openapi_text=None,
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
    return SyncReport(members=new_members, subsystems=new_subsystems, services=tuple(registered))
