"""Reads from a streaming replica: reports, exports and the Overview, off the primary.

With STEPLADDER_REPLICA_DATABASE_URL set (a PostgreSQL hot standby of the primary), a view
marked @replica_reads runs its SELECT statements on the replica. Everything else stays on
the primary: any flush or DML (audit rows included), SELECT ... FOR UPDATE, and every
request hook, so sign-in checks and session rows never read a copy that may lag behind.
Without a replica the decorator does nothing and every statement goes to the primary.
"""

import functools
import math
from collections.abc import Callable

from flask import Flask, current_app, g, has_app_context
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

ENGINE_KEY = "stepladder_replica_engine"

# Whether the replica has replayed all it has received, and the age of the last transaction
# it replayed (which keeps growing while nothing is written, so it means "behind" only when
# something is still waiting to be replayed).
LAG_SQL = text(
    "SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), "
    "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
)


def init_app(app: Flask) -> None:
    """Create the replica's engine when one is configured."""
    url = app.config.get("REPLICA_DATABASE_URL")
    if url:
        app.extensions[ENGINE_KEY] = create_engine(url, pool_pre_ping=True)


def replica_engine() -> Engine | None:
    return current_app.extensions.get(ENGINE_KEY) if has_app_context() else None


def replica_reads(view: Callable) -> Callable:
    """Mark a view whose reads may come from the replica (a report, an export, the Overview).

    The mark stays for the rest of the request, so a streamed response's statement, run
    after the view returns, reads from the replica too.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if replica_engine() is not None:
            g.read_from_replica = True
        return view(*args, **kwargs)

    return wrapper


def _is_plain_read(clause) -> bool:
    return bool(
        getattr(clause, "is_select", False) and getattr(clause, "_for_update_arg", None) is None
    )


class RoutingSession(Session):
    """The app's session: plain SELECTs of a replica-read view go to the replica."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if (
            bind is None
            and not self._flushing
            and g.get("read_from_replica")
            and _is_plain_read(clause)
            and (engine := replica_engine()) is not None
        ):
            return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def freshness() -> dict | None:
    """How fresh the figures a replica-read page shows are; None when it reads the primary."""
    engine = replica_engine()
    if engine is None or not g.get("read_from_replica"):
        return None
    with engine.connect() as connection:
        caught_up, age = connection.execute(LAG_SQL).one()
    if caught_up:
        return {"behind": False, "seconds": 0}
    return {"behind": True, "seconds": max(1, math.ceil(float(age or 0)))}
