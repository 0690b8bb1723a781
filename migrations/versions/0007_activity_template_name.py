"""An activity remembers the template activity it was made from, so renaming it keeps the
template's links to the outcomes adopted afterwards.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template_name", sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_column("template_name")
