"""Reading the register: by RRN (in the body), by name and birth date, by id, through time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tests.factories import regional_rrn
from tests.residents.conftest import BUSAN, SEONGNAM, SEOUL, ResidentsApi, hyphenated
from tests.support import assert_problem


def test_a_person_is_found_by_rrn_in_either_written_form(api: ResidentsApi) -> None:
    rrn = regional_rrn(dt.date(1990, 1, 1))
    person = api.register(rrn=rrn)

    for written in (rrn, hyphenated(rrn), f" {hyphenated(rrn)} "):
        response = api.post("/persons/lookup", json={"rrn": written})
        assert response.status_code == 200, response.text
        assert response.json()["id"] == person["id"]
        assert response.json()["rrn_masked"] == "900101-1******"


def test_a_lookup_writes_nothing(api: ResidentsApi, nothing_written: Callable[[], Any]) -> None:
    rrn = regional_rrn(dt.date(1990, 1, 1))
    api.register(rrn=rrn)
    with nothing_written():
        assert api.post("/persons/lookup", json={"rrn": rrn}).status_code == 200


def test_a_random_scheme_number_is_looked_up_with_its_issue_date(api: ResidentsApi) -> None:
    person = api.register(rrn="900101-1000000", rrn_issued_on="2021-06-01")
    found = api.post(
        "/persons/lookup", json={"rrn": "9001011000000", "rrn_issued_on": "2021-06-01"}
    )
    assert found.json()["id"] == person["id"]


def test_an_unregistered_or_malformed_rrn_is_not_found(api: ResidentsApi) -> None:
    unregistered = regional_rrn(dt.date(1977, 7, 7))
    assert_problem(api.post("/persons/lookup", json={"rrn": unregistered}), 404, "person_not_found")
    assert_problem(api.post("/persons/lookup", json={"rrn": "900101-123456"}), 422, "rrn_format")
    assert_problem(api.post("/persons/lookup", json={"rrn": "9001011234560"}), 422, "rrn_checksum")


def test_persons_are_found_by_name_and_birth_date_a_page_at_a_time(api: ResidentsApi) -> None:
    twins = [api.register(name_ko="박지호", name_en="Park Jiho")["id"] for _ in range(3)]
    api.register(name_ko="박지호", name_en="Park Jiho", birth=dt.date(1991, 1, 1))
    api.register(name_ko="최지호", name_en="Choi Jiho")

    first = api.get("/persons", params={"name_ko": "박지호", "birth_date": "1990-01-01", "size": 2})
    second = api.get(
        "/persons", params={"name_ko": "박지호", "birth_date": "1990-01-01", "size": 2, "page": 2}
    )

    assert first.status_code == 200, first.text
    assert (first.json()["total"], first.json()["page"], first.json()["size"]) == (3, 1, 2)
    found = [p["id"] for p in first.json()["items"] + second.json()["items"]]
    assert found == twins
    assert all(p["rrn_masked"].endswith("******") for p in first.json()["items"])


def test_a_search_needs_both_name_and_birth_date(api: ResidentsApi) -> None:
    assert_problem(api.get("/persons", params={"name_ko": "박지호"}), 422, "validation_failed")
    assert_problem(
        api.get("/persons", params={"birth_date": "1990-01-01"}), 422, "validation_failed"
    )
    empty = api.get("/persons", params={"name_ko": "없음", "birth_date": "1990-01-01"}).json()
    assert (empty["items"], empty["total"]) == ([], 0)


def test_a_person_is_read_by_id(api: ResidentsApi) -> None:
    person = api.register()
    assert api.get(f"/persons/{person['id']}").json() == person
    assert_problem(api.get("/persons/999"), 404, "person_not_found")


def test_a_household_and_its_members_are_read_by_id(
    api: ResidentsApi, family: dict[str, int]
) -> None:
    household = api.get(f"/households/{family['household']}").json()
    members = api.get(f"/households/{family['household']}/members").json()

    assert household["members"] == members["members"]
    assert members["on"] is None
    assert_problem(api.get("/households/999"), 404, "household_not_found")
    assert_problem(api.get("/households/999/members"), 404, "household_not_found")


def test_household_members_on_a_date_include_those_who_left_since(
    api: ResidentsApi, family: dict[str, int]
) -> None:
    api.move(family["child"], address=BUSAN, moved_on="2025-05-01", new_household=True)
    path = f"/households/{family['household']}/members"

    def members_on(day: str) -> list[int]:
        return [m["person_id"] for m in api.get(path, params={"on": day}).json()["members"]]

    assert members_on("2019-12-31") == []
    assert members_on("2025-04-30") == [family["head"], family["spouse"], family["child"]]
    assert members_on("2025-05-01") == [family["head"], family["spouse"]]
    assert_problem(api.get(path, params={"on": "last year"}), 422, "validation_failed")


def test_the_address_history_lists_every_residence_oldest_first(api: ResidentsApi) -> None:
    person = api.register()
    api.form_household(person["id"], SEOUL, "2010-03-01")
    api.move(person["id"], address=BUSAN, moved_on="2015-08-15", new_household=True)
    api.move(person["id"], address=SEONGNAM, moved_on="2022-01-10", new_household=True)

    history = api.get(f"/persons/{person['id']}/residences").json()

    assert history["person_id"] == person["id"]
    assert [
        (r["address"]["sigungu_code"], r["moved_in"], r["moved_out"]) for r in history["residences"]
    ] == [
        ("11680", "2010-03-01", "2015-08-15"),
        ("26350", "2015-08-15", "2022-01-10"),
        ("41135", "2022-01-10", None),
    ]


def test_the_address_on_a_date_is_the_one_moved_into_by_then(api: ResidentsApi) -> None:
    person = api.register()
    api.form_household(person["id"], SEOUL, "2010-03-01")
    api.move(person["id"], address=BUSAN, moved_on="2015-08-15", new_household=True)
    path = f"/persons/{person['id']}/address"

    def district_on(day: str | None) -> str:
        params = {} if day is None else {"on": day}
        return str(api.get(path, params=params).json()["address"]["sigungu_code"])

    assert district_on("2015-08-14") == "11680"
    assert district_on("2015-08-15") == "26350"
    assert district_on(None) == "26350"
    assert_problem(api.get(path, params={"on": "2010-02-28"}), 404, "residence_not_found")


def test_a_person_without_an_address_has_an_empty_history(api: ResidentsApi) -> None:
    person = api.register()
    assert api.get(f"/persons/{person['id']}/residences").json()["residences"] == []
    assert_problem(api.get(f"/persons/{person['id']}/address"), 404, "residence_not_found")
    assert_problem(api.get("/persons/999/residences"), 404, "person_not_found")
    assert_problem(api.get("/persons/999/address"), 404, "person_not_found")
