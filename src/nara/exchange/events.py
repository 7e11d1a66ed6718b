"""Events the exchange itself publishes (agencies declare theirs in their `exchange.py`)."""

from __future__ import annotations

EVENTS: dict[str, str] = {
    "personal_data.read": "Another agency read persons' data through the exchange: the "
    "persons, the reading subsystem, service, purpose and message id (the hook for a "
    "citizen's real-time alerts).",
    "consent.given": "A person gave (or renewed) consent to a data agreement.",
    "consent.withdrawn": "A person withdrew consent to a data agreement.",
    "consent.mandate_recorded": "A mandate to consent for a person was recorded (guardian, "
    "power of attorney, court order), with its holder and document.",
    "consent.mandate_revoked": "A mandate to consent for a person was revoked.",
    "exchange.service_enabled": "A service of the directory was enabled.",
    "exchange.service_disabled": "A service of the directory was disabled.",
    "exchange.access_granted": "A client subsystem was granted a right on a service.",
    "exchange.access_revoked": "A right of a client subsystem on a service was revoked.",
    "exchange.subscription_added": "A subsystem subscribed to an event type.",
    "exchange.subscription_changed": "A subscription's delivery changed.",
    "exchange.subscription_cancelled": "A subscription was cancelled.",
    "exchange.delivery_replayed": "A dead delivery was put back for another attempt.",
}
"""Event types the exchange publishes through the outbox, with what each announces."""
