"""Bodies of the directory API, shaped after the GovStack Information Mediator APIs.

Identifiers are given both whole (`id`, the X-Road form) and in parts (`instance_id`,
`member_class`, `member_code`, `subsystem_code`, `service_code`, `service_version`), with an
`object_type` of `MEMBER`, `SUBSYSTEM` or `SERVICE`, as GovStack's `restClientDetailsType`
and `restServiceDetailsType` do (in snake case, like the rest of Nara's API).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from nara.core.pagination import Page
from nara.exchange.directory_admin.models import (
    ExchangeAccessRight,
    ExchangeMember,
    ExchangeService,
    ExchangeSubsystem,
)
from nara.exchange.trust.identifiers import ServiceId, SubsystemId


class MemberRead(BaseModel):
    object_type: Literal["MEMBER"] = "MEMBER"
    id: str = Field(examples=["KR/GOV/MOIS"])
    instance_id: str
    member_class: str
    member_code: str
    name: str
    name_ko: str
    name_en: str

    @classmethod
    def of(cls, row: ExchangeMember) -> MemberRead:
        return cls(
            id=row.xroad_id,
            instance_id=row.instance,
            member_class=row.member_class,
            member_code=row.member_code,
            name=row.name_en,
            name_ko=row.name_ko,
            name_en=row.name_en,
        )


class SubsystemRead(BaseModel):
    object_type: Literal["SUBSYSTEM"] = "SUBSYSTEM"
    id: str = Field(examples=["KR/GOV/MOIS/residents"])
    instance_id: str
    member_class: str
    member_code: str
    subsystem_code: str

    @classmethod
    def of(cls, row: ExchangeSubsystem) -> SubsystemRead:
        parsed = SubsystemId.parse(row.xroad_id)
        return cls(
            id=row.xroad_id,
            instance_id=parsed.instance,
            member_class=parsed.member_class,
            member_code=parsed.member_code,
            subsystem_code=parsed.subsystem_code,
        )


class ServiceRead(BaseModel):
    object_type: Literal["SERVICE"] = "SERVICE"
    service_type: Literal["REST"] = "REST"
    id: str = Field(examples=["KR/GOV/MOIS/residents/person-summaries"])
    instance_id: str
    member_class: str
    member_code: str
    subsystem_code: str
    service_code: str
    service_version: str | None
    description: str
    enabled: bool
    openapi_url: str | None
    openapi: str | None = Field(description="The service's OpenAPI description, when stored.")

    @classmethod
    def of(cls, row: ExchangeService) -> ServiceRead:
        parsed = ServiceId.parse(row.xroad_id)
        return cls(
            id=row.xroad_id,
            instance_id=parsed.subsystem.instance,
            member_class=parsed.subsystem.member_class,
            member_code=parsed.subsystem.member_code,
            subsystem_code=parsed.subsystem.subsystem_code,
            service_code=row.service_code,
            service_version=row.version or None,
            description=row.description,
            enabled=row.enabled,
            openapi_url=row.openapi_url,
            openapi=row.openapi_text,
        )


class AccessRightCreate(BaseModel):
    """A right to grant: the client subsystem, the service, and optionally one endpoint."""

    client: str = Field(
        examples=["KR/GOV/SCOURT/family"], description="INSTANCE/CLASS/MEMBER/SUBSYSTEM"
    )
    service: str = Field(
        examples=["KR/GOV/MOIS/residents/person-summaries"],
        description="INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE[/VERSION]",
    )
    method: str | None = Field(default=None, examples=["GET"], description="Any method if absent.")
    path: str | None = Field(
        default=None, examples=["/persons/*"], description="A path pattern (`*` matches anything)."
    )


class AccessRightRead(BaseModel):
    id: int
    client: str
    service: str
    method: str | None
    path: str | None
    granted_at: dt.datetime
    granted_by: str
    revoked_at: dt.datetime | None
    revoked_by: str | None

    @classmethod
    def of(cls, row: ExchangeAccessRight, *, client: str, service: str) -> AccessRightRead:
        return cls(
            id=row.id,
            client=client,
            service=service,
            method=row.method,
            path=row.path,
            granted_at=row.granted_at,
            granted_by=row.granted_by,
            revoked_at=row.revoked_at,
            revoked_by=row.revoked_by,
        )


class MemberPage(Page[MemberRead]):
    pass


class SubsystemPage(Page[SubsystemRead]):
    pass


class ServicePage(Page[ServiceRead]):
    pass


class AccessRightPage(Page[AccessRightRead]):
    pass
