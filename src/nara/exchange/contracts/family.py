"""Contracts of the family register's services (가족관계등록부): relations, marriages, the birth
and death steps of one-stop reports, and the heirs of Safe Inheritance (안심상속).

Persons are named by their resident register id; callers that need names ask the resident
register for them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from nara.exchange.contracts import Contract, Id, Model, Record

ParentRole = Literal["father", "mother"]
ParentageKind = Literal["birth", "adoption", "full_adoption"]
MaritalStatus = Literal["never_married", "married", "divorced", "widowed", "annulled"]
MarriageEndCause = Literal["divorce", "death", "annulment"]
HeirRelation = Literal["spouse", "child", "grandchild", "parent", "grandparent"]


class PersonOnDayRequest(Model):
    """Whose record, as it stood on which day (today when left out)."""

    person_id: Id
    on: dt.date | None = None


class Relative(Record):
    """A parent or a child of the person: who, in which role (the parent's), by which link,
    since when."""

    person_id: int
    role: ParentRole
    kind: ParentageKind
    since: dt.date


class Spouse(Record):
    """The person's spouse in the marriage in force."""

    person_id: int
    marriage_id: int
    married_on: dt.date


class Relations(Record):
    """A person's parents, spouse and children in force on a day (가족관계)."""

    person_id: int
    as_of: dt.date
    parents: tuple[Relative, ...] = ()
    spouse: Spouse | None = None
    children: tuple[Relative, ...] = ()


class MarriageOfPerson(Record):
    """One marriage as it stood on the day asked: an end after that day is not shown."""

    marriage_id: int
    spouse_id: int
    married_on: dt.date
    ended_on: dt.date | None = None
    end_cause: MarriageEndCause | None = None


class MarriagesOfPerson(Record):
    """Every marriage of a person known on a day, oldest first, and the marital status then."""

    person_id: int
    as_of: dt.date
    marital_status: MaritalStatus
    marriages: tuple[MarriageOfPerson, ...] = ()


class BirthRecordRequest(Model):
    """A newborn to link to its father and/or mother by birth, once per step key."""

    step_key: str
    child_person_id: Id
    father_person_id: int | None = Field(default=None, gt=0)
    mother_person_id: int | None = Field(default=None, gt=0)


class BirthParentage(Record):
    """A parent-child link a birth record made."""

    parentage_id: int
    parent_person_id: int
    role: ParentRole
    kind: ParentageKind
    established_on: dt.date


class BirthRecord(Record):
    """The links a birth record made; `repeated` when the step key was applied before."""

    child_person_id: int
    parentages: tuple[BirthParentage, ...] = ()
    repeated: bool = False


class DeathRecordRequest(Model):
    """A reported death to record, once per step key (사망신고)."""

    step_key: str
    person_id: Id
    died_on: dt.date


class DeathRecord(Record):
    """The death recorded and the marriage it ended, if any; `repeated` as for a birth."""

    person_id: int
    died_on: dt.date
    death_id: int
    marriage_ended_id: int | None = None
    repeated: bool = False


class HeirRankRequest(Model):
    """Whether `heir_person_id` inherits from `deceased_person_id`, who died `on` that day."""

    deceased_person_id: Id
    heir_person_id: Id
    on: dt.date


class HeirRank(Record):
    """The heir's rank (1st: descendants and spouse; 2nd: ascendants and spouse) and relation
    on the day of the death; both null for a 3rd-rank heir or anyone else."""

    deceased_person_id: int
    heir_person_id: int
    on: dt.date
    rank: Literal[1, 2] | None = None
    relation: HeirRelation | None = None


class DeceasedRelativesRequest(Model):
    """Whose deceased relatives."""

    person_id: Id


class DeceasedRelative(Record):
    """A relative whose death the register records."""

    person_id: int
    died_on: dt.date


class DeceasedRelatives(Record):
    """The recorded deaths of a person's spouses, parents, grandparents, children and
    grandchildren (those he may inherit from), oldest death first."""

    person_id: int
    deceased: tuple[DeceasedRelative, ...] = ()


RELATIONS: Contract[PersonOnDayRequest, Relations] = Contract(
    "family/relations",
    PersonOnDayRequest,
    Relations,
    summary="Parents, spouse and children of a person on a date (ids, kinds, dates).",
)

MARRIAGES_OF_PERSON: Contract[PersonOnDayRequest, MarriagesOfPerson] = Contract(
    "family/marriages-of-person",
    PersonOnDayRequest,
    MarriagesOfPerson,
    summary="Every marriage of a person known on a date (spouse id, dates, how it ended) and "
    "the marital status then.",
)

BIRTH_RECORD: Contract[BirthRecordRequest, BirthRecord] = Contract(
    "family/birth-record",
    BirthRecordRequest,
    BirthRecord,
    summary="Record a newborn with its father and/or mother by birth, once per step key; "
    "answers the parent-child links made.",
)

DEATH_RECORD: Contract[DeathRecordRequest, DeathRecord] = Contract(
    "family/death-record",
    DeathRecordRequest,
    DeathRecord,
    summary="Record a reported death in the family register and end the deceased's marriage "
    "by it, once per step key.",
)

HEIR_RANK: Contract[HeirRankRequest, HeirRank] = Contract(
    "family/heir-rank",
    HeirRankRequest,
    HeirRank,
    summary="Whether a person is an heir of the 1st rank (descendants, spouse) or the 2nd rank "
    "(ascendants, spouse) of a deceased, by the links on the day of the death.",
)

DECEASED_RELATIVES: Contract[DeceasedRelativesRequest, DeceasedRelatives] = Contract(
    "family/deceased-relatives",
    DeceasedRelativesRequest,
    DeceasedRelatives,
    summary="The recorded deaths of a person's spouses, parents, grandparents, children and "
    "grandchildren: ids and days of death.",
)
