"""Passwords (argon2id) and one-time codes (TOTP, RFC 6238).

Password hashes are argon2id with the parameters of `HASHER`; a hash made with other
parameters is replaced at the next successful sign-in. TOTP secrets are stored encrypted
with the PII cipher (its own associated data); a code is accepted one 30-second step either
side of now, and a step once used (or any earlier one) is refused, so a code cannot be
replayed.
"""

from __future__ import annotations

import datetime as dt
import hmac

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from nara.core.clock import Clock
from nara.core.pii import PiiCipher
from nara.identity import errors
from nara.identity.models import Account

HASHER = PasswordHasher()
"""The argon2id hasher (library defaults, RFC 9106 low-memory profile)."""

MIN_PASSWORD_LENGTH = 10
TOTP_STEP_SECONDS = 30
TOTP_CONTEXT = b"identity/totp"
ISSUER = "Nara"

_DUMMY_HASH: list[str] = []


def check_password_strength(password: str, *, birth_date: dt.date | None = None) -> None:
    """Refuse a password that is short, all digits, or contains the birth date."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise errors.password_weak(
            f"A password has at least {MIN_PASSWORD_LENGTH} characters.",
            f"비밀번호는 {MIN_PASSWORD_LENGTH}자 이상이어야 합니다.",
        )
    if password.isdigit():
        raise errors.password_weak(
            "A password is not only digits.", "비밀번호는 숫자로만 이루어질 수 없습니다."
        )
    if birth_date is not None:
        forms = {f"{birth_date:%Y%m%d}", f"{birth_date:%y%m%d}", birth_date.isoformat()}
        if any(form in password for form in forms):
            raise errors.password_weak(
                "A password does not contain the birth date.",
                "비밀번호에 생년월일을 넣을 수 없습니다.",
            )


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(account: Account, password: str) -> bool:
    """Whether `password` is the account's; rehashes it when the parameters changed."""
    if account.password_hash is None:
        burn_time(password)
        return False
    try:
        HASHER.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = HASHER.hash(password)
    return True


def burn_time(password: str) -> None:
    """Spend the time of one verification, so an unknown login answers as slowly as a known."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(HASHER.hash("nara-no-such-account"))
    try:
        HASHER.verify(_DUMMY_HASH[0], password)
    except (VerificationError, InvalidHashError):
        return


# One-time codes ---------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def seal_totp_secret(cipher: PiiCipher, secret: str) -> bytes:
    return cipher.encrypt(secret, context=TOTP_CONTEXT)


def open_totp_secret(cipher: PiiCipher, sealed: bytes) -> str:
    return cipher.decrypt(sealed, context=TOTP_CONTEXT)


def provisioning_uri(secret: str, *, account_name: str) -> str:
    """The `otpauth://` URI an authenticator app reads (shown as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=ISSUER)


def current_step(clock: Clock) -> int:
    return int(clock.now().timestamp()) // TOTP_STEP_SECONDS


def totp_code(secret: str, step: int) -> str:
    """The code of `secret` at a time step (tests and authenticators compute the same)."""
    return pyotp.TOTP(secret).at(step * TOTP_STEP_SECONDS)


def verify_totp(account: Account, cipher: PiiCipher, clock: Clock, code: str) -> bool:
    """Whether `code` is valid now (±1 step) and newer than the last accepted step.

    On success the step is remembered on the account, which refuses it from then on.
    """
    if account.totp_secret is None:
        return False
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return False
    secret = open_totp_secret(cipher, account.totp_secret)
    now = current_step(clock)
    last = account.totp_last_step if account.totp_last_step is not None else -1
    for step in (now - 1, now, now + 1):
        if step <= last:
            continue
        if hmac.compare_digest(totp_code(secret, step), code):
            account.totp_last_step = step
            return True
    return False
