"""Passwords by email: staff invitations and "forgot password", through one-time links."""

from flask import Blueprint

bp = Blueprint("passwords", __name__)

from app.passwords import routes  # noqa: E402,F401  (views register on `bp`)

__all__ = ["bp"]
