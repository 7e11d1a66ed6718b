"""What the register shows of a person on a date: the data behind the family certificates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support import assert_problem

Person = Callable[..., int]


@pytest.fixture
def kims(client: TestClient, headers: dict[str, str], person: Person) -> dict[str, int]:
    """Minjun married Seoyeon in 2010; Jiho was born 2012; Minjun's first marriage ended 2008."""
    ids = {
        "grandfather": person("1940-01-01", "M", name_ko="김철수", name_en="Kim Cheolsu"),
        "minjun": person("1975-04-01", "M", name_ko="김민준", name_en="Kim Minjun"),
        "first_wife": person("1976-01-01", "F", name_ko="이영희", name_en="Lee Younghee"),
        "seoyeon": person("1980-09-09", "F", name_ko="박서연", name_en="Park Seoyeon"),
        "jiho": person("2012-02-02", "M", name_ko="김지호", name_en="Kim Jiho"),
    }

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = client.post(f"/api/family/{path}", json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    post("births", {"child_id": ids["minjun"], "father_id": ids["grandfather"]})
    first = post(
        "marriages",
        {
            "spouse_a_id": ids["minjun"],
            "spouse_b_id": ids["first_wife"],
            "married_on": "2000-05-05",
        },
    )
    post(f"marriages/{first['id']}/divorce", {"divorced_on": "2008-01-31"})
    post(
        "marriages",
        {"spouse_a_id": ids["seoyeon"], "spouse_b_id": ids["minjun"], "married_on": "2010-10-10"},
    )
    post(
        "births", {"child_id": ids["jiho"], "father_id": ids["minjun"], "mother_id": ids["seoyeon"]}
    )
    return ids


def get(client: TestClient, headers: dict[str, str], path: str) -> Any:
    response = client.get(f"/api/family/{path}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_family_relations_today_list_parents_spouse_and_children_with_names(
    client: TestClient, headers: dict[str, str], kims: dict[str, int]
) -> None:
    record = get(client, headers, f"persons/{kims['minjun']}/relations")

    assert record["as_of"] == "2026-03-02"
    assert record["person"]["name_ko"] == "김민준"
    assert [(p["role"], p["parent"]["name_en"]) for p in record["parents"]] == [
        ("father", "Kim Cheolsu")
    ]
    assert record["spouse"]["spouse"]["person_id"] == kims["seoyeon"]
    assert record["spouse"]["married_on"] == "2010-10-10"
    assert [(c["child"]["name_ko"], c["role"], c["kind"]) for c in record["children"]] == [
        ("김지호", "father", "birth")
    ]


def test_the_family_relations_on_a_past_date_show_the_family_as_it_was(
    client: TestClient, headers: dict[str, str], kims: dict[str, int]
) -> None:
    record = get(client, headers, f"persons/{kims['minjun']}/relations?on=2005-01-01")
    assert record["spouse"]["spouse"]["person_id"] == kims["first_wife"]
    assert record["children"] == []


def test_spouses_now_and_at_a_date(
    client: TestClient, headers: dict[str, str], kims: dict[str, int]
) -> None:
    path = f"persons/{kims['minjun']}/spouses"
    assert [s["spouse"]["person_id"] for s in get(client, headers, path)] == [kims["seoyeon"]]
    assert get(client, headers, f"{path}?on=2009-01-01") == []
    [first] = get(client, headers, f"{path}?on=2008-01-30")
    assert (first["spouse"]["person_id"], first["ended_on"]) == (kims["first_wife"], "2008-01-31")


def test_parents_and_children_are_read_from_both_sides(
    client: TestClient, headers: dict[str, str], kims: dict[str, int]
) -> None:
    parents = get(client, headers, f"persons/{kims['jiho']}/parents")
    assert {(p["role"], p["parent"]["person_id"]) for p in parents} == {
        ("father", kims["minjun"]),
        ("mother", kims["seoyeon"]),
    }
    children = get(client, headers, f"persons/{kims['seoyeon']}/children")
    assert [(c["child"]["person_id"], c["role"]) for c in children] == [(kims["jiho"], "mother")]
    assert get(client, headers, f"persons/{kims['seoyeon']}/children?on=2012-02-01") == []


def test_the_marriage_record_lists_every_marriage_with_its_dates(
    client: TestClient, headers: dict[str, str], kims: dict[str, int]
) -> None:
    record = get(client, headers, f"persons/{kims['minjun']}/marriages")
    assert record["person"]["person_id"] == kims["minjun"]
    assert [
        (m["spouse"]["name_en"], m["married_on"], m["ended_on"], m["end_cause"])
        for m in record["marriages"]
    ] == [
        ("Lee Younghee", "2000-05-05", "2008-01-31", "divorce"),
        ("Park Seoyeon", "2010-10-10", None, None),
    ]


@pytest.mark.parametrize(
    ("on", "status"),
    [
        ("1999-01-01", "never_married"),
        ("2001-01-01", "married"),
        ("2009-01-01", "divorced"),
        ("2026-01-01", "married"),
    ],
)
def test_the_basic_record_shows_the_marital_status_on_a_date(
    client: TestClient, headers: dict[str, str], kims: dict[str, int], on: str, status: str
) -> None:
    record = get(client, headers, f"persons/{kims['minjun']}/basic?on={on}")
    assert (record["as_of"], record["marital_status"]) == (on, status)
    assert record["person"]["birth_date"] == "1975-04-01"


def test_the_basic_record_lists_adoptions_as_they_stood_on_the_date(
    client: TestClient, headers: dict[str, str], kims: dict[str, int], person: Person
) -> None:
    aunt = person("1970-01-01", "F")
    adoption = client.post(
        "/api/family/adoptions",
        json={
            "child_id": kims["jiho"],
            "kind": "adoption",
            "mother_id": aunt,
            "adopted_on": "2015-01-01",
        },
        headers=headers,
    ).json()
    link = adoption["parentages"][0]["id"]
    client.post(
        f"/api/family/adoptions/{link}/end", json={"ended_on": "2020-01-01"}, headers=headers
    )

    now = get(client, headers, f"persons/{kims['jiho']}/basic")
    assert [(a["parent"]["person_id"], a["ended_on"]) for a in now["adoptions"]] == [
        (aunt, "2020-01-01")
    ]
    then = get(client, headers, f"persons/{kims['jiho']}/basic?on=2016-01-01")
    assert [a["ended_on"] for a in then["adoptions"]] == [None]
    before = get(client, headers, f"persons/{kims['jiho']}/basic?on=2014-01-01")
    assert before["adoptions"] == []


@pytest.mark.parametrize(
    "record", ["parents", "children", "spouses", "relations", "basic", "marriages"]
)
def test_records_of_an_unknown_person_are_not_found(
    client: TestClient, headers: dict[str, str], record: str
) -> None:
    response = client.get(f"/api/family/persons/999999/{record}", headers=headers)
    assert_problem(response, 404, "person_unknown")


def test_a_malformed_date_is_refused(
    client: TestClient, headers: dict[str, str], kims: dict[str, int]
) -> None:
    response = client.get(f"/api/family/persons/{kims['jiho']}/relations?on=soon", headers=headers)
    assert_problem(response, 422, "validation_failed")
