"""Korean names: surnames by their real frequency, given names by sex and birth era.

Surname shares follow the 2015 census (Kim 21.5%, Lee 14.7%, Park 8.4%, ...); surnames are
romanised the way families spell them in passports (Kim, Lee, Park, Choi, Jung), given names
by the Revised Romanisation. Foreign residents get names typical of their nationality,
written in Hangul as the register writes them.
"""

from __future__ import annotations

import numpy as np

from nara.nation._common import BoolArray, IntArray, ObjArray, norm, obj

# fmt: off
_SURNAMES = (
    ("김", "Kim", 21.5), ("이", "Lee", 14.7), ("박", "Park", 8.4), ("최", "Choi", 4.7),
    ("정", "Jung", 4.3), ("강", "Kang", 2.4), ("조", "Cho", 2.1), ("윤", "Yoon", 2.1),
    ("장", "Jang", 2.0), ("임", "Lim", 1.7), ("한", "Han", 1.5), ("오", "Oh", 1.5),
    ("서", "Seo", 1.5), ("신", "Shin", 1.5), ("권", "Kwon", 1.4), ("황", "Hwang", 1.4),
    ("안", "Ahn", 1.4), ("송", "Song", 1.3), ("전", "Jeon", 1.1), ("홍", "Hong", 1.1),
    ("유", "Yoo", 1.1), ("고", "Ko", 0.9), ("문", "Moon", 0.9), ("양", "Yang", 0.9),
    ("손", "Son", 0.9), ("배", "Bae", 0.8), ("백", "Baek", 0.8), ("허", "Heo", 0.6),
    ("노", "Noh", 0.6), ("남", "Nam", 0.5), ("심", "Shim", 0.5), ("하", "Ha", 0.5),
    ("곽", "Kwak", 0.4), ("성", "Sung", 0.4), ("차", "Cha", 0.4), ("주", "Joo", 0.4),
    ("우", "Woo", 0.4), ("구", "Koo", 0.4), ("민", "Min", 0.3), ("류", "Ryu", 0.3),
    ("나", "Na", 0.3), ("진", "Jin", 0.3), ("지", "Ji", 0.3), ("엄", "Eom", 0.3),
    ("채", "Chae", 0.3), ("원", "Won", 0.3), ("천", "Cheon", 0.2), ("방", "Bang", 0.2),
    ("공", "Kong", 0.2), ("현", "Hyun", 0.2), ("함", "Ham", 0.2), ("변", "Byun", 0.2),
    ("염", "Yeom", 0.2), ("여", "Yeo", 0.2), ("추", "Choo", 0.1), ("도", "Do", 0.1),
    ("소", "So", 0.1), ("석", "Seok", 0.1), ("선", "Sun", 0.1), ("설", "Seol", 0.1),
    ("마", "Ma", 0.1), ("길", "Gil", 0.1), ("연", "Yeon", 0.1), ("위", "Wi", 0.1),
    ("표", "Pyo", 0.1), ("명", "Myung", 0.1), ("기", "Ki", 0.1), ("반", "Ban", 0.1),
    ("왕", "Wang", 0.1), ("금", "Keum", 0.1), ("옥", "Ok", 0.1), ("육", "Yuk", 0.1),
    ("인", "In", 0.1), ("맹", "Maeng", 0.1), ("제", "Je", 0.1), ("모", "Mo", 0.1),
    ("탁", "Tak", 0.1), ("국", "Kook", 0.1), ("어", "Eo", 0.05), ("은", "Eun", 0.05),
    ("남궁", "Namgung", 0.05), ("황보", "Hwangbo", 0.02), ("제갈", "Jegal", 0.01),
)

# Given names popular in each era: born before 1960, 1960–1989, since 1990.
_GIVEN = {
    ("M", 0): "영수 Yeongsu 영호 Yeongho 영철 Yeongcheol 상철 Sangcheol 병철 Byeongcheol "
              "광수 Gwangsu 정수 Jeongsu 종수 Jongsu 용수 Yongsu 명수 Myeongsu 성수 Seongsu "
              "재호 Jaeho 춘식 Chunsik "
              "만수 Mansu 기영 Giyeong 동수 Dongsu 영식 Yeongsik 순철 Suncheol",
    ("M", 1): "정훈 Jeonghun 성민 Seongmin 성호 Seongho 동현 Donghyeon 지훈 Jihun 성훈 Seonghun "
              "민수 Minsu 준호 Junho 재현 Jaehyeon 상훈 Sanghun 영진 Yeongjin 현철 Hyeoncheol "
              "진호 Jinho 상현 Sanghyeon 준영 Junyeong 민석 Minseok 승훈 Seunghun 태호 Taeho",
    ("M", 2): "민준 Minjun 서준 Seojun 도윤 Doyun 예준 Yejun 시우 Siu 하준 Hajun 주원 Juwon "
              "지호 Jiho 지후 Jihu 준서 Junseo 준우 Junu 현우 Hyeonu 도현 Dohyeon 건우 Geonu "
              "우진 Ujin 민재 Minjae 현준 Hyeonjun 선우 Seonu 서진 Seojin 연우 Yeonu "
              "승현 Seunghyeon",
    ("F", 0): "영자 Yeongja 순자 Sunja 영숙 Yeongsuk 정숙 Jeongsuk 옥순 Oksun 말순 Malsun "
              "숙자 Sukja 명숙 Myeongsuk 영희 Yeonghui 정희 Jeonghui 춘자 Chunja 순이 Suni "
              "경자 Gyeongja 정자 Jeongja 미자 Mija 영순 Yeongsun",
    ("F", 1): "미경 Migyeong 미영 Miyeong 은정 Eunjeong 지영 Jiyeong 수진 Sujin 혜진 Hyejin "
              "은영 Eunyeong 현정 Hyeonjeong 미숙 Misuk 경희 Gyeonghui 선영 Seonyeong 지현 Jihyeon "
              "미정 Mijeong 은주 Eunju 유진 Yujin 소영 Soyeong 민정 Minjeong 혜원 Hyewon",
    ("F", 2): "서연 Seoyeon 서윤 Seoyun 지우 Jiu 서현 Seohyeon 민서 Minseo 하은 Haeun 하윤 Hayun "
              "윤서 Yunseo 지민 Jimin 지유 Jiyu 채원 Chaewon 수아 Sua 지아 Jia 지윤 Jiyun "
              "은서 Eunseo 다은 Daeun 예은 Yeeun 수빈 Subin 민지 Minji 예린 Yerin",
}

# Foreign residents' names (Hangul, Latin, sex) by nationality.
_FOREIGN = {
    "VNM": (("응우옌 반 안", "Nguyen Van An", "M"), ("쩐 반 남", "Tran Van Nam", "M"),
            ("팜 반 훙", "Pham Van Hung", "M"), ("응우옌 티 투", "Nguyen Thi Thu", "F"),
            ("레 티 란", "Le Thi Lan", "F"), ("팜 티 흐엉", "Pham Thi Huong", "F")),
    "THA": (("솜차이 분마", "Somchai Boonma", "M"), ("아피찻 삭다", "Apichat Sakda", "M"),
            ("쑤파펀 통디", "Supaporn Thongdee", "F"), ("낫차 차이윳", "Natcha Chaiyut", "F")),
    "USA": (("존 스미스", "John Smith", "M"), ("마이클 브라운", "Michael Brown", "M"),
            ("에밀리 존슨", "Emily Johnson", "F"), ("사라 밀러", "Sarah Miller", "F")),
    "UZB": (("알리셰르 카리모프", "Alisher Karimov", "M"),
            ("러스탐 유수포프", "Rustam Yusupov", "M"),
            ("딜노자 라히모바", "Dilnoza Rakhimova", "F"),
            ("니고라 토시예바", "Nigora Toshieva", "F")),
    "PHL": (("호세 산토스", "Jose Santos", "M"), ("마크 레예스", "Mark Reyes", "M"),
            ("마리아 크루즈", "Maria Cruz", "F"), ("안젤리카 가르시아", "Angelica Garcia", "F")),
    "NPL": (("람 구룽", "Ram Gurung", "M"), ("비카시 타파", "Bikash Thapa", "M"),
            ("시타 라이", "Sita Rai", "F"), ("니루 셰르파", "Niru Sherpa", "F")),
}
# fmt: on

FOREIGN_NATIONALITIES = obj(["CHN", *(_FOREIGN)])
"""Nationalities of foreign residents; Chinese nationals (many ethnic Koreans) get Korean names."""
FOREIGN_WEIGHTS = norm([0.45, 0.2, 0.08, 0.06, 0.08, 0.07, 0.06])

SURNAME_KO = obj([s[0] for s in _SURNAMES])
SURNAME_EN = obj([s[1] for s in _SURNAMES])
SURNAME_WEIGHTS = norm([s[2] for s in _SURNAMES])


def _given_table(sex: str, era: int) -> tuple[ObjArray, ObjArray]:
    words = _GIVEN[(sex, era)].split()
    return obj(words[0::2]), obj(words[1::2])


_GIVEN_TABLES = {key: _given_table(*key) for key in _GIVEN}


def era_of(birth_year: IntArray) -> IntArray:
    return np.where(birth_year < 1960, 0, np.where(birth_year < 1990, 1, 2))


def surnames(rng: np.random.Generator, n: int) -> IntArray:
    """Indices into the surname table, drawn by real frequency."""
    return rng.choice(len(SURNAME_KO), size=n, p=SURNAME_WEIGHTS)


def korean_names(
    rng: np.random.Generator, surname: IntArray, male: BoolArray, birth_year: IntArray
) -> tuple[ObjArray, ObjArray]:
    """Full names in Hangul (`김민준`) and romanised, family name first (`Kim Minjun`)."""
    n = len(surname)
    era = era_of(birth_year)
    given_ko = np.empty(n, dtype=object)
    given_en = np.empty(n, dtype=object)
    draw = rng.random(n)
    for (sex, e), (ko, en) in _GIVEN_TABLES.items():
        mask = (male == (sex == "M")) & (era == e)
        idx = (draw[mask] * len(ko)).astype(np.int64)
        given_ko[mask] = ko[idx]
        given_en[mask] = en[idx]
    return SURNAME_KO[surname] + given_ko, SURNAME_EN[surname] + " " + given_en


def foreign_names(
    rng: np.random.Generator, nationality: ObjArray, male: BoolArray
) -> tuple[ObjArray, ObjArray]:
    """Names typical of each nationality (Korean names for Chinese nationals)."""
    n = len(nationality)
    name_ko = np.empty(n, dtype=object)
    name_en = np.empty(n, dtype=object)
    draw = rng.random(n)
    chn = nationality == "CHN"
    if chn.any():
        count = int(chn.sum())
        ko, en = korean_names(
            rng, surnames(rng, count), male[chn], np.full(count, 1980, dtype=np.int64)
        )
        name_ko[chn], name_en[chn] = ko, en
    for code, names in _FOREIGN.items():
        for sex in ("M", "F"):
            table = [x for x in names if x[2] == sex]
            mask = (nationality == code) & (male == (sex == "M"))
            idx = (draw[mask] * len(table)).astype(np.int64)
            name_ko[mask] = obj([t[0] for t in table])[idx]
            name_en[mask] = obj([t[1] for t in table])[idx]
    return name_ko, name_en
