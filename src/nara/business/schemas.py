"""What the business register's API accepts and answers."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from nara.business.models import Employment, Registration
from nara.core.address import RoadAddress
from nara.core.identifiers import Brn
from nara.core.pagination import Page
from nara.exchange.contracts.business import BusinessKind, BusinessStatus, EndReason

Won = int


class BusinessCreate(BaseModel):
    """A business registration (사업자등록)."""

    brn: str = Field(
        min_length=1,
        max_length=20,
        examples=["220-81-62517"],
        description="Business registration number, with or without hyphens.",
    )
    name: str = Field(min_length=1, max_length=100, examples=["나라소프트 주식회사"])
    kind: BusinessKind
    representative_person_id: int = Field(gt=0)
    industry_code: str = Field(
        pattern=r"^\d{5}$", examples=["62010"], description="KSIC sub-class, 5 digits."
    )
    opened_on: dt.date
    address: RoadAddress


class BusinessRead(BaseModel):
    id: int
    brn: str = Field(description="10 digits.")
    brn_formatted: str = Field(examples=["220-81-62517"])
    name: str
    kind: BusinessKind
    representative_person_id: int
    representative_name: str
    industry_code: str
    opened_on: dt.date
    closed_on: dt.date | None
    status: BusinessStatus
    employer_since: dt.date | None = Field(description="Start of the first employment, if any.")
    address: RoadAddress

    @classmethod
    def of(cls, row: Registration) -> BusinessRead:
        return cls.model_validate(
            {
                "id": row.id,
                "brn": row.brn,
                "brn_formatted": Brn(row.brn).formatted,
                "name": row.name,
                "kind": row.kind,
                "representative_person_id": row.representative_person_id,
                "representative_name": row.representative_name,
                "industry_code": row.industry_code,
                "opened_on": row.opened_on,
                "closed_on": row.closed_on,
                "status": row.status,
                "employer_since": row.employer_since,
                "address": RoadAddress.of(row),
            }
        )


class SuspensionCreate(BaseModel):
    """A suspension of business (휴업)."""

    suspended_on: dt.date
    reason: str = Field(default="", max_length=200)


class ResumptionCreate(BaseModel):
    """The end of a suspension (재개업)."""

    resumed_on: dt.date


class ClosureCreate(BaseModel):
    """A closure of business (폐업); final."""

    closed_on: dt.date
    reason: str = Field(default="", max_length=200)


class EmploymentCreate(BaseModel):
    """A hire (고용): who, as what, from when, for what monthly wage."""

    person_id: int = Field(gt=0)
    job_title: str = Field(min_length=1, max_length=60, examples=["소프트웨어 개발자"])
    started_on: dt.date
    monthly_wage_won: Won = Field(ge=0, le=10**12, examples=[3_500_000])


class WageCreate(BaseModel):
    """A new monthly wage in force from a date."""

    monthly_wage_won: Won = Field(ge=0, le=10**12)
    effective_from: dt.date


class LeaveCreate(BaseModel):
    """The end of an employment (퇴사): the first day no longer employed, and why."""

    ended_on: dt.date
    end_reason: EndReason


class EmploymentRead(BaseModel):
    id: int
    business_id: int
    brn: str
    business_name: str
    person_id: int
    job_title: str
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: str | None
    monthly_wage_won: Won

    @classmethod
    def of(cls, row: Employment, business: Registration) -> EmploymentRead:
        return cls(
            id=row.id,
            business_id=business.id,
            brn=business.brn,
            business_name=business.name,
            person_id=row.person_id,
            job_title=row.job_title,
            started_on=row.started_on,
            ended_on=row.ended_on,
            end_reason=row.end_reason,
            monthly_wage_won=row.monthly_wage_won,
        )


class EmploymentPage(Page[EmploymentRead]):
    """One page of a business's employees."""


class WageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    employment_id: int
    monthly_wage_won: Won
    effective_from: dt.date
