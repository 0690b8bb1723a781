"""Sending one message through the SMTP server named by STEPLADDER_SMTP_URL (standard library)."""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

TIMEOUT_SECONDS = 20


class SmtpUrlError(ValueError):
    """STEPLADDER_SMTP_URL cannot be understood; the message says how to write it."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool  # smtps://: TLS from the first byte
    starttls: bool  # smtp://…?starttls=1: upgrade the plain connection before signing in
    username: str
    password: str


def parse_url(url: str) -> SmtpSettings:
    """smtp://user:pass@host:port[?starttls=1], or smtps://… for implicit TLS."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SmtpUrlError(
            "STEPLADDER_SMTP_URL should look like smtp://user:pass@host:587?starttls=1"
        )
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise SmtpUrlError("The port in STEPLADDER_SMTP_URL is not a number.") from None
    query = parse_qs(parts.query)
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        implicit_tls=parts.scheme == "smtps",
        starttls=query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def build_message(sender: str, recipient: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message with the headers mail servers expect."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand the message to the server; raises smtplib.SMTPException or OSError on failure."""
    context = ssl.create_default_context()
    if settings.implicit_tls:
        connection = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
    with connection as server:
        if settings.starttls:
            server.starttls(context=context)
        if settings.username:
            server.login(settings.username, settings.password)
        server.send_message(message)
