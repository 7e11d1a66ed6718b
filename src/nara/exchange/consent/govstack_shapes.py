"""GovStack Consent API shapes (consent-openapi 1.1.0): `Policy`, `DataAgreement`,
`ConsentRecord`, `Revision`, in the spec's camelCase, built from Nara's rows.

Ids on these paths are GovStack's: the row id as a string (`"1"`); Nara's own string id of an
agreement travels as `naraId`. Fields the spec does not have are Nara's additions, named as
such in their descriptions. A `Revision` of a policy or data agreement is its current
version: `serializedSnapshot` is the canonical JSON of the object (sorted keys, no spaces,
UTF-8) and `serializedHash` its SHA-1 (hex), as the spec says; Nara keeps no snapshot of
earlier versions. A `Revision` of a consent record is Nara's signed revision: the snapshot
is the document its SHA-256 `sha256Hash` covers, so the chain and the platform's signature
can be checked from it (docs/consent.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from nara.exchange.consent.models import (
    ExchangeConsentAgreement,
    ExchangeConsentPolicy,
    ExchangeConsentRecord,
    ExchangeConsentRevision,
)
from nara.exchange.consent.service import canonical_json, in_force, instant, revision_document
from nara.exchange.members import AGENCY_MEMBERS

PLATFORM_POLICY_ID: Final = 1
"""The platform's one policy, which every data agreement refers to."""
CITIZEN_ACTOR: Final = "citizen:"


class GovStackModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Policy(GovStackModel):
    id: str = Field(examples=["1"])
    name: str
    name_ko: str = Field(description="Nara's: the name in Korean.")
    version: str = Field(examples=["1"])
    url: str = Field(description="Where this version of the policy can be read.")
    jurisdiction: str = Field(examples=["KR"])
    industry_sector: str
    data_retention_period_days: int
    geographic_restriction: str | None
    storage_location: str

    @classmethod
    def of(cls, row: ExchangeConsentPolicy, *, base_url: str) -> Policy:
        return cls(
            id=str(row.id),
            name=row.name_en,
            name_ko=row.name_ko,
            version=row.version,
            url=base_url.rstrip("/") + row.path,
            jurisdiction=row.jurisdiction,
            industry_sector=row.industry_sector,
            data_retention_period_days=row.data_retention_period_days,
            geographic_restriction=row.geographic_restriction,
            storage_location=row.storage_location,
        )


class Controller(GovStackModel):
    id: str = Field(examples=["KR/GOV/MOIS"], description="The exchange member.")
    name: str
    name_ko: str = Field(description="Nara's: the name in Korean.")
    url: str


class DataAgreement(GovStackModel):
    id: str = Field(examples=["1"])
    version: str = Field(examples=["1"])
    controller: Controller | None = Field(description="The agency whose service it is.")
    policy: Policy
    purpose: str
    purpose_ko: str = Field(description="Nara's: the purpose in Korean.")
    lawful_basis: str = Field(examples=["consent", "public_task"])
    dpia: str = Field(description="Nara records no impact assessment here: empty.")
    active: bool
    forgettable: bool = Field(description="False: a record is kept, with its signed history.")
    nara_id: str = Field(
        examples=["residents.person-summaries.loan-screening"],
        description="Nara's: the agreement's id on /api/exchange/consent.",
    )
    service: str = Field(description="Nara's: the exchange service.")
    legal_reference: str = Field(description="Nara's: the statute, when not consent.")
    personal_data: list[str] = Field(description="Nara's: the fields the purpose may see.")

    @classmethod
    def of(cls, row: ExchangeConsentAgreement, *, policy: Policy, base_url: str) -> DataAgreement:
        member = AGENCY_MEMBERS.get(row.service.split("/", 1)[0])
        controller = None
        if member is not None:
            controller = Controller(
                id=str(member.id), name=member.name_en, name_ko=member.name_ko, url=base_url
            )
        return cls(
            id=str(row.id),
            version=str(row.version),
            controller=controller,
            policy=policy,
            purpose=row.purpose_en,
            purpose_ko=row.purpose_ko,
            lawful_basis=row.lawful_basis,
            dpia="",
            active=row.active,
            forgettable=False,
            nara_id=row.uid,
            service=row.service,
            legal_reference=row.legal_reference,
            personal_data=list(row.fields),
        )


class Individual(GovStackModel):
    id: str = Field(description="The resident's person id.")


class Revision(GovStackModel):
    id: str
    schema_name: str = Field(examples=["dataAgreement", "policy", "consentRecord"])
    object_id: str
    signed_without_object_id: bool = False
    serialized_snapshot: str
    serialized_hash: str = Field(description="SHA-1 (hex) of serializedSnapshot.")
    timestamp: str
    authorized_by_individual: Individual | None = None
    authorized_by_other: str | None = None
    predecessor_hash: str | None = None
    predecessor_signature: str | None = None
    sha256_hash: str | None = Field(
        default=None, description="Nara's: a consent revision's SHA-256 chain hash."
    )
    predecessor_sha256_hash: str | None = Field(
        default=None, description="Nara's: the previous revision's chain hash."
    )
    platform_signature: str | None = Field(
        default=None, description="Nara's: the platform's signature of sha256Hash."
    )


def _sha1(snapshot: str) -> str:
    # GovStack's Revision hash; Nara's own chain is SHA-256 and signed.
    return hashlib.sha1(snapshot.encode(), usedforsecurity=False).hexdigest()


def object_revision(
    schema_name: str, obj: GovStackModel, *, object_id: str, version: str, at: dt.datetime
) -> Revision:
    """The Revision of a policy's or agreement's current version."""
    snapshot = canonical_json(obj.model_dump(mode="json", by_alias=True)).decode()
    return Revision(
        id=f"{schema_name}/{object_id}/{version}",
        schema_name=schema_name,
        object_id=object_id,
        serialized_snapshot=snapshot,
        serialized_hash=_sha1(snapshot),
        timestamp=instant(at) or "",
    )


def policy_revision(policy: Policy, row: ExchangeConsentPolicy) -> Revision:
    return object_revision(
        "policy", policy, object_id=policy.id, version=policy.version, at=row.updated_at
    )


def agreement_revision(agreement: DataAgreement, row: ExchangeConsentAgreement) -> Revision:
    return object_revision(
        "dataAgreement",
        agreement,
        object_id=agreement.id,
        version=agreement.version,
        at=row.updated_at,
    )


def consent_revision(record: ExchangeConsentRecord, row: ExchangeConsentRevision) -> Revision:
    """A consent record's signed revision as a GovStack Revision."""
    document: dict[str, Any] = revision_document(
        record=record.uid,
        seq=row.seq,
        action=row.action,
        state=row.state,
        actor=row.actor,
        recorded_at=row.recorded_at,
        prev_hash=row.prev_hash,
    )
    snapshot = canonical_json(document).decode()
    by_individual = row.actor.startswith(CITIZEN_ACTOR)
    return Revision(
        id=f"consentRecord/{record.uid}/{row.seq}",
        schema_name="consentRecord",
        object_id=record.uid,
        serialized_snapshot=snapshot,
        serialized_hash=_sha1(snapshot),
        timestamp=instant(row.recorded_at) or "",
        authorized_by_individual=Individual(id=str(record.person_id)) if by_individual else None,
        authorized_by_other=None if by_individual else row.actor,
        sha256_hash=row.hash,
        predecessor_sha256_hash=row.prev_hash,
        platform_signature=row.signature,
    )


class ConsentRecord(GovStackModel):
    id: str
    data_agreement: DataAgreement
    data_agreement_revision_hash: str | None = Field(
        description="The serializedHash of the agreement version consented to; null when the "
        "agreement has changed since (Nara keeps no snapshot of earlier versions)."
    )
    individual: Individual
    opt_in: bool
    state: str = Field(description="signed: every change is a revision the platform signed.")
    consent_state: str = Field(description="Nara's: given, withdrawn or expired now.")
    expires_at: str | None = Field(description="Nara's: when the consent ends, if it does.")
    revisions: int = Field(description="Nara's: the number of revisions.")

    @classmethod
    def of(
        cls,
        row: ExchangeConsentRecord,
        *,
        agreement: DataAgreement,
        agreement_row: ExchangeConsentAgreement,
        now: dt.datetime,
    ) -> ConsentRecord:
        current = row.agreement_version == agreement_row.version
        state = "withdrawn" if not row.opt_in else "given" if in_force(row, now) else "expired"
        return cls(
            id=row.uid,
            data_agreement=agreement,
            data_agreement_revision_hash=(
                agreement_revision(agreement, agreement_row).serialized_hash if current else None
            ),
            individual=Individual(id=str(row.person_id)),
            opt_in=row.opt_in,
            state="signed",
            consent_state=state,
            expires_at=instant(row.expires_at),
            revisions=row.revisions,
        )


class PolicyAnswer(GovStackModel):
    policy: Policy
    revision: Revision


class DataAgreementAnswer(GovStackModel):
    data_agreement: DataAgreement
    revision: Revision


class DataAgreementList(GovStackModel):
    data_agreement: list[DataAgreement] = Field(description="GovStack's name for the list.")


class ConsentRecordAnswer(GovStackModel):
    consent_record: ConsentRecord
    revision: Revision | None = None
