"""Ways a message leaves the system: email over SMTP, and a JSON POST to a webhook / SMS
gateway. Each raises on failure so the notifier can retry; each carries the outbox row's
stable Message-ID so a receiver can drop a repeat."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

import httpx


@dataclass(frozen=True, slots=True)
class Outgoing:
    message_id: str
    channel: str
    recipient: str
    subject: str
    body: str
    # A one-click "stop these emails" address (RFC 8058), for mail clients to offer.
    unsubscribe_url: str = ""


class Sender(Protocol):
    def send(self, message: Outgoing) -> None: ...


class SendError(Exception):
    """A delivery failed; the message stays in the outbox and is retried with backoff."""


@dataclass(frozen=True, slots=True)
class SmtpSender:
    host: str
    port: int
    sender: str
    timeout: float = 10.0

    def send(self, message: Outgoing) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.recipient
        email["Subject"] = message.subject
        email["Message-ID"] = message.message_id
        email["Date"] = formatdate(localtime=False, usegmt=True)
        if message.unsubscribe_url:
            email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
            email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        email.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"smtp {self.host}:{self.port}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class WebhookSender:
    """POSTs ``{"message_id", "channel", "to", "subject", "text"}`` as JSON; 2xx is success."""

    url: str
    timeout: float = 10.0

    def send(self, message: Outgoing) -> None:
        payload = {
            "message_id": message.message_id,
            "channel": message.channel,
            "to": message.recipient,
            "subject": message.subject,
            "text": message.body,
        }
        try:
            response = httpx.post(
                self.url,
                json=payload,
                timeout=self.timeout,
                headers={"Idempotency-Key": message.message_id},
            )
        except httpx.HTTPError as exc:
            raise SendError(f"webhook {self.url}: {exc}") from exc
        if not response.is_success:
            raise SendError(f"webhook {self.url}: HTTP {response.status_code}")


@dataclass(frozen=True, slots=True)
class Unconfigured:
    """The channel has no gateway configured: every message waits (and retries) until one is."""

    channel: str

    def send(self, message: Outgoing) -> None:
        raise SendError(f"no gateway configured for {self.channel} messages")
