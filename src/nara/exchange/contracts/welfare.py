"""Contracts of the welfare office's services: the birth bundle (행복출산), benefits stopped at a
death, and the benefits and pensions a person received."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from nara.exchange.contracts import Contract, Id, Model, Record

BundleBenefit = Literal[
    "parent_allowance", "child_allowance", "childcare_allowance", "first_meeting_voucher"
]
"""The benefits of the birth bundle: 부모급여, 아동수당, 가정양육수당, 첫만남이용권."""
BenefitKind = Literal[
    "parent_allowance",
    "child_allowance",
    "childcare_allowance",
    "first_meeting_voucher",
    "basic_pension",
]
BenefitStatus = Literal["active", "stopped", "ended"]
DecisionKind = Literal["granted", "refused", "deferred"]
StopReason = Literal["beneficiary_deceased", "recipient_deceased"]


# The birth bundle (행복출산) ---------------------------------------------------------------------


class BirthBundleRequest(Model):
    """A newborn's bundled applications: the child, the applying parent and the benefits
    applied for (all four when left out); decided once per step key."""

    step_key: str | None = None
    child_person_id: Id
    applicant_person_id: Id
    benefits: tuple[BundleBenefit, ...] | None = Field(default=None, min_length=1)


class Period(Record):
    """A stretch of a monthly benefit paid at one amount."""

    monthly_amount: int
    starts_on: dt.date
    ends_on: dt.date


class Decision(Record):
    """The decision on one benefit applied for, with its reason in English and Korean."""

    kind: BundleBenefit
    decision: DecisionKind
    reason_code: str
    reason_en: str
    reason_ko: str
    monthly_amount: int | None = None
    lump_sum: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    periods: tuple[Period, ...] = ()


class BirthBundle(Record):
    """The decisions on a newborn's bundle; `repeated` when the step key was decided before
    (the first answer, nothing decided again)."""

    child_person_id: int
    applicant_person_id: int
    decisions: tuple[Decision, ...] = ()
    repeated: bool = False


BIRTH_BUNDLE: Contract[BirthBundleRequest, BirthBundle] = Contract(
    "welfare/birth-bundle",
    BirthBundleRequest,
    BirthBundle,
    summary="Decide a newborn's bundled benefit applications (parent allowance, child "
    "allowance, home childcare allowance, first-meeting voucher), once per step key.",
)


# Benefits stopped at a death -------------------------------------------------------------------


class StopBenefitsRequest(Model):
    """Who died and when; applied once per step key."""

    step_key: str | None = None
    person_id: Id
    died_on: dt.date


class StoppedBenefit(Record):
    """A benefit stopped from the day after the death."""

    benefit_id: int
    kind: BenefitKind
    beneficiary_person_id: int
    recipient_person_id: int
    stopped_on: dt.date
    stop_reason: StopReason


class BenefitsStopped(Record):
    """The benefits a death stopped; `repeated` when the step key was applied before."""

    person_id: int
    died_on: dt.date
    stopped: tuple[StoppedBenefit, ...] = ()
    repeated: bool = False


STOP_BENEFITS: Contract[StopBenefitsRequest, BenefitsStopped] = Contract(
    "welfare/stop-benefits",
    StopBenefitsRequest,
    BenefitsStopped,
    summary="Stop a deceased person's benefits from the day after the death, once per step key.",
)


# Benefits received -------------------------------------------------------------------------------


class BenefitsOfPersonRequest(Model):
    """Whose benefits, started by which day (today when left out)."""

    person_id: Id
    on: dt.date | None = None


class BenefitReceived(Record):
    """A benefit paid to the person, for himself or a child, as it stood on the day."""

    benefit_id: int
    kind: BenefitKind
    beneficiary_person_id: int
    monthly_amount: int | None = None
    lump_sum: int | None = None
    starts_on: dt.date
    ends_on: dt.date | None = Field(default=None, description="The first day no longer paid.")
    status: BenefitStatus
    stopped_on: dt.date | None = None


class BenefitsReceived(Record):
    """The benefits and pensions paid to a person that had started by a day."""

    person_id: int
    as_of: dt.date
    benefits: tuple[BenefitReceived, ...] = ()


BENEFITS_OF_PERSON: Contract[BenefitsOfPersonRequest, BenefitsReceived] = Contract(
    "welfare/benefits-of-person",
    BenefitsOfPersonRequest,
    BenefitsReceived,
    summary="The benefits and pensions paid to a person that had started by a date, with "
    "amounts, periods and status then.",
)
