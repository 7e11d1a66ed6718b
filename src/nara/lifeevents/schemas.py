"""What citizens file and read about one-stop life events (no RRN anywhere: persons by id)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nara.core.address import RoadAddress

RelationToHead = Literal[
    "spouse", "child", "child_in_law", "parent", "parent_in_law",
    "grandchild", "sibling", "cohabitant", "other",
]  # fmt: skip


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MovingInCreate(_Input):
    """A moving-in report (전입신고) by the person who moved."""

    moved_on: dt.date = Field(description="The day of the move; reported within 14 days.")
    address: RoadAddress = Field(description="The new address.")
    join_household: bool = Field(
        default=False,
        description="Join the household living at the address (its head confirms) instead of "
        "forming a new one.",
    )
    head_name: str | None = Field(
        default=None,
        max_length=40,
        description="The Hangul name of the head of the household joined.",
    )
    relation: RelationToHead | None = Field(
        default=None, description="Relation to the head of the household joined."
    )
    new_head_person_id: int | None = Field(
        default=None,
        description="When the mover heads a household whose other members stay: who heads it.",
    )
    vehicles: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Plates of the mover's vehicles whose base address follows him.",
    )
    postal_forwarding: bool = Field(
        default=False, description="Ask Korea Post to forward mail from the old address."
    )


class DeclineCreate(_Input):
    reason: str = Field(min_length=1, max_length=500)


class ResolutionCreate(_Input):
    note: str = Field(min_length=1, max_length=1000)


class StepRead(BaseModel):
    name: str
    agency: str
    stage: int
    state: str
    attempts: int
    next_attempt_at: dt.datetime | None
    error_code: str | None
    error_en: str | None
    error_ko: str | None
    finished_at: dt.datetime | None
    resolution_note: str | None
    answer: dict[str, Any] | None


class CaseRead(BaseModel):
    id: int
    reference: str
    kind: str
    state: str
    state_en: str
    state_ko: str
    applicant_person_id: int
    confirmer_person_id: int | None
    submitted_at: dt.datetime
    confirmed_at: dt.datetime | None
    finished_at: dt.datetime | None
    report: dict[str, Any]
    outcome: dict[str, Any]
    steps: list[StepRead]


class CaseSummaryRead(BaseModel):
    id: int
    reference: str
    kind: str
    state: str
    submitted_at: dt.datetime
    finished_at: dt.datetime | None
