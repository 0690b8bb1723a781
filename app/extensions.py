"""Flask extensions, created unbound here and initialised in create_app."""

from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.replica import RoutingSession

# One naming convention, so Alembic names constraints predictably on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Typed SQLAlchemy 2 models, one session per request; a replica-read view's SELECTs may go to
# a streaming replica (app/replica.py).
db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
migrate = Migrate(render_as_batch=True)  # Alembic; batch mode so SQLite can alter tables
login = LoginManager()  # who is signed in, loaded from a revocable server-side session row
csrf = CSRFProtect()  # a token behind every state-changing form and htmx request
htmx = HTMX()  # request.htmx: which element asked, so we answer with the right fragment
limiter = Limiter(key_func=get_remote_address, default_limits=[])  # sign-in brute force


def plain_rows(statement) -> list:
    """The rows of a SELECT of plain columns (no model objects), run as Core on the
    connection the session would use for it (the replica's, in a replica-read view).

    Why: the ORM turns every row of a column select into a new tuple through its loaders,
    about 5 µs a row on top of the driver, and a column select needs none of it (no objects,
    no identity map): the Overview's 17,779 active people took 116 ms that way and take 14 ms
    this way, on either database. Pending changes are flushed first, as `execute` would
    (not from inside a flush)."""
    session = db.session()
    if session.autoflush and not session._flushing:  # as the ORM's own autoflush
        session.flush()
    connection = session.connection(bind_arguments={"clause": statement})
    return connection.execute(statement).all()


def plain_scalars(statement) -> list:
    """The first column of `plain_rows`."""
    return [row[0] for row in plain_rows(statement)]
