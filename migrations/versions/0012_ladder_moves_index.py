"""ladder moves index: a person's entries on one outcome, in the order they happened

Distance travelled starts each journey from the rung of the person's latest move on that
outcome's ladder before the period (app/entries/distance_travelled.py), once for every
person-and-outcome that moved in it: twenty thousand look-ups for a quarter at a million
entries. Through (person_id, recorded_at) each look-up walked back over every entry of the
person, on any outcome, and sorted equal times by when they were received; this index goes
straight to the person's entries on the outcome, newest first in the look-up's own order,
so it stops at the first that counts.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COLUMNS = ["person_id", "outcome_id", "recorded_at", "received_at"]


def upgrade():
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.create_index("ix_entry_person_outcome_recorded", COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_index("ix_entry_person_outcome_recorded")
