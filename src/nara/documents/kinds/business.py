"""The certificate of business registration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nara.core.errors import Forbidden, Message, NotFound
from nara.core.identifiers import Brn
from nara.documents.kinds.base import ContextFor, day_text, subject_missing
from nara.exchange import Exchange
from nara.exchange.contracts.business import (
    REGISTRATION_CERTIFICATE,
    RegistrationCertificateRequest,
)

BUSINESS_KIND_TEXT = {"individual": "개인 Individual", "corporation": "법인 Corporation"}
BUSINESS_STATUS_TEXT = {
    "active": "계속사업자 Active",
    "suspended": "휴업자 Suspended",
    "closed": "폐업자 Closed",
}


def business_registration(
    exchange: Exchange,
    context: ContextFor,
    person_id: int,
    as_of: dt.date,
    subject: str | None = None,
) -> dict[str, Any]:
    """The business registration certificate (사업자등록증명): the business registered under
    a BRN, issued to its representative. `subject` is the BRN."""
    if not subject:
        raise subject_missing("the business registration number", "사업자등록번호")
    registration = exchange.call(
        REGISTRATION_CERTIFICATE,
        context("certificate-issuance"),
        RegistrationCertificateRequest(brn=subject),
    )
    if registration is None:
        raise NotFound(
            "business_unknown",
            Message(
                f"No business is registered under {subject}.",
                f"{subject}(으)로 등록된 사업자가 없습니다.",
            ),
        )
    if registration.representative_person_id != person_id:
        raise Forbidden(
            "business_not_represented",
            Message(
                "A business registration certificate is issued only to the business's "
                "representative.",
                "사업자등록증명은 해당 사업자의 대표자에게만 발급합니다.",
            ),
        )
    return {
        "as_of": as_of.isoformat(),
        "brn": Brn(registration.brn).formatted,
        "name": registration.name,
        "kind_text": BUSINESS_KIND_TEXT.get(registration.kind, registration.kind),
        "representative_name": registration.representative_name,
        "industry_code": registration.industry_code,
        "opened_on": registration.opened_on.isoformat(),
        "closed_on": day_text(registration.closed_on),
        "status_text": BUSINESS_STATUS_TEXT.get(registration.status, registration.status),
        "address_ko": registration.address_ko,
        "address_en": registration.address_en,
    }
