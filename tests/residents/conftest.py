"""A driver for the resident register API and the checks every residents test shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.core.identifiers import rrn_check_digit, sex_digit
from tests.factories import regional_rrn
from tests.support import count_rows

SEOUL = {
    "sigungu_code": "11680",
    "road_name": "테헤란로",
    "building_main": 152,
    "address_detail": "12층 1201호",
    "postcode": "06236",
}
BUSAN = {
    "sigungu_code": "26350",
    "road_name": "해운대해변로",
    "building_main": 264,
    "postcode": "48099",
}
SEONGNAM = {
    "sigungu_code": "41135",
    "road_name": "판교역로",
    "building_main": 166,
    "building_sub": 2,
    "postcode": "13529",
}

TABLES = (
    "residents_person",
    "residents_address",
    "residents_household",
    "residents_household_member",
    "residents_residence",
    "residents_change",
    "core_outbox",
)
OPEN_ROWS = {
    "alive persons": "SELECT count(*) FROM residents_person WHERE status = 'alive'",
    "open households": "SELECT count(*) FROM residents_household WHERE dissolved_on IS NULL",
    "household heads": "SELECT count(DISTINCT head_person_id) FROM residents_household",
    "open memberships": "SELECT count(*) FROM residents_household_member WHERE left_on IS NULL",
    "open residences": "SELECT count(*) FROM residents_residence WHERE moved_out IS NULL",
}


def hyphenated(rrn: str) -> str:
    return f"{rrn[:6]}-{rrn[6:]}"


def foreign_rrn(birth: dt.date, sex: str = "M", serial: int = 12345) -> str:
    """A valid pre-2020 registration number of a foreign national (7th digit 5 to 8)."""
    first12 = (
        f"{birth:%y%m%d}{sex_digit(birth, 'M' if sex == 'M' else 'F', foreign=True)}{serial:05d}"
    )
    return first12 + str(rrn_check_digit(first12))


def person_payload(
    *, birth: dt.date = dt.date(1990, 1, 1), sex: str = "M", **overrides: Any
) -> dict[str, Any]:
    """A valid registration: a regional RRN agreeing with the birth date and sex."""
    payload: dict[str, Any] = {
        "rrn": hyphenated(regional_rrn(birth, sex)),
        "name_ko": "김민준" if sex == "M" else "이서연",
        "name_en": "Kim Minjun" if sex == "M" else "Lee Seoyeon",
        "sex": sex,
        "birth_date": birth.isoformat(),
        "nationality": "KOR",
        "registered_on": birth.isoformat(),
    }
    payload.update(overrides)
    return payload


class ResidentsApi:
    """Calls /api/residents with a token and checks that no response shows an RRN in clear."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers
        self.clear_rrns: set[str] = set()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        body = kwargs.get("json")
        if isinstance(body, dict) and isinstance(body.get("rrn"), str):
            digits = body["rrn"].replace("-", "").strip()
            self.clear_rrns |= {digits, hyphenated(digits), digits[6:]}
        response = self.client.request(
            method, f"/api/residents{path}", headers=kwargs.pop("headers", self.headers), **kwargs
        )
        for clear in self.clear_rrns:
            assert clear not in response.text, f"an RRN appears in clear: {response.text}"
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def _created(self, response: httpx.Response) -> dict[str, Any]:
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def register(self, **overrides: Any) -> dict[str, Any]:
        return self._created(self.post("/persons", json=person_payload(**overrides)))

    def form_household(
        self, person_id: int, address: dict[str, Any] = SEOUL, formed_on: str = "2020-01-01"
    ) -> dict[str, Any]:
        payload = {"head_person_id": person_id, "address": address, "formed_on": formed_on}
        return self._created(self.post("/households", json=payload))

    def add_member(
        self, household_id: int, person_id: int, relation: str, joined_on: str = "2020-01-01"
    ) -> dict[str, Any]:
        payload = {"person_id": person_id, "relation": relation, "joined_on": joined_on}
        return self._created(self.post(f"/households/{household_id}/members", json=payload))

    def move(self, person_id: int, **payload: Any) -> dict[str, Any]:
        return self._created(self.post(f"/persons/{person_id}/moves", json=payload))


@pytest.fixture
def api(client: TestClient, auth: Callable[..., dict[str, str]]) -> ResidentsApi:
    return ResidentsApi(client, auth("residents:read", "residents:write"))


@pytest.fixture
def family(api: ResidentsApi) -> dict[str, int]:
    """A household in Seoul formed on 2020-01-01: a head, his spouse and their child."""
    head = api.register(name_ko="김민준", name_en="Kim Minjun")
    spouse = api.register(birth=dt.date(1991, 5, 20), sex="F")
    child = api.register(birth=dt.date(2018, 7, 1), sex="F", name_ko="김하윤", name_en="Kim Hayun")
    household = api.form_household(head["id"], SEOUL, "2020-01-01")
    api.add_member(household["id"], spouse["id"], "spouse", "2020-01-01")
    api.add_member(household["id"], child["id"], "child", "2020-01-01")
    return {
        "household": household["id"],
        "head": head["id"],
        "spouse": spouse["id"],
        "child": child["id"],
    }


def snapshot(session: Session) -> dict[str, int]:
    """Row counts of every table a residents write touches, and of the open rows in them."""
    counts = {table: count_rows(session, table) for table in TABLES}
    for name, query in OPEN_ROWS.items():
        counts[name] = int(session.execute(text(query)).scalar_one())
    return counts


@pytest.fixture
def nothing_written(session: Session) -> Callable[[], Any]:
    """`with nothing_written(): <rejected write>` fails if the register changed at all."""

    @contextmanager
    def check() -> Iterator[None]:
        before = snapshot(session)
        yield
        assert snapshot(session) == before

    return check


@pytest.fixture
def events(session: Session) -> Callable[[], list[str]]:
    """The event types in the outbox, oldest first."""

    def read() -> list[str]:
        rows = session.execute(text("SELECT event_type FROM core_outbox ORDER BY id"))
        return [row[0] for row in rows]

    return read
