"""Limits on repeated attempts that hold however many server processes run.

`throttle` is the one decorator for anything an attacker might repeat: sign-in, the
two-factor code, password checks on the account page, and the public forms (referrals,
forgot-password). Each attempt is a row in the database that every process shares (SQLite
or PostgreSQL), so two gunicorn workers, or forty attempts at once, count as one stream.

The count is exact under concurrency: an attempt adds its own row and counts the rows in
the window, itself included, in one short transaction that holds its keys' lock (on
PostgreSQL an advisory lock per key; on SQLite the database's write lock, which the insert
takes). Attempts for one key so go one at a time: forty at once let exactly ten through,
never more and never fewer. A refused attempt's row is rolled back; an attempt that the
view says does not count (a successful sign-in) takes its row away again.

Usage, on a view below its route decorator:

    @throttle("referral", lambda: {"address:" + client_address(): [PER_MINUTE]})

and `counts=` to count only failures (see app/auth/routes.py).
"""

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import abort, make_response, request
from sqlalchemy import delete, func, select, text

from app.extensions import db
from app.models import Attempt
from app.models.clock import utcnow


@dataclass(frozen=True)
class Limit:
    """At most `count` attempts within `window`; the next one gets 429."""

    count: int
    window: timedelta


# PRODUCT.md: more than 10 failed sign-ins within a minute, for one account or one address.
PER_MINUTE = Limit(10, timedelta(minutes=1))
# Rows older than the longest window any scope uses are of no further use.
KEEP = timedelta(days=1)

Keys = dict[str, Iterable[Limit]]


def always(_response) -> bool:
    """Every attempt counts (public forms: a success is as repeatable as a failure)."""
    return True


def failed(response) -> bool:
    """Only attempts that did not succeed count; a success answers with a 303 redirect."""
    return response.status_code != 303


def throttle(
    scope: str,
    keys: Callable[[], Keys],
    counts: Callable = always,
    methods: tuple[str, ...] = ("POST",),
    message: str = "Too many attempts. Please wait a minute and try again.",
    forget_on_success: bool = False,
) -> Callable:
    """Limit a view's attempts per key (an account, an address), counted in the database.

    `keys()` gives, for this request, each key with the limits it is held to; `counts`
    says whether the answer counts as an attempt; `forget_on_success` clears the keys'
    earlier attempts when one does not count (a right two-factor code ends a lock-out's
    build-up).
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if request.method not in methods:
                return view(*args, **kwargs)
            wanted = {key[:300]: list(limits) for key, limits in keys().items() if key}
            ids = _admit(scope, wanted)
            if ids is None:
                abort(429, description=message)
            response = make_response(view(*args, **kwargs))
            if not counts(response):
                if forget_on_success:
                    _forget_keys(scope, wanted)
                else:
                    _forget(ids)
            return response

        return wrapped

    return decorate


def admit(scope: str, wanted: Keys, weight: int = 1) -> bool:
    """Take `weight` units of each key's allowance at once if they all fit, exactly under
    concurrency (for a caller that is not a view, such as the audit trail's cap on
    anonymous rows); whether they were taken."""
    return _admit(scope, wanted, weight) is not None


def _admit(scope: str, wanted: Keys, weight: int = 1) -> list[int] | None:
    """Record this attempt (`weight` rows per key) if every key stays within its limits:
    its rows' ids, or None."""
    db.session.commit()  # end any read: the attempt's transaction must begin with its lock
    _lock(scope, wanted)
    now = utcnow()
    rows = [Attempt(scope=scope, key=key, at=now) for key in wanted for _ in range(weight)]
    db.session.add_all(rows)
    db.session.flush()  # on SQLite the insert takes the write lock, held until commit
    if _over(scope, wanted, now):
        db.session.rollback()
        return None
    db.session.execute(delete(Attempt).where(Attempt.scope == scope, Attempt.at < now - KEEP))
    db.session.commit()
    return [row.id for row in rows]


def _lock(scope: str, wanted: Keys) -> None:
    """PostgreSQL: hold each key's advisory lock until this transaction ends (in one order
    for every process, so two attempts never deadlock)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(wanted):
        digest = hashlib.sha256(f"{scope}:{key}".encode()).digest()
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:id)"),
            {"id": int.from_bytes(digest[:8], "big", signed=True)},
        )


def _over(scope: str, wanted: Keys, now: datetime) -> bool:
    """Whether any key has more attempts in any of its windows than its limit allows."""
    for key, limits in wanted.items():
        for limit in limits:
            count = db.session.scalar(
                select(func.count())
                .select_from(Attempt)
                .where(Attempt.scope == scope, Attempt.key == key, Attempt.at > now - limit.window)
            )
            if count > limit.count:
                return True
    return False


def _forget(ids: list[int]) -> None:
    db.session.rollback()  # whatever a view left unfinished must not ride along
    db.session.execute(delete(Attempt).where(Attempt.id.in_(ids)))
    db.session.commit()


def _forget_keys(scope: str, wanted: Keys) -> None:
    db.session.rollback()
    db.session.execute(delete(Attempt).where(Attempt.scope == scope, Attempt.key.in_(wanted)))
    db.session.commit()


def attempts(scope: str, key: str, within: timedelta) -> int:
    """How many attempts `key` made in `scope` within the last `within` (for tests and admins)."""
    return db.session.scalar(
        select(func.count())
        .select_from(Attempt)
        .where(Attempt.scope == scope, Attempt.key == key, Attempt.at > utcnow() - within)
    )
