"""Death and emigration: only a living person changes status, and their household adapts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from nara.core.pii import PiiCipher
from tests.factories import make_person
from tests.residents.conftest import ResidentsApi
from tests.support import assert_problem


@pytest.mark.parametrize("status", ["deceased", "emigrated"])
def test_a_living_person_dies_or_emigrates_on_a_date(
    api: ResidentsApi, status: str, events: Callable[[], list[str]]
) -> None:
    person = api.register()

    response = api.post(
        f"/persons/{person['id']}/status", json={"status": status, "on": "2025-11-30"}
    )

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["status_on"]) == (status, "2025-11-30")
    assert api.get(f"/persons/{person['id']}").json()["status"] == status
    assert events()[-1] == "resident.status_changed"


def test_a_member_who_dies_leaves_the_household_and_the_address(
    api: ResidentsApi, family: dict[str, int]
) -> None:
    api.post(f"/persons/{family['spouse']}/status", json={"status": "deceased", "on": "2025-11-30"})

    members = api.get(f"/households/{family['household']}/members").json()["members"]
    assert family["spouse"] not in [m["person_id"] for m in members]
    history = api.get(f"/persons/{family['spouse']}/residences").json()["residences"]
    assert history[-1]["moved_out"] == "2025-11-30"


def test_when_the_head_dies_a_remaining_member_becomes_head(
    api: ResidentsApi, family: dict[str, int]
) -> None:
    response = api.post(
        f"/persons/{family['head']}/status",
        json={"status": "deceased", "on": "2025-11-30", "new_head_person_id": family["spouse"]},
    )

    assert response.status_code == 200, response.text
    household = api.get(f"/households/{family['household']}").json()
    assert household["head_person_id"] == family["spouse"]


def test_a_head_living_alone_who_emigrates_dissolves_the_household(api: ResidentsApi) -> None:
    person = api.register()
    household = api.form_household(person["id"])

    api.post(f"/persons/{person['id']}/status", json={"status": "emigrated", "on": "2025-01-10"})

    assert api.get(f"/households/{household['id']}").json()["dissolved_on"] == "2025-01-10"


# Refusals


@pytest.mark.parametrize("recorded", ["deceased", "emigrated"])
@pytest.mark.parametrize("asked", ["deceased", "emigrated"])
def test_nothing_changes_the_status_of_a_person_who_is_not_alive(
    *,
    api: ResidentsApi,
    session: Session,
    cipher: PiiCipher,
    nothing_written: Callable[[], Any],
    recorded: str,
    asked: str,
) -> None:
    person = make_person(session, cipher, status=recorded)

    with nothing_written():
        response = api.post(
            f"/persons/{person.id}/status", json={"status": asked, "on": "2025-01-01"}
        )

    body = assert_problem(response, 409, "person_not_alive")
    assert body["person_status"] == recorded


def test_the_head_cannot_die_leaving_members_without_a_head(
    api: ResidentsApi, family: dict[str, int], nothing_written: Callable[[], Any]
) -> None:
    with nothing_written():
        response = api.post(
            f"/persons/{family['head']}/status", json={"status": "deceased", "on": "2025-11-30"}
        )
    assert_problem(response, 409, "head_leaves_members")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param({"status": "deceased", "on": "2026-03-03"}, "date_in_future", id="tomorrow"),
        pytest.param(
            {"status": "deceased", "on": "1989-12-31"}, "date_before_registration", id="unborn"
        ),
        pytest.param(
            {"status": "emigrated", "on": "2019-12-31"},
            "date_before_current_residence",
            id="before moving in",
        ),
        pytest.param({"status": "alive", "on": "2025-01-01"}, "validation_failed", id="alive"),
        pytest.param({"status": "missing", "on": "2025-01-01"}, "validation_failed", id="status"),
        pytest.param({"status": "deceased"}, "validation_failed", id="no date"),
    ],
)
def test_a_status_change_with_a_bad_status_or_date_is_refused(
    api: ResidentsApi,
    family: dict[str, int],
    nothing_written: Callable[[], Any],
    body: dict[str, Any],
    code: str,
) -> None:
    with nothing_written():
        response = api.post(f"/persons/{family['child']}/status", json=body)
    assert_problem(response, 422, code)


def test_the_status_of_an_unknown_person_is_404(
    api: ResidentsApi, nothing_written: Callable[[], Any]
) -> None:
    with nothing_written():
        response = api.post("/persons/999/status", json={"status": "deceased", "on": "2025-01-01"})
    assert_problem(response, 404, "person_not_found")
