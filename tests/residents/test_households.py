"""Households: formed by a head at an address, joined and left by members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from nara.core.pii import PiiCipher
from tests.factories import make_person
from tests.residents.conftest import BUSAN, SEOUL, ResidentsApi
from tests.support import assert_problem, count_rows


def test_forming_a_household_makes_the_person_its_head_living_at_the_address(
    api: ResidentsApi, events: Callable[[], list[str]]
) -> None:
    person = api.register()

    household = api.form_household(person["id"], SEOUL, "2020-01-01")

    assert household["head_person_id"] == person["id"]
    assert household["formed_on"] == "2020-01-01"
    assert household["dissolved_on"] is None
    assert household["address"]["label_ko"] == "서울특별시 강남구 테헤란로 152 12층 1201호"
    assert [(m["person_id"], m["relation"]) for m in household["members"]] == [
        (person["id"], "head")
    ]
    assert household["members"][0]["rrn_masked"] == "900101-1******"
    residence = api.get(f"/persons/{person['id']}/address").json()
    assert residence["household_id"] == household["id"]
    assert (residence["moved_in"], residence["reported_on"]) == ("2020-01-01", "2026-03-02")
    assert events()[-1] == "household.formed"


def test_households_at_the_same_address_share_one_address_row(
    api: ResidentsApi, session: Session
) -> None:
    api.form_household(api.register()["id"], SEOUL)
    api.form_household(api.register(birth=dt.date(1980, 2, 2))["id"], SEOUL)
    assert count_rows(session, "residents_address") == 1


def test_a_member_joins_with_a_relation_to_the_head_and_lives_at_the_address(
    api: ResidentsApi, family: dict[str, int], events: Callable[[], list[str]]
) -> None:
    household = api.get(f"/households/{family['household']}").json()

    assert [(m["person_id"], m["relation"]) for m in household["members"]] == [
        (family["head"], "head"),
        (family["spouse"], "spouse"),
        (family["child"], "child"),
    ]
    child_home = api.get(f"/persons/{family['child']}/address").json()
    assert child_home["address"] == household["address"]
    assert events().count("household.member_added") == 2


def test_removing_a_member_ends_the_membership_and_the_residence(
    api: ResidentsApi, family: dict[str, int], events: Callable[[], list[str]]
) -> None:
    response = api.post(
        f"/households/{family['household']}/members/{family['child']}/removal",
        json={"left_on": "2025-09-01"},
    )

    assert response.status_code == 200, response.text
    assert response.json()["left_on"] == "2025-09-01"
    members = api.get(f"/households/{family['household']}/members").json()["members"]
    assert family["child"] not in [m["person_id"] for m in members]
    assert_problem(api.get(f"/persons/{family['child']}/address"), 404, "residence_not_found")
    history = api.get(f"/persons/{family['child']}/residences").json()["residences"]
    assert history[-1]["moved_out"] == "2025-09-01"
    assert events()[-1] == "household.member_removed"


def test_a_removed_member_may_join_another_household_from_the_day_they_left(
    api: ResidentsApi, family: dict[str, int]
) -> None:
    api.post(
        f"/households/{family['household']}/members/{family['child']}/removal",
        json={"left_on": "2025-09-01"},
    )
    grandmother = api.register(birth=dt.date(1950, 5, 5), sex="F")
    other = api.form_household(grandmother["id"], BUSAN, "2010-01-01")

    member = api.add_member(other["id"], family["child"], "grandchild", "2025-09-01")

    assert (member["relation"], member["joined_on"]) == ("grandchild", "2025-09-01")


# Forming a household: refusals


def test_forming_a_household_for_an_unknown_person_is_404(
    api: ResidentsApi, nothing_written: Callable[[], Any]
) -> None:
    with nothing_written():
        response = api.post(
            "/households", json={"head_person_id": 999, "address": SEOUL, "formed_on": "2020-01-01"}
        )
    assert_problem(response, 404, "person_not_found")


def test_a_person_heads_or_belongs_to_one_household_at_a_time(
    api: ResidentsApi, family: dict[str, int], nothing_written: Callable[[], Any]
) -> None:
    for person in ("head", "spouse"):
        with nothing_written():
            response = api.post(
                "/households",
                json={
                    "head_person_id": family[person],
                    "address": BUSAN,
                    "formed_on": "2024-01-01",
                },
            )
        assert_problem(response, 409, "person_in_household")


def test_a_deceased_person_cannot_form_a_household(
    api: ResidentsApi,
    session: Session,
    cipher: PiiCipher,
    nothing_written: Callable[[], Any],
) -> None:
    deceased = make_person(session, cipher, status="deceased")
    session.commit()

    with nothing_written():
        response = api.post(
            "/households",
            json={"head_person_id": deceased.id, "address": SEOUL, "formed_on": "2020-01-01"},
        )

    assert_problem(response, 409, "person_not_alive")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        pytest.param({"formed_on": "2026-03-03"}, "date_in_future", id="tomorrow"),
        pytest.param({"formed_on": "1989-12-31"}, "date_before_registration", id="before birth"),
        pytest.param(
            {"address": {**SEOUL, "postcode": "48099"}}, "validation_failed", id="postcode"
        ),
        pytest.param({"address": {**SEOUL, "sigungu_code": "11999"}}, "validation_failed", id="gu"),
        pytest.param({"address": {**SEOUL, "building_main": 0}}, "validation_failed", id="no."),
        pytest.param({"formed_on": "yesterday"}, "validation_failed", id="not a date"),
    ],
)
def test_a_household_with_a_bad_date_or_address_is_refused(
    api: ResidentsApi,
    nothing_written: Callable[[], Any],
    change: dict[str, Any],
    code: str,
) -> None:
    person = api.register()
    payload = {"head_person_id": person["id"], "address": SEOUL, "formed_on": "2020-01-01"}

    with nothing_written():
        response = api.post("/households", json={**payload, **change})

    assert_problem(response, 422, code)


# Adding a member: refusals


def test_adding_a_member_to_an_unknown_household_or_person_is_404(
    api: ResidentsApi, family: dict[str, int], nothing_written: Callable[[], Any]
) -> None:
    newcomer = api.register(birth=dt.date(1960, 1, 1))
    with nothing_written():
        unknown_household = api.post(
            "/households/999/members",
            json={"person_id": newcomer["id"], "relation": "parent", "joined_on": "2024-01-01"},
        )
        unknown_person = api.post(
            f"/households/{family['household']}/members",
            json={"person_id": 999, "relation": "parent", "joined_on": "2024-01-01"},
        )
    assert_problem(unknown_household, 404, "household_not_found")
    assert_problem(unknown_person, 404, "person_not_found")


def test_a_member_of_one_household_is_not_added_to_another(
    api: ResidentsApi, family: dict[str, int], nothing_written: Callable[[], Any]
) -> None:
    other = api.form_household(api.register(birth=dt.date(1960, 1, 1))["id"], BUSAN)

    with nothing_written():
        response = api.post(
            f"/households/{other['id']}/members",
            json={
                "person_id": family["child"],
                "relation": "grandchild",
                "joined_on": "2024-01-01",
            },
        )

    assert_problem(response, 409, "person_in_household")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        pytest.param({"relation": "head"}, "validation_failed", id="head is not joined"),
        pytest.param({"relation": "friend"}, "validation_failed", id="unknown relation"),
        pytest.param({"joined_on": "2026-03-03"}, "date_in_future", id="tomorrow"),
        pytest.param({"joined_on": "2019-12-31"}, "date_before_household_formed", id="early"),
        pytest.param({"joined_on": "1959-12-31"}, "date_before_registration", id="unborn"),
    ],
)
def test_a_member_with_a_bad_relation_or_date_is_refused(
    api: ResidentsApi,
    family: dict[str, int],
    nothing_written: Callable[[], Any],
    change: dict[str, Any],
    code: str,
) -> None:
    grandfather = api.register(birth=dt.date(1960, 1, 1))
    payload = {"person_id": grandfather["id"], "relation": "parent", "joined_on": "2024-01-01"}

    with nothing_written():
        response = api.post(
            f"/households/{family['household']}/members", json={**payload, **change}
        )

    assert_problem(response, 422, code)


def test_nobody_joins_a_dissolved_household(
    api: ResidentsApi, nothing_written: Callable[[], Any]
) -> None:
    head = api.register()
    household = api.form_household(head["id"], SEOUL, "2020-01-01")
    api.move(head["id"], address=BUSAN, moved_on="2024-01-01", new_household=True)
    newcomer = api.register(birth=dt.date(1960, 1, 1))

    with nothing_written():
        response = api.post(
            f"/households/{household['id']}/members",
            json={"person_id": newcomer["id"], "relation": "other", "joined_on": "2024-06-01"},
        )

    assert_problem(response, 409, "household_dissolved")


# Removing a member: refusals


def test_the_head_is_not_removed_but_leaves_by_a_move_or_a_change_of_status(
    api: ResidentsApi, family: dict[str, int], nothing_written: Callable[[], Any]
) -> None:
    with nothing_written():
        response = api.post(
            f"/households/{family['household']}/members/{family['head']}/removal",
            json={"left_on": "2025-01-01"},
        )
    assert_problem(response, 409, "head_cannot_be_removed")


def test_removing_someone_who_is_not_a_current_member_is_404(
    api: ResidentsApi, family: dict[str, int], nothing_written: Callable[[], Any]
) -> None:
    stranger = api.register(birth=dt.date(1960, 1, 1))
    with nothing_written():
        not_member = api.post(
            f"/households/{family['household']}/members/{stranger['id']}/removal",
            json={"left_on": "2025-01-01"},
        )
        unknown_household = api.post(
            f"/households/999/members/{family['child']}/removal", json={"left_on": "2025-01-01"}
        )
        unknown_person = api.post(
            f"/households/{family['household']}/members/999/removal",
            json={"left_on": "2025-01-01"},
        )
    assert_problem(not_member, 404, "member_not_found")
    assert_problem(unknown_household, 404, "household_not_found")
    assert_problem(unknown_person, 404, "person_not_found")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param({"left_on": "2026-03-03"}, "date_in_future", id="tomorrow"),
        pytest.param({"left_on": "2019-12-31"}, "date_before_joined", id="before joining"),
        pytest.param({}, "validation_failed", id="no date"),
    ],
)
def test_a_removal_with_a_bad_date_is_refused(
    api: ResidentsApi,
    family: dict[str, int],
    nothing_written: Callable[[], Any],
    body: dict[str, Any],
    code: str,
) -> None:
    with nothing_written():
        response = api.post(
            f"/households/{family['household']}/members/{family['child']}/removal", json=body
        )
    assert_problem(response, 422, code)
