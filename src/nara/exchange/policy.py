"""The directory's rights and the data agreements, cached per process for the gateway.

Every call is checked against the directory (is the service enabled, does the client hold a
right on this endpoint) and, for personal data, the data agreement of its purpose. Both
change rarely and are read on every call, so the gateway keeps a snapshot of them in memory
and checks at each call, with one small query, whether either has changed since: the
directory by its change log (`exchange_change`, written by every grant, revocation,
enabling and sync), the agreements by their count and latest `updated_at`. A revocation
therefore takes effect at the next call, in every process, as it would reading the tables.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from nara.exchange.consent.models import ExchangeConsentAgreement
from nara.exchange.directory_admin.models import (
    ExchangeAccessRight,
    ExchangeChange,
    ExchangeService,
    ExchangeSubsystem,
)
from nara.exchange.directory_admin.service import decide_access
from nara.exchange.messagelog import MessageLogRow
from nara.exchange.trust.identifiers import ServiceId, SubsystemId


def _latest(column: Any) -> Any:
    return select(column).order_by(ExchangeChange.id.desc()).limit(1).scalar_subquery()


_LOG = MessageLogRow.__table__
_SEEN = (
    select(_LOG.c.id)
    .where(
        _LOG.c.message_id == bindparam("message_id"),
        _LOG.c.client == bindparam("client"),
        _LOG.c.status != 401,
    )
    .exists()
)
"""Whether a client's message id was already received (signature failures aside)."""

_GENERATION = select(
    _SEEN,
    _latest(ExchangeChange.id),
    _latest(ExchangeChange.recorded_at),
    _latest(ExchangeChange.entity_id),
    select(func.count(ExchangeConsentAgreement.id)).scalar_subquery(),
    select(func.max(ExchangeConsentAgreement.id)).scalar_subquery(),
    select(func.max(ExchangeConsentAgreement.updated_at)).scalar_subquery(),
)
"""What identifies the state of the directory and the agreements: the latest directory change
(its id, time and entity, so that an id reused after a rollback still differs) and the
agreements' count, latest id and latest update."""


@dataclass(frozen=True, slots=True)
class ServiceRow:
    id: int
    version: str
    enabled: bool


@dataclass(frozen=True, slots=True)
class RightRow:
    id: int
    method: str | None
    path: str | None


@dataclass(frozen=True, slots=True)
class AgreementRow:
    id: int
    uid: str
    lawful_basis: str
    legal_reference: str


@dataclass
class Snapshot:
    """The directory and the agreements as of one generation."""

    services: dict[tuple[str, str], list[ServiceRow]] = field(default_factory=dict)
    """(subsystem, service code) → its versions."""
    rights: dict[tuple[str, int], list[RightRow]] = field(default_factory=dict)
    """(client subsystem, service row id) → unrevoked rights."""
    agreements: dict[tuple[str, str], AgreementRow] = field(default_factory=dict)
    """(service, purpose) → the active agreement."""

    def check_access(
        self, *, client: SubsystemId, service: ServiceId, method: str, path: str
    ) -> RightRow:
        versions = self.services.get((str(service.subsystem), service.service_code), [])
        if service.version is not None:
            versions = [v for v in versions if v.version == service.version]
        key = str(client)
        return decide_access(
            services=versions,
            rights_of=lambda ids: [r for i in ids for r in self.rights.get((key, i), [])],
            client=client,
            service=service,
            method=method,
            path=path,
        )

    def agreement(self, service: str, purpose: str) -> AgreementRow | None:
        return self.agreements.get((service, purpose))


def load(session: Session) -> Snapshot:
    snapshot = Snapshot()
    services = session.execute(
        select(
            ExchangeService.id,
            ExchangeService.service_code,
            ExchangeService.version,
            ExchangeService.enabled,
            ExchangeSubsystem.xroad_id,
        ).join(ExchangeSubsystem, ExchangeSubsystem.id == ExchangeService.subsystem_id)
    ).all()
    for row in sorted(services, key=lambda r: r.version):
        snapshot.services.setdefault((row.xroad_id, row.service_code), []).append(
            ServiceRow(row.id, row.version, row.enabled)
        )
    rights = session.execute(
        select(
            ExchangeAccessRight.id,
            ExchangeAccessRight.service_id,
            ExchangeAccessRight.method,
            ExchangeAccessRight.path,
            ExchangeSubsystem.xroad_id,
        )
        .join(ExchangeSubsystem, ExchangeSubsystem.id == ExchangeAccessRight.client_id)
        .where(ExchangeAccessRight.revoked_at.is_(None))
        .order_by(ExchangeAccessRight.id)
    ).all()
    for right in rights:
        snapshot.rights.setdefault((right.xroad_id, right.service_id), []).append(
            RightRow(right.id, right.method, right.path)
        )
    agreements = session.execute(
        select(
            ExchangeConsentAgreement.id,
            ExchangeConsentAgreement.uid,
            ExchangeConsentAgreement.service,
            ExchangeConsentAgreement.purpose,
            ExchangeConsentAgreement.lawful_basis,
            ExchangeConsentAgreement.legal_reference,
        ).where(ExchangeConsentAgreement.active)
    ).all()
    for a in agreements:
        snapshot.agreements[(a.service, a.purpose)] = AgreementRow(
            a.id, a.uid, a.lawful_basis, a.legal_reference
        )
    return snapshot


class PolicyCache:
    """One process's snapshot, reloaded when the generation in the database moves."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: tuple[Any, ...] = ("never loaded",)
        self._snapshot = Snapshot()

    def current(self, session: Session, *, client: str, message_id: str) -> tuple[Snapshot, bool]:
        """The snapshot to check a call against, and whether the client's message id was
        already received (one query for both, the gateway's first of each call)."""
        seen, *generation = session.execute(
            _GENERATION, {"client": client, "message_id": message_id}
        ).one()
        with self._lock:
            if tuple(generation) != self._generation:
                self._snapshot = load(session)
                self._generation = tuple(generation)
            return self._snapshot, bool(seen)
