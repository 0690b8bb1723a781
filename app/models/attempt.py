"""Attempts counted towards a limit (failed sign-ins, codes, public forms), in the database
so that every server process shares one count."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.clock import utcnow


class Attempt(db.Model):
    __table_args__ = (Index("ix_attempt_scope_key_at", "scope", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))  # what is limited, e.g. "sign_in"
    key: Mapped[str] = mapped_column(String(300))  # who: "account:a@b.org", "address:10.0.0.1"
    at: Mapped[datetime] = mapped_column(default=utcnow)
