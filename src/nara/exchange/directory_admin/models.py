"""Tables of the exchange directory: members, subsystems, services, access rights, change log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId


class ExchangeMember(Base):
    """An X-Road member, `INSTANCE/CLASS/MEMBER`: an organisation such as the MOIS."""

    __tablename__ = "exchange_member"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    xroad_id: Mapped[str] = mapped_column(String(800), unique=True)
    instance: Mapped[str] = mapped_column(String(255))
    member_class: Mapped[str] = mapped_column(String(255))
    member_code: Mapped[str] = mapped_column(String(255))
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]


class ExchangeSubsystem(Base):
    """A subsystem of a member, `INSTANCE/CLASS/MEMBER/SUBSYSTEM`: one agency's system."""

    __tablename__ = "exchange_subsystem"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    xroad_id: Mapped[str] = mapped_column(String(1100), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"), index=True)
    subsystem_code: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime]


class ExchangeService(Base):
    """A service offered by a subsystem, in one version. New services start disabled."""

    __tablename__ = "exchange_service"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    xroad_id: Mapped[str] = mapped_column(String(1700), unique=True)
    subsystem_id: Mapped[int] = mapped_column(ForeignKey("exchange_subsystem.id"), index=True)
    service_code: Mapped[str] = mapped_column(String(255))
    version: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text)
    openapi_url: Mapped[str | None] = mapped_column(String(1000))
    openapi_text: Mapped[str | None] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class ExchangeAccessRight(Base):
    """A client subsystem's right to call a service, or one endpoint of it, until revoked.

    `method` (`GET`, ...) and `path` (a pattern where `*` matches anything) are both null for
    the whole service.
    """

    __tablename__ = "exchange_access_right"
    __table_args__ = (Index("ix_exchange_access_right_client", "client_id", "service_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("exchange_subsystem.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("exchange_service.id"), index=True)
    method: Mapped[str | None] = mapped_column(String(10))
    path: Mapped[str | None] = mapped_column(String(1000))
    granted_at: Mapped[dt.datetime]
    granted_by: Mapped[str] = mapped_column(String(96))
    revoked_at: Mapped[dt.datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(96))


class ExchangeChange(Base, ChangeLogMixin):
    """Append-only log of every change to the directory and the access rights."""

    __tablename__ = "exchange_change"
