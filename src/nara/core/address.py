"""Road-name addresses (도로명주소): the columns a table stores and the schema APIs accept."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, Field, model_validator
from sqlalchemy import SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.errors import invalid
from nara.core.regions import DISTRICT_BY_CODE, PROVINCE_BY_CODE, province_of_postcode


class AddressColumns:
    """Columns of one road-name address, for tables that hold one."""

    sido_code: Mapped[str] = mapped_column(String(2))
    sigungu_code: Mapped[str] = mapped_column(String(5))
    road_name: Mapped[str] = mapped_column(String(60))
    building_main: Mapped[int] = mapped_column(SmallInteger)
    building_sub: Mapped[int] = mapped_column(SmallInteger, default=0)
    address_detail: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(5))


class RoadAddress(BaseModel):
    """A structured road-name address.

    `sigungu_code` is the 5-digit district code (its first two digits are the province);
    the postcode must lie in the province's range of basic zone numbers.
    """

    sigungu_code: str = Field(pattern=r"^\d{5}$", examples=["11680"])
    road_name: str = Field(min_length=1, max_length=60, examples=["테헤란로"])
    building_main: int = Field(ge=1, le=9999, examples=[152])
    building_sub: int = Field(default=0, ge=0, le=9999)
    address_detail: str = Field(default="", max_length=100, examples=["12층 1201호"])
    postcode: str = Field(pattern=r"^\d{5}$", examples=["06236"])

    @property
    def sido_code(self) -> str:
        return self.sigungu_code[:2]

    @model_validator(mode="after")
    def _known_district_and_postcode(self) -> Self:
        if self.sigungu_code[:2] not in PROVINCE_BY_CODE:
            raise ValueError(f"district code {self.sigungu_code} is not in any province")
        if self.sigungu_code not in DISTRICT_BY_CODE:
            raise ValueError(f"district code {self.sigungu_code} is not a known district")
        province = province_of_postcode(self.postcode)
        if province is None or province.code != self.sigungu_code[:2]:
            raise ValueError(
                f"postcode {self.postcode} does not belong to "
                f"{PROVINCE_BY_CODE[self.sigungu_code[:2]].name_en}"
            )
        return self

    def columns(self) -> dict[str, object]:
        """The values for an `AddressColumns` row."""
        return {
            "sido_code": self.sido_code,
            "sigungu_code": self.sigungu_code,
            "road_name": self.road_name,
            "building_main": self.building_main,
            "building_sub": self.building_sub,
            "address_detail": self.address_detail,
            "postcode": self.postcode,
        }

    @classmethod
    def of(cls, row: AddressColumns) -> RoadAddress:
        return cls(
            sigungu_code=row.sigungu_code,
            road_name=row.road_name,
            building_main=row.building_main,
            building_sub=row.building_sub,
            address_detail=row.address_detail,
            postcode=row.postcode,
        )

    def label(self, language: str = "ko") -> str:
        """The address as written on an envelope, in Korean or English order."""
        district = DISTRICT_BY_CODE[self.sigungu_code]
        province = PROVINCE_BY_CODE[self.sido_code]
        number = (
            f"{self.building_main}-{self.building_sub}"
            if self.building_sub
            else str(self.building_main)
        )
        if language == "ko":
            parts = [
                province.name_ko,
                district.name_ko,
                self.road_name,
                number,
                self.address_detail,
            ]
            return " ".join(p for p in parts if p)
        parts = [
            self.address_detail,
            f"{number} {self.road_name}",
            district.name_en,
            province.name_en,
        ]
        return ", ".join(p for p in parts if p) + f" {self.postcode}"


def check_known_district(code: str) -> None:
    if code not in DISTRICT_BY_CODE:
        raise invalid(
            "district_unknown",
            f"{code} is not a known district code.",
            f"{code}은(는) 알 수 없는 시·군·구 코드입니다.",
            field_name="sigungu_code",
        )
