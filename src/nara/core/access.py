"""Who may call what: API tokens with scopes, and the declaration every route makes.

Officials' systems call the registry APIs with a bearer token issued by `nara token create`
(stored only as a SHA-256 digest). Each route declares its access with `require(scope)` or
`public(reason)`; a test walks every route and fails on one that declares neither.
Citizen and official sign-in (sessions, passkeys) builds on this in `nara.identity`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.errors import Forbidden, Invalid, Message, Unauthorized
from nara.core.models import Base, BigId

TOKEN_PREFIX = "nara_"  # noqa: S105  (a prefix, not a secret)


class ApiToken(Base):
    """A credential for a system or official calling the JSON APIs."""

    __tablename__ = "core_api_token"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(96), unique=True)
    scopes: Mapped[str] = mapped_column(String(1000))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    client: Mapped[str | None] = mapped_column(String(1100))
    """The exchange subsystem its holder calls as (`KR/GOV/SCOURT/land`); a token without
    one may not call the exchange's `/r1` interface, whatever its scopes."""
    created_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of a request."""

    name: str
    scopes: frozenset[str]
    client: str | None = None
    """The exchange subsystem the token is bound to, if any."""

    @property
    def actor(self) -> str:
        """How the caller is named in change logs."""
        return f"token:{self.name}"

    def may(self, scope: str) -> bool:
        agency = scope.split(":", 1)[0]
        return scope in self.scopes or f"{agency}:*" in self.scopes or "*" in self.scopes


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


EXCHANGE_CALL = "exchange:call"
"""The scope of calling services through the exchange's `/r1` interface."""


def issue_token(
    session: Session,
    *,
    name: str,
    scopes: list[str],
    now: dt.datetime,
    client: str | None = None,
) -> str:
    """Create a token and return it in clear; only its digest is kept.

    A token given the scope `exchange:call` is bound to the one subsystem it calls as
    (`client`, checked to be a subsystem of the exchange by the caller of this function):
    422 `token_client_missing` without one.
    """
    if EXCHANGE_CALL in scopes and not client:
        raise Invalid(
            "token_client_missing",
            Message(
                "A token that calls the exchange is bound to one client subsystem "
                "(INSTANCE/CLASS/MEMBER/SUBSYSTEM).",
                "정보공유 체계를 호출하는 토큰은 하나의 클라이언트 시스템"
                "(INSTANCE/CLASS/MEMBER/SUBSYSTEM)에 묶여야 합니다.",
            ),
            {"field": "client"},
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            name=name,
            scopes=" ".join(sorted(set(scopes))),
            token_sha256=digest(token),
            client=client or None,
            created_at=now,
            revoked_at=None,
        )
    )
    return token


def authenticate(session: Session, token: str) -> Caller | None:
    row = session.scalar(
        select(ApiToken).where(
            ApiToken.token_sha256 == digest(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None:
        return None
    return Caller(row.name, frozenset(row.scopes.split()), row.client)


ACCESS_MARK = "__nara_access__"


def require(scope: str) -> Callable[..., Caller]:
    """A dependency that admits only callers holding `scope` (or `<agency>:*`)."""

    def dependency(request: Request) -> Caller:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized(
                "token_missing",
                Message(
                    "This API needs a bearer token: Authorization: Bearer <token>.",
                    "이 API는 인증 토큰이 필요합니다: Authorization: Bearer <토큰>.",
                ),
            )
        factory = request.app.state.session_factory
        with factory() as session:
            caller = authenticate(session, token.strip())
        if caller is None:
            raise Unauthorized(
                "token_invalid",
                Message("The token is unknown or revoked.", "알 수 없거나 폐기된 토큰입니다."),
            )
        if not caller.may(scope):
            raise Forbidden(
                "scope_missing",
                Message(
                    f"This token does not carry the scope '{scope}'.",
                    f"이 토큰에는 '{scope}' 권한이 없습니다.",
                ),
                {"scope": scope},
            )
        return caller

    setattr(dependency, ACCESS_MARK, f"scope:{scope}")
    return dependency


def public(reason: str) -> Callable[..., None]:
    """A dependency that admits anyone, declaring why the route is open."""

    def dependency() -> None:
        return None

    setattr(dependency, ACCESS_MARK, f"public:{reason}")
    return dependency


def access_of(call: Any) -> str | None:
    return getattr(call, ACCESS_MARK, None)
