"""dashboard indexes: a covering index for counts by period, one change per entry

The dashboard counts effective entries of an organisation in a time range, by kind,
person, worker, activity and outcome. The covering index answers those counts from the
index alone (SQLite: "USING COVERING INDEX"; PostgreSQL: index-only scans), and replaces
the narrower (organisation_id, recorded_at) index, which is its prefix.

amends_id becomes unique: an entry is voided or corrected at most once, even when two
people change it at the same moment, so "the amending entry" is always one row.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COVER = [
    "organisation_id",
    "recorded_at",
    "kind",
    "person_id",
    "worker_id",
    "activity_id",
    "outcome_id",
    "id",
]


def upgrade():
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_index("ix_entry_org_recorded")
        batch_op.create_index("ix_entry_org_recorded_cover", COVER, unique=False)
        batch_op.drop_index("ix_entry_amends_id")
        batch_op.create_index("ix_entry_amends_id", ["amends_id"], unique=True)


def downgrade():
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_index("ix_entry_amends_id")
        batch_op.create_index("ix_entry_amends_id", ["amends_id"], unique=False)
        batch_op.drop_index("ix_entry_org_recorded_cover")
        batch_op.create_index(
            "ix_entry_org_recorded", ["organisation_id", "recorded_at"], unique=False
        )
