"""Tables of identity: accounts, their credentials, pending ceremonies, sessions, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from nara.core.history import ChangeLogMixin
from nara.core.models import Base, BigId

ACCOUNT_KINDS = ("citizen", "official")


class Account(Base):
    """A citizen bound to a resident (by person id), or an official bound to an agency.

    A citizen is found at sign-in by the blind index of his RRN (never the RRN itself);
    an official by his `login`. Roles are space-separated codes (`clerk admin`).
    """

    __tablename__ = "identity_account"
    __table_args__ = (
        CheckConstraint("kind IN ('citizen', 'official')", name="kind"),
        CheckConstraint(
            "(kind = 'citizen' AND person_id IS NOT NULL AND agency IS NULL) OR "
            "(kind = 'official' AND login IS NOT NULL AND agency IS NOT NULL)",
            name="binding",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    person_id: Mapped[int | None] = mapped_column(BigId, unique=True)
    rrn_index: Mapped[bytes | None] = mapped_column(LargeBinary(16), unique=True)
    login: Mapped[str | None] = mapped_column(String(64), unique=True)
    agency: Mapped[str | None] = mapped_column(String(32))
    roles: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_confirmed_at: Mapped[dt.datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigId)
    failed_attempts: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[dt.datetime | None]
    demo: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime]
    disabled_at: Mapped[dt.datetime | None]


class Passkey(Base):
    """A WebAuthn credential of an account: its id, COSE public key and signature counter."""

    __tablename__ = "identity_passkey"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("identity_account.id"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1023), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigId)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime | None]


class Pending(Base):
    """A ceremony under way: a passkey sign-in or registration, or a sign-in awaiting TOTP.

    The client holds the handle (`token_sha256` is its digest); a row is used once and
    expires after five minutes.
    """

    __tablename__ = "identity_pending"
    __table_args__ = (
        CheckConstraint(
            "purpose IN ('passkey_signin', 'passkey_register', 'totp_signin')", name="purpose"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("identity_account.id"), index=True)
    challenge: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class SignInSession(Base):
    """A server-side session: the SHA-256 of the cookie's random token, never the token."""

    __tablename__ = "identity_session"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("identity_account.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    method: Mapped[str] = mapped_column(String(20))
    client_address: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
    last_seen: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class AuditEntry(Base):
    """Append-only trail of sign-ins, sign-outs, credential changes and officials' actions."""

    __tablename__ = "identity_audit"
    __table_args__ = (Index("ix_identity_audit_account", "account_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int | None] = mapped_column(BigId)
    actor: Mapped[str] = mapped_column(String(96))
    event: Mapped[str] = mapped_column(String(48))
    target: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]]
    client_address: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime]


class IdentityChange(Base, ChangeLogMixin):
    """Append-only log of changes to accounts and their credentials."""

    __tablename__ = "identity_change"
