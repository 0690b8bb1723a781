"""The schema comes from migrations alone: they build it from empty and take it back down."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.extensions import db
from tests.fixtures.databases import fresh_database
from tests.fixtures.web import FAST_HASH


def test_migrations_build_the_schema_from_empty_and_downgrade_to_empty(tmp_path):
    with fresh_database(tmp_path) as url:
        app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH": FAST_HASH}
        )
        with app.app_context():
            upgrade()
            tables = set(inspect(db.engine).get_table_names())
            expected = {t.name for t in db.metadata.sorted_tables}
            assert expected <= tables, f"missing tables: {expected - tables}"
            # The migrated schema matches the models: same columns for every table.
            inspector = inspect(db.engine)
            for table in db.metadata.sorted_tables:
                migrated = {c["name"] for c in inspector.get_columns(table.name)}
                assert migrated == {c.name for c in table.columns}, table.name
            # And in all Alembic compares (types, keys, indexes, constraints): autogenerate
            # would write an empty migration, so a model change always comes with its own.
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                assert compare_metadata(context, db.metadata) == []
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()


def test_the_latest_migration_goes_down_and_up_again_on_a_database_in_use(tmp_path):
    """A migration that rebuilds a table others point at (SQLite's way of changing one) must
    work on a database with people and entries in it, both ways, keeping every row."""
    from sqlalchemy import func, select

    from app.models import Entry, User
    from tests.fixtures.factories import make_entry, world

    def rows():
        return [
            db.session.scalar(select(func.count()).select_from(model)) for model in (User, Entry)
        ]

    with fresh_database(tmp_path) as url:
        app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH": FAST_HASH}
        )
        with app.app_context():
            upgrade()
            w = world()
            make_entry(w.person, w.worker, "seen")
            db.session.commit()
            before = rows()
            db.session.remove()
            downgrade(revision="-1")
            upgrade()
            assert rows() == before and before[1] == 1
            # The daily rollup is filled from the log by its migration, by the app's rule.
            from app.entries import rollup

            assert len(rollup.stored()) == 1 and rollup.differences() == []
            db.session.remove()
            db.engine.dispose()
