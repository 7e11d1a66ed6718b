"""What the family register's API accepts and answers."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PersonId = int
AdoptionKind = Literal["adoption", "full_adoption"]
MaritalStatus = Literal["never_married", "married", "divorced", "widowed", "annulled"]


class BirthCreate(BaseModel):
    """A birth's parentage (출생신고): the child and the father, the mother or both."""

    child_id: PersonId = Field(gt=0)
    father_id: PersonId | None = Field(default=None, gt=0)
    mother_id: PersonId | None = Field(default=None, gt=0)


class AdoptionCreate(BaseModel):
    """An adoption (입양) or a full adoption (친양자 입양) by an adoptive father, mother or both."""

    child_id: PersonId = Field(gt=0)
    kind: AdoptionKind
    father_id: PersonId | None = Field(default=None, gt=0)
    mother_id: PersonId | None = Field(default=None, gt=0)
    adopted_on: dt.date


class AdoptionEndCreate(BaseModel):
    """The dissolution of an adoption (파양) from a date."""

    ended_on: dt.date


class MarriageCreate(BaseModel):
    """A marriage report (혼인신고)."""

    spouse_a_id: PersonId = Field(gt=0)
    spouse_b_id: PersonId = Field(gt=0)
    married_on: dt.date


class DivorceCreate(BaseModel):
    """A divorce report (이혼신고)."""

    divorced_on: dt.date


class ParentageRead(BaseModel):
    """One parent-child link as the register holds it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    child_id: PersonId
    parent_id: PersonId
    parent_role: Literal["father", "mother"]
    kind: Literal["birth", "adoption", "full_adoption"]
    established_on: dt.date
    ended_on: dt.date | None
    end_cause: str | None


class BirthRead(BaseModel):
    child_id: PersonId
    parentages: list[ParentageRead]


class AdoptionRead(BaseModel):
    """The links an adoption created and, for a full adoption, the links it ended."""

    child_id: PersonId
    kind: AdoptionKind
    parentages: list[ParentageRead]
    ended: list[ParentageRead]


class AdoptionEndRead(BaseModel):
    """The ended adoption and, after a full adoption, the birth links restored."""

    ended: ParentageRead
    restored: list[ParentageRead]


class MarriageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    spouse_a_id: PersonId
    spouse_b_id: PersonId
    married_on: dt.date
    ended_on: dt.date | None
    end_cause: Literal["divorce", "death", "annulment"] | None


class PersonBrief(BaseModel):
    """A person as the resident register describes them (read through the exchange)."""

    person_id: PersonId
    name_ko: str | None = None
    name_en: str | None = None
    birth_date: dt.date | None = None
    sex: Literal["M", "F"] | None = None
    status: str | None = None


class ParentRead(BaseModel):
    parentage_id: int
    role: Literal["father", "mother"]
    kind: Literal["birth", "adoption", "full_adoption"]
    established_on: dt.date
    ended_on: dt.date | None
    end_cause: str | None
    parent: PersonBrief


class ChildRead(BaseModel):
    parentage_id: int
    role: Literal["father", "mother"] = Field(description="The person's role as the parent.")
    kind: Literal["birth", "adoption", "full_adoption"]
    established_on: dt.date
    ended_on: dt.date | None
    end_cause: str | None
    child: PersonBrief


class SpouseRead(BaseModel):
    marriage_id: int
    married_on: dt.date
    ended_on: dt.date | None
    end_cause: Literal["divorce", "death", "annulment"] | None
    spouse: PersonBrief


class FamilyRelationsRead(BaseModel):
    """The family relation certificate (가족관계증명서): parents, spouse and children on a date."""

    person: PersonBrief
    as_of: dt.date
    parents: list[ParentRead]
    spouse: SpouseRead | None
    children: list[ChildRead]


class BasicRecordRead(BaseModel):
    """The basic certificate (기본증명서): the person, marital status and adoptions as a child."""

    person: PersonBrief
    as_of: dt.date
    marital_status: MaritalStatus
    adoptions: list[ParentRead]


class MarriageRecordRead(BaseModel):
    """The marriage relation certificate (혼인관계증명서): every marriage with its dates."""

    person: PersonBrief
    marriages: list[SpouseRead]
