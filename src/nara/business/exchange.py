"""What the business agency offers other agencies through the exchange, and its events."""

from __future__ import annotations

from nara.business import reports, repository
from nara.core.address import RoadAddress
from nara.core.clock import today
from nara.core.errors import Invalid
from nara.core.identifiers import Brn
from nara.exchange import CallContext, Service
from nara.exchange.contracts.business import (
    BUSINESS_STATUS,
    BUSINESS_SUMMARIES,
    BUSINESSES_OF_REPRESENTATIVE,
    EMPLOYMENTS_OF_PERSON,
    REGISTRATION_CERTIFICATE,
    BusinessesOfRepresentativeRequest,
    BusinessStatusRequest,
    BusinessSummariesRequest,
    BusinessSummary,
    EmploymentsOfPersonRequest,
    PersonEmployment,
    RegistrationCertificate,
    RegistrationCertificateRequest,
    RegistrationStatus,
    RepresentedBusiness,
)
from nara.exchange.preconditions import INHERITANCE_USES, deceased_for_an_heir
from nara.exchange.purposes import Purpose


def employments_of_person(
    ctx: CallContext, request: EmploymentsOfPersonRequest
) -> list[PersonEmployment]:
    """A person's employments in force on a date (today by default), with each employer."""
    as_of = request.on or today(ctx.clock)
    return [
        PersonEmployment.model_validate(
            {
                "employment_id": employment.id,
                "business_id": business.id,
                "brn": business.brn,
                "business_name": business.name,
                "job_title": employment.job_title,
                "started_on": employment.started_on,
                "ended_on": employment.ended_on,
                "monthly_wage_won": employment.monthly_wage_won,
            }
        )
        for employment, business in repository.employments_of_person(
            ctx.session, request.person_id, on=as_of
        )
    ]


def _brn_digits(brn: str) -> str | None:
    """The digits of a well-formed BRN; None for text that is not one."""
    try:
        return Brn.parse(brn).digits
    except Invalid:
        return None


def business_status(ctx: CallContext, request: BusinessStatusRequest) -> RegistrationStatus | None:
    """Whether a BRN is registered and its status (휴·폐업 조회); None when not registered."""
    digits = _brn_digits(request.brn)
    row = None if digits is None else repository.registration_by_brn(ctx.session, digits)
    if row is None:
        return None
    return RegistrationStatus.model_validate(
        {
            "brn": row.brn,
            "name": row.name,
            "kind": row.kind,
            "status": row.status,
            "industry_code": row.industry_code,
            "opened_on": row.opened_on,
            "closed_on": row.closed_on,
            "employer_since": row.employer_since,
        }
    )


def business_summaries(
    ctx: CallContext, request: BusinessSummariesRequest
) -> dict[int, BusinessSummary]:
    """BRN, name, kind, status and closing date of each registered business; unknown ids absent.

    The name is the one the register holds (상호), for agencies that record a business by id.
    """
    return {
        row.id: BusinessSummary.model_validate(
            {
                "business_id": row.id,
                "brn": row.brn,
                "name": row.name,
                "kind": row.kind,
                "status": row.status,
                "closed_on": row.closed_on,
            }
        )
        for row in repository.registrations(ctx.session, request.business_ids)
    }


def registration_certificate(
    ctx: CallContext, request: RegistrationCertificateRequest
) -> RegistrationCertificate | None:
    """What a business registration certificate (사업자등록증명) shows of a BRN: trade name,
    kind, representative, industry, opening (and closing) date, address and status; None
    when the BRN is not registered."""
    digits = _brn_digits(request.brn)
    row = None if digits is None else repository.registration_by_brn(ctx.session, digits)
    if row is None:
        return None
    address = RoadAddress.of(row)
    return RegistrationCertificate.model_validate(
        {
            "brn": row.brn,
            "name": row.name,
            "kind": row.kind,
            "representative_person_id": row.representative_person_id,
            "representative_name": row.representative_name,
            "industry_code": row.industry_code,
            "opened_on": row.opened_on,
            "closed_on": row.closed_on,
            "status": row.status,
            "address_ko": address.label("ko"),
            "address_en": address.label("en"),
        }
    )


def businesses_of_representative(
    ctx: CallContext, request: BusinessesOfRepresentativeRequest
) -> list[RepresentedBusiness]:
    """The businesses a person represents, opened by a date (today by default): BRN, name,
    kind, status and dates."""
    as_of = request.on or today(ctx.clock)
    return [
        RepresentedBusiness.model_validate(
            {
                "business_id": row.id,
                "brn": row.brn,
                "name": row.name,
                "kind": row.kind,
                "status": row.status,
                "opened_on": row.opened_on,
                "closed_on": row.closed_on,
            }
        )
        for row in repository.registrations_of_representative(ctx.session, request.person_id)
        if row.opened_on <= as_of
    ]


def _representative_read(answer: RegistrationCertificate | None) -> list[int]:
    """The person a registration answer shows: its representative."""
    return [] if answer is None else [answer.representative_person_id]


SERVICES: list[Service] = [
    Service.typed(
        EMPLOYMENTS_OF_PERSON,
        employments_of_person,
        subjects=lambda request: [request.person_id],
        purposes=(
            Purpose(
                code="employment-check",
                fields=frozenset(
                    {
                        "employment_id",
                        "business_id",
                        "brn",
                        "business_name",
                        "job_title",
                        "started_on",
                        "ended_on",
                    }
                ),
                lawful_basis="consent",
                legal_reference="",
                en="A service the person applied for checks where he works (no wages).",
                ko="본인이 신청한 서비스가 근무처를 확인합니다 (급여 제외).",
            ),
            Purpose(
                code="insurance-assessment",
                fields=frozenset(
                    {
                        "employment_id",
                        "business_id",
                        "brn",
                        "business_name",
                        "job_title",
                        "started_on",
                        "ended_on",
                        "monthly_wage_won",
                    }
                ),
                lawful_basis="legal_obligation",
                legal_reference="고용보험법 제15조; 소득세법 제164조",
                en="A tax or insurance office assesses contributions on the person's wages.",
                ko="세무·보험 관서가 근로소득에 대한 보험료·세금을 산정합니다.",
            ),
        ),
    ),
    Service.typed(
        REGISTRATION_CERTIFICATE,
        registration_certificate,
        answer_subjects=_representative_read,
        purposes=(
            Purpose(
                code="certificate-issuance",
                fields=frozenset(
                    {
                        "brn",
                        "name",
                        "kind",
                        "representative_person_id",
                        "representative_name",
                        "industry_code",
                        "opened_on",
                        "closed_on",
                        "status",
                        "address_ko",
                        "address_en",
                    }
                ),
                lawful_basis="public_task",
                legal_reference="부가가치세법 제8조 (사업자등록); 민원 처리에 관한 법률 제10조",
                en="The single window issues a business registration certificate "
                "(사업자등록증명) to the business's representative.",
                ko="정부24가 대표자의 신청에 따라 사업자등록증명을 발급합니다.",
            ),
        ),
    ),
    Service.typed(
        BUSINESSES_OF_REPRESENTATIVE,
        businesses_of_representative,
        subjects=lambda request: [request.person_id],
        purposes=(
            Purpose(
                code="inheritance-lookup",
                fields=frozenset(
                    {"business_id", "brn", "name", "kind", "status", "opened_on", "closed_on"}
                ),
                lawful_basis="public_task",
                legal_reference="상속세 및 증여세법 제83조",
                en="Safe Inheritance (안심상속) shows an heir the deceased's assets.",
                ko="안심상속 원스톱 서비스가 상속인에게 피상속인의 재산을 알려 줍니다.",
                preconditions=(deceased_for_an_heir(lambda request: request.person_id),),
            ),
        ),
    ),
    Service.typed(BUSINESS_STATUS, business_status, personal=False),
    Service.typed(BUSINESS_SUMMARIES, business_summaries, personal=False),
]
"""Services offered to other agencies (called through `nara.exchange`, never by import)."""
SERVICES += reports.SERVICES

EVENTS: dict[str, str] = {
    "business.registered": "A business was registered under its BRN.",
    "business.suspended": "A business suspended its activity (휴업).",
    "business.resumed": "A suspended business resumed its activity.",
    "business.closed": "A business closed for good (폐업).",
    "employment.started": "A person was hired; the first hire makes the business an employer.",
    "employment.wage_changed": "An employment's monthly wage changed from a date.",
    "employment.ended": "A person left an employment.",
}
"""Event types this agency publishes through the outbox, with what each announces."""

USES: tuple[str, ...] = ("residents/person-summaries", *INHERITANCE_USES)
"""Services of other agencies this agency calls (granted to it when the platform installs)."""
