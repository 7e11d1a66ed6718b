"""Korea's 17 first-level divisions (시·도) and a sample of their districts (시·군·구).

Codes are the legal-dong code prefixes used in PNUs and addresses (Gangwon 51 since 2023,
Jeonbuk 52 since 2024). Populations are resident-registration totals at the end of 2024 in
thousands, rounded; the synthetic nation uses them as shares. Postcode ranges are the first
two digits of the 5-digit basic zone numbers assigned to each province.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    code: str  # 5 digits: sido (2) + sigungu (3)
    name_ko: str
    name_en: str


@dataclass(frozen=True)
class Province:
    code: str  # 2 digits
    name_ko: str
    name_en: str
    population_k: int
    postcode_prefixes: tuple[int, ...]
    districts: tuple[District, ...]


def _d(code: str, ko: str, en: str) -> District:
    return District(code, ko, en)


# fmt: off
PROVINCES: tuple[Province, ...] = (
    Province("11", "서울특별시", "Seoul", 9331, tuple(range(1, 10)), (
        _d("11110", "종로구", "Jongno-gu"), _d("11140", "중구", "Jung-gu"),
        _d("11170", "용산구", "Yongsan-gu"), _d("11200", "성동구", "Seongdong-gu"),
        _d("11215", "광진구", "Gwangjin-gu"), _d("11230", "동대문구", "Dongdaemun-gu"),
        _d("11260", "중랑구", "Jungnang-gu"), _d("11290", "성북구", "Seongbuk-gu"),
        _d("11305", "강북구", "Gangbuk-gu"), _d("11320", "도봉구", "Dobong-gu"),
        _d("11350", "노원구", "Nowon-gu"), _d("11380", "은평구", "Eunpyeong-gu"),
        _d("11410", "서대문구", "Seodaemun-gu"), _d("11440", "마포구", "Mapo-gu"),
        _d("11470", "양천구", "Yangcheon-gu"), _d("11500", "강서구", "Gangseo-gu"),
        _d("11530", "구로구", "Guro-gu"), _d("11545", "금천구", "Geumcheon-gu"),
        _d("11560", "영등포구", "Yeongdeungpo-gu"), _d("11590", "동작구", "Dongjak-gu"),
        _d("11620", "관악구", "Gwanak-gu"), _d("11650", "서초구", "Seocho-gu"),
        _d("11680", "강남구", "Gangnam-gu"), _d("11710", "송파구", "Songpa-gu"),
        _d("11740", "강동구", "Gangdong-gu"),
    )),
    Province("26", "부산광역시", "Busan", 3266, (46, 47, 48, 49), (
        _d("26110", "중구", "Jung-gu"), _d("26140", "서구", "Seo-gu"),
        _d("26200", "영도구", "Yeongdo-gu"), _d("26230", "부산진구", "Busanjin-gu"),
        _d("26260", "동래구", "Dongnae-gu"), _d("26290", "남구", "Nam-gu"),
        _d("26350", "해운대구", "Haeundae-gu"), _d("26380", "사하구", "Saha-gu"),
        _d("26410", "금정구", "Geumjeong-gu"), _d("26470", "연제구", "Yeonje-gu"),
        _d("26500", "수영구", "Suyeong-gu"), _d("26710", "기장군", "Gijang-gun"),
    )),
    Province("27", "대구광역시", "Daegu", 2364, (41, 42, 43), (
        _d("27110", "중구", "Jung-gu"), _d("27140", "동구", "Dong-gu"),
        _d("27170", "서구", "Seo-gu"), _d("27230", "북구", "Buk-gu"),
        _d("27260", "수성구", "Suseong-gu"), _d("27290", "달서구", "Dalseo-gu"),
        _d("27710", "달성군", "Dalseong-gun"),
    )),
    Province("28", "인천광역시", "Incheon", 3021, (21, 22, 23), (
        _d("28110", "중구", "Jung-gu"), _d("28177", "미추홀구", "Michuhol-gu"),
        _d("28185", "연수구", "Yeonsu-gu"), _d("28200", "남동구", "Namdong-gu"),
        _d("28237", "부평구", "Bupyeong-gu"), _d("28245", "계양구", "Gyeyang-gu"),
        _d("28260", "서구", "Seo-gu"), _d("28710", "강화군", "Ganghwa-gun"),
    )),
    Province("29", "광주광역시", "Gwangju", 1406, (61, 62), (
        _d("29110", "동구", "Dong-gu"), _d("29140", "서구", "Seo-gu"),
        _d("29155", "남구", "Nam-gu"), _d("29170", "북구", "Buk-gu"),
        _d("29200", "광산구", "Gwangsan-gu"),
    )),
    Province("30", "대전광역시", "Daejeon", 1442, (34, 35), (
        _d("30110", "동구", "Dong-gu"), _d("30140", "중구", "Jung-gu"),
        _d("30170", "서구", "Seo-gu"), _d("30200", "유성구", "Yuseong-gu"),
        _d("30230", "대덕구", "Daedeok-gu"),
    )),
    Province("31", "울산광역시", "Ulsan", 1097, (44, 45), (
        _d("31110", "중구", "Jung-gu"), _d("31140", "남구", "Nam-gu"),
        _d("31170", "동구", "Dong-gu"), _d("31200", "북구", "Buk-gu"),
        _d("31710", "울주군", "Ulju-gun"),
    )),
    Province("36", "세종특별자치시", "Sejong", 390, (30,), (
        _d("36110", "세종시", "Sejong-si"),
    )),
    Province("41", "경기도", "Gyeonggi-do", 13690, tuple(range(10, 21)), (
        _d("41111", "수원시 장안구", "Suwon-si Jangan-gu"),
        _d("41113", "수원시 권선구", "Suwon-si Gwonseon-gu"),
        _d("41131", "성남시 수정구", "Seongnam-si Sujeong-gu"),
        _d("41135", "성남시 분당구", "Seongnam-si Bundang-gu"),
        _d("41150", "의정부시", "Uijeongbu-si"), _d("41171", "안양시 만안구", "Anyang-si Manan-gu"),
        _d("41190", "부천시", "Bucheon-si"), _d("41210", "광명시", "Gwangmyeong-si"),
        _d("41220", "평택시", "Pyeongtaek-si"), _d("41271", "안산시 상록구", "Ansan-si Sangnok-gu"),
        _d("41281", "고양시 덕양구", "Goyang-si Deogyang-gu"),
        _d("41290", "과천시", "Gwacheon-si"), _d("41360", "남양주시", "Namyangju-si"),
        _d("41390", "시흥시", "Siheung-si"), _d("41450", "하남시", "Hanam-si"),
        _d("41465", "용인시 수지구", "Yongin-si Suji-gu"), _d("41480", "파주시", "Paju-si"),
        _d("41570", "김포시", "Gimpo-si"), _d("41590", "화성시", "Hwaseong-si"),
    )),
    Province("51", "강원특별자치도", "Gangwon-do", 1517, (24, 25, 26), (
        _d("51110", "춘천시", "Chuncheon-si"), _d("51130", "원주시", "Wonju-si"),
        _d("51150", "강릉시", "Gangneung-si"), _d("51210", "속초시", "Sokcho-si"),
    )),
    Province("43", "충청북도", "Chungcheongbuk-do", 1591, (27, 28, 29), (
        _d("43111", "청주시 상당구", "Cheongju-si Sangdang-gu"),
        _d("43112", "청주시 서원구", "Cheongju-si Seowon-gu"),
        _d("43130", "충주시", "Chungju-si"), _d("43150", "제천시", "Jecheon-si"),
    )),
    Province("44", "충청남도", "Chungcheongnam-do", 2133, (31, 32, 33), (
        _d("44131", "천안시 동남구", "Cheonan-si Dongnam-gu"),
        _d("44133", "천안시 서북구", "Cheonan-si Seobuk-gu"),
        _d("44150", "공주시", "Gongju-si"), _d("44200", "아산시", "Asan-si"),
        _d("44210", "서산시", "Seosan-si"),
    )),
    Province("52", "전북특별자치도", "Jeonbuk-do", 1742, (54, 55, 56), (
        _d("52111", "전주시 완산구", "Jeonju-si Wansan-gu"),
        _d("52113", "전주시 덕진구", "Jeonju-si Deokjin-gu"),
        _d("52130", "군산시", "Gunsan-si"), _d("52140", "익산시", "Iksan-si"),
    )),
    Province("46", "전라남도", "Jeollanam-do", 1797, (57, 58, 59, 60), (
        _d("46110", "목포시", "Mokpo-si"), _d("46130", "여수시", "Yeosu-si"),
        _d("46150", "순천시", "Suncheon-si"), _d("46230", "광양시", "Gwangyang-si"),
    )),
    Province("47", "경상북도", "Gyeongsangbuk-do", 2541, (36, 37, 38, 39, 40), (
        _d("47111", "포항시 남구", "Pohang-si Nam-gu"), _d("47130", "경주시", "Gyeongju-si"),
        _d("47170", "안동시", "Andong-si"), _d("47190", "구미시", "Gumi-si"),
    )),
    Province("48", "경상남도", "Gyeongsangnam-do", 3251, (50, 51, 52, 53), (
        _d("48121", "창원시 의창구", "Changwon-si Uichang-gu"),
        _d("48170", "진주시", "Jinju-si"), _d("48250", "김해시", "Gimhae-si"),
        _d("48310", "거제시", "Geoje-si"), _d("48330", "양산시", "Yangsan-si"),
    )),
    Province("50", "제주특별자치도", "Jeju-do", 670, (63,), (
        _d("50110", "제주시", "Jeju-si"), _d("50130", "서귀포시", "Seogwipo-si"),
    )),
)
# fmt: on

PROVINCE_BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}
DISTRICT_BY_CODE: dict[str, District] = {d.code: d for p in PROVINCES for d in p.districts}


def province_of_postcode(postcode: str) -> Province | None:
    """The province whose basic zone numbers include this 5-digit postcode, if any."""
    if len(postcode) != 5 or not postcode.isdigit():
        return None
    prefix = int(postcode[:2])
    for province in PROVINCES:
        if prefix in province.postcode_prefixes:
            return province
    return None


def province_by_name(name: str) -> Province | None:
    """Look a province up by its Korean or English name."""
    for province in PROVINCES:
        if name in (province.name_ko, province.name_en):
            return province
    return None
