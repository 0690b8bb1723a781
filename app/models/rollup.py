"""The daily rollup: what the entry log counts, per local day, derived and never edited by hand.

One row per organisation, local day, person, worker, kind, activity, outcome, mode and group
session, holding how many effective entries (`queries.effective()`) fell there, their minutes
and the first of their times. It is the log's figures summed, never a second truth: it is kept
in the same transaction as every entry written (app/entries/rollup.py), and
`stepladder check-rollups` works it out again from the log and compares.

"None" is 0 (an id) or "" (a mode) rather than NULL, so that the one unique index can say
which row an entry adds to on SQLite and PostgreSQL alike (NULLs never conflict).
"""

from datetime import date, datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# The columns that say which row an entry counts in, in the unique index's order: the
# organisation and day first, so a period's rows are one range of it.
KEY = (
    "organisation_id",
    "day",
    "person_id",
    "worker_id",
    "kind",
    "activity_id",
    "outcome_id",
    "mode",
    "session_id",
)


class DailyRollup(db.Model):
    __tablename__ = "daily_rollup"
    __table_args__ = (Index("ux_daily_rollup_key", *KEY, unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Plain numbers, not foreign keys: the rows are derived from the log, which holds the
    # references, and are rebuilt from it.
    organisation_id: Mapped[int]
    day: Mapped[date]  # the local day of the entries' recorded_at
    person_id: Mapped[int]
    worker_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    activity_id: Mapped[int]  # 0: none
    outcome_id: Mapped[int]  # 0: none
    mode: Mapped[str] = mapped_column(String(20))  # "": not recorded
    session_id: Mapped[int]  # 0: not on a group session's register
    entries: Mapped[int]  # effective entries counted here (rows at 0 are removed)
    minutes: Mapped[int]  # their minutes, summed (0 when none were given)
    first_at: Mapped[datetime]  # the earliest recorded_at among them (naive UTC)
