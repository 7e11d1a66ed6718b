"""The append-only audit trail: sign-ins, sign-outs, credential changes, officials' actions.

Refusals are evidence too: a failed sign-in's entry is written with `keep_on_rollback`, so it
stays when the request that refused the sign-in rolls back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.identity.models import AuditEntry

if TYPE_CHECKING:
    from nara.identity.access import Principal

EVENTS = frozenset(
    {
        "signin_succeeded",
        "signin_failed",
        "signin_locked",
        "account_locked",
        "signout",
        "session_revoked",
        "password_changed",
        "totp_enrolled",
        "totp_confirmed",
        "passkey_added",
        "official_created",
        "official_action",
    }
)


def audit(
    session: Session,
    clock: Clock,
    *,
    event: str,
    account_id: int | None,
    actor: str,
    target: str = "",
    data: dict[str, Any] | None = None,
    client_address: str = "",
) -> AuditEntry:
    """Append one entry to `identity_audit` in the current transaction."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    entry = AuditEntry(
        account_id=account_id,
        actor=actor[:96],
        event=event,
        target=target[:200],
        data=data or {},
        client_address=client_address[:64],
        recorded_at=clock.now(),
    )
    session.add(entry)
    return entry


def audit_action(
    session: Session,
    official: Principal,
    action: str,
    target: str,
    *,
    clock: Clock,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record an official's action (`application.decide`, `application:17`) in the trail.

    Other packages call this for every action an official takes, in the transaction of the
    action itself. `data` must not hold clear personal identifiers.
    """
    return audit(
        session,
        clock,
        event="official_action",
        account_id=official.account_id,
        actor=official.actor,
        target=target,
        data={"action": action, **(data or {})},
        client_address=official.client_address,
    )
