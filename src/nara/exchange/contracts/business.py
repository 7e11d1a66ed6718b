"""Contracts of the business register's services: registrations by BRN or id, a person's
employments and businesses, and the employment report (고용 신고)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from nara.exchange.contracts import MAX_IDS, Contract, Id, Model, Record

BusinessKind = Literal["individual", "corporation"]
BusinessStatus = Literal["active", "suspended", "closed"]
EndReason = Literal[
    "resignation", "dismissal", "contract_end", "retirement", "business_closure", "death", "other"
]
ReportKind = Literal["hire", "leave"]


# A person's employments ---------------------------------------------------------------------


class EmploymentsOfPersonRequest(Model):
    """Whose employments, in force on which day (today when left out)."""

    person_id: Id
    on: dt.date | None = None


class PersonEmployment(Record):
    """One employment of a person, with its employer; the wage only for an assessment."""

    employment_id: int
    business_id: int
    brn: str = Field(description="10 digits.")
    business_name: str
    job_title: str
    started_on: dt.date
    ended_on: dt.date | None = None
    monthly_wage_won: int | None = None


EMPLOYMENTS_OF_PERSON: Contract[EmploymentsOfPersonRequest, list[PersonEmployment]] = Contract(
    "business/employments-of-person",
    EmploymentsOfPersonRequest,
    list[PersonEmployment],
    summary="A person's employments on a date, with employer BRN, name and wage.",
)


# A business by BRN ----------------------------------------------------------------------------


class BusinessStatusRequest(Model):
    """Which business: its BRN, with or without hyphens."""

    brn: str


class RegistrationStatus(Record):
    """A registered business's status (휴·폐업 조회)."""

    brn: str
    name: str
    kind: BusinessKind
    status: BusinessStatus
    industry_code: str
    opened_on: dt.date
    closed_on: dt.date | None = None
    employer_since: dt.date | None = None


BUSINESS_STATUS: Contract[BusinessStatusRequest, RegistrationStatus | None] = Contract(
    "business/status",
    BusinessStatusRequest,
    RegistrationStatus | None,
    summary="Registration and status (active, suspended, closed) of a business by BRN; "
    "nothing when the BRN is not registered.",
)


class RegistrationCertificateRequest(Model):
    """Which business: its BRN, with or without hyphens."""

    brn: str


class RegistrationCertificate(Record):
    """What a business registration certificate (사업자등록증명) shows."""

    brn: str
    name: str
    kind: BusinessKind
    representative_person_id: int
    representative_name: str
    industry_code: str
    opened_on: dt.date
    closed_on: dt.date | None = None
    status: BusinessStatus
    address_ko: str
    address_en: str


REGISTRATION_CERTIFICATE: Contract[
    RegistrationCertificateRequest, RegistrationCertificate | None
] = Contract(
    "business/registration-certificate",
    RegistrationCertificateRequest,
    RegistrationCertificate | None,
    summary="What a business registration certificate shows of a BRN: trade name, kind, "
    "representative, industry, opening date, address and status; nothing when the BRN is not "
    "registered.",
)


# Businesses by id or by representative ---------------------------------------------------------


class BusinessSummariesRequest(Model):
    """Which businesses, by register id."""

    business_ids: tuple[Id, ...] = Field(max_length=MAX_IDS)


class BusinessSummary(Record):
    """A business as another register records it: BRN, name (상호), kind and status."""

    business_id: int
    brn: str
    name: str
    kind: BusinessKind
    status: BusinessStatus
    closed_on: dt.date | None = None


BUSINESS_SUMMARIES: Contract[BusinessSummariesRequest, dict[int, BusinessSummary]] = Contract(
    "business/summaries",
    BusinessSummariesRequest,
    dict[int, BusinessSummary],
    summary="BRN, name, kind and status (closing date) of businesses by register id; unknown "
    "ids absent.",
)


class BusinessesOfRepresentativeRequest(Model):
    """Whose businesses, opened by which day (today when left out)."""

    person_id: Id
    on: dt.date | None = None


class RepresentedBusiness(Record):
    """A business a person represents."""

    business_id: int
    brn: str
    name: str
    kind: BusinessKind
    status: BusinessStatus
    opened_on: dt.date
    closed_on: dt.date | None = None


BUSINESSES_OF_REPRESENTATIVE: Contract[
    BusinessesOfRepresentativeRequest, list[RepresentedBusiness]
] = Contract(
    "business/businesses-of-representative",
    BusinessesOfRepresentativeRequest,
    list[RepresentedBusiness],
    summary="The businesses a person represents, opened by a date: BRN, name, kind, status, "
    "opening and closing dates.",
)


# The employment report (고용 신고) ----------------------------------------------------------------


class EmployerFactsRequest(Model):
    """Whose businesses: the filer's person id."""

    person_id: Id


class OpenEmployment(Record):
    """An employment open at a business."""

    employment_id: int
    person_id: int
    job_title: str
    started_on: dt.date


class EmployerFacts(Record):
    """A business a person represents, with its status and the employments open at it."""

    business_id: int
    brn: str
    name: str
    status: BusinessStatus
    closed_on: dt.date | None = None
    representative_person_id: int
    employees: tuple[OpenEmployment, ...] = ()


EMPLOYER_FACTS: Contract[EmployerFactsRequest, list[EmployerFacts]] = Contract(
    "business/employer-facts",
    EmployerFactsRequest,
    list[EmployerFacts],
    summary="The businesses a person represents: BRN, name, status and the employments open "
    "at each (employee ids, job titles, start dates).",
)


class EmploymentReportRequest(Model):
    """A hire or a leave reported for a business, applied once per step key.

    A hire names the person, first day, job title and monthly wage; a leave names the
    employment (or the person employed), the first day no longer employed and why.
    """

    step_key: str | None = None
    brn: str
    kind: ReportKind
    representative_person_id: int | None = Field(
        default=None, gt=0, description="The filer, who must represent the business."
    )
    person_id: int | None = Field(default=None, gt=0)
    employment_id: int | None = Field(default=None, gt=0)
    started_on: dt.date | None = None
    monthly_wage_won: int | None = None
    job_title: str | None = None
    ended_on: dt.date | None = None
    reason: EndReason | None = None


class ReportedEmployment(Record):
    """The employment a report started or ended; `repeated` when the step key was applied
    before (the first answer, nothing applied again)."""

    employment_id: int
    business_id: int
    person_id: int
    kind: ReportKind
    repeated: bool = False


EMPLOYMENT_REPORT: Contract[EmploymentReportRequest, ReportedEmployment] = Contract(
    "business/employment-report",
    EmploymentReportRequest,
    ReportedEmployment,
    summary="Record a hire or a leave reported by a business's representative, once per step "
    "key; answers the employment, business and person.",
)
