"""What the welfare API accepts and answers."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nara.exchange.contracts.welfare import BenefitKind, BenefitStatus, DecisionKind

Won = int


class BenefitCreate(BaseModel):
    """A benefit an official grants outside the birth bundle, e.g. the basic pension (기초연금)."""

    kind: Literal["basic_pension"]
    person_id: int = Field(gt=0, description="The pensioner: beneficiary and recipient.")
    monthly_amount: Won = Field(gt=0, le=10**9, examples=[342_510])
    starts_on: dt.date
    ends_on: dt.date | None = None


class StopCreate(BaseModel):
    """An official's stop of a benefit from a day, with the reason."""

    stopped_on: dt.date
    reason: str = Field(min_length=1, max_length=200, examples=["해외 이주"])


class BenefitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: BenefitKind
    beneficiary_person_id: int
    recipient_person_id: int
    application_id: int | None
    monthly_amount: Won | None
    lump_sum: Won | None
    starts_on: dt.date
    ends_on: dt.date | None = Field(description="The first day no longer paid, if any.")
    status: BenefitStatus
    stopped_on: dt.date | None
    stop_reason: str | None
    stop_note: str | None


class ApplicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: BenefitKind
    child_person_id: int
    applicant_person_id: int
    submitted_on: dt.date
    decision: DecisionKind
    reason_code: str
    reason_en: str
    reason_ko: str
    monthly_amount: Won | None
    lump_sum: Won | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    case_reference: str | None
