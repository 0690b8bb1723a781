"""The outbox: email is written in the same commit as what caused it, and sent after it.

A message is a row first, so a crash or an SMTP failure loses nothing: it stays in the
outbox, is retried with a growing wait, and an admin sees it (and its error) on the Email
page. Without STEPLADDER_SMTP_URL nothing is sent and that page shows what would have gone.
"""

import smtplib
import threading
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import or_, select, update

from app.extensions import db
from app.mail import smtp
from app.models import OutboxEmail
from app.models.clock import utcnow

# After this many failures the outbox stops trying by itself; an admin can send it again.
MAX_ATTEMPTS = 8
# A sender that claimed a message and then died gives it up after this long.
CLAIM_TIMEOUT = timedelta(minutes=5)
# The longest wait between two tries.
MAX_WAIT = timedelta(hours=1)


def queue(organisation_id: int, purpose: str, recipient: str, subject: str, body: str):
    """Add a message to the outbox in the current transaction (sent after the commit)."""
    message = OutboxEmail(
        organisation_id=organisation_id,
        purpose=purpose,
        recipient=recipient,
        subject=subject,
        body=body,
    )
    db.session.add(message)
    return message


def configured() -> bool:
    """Whether an SMTP server is set up to send through."""
    return bool(current_app.config.get("SMTP_URL"))


def retry_wait(attempts: int) -> timedelta:
    """How long to wait before the next try: MAIL_RETRY_SECONDS (a minute unless set), then
    twice that, four times … at most an hour."""
    first = timedelta(seconds=current_app.config["MAIL_RETRY_SECONDS"])
    return min(first * 2 ** max(attempts - 1, 0), max(first, MAX_WAIT))


def deliver_due(now: datetime | None = None) -> int:
    """Send every message that is due; returns how many were sent. Safe to run anywhere, at once."""
    if not configured():
        return 0
    settings = smtp.parse_url(current_app.config["SMTP_URL"])
    sender = current_app.config["MAIL_FROM"]
    now = now or utcnow()
    due = db.session.scalars(
        select(OutboxEmail.id)
        .where(
            OutboxEmail.sent_at.is_(None),
            OutboxEmail.attempts < MAX_ATTEMPTS,
            OutboxEmail.next_attempt_at <= now,
        )
        .order_by(OutboxEmail.id)
        .limit(100)
    ).all()
    db.session.commit()
    sent = 0
    for message_id in due:
        if not _claim(message_id, now):
            continue  # another process is sending it, has sent it, or found it not due
        message = db.session.get(OutboxEmail, message_id)
        try:
            smtp.send(
                settings,
                smtp.build_message(sender, message.recipient, message.subject, message.body),
            )
        except (smtplib.SMTPException, OSError) as error:
            message.attempts += 1
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.next_attempt_at = now + retry_wait(message.attempts)
            message.claimed_at = None
            current_app.logger.warning("email %s not sent: %s", message_id, message.last_error)
        else:
            message.attempts += 1
            message.sent_at = utcnow()
            message.last_error = ""
            sent += 1
        db.session.commit()
    return sent


def _claim(message_id: int, now: datetime) -> bool:
    """Mark a message as being sent by us; False if someone else holds it or has sent it.

    One UPDATE that re-checks, at the moment it runs, everything that made the message due:
    a sender that listed it a moment ago, while another was failing to send it, must not
    then send it again at once, past the wait that failure has just set."""
    result = db.session.execute(
        update(OutboxEmail)
        .where(
            OutboxEmail.id == message_id,
            OutboxEmail.sent_at.is_(None),
            OutboxEmail.attempts < MAX_ATTEMPTS,
            OutboxEmail.next_attempt_at <= now,
            or_(OutboxEmail.claimed_at.is_(None), OutboxEmail.claimed_at < now - CLAIM_TIMEOUT),
        )
        .values(claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def send_after_commit() -> None:
    """Call after the commit that queued a message: sends it in the background (or at once
    when MAIL_IN_BACKGROUND is off), so a slow mail server never holds up the page and the
    answer takes as long whether or not an email was queued."""
    if not configured():
        return
    app = current_app._get_current_object()
    if not app.config.get("MAIL_IN_BACKGROUND", True):
        deliver_due()
        return
    threading.Thread(target=_deliver_in, args=(app,), daemon=True).start()


def _deliver_in(app: Flask) -> None:
    with app.app_context():
        try:
            deliver_due()
        finally:
            db.session.remove()


def again(message: OutboxEmail) -> None:
    """Put a failed message back in line for sending now (an admin asked)."""
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_at = None
