"""What the vehicles agency offers other agencies through the exchange, and the events it publishes."""

from __future__ import annotations

from nara.exchange import Service

SERVICES: list[Service] = []
"""Services offered to other agencies (called through `nara.exchange`, never by import)."""

EVENTS: dict[str, str] = {}
"""Event types this agency publishes through the outbox, with what each announces."""
