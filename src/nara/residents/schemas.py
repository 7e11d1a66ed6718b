"""Request and response models of the resident register API.

A `Read` model never carries a clear RRN: persons are shown with `rrn_masked` only.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from nara.core.address import RoadAddress
from nara.core.identifiers import mask_rrn
from nara.core.pagination import Page
from nara.core.pii import PiiCipher
from nara.core.regions import DISTRICT_BY_CODE
from nara.exchange.contracts.residents import MemberRelation
from nara.residents.models import Address, HouseholdMember, Person, Residence

HANGUL_NAME = r"^[가-힣]+( [가-힣]+)*$"
ROMAN_NAME = r"^[A-Za-z][A-Za-z.'\- ]*[A-Za-z.]$"


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RrnInput(_Input):
    rrn: str = Field(
        max_length=32,
        description="13 digits, with or without the hyphen: YYMMDD-SXXXXXX.",
        examples=["900101-1234568"],
    )
    rrn_issued_on: dt.date | None = Field(
        default=None,
        description="Day the number was issued or last changed; needed for numbers issued "
        "since 5 October 2020, which carry no check digit.",
    )


class PersonLookup(RrnInput):
    """Find a person by RRN (sent in the body, never in a URL)."""


class PersonCreate(RrnInput):
    """Register a person (주민등록)."""

    name_ko: str = Field(min_length=1, max_length=40, pattern=HANGUL_NAME, examples=["김민준"])
    name_en: str = Field(min_length=2, max_length=80, pattern=ROMAN_NAME, examples=["Kim Minjun"])
    sex: Literal["M", "F"]
    birth_date: dt.date
    nationality: str = Field(
        pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code.", examples=["KOR"]
    )
    registered_on: dt.date


class StatusChange(_Input):
    """A death (사망) or emigration (국외이주) of a living person."""

    status: Literal["deceased", "emigrated"]
    on: dt.date = Field(description="Day of the death or of the emigration.")
    new_head_person_id: int | None = Field(
        default=None,
        description="Required when the person heads a household that keeps other members.",
    )


class HouseholdCreate(_Input):
    """Form a household (세대) headed by a person who is in no household, at an address."""

    head_person_id: int
    address: RoadAddress
    formed_on: dt.date


class MemberCreate(_Input):
    """Add a person who is in no household to a household, with their relation to the head."""

    person_id: int
    relation: MemberRelation
    joined_on: dt.date


class MemberRemoval(_Input):
    left_on: dt.date = Field(description="The first day the person is no longer a member.")


class MoveCreate(_Input):
    """A move (전입): the person leaves their household and address and takes up new ones."""

    address: RoadAddress
    moved_on: dt.date = Field(description="Day of the move; not in the future.")
    new_household: bool = Field(
        default=False, description="Form a new household headed by the person at the address."
    )
    join_household_id: int | None = Field(
        default=None, description="Join this household, which must live at the address."
    )
    relation: MemberRelation | None = Field(
        default=None, description="Relation to the head of the household joined."
    )
    new_head_person_id: int | None = Field(
        default=None,
        description="When the person heads a household that keeps other members: who heads it.",
    )


class AddressRead(BaseModel):
    id: int
    sido_code: str
    sigungu_code: str
    road_name: str
    building_main: int
    building_sub: int
    address_detail: str
    postcode: str
    label_ko: str
    label_en: str

    @classmethod
    def of(cls, row: Address) -> AddressRead:
        # Stored rows were validated on the way in; construct without validating again.
        road = RoadAddress.model_construct(
            sigungu_code=row.sigungu_code,
            road_name=row.road_name,
            building_main=row.building_main,
            building_sub=row.building_sub,
            address_detail=row.address_detail,
            postcode=row.postcode,
        )
        known = row.sigungu_code in DISTRICT_BY_CODE
        return cls(
            id=row.id,
            sido_code=row.sido_code,
            sigungu_code=row.sigungu_code,
            road_name=row.road_name,
            building_main=row.building_main,
            building_sub=row.building_sub,
            address_detail=row.address_detail,
            postcode=row.postcode,
            label_ko=road.label("ko") if known else "",
            label_en=road.label("en") if known else "",
        )


class PersonRead(BaseModel):
    id: int
    rrn_masked: str = Field(examples=["900101-1******"])
    rrn_scheme: str
    name_ko: str
    name_en: str
    sex: str
    birth_date: dt.date
    nationality: str
    status: str
    status_on: dt.date | None
    registered_on: dt.date

    @classmethod
    def of(cls, person: Person, cipher: PiiCipher) -> PersonRead:
        return cls(
            id=person.id,
            rrn_masked=masked_rrn(person, cipher),
            rrn_scheme=person.rrn_scheme,
            name_ko=person.name_ko,
            name_en=person.name_en,
            sex=person.sex,
            birth_date=person.birth_date,
            nationality=person.nationality,
            status=person.status,
            status_on=person.status_on,
            registered_on=person.registered_on,
        )


class PersonPage(Page[PersonRead]):
    """One page of persons."""


class MemberRead(BaseModel):
    household_id: int
    person_id: int
    name_ko: str
    name_en: str
    rrn_masked: str
    relation: str
    joined_on: dt.date
    left_on: dt.date | None

    @classmethod
    def of(cls, member: HouseholdMember, person: Person, cipher: PiiCipher) -> MemberRead:
        return cls(
            household_id=member.household_id,
            person_id=person.id,
            name_ko=person.name_ko,
            name_en=person.name_en,
            rrn_masked=masked_rrn(person, cipher),
            relation=member.relation,
            joined_on=member.joined_on,
            left_on=member.left_on,
        )


class HouseholdRead(BaseModel):
    id: int
    head_person_id: int
    address: AddressRead
    formed_on: dt.date
    dissolved_on: dt.date | None
    members: list[MemberRead] = Field(description="The current members, the head included.")


class HouseholdMembersRead(BaseModel):
    household_id: int
    on: dt.date | None = Field(description="The date asked about; null for the members now.")
    members: list[MemberRead]


class ResidenceRead(BaseModel):
    id: int
    household_id: int
    address: AddressRead
    moved_in: dt.date
    moved_out: dt.date | None
    reported_on: dt.date

    @classmethod
    def of(cls, residence: Residence, address: Address) -> ResidenceRead:
        return cls(
            id=residence.id,
            household_id=residence.household_id,
            address=AddressRead.of(address),
            moved_in=residence.moved_in,
            moved_out=residence.moved_out,
            reported_on=residence.reported_on,
        )


class ResidenceHistoryRead(BaseModel):
    """Every residence of a person, oldest first (the abstract of the register, 초본)."""

    person_id: int
    residences: list[ResidenceRead]


class MoveRead(BaseModel):
    person_id: int
    residence: ResidenceRead = Field(description="The residence the move opened.")
    household_id: int = Field(description="The household the person now belongs to.")
    household_formed: bool
    left_household_id: int | None
    left_household_dissolved: bool
    new_head_person_id: int | None = Field(description="Who took over the household left.")


def masked_rrn(person: Person, cipher: PiiCipher) -> str:
    return mask_rrn(cipher.decrypt(person.rrn_cipher))
