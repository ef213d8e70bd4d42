"""Where emails go: an SMTP relay (`SMTP_URL`), or, in development without one, the log."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from gateway.mail.outbox import OutboxEmail

logger = logging.getLogger("gateway.outbox")

_DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


class MailSettingsError(ValueError):
    """An SMTP_URL that cannot be used."""


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    """`smtp://host:port` (plain, STARTTLS when the server offers it) or `smtps://user:password@host:port`
    (TLS from the first byte)."""

    host: str
    port: int
    use_tls: bool
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise MailSettingsError(
                "SMTP_URL must look like smtp://host:port or smtps://user:password@host:port"
            )
        try:
            port = parts.port or _DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise MailSettingsError("SMTP_URL has a port that is not a number") from None
        return cls(
            host=parts.hostname,
            port=port,
            use_tls=parts.scheme == "smtps",
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


class DeliveryError(Exception):
    """The relay did not take an email; the worker tries again later. The reason names the failure (an
    exception's class), never the email."""


class Relay(Protocol):
    """Hands one email on; raises `DeliveryError` when it could not (the worker retries)."""

    async def deliver(self, email: OutboxEmail) -> None: ...


def message_of(email: OutboxEmail, sender: str) -> EmailMessage:
    """The email as it travels: plain text, with the same words as HTML for mail programs that prefer it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.recipient
    message["Subject"] = email.subject
    # The same id on every attempt: a relay that got it twice (at least once) can tell.
    domain = sender.rpartition("@")[2].strip("> ") or "localhost"
    message["Message-ID"] = make_msgid(idstring=f"outbox-{email.pk}", domain=domain)
    message.set_content(email.body)
    message.add_alternative(html_of(email.body, email.subject), subtype="html")
    return message


def html_of(text: str, title: str) -> str:
    """The plain-text body as simple HTML: one paragraph a blank-line block, line breaks kept."""
    paragraphs = [block for block in text.split("\n\n") if block.strip()]
    lines_of = ("<br>\n".join(html.escape(line) for line in block.split("\n")) for block in paragraphs)
    body = "\n".join(f"<p>{lines}</p>" for lines in lines_of)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n"
        f'<body style="font-family: Arial, sans-serif; font-size: 15px; line-height: 1.5">\n{body}\n'
        "<p>Online Affiliate</p>\n</body></html>\n"
    )


class SmtpRelay:
    """Delivers over SMTP with aiosmtplib, one connection an email."""

    def __init__(self, target: SmtpTarget, sender: str, *, timeout_seconds: float = 30.0) -> None:
        self._target = target
        self._sender = sender
        self._timeout = timeout_seconds

    async def deliver(self, email: OutboxEmail) -> None:
        target = self._target
        try:
            await aiosmtplib.send(
                message_of(email, self._sender),
                hostname=target.host,
                port=target.port,
                use_tls=target.use_tls,
                username=target.username,
                password=target.password,
                timeout=self._timeout,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise DeliveryError(type(error).__name__) from error


class LogRelay:
    """Development without SMTP_URL: each email is written to the log instead, whole (emails never carry
    PHI). Production never uses it: there the outbox keeps its emails until a relay is configured."""

    async def deliver(self, email: OutboxEmail) -> None:
        fields = {
            "outbox_id": email.pk,
            "kind": email.kind,
            "to": email.recipient,
            "subject": email.subject,
            "body": email.body,
        }
        logger.info("email (no SMTP_URL: logged, not sent)", extra={"fields": fields})
