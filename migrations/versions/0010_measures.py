"""Validated measures: plans, imported definitions, readings and safeguarding concerns.

Revision ID: 0010
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0004"
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete=None):
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade():
    op.create_table(
        "measure_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("measure_key", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("baseline", sa.Boolean(), nullable=False),
        sa.Column("every_weeks", sa.Integer(), nullable=True),
        sa.Column("at_discharge", sa.Boolean(), nullable=False),
        sa.Column("show_bands", sa.Boolean(), nullable=False),
        sa.Column("switched_on_at", sa.DateTime(), nullable=False),
        _fk("measure_plan", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_plan")),
        sa.UniqueConstraint(
            "organisation_id",
            "measure_key",
            name=op.f("uq_measure_plan_organisation_id_measure_key"),
        ),
    )
    op.create_table(
        "measure_plan_outcome",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["measure_plan.id"],
            name=op.f("fk_measure_plan_outcome_plan_id_measure_plan"),
            ondelete="CASCADE",
        ),
        _fk("measure_plan_outcome", "outcome_id", "outcome", "CASCADE"),
        sa.PrimaryKeyConstraint("plan_id", "outcome_id", name=op.f("pk_measure_plan_outcome")),
    )
    op.create_table(
        "measure_plan_funder",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("funder_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["measure_plan.id"],
            name=op.f("fk_measure_plan_funder_plan_id_measure_plan"),
            ondelete="CASCADE",
        ),
        _fk("measure_plan_funder", "funder_id", "funder", "CASCADE"),
        sa.PrimaryKeyConstraint("plan_id", "funder_id", name=op.f("pk_measure_plan_funder")),
    )
    op.create_table(
        "organisation_measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        _fk("organisation_measure", "organisation_id", "organisation"),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["user.id"],
            name=op.f("fk_organisation_measure_imported_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_measure")),
        sa.UniqueConstraint(
            "organisation_id", "key", name=op.f("uq_organisation_measure_organisation_id_key")
        ),
    )
    op.create_table(
        "measure_reading",
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("measure_key", sa.String(length=40), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("wording", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("raw", sa.Float(), nullable=True),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("risk", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entry.id"],
            name=op.f("fk_measure_reading_entry_id_entry"),
            ondelete="CASCADE",
        ),
        _fk("measure_reading", "organisation_id", "organisation"),
        _fk("measure_reading", "person_id", "person"),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_measure_reading")),
    )
    with op.batch_alter_table("measure_reading", schema=None) as batch_op:
        batch_op.create_index(
            "ix_measure_reading_org_measure",
            ["organisation_id", "measure_key", "person_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_measure_reading_person_id"), ["person_id"], unique=False
        )
    op.create_table(
        "measure_settings",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("safeguarding_procedure", sa.Text(), nullable=False),
        _fk("measure_settings", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_measure_settings")),
    )
    op.create_table(
        "safeguarding_concern",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.Column("raised_by_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _fk("safeguarding_concern", "organisation_id", "organisation"),
        _fk("safeguarding_concern", "person_id", "person"),
        _fk("safeguarding_concern", "entry_id", "entry"),
        _fk("safeguarding_concern", "raised_by_id", "user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_concern")),
    )
    with op.batch_alter_table("safeguarding_concern", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safeguarding_concern_organisation_id"), ["organisation_id"]
        )
        batch_op.create_index(batch_op.f("ix_safeguarding_concern_person_id"), ["person_id"])
    op.create_table(
        "safeguarding_permission",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        _fk("safeguarding_permission", "user_id", "user", "CASCADE"),
        _fk("safeguarding_permission", "organisation_id", "organisation"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_safeguarding_permission")),
    )
    with op.batch_alter_table("safeguarding_permission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safeguarding_permission_organisation_id"), ["organisation_id"]
        )
    with op.batch_alter_table("organisation_measure", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_measure_organisation_id"), ["organisation_id"]
        )
    with op.batch_alter_table("measure_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measure_plan_organisation_id"), ["organisation_id"])


def downgrade():
    with op.batch_alter_table("measure_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_plan_organisation_id"))
    with op.batch_alter_table("organisation_measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_measure_organisation_id"))
    with op.batch_alter_table("safeguarding_permission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safeguarding_permission_organisation_id"))
    op.drop_table("safeguarding_permission")
    with op.batch_alter_table("safeguarding_concern", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safeguarding_concern_person_id"))
        batch_op.drop_index(batch_op.f("ix_safeguarding_concern_organisation_id"))
    op.drop_table("safeguarding_concern")
    op.drop_table("measure_settings")
    with op.batch_alter_table("measure_reading", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_reading_person_id"))
        batch_op.drop_index("ix_measure_reading_org_measure")
    op.drop_table("measure_reading")
    op.drop_table("organisation_measure")
    op.drop_table("measure_plan_funder")
    op.drop_table("measure_plan_outcome")
    op.drop_table("measure_plan")
