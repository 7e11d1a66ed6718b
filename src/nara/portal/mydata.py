"""My data (나의 정보): who read the signed-in citizen's data, and his consents.

"Who viewed my data" lists the exchange's usage rows for the citizen's person id
(`nara.exchange.usage.usage_of`), newest first and paged: the reading institution in the
visitor's language, its system, who read (`reader`: the user id in words, marked when only
the calling system vouches for it), the purpose, the lawful basis and statute, the fields
and the time. "My consents" lists the data agreements that rest on consent, the citizen's
current state of each, buttons to give or withdraw it (POST with the CSRF token) and the
revision history of his record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nara.core.errors import Message, NaraError, NotFound
from nara.core.web import ClockDep, DbSession
from nara.exchange.consent import service as consent
from nara.exchange.consent.models import ExchangeConsentAgreement
from nara.exchange.members import MEMBER_NAMES
from nara.exchange.trust.identifiers import SubsystemId
from nara.exchange.usage import usage_of
from nara.identity.access import Principal, require_citizen
from nara.portal.rendering import PortalRoute, language, render

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

Citizen = Annotated[Principal, Depends(require_citizen())]

PAGE_SIZE = 20
CONSENT = "consent"


def _person(principal: Principal) -> int:
    if principal.person_id is None:  # a citizen account is always bound to a resident
        raise NotFound(
            "person_unknown",
            Message("No resident is bound to this account.", "계정에 연결된 주민이 없습니다."),
        )
    return principal.person_id


def _institution(client: str, lang: str) -> tuple[str, str]:
    """The reading institution's name in `lang`, and its system (subsystem code)."""
    try:
        subsystem = SubsystemId.parse(client)
    except (ValueError, NaraError):
        return client, ""
    info = MEMBER_NAMES.get(subsystem.member)
    name = (info.name_ko if lang == "ko" else info.name_en) if info else str(subsystem.member)
    return name, subsystem.subsystem_code


ReaderKind = Literal["self", "citizen", "official", "case", "operator", "stated"]


@dataclass(frozen=True)
class Reader:
    """Who read, as the template words it: `detail` is the account number, the case
    reference or, for `stated`, the user id as the calling system gave it."""

    kind: ReaderKind
    detail: str = ""
    asserted: bool = False


def reader_of(user_id: str, *, asserted: bool, account_id: int | None) -> Reader:
    """The reader of one usage row. A user id an information system asserted (`X-Road-UserId`
    through `/r1`) is shown as given, marked; the platform's own ids in words."""
    if asserted:
        return Reader("stated", user_id, asserted=True)
    kind, _, rest = user_id.partition(":")
    if user_id == "self-service" or (kind == "citizen" and rest == str(account_id)):
        return Reader("self")
    words: dict[str, Reader] = {
        "citizen": Reader("citizen"),
        "official": Reader("official", rest),
        "case": Reader("case", rest),
        "operator": Reader("operator"),
    }
    detail_fits = {"official": rest.isdigit(), "case": bool(rest)}
    known = kind in words and detail_fits.get(kind, True)
    return words[kind] if known else Reader("stated", user_id)


def _consent_agreements(session: DbSession) -> list[ExchangeConsentAgreement]:
    rows, _ = consent.agreements(
        session, service=None, include_inactive=False, offset=0, limit=1000
    )
    return [row for row in rows if row.lawful_basis == CONSENT]


@router.get("/mydata", response_class=HTMLResponse)
def mydata_page(
    *,
    request: Request,
    principal: Citizen,
    session: DbSession,
    clock: ClockDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Who read my data, and my consents."""
    lang = language(request)
    person_id = _person(principal)
    rows, total = usage_of(session, person_id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    purposes = {
        (row.service, row.purpose): row
        for row in consent.agreements(
            session, service=None, include_inactive=True, offset=0, limit=1000
        )[0]
    }
    usage_rows = []
    for row in rows:
        institution, system = _institution(row.client, lang)
        agreement = purposes.get((row.service, row.purpose))
        purpose = row.purpose
        if agreement is not None:
            purpose = agreement.purpose_ko if lang == "ko" else agreement.purpose_en
        usage_rows.append(
            {
                "institution": institution,
                "system": system,
                "reader": reader_of(
                    row.user_id,
                    asserted=bool(row.user_asserted),
                    account_id=principal.account_id,
                ),
                "service": row.service,
                "purpose": purpose,
                "lawful_basis": row.lawful_basis,
                "legal_reference": row.legal_reference,
                "fields": row.fields,
                "read_at": row.read_at,
            }
        )
    records, _ = consent.records(
        session, agreement_id=None, person_id=person_id, offset=0, limit=1000
    )
    by_agreement = {record.agreement_id: record for record in records}
    now = clock.now()
    consents = []
    for agreement in _consent_agreements(session):
        record = by_agreement.get(agreement.id)
        consents.append(
            {
                "uid": agreement.uid,
                "purpose": agreement.purpose_ko if lang == "ko" else agreement.purpose_en,
                "service": agreement.service,
                "fields": agreement.fields,
                "given": record is not None and consent.in_force(record, now),
                "record": record,
            }
        )
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    return render(
        request,
        "portal/mydata/mydata.html",
        {
            "usage": usage_rows,
            "total": total,
            "page": page,
            "pages": pages,
            "consents": consents,
        },
        principal=principal,
    )


def _change(
    request: Request, principal: Principal, session: DbSession, clock: ClockDep, *, give: bool
) -> Response:
    agreement_id = str(request.path_params["agreement_id"])
    sign = consent.platform_signer(request.app.state.keystore)
    if give:
        consent.give_consent(
            session,
            clock=clock,
            sign=sign,
            actor=principal.actor,
            agreement_id=agreement_id,
            person_id=_person(principal),
        )
    else:
        consent.withdraw_consent(
            session,
            clock=clock,
            sign=sign,
            actor=principal.actor,
            agreement_id=agreement_id,
            person_id=_person(principal),
        )
    return RedirectResponse("/mydata#consents", status_code=303)


@router.post("/mydata/consents/{agreement_id}/give", response_class=HTMLResponse)
def give(
    *,
    agreement_id: str,
    request: Request,
    principal: Citizen,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """Give consent to a data agreement."""
    return _change(request, principal, session, clock, give=True)


@router.post("/mydata/consents/{agreement_id}/withdraw", response_class=HTMLResponse)
def withdraw(
    *,
    agreement_id: str,
    request: Request,
    principal: Citizen,
    session: DbSession,
    clock: ClockDep,
) -> Response:
    """Withdraw consent to a data agreement."""
    return _change(request, principal, session, clock, give=False)


@router.get("/mydata/consents/{agreement_id}", response_class=HTMLResponse)
def consent_history(
    *,
    agreement_id: str,
    request: Request,
    principal: Citizen,
    session: DbSession,
) -> HTMLResponse:
    """The revisions of the citizen's consent record for one agreement."""
    lang = language(request)
    agreement = consent.get_agreement(session, agreement_id)
    record = consent.record_for(session, agreement_id=agreement_id, person_id=_person(principal))
    return render(
        request,
        "portal/mydata/history.html",
        {
            "agreement": agreement,
            "purpose": agreement.purpose_ko if lang == "ko" else agreement.purpose_en,
            "record": record,
            "revisions": consent.revisions(session, record),
        },
        principal=principal,
    )
