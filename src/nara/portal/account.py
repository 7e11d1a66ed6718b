"""Sign-in, account opening, sign-out and the account page (sessions, passkeys, TOTP).

The HTML forms and the passkey ceremonies' JSON endpoints call the identity service
(`nara.identity.service`), as its JSON API does. The open routes (sign-in steps, account
opening) are rate-limited per client address; the others admit a signed-in visitor by
session cookie and check the CSRF token of every POST (form field or `X-CSRF-Token`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import segno
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from nara.core.access import public
from nara.core.errors import Message, NaraError
from nara.core.settings import Settings
from nara.core.web import CipherDep, ClockDep, DbSession, SettingsDep
from nara.exchange import ExchangeDep
from nara.identity import service
from nara.identity.access import Principal, client_address, require_signed_in
from nara.identity.ratelimit import signin_attempt
from nara.portal.rendering import (
    PortalRoute,
    clear_session_cookie,
    language,
    local_path,
    message_of,
    render,
    set_session_cookie,
)

router = APIRouter(route_class=PortalRoute, include_in_schema=False)

SignedIn = Annotated[Principal, Depends(require_signed_in())]
Attempt = Annotated[None, Depends(signin_attempt("anyone may try to sign in or open an account"))]

FIELD_IDS = {
    "rrn": "signup-rrn",
    "name_ko": "signup-name",
    "birth_date": "signup-birth",
    "password": "signup-password",
}
"""The sign-up form's field ids, by the field a refusal names."""


def _user_agent(request: Request) -> str:
    return request.headers.get("user-agent", "")


def _landing(principal_kind: str, target: str | None) -> str:
    default = "/mydata" if principal_kind == "citizen" else "/account"
    return local_path(target, default)


def _signed_in(result: service.SignIn, settings: Settings, target: str | None) -> RedirectResponse:
    response = RedirectResponse(_landing(result.account.kind, target), status_code=303)
    set_session_cookie(response, settings, result.token or "")
    return response


def _signin_page(
    request: Request,
    *,
    login: str = "",
    target: str | None = None,
    errors: list[tuple[str, str]] | None = None,
    status_code: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    settings = request.app.state.settings
    return render(
        request,
        "portal/account/signin.html",
        {
            "login": login,
            "next": local_path(target, ""),
            "errors": errors or [],
            "demo": settings.environment == "demo",
            "notice": notice,
        },
        status_code=status_code,
    )


# Sign-in -----------------------------------------------------------------------------------


@router.get("/signin", response_class=HTMLResponse)
def signin_page(
    request: Request,
    _access: Annotated[None, Depends(public("the sign-in page is public"))],
    next: str | None = None,
    registered: bool = False,
) -> HTMLResponse:
    return _signin_page(request, target=next, notice="registered" if registered else None)


@router.post("/signin", response_class=HTMLResponse)
def signin_password(
    *,
    request: Request,
    _attempt: Attempt,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    settings: SettingsDep,
    login: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """First step of a password sign-in: RRN (citizen) or login (official) and password."""
    errors: list[tuple[str, str]] = []
    if not login.strip():
        errors.append(
            (
                "signin-rrn",
                _text(
                    request,
                    Message(
                        "Enter your resident registration number or login.",
                        "주민등록번호 또는 아이디를 입력해 주십시오.",
                    ),
                ),
            )
        )
    if not password:
        errors.append(
            (
                "signin-password",
                _text(request, Message("Enter your password.", "비밀번호를 입력해 주십시오.")),
            )
        )
    if errors:
        return _signin_page(request, login=login, target=next, errors=errors, status_code=422)
    try:
        result = service.signin_password(
            session,
            clock=clock,
            cipher=cipher,
            settings=settings,
            login=login,
            password=password,
            client_address=client_address(request),
            user_agent=_user_agent(request),
        )
    except NaraError as refusal:
        return _signin_page(
            request,
            login=login,
            target=next,
            errors=[("signin-password", message_of(request, refusal))],
            status_code=refusal.status,
        )
    if result.token is None:
        return render(
            request,
            "portal/account/totp_step.html",
            {"pending": result.pending, "next": local_path(next, ""), "errors": []},
        )
    return _signed_in(result, settings, next)


@router.post("/signin/totp", response_class=HTMLResponse)
def signin_totp(
    *,
    request: Request,
    _attempt: Attempt,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    settings: SettingsDep,
    pending: Annotated[str, Form(max_length=100)] = "",
    code: Annotated[str, Form(max_length=10)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Second step: the authenticator app's six-digit code."""
    try:
        result = service.signin_totp(
            session,
            clock=clock,
            cipher=cipher,
            settings=settings,
            pending=pending,
            code=code.strip(),
            client_address=client_address(request),
            user_agent=_user_agent(request),
        )
    except NaraError as refusal:
        if refusal.code == "signin_expired":
            return _signin_page(
                request,
                target=next,
                errors=[("signin-rrn", message_of(request, refusal))],
                status_code=refusal.status,
            )
        return render(
            request,
            "portal/account/totp_step.html",
            {
                "pending": pending,
                "next": local_path(next, ""),
                "errors": [("signin-totp-code", message_of(request, refusal))],
            },
            status_code=refusal.status,
        )
    return _signed_in(result, settings, next)


@router.post("/signin/demo/{kind}", response_class=HTMLResponse)
def signin_demo(
    *,
    kind: Literal["citizen", "official"],
    request: Request,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    _access: Annotated[None, Depends(public("one-click demo accounts, only in the demo"))],
) -> Response:
    """Sign in the demo citizen or official (404 outside `NARA_ENVIRONMENT=demo`)."""
    result = service.demo_signin(
        session,
        clock=clock,
        settings=settings,
        kind=kind,
        client_address=client_address(request),
        user_agent=_user_agent(request),
    )
    return _signed_in(result, settings, None)


class PasskeyOptionsBody(BaseModel):
    login: str | None = Field(default=None, max_length=64)


class PasskeyResult(BaseModel):
    pending: str = Field(min_length=1, max_length=100)
    credential: dict[str, Any]
    name: str = Field(default="passkey", max_length=100)
    next: str | None = Field(default=None, max_length=500)


@router.post("/signin/passkey/options")
def passkey_signin_options(
    *,
    body: PasskeyOptionsBody,
    _attempt: Attempt,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """Options for `navigator.credentials.get()` and the ceremony's handle (JSON)."""
    handle, options = service.passkey_signin_options(
        session, clock=clock, cipher=cipher, settings=settings, login=body.login or None
    )
    return {"pending": handle, "options": options}


@router.post("/signin/passkey")
def signin_passkey(
    *,
    body: PasskeyResult,
    request: Request,
    _attempt: Attempt,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
) -> JSONResponse:
    """Finish a passkey sign-in; sets the session cookie and names the page to go to."""
    result = service.signin_passkey(
        session,
        clock=clock,
        settings=settings,
        pending=body.pending,
        credential=body.credential,
        client_address=client_address(request),
        user_agent=_user_agent(request),
    )
    response = JSONResponse(
        {"status": "signed_in", "next": _landing(result.account.kind, body.next)}
    )
    set_session_cookie(response, settings, result.token or "")
    return response


@router.post("/signout", response_class=HTMLResponse)
def signout(*, principal: SignedIn, session: DbSession, clock: ClockDep) -> Response:
    """End this session (POST with the CSRF token)."""
    service.sign_out(session, clock=clock, principal=principal)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response)
    return response


# Account opening ---------------------------------------------------------------------------


def _signup_page(
    request: Request,
    values: dict[str, str] | None = None,
    errors: list[tuple[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "portal/account/signup.html",
        {"values": values or {}, "errors": errors or [], "field_errors": dict(errors or [])},
        status_code=status_code,
    )


@router.get("/signup", response_class=HTMLResponse)
def signup_page(
    request: Request,
    _access: Annotated[None, Depends(public("anyone may open a citizen account"))],
) -> HTMLResponse:
    return _signup_page(request)


@router.post("/signup", response_class=HTMLResponse)
def signup(
    *,
    request: Request,
    _attempt: Attempt,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
    rrn: Annotated[str, Form(max_length=20)] = "",
    name_ko: Annotated[str, Form(max_length=50)] = "",
    birth_date: Annotated[str, Form(max_length=20)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Open a citizen account, checked against the resident register."""
    values = {"rrn": rrn, "name_ko": name_ko, "birth_date": birth_date}
    errors: list[tuple[str, str]] = []
    if not rrn.strip():
        errors.append(
            (
                "signup-rrn",
                _text(
                    request,
                    Message(
                        "Enter your resident registration number.",
                        "주민등록번호를 입력해 주십시오.",
                    ),
                ),
            )
        )
    if not name_ko.strip():
        errors.append(
            (
                "signup-name",
                _text(
                    request, Message("Enter your name in Hangul.", "한글 성명을 입력해 주십시오.")
                ),
            )
        )
    birth: dt.date | None = None
    try:
        birth = dt.date.fromisoformat(birth_date.strip())
    except ValueError:
        errors.append(
            (
                "signup-birth",
                _text(
                    request,
                    Message(
                        "Enter your birth date as YYYY-MM-DD.",
                        "생년월일을 YYYY-MM-DD 형식으로 입력해 주십시오.",
                    ),
                ),
            )
        )
    if not password:
        errors.append(
            (
                "signup-password",
                _text(request, Message("Enter a password.", "비밀번호를 입력해 주십시오.")),
            )
        )
    if errors or birth is None:
        return _signup_page(request, values, errors, status_code=422)
    try:
        service.register_citizen(
            session,
            exchange=exchange,
            clock=clock,
            cipher=cipher,
            rrn=rrn,
            name_ko=name_ko.strip(),
            birth_date=birth,
            password=password,
            client_address=client_address(request),
        )
    except NaraError as refusal:
        field = str(refusal.extra.get("field") or "")
        if refusal.code == "password_weak":
            field = "password"
        field_id = FIELD_IDS.get(field, "signup-rrn")
        return _signup_page(
            request, values, [(field_id, message_of(request, refusal))], refusal.status
        )
    return RedirectResponse("/signin?registered=1", status_code=303)


# The account page --------------------------------------------------------------------------


def _account_page(
    request: Request,
    *,
    principal: Principal,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    totp_uri: str | None = None,
    errors: list[tuple[str, str]] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    account = service.get_account(session, principal.account_id)
    rows = service.sessions_of(session, clock=clock, settings=settings, principal=principal)
    qr = None
    if totp_uri:
        qr = segno.make(totp_uri, error="m").svg_data_uri(scale=5, dark="#1e2124")
    return render(
        request,
        "portal/account/account.html",
        {
            "account": account,
            "sessions": rows,
            "passkeys": service.passkeys_of(session, principal),
            "totp_uri": totp_uri,
            "totp_qr": qr,
            "totp_pending": account.totp_secret is not None and account.totp_confirmed_at is None,
            "errors": errors or [],
            "notice": notice,
        },
        principal=principal,
        status_code=status_code,
    )


@router.get("/account", response_class=HTMLResponse)
def account_page(
    *,
    request: Request,
    principal: SignedIn,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
    done: str | None = None,
) -> HTMLResponse:
    """The signed-in account: sessions, passkeys, the authenticator app."""
    notice = done if done in {"revoked", "totp", "passkey"} else None
    return _account_page(
        request, principal=principal, session=session, clock=clock, settings=settings, notice=notice
    )


@router.post("/account/sessions/{session_id}/revoke", response_class=HTMLResponse)
def revoke_session(
    *, session_id: int, principal: SignedIn, session: DbSession, clock: ClockDep
) -> Response:
    """End one of the account's sessions; ending this one signs out."""
    service.revoke_session(session, clock=clock, principal=principal, session_id=session_id)
    if session_id == principal.session_id:
        response = RedirectResponse("/signin", status_code=303)
        clear_session_cookie(response)
        return response
    return RedirectResponse("/account?done=revoked", status_code=303)


@router.post("/account/totp", response_class=HTMLResponse)
def enrol_totp(
    *,
    request: Request,
    principal: SignedIn,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """Set up an authenticator app: the provisioning URI as a QR code, then a code."""
    uri = service.enrol_totp(session, clock=clock, cipher=cipher, principal=principal)
    return _account_page(
        request, principal=principal, session=session, clock=clock, settings=settings, totp_uri=uri
    )


@router.post("/account/totp/confirm", response_class=HTMLResponse)
def confirm_totp(
    *,
    request: Request,
    principal: SignedIn,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    settings: SettingsDep,
    code: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Confirm the authenticator app with one of its codes."""
    try:
        service.confirm_totp(
            session, clock=clock, cipher=cipher, principal=principal, code=code.strip()
        )
    except NaraError as refusal:
        return _account_page(
            request,
            principal=principal,
            session=session,
            clock=clock,
            settings=settings,
            errors=[("totp-code", message_of(request, refusal))],
            status_code=422 if refusal.status == 401 else refusal.status,
        )
    return RedirectResponse("/account?done=totp", status_code=303)


@router.post("/account/passkeys/options")
def passkey_registration_options(
    *, principal: SignedIn, session: DbSession, clock: ClockDep, settings: SettingsDep
) -> dict[str, Any]:
    """Options for `navigator.credentials.create()` and the ceremony's handle (JSON)."""
    handle, options = service.passkey_registration_options(
        session, clock=clock, settings=settings, principal=principal
    )
    return {"pending": handle, "options": options}


@router.post("/account/passkeys")
def add_passkey(
    *,
    body: PasskeyResult,
    principal: SignedIn,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """Finish adding a passkey with the authenticator's attestation (JSON)."""
    row = service.add_passkey(
        session,
        clock=clock,
        settings=settings,
        principal=principal,
        pending=body.pending,
        credential=body.credential,
        name=body.name,
    )
    return {"status": "added", "id": row.id, "name": row.name, "next": "/account?done=passkey"}


def _text(request: Request, message: Message) -> str:
    """`message` in the visitor's language."""
    return message.in_language(language(request))
