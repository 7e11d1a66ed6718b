"""Contracts of the passport office's services (여권): the passports a person holds."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from nara.exchange.contracts import Contract, Id, Model, Record

PassportStatus = Literal["valid", "expired", "invalidated", "lost"]


class PassportsOfPersonRequest(Model):
    """Whose passports."""

    person_id: Id


class PassportSummary(Record):
    """One passport issued to the person, with its status today."""

    number: str = Field(examples=["M123A4567"])
    issued_on: dt.date
    expires_on: dt.date = Field(description="The last day of validity.")
    status: PassportStatus = Field(description="`expired` when valid but past its expiry.")


PASSPORTS_OF_PERSON: Contract[PassportsOfPersonRequest, list[PassportSummary]] = Contract(
    "passports/passports-of-person",
    PassportsOfPersonRequest,
    list[PassportSummary],
    summary="A person's passports: number, issue and expiry dates, and status today.",
)
