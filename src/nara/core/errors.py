"""Domain errors: each carries its HTTP status and a stable machine-readable `code`.

Web handlers render them as `application/problem+json` (RFC 9457); the CLI prints them.
Messages come in English and Korean; the caller's `Accept-Language` picks one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class Message:
    """A human message in both of the platform's languages."""

    en: str
    ko: str

    def in_language(self, language: str) -> str:
        return self.ko if language == "ko" else self.en


@dataclass
class NaraError(Exception):
    """Base of every error a user may see.

    `code` is stable (clients branch on it); `message` explains it to a person;
    `extra` adds machine-readable members to the problem document (e.g. `field`).
    """

    code: str
    message: Message
    extra: dict[str, Any] = field(default_factory=dict)

    status: ClassVar[int] = 400
    title: ClassVar[Message] = Message("Bad request", "잘못된 요청")

    def __str__(self) -> str:
        return f"{self.code}: {self.message.en}"


class NotFound(NaraError):
    status = 404
    title = Message("Not found", "찾을 수 없음")


class Conflict(NaraError):
    """The request is well formed but contradicts the state of the register."""

    status = 409
    title = Message("Conflict with the register", "등록 정보와 충돌")


class Invalid(NaraError):
    """A value failed a domain rule (a bad RRN checksum, an end before a start, ...)."""

    status = 422
    title = Message("Invalid input", "입력값 오류")


class Unauthorized(NaraError):
    status = 401
    title = Message("Authentication required", "인증 필요")


class Forbidden(NaraError):
    status = 403
    title = Message("Not permitted", "권한 없음")


def invalid(code: str, en: str, ko: str, *, field_name: str | None = None) -> Invalid:
    """Shorthand for an `Invalid` error about one field."""
    extra = {"field": field_name} if field_name else {}
    return Invalid(code, Message(en, ko), extra)


class TooManyRequests(NaraError):
    """Too many requests from one client address (HTTP 429)."""

    status = 429
    title = Message("Too many requests", "요청 횟수 초과")


class Unavailable(NaraError):
    """The platform cannot serve the request now (the database is busy); retrying later may
    succeed."""

    status = 503
    title = Message("Service unavailable", "서비스를 일시적으로 사용할 수 없음")
