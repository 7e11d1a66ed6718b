"""Sign-in, account opening, sign-out and the account page, through the portal's forms."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from nara.core.clock import FixedClock
from nara.core.pii import PiiCipher
from nara.identity import credentials, service, sessions
from nara.identity.models import Account
from tests.factories import make_person, regional_rrn
from tests.portal.conftest import BIRTH, PASSWORD, csrf_of, signin
from tests.portal.test_pages import _inline_code

OpenAccount = Callable[..., tuple[int, str]]


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("path", ["/signin", "/signup"])
def test_the_open_pages_render_in_both_languages(web: TestClient, path: str, language: str) -> None:
    response = web.get(path, params={"lang": language})
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    assert _inline_code(response.text).refused == []
    assert "content-security-policy" in response.headers
    if path == "/signin":
        title = "로그인" if language == "ko" else "Sign in"
        assert f'<h1 class="portal-title">{title}</h1>' in response.text
        for element in ("passkey-signin", "signin-rrn", "signin-password", "signin-submit"):
            assert f'id="{element}"' in response.text
        assert "/static/portal/passkey.js" in _inline_code(response.text).scripts
        assert 'id="signin-demo-citizen"' not in response.text, "demo buttons only in the demo"


def test_passkey_js_is_served(web: TestClient) -> None:
    script = web.get("/static/portal/passkey.js")
    assert script.status_code == 200
    assert "navigator.credentials.get" in script.text
    assert "navigator.credentials.create" in script.text
    assert "X-CSRF-Token" in script.text


def test_signup_reports_each_missing_field(web: TestClient) -> None:
    response = web.post("/signup", data={"rrn": "", "name_ko": "", "birth_date": "x"})
    assert response.status_code == 422
    for field in ("signup-rrn", "signup-name", "signup-birth", "signup-password"):
        assert f'href="#{field}"' in response.text
        assert f'aria-describedby="{field}-error"' in response.text or (
            f'aria-describedby="{field}-hint {field}-error"' in response.text
        )
    assert 'aria-invalid="true"' in response.text


def test_signup_refuses_a_mismatch_without_saying_which_field(
    web: TestClient, session: Session, cipher: PiiCipher
) -> None:
    rrn = regional_rrn(BIRTH, "M")
    make_person(session, cipher, name_ko="최민수", name_en="Choi", birth=BIRTH, sex="M", rrn=rrn)
    session.commit()
    response = web.post(
        "/signup",
        data={
            "rrn": rrn,
            "name_ko": "김민수",
            "birth_date": BIRTH.isoformat(),
            "password": PASSWORD,
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "do not match a registered resident" in response.text


def test_a_citizen_signs_in_with_a_password_and_sees_his_pages(
    web: TestClient, open_account: OpenAccount
) -> None:
    _, rrn = open_account()
    response = signin(web, rrn)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/mydata"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie, "the test site is plain http"
    for path in ("/mydata", "/account"):
        for language in ("ko", "en"):
            page = web.get(path, params={"lang": language})
            assert page.status_code == 200, page.text
            assert f'<html lang="{language}">' in page.text
            assert _inline_code(page.text).refused == []
    account = web.get("/account")
    assert 'id="passkey-register"' in account.text
    assert "/static/portal/passkey.js" in _inline_code(account.text).scripts


def test_the_next_page_is_kept_and_only_on_this_site(
    web: TestClient, open_account: OpenAccount
) -> None:
    _, rrn = open_account()
    redirected = web.get("/account")
    assert redirected.status_code == 303
    assert redirected.headers["location"] == "/signin?next=/account"
    shown = web.get("/signin", params={"next": "/account"})
    assert 'name="next" value="/account"' in shown.text
    first = web.post("/signin", data={"login": rrn, "password": PASSWORD, "next": "/account"})
    assert first.headers["location"] == "/account"
    web.cookies.clear()
    evil = web.post("/signin", data={"login": rrn, "password": PASSWORD, "next": "//evil.example"})
    assert evil.headers["location"] == "/mydata"


def test_a_wrong_password_is_refused_with_an_error_summary(
    web: TestClient, open_account: OpenAccount
) -> None:
    _, rrn = open_account()
    response = web.post(
        "/signin", data={"login": rrn, "password": "wrong password!"}, params={"lang": "en"}
    )
    assert response.status_code == 401
    assert 'role="alert"' in response.text
    assert 'href="#signin-password"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert sessions.COOKIE not in response.headers.get("set-cookie", "")
    unknown = web.post("/signin", data={"login": "nobody.here", "password": "whatever12"})
    assert unknown.status_code == 401
    empty = web.post("/signin", data={"login": "", "password": ""})
    assert empty.status_code == 422


def test_the_account_locks_after_repeated_failures(
    web: TestClient, open_account: OpenAccount, app: FastAPI
) -> None:
    _, rrn = open_account()
    attempts = app.state.settings.identity_lockout_attempts
    statuses = [signin(web, rrn, "wrong password!").status_code for _ in range(attempts)]
    assert statuses[:-1] == [401] * (attempts - 1)
    assert statuses[-1] == 423
    locked = signin(web, rrn)
    assert locked.status_code == 423, "locked even with the right password"
    assert 'role="alert"' in locked.text


def test_too_many_attempts_from_one_address(
    web: TestClient, open_account: OpenAccount, app: FastAPI
) -> None:
    _, rrn = open_account()
    app.state.settings = app.state.settings.model_copy(update={"identity_signin_rate": "2/minute"})
    assert signin(web, rrn, "wrong password!").status_code == 401
    assert signin(web, rrn, "wrong password!").status_code == 401
    refused = signin(web, rrn)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in refused.text


def test_sign_out_needs_the_csrf_token_and_ends_the_session(
    web: TestClient, open_account: OpenAccount
) -> None:
    _, rrn = open_account()
    signin(web, rrn)
    token = web.cookies.get(sessions.COOKIE)
    assert token
    refused = web.post("/signout")
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert web.get("/account").status_code == 200, "the session survives a refused sign-out"
    wrong = web.post("/signout", data={"csrf_token": "00" * 32})
    assert wrong.status_code == 403
    done = web.post("/signout", data={"csrf_token": csrf_of(web)})
    assert done.status_code == 303
    assert done.headers["location"] == "/"
    assert web.get("/account").status_code == 303
    web.cookies.set(sessions.COOKIE, token)
    assert web.get("/account").status_code == 303, "the old cookie no longer signs in"


def test_a_session_is_revoked_from_the_account_page(
    web: TestClient, open_account: OpenAccount, app: FastAPI
) -> None:
    _, rrn = open_account()
    with TestClient(app, follow_redirects=False) as other:
        assert signin(other, rrn).status_code == 303
        signin(web, rrn)
        page = web.get("/account")
        assert page.text.count('class="krds-btn small secondary session-revoke"') == 2
        other_session = other.get("/account")
        assert other_session.status_code == 200
        ids = [int(part.split('"')[0]) for part in page.text.split('id="session-')[1:]]
        current = web.cookies.get(sessions.COOKIE)
        assert current
        revoked = web.post(f"/account/sessions/{ids[0]}/revoke", data={"csrf_token": csrf_of(web)})
        assert revoked.status_code == 303
        assert revoked.headers["location"] == "/account?done=revoked"
        assert other.get("/account").status_code == 303, "the other device is signed out"
        assert web.get("/account").status_code == 200


def test_totp_enrolment_then_sign_in_asks_for_the_code(
    web: TestClient,
    open_account: OpenAccount,
    session: Session,
    cipher: PiiCipher,
    clock: FixedClock,
) -> None:
    person_id, rrn = open_account()
    signin(web, rrn)
    enrolled = web.post("/account/totp", data={"csrf_token": csrf_of(web)})
    assert enrolled.status_code == 200, enrolled.text
    assert 'id="totp-qr"' in enrolled.text
    assert 'src="data:image/svg+xml' in enrolled.text
    assert "otpauth://totp/" in enrolled.text
    assert _inline_code(enrolled.text).refused == []
    account = session.query(Account).filter_by(person_id=person_id).one()
    session.refresh(account)
    secret = credentials.open_totp_secret(cipher, account.totp_secret or b"")
    step = credentials.current_step(clock)

    wrong = web.post("/account/totp/confirm", data={"csrf_token": csrf_of(web), "code": "000000"})
    assert wrong.status_code == 422
    assert 'href="#totp-code"' in wrong.text
    confirmed = web.post(
        "/account/totp/confirm",
        data={"csrf_token": csrf_of(web), "code": credentials.totp_code(secret, step)},
    )
    assert confirmed.status_code == 303, confirmed.text
    web.post("/signout", data={"csrf_token": csrf_of(web)})

    first = signin(web, rrn)
    assert first.status_code == 200
    assert 'id="signin-totp-code"' in first.text
    assert sessions.COOKIE not in first.headers.get("set-cookie", "")
    pending = first.text.split('name="pending" value="')[1].split('"')[0]
    refused = web.post("/signin/totp", data={"pending": pending, "code": "123456"})
    assert refused.status_code == 401
    assert 'href="#signin-totp-code"' in refused.text
    done = web.post(
        "/signin/totp",
        data={"pending": pending, "code": credentials.totp_code(secret, step + 1)},
    )
    assert done.status_code == 303, done.text
    assert web.get("/account").status_code == 200


def test_passkey_ceremonies_answer_json(web: TestClient, open_account: OpenAccount) -> None:
    _, rrn = open_account()
    options = web.post("/signin/passkey/options", json={"login": rrn})
    assert options.status_code == 200, options.text
    body = options.json()
    assert body["pending"] and body["options"]["challenge"]
    bad = web.post(
        "/signin/passkey", json={"pending": body["pending"], "credential": {"id": "AAAA"}}
    )
    assert bad.status_code == 401
    assert bad.headers["content-type"].startswith("application/problem+json")

    signin(web, rrn)
    without_csrf = web.post("/account/passkeys/options", json={})
    assert without_csrf.status_code == 403
    created = web.post("/account/passkeys/options", json={}, headers={"X-CSRF-Token": csrf_of(web)})
    assert created.status_code == 200, created.text
    assert created.json()["options"]["user"]["id"]


def test_demo_buttons_only_in_the_demo(
    web: TestClient, app: FastAPI, session: Session, clock: FixedClock, cipher: PiiCipher
) -> None:
    assert web.post("/signin/demo/citizen").status_code == 404
    person = make_person(session, cipher, name_ko="데모", name_en="Demo", birth=BIRTH, sex="M")
    service.ensure_demo_accounts(session, clock=clock, person_id=person.id)
    session.commit()
    app.state.settings = app.state.settings.model_copy(update={"environment": "demo"})
    page = web.get("/signin", params={"lang": "ko"})
    assert 'id="signin-demo-citizen"' in page.text
    assert 'id="signin-demo-official"' in page.text
    assert "데모 / Demo" in page.text
    done = web.post("/signin/demo/citizen")
    assert done.status_code == 303
    assert done.headers["location"] == "/mydata"
    assert "데모 / Demo" in web.get("/mydata").text


def test_the_menu_offers_sign_in_only_to_a_visitor_who_is_not_signed_in(
    web: TestClient, open_account: OpenAccount
) -> None:
    assert 'href="/signin"' in web.get("/verify").text
    _, rrn = open_account()
    signin(web, rrn)

    for path in ("/mydata", "/account", "/verify"):
        assert 'href="/signin"' not in web.get(path).text, path
