"""Passkeys (WebAuthn, through py_webauthn): the ceremonies' options and their verification.

Challenges are kept server-side in `identity_pending`, bound to the ceremony (the client
carries back an opaque handle), used once and expiring after five minutes. User
verification is required, so a passkey sign-in is two factors in one step: the device
(possession) and its PIN or biometric (knowledge or inherence).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from sqlalchemy.orm import Session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from nara.core.clock import Clock
from nara.core.settings import Settings
from nara.identity import errors, repository
from nara.identity.models import Account, Passkey, Pending
from nara.identity.sessions import digest

CEREMONY_MINUTES = 5
RP_NAME = "Nara 정부24"


def origin_of(settings: Settings) -> str:
    return settings.public_base_url.rstrip("/")


def open_pending(
    session: Session, clock: Clock, *, purpose: str, account_id: int | None, challenge: bytes | None
) -> str:
    """Start a ceremony; the handle the client brings back is returned once."""
    handle = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        Pending(
            token_sha256=digest(handle),
            purpose=purpose,
            account_id=account_id,
            challenge=challenge,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=CEREMONY_MINUTES),
            used_at=None,
        )
    )
    session.flush()
    return handle


def take_pending(
    session: Session, clock: Clock, handle: str, *, purpose: str, consume: bool = True
) -> Pending:
    """The ceremony of `handle` (marked used unless `consume` is false); refused when
    unknown, used, expired or of another purpose."""
    row = repository.pending(session, digest(handle))
    now = clock.now()
    if row is None or row.purpose != purpose or row.used_at is not None or now >= row.expires_at:
        raise errors.signin_expired()
    if consume:
        row.used_at = now
    return row


def registration_options(
    session: Session, clock: Clock, settings: Settings, account: Account
) -> tuple[str, dict[str, Any]]:
    """Options for `navigator.credentials.create()` and the ceremony's handle."""
    existing = repository.passkeys_of(session, account.id)
    options = generate_registration_options(
        rp_id=settings.webauthn_rp_id,
        rp_name=RP_NAME,
        user_name=account.login or f"citizen-{account.id}",
        user_id=str(account.id).encode(),
        user_display_name=account.display_name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in existing],
    )
    handle = open_pending(
        session,
        clock,
        purpose="passkey_register",
        account_id=account.id,
        challenge=options.challenge,
    )
    return handle, json.loads(options_to_json(options))


def register(
    session: Session,
    clock: Clock,
    settings: Settings,
    account: Account,
    *,
    handle: str,
    credential: dict[str, Any],
    name: str,
) -> Passkey:
    """Verify the authenticator's attestation and keep the new passkey."""
    pending = take_pending(session, clock, handle, purpose="passkey_register")
    if pending.account_id != account.id or pending.challenge is None:
        raise errors.signin_expired()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=pending.challenge,
            expected_rp_id=settings.webauthn_rp_id,
            expected_origin=origin_of(settings),
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise errors.passkey_invalid(str(exc)) from None
    if repository.passkey_by_credential(session, verified.credential_id) is not None:
        raise errors.passkey_invalid("this passkey is already registered")
    passkey = Passkey(
        account_id=account.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=name.strip()[:100] or "passkey",
        created_at=clock.now(),
        last_used_at=None,
    )
    session.add(passkey)
    session.flush()
    return passkey


def authentication_options(
    session: Session, clock: Clock, settings: Settings, *, account: Account | None
) -> tuple[str, dict[str, Any]]:
    """Options for `navigator.credentials.get()`: the account's passkeys, or any (discoverable)."""
    allow = (
        [
            PublicKeyCredentialDescriptor(id=p.credential_id)
            for p in repository.passkeys_of(session, account.id)
        ]
        if account is not None
        else []
    )
    options = generate_authentication_options(
        rp_id=settings.webauthn_rp_id,
        allow_credentials=allow,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    handle = open_pending(
        session,
        clock,
        purpose="passkey_signin",
        account_id=account.id if account is not None else None,
        challenge=options.challenge,
    )
    return handle, json.loads(options_to_json(options))


def credential_id_of(credential: dict[str, Any]) -> bytes:
    raw = credential.get("rawId") or credential.get("id")
    if not isinstance(raw, str):
        raise errors.passkey_invalid("the credential has no id")
    try:
        return base64url_to_bytes(raw)
    except (ValueError, TypeError):
        raise errors.passkey_invalid("the credential id is not base64url") from None


def verify_assertion(
    clock: Clock, settings: Settings, passkey: Passkey, pending: Pending, credential: dict[str, Any]
) -> None:
    """Check the assertion's signature, challenge, origin, RP id, user verification and
    counter; raises `passkey_invalid`. On success the counter and last use are updated."""
    if pending.challenge is None:
        raise errors.signin_expired()
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=pending.challenge,
            expected_rp_id=settings.webauthn_rp_id,
            expected_origin=origin_of(settings),
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise errors.passkey_invalid(str(exc)) from None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = clock.now()
