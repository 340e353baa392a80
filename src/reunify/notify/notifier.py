"""The notifier: claims due outbox rows, sends them, records the outcome. Run several at once.

Order of work per row: claim (commit) -> send -> mark sent (commit). A crash before the send
loses nothing (the lease expires, another notifier sends); a crash after the server accepted
but before ``mark sent`` commits repeats the message with the same Message-ID.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Mapping

from sqlalchemy.orm import Session, sessionmaker

from reunify.config import Settings
from reunify.families import messages, retention
from reunify.notify import outbox
from reunify.notify.senders import (
    Outgoing,
    Sender,
    SendError,
    SmtpSender,
    Unconfigured,
    WebhookSender,
)
from reunify.store import families_tables as ft

log = logging.getLogger("reunify.notify")
_HOUSEKEEPING_SECONDS = 3600.0


def senders_from_settings(settings: Settings) -> dict[str, Sender]:
    """Email over SMTP; SMS through the webhook gateway when one is configured."""
    sms: Sender = (
        WebhookSender(settings.notify_webhook_url)
        if settings.notify_webhook_url
        else Unconfigured("sms")
    )
    return {
        "email": SmtpSender(settings.smtp_host, settings.smtp_port, settings.smtp_sender),
        "sms": sms,
    }


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Notifier:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        senders: Mapping[str, Sender],
        *,
        worker: str | None = None,
        batch: int = 20,
        lease_seconds: float = 30.0,
        retention_days: int | None = None,
        public_url: str = "",
    ) -> None:
        self.sessions = sessions
        self.senders = senders
        self.worker = worker or worker_name()
        self.batch = batch
        self.lease_seconds = lease_seconds
        self.retention_days = retention_days
        self.public_url = public_url.rstrip("/")

    def run_once(self) -> int:
        """Send what is due now; returns how many were sent."""
        with self.sessions() as session:
            ids = outbox.claim(
                session, self.worker, limit=self.batch, lease_seconds=self.lease_seconds
            )
        sent = 0
        for row_id in ids:
            sent += self._deliver(row_id)
        return sent

    def _outgoing(self, row: ft.OutboxMessage) -> Outgoing:
        """The row as sent; an email to a follower ends with its "stop these emails" link."""
        token = (row.payload or {}).get("stop")
        if row.channel != "email" or not token or not self.public_url:
            return Outgoing(row.message_id, row.channel, row.recipient, row.subject, row.body)
        url = f"{self.public_url}/stop/{token}"
        language = str(row.payload.get("language") or "en")
        body = f"{row.body.rstrip()}\n\n{messages.stop_line(language, url)}\n"
        return Outgoing(row.message_id, row.channel, row.recipient, row.subject, body, url)

    def _deliver(self, row_id: int) -> int:
        with self.sessions() as session:
            row = session.get(ft.OutboxMessage, row_id)
            if row is None:
                return 0
            message = self._outgoing(row)
            session.rollback()
            sender = self.senders.get(message.channel) or Unconfigured(message.channel)
            try:
                sender.send(message)
            except SendError as exc:
                log.warning("outbox %s: %s", row_id, exc)
                outbox.mark_failed(session, row_id, self.worker, str(exc))
                return 0
            outbox.mark_sent(session, row_id, self.worker)
            return 1

    def housekeeping(self) -> int:
        """Purge seekers' data past retention (see ``families.retention``)."""
        if self.retention_days is None:
            return 0
        with self.sessions() as session:
            purged = retention.purge(session, days=self.retention_days)
            session.commit()
        return purged

    def run_forever(self, stop: threading.Event, poll_seconds: float) -> None:
        last_housekeeping = 0.0
        while not stop.is_set():
            try:
                if time.monotonic() - last_housekeeping > _HOUSEKEEPING_SECONDS:
                    last_housekeeping = time.monotonic()
                    self.housekeeping()
                busy = self.run_once()
            except Exception:  # a database hiccup must not end the loop; log and go on
                log.exception("notifier pass failed")
                busy = 0
            if not busy:
                stop.wait(poll_seconds)


def start_in_background(
    sessions: sessionmaker[Session], settings: Settings
) -> tuple[threading.Thread, threading.Event]:
    """Run a notifier in a daemon thread (inside ``reunify serve``); set the event to stop."""
    stop = threading.Event()
    notifier = Notifier(
        sessions,
        senders_from_settings(settings),
        retention_days=settings.seeker_retention_days,
        public_url=settings.base_url,
    )
    thread = threading.Thread(
        target=notifier.run_forever,
        args=(stop, settings.notify_poll_seconds),
        name="reunify-notifier",
        daemon=True,
    )
    thread.start()
    return thread, stop
