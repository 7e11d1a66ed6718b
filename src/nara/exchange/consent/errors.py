"""Refusals of the consent API: who may act for an individual, mandates, and GovStack ids.

The rules of agreements and records raise theirs where they are made (`service.py`:
`agreement_unknown`, `agreement_inactive`, `consent_not_applicable`, `consent_unknown`,
`expiry_in_past`, `expiry_invalid`); docs/consent.md lists every code.
"""

from __future__ import annotations

from typing import Final

from nara.core.errors import (
    Conflict,
    Forbidden,
    Invalid,
    Message,
    NaraError,
    NotFound,
    Unauthorized,
)

INDIVIDUAL_HEADER: Final = "X-ConsentBB-IndividualId"
MANDATE_HEADER: Final = "X-Nara-Mandate"


class Malformed(NaraError):
    """A path parameter that cannot be an id at all (400, as GovStack's 'bad input')."""

    status = 400
    title = Message("Bad request", "잘못된 요청")


# Who acts for the individual --------------------------------------------------------------


def credentials_missing() -> Unauthorized:
    return Unauthorized(
        "credentials_missing",
        Message(
            "Sign in as the individual, or call with a bearer token under a mandate for them "
            f"(headers {MANDATE_HEADER} and {INDIVIDUAL_HEADER}).",
            "본인으로 로그인하거나, 정보주체에 대한 위임을 보유한 인증 토큰으로 호출하세요"
            f"({MANDATE_HEADER}, {INDIVIDUAL_HEADER} 헤더).",
        ),
    )


def individual_not_established() -> Forbidden:
    return Forbidden(
        "individual_not_established",
        Message(
            "A token alone does not speak for an individual: name the mandate it holds for "
            f"them in {MANDATE_HEADER} and the individual in {INDIVIDUAL_HEADER}.",
            "토큰만으로는 정보주체를 대리할 수 없습니다. 보유한 위임을 "
            f"{MANDATE_HEADER} 헤더에, 정보주체를 {INDIVIDUAL_HEADER} 헤더에 지정하세요.",
        ),
        {"headers": [MANDATE_HEADER, INDIVIDUAL_HEADER]},
    )


def individual_mismatch(*, mandate: str | None = None) -> Forbidden:
    if mandate is None:
        return Forbidden(
            "individual_mismatch",
            Message(
                "A signed-in citizen gives or withdraws only his own consent; the individual "
                "named is someone else.",
                "로그인한 시민은 본인의 동의만 제공하거나 철회할 수 있습니다. 지정한 "
                "정보주체가 본인이 아닙니다.",
            ),
        )
    return Forbidden(
        "individual_mismatch",
        Message(
            f"The mandate {mandate} is for another individual.",
            f"다른 정보주체에 대한 위임입니다: {mandate}",
        ),
        {"mandate_id": mandate},
    )


def individual_ambiguous() -> Invalid:
    return Invalid(
        "individual_ambiguous",
        Message(
            f"individualId and {INDIVIDUAL_HEADER} name different individuals.",
            f"individualId와 {INDIVIDUAL_HEADER} 헤더가 서로 다른 정보주체를 가리킵니다.",
        ),
        {"field": "individualId"},
    )


def citizen_holds_no_mandate() -> Forbidden:
    return Forbidden(
        "mandate_not_held",
        Message(
            "A citizen's session holds no mandate: a mandate is held by an official's system "
            "(its API token).",
            "시민의 로그인 세션은 위임을 보유하지 않습니다. 위임은 공무원 시스템의 API 토큰이 "
            "보유합니다.",
        ),
    )


def mandate_not_held(mandate: str) -> Forbidden:
    return Forbidden(
        "mandate_not_held",
        Message(
            f"The mandate {mandate} is not held by this token.",
            f"이 토큰이 보유한 위임이 아닙니다: {mandate}",
        ),
        {"mandate_id": mandate},
    )


def mandate_unrecognised(mandate: str) -> Forbidden:
    """The mandate a caller acts under does not exist (403: the caller may not act)."""
    return Forbidden(
        "mandate_unknown",
        Message(f"No mandate {mandate}.", f"위임이 없습니다: {mandate}"),
        {"mandate_id": mandate},
    )


_NOT_IN_FORCE: Final = {
    "revoked": Message("it has been revoked", "철회됨"),
    "expired": Message("it has expired", "기간 만료"),
    "not_started": Message("it is not yet in force", "효력 발생 전"),
}


def mandate_not_in_force(mandate: str, reason: str) -> Forbidden:
    why = _NOT_IN_FORCE[reason]
    return Forbidden(
        "mandate_not_in_force",
        Message(
            f"The mandate {mandate} is not in force: {why.en}.",
            f"효력이 없는 위임입니다({why.ko}): {mandate}",
        ),
        {"mandate_id": mandate, "reason": reason},
    )


# The mandate register ---------------------------------------------------------------------


def mandate_unknown(mandate: str) -> NotFound:
    return NotFound(
        "mandate_unknown",
        Message(f"No mandate {mandate}.", f"위임이 없습니다: {mandate}"),
        {"mandate_id": mandate},
    )


def mandate_revoked(mandate: str) -> Conflict:
    return Conflict(
        "mandate_revoked",
        Message(
            f"The mandate {mandate} is already revoked.",
            f"이미 철회된 위임입니다: {mandate}",
        ),
        {"mandate_id": mandate},
    )


def mandate_holder_unknown(holder: str) -> Invalid:
    return Invalid(
        "mandate_holder_unknown",
        Message(
            f"The holder {holder!r} is not an API token in use: name one as token:<name>.",
            f"사용 중인 API 토큰이 아닙니다: {holder!r}. 보유자는 token:<이름> 형식으로 "
            "지정하세요.",
        ),
        {"field": "holder"},
    )


def mandate_period_invalid() -> Invalid:
    return Invalid(
        "mandate_period_invalid",
        Message(
            "A mandate ends after it starts, and in the future.",
            "위임 종료 시각은 시작 시각보다 뒤이고 미래여야 합니다.",
        ),
        {"field": "valid_until"},
    )


# GovStack ids -----------------------------------------------------------------------------


def agreement_id_invalid(value: str) -> Malformed:
    return Malformed(
        "agreement_id_invalid",
        Message(
            f"A data agreement id on this API is a number, not {value!r}.",
            f"이 API의 데이터 협약 ID는 숫자여야 합니다: {value!r}",
        ),
        {"agreement_id": value},
    )


def policy_id_invalid(value: str) -> Malformed:
    return Malformed(
        "policy_id_invalid",
        Message(
            f"A policy id is a number, not {value!r}.",
            f"정책 ID는 숫자여야 합니다: {value!r}",
        ),
        {"policy_id": value},
    )


def policy_unknown(value: str) -> NotFound:
    return NotFound(
        "policy_unknown",
        Message(f"No policy {value}.", f"{value}번 정책이 없습니다."),
        {"policy_id": value},
    )


def agreement_number_unknown(value: str) -> NotFound:
    return NotFound(
        "agreement_unknown",
        Message(f"No data agreement {value}.", f"{value}번 데이터 협약이 없습니다."),
        {"agreement_id": value},
    )
