"""Tables of one-stop life events: cases, their steps, postal forwarding requests, the log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.address import AddressColumns
from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId

CASE_KINDS = ("moving-in", "birth", "death", "inheritance", "employment")
CASE_STATES = ("awaiting_confirmation", "running", "done", "attention", "failed", "cancelled")
"""`awaiting_confirmation`: a household head must confirm first; `running`: steps under way;
`done`: every step done; `attention`: a step could not complete and waits for an official;
`failed`: refused before anything changed; `cancelled`: the confirmation was declined."""

STEP_STATES = ("waiting", "due", "done", "failed", "attention", "resolved", "cancelled")
"""`waiting` for an earlier stage (or a confirmation); `due` to run from `next_attempt_at`;
`done`; `failed` refused (the case failed with it); `attention` refused or out of retries
after other steps changed registers; `resolved` by an official; `cancelled` never ran."""

FINISHED_STEP_STATES = ("done", "resolved")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Case(Base):
    """One report by a citizen, carried to every agency concerned as steps."""

    __tablename__ = "lifeevents_case"
    __table_args__ = (
        CheckConstraint(_in("kind", CASE_KINDS), name="kind"),
        CheckConstraint(_in("state", CASE_STATES), name="state"),
        Index("ix_lifeevents_case_applicant", "applicant_person_id", "id"),
        Index("ix_lifeevents_case_confirmer", "confirmer_person_id", "state"),
        Index("ix_lifeevents_case_state", "state", "kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(24))
    applicant_person_id: Mapped[int] = mapped_column(BigId)
    applicant_account_id: Mapped[int | None] = mapped_column(BigId)
    report: Mapped[dict[str, Any]]
    """The report as filed (no RRN: persons by id)."""
    outcome: Mapped[dict[str, Any]]
    """What the citizen is told besides the steps (advice, decisions), filled as steps finish."""
    confirmer_person_id: Mapped[int | None] = mapped_column(BigId)
    confirmed_at: Mapped[dt.datetime | None]
    submitted_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]

    @property
    def reference(self) -> str:
        """The number the citizen quotes: `LE-` and the case id, zero-padded."""
        return f"LE-{self.id:08d}"


class Step(Base):
    """One agency's part of a case: an exchange call applied once under its step key."""

    __tablename__ = "lifeevents_step"
    __table_args__ = (
        CheckConstraint(_in("state", STEP_STATES), name="state"),
        UniqueConstraint("case_id", "name"),
        Index("ix_lifeevents_step_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("lifeevents_case.id"))
    name: Mapped[str] = mapped_column(String(32))
    stage: Mapped[int]
    """Steps of a stage run after every step of the stages before has finished."""
    agency: Mapped[str] = mapped_column(String(24))
    service: Mapped[str] = mapped_column(String(96))
    purpose: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]]
    keyed: Mapped[bool] = mapped_column(default=True)
    """Whether the service applies a step key (a write); a read is simply asked again."""
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int]
    next_attempt_at: Mapped[dt.datetime | None]
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_en: Mapped[str | None] = mapped_column(String(1000))
    error_ko: Mapped[str | None] = mapped_column(String(1000))
    answer: Mapped[dict[str, Any] | None]
    finished_at: Mapped[dt.datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(96))
    resolution_note: Mapped[str | None] = mapped_column(String(1000))

    def key(self, kind: str) -> str:
        """The step key the agency applies once: `moving-in:42:residents`."""
        return f"{kind}:{self.case_id}:{self.name}"


class PostalForwarding(Base, AddressColumns):
    """A request to forward mail from the old address to the new one (주거이전 우편물 전송).

    The columns of `AddressColumns` hold the new address; `from_address` the old one."""

    __tablename__ = "lifeevents_postal_forwarding"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("lifeevents_case.id"), unique=True)
    person_id: Mapped[int] = mapped_column(BigId, index=True)
    from_address: Mapped[dict[str, Any]]
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    requested_at: Mapped[dt.datetime]


class LifeeventsChange(Base, ChangeLogMixin):
    """Append-only log of cases: filed, confirmed, declined, finished, flagged, resolved."""

    __tablename__ = "lifeevents_change"
