"""The mail server is down when someone asks for a reset link; it comes back, and the email
goes by itself, exactly once, though both of `stepladder serve`'s worker processes retry.

The SMTP server (aiosmtpd on localhost) has its port chosen before the app starts and is
started only later, so the app's first try really meets a closed port.
"""

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, select

from app.config import normalise_database_url
from app.models import OutboxEmail
from tests.fixtures.browser import PHONE
from tests.fixtures.databases import fresh_database
from tests.fixtures.live import LiveServer
from tests.fixtures.smtp import SmtpServer

ADDRESS = "worker2@example.org"


@pytest.fixture(scope="module")
def smtp_later():
    """An SMTP server whose address is known now, started by the test when it wants."""
    return SmtpServer()


@pytest.fixture(scope="module")
def served(tmp_path_factory, smtp_later):
    """`stepladder serve --demo` with two workers, its email to the not-yet-started server."""
    with fresh_database(tmp_path_factory.mktemp("retry-db")) as url:
        server = LiveServer(
            url,
            str(tmp_path_factory.mktemp("retry-instance")),
            workers=2,
            extra_env={
                "STEPLADDER_SMTP_URL": smtp_later.url,
                "STEPLADDER_MAIL_RETRY_SECONDS": "0.5",
            },
        ).start()
        engine = create_engine(normalise_database_url(url))
        yield server, engine
        engine.dispose()
        server.stop()


def _reset_email(engine) -> OutboxEmail | None:
    with engine.connect() as conn:
        return conn.execute(select(OutboxEmail).where(OutboxEmail.recipient == ADDRESS)).first()


def _eventually(check, what: str, timeout: float = 30):
    """Poll `check` until it is true (a state in another process, which we cannot await)."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.1)
    return found


def test_email_kept_while_the_mail_server_was_down_goes_once_it_is_back(
    browser, served, smtp_later
):
    server, engine = served
    phone = browser.new_context(base_url=server.url, **PHONE).new_page()
    phone.goto("/forgot-password")
    phone.get_by_label("Email").fill(ADDRESS)
    phone.get_by_role("button", name="Send reset link").click()
    expect(phone.get_by_role("status")).to_contain_text("If an account uses that address")
    failed = _eventually(
        lambda: (row := _reset_email(engine)) is not None and row.attempts >= 1 and row,
        "the first try failing",
    )
    assert failed.sent_at is None and "refused" in failed.last_error

    # Nobody does anything more: the mail server simply comes back.
    with smtp_later as smtp:
        with smtp.inbox.arrived:
            assert smtp.inbox.arrived.wait_for(lambda: smtp.inbox.to(ADDRESS), timeout=30)
        sent = _eventually(
            lambda: (row := _reset_email(engine)).sent_at is not None and row, "sent recorded"
        )
        # Once it is recorded as sent no process can claim it again, so this count is final.
        assert len(smtp.inbox.to(ADDRESS)) == 1
        assert sent.last_error == ""
    phone.context.close()
