"""Shapes of the consent API, after the GovStack Consent building block (in snake case).

`DataAgreement` → `AgreementRead`, `ConsentRecord` → `ConsentRecordRead` (the individual is
a resident's person id), `Revision` → `RevisionRead` (a snapshot of the record's state with
its hash, the previous revision's hash and the platform's signature of the hash).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from nara.core.pagination import Page
from nara.exchange.consent.models import (
    ExchangeConsentAgreement,
    ExchangeConsentMandate,
    ExchangeConsentRecord,
    ExchangeConsentRevision,
)
from nara.exchange.consent.service import Verification, in_force

ConsentState = Literal["given", "withdrawn", "expired"]


class AgreementRead(BaseModel):
    id: str = Field(examples=["residents.person-summaries.ownership-check"])
    service: str = Field(examples=["residents/person-summaries"])
    purpose: str = Field(examples=["ownership-check"])
    purpose_en: str
    purpose_ko: str
    lawful_basis: str = Field(examples=["consent", "public_task"])
    legal_reference: str = Field(description="The statute, when the basis is not consent.")
    personal_data: list[str] = Field(description="The fields this purpose may see.")
    version: int
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, row: ExchangeConsentAgreement) -> AgreementRead:
        return cls(
            id=row.uid,
            service=row.service,
            purpose=row.purpose,
            purpose_en=row.purpose_en,
            purpose_ko=row.purpose_ko,
            lawful_basis=row.lawful_basis,
            legal_reference=row.legal_reference,
            personal_data=list(row.fields),
            version=row.version,
            active=row.active,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


class ConsentGive(BaseModel):
    """Opt in (or, with `opt_in` false, withdraw), optionally until an instant."""

    opt_in: bool = True
    expires_at: AwareDatetime | None = Field(
        default=None, description="When the consent ends; in the future, with a time zone."
    )


class ConsentUpdate(BaseModel):
    """Give again (`opt_in` true, optionally with a new expiry) or withdraw a record."""

    opt_in: bool
    expires_at: AwareDatetime | None = None


class ConsentRecordRead(BaseModel):
    id: str
    data_agreement_id: str
    agreement_version: int = Field(description="The agreement version last consented to.")
    individual_id: int = Field(description="The resident's person id.")
    opt_in: bool
    expires_at: dt.datetime | None
    state: ConsentState = Field(description="At the time of the request.")
    revisions: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(
        cls, row: ExchangeConsentRecord, *, agreement_id: str, now: dt.datetime
    ) -> ConsentRecordRead:
        state: ConsentState = (
            "withdrawn" if not row.opt_in else "given" if in_force(row, now) else "expired"
        )
        return cls(
            id=row.uid,
            data_agreement_id=agreement_id,
            agreement_version=row.agreement_version,
            individual_id=row.person_id,
            opt_in=row.opt_in,
            expires_at=row.expires_at,
            state=state,
            revisions=row.revisions,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


class RevisionRead(BaseModel):
    seq: int
    action: Literal["given", "withdrawn"]
    state: dict[str, Any] = Field(description="The record after the change.")
    actor: str
    recorded_at: dt.datetime
    prev_hash: str
    hash: str = Field(description="SHA-256 of the canonical JSON of the revision.")
    signature: str = Field(description="The platform's signature of the hash, `<kid>.<b64url>`.")

    @classmethod
    def of(cls, row: ExchangeConsentRevision) -> RevisionRead:
        return cls(
            seq=row.seq,
            action=row.action,
            state=row.state,
            actor=row.actor,
            recorded_at=row.recorded_at,
            prev_hash=row.prev_hash,
            hash=row.hash,
            signature=row.signature,
        )


class VerificationRead(BaseModel):
    valid: bool
    revisions: int
    broken_at: int | None = Field(description="The sequence number of the first broken one.")
    reason: str | None = Field(
        examples=["hash_mismatch"],
        description="revision_missing, chain_broken, hash_mismatch, signature_invalid, "
        "record_differs or no_revisions.",
    )

    @classmethod
    def of(cls, result: Verification) -> VerificationRead:
        return cls(
            valid=result.valid,
            revisions=result.revisions,
            broken_at=result.broken_at,
            reason=result.reason,
        )


class ConsentRecordChange(BaseModel):
    """A record and its latest revision (the one a change made, if it made one)."""

    consent_record: ConsentRecordRead
    revision: RevisionRead | None


class ConsentRecordHistory(BaseModel):
    """A record, all its revisions in order, and whether their chain and signatures hold."""

    consent_record: ConsentRecordRead
    revisions: list[RevisionRead]
    verification: VerificationRead


MandateKind = Literal["legal_guardian", "power_of_attorney", "court_order"]
DocumentReference = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]


class MandateCreate(BaseModel):
    """Record that a system (its token) may act for an individual, on a proven power."""

    individual_id: int = Field(ge=1, le=2**63 - 1, description="The resident's person id.")
    holder: str = Field(
        min_length=7, max_length=110, examples=["token:care-system"], description="token:<name>"
    )
    kind: MandateKind = Field(
        description="legal_guardian (법정대리인), power_of_attorney (위임장), "
        "court_order (법원 결정)."
    )
    document_reference: DocumentReference = Field(
        examples=["서울가정법원 2026느단1234"], description="The document proving the power."
    )
    valid_from: AwareDatetime | None = Field(default=None, description="Now if not given.")
    valid_until: AwareDatetime | None = Field(default=None, description="Open if not given.")


class MandateRead(BaseModel):
    id: str
    individual_id: int
    holder: str
    kind: str
    document_reference: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    recorded_by: str
    recorded_at: dt.datetime
    revoked_at: dt.datetime | None
    revoked_by: str | None
    in_force: bool = Field(description="At the time of the request.")

    @classmethod
    def of(cls, row: ExchangeConsentMandate, *, in_force: bool) -> MandateRead:
        return cls(
            id=row.uid,
            individual_id=row.person_id,
            holder=row.holder,
            kind=row.kind,
            document_reference=row.document_reference,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            recorded_by=row.recorded_by,
            recorded_at=row.recorded_at,
            revoked_at=row.revoked_at,
            revoked_by=row.revoked_by,
            in_force=in_force,
        )


class MandatePage(Page[MandateRead]):
    pass


class AgreementPage(Page[AgreementRead]):
    pass


class ConsentRecordPage(Page[ConsentRecordRead]):
    pass
