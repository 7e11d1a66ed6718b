"""Who is signed in, and the route dependencies that admit citizens and officials.

`current_principal(request)` reads the session cookie and returns the signed-in `Principal`
(or None). `require_citizen`, `require_signed_in` and `require_official(permission)` admit
only such callers and declare the route's access with the mark of `nara.core.access`
(`scope:identity:citizen`, `scope:<permission>`), so the route walk finds them. Because
they authenticate by cookie, they also check the CSRF token of every unsafe request (field
`csrf_token` of a form, or the `X-CSRF-Token` header).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from nara.core.access import ACCESS_MARK
from nara.core.clock import Clock
from nara.core.db import unit_of_work
from nara.core.errors import Unauthorized
from nara.core.pii import PiiCipher
from nara.core.settings import Settings
from nara.identity import errors, sessions
from nara.identity.audit import audit_action
from nara.identity.models import Account, SignInSession
from nara.identity.roles import permissions_of

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_STATE_KEY = "identity_principal"


@dataclass(frozen=True)
class Principal:
    """The signed-in citizen or official of a request."""

    account_id: int
    kind: str
    display_name: str
    person_id: int | None
    agency: str | None
    roles: tuple[str, ...]
    permissions: frozenset[str]
    session_id: int
    method: str
    demo: bool
    client_address: str = ""

    @property
    def actor(self) -> str:
        """How the principal is named in change logs and the audit trail."""
        if self.kind == "official":
            return f"official:{self.account_id}"
        return f"citizen:{self.account_id}"

    def may(self, permission: str) -> bool:
        return permission in self.permissions

    @classmethod
    def of(cls, account: Account, row: SignInSession, client_address: str = "") -> Principal:
        roles = tuple(account.roles.split())
        agency = account.agency
        return cls(
            account_id=account.id,
            kind=account.kind,
            display_name=account.display_name,
            person_id=account.person_id,
            agency=agency,
            roles=roles,
            permissions=permissions_of(agency, roles) if agency else frozenset(),
            session_id=row.id,
            method=row.method,
            demo=account.demo,
            client_address=client_address,
        )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _parts(request: Request) -> tuple[Clock, Settings, PiiCipher]:
    state = request.app.state
    return state.clock, state.settings, state.cipher


def _authenticate(request: Request) -> Principal:
    """The principal of the request's session cookie; 401 without a live session."""
    cached = getattr(request.state, _STATE_KEY, None)
    if isinstance(cached, Principal):
        return cached
    token = request.cookies.get(sessions.COOKIE)
    if not token:
        raise errors.signin_required()
    clock, settings, _ = _parts(request)
    factory = request.app.state.session_factory
    with unit_of_work(factory) as session:
        row, account = sessions.resolve(session, clock, settings, token)
        principal = Principal.of(account, row, client_address(request))
    setattr(request.state, _STATE_KEY, principal)
    return principal


def current_principal(request: Request) -> Principal | None:
    """The signed-in citizen or official, or None (no cookie, or an ended session)."""
    try:
        return _authenticate(request)
    except Unauthorized:
        return None


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe cookie-authenticated request without its session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    token = request.cookies.get(sessions.COOKIE, "")
    presented = request.headers.get(CSRF_HEADER)
    if presented is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            presented = value if isinstance(value, str) else None
    if not presented:
        raise errors.csrf_missing()
    _, _, cipher = _parts(request)
    if not sessions.csrf_matches(cipher, token, presented):
        raise errors.csrf_invalid()


def _record_request(request: Request, principal: Principal) -> None:
    clock, _, _ = _parts(request)
    factory = request.app.state.session_factory
    with unit_of_work(factory) as session:
        audit_action(
            session,
            principal,
            f"{request.method} {request.url.path}",
            request.url.path,
            clock=clock,
        )


def _marked(
    dependency: Callable[[Request], Awaitable[Principal]], mark: str
) -> Callable[[Request], Awaitable[Principal]]:
    setattr(dependency, ACCESS_MARK, mark)
    return dependency


def require_signed_in() -> Callable[[Request], Awaitable[Principal]]:
    """A dependency admitting any signed-in citizen or official."""

    async def dependency(request: Request) -> Principal:
        principal = await run_in_threadpool(_authenticate, request)
        await check_csrf(request)
        return principal

    return _marked(dependency, "scope:identity:signed-in")


def require_citizen() -> Callable[[Request], Awaitable[Principal]]:
    """A dependency admitting only a signed-in citizen."""

    async def dependency(request: Request) -> Principal:
        principal = await run_in_threadpool(_authenticate, request)
        if principal.kind != "citizen":
            raise errors.citizen_only()
        await check_csrf(request)
        return principal

    return _marked(dependency, "scope:identity:citizen")


def require_official(permission: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency admitting only a signed-in official whose roles grant `permission`.

    Every unsafe request it admits is written to the audit trail (`official_action`).
    """

    async def dependency(request: Request) -> Principal:
        principal = await run_in_threadpool(_authenticate, request)
        if principal.kind != "official" or not principal.may(permission):
            raise errors.permission_missing(permission)
        await check_csrf(request)
        if request.method not in SAFE_METHODS:
            await run_in_threadpool(_record_request, request, principal)
        return principal

    return _marked(dependency, f"scope:{permission}")
