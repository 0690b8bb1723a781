"""Funders' targets belong to a period: whole funding period or per year.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("funder", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "target_basis", sa.String(length=10), nullable=False, server_default="funding"
            )
        )


def downgrade():
    with op.batch_alter_table("funder", schema=None) as batch_op:
        batch_op.drop_column("target_basis")
