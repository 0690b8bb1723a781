"""Contacts the NHS way and group sessions: entry mode, minutes and session; registers;
next visits; each worker's last contact mode.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "group_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("register_id", sa.Uuid(), nullable=True),
        sa.Column("register_saved_at", sa.DateTime(), nullable=True),
        sa.Column("anonymous_attendees", sa.Integer(), nullable=False),
        sa.Column("offers_left_early", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_group_session_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activity.id"], name=op.f("fk_group_session_activity_id_activity")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_group_session_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_session")),
        sa.UniqueConstraint("register_id", name=op.f("uq_group_session_register_id")),
    )
    with op.batch_alter_table("group_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_group_session_org_held", ["organisation_id", "held_on"], unique=False
        )
    op.create_table(
        "group_session_member",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_session.id"],
            name=op.f("fk_group_session_member_session_id_group_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_group_session_member_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "person_id", name=op.f("pk_group_session_member")),
    )
    with op.batch_alter_table("group_session_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_session_member_person_id"), ["person_id"], unique=False
        )
    op.create_table(
        "group_session_facilitator",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_session.id"],
            name=op.f("fk_group_session_facilitator_session_id_group_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_group_session_facilitator_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_group_session_facilitator")),
    )
    with op.batch_alter_table("group_session_facilitator", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_session_facilitator_user_id"), ["user_id"], unique=False
        )
    op.create_table(
        "next_visit",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("at", sa.Time(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_next_visit_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_next_visit_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["user.id"],
            name=op.f("fk_next_visit_worker_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activity.id"], name=op.f("fk_next_visit_activity_id_activity")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_next_visit")),
    )
    with op.batch_alter_table("next_visit", schema=None) as batch_op:
        batch_op.create_index("ix_next_visit_org_due", ["organisation_id", "due_on"], unique=False)
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("mode", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("minutes", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_entry_session_id_group_session"), "group_session", ["session_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_entry_session_id"), ["session_id"], unique=False)
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_mode", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("last_mode")
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_session_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_entry_session_id_group_session"), type_="foreignkey"
        )
        batch_op.drop_column("minutes")
        batch_op.drop_column("mode")
        batch_op.drop_column("session_id")
    with op.batch_alter_table("next_visit", schema=None) as batch_op:
        batch_op.drop_index("ix_next_visit_org_due")
    op.drop_table("next_visit")
    with op.batch_alter_table("group_session_facilitator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_session_facilitator_user_id"))
    op.drop_table("group_session_facilitator")
    with op.batch_alter_table("group_session_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_session_member_person_id"))
    op.drop_table("group_session_member")
    with op.batch_alter_table("group_session", schema=None) as batch_op:
        batch_op.drop_index("ix_group_session_org_held")
    op.drop_table("group_session")
