"""The consent API under /api/exchange/consent, shaped after the GovStack Consent API.

- `config`: the data agreements (one per declared purpose of a service); `consent:read`.
- `service`: the individual's channel: give consent to an agreement, withdraw it, give it
  again, read his own records and revisions. The individual is established, never asserted:
  the signed-in citizen himself, or a system (`consent:write`) under a mandate recorded for
  him and held by its token (`nara.exchange.consent.acting`).
- `mandates`: record, list and revoke the mandates; `consent:mandate`.
- `audit`: the records of an agreement, and a record's revisions with the verification of
  their hash chain and signatures; `consent:audit`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from sqlalchemy.orm import Session

from nara.core.access import Caller, require
from nara.core.clock import Clock
from nara.core.pagination import PageParams, page_params
from nara.core.web import ClockDep, DbSession
from nara.exchange.consent import mandates, service
from nara.exchange.consent.acting import MAX_PERSON_ID, ActingFor
from nara.exchange.consent.models import (
    ExchangeConsentAgreement,
    ExchangeConsentMandate,
    ExchangeConsentRecord,
)
from nara.exchange.consent.schemas import (
    AgreementPage,
    AgreementRead,
    ConsentGive,
    ConsentRecordChange,
    ConsentRecordHistory,
    ConsentRecordPage,
    ConsentRecordRead,
    ConsentUpdate,
    MandateCreate,
    MandatePage,
    MandateRead,
    RevisionRead,
    VerificationRead,
)
from nara.exchange.trust import Keystore

router = APIRouter(prefix="/api/exchange/consent", tags=["consent"])

Reader = Annotated[Caller, Depends(require("consent:read"))]
Auditor = Annotated[Caller, Depends(require("consent:audit"))]
Registrar = Annotated[Caller, Depends(require("consent:mandate"))]
Paging = Annotated[PageParams, Depends(page_params)]


def get_keystore(request: Request) -> Keystore:
    keystore: Keystore = request.app.state.keystore
    return keystore


KeystoreDep = Annotated[Keystore, Depends(get_keystore)]


def _read(session: Session, row: ExchangeConsentRecord, clock: Clock) -> ConsentRecordRead:
    agreement = session.get_one(ExchangeConsentAgreement, row.agreement_id)
    return ConsentRecordRead.of(row, agreement_id=agreement.uid, now=clock.now())


def _page(
    session: Session,
    rows: list[ExchangeConsentRecord],
    total: int,
    params: PageParams,
    clock: Clock,
) -> ConsentRecordPage:
    uids = service.agreement_uids(session, rows)
    now = clock.now()
    return ConsentRecordPage(
        items=[ConsentRecordRead.of(r, agreement_id=uids[r.agreement_id], now=now) for r in rows],
        page=params.page,
        size=params.size,
        total=total,
    )


def _change(session: Session, row: ExchangeConsentRecord, clock: Clock) -> ConsentRecordChange:
    latest = service.latest_revision(session, row)
    return ConsentRecordChange(
        consent_record=_read(session, row, clock),
        revision=None if latest is None else RevisionRead.of(latest),
    )


def _history(
    session: Session, row: ExchangeConsentRecord, clock: Clock, keystore: Keystore
) -> ConsentRecordHistory:
    return ConsentRecordHistory(
        consent_record=_read(session, row, clock),
        revisions=[RevisionRead.of(r) for r in service.revisions(session, row)],
        verification=VerificationRead.of(service.verify_record(session, keystore, row.uid)),
    )


# config --------------------------------------------------------------------------------------


@router.get("/config/data-agreements")
def list_agreements(
    *,
    caller: Reader,
    session: DbSession,
    params: Paging,
    service_id: Annotated[
        str | None, Query(alias="service", description="e.g. residents/person-summaries")
    ] = None,
    include_inactive: bool = False,
) -> AgreementPage:
    """The data agreements: one per declared purpose of a personal-data service."""
    rows, total = service.agreements(
        session,
        service=service_id,
        include_inactive=include_inactive,
        offset=params.offset,
        limit=params.size,
    )
    return AgreementPage(
        items=[AgreementRead.of(r) for r in rows], page=params.page, size=params.size, total=total
    )


@router.get("/config/data-agreement/{agreement_id}")
def read_agreement(*, agreement_id: str, caller: Reader, session: DbSession) -> AgreementRead:
    """One data agreement: purpose, lawful basis, statute and the personal data it covers."""
    return AgreementRead.of(service.get_agreement(session, agreement_id))


# service (the individual) -------------------------------------------------------------------


@router.post("/service/individual/record/data-agreement/{agreement_id}")
def give_consent(
    *,
    agreement_id: str,
    body: ConsentGive,
    acting: ActingFor,
    session: DbSession,
    clock: ClockDep,
    keystore: KeystoreDep,
) -> ConsentRecordChange:
    """Give consent to an agreement (again), or withdraw it with `opt_in` false."""
    sign = service.platform_signer(keystore)
    if body.opt_in:
        row = service.give_consent(
            session,
            clock=clock,
            sign=sign,
            actor=acting.actor,
            agreement_id=agreement_id,
            person_id=acting.person_id,
            expires_at=body.expires_at,
            mandate=acting.mandate,
        )
    else:
        row = service.withdraw_consent(
            session,
            clock=clock,
            sign=sign,
            actor=acting.actor,
            agreement_id=agreement_id,
            person_id=acting.person_id,
            mandate=acting.mandate,
        )
    return _change(session, row, clock)


@router.get("/service/individual/record/data-agreement/{agreement_id}")
def read_own_record_of_agreement(
    *,
    agreement_id: str,
    acting: ActingFor,
    session: DbSession,
    clock: ClockDep,
) -> ConsentRecordRead:
    """The individual's current record for an agreement."""
    row = service.record_for(session, agreement_id=agreement_id, person_id=acting.person_id)
    return _read(session, row, clock)


@router.get("/service/individual/record/consent-record")
def list_own_records(
    *, acting: ActingFor, session: DbSession, clock: ClockDep, params: Paging
) -> ConsentRecordPage:
    """The individual's consent records."""
    rows, total = service.records(
        session,
        agreement_id=None,
        person_id=acting.person_id,
        offset=params.offset,
        limit=params.size,
    )
    return _page(session, rows, total, params, clock)


@router.put("/service/individual/record/consent-record/{record_id}")
def update_own_record(
    *,
    record_id: str,
    body: ConsentUpdate,
    acting: ActingFor,
    session: DbSession,
    clock: ClockDep,
    keystore: KeystoreDep,
) -> ConsentRecordChange:
    """Withdraw (`opt_in` false) or give again one of the individual's records."""
    row = service.set_consent(
        session,
        clock=clock,
        sign=service.platform_signer(keystore),
        actor=acting.actor,
        record_id=record_id,
        person_id=acting.person_id,
        opt_in=body.opt_in,
        expires_at=body.expires_at,
        mandate=acting.mandate,
    )
    return _change(session, row, clock)


@router.get("/service/individual/record/consent-record/{record_id}")
def read_own_record(
    *,
    record_id: str,
    acting: ActingFor,
    session: DbSession,
    clock: ClockDep,
) -> ConsentRecordRead:
    """One of the individual's records."""
    row = service.own_record(session, record_id=record_id, person_id=acting.person_id)
    return _read(session, row, clock)


@router.get("/service/individual/record/consent-record/{record_id}/revisions")
def read_own_revisions(
    *,
    record_id: str,
    acting: ActingFor,
    session: DbSession,
    clock: ClockDep,
    keystore: KeystoreDep,
) -> ConsentRecordHistory:
    """One of the individual's records with its revisions and their verification."""
    row = service.own_record(session, record_id=record_id, person_id=acting.person_id)
    return _history(session, row, clock, keystore)


# audit ---------------------------------------------------------------------------------------


@router.get("/audit/consent-records")
def audit_records(
    *,
    caller: Auditor,
    session: DbSession,
    clock: ClockDep,
    params: Paging,
    agreement_id: Annotated[
        str | None, Query(alias="data_agreement_id", description="Only this agreement's.")
    ] = None,
) -> ConsentRecordPage:
    """Consent records, optionally of one agreement."""
    rows, total = service.records(
        session,
        agreement_id=agreement_id,
        person_id=None,
        offset=params.offset,
        limit=params.size,
    )
    return _page(session, rows, total, params, clock)


@router.get("/audit/consent-record/{record_id}")
def audit_record(
    *,
    record_id: str,
    caller: Auditor,
    session: DbSession,
    clock: ClockDep,
    keystore: KeystoreDep,
) -> ConsentRecordHistory:
    """A record with its revisions and the verification of their chain and signatures."""
    row = service.get_record(session, record_id)
    return _history(session, row, clock, keystore)


# mandates -------------------------------------------------------------------------------------


def _mandate(row: ExchangeConsentMandate, clock: Clock) -> MandateRead:
    return MandateRead.of(row, in_force=mandates.why_not_in_force(row, clock.now()) is None)


@router.post("/mandates", status_code=status.HTTP_201_CREATED)
def record_mandate(
    *, body: MandateCreate, caller: Registrar, session: DbSession, clock: ClockDep
) -> MandateRead:
    """Record a mandate: the holder (a token) may act for the individual on the proven power."""
    row = mandates.record_mandate(
        session,
        clock=clock,
        actor=caller.actor,
        person_id=body.individual_id,
        holder=body.holder,
        kind=body.kind,
        document_reference=body.document_reference,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
    )
    return _mandate(row, clock)


@router.get("/mandates")
def list_mandates(
    *,
    caller: Registrar,
    session: DbSession,
    clock: ClockDep,
    params: Paging,
    individual_id: Annotated[
        int | None, Query(ge=1, le=MAX_PERSON_ID, description="Only this individual's.")
    ] = None,
    holder: Annotated[
        str | None, Query(max_length=110, description="Only this holder's (token:<name>).")
    ] = None,
) -> MandatePage:
    """Mandates, revoked ones too, optionally of one individual or one holder."""
    rows, total = mandates.mandates(
        session, person_id=individual_id, holder=holder, offset=params.offset, limit=params.size
    )
    return MandatePage(
        items=[_mandate(row, clock) for row in rows],
        page=params.page,
        size=params.size,
        total=total,
    )


@router.post("/mandates/{mandate_id}/revoke")
def revoke_mandate(
    *, mandate_id: str, caller: Registrar, session: DbSession, clock: ClockDep
) -> MandateRead:
    """End a mandate now; what was done under it stays, signed."""
    row = mandates.revoke_mandate(session, clock=clock, actor=caller.actor, mandate_id=mandate_id)
    return _mandate(row, clock)
