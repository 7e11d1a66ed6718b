"""What the documents API accepts and answers."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nara.documents.kinds import KINDS
from nara.documents.models import Issuance
from nara.documents.numbers import format_number

Outcome = Literal["verified", "revoked", "altered", "forged", "unknown"]


class IssueCreate(BaseModel):
    """A request for a certificate of `kind` about the person `person_id`."""

    kind: str = Field(min_length=1, max_length=32, examples=["family-relation"])
    person_id: int = Field(gt=0)
    requester: str = Field(
        min_length=1,
        max_length=96,
        description="Who asked: `citizen:<id>` or `official:<name>` (free text for now).",
    )
    as_of: dt.date | None = Field(
        default=None, description="The day the register is read for; today by default."
    )
    subject: str | None = Field(
        default=None,
        max_length=40,
        examples=["1168010100101230004"],
        description="The register entry the certificate is about when it is not the person "
        "(`land-register`: the parcel's PNU); the person is then the one it is issued to.",
    )


class KeyedLookup(BaseModel):
    """A confirmation number and its possession key, as the holder types them."""

    number: str = Field(min_length=16, max_length=24, examples=["1234-5678-9012-3452"])
    possession_key: str = Field(min_length=12, max_length=20, examples=["K7QM-2XWD-9HRT"])


class RevokeCreate(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class WalletItemRead(BaseModel):
    """A document in its holder's wallet: what it is, who issued it, when, its status."""

    number: str
    kind: str
    title_ko: str
    title_en: str
    issuer: str
    issued_at: dt.datetime
    as_of: dt.date
    status: Literal["valid", "revoked"]

    @classmethod
    def summary_of(cls, issuance: Issuance) -> dict[str, Any]:
        """These fields of an issuance (its kind's titles; the code for a kind no longer
        issued)."""
        kind = KINDS.get(issuance.kind)
        return {
            "number": format_number(issuance.number),
            "kind": issuance.kind,
            "title_ko": kind.title_ko if kind else issuance.kind,
            "title_en": kind.title_en if kind else issuance.kind,
            "issuer": issuance.issuer,
            "issued_at": issuance.issued_at,
            "as_of": issuance.as_of,
            "status": "revoked" if issuance.status == "revoked" else "valid",
        }

    @classmethod
    def of(cls, issuance: Issuance) -> WalletItemRead:
        return cls(**cls.summary_of(issuance))


class DocumentRead(WalletItemRead):
    """An issued document as the verification page shows it."""

    model_config = ConfigDict(from_attributes=True)

    revoked_at: dt.datetime | None
    sha256: str
    content: dict[str, Any]


class IssuedRead(DocumentRead):
    """A newly issued document, with its possession key: shown this once, never again."""

    possession_key: str


class SignatureRead(BaseModel):
    readable: bool
    signed: bool
    intact: bool
    trusted: bool
    entire_file: bool
    signer: str
    signed_at: dt.datetime | None
    summary: str


class VerificationRead(BaseModel):
    """The check of an uploaded PDF: the outcome, why, the signature, and the record."""

    outcome: Outcome
    reason_en: str
    reason_ko: str
    claimed_number: str | None
    signature: SignatureRead
    document: DocumentRead | None


class ShareCreate(BaseModel):
    """A one-time link to send a document to a third party."""

    recipient_note: str | None = Field(
        default=None,
        max_length=100,
        examples=["OO은행 대출 창구"],
        description="Whom the link is for, as a reminder to the holder and the recipient.",
    )


class ShareOpeningRead(BaseModel):
    opened_at: dt.datetime
    outcome: Literal["viewed", "downloaded", "used", "expired", "revoked", "document_revoked"]


class ShareRead(BaseModel):
    """A link as its holder sees it: its state, expiry and every opening."""

    id: int
    recipient_note: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    status: Literal["active", "used", "expired", "revoked"]
    used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    openings: list[ShareOpeningRead]


class ShareCreated(ShareRead):
    """A new link: its address is shown this once (only a digest of its token is kept)."""

    url: str
