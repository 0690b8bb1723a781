"""An uploaded spreadsheet waiting between its import steps (map, check, import)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.clock import utcnow
from app.models.columns import organisation_column


class PendingImport(db.Model):
    # Kept in the database, not on one server's disk, so any app server behind the load
    # balancer can take the next step.
    token: Mapped[str] = mapped_column(String(40), primary_key=True)
    organisation_id: Mapped[int] = organisation_column()
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    headers: Mapped[list] = mapped_column(JSON)
    rows: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
