"""The birth report's bundled applications (행복출산): each benefit decided by rule, once per
step key; a child unknown or not living, or an applicant who is not a parent, refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from nara.core.errors import Conflict, Invalid, NotFound
from tests.support import count_rows
from tests.welfare.conftest import by_kind

Person = Callable[..., int]
Born = Callable[..., int]
Bundle = Callable[..., dict[str, Any]]
Unchanged = Callable[[], Callable[[], None]]


def test_a_newborn_s_mother_is_granted_the_allowances_and_the_voucher(
    person: Person, born: Born, bundle: Bundle, session: Session
) -> None:
    mother, father = person("1992-04-01", "F"), person("1990-06-01", "M")
    child = born("2026-02-10", mother=mother, father=father)

    answer = bundle(child, mother, step_key="birth:7:welfare")

    assert answer["child_person_id"] == child
    assert answer["applicant_person_id"] == mother
    assert answer["repeated"] is False
    decisions = by_kind(answer)
    parent = decisions["parent_allowance"]
    assert (parent["decision"], parent["reason_code"]) == ("granted", "eligible")
    assert (parent["monthly_amount"], parent["lump_sum"]) == (1_000_000, None)
    assert (parent["starts_on"], parent["ends_on"]) == ("2026-02-10", "2028-02-10")
    assert [(p["monthly_amount"], p["starts_on"]) for p in parent["periods"]] == [
        (1_000_000, "2026-02-10"),
        (500_000, "2027-02-10"),
    ]
    assert parent["reason_en"] and parent["reason_ko"]
    child_allowance = decisions["child_allowance"]
    assert child_allowance["decision"] == "granted"
    assert child_allowance["monthly_amount"] == 100_000
    assert child_allowance["ends_on"] == "2034-02-10"
    childcare = decisions["childcare_allowance"]
    assert (childcare["decision"], childcare["reason_code"]) == ("deferred", "starts_at_24_months")
    assert (childcare["starts_on"], childcare["monthly_amount"]) == ("2028-02-10", 100_000)
    voucher = decisions["first_meeting_voucher"]
    assert (voucher["decision"], voucher["lump_sum"]) == ("granted", 2_000_000)
    assert voucher["starts_on"] == "2026-03-02"

    assert count_rows(session, "welfare_application") == 4
    benefits = session.execute(
        text(
            "SELECT kind, recipient_person_id, beneficiary_person_id, monthly_amount, lump_sum, "
            "status FROM welfare_benefit ORDER BY id"
        )
    ).all()
    assert [tuple(b) for b in benefits] == [
        ("parent_allowance", mother, child, 1_000_000, None, "active"),
        ("parent_allowance", mother, child, 500_000, None, "active"),
        ("child_allowance", mother, child, 100_000, None, "active"),
        ("first_meeting_voucher", mother, child, None, 2_000_000, "active"),
    ]
    step = session.execute(text("SELECT step_key, case_reference FROM welfare_application")).first()
    assert step is not None and tuple(step) == ("birth:7:welfare", "case-1")
    events = [e for (e,) in session.execute(text("SELECT event_type FROM core_outbox"))]
    assert events.count("welfare.application_decided") == 4
    assert events.count("welfare.benefit_started") == 4
    assert count_rows(session, "welfare_change") == 8


def test_a_second_child_of_the_mother_gets_the_larger_voucher(
    person: Person, born: Born, bundle: Bundle
) -> None:
    mother = person("1988-01-01", "F")
    born("2023-05-01", mother=mother)
    child = born("2026-02-10", mother=mother)

    voucher = by_kind(bundle(child, mother, benefits=["first_meeting_voucher"]))

    assert list(voucher) == ["first_meeting_voucher"]
    assert voucher["first_meeting_voucher"]["lump_sum"] == 3_000_000


def test_the_father_applying_counts_the_mother_s_children(
    person: Person, born: Born, bundle: Bundle
) -> None:
    mother, father = person("1988-01-01", "F"), person("1987-01-01", "M")
    born("2024-03-01", mother=mother)  # the mother's first child, of another father
    child = born("2026-02-10", mother=mother, father=father)

    answer = bundle(child, father, benefits=["first_meeting_voucher"])

    assert by_kind(answer)["first_meeting_voucher"]["lump_sum"] == 3_000_000


def test_a_late_application_is_paid_from_its_month_and_misses_the_voucher(
    person: Person, born: Born, bundle: Bundle
) -> None:
    mother = person("1990-01-01", "F")
    child = born("2024-12-01", mother=mother)

    decisions = by_kind(bundle(child, mother))

    parent = decisions["parent_allowance"]
    assert (parent["starts_on"], parent["ends_on"]) == ("2026-03-01", "2026-12-01")
    assert parent["monthly_amount"] == 500_000
    assert decisions["child_allowance"]["starts_on"] == "2026-03-01"
    assert decisions["childcare_allowance"]["decision"] == "deferred"
    voucher = decisions["first_meeting_voucher"]
    assert (voucher["decision"], voucher["reason_code"]) == ("refused", "application_late")


def test_an_older_child_gets_the_child_and_childcare_allowances_only(
    person: Person, born: Born, bundle: Bundle, session: Session
) -> None:
    mother = person("1985-01-01", "F")
    child = born("2020-01-15", mother=mother)

    decisions = by_kind(bundle(child, mother))

    assert decisions["parent_allowance"]["reason_code"] == "beyond_age"
    assert decisions["child_allowance"]["ends_on"] == "2028-01-15"
    childcare = decisions["childcare_allowance"]
    assert (childcare["decision"], childcare["ends_on"]) == ("granted", "2027-03-15")
    assert decisions["first_meeting_voucher"]["decision"] == "refused"
    assert count_rows(session, "welfare_benefit") == 2


def test_the_same_step_key_twice_decides_once(
    person: Person, born: Born, bundle: Bundle, session: Session
) -> None:
    mother = person("1992-04-01", "F")
    child = born(mother=mother)
    first = bundle(child, mother, step_key="birth:9:welfare")
    rows = {table: count_rows(session, table) for table in ("welfare_application", "core_outbox")}

    again = bundle(child, mother, step_key="birth:9:welfare")

    assert again["repeated"] is True
    assert again["decisions"] == first["decisions"]
    assert {t: count_rows(session, t) for t in rows} == rows


def test_a_second_application_for_the_same_child_is_refused_as_already_granted(
    person: Person, born: Born, bundle: Bundle
) -> None:
    mother, father = person("1992-04-01", "F"), person("1990-06-01", "M")
    child = born(mother=mother, father=father)
    bundle(child, mother)

    decisions = by_kind(bundle(child, father))

    for kind in ("parent_allowance", "child_allowance", "first_meeting_voucher"):
        assert (decisions[kind]["decision"], decisions[kind]["reason_code"]) == (
            "refused",
            "already_granted",
        )
    assert decisions["childcare_allowance"]["decision"] == "deferred"


def test_an_applicant_who_is_not_the_child_s_parent_is_refused(
    person: Person, born: Born, bundle: Bundle, unchanged: Unchanged
) -> None:
    mother, neighbour = person("1992-04-01", "F"), person("1970-01-01", "F")
    child = born(mother=mother)
    check = unchanged()

    with pytest.raises(Conflict) as refused:
        bundle(child, neighbour)

    assert refused.value.code == "applicant_not_parent"
    check()


def test_an_unknown_child_is_refused(person: Person, bundle: Bundle, unchanged: Unchanged) -> None:
    mother = person("1992-04-01", "F")
    check = unchanged()

    with pytest.raises(NotFound) as refused:
        bundle(999_999, mother)

    assert refused.value.code == "person_unknown"
    check()


def test_a_deceased_child_is_refused(
    person: Person, born: Born, bundle: Bundle, session: Session, unchanged: Unchanged
) -> None:
    mother = person("1992-04-01", "F")
    child = born(mother=mother)
    session.execute(
        text("UPDATE residents_person SET status = 'deceased' WHERE id = :id"), {"id": child}
    )
    check = unchanged()

    with pytest.raises(Conflict) as refused:
        bundle(child, mother)

    assert refused.value.code == "child_not_alive"
    check()


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"benefits": ["basic_pension"]}, "params_invalid"),
        ({"benefits": []}, "params_invalid"),
        ({"benefits": "parent_allowance"}, "params_invalid"),
        ({"step_key": ""}, "step_key_invalid"),
        ({"step_key": None}, "step_key_invalid"),
    ],
)
def test_bad_input_is_refused(
    *,
    person: Person,
    born: Born,
    bundle: Bundle,
    unchanged: Unchanged,
    params: dict[str, Any],
    code: str,
) -> None:
    mother = person("1992-04-01", "F")
    child = born(mother=mother)
    check = unchanged()

    with pytest.raises(Invalid) as refused:
        bundle(child, mother, wire=True, **params)

    assert refused.value.code == code
    check()
