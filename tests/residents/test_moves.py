"""Moves: the old residence and membership close on the move date, the new ones open on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from tests.factories import make_person
from tests.residents.conftest import BUSAN, SEONGNAM, SEOUL, ResidentsApi
from tests.support import assert_problem


def test_a_member_moves_out_to_form_a_household_of_their_own(
    api: ResidentsApi, family: dict[str, int], events: Callable[[], list[str]]
) -> None:
    moved = api.move(family["spouse"], address=BUSAN, moved_on="2025-05-01", new_household=True)

    assert moved["household_formed"] is True
    assert moved["left_household_id"] == family["household"]
    assert moved["left_household_dissolved"] is False
    assert moved["residence"]["moved_in"] == "2025-05-01"
    assert moved["residence"]["address"]["sigungu_code"] == "26350"
    new_household = api.get(f"/households/{moved['household_id']}").json()
    assert new_household["head_person_id"] == family["spouse"]
    history = api.get(f"/persons/{family['spouse']}/residences").json()["residences"]
    assert [(r["address"]["sigungu_code"], r["moved_in"], r["moved_out"]) for r in history] == [
        ("11680", "2020-01-01", "2025-05-01"),
        ("26350", "2025-05-01", None),
    ]
    left = api.get(f"/households/{family['household']}/members").json()["members"]
    assert [m["person_id"] for m in left] == [family["head"], family["child"]]
    assert events()[-1] == "resident.moved"


def test_a_person_moves_in_to_join_a_household_at_its_address(
    api: ResidentsApi, family: dict[str, int]
) -> None:
    grandmother = api.register(birth=dt.date(1955, 3, 3), sex="F")
    api.form_household(grandmother["id"], BUSAN, "2000-01-01")

    moved = api.move(
        grandmother["id"],
        address=SEOUL,
        moved_on="2025-02-01",
        join_household_id=family["household"],
        relation="parent",
    )

    assert moved["household_id"] == family["household"]
    assert moved["household_formed"] is False
    assert moved["left_household_dissolved"] is True
    members = api.get(f"/households/{family['household']}/members").json()["members"]
    assert members[-1]["person_id"] == grandmother["id"]
    assert members[-1]["relation"] == "parent"
    old = api.get(f"/households/{moved['left_household_id']}").json()
    assert (old["dissolved_on"], old["members"]) == ("2025-02-01", [])


def test_a_person_in_no_household_may_move_in(api: ResidentsApi) -> None:
    person = api.register()

    moved = api.move(person["id"], address=SEONGNAM, moved_on="2024-01-01", new_household=True)

    assert moved["left_household_id"] is None
    assert moved["residence"]["address"]["label_en"] == (
        "166-2 판교역로, Seongnam-si Bundang-gu, Gyeonggi-do 13529"
    )


def test_the_head_leaving_a_household_with_members_names_its_new_head(
    api: ResidentsApi, family: dict[str, int]
) -> None:
    moved = api.move(
        family["head"],
        address=BUSAN,
        moved_on="2025-05-01",
        new_household=True,
        new_head_person_id=family["spouse"],
    )

    assert moved["new_head_person_id"] == family["spouse"]
    household = api.get(f"/households/{family['household']}").json()
    assert household["head_person_id"] == family["spouse"]
    assert [(m["person_id"], m["relation"]) for m in household["members"]] == [
        (family["child"], "child"),
        (family["spouse"], "head"),
    ]
    before = api.get(
        f"/households/{family['household']}/members", params={"on": "2025-04-30"}
    ).json()["members"]
    assert [(m["person_id"], m["relation"]) for m in before] == [
        (family["head"], "head"),
        (family["spouse"], "spouse"),
        (family["child"], "child"),
    ]


def test_the_last_member_to_move_out_dissolves_the_household(api: ResidentsApi) -> None:
    person = api.register()
    household = api.form_household(person["id"], SEOUL, "2020-01-01")

    moved = api.move(person["id"], address=BUSAN, moved_on="2024-01-01", new_household=True)

    assert moved["left_household_dissolved"] is True
    assert api.get(f"/households/{household['id']}").json()["dissolved_on"] == "2024-01-01"


def test_a_move_may_be_reported_on_the_day_of_the_move(
    api: ResidentsApi, family: dict[str, int], clock: FixedClock
) -> None:
    clock.advance(dt.timedelta(hours=14))  # 23:00 in Seoul, still 2 March 2026
    moved = api.move(family["spouse"], address=BUSAN, moved_on="2026-03-02", new_household=True)
    assert moved["residence"]["reported_on"] == "2026-03-02"


def test_a_move_records_one_change_with_both_households(
    api: ResidentsApi, family: dict[str, int], session: Session
) -> None:
    changes_before = session.execute(text("SELECT count(*) FROM residents_change")).scalar_one()

    moved = api.move(family["child"], address=BUSAN, moved_on="2025-05-01", new_household=True)

    rows = session.execute(
        text("SELECT entity, entity_id, action FROM residents_change ORDER BY id")
    ).all()
    assert len(rows) == changes_before + 1
    assert tuple(rows[-1]) == ("person", family["child"], "moved")
    event = session.execute(
        text("SELECT event_type, subject_id FROM core_outbox ORDER BY id DESC LIMIT 1")
    ).one()
    assert tuple(event) == ("resident.moved", str(family["child"]))
    assert moved["left_household_id"] == family["household"]


# Refusals


def _move(api: ResidentsApi, person_id: int, **payload: Any) -> Any:
    return api.post(f"/persons/{person_id}/moves", json=payload)


def test_the_head_cannot_leave_members_without_a_head(
    api: ResidentsApi, family: dict[str, int], nothing_written: Callable[[], Any]
) -> None:
    with nothing_written():
        response = _move(
            api, family["head"], address=BUSAN, moved_on="2025-05-01", new_household=True
        )
    body = assert_problem(response, 409, "head_leaves_members")
    assert body["members"] == [family["spouse"], family["child"]]


def test_the_new_head_must_be_a_remaining_member(
    api: ResidentsApi, family: dict[str, int], nothing_written: Callable[[], Any]
) -> None:
    stranger = api.register(birth=dt.date(1970, 1, 1))
    with nothing_written():
        response = _move(
            api,
            family["head"],
            address=BUSAN,
            moved_on="2025-05-01",
            new_household=True,
            new_head_person_id=stranger["id"],
        )
    assert_problem(response, 409, "new_head_not_member")


def test_a_new_head_is_named_only_when_the_head_leaves_members(
    api: ResidentsApi, family: dict[str, int], nothing_written: Callable[[], Any]
) -> None:
    with nothing_written():
        response = _move(
            api,
            family["spouse"],
            address=BUSAN,
            moved_on="2025-05-01",
            new_household=True,
            new_head_person_id=family["child"],
        )
    assert_problem(response, 422, "new_head_not_needed")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        pytest.param({"moved_on": "2026-03-03"}, "date_in_future", id="tomorrow"),
        pytest.param(
            {"moved_on": "2019-12-31"}, "date_before_current_residence", id="before moving in"
        ),
        pytest.param({"new_household": False}, "move_destination", id="no destination"),
        pytest.param({"join_household_id": 1}, "move_destination", id="two destinations"),
        pytest.param({"relation": "spouse"}, "relation_unexpected", id="relation of a new head"),
        pytest.param({"address": {**BUSAN, "postcode": "06236"}}, "validation_failed", id="zip"),
        pytest.param({"moved_on": None}, "validation_failed", id="no date"),
    ],
)
def test_a_move_with_a_bad_date_or_destination_is_refused(
    api: ResidentsApi,
    family: dict[str, int],
    nothing_written: Callable[[], Any],
    change: dict[str, Any],
    code: str,
) -> None:
    payload = {"address": BUSAN, "moved_on": "2025-05-01", "new_household": True}
    with nothing_written():
        response = _move(api, family["spouse"], **{**payload, **change})
    assert_problem(response, 422, code)


def test_the_move_date_is_checked_against_the_clock_in_korea(
    api: ResidentsApi,
    family: dict[str, int],
    clock: FixedClock,
    nothing_written: Callable[[], Any],
) -> None:
    clock.advance(dt.timedelta(hours=14, minutes=59))  # 23:59 on 2 March in Seoul
    with nothing_written():
        response = _move(
            api, family["spouse"], address=BUSAN, moved_on="2026-03-03", new_household=True
        )
    assert_problem(response, 422, "date_in_future")


def test_joining_needs_a_relation_to_the_head(
    api: ResidentsApi, family: dict[str, int], nothing_written: Callable[[], Any]
) -> None:
    person = api.register(birth=dt.date(1960, 1, 1))
    with nothing_written():
        response = _move(
            api,
            person["id"],
            address=SEOUL,
            moved_on="2025-05-01",
            join_household_id=family["household"],
        )
    assert_problem(response, 422, "relation_required")


def test_a_household_is_joined_at_the_address_where_it_lives(
    api: ResidentsApi, family: dict[str, int], nothing_written: Callable[[], Any]
) -> None:
    person = api.register(birth=dt.date(1960, 1, 1))
    with nothing_written():
        response = _move(
            api,
            person["id"],
            address=BUSAN,
            moved_on="2025-05-01",
            join_household_id=family["household"],
            relation="parent",
        )
    assert_problem(response, 409, "household_address_mismatch")


def test_joining_ones_own_household_is_a_conflict(
    api: ResidentsApi, family: dict[str, int], nothing_written: Callable[[], Any]
) -> None:
    with nothing_written():
        response = _move(
            api,
            family["child"],
            address=SEOUL,
            moved_on="2025-05-01",
            join_household_id=family["household"],
            relation="child",
        )
    assert_problem(response, 409, "already_in_household")


def test_nobody_moves_into_a_dissolved_household(
    api: ResidentsApi, nothing_written: Callable[[], Any]
) -> None:
    first = api.register()
    household = api.form_household(first["id"], SEOUL, "2020-01-01")
    api.move(first["id"], address=BUSAN, moved_on="2024-01-01", new_household=True)
    second = api.register(birth=dt.date(1960, 1, 1))
    with nothing_written():
        response = _move(
            api,
            second["id"],
            address=SEOUL,
            moved_on="2025-01-01",
            join_household_id=household["id"],
            relation="other",
        )
    assert_problem(response, 409, "household_dissolved")


def test_joining_a_household_before_it_was_formed_is_refused(
    api: ResidentsApi, nothing_written: Callable[[], Any]
) -> None:
    head = api.register()
    household = api.form_household(head["id"], SEOUL, "2024-01-01")
    newcomer = api.register(birth=dt.date(1960, 1, 1))
    with nothing_written():
        response = _move(
            api,
            newcomer["id"],
            address=SEOUL,
            moved_on="2023-12-31",
            join_household_id=household["id"],
            relation="parent",
        )
    assert_problem(response, 422, "date_before_household_formed")


def test_moves_of_unknown_persons_or_into_unknown_households_are_404(
    api: ResidentsApi, family: dict[str, int], nothing_written: Callable[[], Any]
) -> None:
    with nothing_written():
        unknown_person = _move(api, 999, address=BUSAN, moved_on="2025-05-01", new_household=True)
        unknown_household = _move(
            api,
            family["spouse"],
            address=BUSAN,
            moved_on="2025-05-01",
            join_household_id=999,
            relation="other",
        )
    assert_problem(unknown_person, 404, "person_not_found")
    assert_problem(unknown_household, 404, "household_not_found")


def test_a_person_who_is_not_alive_does_not_move(
    api: ResidentsApi,
    session: Session,
    cipher: PiiCipher,
    nothing_written: Callable[[], Any],
) -> None:
    emigrant = make_person(session, cipher, status="emigrated")
    with nothing_written():
        response = _move(api, emigrant.id, address=BUSAN, moved_on="2025-05-01", new_household=True)
    assert_problem(response, 409, "person_not_alive")
