"""Shared fixtures: an app on a freshly migrated database per test, clients, and sign-in."""

import os

import pytest
from flask_migrate import upgrade
from hypothesis import settings

from app import create_app
from app.extensions import db, limiter
from tests.fixtures.clock import at_midday
from tests.fixtures.databases import empty_all_tables, fresh_database
from tests.fixtures.factories import World, world
from tests.fixtures.web import Auth, RequestClient, app_config

# Every Hypothesis test is deterministic: the same examples in every run, on every machine,
# and no example database carrying failures from one run into the next. Set
# HYPOTHESIS_PROFILE=explore locally to search with fresh random examples.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A database migrated once per test session (SQLite, or PostgreSQL when configured)."""
    with fresh_database(tmp_path_factory.mktemp("db")) as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield url


@pytest.fixture
def app(database_url):
    """The app on the migrated database, emptied before each test, at midday today."""
    app = create_app(app_config(database_url))
    app.test_client_class = RequestClient
    with at_midday(app.config["TIMEZONE"]), app.app_context():
        empty_all_tables(db.engine)
        limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def w(app) -> World:
    """A small world of two organisations (see tests/fixtures/factories.py)."""
    return world()


@pytest.fixture
def auth(client):
    return Auth(client)
