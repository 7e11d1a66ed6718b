"""Reading employments: a person's employers on a date, a business's employees page by page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

Person = Callable[..., int]
Register = Callable[..., dict[str, Any]]


@pytest.fixture
def career(
    client: TestClient, headers: dict[str, str], register: Register, person: Person
) -> dict[str, Any]:
    """Jimin worked at a shop 2016–2019 and has worked at a software house since 2019."""
    shop = register(name="나라상회", opened_on="2010-01-01")
    software = register(name="나라소프트", opened_on="2012-01-01")
    jimin = person("1994-04-04")

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = client.post(f"/api/business/{path}", json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    job = {"job_title": "직원", "monthly_wage_won": 2_000_000}
    first = post(
        f"businesses/{shop['id']}/employments",
        job | {"person_id": jimin, "started_on": "2016-03-01"},
    )
    post(
        f"employments/{first['id']}/leave", {"ended_on": "2019-03-01", "end_reason": "resignation"}
    )
    second = post(
        f"businesses/{software['id']}/employments",
        job | {"person_id": jimin, "started_on": "2019-04-01"},
    )
    return {"shop": shop, "software": software, "jimin": jimin, "jobs": [first, second]}


def get(client: TestClient, headers: dict[str, str], path: str) -> Any:
    response = client.get(f"/api/business/{path}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_person_s_employments_today_name_the_employer(
    client: TestClient, headers: dict[str, str], career: dict[str, Any]
) -> None:
    [current] = get(client, headers, f"persons/{career['jimin']}/employments")
    assert (current["brn"], current["business_name"]) == (career["software"]["brn"], "나라소프트")


def test_a_person_s_employments_on_a_past_date_and_in_full(
    client: TestClient, headers: dict[str, str], career: dict[str, Any]
) -> None:
    path = f"persons/{career['jimin']}/employments"
    [then] = get(client, headers, f"{path}?on=2018-01-01")
    assert then["business_name"] == "나라상회"
    assert get(client, headers, f"{path}?on=2019-03-15") == []
    history = get(client, headers, f"{path}?all=true")
    assert [e["business_name"] for e in history] == ["나라상회", "나라소프트"]


def test_a_business_s_employees_come_in_pages(
    client: TestClient, headers: dict[str, str], register: Register, person: Person
) -> None:
    business = register()["id"]
    hired = []
    for day in ("2020-01-01", "2020-02-01", "2020-03-01"):
        body = {
            "person_id": person(),
            "job_title": "직원",
            "started_on": day,
            "monthly_wage_won": 1,
        }
        response = client.post(
            f"/api/business/businesses/{business}/employments", json=body, headers=headers
        )
        hired.append(response.json()["id"])
    client.post(
        f"/api/business/employments/{hired[0]}/leave",
        json={"ended_on": "2021-01-01", "end_reason": "retirement"},
        headers=headers,
    )

    path = f"businesses/{business}/employees"
    first = get(client, headers, f"{path}?size=1")
    assert (first["total"], first["page"], first["size"]) == (2, 1, 1)
    assert [e["id"] for e in first["items"]] == [hired[1]]
    assert [e["id"] for e in get(client, headers, f"{path}?size=1&page=2")["items"]] == [hired[2]]
    assert get(client, headers, f"{path}?on=2020-02-15")["total"] == 2
    assert get(client, headers, f"{path}?all=true")["total"] == 3


def test_the_employees_of_an_unknown_business_are_not_found(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.get("/api/business/businesses/999999/employees", headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "business_unknown"


def test_the_wage_history_of_an_unknown_employment_is_not_found(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.get("/api/business/employments/999999/wages", headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "employment_unknown"


@pytest.mark.parametrize("reading", ["employments", "businesses"])
def test_reading_an_unknown_persons_records_is_404(
    client: TestClient, headers: dict[str, str], reading: str
) -> None:
    response = client.get(f"/api/business/persons/987654/{reading}", headers=headers)
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "person_unknown"
