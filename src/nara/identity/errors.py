"""The refusals of identity, each with a stable code and an English and Korean message."""

from __future__ import annotations

from nara.core.errors import (
    Conflict,
    Forbidden,
    Invalid,
    Message,
    NaraError,
    NotFound,
    Unauthorized,
)
from nara.core.errors import TooManyRequests as CoreTooManyRequests


class Locked(NaraError):
    """The account is locked for a while after failed sign-ins in a row (HTTP 423)."""

    status = 423
    title = Message("Account locked", "계정 잠김")


class TooManyRequests(CoreTooManyRequests):
    """Too many sign-in attempts from one client address (HTTP 429)."""

    title = Message("Too many attempts", "시도 횟수 초과")


def identity_mismatch() -> Invalid:
    return Invalid(
        "identity_mismatch",
        Message(
            "The resident registration number, name and birth date do not match a "
            "registered resident.",
            "주민등록번호, 성명, 생년월일이 등록된 주민과 일치하지 않습니다.",
        ),
    )


def person_not_alive() -> Conflict:
    return Conflict(
        "person_not_alive",
        Message(
            "The resident register does not record this person as living in Korea.",
            "주민등록상 국내에 생존 중인 사람이 아닙니다.",
        ),
    )


def account_exists() -> Conflict:
    return Conflict(
        "account_exists",
        Message("An account already exists for this person.", "이미 가입된 계정이 있습니다."),
    )


def login_taken(login: str) -> Conflict:
    return Conflict(
        "account_exists",
        Message(f"The login '{login}' is taken.", f"'{login}' 아이디는 이미 사용 중입니다."),
        {"login": login},
    )


def password_weak(en: str, ko: str) -> Invalid:
    return Invalid("password_weak", Message(en, ko), {"field": "password"})


def invalid_credentials() -> Unauthorized:
    return Unauthorized(
        "invalid_credentials",
        Message("The login or password is wrong.", "아이디 또는 비밀번호가 올바르지 않습니다."),
    )


def totp_invalid() -> Unauthorized:
    return Unauthorized(
        "totp_invalid",
        Message(
            "The one-time code is wrong, expired or already used.",
            "일회용 인증번호가 틀렸거나 만료되었거나 이미 사용되었습니다.",
        ),
    )


def second_factor_required() -> Forbidden:
    return Forbidden(
        "second_factor_required",
        Message(
            "Officials sign in with two factors: a passkey, or a password and a one-time code. "
            "This account has no second factor; ask your agency's administrator.",
            "공무원은 2단계 인증(패스키, 또는 비밀번호와 일회용 인증번호)으로 로그인해야 "
            "합니다. 이 계정에는 2단계 인증 수단이 없으니 기관 관리자에게 문의하세요.",
        ),
    )


def account_locked(until: str) -> Locked:
    return Locked(
        "account_locked",
        Message(
            f"Too many failed sign-ins: the account is locked until {until}.",
            f"로그인 실패가 반복되어 {until}까지 계정이 잠겼습니다.",
        ),
        {"locked_until": until},
    )


def too_many_attempts() -> TooManyRequests:
    return TooManyRequests(
        "too_many_attempts",
        Message(
            "Too many sign-in attempts from this address; wait a minute and try again.",
            "이 주소에서 로그인 시도가 너무 많습니다. 잠시 후 다시 시도하세요.",
        ),
    )


def signin_expired() -> Unauthorized:
    return Unauthorized(
        "signin_expired",
        Message(
            "This sign-in step is unknown, used or older than five minutes; start again.",
            "로그인 단계가 만료되었거나 이미 사용되었습니다. 처음부터 다시 시도하세요.",
        ),
    )


def passkey_invalid(detail: str = "") -> Unauthorized:
    return Unauthorized(
        "passkey_invalid",
        Message(
            "The passkey's answer could not be verified.",
            "패스키 응답을 확인할 수 없습니다.",
        ),
        {"reason": detail[:200]} if detail else {},
    )


def signin_required() -> Unauthorized:
    return Unauthorized(
        "signin_required",
        Message("Sign in first.", "먼저 로그인하세요."),
    )


def session_expired() -> Unauthorized:
    return Unauthorized(
        "session_expired",
        Message(
            "Your session has ended or was revoked; sign in again.",
            "세션이 만료되었거나 종료되었습니다. 다시 로그인하세요.",
        ),
    )


def citizen_only() -> Forbidden:
    return Forbidden(
        "citizen_only",
        Message("Only citizens may do this.", "시민 계정만 이용할 수 있습니다."),
    )


def permission_missing(permission: str) -> Forbidden:
    return Forbidden(
        "permission_missing",
        Message(
            f"Your roles do not grant '{permission}'.",
            f"역할에 '{permission}' 권한이 없습니다.",
        ),
        {"permission": permission},
    )


def csrf_missing() -> Forbidden:
    return Forbidden(
        "csrf_missing",
        Message(
            "This form lacks its CSRF token (field csrf_token or header X-CSRF-Token).",
            "양식에 CSRF 토큰(csrf_token 필드 또는 X-CSRF-Token 헤더)이 없습니다.",
        ),
    )


def csrf_invalid() -> Forbidden:
    return Forbidden(
        "csrf_invalid",
        Message(
            "This form's CSRF token does not belong to your session.",
            "CSRF 토큰이 현재 세션과 일치하지 않습니다.",
        ),
    )


def session_unknown(session_id: int) -> NotFound:
    return NotFound(
        "session_unknown",
        Message(f"You have no session {session_id}.", f"{session_id}번 세션이 없습니다."),
        {"session_id": session_id},
    )


def totp_not_enrolled() -> Conflict:
    return Conflict(
        "totp_not_enrolled",
        Message(
            "No one-time code generator is being set up; enrol first.",
            "등록 중인 일회용 인증번호 생성기가 없습니다. 먼저 등록하세요.",
        ),
    )


def role_unknown(role: str, known: list[str]) -> Invalid:
    return Invalid(
        "role_unknown",
        Message(
            f"There is no role '{role}' (roles: {', '.join(known)}).",
            f"'{role}' 역할은 없습니다 (역할: {', '.join(known)}).",
        ),
        {"field": "roles", "role": role},
    )


def login_invalid() -> Invalid:
    return Invalid(
        "login_invalid",
        Message(
            "A login is 3 to 64 letters, digits, dots, hyphens or underscores, with a letter.",
            "아이디는 영문자를 포함한 3~64자의 영문, 숫자, 마침표, 하이픈, 밑줄입니다.",
        ),
        {"field": "login"},
    )


def demo_off() -> NotFound:
    return NotFound(
        "demo_off",
        Message("Demo sign-in exists only in the demo.", "데모 로그인은 데모 환경에서만 됩니다."),
    )


def demo_unseeded(kind: str) -> NotFound:
    kind_ko = {"citizen": "시민", "official": "공무원"}.get(kind, kind)
    return NotFound(
        "demo_unseeded",
        Message(
            f"No demo {kind} account has been made.",
            f"데모 {kind_ko} 계정이 만들어지지 않았습니다.",
        ),
    )
