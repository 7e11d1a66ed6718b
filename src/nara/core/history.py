"""Append-only change logs: every change to a register is a history row and an outbox event.

Each agency owns its own log table (`<agency>_change`), declared with `ChangeLogMixin`.
The migrations add triggers that refuse UPDATE and DELETE on these tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from nara.core.clock import Clock
from nara.core.models import BigId
from nara.core.outbox import emit

LogT = TypeVar("LogT", bound="ChangeLogMixin")


class ChangeLogMixin:
    """Columns of a register's change log: what changed, how, by whom, when."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(BigId)
    action: Mapped[str] = mapped_column(String(48))
    data: Mapped[dict[str, Any]]
    actor: Mapped[str] = mapped_column(String(96))
    recorded_at: Mapped[dt.datetime]

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        table = cls.__tablename__  # type: ignore[attr-defined]  # set by the concrete class
        return (Index(f"ix_{table}_entity", "entity", "entity_id", "id"),)


def record_change(
    session: Session,
    clock: Clock,
    log_model: type[LogT],
    *,
    entity: str,
    entity_id: int,
    action: str,
    data: dict[str, Any],
    actor: str,
    event_type: str,
) -> LogT:
    """Append a change row and its outbox event to the current transaction.

    `data` must not hold clear personal identifiers: it is shown to officials and
    delivered to subscribers. Pass masked values or internal ids.
    """
    row = log_model()
    row.entity = entity
    row.entity_id = entity_id
    row.action = action
    row.data = data
    row.actor = actor
    row.recorded_at = clock.now()
    session.add(row)
    emit(
        session,
        clock,
        event_type=event_type,
        subject_type=entity,
        subject_id=entity_id,
        payload={"action": action, **data},
    )
    return row
