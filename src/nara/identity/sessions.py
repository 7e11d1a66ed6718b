"""Server-side sessions: the cookie holds a random token, the table only its SHA-256.

A session ends when it is revoked, when it has not been used for
`identity_session_idle_minutes`, or `identity_session_max_hours` after sign-in. Its CSRF
token is a keyed HMAC of the session token, so it needs no storage and dies with the session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.pii import PiiCipher
from nara.core.settings import Settings
from nara.identity import errors, repository
from nara.identity.audit import audit
from nara.identity.models import Account, SignInSession

COOKIE = "nara_session"
METHODS = frozenset({"passkey", "password_totp", "password", "demo"})
TWO_FACTOR_METHODS = frozenset({"passkey", "password_totp"})


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(cipher: PiiCipher, token: str) -> str:
    """The CSRF token of the session whose cookie holds `token`."""
    return cipher.blind_index(f"identity/csrf/{token}").hex()


def csrf_matches(cipher: PiiCipher, token: str, presented: str) -> bool:
    return hmac.compare_digest(csrf_token(cipher, token), presented.strip())


def start(
    session: Session,
    clock: Clock,
    settings: Settings,
    account: Account,
    *,
    method: str,
    client_address: str,
    user_agent: str,
) -> tuple[SignInSession, str]:
    """Open a session for `account`; the token for the cookie is returned once, in clear."""
    if method not in METHODS:
        raise ValueError(f"unknown sign-in method {method!r}")
    now = clock.now()
    token = new_token()
    row = SignInSession(
        account_id=account.id,
        token_sha256=digest(token),
        method=method,
        client_address=client_address[:64],
        user_agent=user_agent[:200],
        created_at=now,
        last_seen=now,
        expires_at=now + dt.timedelta(hours=settings.identity_session_max_hours),
        revoked_at=None,
    )
    session.add(row)
    account.failed_attempts = 0
    account.locked_until = None
    audit(
        session,
        clock,
        event="signin_succeeded",
        account_id=account.id,
        actor=actor_of(account),
        data={"method": method},
        client_address=client_address,
    )
    session.flush()
    return row, token


def is_active(row: SignInSession, settings: Settings, now: dt.datetime) -> bool:
    idle = dt.timedelta(minutes=settings.identity_session_idle_minutes)
    return row.revoked_at is None and now < row.expires_at and now < row.last_seen + idle


def idle_end(row: SignInSession, settings: Settings) -> dt.datetime:
    """When the session ends if not used again (at the latest its absolute end)."""
    idle = row.last_seen + dt.timedelta(minutes=settings.identity_session_idle_minutes)
    return min(idle, row.expires_at)


def resolve(
    session: Session, clock: Clock, settings: Settings, token: str
) -> tuple[SignInSession, Account]:
    """The live session of a cookie token and its account, marked as seen now."""
    row = repository.session_by_token(session, digest(token))
    now = clock.now()
    if row is None or not is_active(row, settings, now):
        raise errors.session_expired()
    account = session.get_one(Account, row.account_id)
    if account.disabled_at is not None:
        raise errors.session_expired()
    row.last_seen = now
    return row, account


def revoke(
    session: Session,
    clock: Clock,
    row: SignInSession,
    *,
    actor: str,
    event: str = "session_revoked",
    client_address: str = "",
) -> None:
    if row.revoked_at is not None:
        return
    row.revoked_at = clock.now()
    audit(
        session,
        clock,
        event=event,
        account_id=row.account_id,
        actor=actor,
        target=f"session:{row.id}",
        client_address=client_address,
    )


def actor_of(account: Account) -> str:
    """How an account is named in logs: `citizen:17`, `official:18` (as `Principal.actor`)."""
    return f"{account.kind}:{account.id}"
