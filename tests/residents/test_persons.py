"""Registering a person: the RRN is validated, agrees with the person, and is kept secret."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from nara.core.pii import PiiCipher
from nara.residents.models import Person
from tests.factories import regional_rrn
from tests.residents.conftest import ResidentsApi, foreign_rrn, hyphenated, person_payload
from tests.support import assert_problem


def test_a_registered_person_is_shown_with_the_rrn_masked(
    api: ResidentsApi, session: Session, cipher: PiiCipher
) -> None:
    rrn = regional_rrn(dt.date(1985, 3, 14), "F")
    payload = person_payload(
        birth=dt.date(1985, 3, 14), sex="F", rrn=hyphenated(rrn), registered_on="1985-04-01"
    )

    response = api.post("/persons", json=payload)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["rrn_masked"] == "850314-2******"
    assert body["rrn_scheme"] == "regional"
    assert body["status"] == "alive"
    assert (body["name_ko"], body["name_en"]) == ("이서연", "Lee Seoyeon")
    stored = session.scalars(select(Person).where(Person.id == body["id"])).one()
    assert cipher.decrypt(stored.rrn_cipher) == rrn
    assert stored.rrn_index == cipher.blind_index(rrn)


def test_the_rrn_may_be_written_without_its_hyphen(api: ResidentsApi) -> None:
    rrn = regional_rrn(dt.date(1990, 1, 1))
    assert api.post("/persons", json=person_payload(rrn=rrn)).status_code == 201


def test_registration_appends_one_change_and_one_event_without_the_clear_rrn(
    api: ResidentsApi, session: Session, events: Callable[[], list[str]]
) -> None:
    rrn = regional_rrn(dt.date(1990, 1, 1))

    person = api.post("/persons", json=person_payload(rrn=rrn)).json()

    assert events() == ["resident.registered"]
    change = session.execute(
        text("SELECT entity, entity_id, action, actor FROM residents_change")
    ).one()
    assert (change.entity, change.entity_id, change.action) == (
        "person",
        person["id"],
        "registered",
    )
    assert change.actor.startswith("token:")
    logged = " ".join(
        str(row[0])
        for row in session.execute(
            text("SELECT data FROM residents_change UNION ALL SELECT payload FROM core_outbox")
        )
    )
    assert rrn not in logged and hyphenated(rrn) not in logged and rrn[6:] not in logged
    assert "900101-1******" in logged


def test_numbers_issued_since_october_2020_have_no_check_digit(api: ResidentsApi) -> None:
    not_a_regional_number = "900101-1000000"

    response = api.post(
        "/persons", json=person_payload(rrn=not_a_regional_number, rrn_issued_on="2021-06-01")
    )

    assert response.status_code == 201, response.text
    assert response.json()["rrn_scheme"] == "random"


def test_a_person_born_since_october_2020_has_a_random_number(api: ResidentsApi) -> None:
    body = api.register(birth=dt.date(2021, 2, 3), sex="F", rrn="210203-4918273")
    assert body["rrn_scheme"] == "random"
    assert body["rrn_masked"] == "210203-4******"


def test_a_foreign_national_is_registered_with_a_foreign_number(api: ResidentsApi) -> None:
    rrn = foreign_rrn(dt.date(1988, 8, 8), "F")
    body = api.register(birth=dt.date(1988, 8, 8), sex="F", rrn=rrn, nationality="VNM")
    assert body["nationality"] == "VNM"
    assert body["rrn_masked"] == "880808-6******"


def test_the_same_number_is_registered_only_once(
    api: ResidentsApi, nothing_written: Callable[[], Any]
) -> None:
    rrn = regional_rrn(dt.date(1990, 1, 1))
    api.register(rrn=rrn)

    with nothing_written():
        response = api.post("/persons", json=person_payload(rrn=hyphenated(rrn)))

    assert_problem(response, 409, "rrn_already_registered")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        pytest.param({"rrn": "90010-11234567"}, "rrn_format", id="misplaced hyphen"),
        pytest.param({"rrn": "90O1011234567"}, "rrn_format", id="a letter"),
        pytest.param({"rrn": "9013011234567"}, "rrn_birth_date", id="no 13th month"),
        pytest.param({"rrn": "9001011234560"}, "rrn_checksum", id="wrong check digit"),
        pytest.param(
            {"rrn": "9001011234560", "rrn_issued_on": "2020-10-04"},
            "rrn_checksum",
            id="issued before random numbers began",
        ),
        pytest.param(
            {"rrn": "9001011000000", "rrn_issued_on": "2026-03-03"},
            "date_in_future",
            id="issued tomorrow",
        ),
        pytest.param({"sex": "F"}, "rrn_sex_mismatch", id="sex disagrees with 7th digit"),
        pytest.param({"birth_date": "1990-01-02"}, "rrn_birth_date_mismatch", id="birth disagrees"),
        pytest.param({"nationality": "XYZ"}, "nationality_unknown", id="not an ISO code"),
        pytest.param(
            {"nationality": "USA"}, "rrn_nationality_mismatch", id="foreigner, citizen number"
        ),
        pytest.param({"registered_on": "2026-03-03"}, "date_in_future", id="registered tomorrow"),
        pytest.param({"registered_on": "1989-12-31"}, "date_before_birth", id="before birth"),
        pytest.param({"name_ko": "Kim Minjun"}, "validation_failed", id="name_ko not Hangul"),
        pytest.param({"name_en": "김민준"}, "validation_failed", id="name_en not romanised"),
        pytest.param({"nationality": "kor"}, "validation_failed", id="nationality lowercase"),
        pytest.param({"sex": "X"}, "validation_failed", id="sex neither M nor F"),
        pytest.param({"birth_date": "1990-02-30"}, "validation_failed", id="no such date"),
        pytest.param({"status": "deceased"}, "validation_failed", id="unknown field"),
    ],
)
def test_a_registration_that_breaks_a_rule_is_refused_and_writes_nothing(
    api: ResidentsApi,
    nothing_written: Callable[[], Any],
    overrides: dict[str, Any],
    code: str,
) -> None:
    payload = person_payload(**{"rrn": "900101-1234568", **overrides})

    with nothing_written():
        response = api.post("/persons", json=payload)

    assert_problem(response, 422, code)


def test_a_foreign_number_needs_a_foreign_nationality(
    api: ResidentsApi, nothing_written: Callable[[], Any]
) -> None:
    payload = person_payload(rrn=foreign_rrn(dt.date(1990, 1, 1)), nationality="KOR")

    with nothing_written():
        response = api.post("/persons", json=payload)

    body = assert_problem(response, 422, "rrn_nationality_mismatch")
    assert body["field"] == "nationality"


def test_a_missing_field_is_named_in_the_problem(
    api: ResidentsApi, nothing_written: Callable[[], Any]
) -> None:
    payload = person_payload()
    del payload["name_en"]

    with nothing_written():
        response = api.post("/persons", json=payload)

    body = assert_problem(response, 422, "validation_failed")
    assert [error["field"] for error in body["errors"]] == ["name_en"]


def test_messages_come_in_korean_when_asked(api: ResidentsApi) -> None:
    response = api.post(
        "/persons",
        json=person_payload(rrn="900101-1234568", sex="F"),
        headers={**api.headers, "Accept-Language": "ko-KR,ko;q=0.9"},
    )
    assert "성별" in assert_problem(response, 422, "rrn_sex_mismatch")["detail"]
