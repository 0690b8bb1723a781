"""Email kept while the mail server is down goes by itself once it is back, exactly once.

Real SMTP on localhost (aiosmtpd): "down" is its port with nothing listening yet; "back" is
the same server started on that port. The retriers are the ones `stepladder serve` runs in
each worker (app/mail/retry.py), here as threads of the test process sharing its database.
"""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail import outbox
from app.mail.retry import Retrier
from app.models import OutboxEmail
from app.models.clock import utcnow
from tests.fixtures.smtp import SmtpServer, body
from tests.fixtures.web import csrf_from

# Short enough for a test to see the retry, long enough that the backoff is real.
RETRY_SECONDS = 0.05


@pytest.fixture
def mail_server_down(app):
    """An SMTP server chosen but not started: the app's email to it fails until it starts."""
    server = SmtpServer()
    app.config.update(
        SMTP_URL=server.url, MAIL_IN_BACKGROUND=False, MAIL_RETRY_SECONDS=RETRY_SECONDS
    )
    return server


def _ask_for_reset(client, email: str) -> None:
    token = csrf_from(client.get("/forgot-password").get_data(as_text=True))
    response = client.post("/forgot-password", data={"email": email, "csrf_token": token})
    assert response.status_code == 200


def _retriers(app, n: int) -> list[Retrier]:
    return [Retrier(app, every=RETRY_SECONDS / 5).start() for _ in range(n)]


def test_a_reset_email_kept_while_the_server_is_down_is_sent_by_itself_once_it_is_back(
    app, client, w, mail_server_down
):
    _ask_for_reset(client, w.worker.email)
    row = db.session.scalar(select(OutboxEmail))
    assert row.sent_at is None and row.attempts == 1 and "Connection refused" in row.last_error
    # Two processes' retriers look at once while the server is still down, then it comes back.
    retriers = _retriers(app, 2)
    try:
        with mail_server_down as server:
            [message] = server.inbox.wait_for(1)
            for retrier in retriers:
                retrier.stop()
            assert message["To"] == w.worker.email
            assert "/set-password/" in body(message)
            db.session.expire_all()
            row = db.session.scalar(select(OutboxEmail))
            assert row.sent_at is not None and row.last_error == ""
            # Stopped only after any send in progress was recorded: nothing more can go.
            assert len(server.inbox.messages) == 1
    finally:
        for retrier in retriers:
            retrier.stop()


def test_two_senders_racing_send_each_due_email_exactly_once(app, w, mail_server_down):
    for n in range(6):
        outbox.queue(w.org.id, "referral", f"gp{n}@example.org", "Your referral", "Accepted")
    db.session.commit()
    senders = [Retrier(app, every=60) for _ in range(2)]
    start = threading.Barrier(len(senders))
    sent = []

    def race(sender):
        start.wait()
        sent.append(sender.run_once())

    with mail_server_down as server:
        threads = [threading.Thread(target=race, args=(s,)) for s in senders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        received = sorted(m["To"] for m in server.inbox.messages)
    assert received == [f"gp{n}@example.org" for n in range(6)]
    assert sum(sent) == 6
    db.session.expire_all()
    assert all(row.attempts == 1 for row in db.session.scalars(select(OutboxEmail)))


def test_a_message_that_has_just_failed_waits_before_anyone_tries_it_again(app, w):
    # A sender that listed a message a moment before another sender's try failed must not
    # send it at once: the claim itself checks that the message is still due.
    message = outbox.queue(w.org.id, "referral", "gp@example.org", "Your referral", "Accepted")
    db.session.commit()
    now = utcnow()
    message.attempts, message.next_attempt_at = 1, now + timedelta(minutes=1)
    db.session.commit()
    assert outbox._claim(message.id, now) is False
    assert outbox._claim(message.id, now + timedelta(minutes=1)) is True


@pytest.mark.parametrize(
    "attempts, wait",
    [(1, timedelta(minutes=1)), (2, timedelta(minutes=2)), (4, timedelta(minutes=8))]
    + [(7, timedelta(hours=1)), (8, timedelta(hours=1))],
)
def test_the_wait_between_tries_doubles_up_to_an_hour(app, attempts, wait):
    app.config["MAIL_RETRY_SECONDS"] = 60
    assert outbox.retry_wait(attempts) == wait


def test_without_email_set_up_no_retrier_is_started(app):
    from app.mail.retry import start_if_configured

    app.config["SMTP_URL"] = ""
    assert start_if_configured(app) is None
