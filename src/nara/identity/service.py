"""The rules of identity: accounts, sign-in, lockout, credentials, sessions, the demo.

Functions take keyword-only arguments and never commit. Changes to accounts and credentials
append a row to `identity_change` with an `identity.*` outbox event (`record_change`);
sign-ins, sign-outs and revocations are written to the audit trail. A refused sign-in's
failure count and audit entry are kept even though the request rolls back
(`keep_on_rollback`), so lockout works and the trail is complete.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.db import keep_on_rollback
from nara.core.errors import NaraError
from nara.core.history import record_change
from nara.core.identifiers import Rrn
from nara.core.pii import PiiCipher
from nara.core.settings import Settings
from nara.exchange import CallContext, Exchange
from nara.exchange.contracts.residents import IDENTITY_CHECK, IdentityCheckRequest
from nara.identity import credentials, errors, passkeys, repository, sessions
from nara.identity.access import Principal
from nara.identity.audit import audit
from nara.identity.models import Account, IdentityChange, Passkey, SignInSession
from nara.identity.roles import ROLES

CLIENT = "gov24"
"""The exchange subsystem the single window calls as."""
USES: tuple[str, ...] = (IDENTITY_CHECK.service,)
"""Services of other agencies identity calls, as `gov24` (granted at install)."""
BINDING_PURPOSE = "account-binding"
LOGIN = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9._-]{3,64}")
DEMO_CITIZEN_NAME = "데모 시민 (Demo citizen)"
DEMO_OFFICIAL_NAME = "데모 공무원 (Demo official)"
DEMO_OFFICIAL_LOGIN = "demo.official"


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in step: a session (with its cookie token), or a next step."""

    account: Account
    session: SignInSession | None = None
    token: str | None = None
    pending: str | None = None
    pending_expires_at: dt.datetime | None = None


def log_change(
    session: Session,
    clock: Clock,
    *,
    account: Account,
    action: str,
    data: dict[str, Any],
    actor: str,
) -> None:
    """Append a change of an account to `identity_change` and its `identity.<action>` event."""
    record_change(
        session,
        clock,
        IdentityChange,
        entity="account",
        entity_id=account.id,
        action=action,
        data=data,
        actor=actor,
        event_type=f"identity.{action}",
    )
    session.flush()


# Accounts ---------------------------------------------------------------------------------


def register_citizen(
    session: Session,
    *,
    exchange: Exchange,
    clock: Clock,
    cipher: PiiCipher,
    rrn: str,
    name_ko: str,
    birth_date: dt.date,
    password: str,
    client_address: str = "",
) -> Account:
    """Open a citizen's account, bound to the resident whose RRN, name and birth date match.

    The match is asked of the resident register through the exchange; the account keeps the
    person id and the RRN's blind index (to find the account at sign-in), never the RRN.
    """
    digits = Rrn.parse(rrn).digits
    credentials.check_password_strength(password, birth_date=birth_date)
    ctx = CallContext(
        session, clock, cipher, client=CLIENT, purpose=BINDING_PURPOSE, user_id="self-service"
    )
    found = exchange.call(
        IDENTITY_CHECK,
        ctx,
        IdentityCheckRequest(rrn=digits, name_ko=name_ko.strip(), birth_date=birth_date),
    )
    if found is None:
        raise errors.identity_mismatch()
    if found.status != "alive":
        raise errors.person_not_alive()
    person_id = found.person_id
    rrn_index = cipher.blind_index(digits)
    if (
        repository.account_by_person(session, person_id) is not None
        or repository.account_by_rrn_index(session, rrn_index) is not None
    ):
        raise errors.account_exists()
    account = Account(
        kind="citizen",
        person_id=person_id,
        rrn_index=rrn_index,
        login=None,
        agency=None,
        roles="",
        display_name=name_ko.strip(),
        password_hash=credentials.hash_password(password),
        totp_secret=None,
        totp_confirmed_at=None,
        totp_last_step=None,
        failed_attempts=0,
        locked_until=None,
        demo=False,
        created_at=clock.now(),
        disabled_at=None,
    )
    session.add(account)
    session.flush()
    log_change(
        session,
        clock,
        account=account,
        action="citizen_registered",
        data={"person_id": person_id},
        actor=sessions.actor_of(account),
    )
    return account


def check_roles(roles: Sequence[str]) -> list[str]:
    known = sorted(ROLES)
    for role in roles:
        if role not in ROLES:
            raise errors.role_unknown(role, known)
    return sorted(set(roles))


def create_official(
    session: Session,
    *,
    clock: Clock,
    cipher: PiiCipher,
    actor: str,
    agency: str,
    login: str,
    display_name: str,
    roles: Sequence[str],
    password: str,
) -> tuple[Account, str]:
    """Create an official of `agency` with `roles` and a TOTP generator.

    Returns the account and the TOTP provisioning URI to hand to the official (shown once);
    the first sign-in with a code confirms it. For the command line and the admin API.
    """
    if not LOGIN.fullmatch(login):
        raise errors.login_invalid()
    role_list = check_roles(roles)
    credentials.check_password_strength(password)
    if repository.account_by_login(session, login) is not None:
        raise errors.login_taken(login)
    secret = credentials.new_totp_secret()
    account = Account(
        kind="official",
        person_id=None,
        rrn_index=None,
        login=login,
        agency=agency,
        roles=" ".join(role_list),
        display_name=display_name.strip(),
        password_hash=credentials.hash_password(password),
        totp_secret=credentials.seal_totp_secret(cipher, secret),
        totp_confirmed_at=None,
        totp_last_step=None,
        failed_attempts=0,
        locked_until=None,
        demo=False,
        created_at=clock.now(),
        disabled_at=None,
    )
    session.add(account)
    session.flush()
    log_change(
        session,
        clock,
        account=account,
        action="official_created",
        data={"agency": agency, "login": login, "roles": role_list},
        actor=actor,
    )
    audit(
        session,
        clock,
        event="official_created",
        account_id=account.id,
        actor=actor,
        target=f"official:{account.id}",
        data={"agency": agency, "roles": role_list},
    )
    return account, credentials.provisioning_uri(secret, account_name=login)


def create_official_by(
    session: Session,
    *,
    clock: Clock,
    cipher: PiiCipher,
    by: Principal,
    agency: str,
    login: str,
    display_name: str,
    roles: Sequence[str],
    password: str,
) -> tuple[Account, str]:
    """`create_official` on behalf of a signed-in administrator of the same agency."""
    permission = f"{agency}:officials:manage"
    if by.kind != "official" or not by.may(permission):
        raise errors.permission_missing(permission)
    return create_official(
        session,
        clock=clock,
        cipher=cipher,
        actor=by.actor,
        agency=agency,
        login=login,
        display_name=display_name,
        roles=roles,
        password=password,
    )


def get_account(session: Session, account_id: int) -> Account:
    return session.get_one(Account, account_id)


# Sign-in ----------------------------------------------------------------------------------


def find_account(session: Session, cipher: PiiCipher, login: str) -> Account | None:
    """An official by login, or a citizen by RRN (a login of 13 digits, hyphen optional)."""
    compact = login.strip().replace("-", "")
    if compact.isdigit():
        try:
            digits = Rrn.parse(compact).digits
        except (NaraError, ValueError):
            return None
        return repository.account_by_rrn_index(session, cipher.blind_index(digits))
    return repository.account_by_login(session, login.strip())


def _unknown_failure(session: Session, clock: Clock, *, login: str, client_address: str) -> None:
    target = "citizen" if login.replace("-", "").strip().isdigit() else login.strip()[:64]

    def write(s: Session) -> None:
        audit(
            s,
            clock,
            event="signin_failed",
            account_id=None,
            actor="anonymous",
            target=target,
            data={"reason": "unknown_account"},
            client_address=client_address,
        )
        s.flush()

    keep_on_rollback(session, write)


def _fail(
    session: Session,
    clock: Clock,
    settings: Settings,
    account: Account,
    *,
    reason: str,
    client_address: str,
) -> bool:
    """Count a failed sign-in (kept even if the request rolls back); True if it locked."""
    account_id = account.id
    now = clock.now()

    def write(s: Session) -> None:
        row = s.get_one(Account, account_id)
        row.failed_attempts += 1
        audit(
            s,
            clock,
            event="signin_failed",
            account_id=account_id,
            actor=sessions.actor_of(row),
            data={"reason": reason, "attempt": row.failed_attempts},
            client_address=client_address,
        )
        if row.failed_attempts >= settings.identity_lockout_attempts:
            row.failed_attempts = 0
            row.locked_until = now + dt.timedelta(minutes=settings.identity_lockout_minutes)
            audit(
                s,
                clock,
                event="account_locked",
                account_id=account_id,
                actor="system",
                data={"until": row.locked_until.isoformat()},
                client_address=client_address,
            )
        s.flush()

    keep_on_rollback(session, write)
    return account.locked_until is not None and account.locked_until > now


def _refuse(
    session: Session,
    clock: Clock,
    settings: Settings,
    account: Account,
    error: NaraError,
    *,
    reason: str,
    client_address: str,
) -> NaraError:
    if _fail(session, clock, settings, account, reason=reason, client_address=client_address):
        return _locked(account)
    return error


def _locked(account: Account) -> NaraError:
    until = account.locked_until
    return errors.account_locked(until.isoformat() if until else "")


def _check_usable(session: Session, clock: Clock, account: Account, *, client_address: str) -> None:
    """Refuse a disabled or locked account (the refusal is audited)."""
    if account.disabled_at is not None:
        raise errors.invalid_credentials()
    if account.locked_until is not None and account.locked_until > clock.now():
        account_id = account.id
        actor = sessions.actor_of(account)

        def write(s: Session) -> None:
            audit(
                s,
                clock,
                event="signin_locked",
                account_id=account_id,
                actor=actor,
                client_address=client_address,
            )
            s.flush()

        keep_on_rollback(session, write)
        raise _locked(account)


def needs_totp(account: Account) -> bool:
    """An official's generator counts from creation; a citizen's once he confirmed it."""
    if account.totp_secret is None:
        return False
    return account.kind == "official" or account.totp_confirmed_at is not None


def signin_password(
    session: Session,
    *,
    clock: Clock,
    cipher: PiiCipher,
    settings: Settings,
    login: str,
    password: str,
    client_address: str,
    user_agent: str = "",
) -> SignIn:
    """First step of a password sign-in.

    A citizen without TOTP is signed in (one factor; the portal nudges him to a passkey);
    an account with TOTP gets a pending step for its code; an official without a second
    factor is refused (`second_factor_required`).
    """
    account = find_account(session, cipher, login)
    if account is None or account.password_hash is None:
        credentials.burn_time(password)
        _unknown_failure(session, clock, login=login, client_address=client_address)
        raise errors.invalid_credentials()
    _check_usable(session, clock, account, client_address=client_address)
    if not credentials.verify_password(account, password):
        raise _refuse(
            session,
            clock,
            settings,
            account,
            errors.invalid_credentials(),
            reason="wrong_password",
            client_address=client_address,
        )
    if needs_totp(account):
        handle = passkeys.open_pending(
            session, clock, purpose="totp_signin", account_id=account.id, challenge=None
        )
        pending = repository.pending(session, sessions.digest(handle))
        return SignIn(
            account=account,
            pending=handle,
            pending_expires_at=pending.expires_at if pending else None,
        )
    if account.kind == "official":
        raise errors.second_factor_required()
    row, token = sessions.start(
        session,
        clock,
        settings,
        account,
        method="password",
        client_address=client_address,
        user_agent=user_agent,
    )
    return SignIn(account=account, session=row, token=token)


def signin_totp(
    session: Session,
    *,
    clock: Clock,
    cipher: PiiCipher,
    settings: Settings,
    pending: str,
    code: str,
    client_address: str,
    user_agent: str = "",
) -> SignIn:
    """Second step: the one-time code of the account the password step found."""
    row = passkeys.take_pending(session, clock, pending, purpose="totp_signin", consume=False)
    account = get_account(session, row.account_id or 0)
    _check_usable(session, clock, account, client_address=client_address)
    if not credentials.verify_totp(account, cipher, clock, code):
        raise _refuse(
            session,
            clock,
            settings,
            account,
            errors.totp_invalid(),
            reason="wrong_totp",
            client_address=client_address,
        )
    row.used_at = clock.now()
    if account.totp_confirmed_at is None:
        account.totp_confirmed_at = clock.now()
    started, token = sessions.start(
        session,
        clock,
        settings,
        account,
        method="password_totp",
        client_address=client_address,
        user_agent=user_agent,
    )
    return SignIn(account=account, session=started, token=token)


def passkey_signin_options(
    session: Session,
    *,
    clock: Clock,
    cipher: PiiCipher,
    settings: Settings,
    login: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """Options of a passkey sign-in: for the account of `login`, or any passkey of this site.

    An unknown login gets options as a known one does (nothing is revealed).
    """
    account = find_account(session, cipher, login) if login else None
    return passkeys.authentication_options(session, clock, settings, account=account)


def signin_passkey(
    session: Session,
    *,
    clock: Clock,
    settings: Settings,
    pending: str,
    credential: dict[str, Any],
    client_address: str,
    user_agent: str = "",
) -> SignIn:
    """A passkey sign-in: two factors in one step (the device and its user verification)."""
    row = passkeys.take_pending(session, clock, pending, purpose="passkey_signin")
    passkey = repository.passkey_by_credential(session, passkeys.credential_id_of(credential))
    if passkey is None or (row.account_id is not None and row.account_id != passkey.account_id):
        _unknown_failure(session, clock, login="passkey", client_address=client_address)
        raise errors.passkey_invalid("unknown credential")
    account = get_account(session, passkey.account_id)
    _check_usable(session, clock, account, client_address=client_address)
    try:
        passkeys.verify_assertion(clock, settings, passkey, row, credential)
    except NaraError as refusal:
        raise _refuse(
            session,
            clock,
            settings,
            account,
            refusal,
            reason="passkey_refused",
            client_address=client_address,
        ) from None
    started, token = sessions.start(
        session,
        clock,
        settings,
        account,
        method="passkey",
        client_address=client_address,
        user_agent=user_agent,
    )
    return SignIn(account=account, session=started, token=token)


# Credentials ------------------------------------------------------------------------------


def enrol_totp(session: Session, *, clock: Clock, cipher: PiiCipher, principal: Principal) -> str:
    """Start (or restart) TOTP for the signed-in account; returns the provisioning URI.

    A citizen's new generator counts once confirmed with a code (`confirm_totp`).
    """
    account = get_account(session, principal.account_id)
    secret = credentials.new_totp_secret()
    account.totp_secret = credentials.seal_totp_secret(cipher, secret)
    account.totp_confirmed_at = None
    account.totp_last_step = None
    log_change(
        session, clock, account=account, action="totp_enrolled", data={}, actor=principal.actor
    )
    audit(
        session,
        clock,
        event="totp_enrolled",
        account_id=account.id,
        actor=principal.actor,
        client_address=principal.client_address,
    )
    name = account.login or f"citizen-{account.id}"
    return credentials.provisioning_uri(secret, account_name=name)


def confirm_totp(
    session: Session, *, clock: Clock, cipher: PiiCipher, principal: Principal, code: str
) -> Account:
    account = get_account(session, principal.account_id)
    if account.totp_secret is None:
        raise errors.totp_not_enrolled()
    if not credentials.verify_totp(account, cipher, clock, code):
        raise errors.totp_invalid()
    account.totp_confirmed_at = clock.now()
    log_change(
        session, clock, account=account, action="totp_confirmed", data={}, actor=principal.actor
    )
    audit(
        session,
        clock,
        event="totp_confirmed",
        account_id=account.id,
        actor=principal.actor,
        client_address=principal.client_address,
    )
    return account


def change_password(
    session: Session, *, clock: Clock, principal: Principal, current: str, new: str
) -> None:
    account = get_account(session, principal.account_id)
    if account.password_hash is not None and not credentials.verify_password(account, current):
        raise errors.invalid_credentials()
    credentials.check_password_strength(new)
    account.password_hash = credentials.hash_password(new)
    log_change(
        session, clock, account=account, action="password_changed", data={}, actor=principal.actor
    )
    audit(
        session,
        clock,
        event="password_changed",
        account_id=account.id,
        actor=principal.actor,
        client_address=principal.client_address,
    )


def passkey_registration_options(
    session: Session, *, clock: Clock, settings: Settings, principal: Principal
) -> tuple[str, dict[str, Any]]:
    account = get_account(session, principal.account_id)
    return passkeys.registration_options(session, clock, settings, account)


def add_passkey(
    session: Session,
    *,
    clock: Clock,
    settings: Settings,
    principal: Principal,
    pending: str,
    credential: dict[str, Any],
    name: str,
) -> Passkey:
    account = get_account(session, principal.account_id)
    passkey = passkeys.register(
        session, clock, settings, account, handle=pending, credential=credential, name=name
    )
    log_change(
        session,
        clock,
        account=account,
        action="passkey_added",
        data={"passkey_id": passkey.id, "name": passkey.name},
        actor=principal.actor,
    )
    audit(
        session,
        clock,
        event="passkey_added",
        account_id=account.id,
        actor=principal.actor,
        target=f"passkey:{passkey.id}",
        client_address=principal.client_address,
    )
    return passkey


def passkeys_of(session: Session, principal: Principal) -> Sequence[Passkey]:
    return repository.passkeys_of(session, principal.account_id)


# Sessions ---------------------------------------------------------------------------------


def sessions_of(
    session: Session, *, clock: Clock, settings: Settings, principal: Principal
) -> list[SignInSession]:
    """The principal's live sessions, oldest first."""
    now = clock.now()
    rows = repository.open_sessions(session, principal.account_id, now)
    return [r for r in rows if sessions.is_active(r, settings, now)]


def revoke_session(
    session: Session, *, clock: Clock, principal: Principal, session_id: int
) -> SignInSession:
    row = session.get(SignInSession, session_id)
    if row is None or row.account_id != principal.account_id:
        raise errors.session_unknown(session_id)
    sessions.revoke(
        session, clock, row, actor=principal.actor, client_address=principal.client_address
    )
    return row


def revoke_all(
    session: Session, *, clock: Clock, principal: Principal, keep_current: bool = False
) -> int:
    """Revoke every session of the principal (but the current one if `keep_current`)."""
    count = 0
    for row in repository.open_sessions(session, principal.account_id, clock.now()):
        if keep_current and row.id == principal.session_id:
            continue
        sessions.revoke(
            session, clock, row, actor=principal.actor, client_address=principal.client_address
        )
        count += 1
    return count


def sign_out(session: Session, *, clock: Clock, principal: Principal) -> None:
    row = session.get_one(SignInSession, principal.session_id)
    sessions.revoke(
        session,
        clock,
        row,
        actor=principal.actor,
        event="signout",
        client_address=principal.client_address,
    )


# Demo -------------------------------------------------------------------------------------


def ensure_demo_accounts(
    session: Session, *, clock: Clock, person_id: int, official_agency: str = "vehicles"
) -> tuple[Account, Account]:
    """The demo citizen (bound to resident `person_id`) and demo official, made once.

    The official works for the vehicle register by default: its re-issue of a registration
    card is the service whose approval issues a certificate, the whole single window in one
    walk.

    Demo accounts have no password or second factor: they are reached only by the demo
    sign-in, which exists only when `NARA_ENVIRONMENT=demo`.
    """
    citizen = repository.demo_account(session, "citizen")
    if citizen is None:
        citizen = _demo_account(
            session,
            clock,
            kind="citizen",
            display_name=DEMO_CITIZEN_NAME,
            person_id=person_id,
        )
    official = repository.demo_account(session, "official")
    if official is None:
        official = _demo_account(
            session,
            clock,
            kind="official",
            display_name=DEMO_OFFICIAL_NAME,
            login=DEMO_OFFICIAL_LOGIN,
            agency=official_agency,
            roles="admin clerk",
        )
    return citizen, official


def _demo_account(
    session: Session,
    clock: Clock,
    *,
    kind: str,
    display_name: str,
    person_id: int | None = None,
    login: str | None = None,
    agency: str | None = None,
    roles: str = "",
) -> Account:
    account = Account(
        kind=kind,
        person_id=person_id,
        rrn_index=None,
        login=login,
        agency=agency,
        roles=roles,
        display_name=display_name,
        password_hash=None,
        totp_secret=None,
        totp_confirmed_at=None,
        totp_last_step=None,
        failed_attempts=0,
        locked_until=None,
        demo=True,
        created_at=clock.now(),
        disabled_at=None,
    )
    session.add(account)
    session.flush()
    log_change(
        session,
        clock,
        account=account,
        action="demo_account_created",
        data={"kind": kind, "person_id": person_id, "agency": agency},
        actor="system",
    )
    return account


def demo_signin(
    session: Session,
    *,
    clock: Clock,
    settings: Settings,
    kind: str,
    client_address: str,
    user_agent: str = "",
) -> SignIn:
    """Sign in the seeded demo citizen or official; only in the demo environment."""
    if settings.environment != "demo":
        raise errors.demo_off()
    account = repository.demo_account(session, kind)
    if account is None:
        raise errors.demo_unseeded(kind)
    row, token = sessions.start(
        session,
        clock,
        settings,
        account,
        method="demo",
        client_address=client_address,
        user_agent=user_agent,
    )
    return SignIn(account=account, session=row, token=token)
