"""Citizens open accounts bound to a resident; officials are created by their agency."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.exchange.usage import ExchangeDataUsage
from nara.identity.models import Account
from nara.residents.models import Person
from tests.factories import make_person, regional_rrn
from tests.identity.conftest import BIRTH, csrf, signin_official, signup
from tests.support import assert_problem, count_rows

WRITES = ("identity_account", "identity_change", "core_outbox")


def _counts(session: Session) -> dict[str, int]:
    return {table: count_rows(session, table) for table in WRITES}


def test_a_citizen_opens_an_account_bound_to_his_resident_record(
    web: TestClient, session: Session, resident: tuple[Person, str]
) -> None:
    person, rrn = resident

    response = signup(web, f"{rrn[:6]}-{rrn[6:]}")

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "citizen"
    assert body["person_id"] == person.id
    assert rrn not in response.text and rrn[6:] not in response.text
    account = session.scalars(select(Account).where(Account.person_id == person.id)).one()
    assert account.rrn_index is not None and rrn.encode() not in account.rrn_index
    assert account.password_hash is not None and account.password_hash.startswith("$argon2id$")
    assert count_rows(session, "identity_change") == 1
    # the register logged the read for the person it found
    assert person.id in session.scalars(select(ExchangeDataUsage.person_id)).all()


def test_identity_mismatch_does_not_say_which_field_differed(
    web: TestClient, session: Session, resident: tuple[Person, str]
) -> None:
    _, rrn = resident
    before = _counts(session)
    wrong_name = signup(web, rrn, name_ko="박지수")
    wrong_birth = signup(web, rrn, birth_date="1990-04-06")
    unknown = signup(web, regional_rrn(BIRTH, "F"))

    bodies = [
        assert_problem(r, 422, "identity_mismatch") for r in (wrong_name, wrong_birth, unknown)
    ]
    assert len({b["detail"] for b in bodies}) == 1
    assert _counts(session) == before


def test_a_person_not_alive_cannot_open_an_account(
    web: TestClient, session: Session, cipher: PiiCipher
) -> None:
    rrn = regional_rrn(BIRTH, "M")
    make_person(session, cipher, name_ko="박지민", birth=BIRTH, rrn=rrn, status="deceased")
    session.commit()

    assert_problem(signup(web, rrn), 409, "person_not_alive")


def test_one_account_per_person(web: TestClient, citizen: str, session: Session) -> None:
    before = _counts(session)
    assert_problem(signup(web, citizen, password="another good one"), 409, "account_exists")
    assert _counts(session) == before


def test_weak_passwords_are_refused(web: TestClient, resident: tuple[Person, str]) -> None:
    _, rrn = resident
    for weak in ("short1!", "12345678901", "jimin19900405!", "pw900405secret"):
        body = assert_problem(signup(web, rrn, password=weak), 422, "password_weak")
        assert body["field"] == "password"


def test_a_malformed_rrn_is_refused(web: TestClient, resident: tuple[Person, str]) -> None:
    response = signup(web, "9004052123450")
    assert response.status_code == 422
    assert response.json()["code"] != "identity_mismatch"


def test_an_administrator_creates_officials_of_his_agency_only(
    web: TestClient,
    session: Session,
    clock: FixedClock,
    make_official: Callable[..., tuple[Account, str]],
) -> None:
    _, secret = make_official("land.admin", roles=("admin",))
    signed = signin_official(web, "land.admin", secret, clock)
    new = {
        "agency": "land",
        "login": "land.lee",
        "display_name": "이공무",
        "roles": ["clerk"],
        "password": "a long enough secret",
    }

    created = web.post("/api/identity/officials", json=new, headers=csrf(signed))
    elsewhere = web.post(
        "/api/identity/officials", json={**new, "agency": "vehicles"}, headers=csrf(signed)
    )
    unknown_role = web.post(
        "/api/identity/officials",
        json={**new, "login": "land.park", "roles": ["overlord"]},
        headers=csrf(signed),
    )
    taken = web.post("/api/identity/officials", json=new, headers=csrf(signed))

    assert created.status_code == 201, created.text
    assert created.json()["account"]["permissions"] == [
        "land:applications:decide",
        "land:applications:read",
    ]
    assert created.json()["totp_provisioning_uri"].startswith("otpauth://totp/")
    assert_problem(elsewhere, 403, "permission_missing")
    assert_problem(unknown_role, 422, "role_unknown")
    assert_problem(taken, 409, "account_exists")


def test_a_clerk_may_not_create_officials(
    web: TestClient, clock: FixedClock, make_official: Callable[..., tuple[Account, str]]
) -> None:
    _, secret = make_official("land.kim")
    signed = signin_official(web, "land.kim", secret, clock)
    response = web.post(
        "/api/identity/officials",
        json={
            "agency": "land",
            "login": "land.choi",
            "display_name": "최",
            "roles": ["clerk"],
            "password": "a long enough secret",
        },
        headers=csrf(signed),
    )
    assert_problem(response, 403, "permission_missing")
