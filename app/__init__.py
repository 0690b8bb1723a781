"""Stepladder: record a person's small steps in two taps; reports that populate themselves."""

import os
import secrets

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app import compression, links, replica
from app import config as default_config
from app.extensions import csrf, db, htmx, limiter, login, migrate
from app.params import IdConverter


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, security and CLI."""
    app = Flask(__name__, instance_path=os.environ.get("STEPLADDER_INSTANCE_PATH"))
    # Before any blueprint adds its rules: an id too large for the database is a 404.
    app.url_map.converters["int"] = IdConverter
    app.config.update(default_config.load(app.instance_path))
    if test_config:
        app.config.update(test_config)
    # Refused at start-up, not when the first invitation goes out with a broken link.
    app.config["BASE_URL"] = links.origin(app.config.get("BASE_URL", ""))
    # Only what is needed is written: a secret key when none is given, and the folder of the
    # default SQLite database. An app built for a test writes nothing: without a key it gets
    # one of its own for its lifetime (a test run must not leave a key in the working tree).
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = (
            secrets.token_hex(32)
            if app.testing
            else default_config.kept_secret_key(app.instance_path)
        )
    default_database = app.config["SQLALCHEMY_DATABASE_URI"].startswith(
        f"sqlite:///{app.instance_path}"
    )
    if default_database and not app.testing:
        os.makedirs(app.instance_path, exist_ok=True)

    if proxies := app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    db.init_app(app)
    replica.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    login.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)

    from app import (
        access,
        accounts,
        audit,
        auth,
        caseload,
        errors,
        export,
        help,
        home,
        imports,
        journey,
        ladder_sets,
        mail,
        measures,
        my_journey,
        offline,
        overview,
        passwords,
        privacy,
        referrals,
        reports,
        request_limits,
        security,
        setup,
        static_files,
        stories,
        templating,
        visits,
        week,
    )
    from app import sessions as group_sessions
    from app.auth import sessions
    from app.entries import rollup

    sessions.init_app(app)
    request_limits.init_app(app)  # before anything reads the body
    security.init_app(app)
    static_files.init_app(app)
    access.init_app(app)
    # After the access check, so a signed-out outbox replay hears 401 (sign in, then resend)
    # rather than a CSRF failure for a token whose session has gone.
    csrf.init_app(app)
    audit.init_app(app)
    rollup.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    # One blueprint per area: the worker's, the supervisor's, the admin's, then records.
    for area in (
        auth,
        home,
        caseload,
        week,
        my_journey,
        offline,
        overview,
        referrals,
        journey,
        measures,
        reports,
        setup,
        imports,
        ladder_sets,
        accounts,
        export,
        privacy,
        stories,
        audit,
        help,
        group_sessions,
        visits,
        mail,
        passwords,
    ):
        app.register_blueprint(area.bp)
    app.register_blueprint(group_sessions.mhsds.bp)
    # After the blueprints: it wraps the static endpoints they (and Flask) define.
    compression.init_app(app)

    from app.cli import register

    register(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite: write-ahead log so readers never block the writer; foreign keys enforced."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
