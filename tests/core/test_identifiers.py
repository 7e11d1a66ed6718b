"""Resident, business and parcel numbers: validation and formatting, as properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from nara.core.errors import Invalid
from nara.core.identifiers import (
    RRN_RANDOM_SINCE,
    Brn,
    Pnu,
    Rrn,
    brn_check_digit,
    mask_rrn,
    rrn_check_digit,
    sex_digit,
)
from nara.core.regions import DISTRICT_BY_CODE

births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 11, 1))
regional_births = st.dates(
    min_value=dt.date(1900, 1, 1), max_value=RRN_RANDOM_SINCE - dt.timedelta(days=1)
)
sexes = st.sampled_from(["M", "F"])
tails = st.integers(min_value=0, max_value=99_999)


def regional(birth: dt.date, sex: str, tail: int, *, foreign: bool = False) -> str:
    first12 = f"{birth:%y%m%d}{sex_digit(birth, sex, foreign=foreign)}{tail:05d}"  # type: ignore[arg-type]
    return first12 + str(rrn_check_digit(first12))


@given(regional_births, sexes, tails, st.booleans())
def test_a_regional_rrn_round_trips_in_both_written_forms(
    birth: dt.date, sex: str, tail: int, hyphen: bool
) -> None:
    digits = regional(birth, sex, tail)
    written = f"{digits[:6]}-{digits[6:]}" if hyphen else digits
    rrn = Rrn.parse(written)
    assert rrn.digits == digits
    assert rrn.scheme == "regional"
    assert rrn.birth_date == birth
    assert rrn.sex == sex
    assert rrn.formatted == f"{digits[:6]}-{digits[6:]}"
    assert Rrn.parse(rrn.formatted) == rrn


@given(regional_births, sexes, tails, st.integers(min_value=1, max_value=9))
def test_a_wrong_check_digit_is_refused_before_october_2020(
    birth: dt.date, sex: str, tail: int, shift: int
) -> None:
    digits = regional(birth, sex, tail)
    wrong = digits[:12] + str((int(digits[12]) + shift) % 10)
    with pytest.raises(Invalid) as refused:
        Rrn.parse(wrong)
    assert refused.value.code == "rrn_checksum"


@given(regional_births, sexes, st.integers(min_value=0, max_value=999_999))
def test_a_number_issued_since_october_2020_needs_no_check_digit(
    birth: dt.date, sex: str, random_tail: int
) -> None:
    digits = f"{birth:%y%m%d}{sex_digit(birth, sex)}{random_tail:06d}"  # type: ignore[arg-type]
    rrn = Rrn.parse(digits, issued_on=dt.date(2021, 3, 1))
    assert rrn.scheme == "random"
    assert rrn.birth_date == birth


@given(
    st.dates(min_value=RRN_RANDOM_SINCE, max_value=dt.date(2026, 11, 1)),
    sexes,
    st.integers(min_value=0, max_value=999_999),
)
def test_a_child_born_since_october_2020_has_the_random_scheme(
    birth: dt.date, sex: str, random_tail: int
) -> None:
    rrn = Rrn.parse(f"{birth:%y%m%d}{sex_digit(birth, sex)}{random_tail:06d}")  # type: ignore[arg-type]
    assert rrn.scheme == "random"
    assert rrn.sex == sex


@given(regional_births, sexes, tails)
def test_foreign_residents_have_sex_digits_5_to_8(birth: dt.date, sex: str, tail: int) -> None:
    assume(birth.year >= 1900)
    rrn = Rrn.parse(regional(birth, sex, tail, foreign=True))
    assert rrn.is_foreign_resident
    assert rrn.digits[6] in "5678"
    assert rrn.birth_date == birth


@given(st.text(max_size=20))
def test_anything_not_shaped_like_an_rrn_is_refused_with_a_format_error(text: str) -> None:
    assume(
        not (len(text.strip().replace("-", "")) == 13 and text.strip().replace("-", "").isdigit())
    )
    with pytest.raises(Invalid) as refused:
        Rrn.parse(text)
    assert refused.value.code == "rrn_format"


@pytest.mark.parametrize("text", ["9013011234567", "900230-1234567", "000000-3000000"])
def test_an_impossible_birth_date_is_refused(text: str) -> None:
    with pytest.raises(Invalid) as refused:
        Rrn.parse(text)
    assert refused.value.code == "rrn_birth_date"


@given(regional_births, sexes, tails)
def test_masking_keeps_only_birth_date_and_sex_digit(birth: dt.date, sex: str, tail: int) -> None:
    digits = regional(birth, sex, tail)
    assert mask_rrn(digits) == f"{digits[:6]}-{digits[6]}******"
    assert Rrn.parse(digits).masked == mask_rrn(digits)
    assert digits[7:] not in repr(Rrn.parse(digits))


def test_a_known_check_digit() -> None:
    # 900101-123456?: Σ = 2·9+3·0+4·0+5·1+6·0+7·1+8·1+9·2+2·3+3·4+4·5+5·6 = 124,
    # and (11 − 124 mod 11) mod 10 = 8.
    assert rrn_check_digit("900101123456") == 8


brn_first9 = st.integers(min_value=0, max_value=999_999_999).map(lambda n: f"{n:09d}")


@given(brn_first9, st.sampled_from(["{a}-{b}-{c}", "{a}{b}{c}"]))
def test_a_brn_with_its_check_digit_round_trips(first9: str, pattern: str) -> None:
    digits = first9 + str(brn_check_digit(first9))
    written = pattern.format(a=digits[:3], b=digits[3:5], c=digits[5:])
    brn = Brn.parse(written)
    assert brn.digits == digits
    assert brn.formatted == f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
    assert Brn.parse(brn.formatted) == brn


@given(brn_first9, st.integers(min_value=1, max_value=9))
def test_a_brn_with_a_wrong_check_digit_is_refused(first9: str, shift: int) -> None:
    wrong = first9 + str((brn_check_digit(first9) + shift) % 10)
    with pytest.raises(Invalid) as refused:
        Brn.parse(wrong)
    assert refused.value.code == "brn_checksum"


def test_known_brns() -> None:
    assert Brn.parse("220-81-62517").is_corporation  # a well-known corporation's published number
    with pytest.raises(Invalid):
        Brn.parse("220-81-62518")
    with pytest.raises(Invalid) as refused:
        Brn.parse("220-81-6251")
    assert refused.value.code == "brn_format"


districts = st.sampled_from(sorted(DISTRICT_BY_CODE))


@given(
    districts,
    st.integers(min_value=0, max_value=99_999).map(lambda n: f"{n:05d}"),
    st.sampled_from(["land", "mountain"]),
    st.integers(min_value=1, max_value=9999),
    st.integers(min_value=0, max_value=9999),
)
def test_a_pnu_round_trips(district: str, rest: str, kind: str, main: int, sub: int) -> None:
    pnu = Pnu.build(district + rest, kind, main, sub)  # type: ignore[arg-type]
    assert len(pnu.digits) == 19
    assert pnu.legal_dong_code == district + rest
    assert pnu.kind == kind
    assert (pnu.main_lot, pnu.sub_lot) == (main, sub)
    assert Pnu.parse(pnu.formatted) == pnu
    assert pnu.lot_label.startswith("산 ") == (kind == "mountain")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1168010100", "pnu_format"),
        ("1168010100310010000", "pnu_format"),  # 3 is neither land nor mountain
        ("9968010100100010000", "pnu_province"),
        ("1168010100100000000", "pnu_main_lot"),
    ],
)
def test_bad_pnus_are_refused_with_a_clear_code(text: str, code: str) -> None:
    with pytest.raises(Invalid) as refused:
        Pnu.parse(text)
    assert refused.value.code == code


def test_mask_sentence_in_korean_and_english() -> None:
    with pytest.raises(Invalid) as refused:
        Rrn.parse("12")
    assert "13" in refused.value.message.en
    assert "13자리" in refused.value.message.ko
