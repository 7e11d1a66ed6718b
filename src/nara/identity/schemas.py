"""Pydantic models of the identity API. No RRN ever appears in a `Read`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nara.identity.models import Account, Passkey, SignInSession
from nara.identity.roles import permissions_of


class CitizenCreate(BaseModel):
    rrn: str = Field(min_length=13, max_length=14, description="13 digits, hyphen optional.")
    name_ko: str = Field(min_length=1, max_length=40)
    birth_date: dt.date
    password: str = Field(min_length=1, max_length=200)


class OfficialCreate(BaseModel):
    agency: str = Field(min_length=2, max_length=32)
    login: str = Field(min_length=1, max_length=64)
    display_name: str = Field(min_length=1, max_length=100)
    roles: list[str] = Field(min_length=1)
    password: str = Field(min_length=1, max_length=200)


class PasswordSignIn(BaseModel):
    login: str = Field(
        min_length=1, max_length=64, description="An official's login, or a citizen's RRN."
    )
    password: str = Field(min_length=1, max_length=200)


class TotpSignIn(BaseModel):
    pending: str = Field(min_length=1, max_length=100)
    code: str = Field(min_length=1, max_length=10)


class PasskeyOptionsRequest(BaseModel):
    login: str | None = Field(default=None, max_length=64)


class PasskeySignIn(BaseModel):
    pending: str = Field(min_length=1, max_length=100)
    credential: dict[str, Any]


class PasskeyCreate(BaseModel):
    pending: str = Field(min_length=1, max_length=100)
    credential: dict[str, Any]
    name: str = Field(default="passkey", max_length=100)


class TotpCode(BaseModel):
    code: str = Field(min_length=1, max_length=10)


class PasswordChange(BaseModel):
    current: str = Field(max_length=200)
    new: str = Field(min_length=1, max_length=200)


class AccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    display_name: str
    person_id: int | None
    agency: str | None
    login: str | None
    roles: list[str]
    permissions: list[str]
    demo: bool
    totp: bool

    @classmethod
    def of(cls, account: Account) -> AccountRead:
        roles = account.roles.split()
        return cls(
            id=account.id,
            kind=account.kind,
            display_name=account.display_name,
            person_id=account.person_id,
            agency=account.agency,
            login=account.login,
            roles=roles,
            permissions=sorted(permissions_of(account.agency, roles)) if account.agency else [],
            demo=account.demo,
            totp=account.totp_secret is not None,
        )


class SignInResult(BaseModel):
    """`signed_in` with the session's CSRF token, or `totp_required` with a pending handle."""

    status: Literal["signed_in", "totp_required"]
    account: AccountRead | None = None
    method: str | None = None
    csrf_token: str | None = None
    expires_at: dt.datetime | None = None
    pending: str | None = None
    demo: bool = False


class CeremonyOptions(BaseModel):
    """A passkey ceremony: its handle and the options for the browser's WebAuthn call."""

    pending: str
    options: dict[str, Any]


class TotpEnrolment(BaseModel):
    provisioning_uri: str


class OfficialCreated(BaseModel):
    account: AccountRead
    totp_provisioning_uri: str


class PasskeyRead(BaseModel):
    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None

    @classmethod
    def of(cls, row: Passkey) -> PasskeyRead:
        return cls(
            id=row.id, name=row.name, created_at=row.created_at, last_used_at=row.last_used_at
        )


class SessionRead(BaseModel):
    id: int
    method: str
    client_address: str
    user_agent: str
    created_at: dt.datetime
    last_seen: dt.datetime
    expires_at: dt.datetime
    current: bool

    @classmethod
    def of(cls, row: SignInSession, *, current_id: int) -> SessionRead:
        return cls(
            id=row.id,
            method=row.method,
            client_address=row.client_address,
            user_agent=row.user_agent,
            created_at=row.created_at,
            last_seen=row.last_seen,
            expires_at=row.expires_at,
            current=row.id == current_id,
        )


class Revoked(BaseModel):
    revoked: int
