"""Staff who sign in, and their server-side sessions."""

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow
from app.models.columns import organisation_column

if TYPE_CHECKING:
    from app.models.organisation import Organisation

ROLE_LABELS = {
    "worker": "Worker",
    "supervisor": "Supervisor",
    "admin": "Admin",
    "funder": "Funder viewer",
}


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = organisation_column()
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="worker")
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    # The activity this worker used last: the default for their next entry.
    last_activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    # How this worker's last contact happened (face to face, phone...): the next one's default.
    last_mode: Mapped[str | None] = mapped_column(String(20))
    # Off unless the worker asks: their last activity is then ticked for the next person too
    # (a day of travel training), instead of the one last used with that person.
    carries_activity: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Optional TOTP two-factor (office roles): the base32 key, and the last time step used,
    # so one code cannot be replayed within its 30-second window.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped["Organisation"] = relationship()

    # Flask-Login: the id in the cookie is the server-side session token, not the user id,
    # so deleting the session row signs the cookie out everywhere.
    def get_id(self) -> str | None:
        return getattr(self, "session_token", None)

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


class UserSession(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
