"""What the documents package reads through the exchange, and the events it announces.

Documents are issued by the single window: every call goes out as the `gov24` subsystem
(`CLIENT`), on behalf of the requester, for the purpose each kind declares.
"""

from __future__ import annotations

from nara.documents.kinds import KINDS

CLIENT = "gov24"
"""The subsystem the documents package calls the exchange as."""

EVENTS: dict[str, str] = {
    "document.issued": "A certificate was issued (number, kind, subject person id, SHA-256).",
    "document.revoked": "An issued certificate was revoked; verification shows it as revoked.",
    "document.shared": "A holder made a one-time link to send a certificate to a third party.",
    "document.share_revoked": "A holder withdrew a link to a certificate.",
}
"""Event types this package publishes through the outbox, with what each announces."""

USES: tuple[str, ...] = tuple(
    dict.fromkeys(service for kind in KINDS.values() for service, _ in kind.uses)
)
"""Services of other agencies this package calls, as `CLIENT` (to be granted at install)."""
