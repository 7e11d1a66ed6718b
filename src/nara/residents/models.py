"""Tables of the resident registration register (주민등록), kept by the Ministry of the Interior."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.address import AddressColumns
from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId

PERSON_STATUSES = ("alive", "deceased", "emigrated")
RELATIONS_TO_HEAD = (
    "head", "spouse", "child", "child_in_law", "parent", "parent_in_law",
    "grandchild", "sibling", "cohabitant", "other",
)  # fmt: skip


class Person(Base):
    """A registered resident. The RRN is held only encrypted and as a blind index."""

    __tablename__ = "residents_person"
    __table_args__ = (
        CheckConstraint("sex IN ('M', 'F')", name="sex"),
        CheckConstraint("status IN ('alive', 'deceased', 'emigrated')", name="status"),
        CheckConstraint("rrn_scheme IN ('regional', 'random')", name="rrn_scheme"),
        Index("ix_residents_person_name_birth", "name_ko", "birth_date"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    rrn_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    rrn_index: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)
    rrn_scheme: Mapped[str] = mapped_column(String(8))
    name_ko: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(80))
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[dt.date]
    nationality: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(10))
    status_on: Mapped[dt.date | None]
    registered_on: Mapped[dt.date]


class Address(Base, AddressColumns):
    """A dwelling's road-name address; households live at one, residences point at one."""

    __tablename__ = "residents_address"
    __table_args__ = (
        Index("ix_residents_address_road", "sigungu_code", "road_name", "building_main"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)


class Household(Base):
    """A household (세대): a head and members living at one address."""

    __tablename__ = "residents_household"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    head_person_id: Mapped[int] = mapped_column(ForeignKey("residents_person.id"), index=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("residents_address.id"), index=True)
    formed_on: Mapped[dt.date]
    dissolved_on: Mapped[dt.date | None]


class HouseholdMember(Base):
    """A person's membership of a household, with relation to the head; ended rows are history."""

    __tablename__ = "residents_household_member"
    __table_args__ = (
        Index("ix_residents_household_member_person", "person_id", "left_on"),
        Index("ix_residents_household_member_household", "household_id", "left_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("residents_household.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("residents_person.id"))
    relation: Mapped[str] = mapped_column(String(16))
    joined_on: Mapped[dt.date]
    left_on: Mapped[dt.date | None]


class Residence(Base):
    """One stay at an address (the abstract, 초본, lists them): moved in, moved out."""

    __tablename__ = "residents_residence"
    __table_args__ = (Index("ix_residents_residence_person", "person_id", "moved_in"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("residents_person.id"))
    address_id: Mapped[int] = mapped_column(ForeignKey("residents_address.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("residents_household.id"))
    moved_in: Mapped[dt.date]
    moved_out: Mapped[dt.date | None]
    reported_on: Mapped[dt.date]


class ResidentsChange(Base, ChangeLogMixin):
    """Append-only log of every change to the resident register."""

    __tablename__ = "residents_change"
