"""The audit trail: who viewed, created, exported or changed what, and when. Append-only."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow

if TYPE_CHECKING:
    from app.models.user import User


class AuditEvent(db.Model):
    __table_args__ = (
        Index("ix_audit_event_org_at", "organisation_id", "at"),
        # Anonymous requests' rows are counted per address to throttle them (0006).
        Index("ix_audit_event_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))  # e.g. "view", "create", "export", "denied"
    target: Mapped[str] = mapped_column(String(120), default="")  # e.g. "person:42"
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped["User | None"] = relationship()
