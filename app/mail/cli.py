"""`stepladder send-mail`: send what is due in the outbox (run it from cron or a timer, so a
message that failed is retried even when nothing else is sent)."""

import click
from flask.cli import with_appcontext

from app.mail import outbox


@click.command("send-mail")
@with_appcontext
def send_mail_command() -> None:
    """Send every email that is due (new ones and those waiting to be retried)."""
    if not outbox.configured():
        raise click.ClickException(
            "Email is not set up: set STEPLADDER_SMTP_URL (the admin's Email page shows what "
            "is waiting, to send by hand)."
        )
    sent = outbox.deliver_due()
    click.echo(f"Sent {sent} email{'s' if sent != 1 else ''}.")
