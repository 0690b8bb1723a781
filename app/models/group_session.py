"""Group sessions: one meeting of an activity, its facilitators and the people on its register."""

import uuid
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.clock import utcnow
from app.models.columns import link_table, organisation_column

if TYPE_CHECKING:
    from app.models.ladder import Activity
    from app.models.person import Person
    from app.models.user import User

# The people on a session's register: its regular members and anyone added by search.
group_session_member = link_table(
    "group_session_member", session_id="group_session", person_id="person", indexed=("person_id",)
)

# The staff who ran the session.
group_session_facilitator = link_table(
    "group_session_facilitator", session_id="group_session", user_id="user", indexed=("user_id",)
)


class GroupSession(db.Model):
    __table_args__ = (Index("ix_group_session_org_held", "organisation_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = organisation_column(index=False)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    held_on: Mapped[date]  # the service's local day
    starts_at: Mapped[time | None]
    minutes: Mapped[int | None]  # how long it ran: each attendance's minutes
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The UUID the phone made for the register post that saved it: the register is saved
    # once, and a replay of that post (same UUID) is a repeat, not a second register.
    register_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    register_saved_at: Mapped[datetime | None]
    anonymous_attendees: Mapped[int] = mapped_column(default=0)
    # Whether the register offers "Left early" beside Attended and Did not attend.
    offers_left_early: Mapped[bool] = mapped_column(default=False)

    activity: Mapped["Activity"] = relationship()
    created_by: Mapped["User"] = relationship()
    members: Mapped[list["Person"]] = relationship(
        secondary=group_session_member, order_by="Person.display_name"
    )
    facilitators: Mapped[list["User"]] = relationship(
        secondary=group_session_facilitator, order_by="User.name"
    )
