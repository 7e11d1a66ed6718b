"""Notifications to applicants: the inbox on the portal, and gateways (e-mail, SMS) behind one
interface.

The inbox row is written in the transaction of the change it announces. Gateways send after
the commit: the change's outbox event reaches the in-process consumer `applications.notify`
(`nara.applications.exchange.CONSUMERS`), which `nara worker` runs once per event.
`ConsoleGateway`, which only logs, is the default; `use_gateways` replaces the list (a
deployment's e-mail and SMS gateways, a `RecordingGateway` in tests).
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

import httpx
import structlog
from sqlalchemy.orm import Session

from nara.exchange.pubsub import Event, first_time

log = structlog.get_logger("nara.applications.notify")

CONSUMER = "applications.notify"


class Gateway(Protocol):
    """Something that delivers a short notice to a recipient (an account, an address, a number)."""

    def send(self, recipient: str, subject: str, body: str) -> None: ...


class ConsoleGateway:
    """Writes each notice to the log (the default: nothing leaves the machine)."""

    def send(self, recipient: str, subject: str, body: str) -> None:
        log.info("notification", recipient=recipient, subject=subject, body=body)


@dataclass
class RecordingGateway:
    """Keeps every notice in `sent` (for tests)."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)

    def send(self, recipient: str, subject: str, body: str) -> None:
        self.sent.append((recipient, subject, body))


@dataclass
class EmailGateway:
    """Sends each notice as an e-mail through an SMTP relay; `address_of` maps the recipient
    (an account reference) to an e-mail address, or None to skip it."""

    host: str
    port: int
    sender: str
    address_of: dict[str, str] = field(default_factory=dict)

    def send(self, recipient: str, subject: str, body: str) -> None:
        address = self.address_of.get(recipient)
        if address is None:
            return
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = address
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            smtp.send_message(message)


@dataclass
class SmsGateway:
    """Sends each notice as an SMS through a provider's HTTP API (`POST url` with JSON
    `{to, text}`); `number_of` maps the recipient to a phone number, or None to skip it."""

    url: str
    number_of: dict[str, str] = field(default_factory=dict)

    def send(self, recipient: str, subject: str, body: str) -> None:
        number = self.number_of.get(recipient)
        if number is None:
            return
        response = httpx.post(self.url, json={"to": number, "text": f"[{subject}] {body}"[:90]})
        response.raise_for_status()


_gateways: list[Gateway] = [ConsoleGateway()]


def use_gateways(*gateways: Gateway) -> list[Gateway]:
    """Send through `gateways` from now on; returns the previous list (to restore it)."""
    previous = list(_gateways)
    _gateways[:] = list(gateways)
    return previous


def gateways() -> list[Gateway]:
    return list(_gateways)


def recipient_of(account_id: int) -> str:
    return f"citizen:{account_id}"


def notify(session: Session, event: Event) -> None:
    """The consumer `applications.notify`: send the notice an application event announces."""
    payload = event.payload
    if event.event_type not in NOTICE_EVENTS or "notice" not in payload:
        return
    if not first_time(session, CONSUMER, event.id):
        return
    notice = payload["notice"]
    recipient = recipient_of(int(payload["applicant_account_id"]))
    for gateway in _gateways:
        gateway.send(recipient, str(notice["subject"]), str(notice["body"]))


NOTICE_EVENTS = frozenset({"application.status-changed", "application.message-sent"})
