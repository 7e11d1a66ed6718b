"""Registration plates and vehicle identification numbers (VIN), validated and normalised.

Plates (자동차 등록번호판) are written, spaces ignored, as

    PLATE_PATTERN = (region prefix + 2 digits | 2 or 3 digits) + use syllable + 4 digits

- `12가3456`: 2-digit vehicle class, a use syllable, a 4-digit serial (before 2019);
- `123가4567`: 3-digit vehicle class (since September 2019);
- `서울12가3456`: the older form with the province of registration in front, still carried by
  commercial vehicles.

The use syllable is one of `PLATE_USE_SYLLABLES`: private cars 가–마, 거–저, 고–조, 구–주;
commercial (for hire) 아, 바, 사, 자 and 배 (delivery); rental 하, 허, 호.

A VIN (ISO 3779) has 17 characters, digits and capital letters except I, O and Q (which
could be read as 1 and 0). Lower-case input is accepted and stored in capitals.
"""

from __future__ import annotations

import re

from nara.core.errors import invalid

PLATE_REGIONS = (
    "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기",
    "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주",
)  # fmt: skip
PLATE_USE_SYLLABLES = (
    "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주"  # private
    "아바사자배"  # commercial, delivery
    "하허호"  # rental
)
PLATE_PATTERN = re.compile(
    rf"^(?:(?:{'|'.join(PLATE_REGIONS)})\d{{2}}|\d{{2,3}})[{PLATE_USE_SYLLABLES}]\d{{4}}$"
)
VIN_PATTERN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def parse_plate(text: str) -> str:
    """The plate in its canonical written form (no spaces); 422 `plate_format` otherwise."""
    plate = re.sub(r"\s+", "", text)
    if PLATE_PATTERN.match(plate) is None:
        raise invalid(
            "plate_format",
            f"'{text}' is not a registration plate such as 12가3456, 123가4567 or 서울12가3456.",
            f"'{text}'은(는) 12가3456, 123가4567, 서울12가3456 형식의 등록번호가 아닙니다.",
            field_name="plate",
        )
    return plate


def parse_vin(text: str) -> str:
    """The VIN in capitals; 422 `vin_format` unless 17 letters and digits without I, O, Q."""
    vin = text.strip().upper()
    if VIN_PATTERN.match(vin) is None:
        raise invalid(
            "vin_format",
            "A vehicle identification number has 17 letters and digits, without I, O or Q.",
            "차대번호는 I, O, Q를 제외한 영문자와 숫자 17자리입니다.",
            field_name="vin",
        )
    return vin
