"""Contracts of the resident register's services (주민등록): who a person is, his household and
addresses, and the moving-in, birth and death steps of one-stop reports.

No answer carries a resident registration number in clear; a newborn's is answered masked.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from nara.exchange.contracts import MAX_IDS, Address, Contract, Id, Model, Record

PersonId = Id
Sex = Literal["M", "F"]
PersonStatus = Literal["alive", "deceased", "emigrated"]
MemberRelation = Literal[
    "spouse", "child", "child_in_law", "parent", "parent_in_law",
    "grandchild", "sibling", "cohabitant", "other",
]  # fmt: skip
"""A member's relation to the head; `head` itself is given only by forming a household."""
RelationToHead = Literal["head", MemberRelation]


# Addresses -----------------------------------------------------------------------------------


class RegisteredAddress(Record):
    """An address as the register holds it: its parts, its province and its labels."""

    sigungu_code: str
    road_name: str
    building_main: int
    building_sub: int = 0
    address_detail: str = ""
    postcode: str
    sido_code: str
    label_ko: str = Field(examples=["서울특별시 강남구 테헤란로 152 12층 1201호"])
    label_en: str


# Who a person is -----------------------------------------------------------------------------


class PersonSummariesRequest(Model):
    """Which persons, by id."""

    person_ids: tuple[PersonId, ...] = Field(max_length=MAX_IDS)


class PersonSummary(Record):
    """What other registers may know of a resident: no RRN, no address. The
    `identity-confirmation` purpose sees neither the birth date nor the sex."""

    person_id: int
    name_ko: str
    name_en: str
    birth_date: dt.date | None = None
    sex: Sex | None = None
    status: PersonStatus


PERSON_SUMMARIES: Contract[PersonSummariesRequest, dict[int, PersonSummary]] = Contract(
    "residents/person-summaries",
    PersonSummariesRequest,
    dict[int, PersonSummary],
    summary="Name, birth date, sex and status of persons by id (no RRN); unknown ids are absent.",
)


class IdentityCheckRequest(Model):
    """The RRN (with or without the hyphen), Hangul name and birth date someone gave."""

    rrn: str
    name_ko: str
    birth_date: dt.date


class IdentityMatch(Record):
    """The one registered person all three belong to, and his status."""

    person_id: int
    status: PersonStatus


IDENTITY_CHECK: Contract[IdentityCheckRequest, IdentityMatch | None] = Contract(
    "residents/identity-check",
    IdentityCheckRequest,
    IdentityMatch | None,
    summary="Whether an RRN, a Hangul name and a birth date are those of one registered "
    "person: his id and status, or nothing (which field differed is not told).",
)


class LivingPersonsRequest(Model):
    """A page of the register: ids above `after_id`, at most `limit` (1 to 5000) of them."""

    after_id: int = 0
    limit: int = 1000


class LivingPersons(Record):
    """Ids of living persons, in order (no personal data)."""

    person_ids: tuple[int, ...] = ()


LIVING_PERSONS: Contract[LivingPersonsRequest, LivingPersons] = Contract(
    "residents/living-persons",
    LivingPersonsRequest,
    LivingPersons,
    summary="A page of the ids of living persons after an id (no personal data).",
)


# Households and addresses --------------------------------------------------------------------


class PersonOnDayRequest(Model):
    """Whose record, as it stood on which day (today when left out)."""

    person_id: PersonId
    on: dt.date | None = None


class Member(Record):
    """A member of a household on a day, with his relation to the head."""

    person_id: int
    name_ko: str
    name_en: str
    birth_date: dt.date
    relation: RelationToHead
    joined_on: dt.date


class HouseholdMembers(Record):
    """The household a person belonged to on a day and its members then (head first)."""

    person_id: int
    as_of: dt.date
    household_id: int
    members: tuple[Member, ...] = ()


HOUSEHOLD_MEMBERS: Contract[PersonOnDayRequest, HouseholdMembers | None] = Contract(
    "residents/household-members",
    PersonOnDayRequest,
    HouseholdMembers | None,
    summary="The household a person belonged to on a date and its members then (names, birth "
    "dates, relation to the head); nothing when he was in no household that day.",
)


class Residence(Record):
    """One stay at an address; `moved_out` is empty while it was still lived in on the day."""

    address_ko: str
    address_en: str
    postcode: str
    household_id: int
    moved_in: dt.date
    moved_out: dt.date | None = None
    reported_on: dt.date


class AddressHistory(Record):
    """Every address a person lived at up to a day, oldest first (주민등록표 초본)."""

    person_id: int
    as_of: dt.date
    residences: tuple[Residence, ...] = ()


ADDRESS_HISTORY: Contract[PersonOnDayRequest, AddressHistory | None] = Contract(
    "residents/address-history",
    PersonOnDayRequest,
    AddressHistory | None,
    summary="Every address a person lived at up to a date, with move-in, move-out and report "
    "dates (the abstract, 초본); nothing for a person not registered.",
)


class CurrentAddressesRequest(Model):
    """Whose addresses, by person id."""

    person_ids: tuple[PersonId, ...] = Field(max_length=MAX_IDS)


class CurrentAddress(RegisteredAddress):
    """Where a person lives now: the address, his household there and the day he moved in."""

    person_id: int
    household_id: int
    moved_in: dt.date


CURRENT_ADDRESSES: Contract[CurrentAddressesRequest, dict[int, CurrentAddress]] = Contract(
    "residents/current-addresses",
    CurrentAddressesRequest,
    dict[int, CurrentAddress],
    summary="Where persons live now: address fields, household and moving-in day; persons "
    "with no residence are absent.",
)


# Moving in (전입신고) ------------------------------------------------------------------------


class StayingMember(Record):
    """A member who would stay in the household, his Hangul name masked (홍*동)."""

    person_id: int
    name_ko: str


class HouseholdStanding(Record):
    """The household a person belongs to now, whether he heads it, and who else is in it."""

    household_id: int
    is_head: bool
    others: tuple[StayingMember, ...] = ()


class CurrentResidence(HouseholdStanding):
    """Where a person lives now, since when, and his household there."""

    address: RegisteredAddress
    moved_in: dt.date


class HouseholdToJoin(Record):
    """The open household at the new address whose head bears the name given."""

    household_id: int
    head_person_id: int


class MovingInFactsRequest(Model):
    """The filer, and the new address and head's name of the household he would join."""

    person_id: PersonId
    address: Address | None = None
    head_name: str | None = None


class MovingInFacts(Record):
    """What filing a moving-in report needs of the register."""

    person_id: int
    birth_date: dt.date
    status: PersonStatus
    current: CurrentResidence | None = None
    join: HouseholdToJoin | None = None


MOVING_IN_FACTS: Contract[MovingInFactsRequest, MovingInFacts | None] = Contract(
    "residents/moving-in-facts",
    MovingInFactsRequest,
    MovingInFacts | None,
    summary="What a moving-in report needs: the filer's birth date and status, current address "
    "and household (with the members who stay, names masked), and the household at the new "
    "address whose head bears the given name; nothing for an unknown person.",
)


class MovingInRequest(Model):
    """A moving-in report's move: who, on which day, to which address, into which household
    (a new one when none is named); applied once per step key."""

    step_key: str | None = None
    person_id: PersonId
    moved_on: dt.date
    address: Address
    join_household_id: int | None = None
    relation: MemberRelation | None = None
    new_head_person_id: PersonId | None = None


class MovedIn(Record):
    """Where from and where to; `repeated` when the step key was applied before (the first
    answer)."""

    person_id: int
    moved_on: dt.date
    residence_id: int
    household_id: int
    household_formed: bool
    address: RegisteredAddress
    from_address: RegisteredAddress | None = None
    repeated: bool = False


MOVING_IN: Contract[MovingInRequest, MovedIn] = Contract(
    "residents/moving-in",
    MovingInRequest,
    MovedIn,
    summary="Apply a moving-in report's move (address, household, history) once per step key; "
    "answers where from and where to.",
)


# Births (출생신고) ---------------------------------------------------------------------------


class BirthFactsRequest(Model):
    """The reporting parent, the other parent named, and the child's name and birth date (to
    tell a birth reported twice)."""

    person_id: PersonId
    other_parent_person_id: PersonId | None = None
    child_name_ko: str | None = None
    child_birth_date: dt.date | None = None


class ParentFacts(Record):
    """A parent's birth date, sex and status."""

    person_id: int
    birth_date: dt.date
    sex: Sex
    status: PersonStatus


class BirthFacts(ParentFacts):
    """What filing a birth report needs: the reporting parent, the household he lives in now
    (and whether he heads it), the other parent, and whether the child is already registered
    in that household."""

    household_id: int | None = None
    is_head: bool = False
    other_parent: ParentFacts | None = None
    child_registered: bool = False


BIRTH_FACTS: Contract[BirthFactsRequest, BirthFacts | None] = Contract(
    "residents/birth-facts",
    BirthFactsRequest,
    BirthFacts | None,
    summary="What a birth report needs of the parents: birth date, sex and status of the "
    "reporting parent and of the other parent, the reporting parent's current household, and "
    "whether the child is already registered in it (no RRN).",
)


class BirthRegistrationRequest(Model):
    """A newborn to register in the reporting parent's household, once per step key."""

    step_key: str | None = None
    parent_person_id: PersonId
    name_ko: str
    name_en: str
    sex: Sex
    birth_date: dt.date
    reported_on: dt.date | None = Field(default=None, description="Today when left out.")
    other_parent_person_id: PersonId | None = None


class BirthRegistered(Record):
    """The registered child, his masked RRN, household and relation to its head; `repeated`
    when the step key was applied before (the first answer)."""

    child_person_id: int
    rrn_masked: str = Field(examples=["201005-3******"])
    household_id: int
    relation: RelationToHead
    registered_on: dt.date
    repeated: bool = False


BIRTH_REGISTRATION: Contract[BirthRegistrationRequest, BirthRegistered] = Contract(
    "residents/birth-registration",
    BirthRegistrationRequest,
    BirthRegistered,
    summary="Register a newborn with a new RRN (random format) in the reporting parent's "
    "household, once per step key; answers the child's id, masked RRN and household.",
)


# Deaths (사망신고) ---------------------------------------------------------------------------


class PersonRequest(Model):
    """Whose record, by id."""

    person_id: PersonId


class DeathFacts(Record):
    """A person's status and its day, birth date and household now. The `inheritance-request`
    purpose sees neither the birth date nor the household."""

    person_id: int
    birth_date: dt.date | None = None
    status: PersonStatus
    status_on: dt.date | None = None
    household: HouseholdStanding | None = None


DEATH_FACTS: Contract[PersonRequest, DeathFacts | None] = Contract(
    "residents/death-facts",
    PersonRequest,
    DeathFacts | None,
    summary="What a death report or a Safe Inheritance request needs of a person: status and "
    "its day, birth date, and the household he heads or belongs to, with the members who stay "
    "(names masked); nothing for an unknown person.",
)


class DeathReportRequest(Model):
    """The deceased, the day of death and, when he heads a household others stay in, its next
    head; applied once per step key."""

    step_key: str | None = None
    person_id: PersonId
    died_on: dt.date
    new_head_person_id: PersonId | None = None


class DeathRecorded(Record):
    """The person marked deceased and the household he left; `repeated` when the step key was
    applied before (the first answer)."""

    person_id: int
    died_on: dt.date
    status: PersonStatus
    left_household_id: int | None = None
    new_head_person_id: int | None = None
    repeated: bool = False


DEATH_REPORT: Contract[DeathReportRequest, DeathRecorded] = Contract(
    "residents/death-report",
    DeathReportRequest,
    DeathRecorded,
    summary="Mark a person deceased from a death report (residence and household membership "
    "end that day; a named member heads the household), once per step key.",
)
