"""Queries of identity: the only place that reads its tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.identity.models import Account, AuditEntry, Passkey, Pending, SignInSession


def account(session: Session, account_id: int) -> Account | None:
    return session.get(Account, account_id)


def account_by_login(session: Session, login: str) -> Account | None:
    return session.scalar(select(Account).where(Account.login == login))


def account_by_rrn_index(session: Session, rrn_index: bytes) -> Account | None:
    return session.scalar(select(Account).where(Account.rrn_index == rrn_index))


def account_by_person(session: Session, person_id: int) -> Account | None:
    return session.scalar(select(Account).where(Account.person_id == person_id))


def demo_account(session: Session, kind: str) -> Account | None:
    return session.scalar(
        select(Account)
        .where(Account.demo.is_(True), Account.kind == kind)
        .order_by(Account.id)
        .limit(1)
    )


def passkeys_of(session: Session, account_id: int) -> Sequence[Passkey]:
    return session.scalars(
        select(Passkey).where(Passkey.account_id == account_id).order_by(Passkey.id)
    ).all()


def passkey_by_credential(session: Session, credential_id: bytes) -> Passkey | None:
    return session.scalar(select(Passkey).where(Passkey.credential_id == credential_id))


def pending(session: Session, token_sha256: str) -> Pending | None:
    return session.scalar(select(Pending).where(Pending.token_sha256 == token_sha256))


def session_by_token(session: Session, token_sha256: str) -> SignInSession | None:
    return session.scalar(select(SignInSession).where(SignInSession.token_sha256 == token_sha256))


def open_sessions(session: Session, account_id: int, now: dt.datetime) -> Sequence[SignInSession]:
    """The account's sessions that are neither revoked nor past their absolute end."""
    return session.scalars(
        select(SignInSession)
        .where(
            SignInSession.account_id == account_id,
            SignInSession.revoked_at.is_(None),
            SignInSession.expires_at > now,
        )
        .order_by(SignInSession.id)
    ).all()


def audit_of(session: Session, account_id: int, *, limit: int = 100) -> Sequence[AuditEntry]:
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.account_id == account_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    ).all()
