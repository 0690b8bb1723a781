"""Retrying the outbox by itself: a thread in each served process wakes every little while and
sends what is due, so an email that failed while the mail server was down goes once it is
back, with nobody acting and no cron job needed.

`stepladder serve` starts one in every gunicorn worker (app/cli.py). Several of them, in
several processes or on several machines, may look at the same message at once: the outbox
claims each one with a single UPDATE before sending it (app/mail/outbox.py `_claim`), so
exactly one of them sends it.
"""

import logging
import threading

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.mail import outbox
from app.mail.smtp import SmtpUrlError

log = logging.getLogger(__name__)


class Retrier:
    """A daemon thread that runs `outbox.deliver_due()` every `every` seconds until stopped."""

    def __init__(self, app: Flask, every: float | None = None):
        self.app = app
        self.every = every if every is not None else app.config["MAIL_RETRY_SECONDS"]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mail-retry", daemon=True)

    def start(self) -> "Retrier":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop looking; waits for a send in progress to finish (and be recorded)."""
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.run_once()

    def run_once(self) -> int:
        """Send what is due now; a database or configuration failure is logged and the next
        round tries again (it must never end the thread, or retries would silently stop)."""
        with self.app.app_context():
            try:
                return outbox.deliver_due()
            except (SQLAlchemyError, SmtpUrlError):
                log.exception("the outbox could not be read or sent this round")
                return 0
            finally:
                db.session.remove()


def start_if_configured(app: Flask) -> Retrier | None:
    """A running Retrier for this process when email is set up; None when it is not (then
    nothing can be sent, and the Email page shows what is waiting)."""
    if not app.config.get("SMTP_URL"):
        return None
    return Retrier(app).start()
