"""The state's identifiers: resident registration numbers, business registration numbers, PNUs.

Each is a small frozen value object with `parse` (validating, accepting the usual written
forms) and the canonical formats. Rules are in docs (facts: identity numbers and addresses).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from nara.core.errors import Invalid, invalid
from nara.core.regions import PROVINCE_BY_CODE

RRN_RANDOM_SINCE = dt.date(2020, 10, 5)
"""RRNs issued or changed on or after this day carry 6 random digits and no check digit."""

_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_CENTURY_BY_SEX_DIGIT = {9: 1800, 0: 1800, 1: 1900, 2: 1900, 3: 2000, 4: 2000,
                         5: 1900, 6: 1900, 7: 2000, 8: 2000}  # fmt: skip
_RRN_SHAPE = re.compile(r"^(\d{6})-?(\d{7})$")

RrnScheme = Literal["regional", "random"]
Sex = Literal["M", "F"]


def rrn_check_digit(first12: str) -> int:
    """Check digit of a pre-2020 RRN: (11 − Σ wᵢdᵢ mod 11) mod 10."""
    total = sum(int(d) * w for d, w in zip(first12, _RRN_WEIGHTS, strict=True))
    return (11 - total % 11) % 10


@dataclass(frozen=True, slots=True)
class Rrn:
    """A resident registration number (주민등록번호), 13 digits `YYMMDD-SXXXXXX`."""

    digits: str
    scheme: RrnScheme

    @classmethod
    def parse(cls, text: str, *, issued_on: dt.date | None = None) -> Rrn:
        """Validate an RRN written with or without its hyphen.

        The date and the sex/century digit are always checked. The check digit is checked
        for numbers of the regional (pre-5 Oct 2020) scheme; a person born since then, or a
        number whose `issued_on` is on or after that day, has the random scheme instead.
        """
        match = _RRN_SHAPE.match(text.strip())
        if match is None:
            raise invalid(
                "rrn_format",
                "A resident registration number has 13 digits, written YYMMDD-SXXXXXX.",
                "주민등록번호는 13자리 숫자(YYMMDD-SXXXXXX)입니다.",
                field_name="rrn",
            )
        digits = match.group(1) + match.group(2)
        birth = _rrn_birth_date(digits)
        if birth >= RRN_RANDOM_SINCE or (issued_on is not None and issued_on >= RRN_RANDOM_SINCE):
            return cls(digits, "random")
        if rrn_check_digit(digits[:12]) != int(digits[12]):
            raise invalid(
                "rrn_checksum",
                "The check digit of this resident registration number does not match. Numbers "
                "issued before 5 October 2020 carry a check digit; if this number was issued or "
                "changed since then, give its issue date.",
                "주민등록번호의 검증번호가 맞지 않습니다. 2020년 10월 5일 이전에 부여된 번호는 "
                "검증번호가 있습니다. 그 이후 부여·변경된 번호라면 부여일을 함께 입력하세요.",
                field_name="rrn",
            )
        return cls(digits, "regional")

    @classmethod
    def is_valid(cls, text: str, *, issued_on: dt.date | None = None) -> bool:
        try:
            cls.parse(text, issued_on=issued_on)
        except Invalid:
            return False
        return True

    @property
    def birth_date(self) -> dt.date:
        return _rrn_birth_date(self.digits)

    @property
    def sex(self) -> Sex:
        return "M" if int(self.digits[6]) % 2 == 1 else "F"

    @property
    def is_foreign_resident(self) -> bool:
        return self.digits[6] in "5678"

    @property
    def formatted(self) -> str:
        return f"{self.digits[:6]}-{self.digits[6:]}"

    @property
    def masked(self) -> str:
        """The form shown on screens and in logs: birth date and sex digit only."""
        return mask_rrn(self.digits)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Rrn({self.masked!r}, {self.scheme!r})"


def mask_rrn(rrn: str) -> str:
    """`9001011234567` or `900101-1234567` → `900101-1******`."""
    digits = rrn.replace("-", "")
    return f"{digits[:6]}-{digits[6]}******"


def sex_digit(birth: dt.date, sex: Sex, *, foreign: bool = False) -> int:
    """The 7th RRN digit for a birth date, sex and nationality."""
    century = birth.year // 100 * 100
    male = sex == "M"
    if foreign:
        if century == 1900:
            return 5 if male else 6
        if century == 2000:
            return 7 if male else 8
    elif century == 1800:
        return 9 if male else 0
    elif century == 1900:
        return 1 if male else 2
    elif century == 2000:
        return 3 if male else 4
    raise ValueError(f"no RRN sex digit for a birth in {birth.year}")


def _rrn_birth_date(digits: str) -> dt.date:
    century = _CENTURY_BY_SEX_DIGIT[int(digits[6])]
    try:
        return dt.date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        raise invalid(
            "rrn_birth_date",
            "The first six digits of a resident registration number must be a real birth date.",
            "주민등록번호 앞 6자리는 실제 생년월일이어야 합니다.",
            field_name="rrn",
        ) from None


_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_BRN_SHAPE = re.compile(r"^(\d{3})-?(\d{2})-?(\d{5})$")


def brn_check_digit(first9: str) -> int:
    """Check digit of a business registration number (사업자등록번호)."""
    digits = [int(d) for d in first9]
    total = sum(d * w for d, w in zip(digits, _BRN_WEIGHTS, strict=True))
    total += digits[8] * 5 // 10
    return (10 - total % 10) % 10


@dataclass(frozen=True, slots=True)
class Brn:
    """A business registration number, 10 digits `XXX-XX-XXXXX`, the last a check digit."""

    digits: str

    @classmethod
    def parse(cls, text: str) -> Brn:
        match = _BRN_SHAPE.match(text.strip())
        if match is None:
            raise invalid(
                "brn_format",
                "A business registration number has 10 digits, written XXX-XX-XXXXX.",
                "사업자등록번호는 10자리 숫자(XXX-XX-XXXXX)입니다.",
                field_name="brn",
            )
        digits = "".join(match.groups())
        if brn_check_digit(digits[:9]) != int(digits[9]):
            raise invalid(
                "brn_checksum",
                "The check digit of this business registration number does not match.",
                "사업자등록번호의 검증번호가 맞지 않습니다.",
                field_name="brn",
            )
        return cls(digits)

    @property
    def formatted(self) -> str:
        return f"{self.digits[:3]}-{self.digits[3:5]}-{self.digits[5:]}"

    @property
    def is_corporation(self) -> bool:
        """Middle digits 81–88 mark a corporation's head or branch office."""
        return 81 <= int(self.digits[3:5]) <= 88

    def __str__(self) -> str:
        return self.formatted


_PNU_SHAPE = re.compile(r"^(\d{10})-?([12])-?(\d{4})-?(\d{4})$")

LandKind = Literal["land", "mountain"]


@dataclass(frozen=True, slots=True)
class Pnu:
    """A parcel number (필지고유번호), 19 digits: legal-dong code, 1/2 (land/mountain), lots."""

    digits: str

    @classmethod
    def parse(cls, text: str) -> Pnu:
        match = _PNU_SHAPE.match(text.strip())
        if match is None:
            raise invalid(
                "pnu_format",
                "A parcel number (PNU) has 19 digits: a 10-digit legal-dong code, 1 (land) or "
                "2 (mountain), a 4-digit main lot and a 4-digit sub lot.",
                "필지고유번호(PNU)는 19자리입니다: 법정동코드 10자리, 1(토지) 또는 2(산), "
                "본번 4자리, 부번 4자리.",
                field_name="pnu",
            )
        dong, _kind, main, _sub = match.groups()
        if dong[:2] not in PROVINCE_BY_CODE:
            raise invalid(
                "pnu_province",
                f"The legal-dong code {dong} does not start with a province code.",
                f"법정동코드 {dong}의 앞 두 자리가 시·도 코드가 아닙니다.",
                field_name="pnu",
            )
        if int(main) == 0:
            raise invalid(
                "pnu_main_lot",
                "The main lot number of a parcel starts at 1.",
                "필지의 본번은 1부터 시작합니다.",
                field_name="pnu",
            )
        return cls("".join(match.groups()))

    @classmethod
    def build(cls, legal_dong: str, kind: LandKind, main_lot: int, sub_lot: int = 0) -> Pnu:
        return cls.parse(
            f"{legal_dong}{'2' if kind == 'mountain' else '1'}{main_lot:04d}{sub_lot:04d}"
        )

    @property
    def legal_dong_code(self) -> str:
        return self.digits[:10]

    @property
    def province_code(self) -> str:
        return self.digits[:2]

    @property
    def kind(self) -> LandKind:
        return "mountain" if self.digits[10] == "2" else "land"

    @property
    def main_lot(self) -> int:
        return int(self.digits[11:15])

    @property
    def sub_lot(self) -> int:
        return int(self.digits[15:19])

    @property
    def formatted(self) -> str:
        return f"{self.digits[:10]}-{self.digits[10]}-{self.digits[11:15]}-{self.digits[15:]}"

    @property
    def lot_label(self) -> str:
        """The lot as written on a register: `산 12-3` for mountain land, `12-3` or `12`."""
        lot = f"{self.main_lot}-{self.sub_lot}" if self.sub_lot else str(self.main_lot)
        return f"산 {lot}" if self.kind == "mountain" else lot

    def __str__(self) -> str:
        return self.digits
