"""What the applications package reads through the exchange, the events it announces and its
in-process consumer.

The single window reads the registries as `gov24` (`CLIENT`) to fill forms: the services
named by the catalogue's `prefill` declarations (`USES`).
"""

from __future__ import annotations

from nara.applications.catalogue import SERVICES
from nara.applications.notify import CONSUMER, notify
from nara.applications.service import CLIENT

EVENTS: dict[str, str] = {
    "application.created": "A citizen started an application (number, service, agency).",
    "application.updated": "A draft's fields, prefill or attachments changed.",
    "application.paid": "The fee of an application was paid (simulated payment, receipt).",
    "application.status-changed": "An application changed status (with the notice sent).",
    "application.message-sent": "A message was added to an application's thread.",
}
"""Event types this package publishes through the outbox."""

USES: tuple[str, ...] = tuple(
    dict.fromkeys(prefill.service for service in SERVICES for prefill in service.prefill)
)
"""Services of other agencies the forms are filled from, as `CLIENT`."""

CONSUMERS = {CONSUMER: notify}
"""`applications.notify`: sends the notices of status changes and messages through the
gateways (`nara.applications.notify`)."""

__all__ = ["CLIENT", "CONSUMERS", "EVENTS", "USES"]
