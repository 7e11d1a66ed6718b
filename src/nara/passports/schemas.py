"""What the passport office's API accepts and answers."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nara.exchange.contracts.passports import PassportStatus
from nara.passports.models import Application, Passport, PassportsChange, Photo

ApplicationKind = Literal["new", "reissue"]
ApplicationStatus = Literal["draft", "submitted", "approved", "rejected", "issued"]
RestrictionKind = Literal["travel_ban", "passport_restriction"]
Pages = Literal[26, 58]
ValidityYears = Literal[5, 10]
Won = int


class ApplicationCreate(BaseModel):
    """A passport application (여권 발급 신청), made on behalf of the applicant."""

    person_id: int = Field(gt=0, description="The applicant.")
    kind: ApplicationKind = Field(
        description="`new`, or `reissue` of the valid passport the applicant holds."
    )
    pages: Pages = 58
    validity_years: ValidityYears | None = Field(
        default=None,
        description="10 from age 18, 5 under it; taken from the applicant's age when empty.",
    )
    guardian_person_id: int | None = Field(
        default=None, gt=0, description="A minor's parent who consents (법정대리인)."
    )
    guardian_consent: bool = Field(
        default=False, description="The named parent has signed the consent (동의서)."
    )


class PhotoRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    media_type: str
    size_bytes: int
    width: int
    height: int
    sha256: str
    uploaded_at: dt.datetime


class PaymentCreate(BaseModel):
    """A fee payment. SIMULATED: no money moves; the amount must equal the fee."""

    amount_won: Won = Field(ge=0, le=10**9)


class PaymentRead(BaseModel):
    """The receipt of a simulated payment."""

    receipt_number: str
    paid_at: dt.datetime
    amount_won: Won
    simulated: Literal[True] = Field(
        default=True, description="Always true: payment is simulated, no money moves."
    )


class DecisionCreate(BaseModel):
    """An official's review of a submitted application."""

    outcome: Literal["approve", "reject"]
    reason: str | None = Field(
        default=None, max_length=500, description="Required for a rejection."
    )


class StatusChangeRead(BaseModel):
    """One step in an application's history."""

    action: str
    status: str | None
    at: dt.datetime
    actor: str

    @classmethod
    def of(cls, row: PassportsChange) -> StatusChangeRead:
        status = row.data.get("status")
        return cls(
            action=row.action,
            status=None if status is None else str(status),
            at=row.recorded_at,
            actor=row.actor,
        )


class ApplicationRead(BaseModel):
    id: int
    person_id: int
    kind: ApplicationKind
    pages: Pages
    validity_years: ValidityYears
    guardian_person_id: int | None
    replaces_passport_number: str | None
    applied_on: dt.date
    fee_won: Won
    status: ApplicationStatus
    photo: PhotoRead | None
    payment: PaymentRead | None
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    decision_reason: str | None
    passport_number: str | None
    history: list[StatusChangeRead]

    @classmethod
    def of(
        cls,
        row: Application,
        *,
        photo: Photo | None,
        passport: Passport | None,
        replaces: Passport | None,
        history: list[PassportsChange],
    ) -> ApplicationRead:
        payment = None
        if row.receipt_number is not None and row.paid_at is not None:
            payment = PaymentRead(
                receipt_number=row.receipt_number, paid_at=row.paid_at, amount_won=row.fee_won
            )
        return cls.model_validate(
            {
                "id": row.id,
                "person_id": row.person_id,
                "kind": row.kind,
                "pages": row.pages,
                "validity_years": row.validity_years,
                "guardian_person_id": row.guardian_person_id,
                "replaces_passport_number": None if replaces is None else replaces.number,
                "applied_on": row.applied_on,
                "fee_won": row.fee_won,
                "status": row.status,
                "photo": None if photo is None else PhotoRead.model_validate(photo),
                "payment": payment,
                "submitted_at": row.submitted_at,
                "decided_at": row.decided_at,
                "decision_reason": row.decision_reason,
                "passport_number": None if passport is None else passport.number,
                "history": [StatusChangeRead.of(change) for change in history],
            }
        )


class PassportRead(BaseModel):
    number: str = Field(examples=["M123A4567"])
    person_id: int
    validity_years: ValidityYears
    pages: Pages
    issued_on: dt.date
    expires_on: dt.date = Field(description="The last day of validity.")
    status: PassportStatus = Field(description="`expired` when valid but past its expiry.")
    invalidated_on: dt.date | None
    lost_on: dt.date | None

    @classmethod
    def of(cls, row: Passport, *, on: dt.date) -> PassportRead:
        return cls.model_validate(
            {
                "number": row.number,
                "person_id": row.person_id,
                "validity_years": row.validity_years,
                "pages": row.pages,
                "issued_on": row.issued_on,
                "expires_on": row.expires_on,
                "status": shown_status(row, on),
                "invalidated_on": row.invalidated_on,
                "lost_on": row.lost_on,
            }
        )


def shown_status(row: Passport, on: dt.date) -> str:
    """The passport's status as of a day: a valid one past its expiry is `expired`."""
    if row.status == "valid" and row.expires_on < on:
        return "expired"
    return row.status


class LossCreate(BaseModel):
    """A loss report (여권 분실 신고) by the holder."""

    person_id: int = Field(gt=0, description="The holder who reports the loss.")
    lost_on: dt.date | None = Field(default=None, description="When, if known.")
    place: str | None = Field(default=None, max_length=200, description="Where, if known.")
    circumstances: str | None = Field(default=None, max_length=500)


class RestrictionCreate(BaseModel):
    """A restriction recorded at another authority's request (여권 발급 제한, 출국금지)."""

    person_id: int = Field(gt=0)
    kind: RestrictionKind
    authority: str = Field(min_length=1, max_length=100, examples=["서울중앙지방검찰청"])
    from_on: dt.date
    until_on: dt.date | None = Field(default=None, description="Last day in force, inclusive.")
    reason: str = Field(min_length=1, max_length=500)


class RestrictionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    kind: RestrictionKind
    authority: str
    from_on: dt.date
    until_on: dt.date | None
    reason: str
    recorded_by: str
    recorded_at: dt.datetime
