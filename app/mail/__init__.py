"""Email: the outbox (sent after the commit, retried), SMTP, and the admin's Email page."""

from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/email")

from app.mail import routes  # noqa: E402,F401  (views register on `bp`)

__all__ = ["bp"]
