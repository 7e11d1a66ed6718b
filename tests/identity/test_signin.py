"""Sign-in by password and TOTP, lockout, rate limit, sessions, CSRF, the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.identity import credentials
from nara.identity.models import Account, AuditEntry
from tests.identity.conftest import (
    PASSWORD,
    code_now,
    csrf,
    signin,
    signin_official,
)
from tests.support import assert_problem


def _events(session: Session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEntry.event).order_by(AuditEntry.id)))


def test_a_citizen_signs_in_with_his_rrn_and_password(
    web: TestClient, citizen: str, session: Session
) -> None:
    response = signin(web, f"{citizen[:6]}-{citizen[6:]}")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "signed_in" and body["method"] == "password"
    assert body["csrf_token"]
    assert "nara_session" in response.cookies
    me = web.get("/api/identity/me")
    assert me.status_code == 200 and me.json()["kind"] == "citizen"
    assert "signin_succeeded" in _events(session)


def test_wrong_password_and_unknown_login_are_refused_alike_and_audited(
    web: TestClient, citizen: str, session: Session
) -> None:
    wrong = signin(web, citizen, "not the password")
    unknown = signin(web, "nobody.here")

    assert_problem(wrong, 401, "invalid_credentials")
    assert_problem(unknown, 401, "invalid_credentials")
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert _events(session).count("signin_failed") == 2  # kept although the requests failed
    assert_problem(web.get("/api/identity/me"), 401, "signin_required")


def test_failures_in_a_row_lock_the_account_for_a_while(
    web: TestClient, citizen: str, session: Session, clock: FixedClock
) -> None:
    for _ in range(4):
        assert_problem(signin(web, citizen, "wrong wrong wrong"), 401, "invalid_credentials")
    locked = assert_problem(signin(web, citizen, "wrong wrong wrong"), 423, "account_locked")
    assert locked["locked_until"]
    assert_problem(signin(web, citizen), 423, "account_locked")  # even the right password
    assert "account_locked" in _events(session)

    clock.advance(dt.timedelta(minutes=15, seconds=1))
    assert signin(web, citizen).status_code == 200


def test_a_success_resets_the_count_of_failures(
    web: TestClient, citizen: str, session: Session
) -> None:
    for _ in range(4):
        signin(web, citizen, "wrong wrong wrong")
    assert signin(web, citizen).status_code == 200
    assert_problem(signin(web, citizen, "wrong wrong wrong"), 401, "invalid_credentials")


def test_attempts_per_address_are_rate_limited(app: FastAPI, web: TestClient, citizen: str) -> None:
    app.state.settings = app.state.settings.model_copy(update={"identity_signin_rate": "3/minute"})
    for _ in range(3):
        assert signin(web, "nobody.here").status_code == 401
    assert_problem(signin(web, citizen), 429, "too_many_attempts")


def test_an_official_signs_in_with_password_and_totp(
    web: TestClient,
    clock: FixedClock,
    session: Session,
    make_official: Callable[..., tuple[Account, str]],
) -> None:
    account, secret = make_official("land.kim")

    first = signin(web, "land.kim")
    assert first.status_code == 200 and first.json()["status"] == "totp_required"
    assert "nara_session" not in first.cookies
    assert_problem(web.get("/api/identity/me"), 401, "signin_required")
    second = web.post(
        "/api/identity/signin/totp",
        json={"pending": first.json()["pending"], "code": code_now(secret, clock)},
    )

    assert second.status_code == 200, second.text
    assert second.json()["method"] == "password_totp"
    assert web.get("/api/identity/me").json()["login"] == "land.kim"
    session.expire_all()
    assert session.get_one(Account, account.id).totp_confirmed_at is not None


def test_a_wrong_or_replayed_code_is_refused(
    web: TestClient, clock: FixedClock, make_official: Callable[..., tuple[Account, str]]
) -> None:
    _, secret = make_official("land.kim")
    pending = signin(web, "land.kim").json()["pending"]
    wrong = "000000" if code_now(secret, clock) != "000000" else "111111"
    assert_problem(
        web.post("/api/identity/signin/totp", json={"pending": pending, "code": wrong}),
        401,
        "totp_invalid",
    )
    code = code_now(secret, clock)
    ok = web.post("/api/identity/signin/totp", json={"pending": pending, "code": code})
    assert ok.status_code == 200, ok.text

    again = signin(web, "land.kim").json()["pending"]
    replay = web.post("/api/identity/signin/totp", json={"pending": again, "code": code})
    earlier = web.post(
        "/api/identity/signin/totp",
        json={"pending": again, "code": code_now(secret, clock, -1)},
    )
    assert_problem(replay, 401, "totp_invalid")
    assert_problem(earlier, 401, "totp_invalid")
    clock.advance(dt.timedelta(seconds=30))
    fresh = web.post(
        "/api/identity/signin/totp", json={"pending": again, "code": code_now(secret, clock)}
    )
    assert fresh.status_code == 200, fresh.text


def test_a_code_one_step_away_is_accepted(
    web: TestClient, clock: FixedClock, make_official: Callable[..., tuple[Account, str]]
) -> None:
    _, secret = make_official("land.kim")
    pending = signin(web, "land.kim").json()["pending"]
    late = web.post(
        "/api/identity/signin/totp",
        json={"pending": pending, "code": code_now(secret, clock, +1)},
    )
    assert late.status_code == 200, late.text


def test_a_pending_step_expires_after_five_minutes(
    web: TestClient, clock: FixedClock, make_official: Callable[..., tuple[Account, str]]
) -> None:
    _, secret = make_official("land.kim")
    pending = signin(web, "land.kim").json()["pending"]
    clock.advance(dt.timedelta(minutes=5))
    response = web.post(
        "/api/identity/signin/totp", json={"pending": pending, "code": code_now(secret, clock)}
    )
    assert_problem(response, 401, "signin_expired")


def test_an_official_without_a_second_factor_is_refused(
    web: TestClient, session: Session, make_official: Callable[..., tuple[Account, str]]
) -> None:
    account, _ = make_official("land.kim")
    session.get_one(Account, account.id).totp_secret = None
    session.commit()

    assert_problem(signin(web, "land.kim"), 403, "second_factor_required")


def test_a_citizen_with_totp_needs_his_code(
    web: TestClient, citizen: str, clock: FixedClock, cipher: object, session: Session
) -> None:
    signed = signin(web, citizen)
    enrol = web.post("/api/identity/totp", headers=csrf(signed))
    assert enrol.status_code == 201, enrol.text
    account = session.scalars(select(Account).where(Account.kind == "citizen")).one()
    session.refresh(account)
    secret = credentials.open_totp_secret(web.app.state.cipher, account.totp_secret or b"")  # type: ignore[attr-defined]
    assert secret in enrol.json()["provisioning_uri"]
    # not yet confirmed: password alone still signs in
    assert signin(web, citizen).json()["status"] == "signed_in"
    signed = signin(web, citizen)
    confirm = web.post(
        "/api/identity/totp/confirm",
        json={"code": code_now(secret, clock)},
        headers=csrf(signed),
    )
    assert confirm.status_code == 200, confirm.text
    clock.advance(dt.timedelta(seconds=30))
    assert signin(web, citizen).json()["status"] == "totp_required"


def test_sessions_end_when_idle_or_too_old(
    web: TestClient, citizen: str, clock: FixedClock
) -> None:
    signin(web, citizen)
    clock.advance(dt.timedelta(minutes=29))
    assert web.get("/api/identity/me").status_code == 200
    clock.advance(dt.timedelta(minutes=31))
    assert_problem(web.get("/api/identity/me"), 401, "session_expired")

    signin(web, citizen)
    for _ in range(12 * 3):  # used every 20 minutes, it still ends after 12 hours
        clock.advance(dt.timedelta(minutes=20))
        if web.get("/api/identity/me").status_code != 200:
            break
    assert_problem(web.get("/api/identity/me"), 401, "session_expired")


def test_sessions_are_listed_and_revoked(app: FastAPI, citizen: str, session: Session) -> None:
    phone, laptop = TestClient(app), TestClient(app)
    on_phone = signin(phone, citizen)
    on_laptop = signin(laptop, citizen)

    listed = laptop.get("/api/identity/sessions").json()
    assert [s["current"] for s in listed] == [False, True]
    revoked = laptop.post(
        f"/api/identity/sessions/{listed[0]['id']}/revoke", headers=csrf(on_laptop)
    )
    assert revoked.status_code == 200, revoked.text
    assert_problem(phone.get("/api/identity/me"), 401, "session_expired")
    assert laptop.get("/api/identity/me").status_code == 200
    assert_problem(
        laptop.post("/api/identity/sessions/999999/revoke", headers=csrf(on_laptop)),
        404,
        "session_unknown",
    )
    assert on_phone.status_code == 200

    all_gone = laptop.post("/api/identity/sessions/revoke-all", headers=csrf(on_laptop))
    assert all_gone.json() == {"revoked": 1}
    assert_problem(laptop.get("/api/identity/me"), 401, "session_expired")
    assert "session_revoked" in _events(session)


def test_sign_out_ends_the_session(web: TestClient, citizen: str, session: Session) -> None:
    signed = signin(web, citizen)
    token = web.cookies.get("nara_session")
    response = web.post("/api/identity/signout", headers=csrf(signed))
    assert response.status_code == 204
    web.cookies.set("nara_session", token or "")
    assert_problem(web.get("/api/identity/me"), 401, "session_expired")
    assert "signout" in _events(session)


def test_unsafe_requests_need_the_sessions_csrf_token(
    app: FastAPI, web: TestClient, citizen: str
) -> None:
    signed = signin(web, citizen)
    other = signin(TestClient(app), citizen)

    assert_problem(web.post("/api/identity/signout"), 403, "csrf_missing")
    assert_problem(web.post("/api/identity/signout", headers=csrf(other)), 403, "csrf_invalid")
    bad_form = web.post("/api/identity/signout", data={"csrf_token": "forged"})
    assert_problem(bad_form, 403, "csrf_invalid")
    form = web.post("/api/identity/signout", data={"csrf_token": signed.json()["csrf_token"]})
    assert form.status_code == 204


def test_officials_need_the_permission_and_their_actions_are_audited(
    web: TestClient,
    citizen: str,
    clock: FixedClock,
    session: Session,
    make_official: Callable[..., tuple[Account, str]],
) -> None:
    app = web.app
    clerk, clerk_secret = make_official("land.kim", roles=("clerk",))
    _, viewer_secret = make_official("land.lee", roles=("viewer",))
    _, other_secret = make_official("cars.park", agency="vehicles", roles=("clerk",))

    signed = signin_official(web, "land.kim", clerk_secret, clock)
    assert web.post("/api/probe/decide", headers=csrf(signed)).json() == {"official": clerk.id}
    for login, secret in (("land.lee", viewer_secret), ("cars.park", other_secret)):
        browser = TestClient(app)
        other = signin_official(browser, login, secret, clock)
        denied = browser.post("/api/probe/decide", headers=csrf(other))
        assert_problem(denied, 403, "permission_missing")
    resident = TestClient(app)
    as_citizen = signin(resident, citizen)
    assert_problem(
        resident.post("/api/probe/decide", headers=csrf(as_citizen)), 403, "permission_missing"
    )
    assert_problem(web.get("/api/identity/citizen"), 403, "citizen_only")
    assert resident.get("/api/identity/citizen").json()["kind"] == "citizen"

    session.expire_all()
    actions = session.scalars(select(AuditEntry).where(AuditEntry.event == "official_action")).all()
    assert [(a.account_id, a.data["action"]) for a in actions] == [
        (clerk.id, "POST /api/probe/decide")
    ]


def test_passwords_are_rehashed_when_the_parameters_change(
    web: TestClient, citizen: str, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = session.scalars(select(Account).where(Account.kind == "citizen")).one()
    old = account.password_hash
    monkeypatch.setattr(
        credentials, "HASHER", PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    )

    assert signin(web, citizen).status_code == 200

    session.refresh(account)
    assert account.password_hash != old
    assert "t=2" in (account.password_hash or "")
    assert signin(web, citizen, PASSWORD).status_code == 200


def test_the_audit_trail_is_append_only(web: TestClient, citizen: str, session: Session) -> None:
    signin(web, citizen)
    for statement in ("UPDATE identity_audit SET actor = 'x'", "DELETE FROM identity_audit"):
        with pytest.raises(DBAPIError), session.begin_nested():
            session.execute(text(statement))


def test_a_password_is_changed_with_the_current_one(
    web: TestClient, citizen: str, session: Session
) -> None:
    signed = signin(web, citizen)
    wrong = web.post(
        "/api/identity/password",
        json={"current": "not it at all", "new": "a brand new phrase"},
        headers=csrf(signed),
    )
    weak = web.post(
        "/api/identity/password", json={"current": PASSWORD, "new": "short"}, headers=csrf(signed)
    )
    ok = web.post(
        "/api/identity/password",
        json={"current": PASSWORD, "new": "a brand new phrase"},
        headers=csrf(signed),
    )

    assert_problem(wrong, 401, "invalid_credentials")
    assert_problem(weak, 422, "password_weak")
    assert ok.status_code == 204
    assert_problem(signin(web, citizen), 401, "invalid_credentials")
    assert signin(web, citizen, "a brand new phrase").status_code == 200
    assert "password_changed" in _events(session)
