"""A story a funder may read: the approved, anonymised wording of a shareable note.

The note itself (an entry) never changes; the wording funders see lives here, written or
approved by a worker or supervisor after the story check found nothing identifying in it.
"""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow
from app.models.columns import organisation_column

if TYPE_CHECKING:
    from app.models.entry import Entry
    from app.models.user import User


class Story(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = organisation_column()
    entry_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("entry.id"), unique=True)
    wording: Mapped[str] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped["Entry"] = relationship()
    approved_by: Mapped["User | None"] = relationship()
