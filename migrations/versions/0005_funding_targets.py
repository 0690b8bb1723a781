"""Targets belong to a funding period (whole funding or per year), an indicator's edits are
kept as its history, and demographic fields have lists of answers to choose from.

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
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("demographic_options", sa.JSON(), nullable=False, server_default="{}")
        )
    with op.batch_alter_table("funder", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "target_basis", sa.String(length=10), nullable=False, server_default="funding"
            )
        )
    op.create_table(
        "indicator_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("old_label", sa.String(length=200), nullable=False),
        sa.Column("new_label", sa.String(length=200), nullable=False),
        sa.Column("old_target", sa.Float(), nullable=True),
        sa.Column("new_target", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_indicator_change_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_change_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_indicator_change_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_change")),
    )
    with op.batch_alter_table("indicator_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicator_change_indicator_id"), ["indicator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_indicator_change_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("indicator_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_change_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_indicator_change_indicator_id"))
    op.drop_table("indicator_change")
    with op.batch_alter_table("funder", schema=None) as batch_op:
        batch_op.drop_column("target_basis")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("demographic_options")
