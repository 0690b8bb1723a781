"""Referrals: the public form, the supervisor's queue, the waiting list and discharge."""

from flask import Blueprint

bp = Blueprint("referrals", __name__)

from app.referrals import discharge, public, queue, settings  # noqa: E402,F401

__all__ = ["bp"]
