"""daily rollup: the entry log's figures per local day, kept with every entry written

The counting layer reads a period's figures from these rows where it can (app/models/rollup.py,
app/entries/rollup.py). The table is filled here from the log as it stands, by the same rule
the app keeps it by: each effective entry (not a void, not amended) adds one to the row of
its organisation, local day, person, worker, kind, activity, outcome, mode and session. The
rule is written out again here rather than imported, so that this migration keeps meaning
what it meant when the app's code moves on.

Revision ID: 0013
Revises: 0012
"""

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

KEY = [
    "organisation_id",
    "day",
    "person_id",
    "worker_id",
    "kind",
    "activity_id",
    "outcome_id",
    "mode",
    "session_id",
]


def _zone() -> ZoneInfo:
    try:
        from flask import current_app

        return ZoneInfo(current_app.config["TIMEZONE"])
    except (ImportError, RuntimeError, KeyError):
        return ZoneInfo(os.environ.get("STEPLADDER_TIMEZONE", "Europe/London"))


def upgrade():
    rollup = op.create_table(
        "daily_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_daily_rollup_key", "daily_rollup", KEY, unique=True)
    _fill(rollup)


def _fill(rollup) -> None:
    entry = sa.table(
        "entry",
        *(
            sa.column(name)
            for name in (
                "id",
                "organisation_id",
                "person_id",
                "worker_id",
                "kind",
                "activity_id",
                "outcome_id",
                "mode",
                "session_id",
                "minutes",
                "amends_id",
            )
        ),
        sa.column("recorded_at", sa.DateTime()),
    )
    amender = entry.alias("amender")
    amended = sa.exists().where(amender.c.amends_id == entry.c.id)
    query = sa.select(
        entry.c.organisation_id,
        entry.c.recorded_at,
        entry.c.person_id,
        entry.c.worker_id,
        entry.c.kind,
        entry.c.activity_id,
        entry.c.outcome_id,
        entry.c.mode,
        entry.c.session_id,
        entry.c.minutes,
    ).where(entry.c.kind != "void", ~amended)
    zone, utc = _zone(), ZoneInfo("UTC")
    sums: dict[tuple, list] = {}
    for row in op.get_bind().execute(query):
        at = row.recorded_at
        if isinstance(at, str):  # SQLite through a bare table: the stored text
            at = datetime.fromisoformat(at)
        day = at.replace(tzinfo=utc).astimezone(zone).date()
        key = (
            row.organisation_id,
            day,
            row.person_id,
            row.worker_id,
            row.kind,
            row.activity_id or 0,
            row.outcome_id or 0,
            row.mode or "",
            row.session_id or 0,
        )
        found = sums.get(key)
        if found is None:
            sums[key] = [1, row.minutes or 0, at]
        else:
            found[0] += 1
            found[1] += row.minutes or 0
            found[2] = min(found[2], at)
    rows = [
        {**dict(zip(KEY, key, strict=True)), "entries": n, "minutes": minutes, "first_at": first}
        for key, (n, minutes, first) in sums.items()
    ]
    for chunk in range(0, len(rows), 5_000):
        op.bulk_insert(rollup, rows[chunk : chunk + 5_000])


def downgrade():
    op.drop_index("ux_daily_rollup_key", table_name="daily_rollup")
    op.drop_table("daily_rollup")
