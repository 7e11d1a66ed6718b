"""The identity JSON API under /api/identity (the portal's HTML forms call the same services).

Open routes (account opening, the sign-in steps) are rate-limited per client address and
declared public; the others admit a signed-in principal by session cookie and check the CSRF
token of every unsafe request. Demo sign-in answers 404 outside `NARA_ENVIRONMENT=demo`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response, status

from nara.core.access import public
from nara.core.settings import Settings
from nara.core.web import CipherDep, ClockDep, DbSession, SettingsDep
from nara.exchange import ExchangeDep
from nara.identity import service, sessions
from nara.identity.access import (
    Principal,
    client_address,
    require_citizen,
    require_signed_in,
)
from nara.identity.ratelimit import signin_attempt
from nara.identity.schemas import (
    AccountRead,
    CeremonyOptions,
    CitizenCreate,
    OfficialCreate,
    OfficialCreated,
    PasskeyCreate,
    PasskeyOptionsRequest,
    PasskeyRead,
    PasskeySignIn,
    PasswordChange,
    PasswordSignIn,
    Revoked,
    SessionRead,
    SignInResult,
    TotpCode,
    TotpEnrolment,
    TotpSignIn,
)

router = APIRouter(prefix="/api/identity", tags=["identity"])

SignedIn = Annotated[Principal, Depends(require_signed_in())]
Citizen = Annotated[Principal, Depends(require_citizen())]
Attempt = Depends(signin_attempt("anyone may try to sign in or open an account"))


def _user_agent(request: Request) -> str:
    return request.headers.get("user-agent", "")


def _signed_in(
    response: Response, settings: Settings, cipher: CipherDep, result: service.SignIn
) -> SignInResult:
    if result.session is None or result.token is None:
        return SignInResult(
            status="totp_required",
            pending=result.pending,
            expires_at=result.pending_expires_at,
        )
    response.set_cookie(
        sessions.COOKIE,
        result.token,
        max_age=settings.identity_session_max_hours * 3600,
        httponly=True,
        secure=settings.public_base_url.startswith("https://"),
        samesite="lax",
        path="/",
    )
    return SignInResult(
        status="signed_in",
        account=AccountRead.of(result.account),
        method=result.session.method,
        csrf_token=sessions.csrf_token(cipher, result.token),
        expires_at=result.session.expires_at,
        demo=result.account.demo,
    )


@router.post("/citizens", status_code=status.HTTP_201_CREATED, dependencies=[Attempt])
def open_citizen_account(
    *,
    body: CitizenCreate,
    request: Request,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    exchange: ExchangeDep,
) -> AccountRead:
    """Open a citizen's account, bound to the resident his RRN, name and birth date name."""
    account = service.register_citizen(
        session,
        exchange=exchange,
        clock=clock,
        cipher=cipher,
        rrn=body.rrn,
        name_ko=body.name_ko,
        birth_date=body.birth_date,
        password=body.password,
        client_address=client_address(request),
    )
    return AccountRead.of(account)


@router.post("/signin/password", dependencies=[Attempt])
def signin_password(
    *,
    body: PasswordSignIn,
    request: Request,
    response: Response,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    settings: SettingsDep,
) -> SignInResult:
    """Sign in with a login (an official's, or a citizen's RRN) and password."""
    result = service.signin_password(
        session,
        clock=clock,
        cipher=cipher,
        settings=settings,
        login=body.login,
        password=body.password,
        client_address=client_address(request),
        user_agent=_user_agent(request),
    )
    return _signed_in(response, settings, cipher, result)


@router.post("/signin/totp", dependencies=[Attempt])
def signin_totp(
    *,
    body: TotpSignIn,
    request: Request,
    response: Response,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    settings: SettingsDep,
) -> SignInResult:
    """The second step of a password sign-in: the authenticator app's code."""
    result = service.signin_totp(
        session,
        clock=clock,
        cipher=cipher,
        settings=settings,
        pending=body.pending,
        code=body.code,
        client_address=client_address(request),
        user_agent=_user_agent(request),
    )
    return _signed_in(response, settings, cipher, result)


@router.post("/signin/passkey/options", dependencies=[Attempt])
def passkey_signin_options(
    *,
    body: PasskeyOptionsRequest,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    settings: SettingsDep,
) -> CeremonyOptions:
    """Start a passkey sign-in: options for `navigator.credentials.get()`."""
    handle, options = service.passkey_signin_options(
        session, clock=clock, cipher=cipher, settings=settings, login=body.login
    )
    return CeremonyOptions(pending=handle, options=options)


@router.post("/signin/passkey", dependencies=[Attempt])
def signin_passkey(
    *,
    body: PasskeySignIn,
    request: Request,
    response: Response,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    settings: SettingsDep,
) -> SignInResult:
    """Finish a passkey sign-in with the authenticator's assertion."""
    result = service.signin_passkey(
        session,
        clock=clock,
        settings=settings,
        pending=body.pending,
        credential=body.credential,
        client_address=client_address(request),
        user_agent=_user_agent(request),
    )
    return _signed_in(response, settings, cipher, result)


@router.post("/signout", status_code=status.HTTP_204_NO_CONTENT)
def sign_out(*, principal: SignedIn, session: DbSession, clock: ClockDep) -> Response:
    """End this session."""
    service.sign_out(session, clock=clock, principal=principal)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


@router.get("/me")
def me(*, principal: SignedIn, session: DbSession) -> AccountRead:
    """The signed-in account."""
    return AccountRead.of(service.get_account(session, principal.account_id))


@router.get("/sessions")
def list_sessions(
    *, principal: SignedIn, session: DbSession, clock: ClockDep, settings: SettingsDep
) -> list[SessionRead]:
    """The signed-in account's live sessions."""
    rows = service.sessions_of(session, clock=clock, settings=settings, principal=principal)
    return [SessionRead.of(r, current_id=principal.session_id) for r in rows]


@router.post("/sessions/{session_id}/revoke")
def revoke_session(
    *, session_id: int, principal: SignedIn, session: DbSession, clock: ClockDep
) -> SessionRead:
    """End one of the account's sessions (on another device, say)."""
    row = service.revoke_session(session, clock=clock, principal=principal, session_id=session_id)
    return SessionRead.of(row, current_id=principal.session_id)


@router.post("/sessions/revoke-all")
def revoke_all_sessions(
    *, principal: SignedIn, session: DbSession, clock: ClockDep, keep_current: bool = False
) -> Revoked:
    """End every session of the account (but this one with `keep_current=true`)."""
    count = service.revoke_all(session, clock=clock, principal=principal, keep_current=keep_current)
    return Revoked(revoked=count)


@router.post("/totp", status_code=status.HTTP_201_CREATED)
def enrol_totp(
    *, principal: SignedIn, session: DbSession, clock: ClockDep, cipher: CipherDep
) -> TotpEnrolment:
    """Set up an authenticator app: the provisioning URI to show as a QR code."""
    uri = service.enrol_totp(session, clock=clock, cipher=cipher, principal=principal)
    return TotpEnrolment(provisioning_uri=uri)


@router.post("/totp/confirm")
def confirm_totp(
    *, body: TotpCode, principal: SignedIn, session: DbSession, clock: ClockDep, cipher: CipherDep
) -> AccountRead:
    """Confirm the authenticator app with one of its codes."""
    account = service.confirm_totp(
        session, clock=clock, cipher=cipher, principal=principal, code=body.code
    )
    return AccountRead.of(account)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(
    *, body: PasswordChange, principal: SignedIn, session: DbSession, clock: ClockDep
) -> Response:
    """Change the account's password (the current one is asked)."""
    service.change_password(
        session, clock=clock, principal=principal, current=body.current, new=body.new
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/passkeys/options")
def passkey_registration_options(
    *, principal: SignedIn, session: DbSession, clock: ClockDep, settings: SettingsDep
) -> CeremonyOptions:
    """Start adding a passkey: options for `navigator.credentials.create()`."""
    handle, options = service.passkey_registration_options(
        session, clock=clock, settings=settings, principal=principal
    )
    return CeremonyOptions(pending=handle, options=options)


@router.post("/passkeys", status_code=status.HTTP_201_CREATED)
def add_passkey(
    *,
    body: PasskeyCreate,
    principal: SignedIn,
    session: DbSession,
    clock: ClockDep,
    settings: SettingsDep,
) -> PasskeyRead:
    """Finish adding a passkey with the authenticator's attestation."""
    row = service.add_passkey(
        session,
        clock=clock,
        settings=settings,
        principal=principal,
        pending=body.pending,
        credential=body.credential,
        name=body.name,
    )
    return PasskeyRead.of(row)


@router.get("/passkeys")
def list_passkeys(*, principal: SignedIn, session: DbSession) -> list[PasskeyRead]:
    """The account's passkeys."""
    return [PasskeyRead.of(r) for r in service.passkeys_of(session, principal)]


@router.get("/citizen")
def citizen_home(*, principal: Citizen, session: DbSession) -> AccountRead:
    """The signed-in citizen (refused to officials): what the portal's My Page starts from."""
    return AccountRead.of(service.get_account(session, principal.account_id))


@router.post("/officials", status_code=status.HTTP_201_CREATED)
def create_official(
    *,
    body: OfficialCreate,
    principal: SignedIn,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
) -> OfficialCreated:
    """Create an official of the administrator's agency (needs `<agency>:officials:manage`)."""
    account, uri = service.create_official_by(
        session,
        clock=clock,
        cipher=cipher,
        by=principal,
        agency=body.agency,
        login=body.login,
        display_name=body.display_name,
        roles=body.roles,
        password=body.password,
    )
    return OfficialCreated(account=AccountRead.of(account), totp_provisioning_uri=uri)


@router.post("/demo/{kind}")
def demo_signin(
    *,
    kind: Literal["citizen", "official"],
    request: Request,
    response: Response,
    session: DbSession,
    clock: ClockDep,
    cipher: CipherDep,
    settings: SettingsDep,
    _access: Annotated[None, Depends(public("one-click demo accounts, only in the demo"))],
) -> SignInResult:
    """Sign in the demo citizen or official (marked as such); 404 outside the demo."""
    result = service.demo_signin(
        session,
        clock=clock,
        settings=settings,
        kind=kind,
        client_address=client_address(request),
        user_agent=_user_agent(request),
    )
    return _signed_in(response, settings, cipher, result)
